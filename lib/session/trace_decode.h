/* SPDX-License-Identifier: GPL-2.0 */
/*
 * trace_decode.h - decoding a whole recording into events for script and
 * report: session pieces through the recording's decoder, with code read
 * from the traced binaries and each event tagged with its process.
 */
#ifndef AUXREC_TRACE_DECODE_H
#define AUXREC_TRACE_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include "decoders/decoder.h"
#include "lib/session/event_filter.h"
#include "lib/util/progress.h"
#include "session.h"

struct iovec;
struct line_buf;

struct trace_event {
	const struct decode_event *ev;
	const struct session_piece *piece;	/* the piece's owner and chunk */
	const struct proc *proc;		/* maps and comm; NULL unknown */
	int pid, tid;				/* of proc (switches followed); -1 unknown */
	const char *comm;			/* tid's name as perf prints it; NULL unknown */
	const struct maps *kmaps;		/* the kernel's maps (for proc NULL) */
	/*
	 * The event's CPU: the buffer's (piece->chunk.cpu, -1 per-thread), or
	 * the one its decoder told (decode_opts.events_cpu: a CoreSight trace
	 * ID's ETM). What outputs show and -C selects.
	 */
	int cpu;
};

/* The maps of te's code: its process's, else the kernel's. */
static inline const struct maps *trace_event_maps(const struct trace_event *te)
{
	return te->proc ? &te->proc->maps : te->kmaps;
}

typedef int (*trace_event_fn)(void *ctx, const struct trace_event *te);

/* A decode unit of the recording (see par_units()). */
struct decode_unit {
	size_t index;			/* in the recording, from 0 */
	size_t piece;			/* the AUX piece it is in, from 0 */
	const struct aux_chunk *chunk;	/* the piece's data */
	size_t start, end;		/* its range of the piece */
	/*
	 * How the decode of the whole piece goes through it: whether its
	 * state takes the flow over (else its part of the output is empty),
	 * dropping how many of its own events first (o->unit_drop for it), and
	 * whether from there it decodes exactly without the units before
	 * (see par_list_units()).
	 */
	bool joined;
	uint64_t drop;
	bool self_contained;
	/*
	 * Its piece is one of the buffers whose events the whole decode
	 * merges by time (merge_by_time): the units' outputs of those pieces
	 * interleave by their events' times instead of following each other.
	 */
	bool merged;
};

typedef int (*decode_unit_fn)(void *ctx, const struct decode_unit *u);

/* A PERF_RECORD_SAMPLE of the recording (not a decoded event). */
struct trace_sample {
	const struct pd_record *rec;
	const struct perf_event_attr *attr;	/* of the sample */
	const struct proc *proc;		/* its process (maps), NULL unknown */
	int pid, tid;				/* -1 unknown */
	int cpu;				/* -1 unknown */
	const char *comm;			/* tid's name as perf prints it; NULL unknown */
	uint64_t time;				/* 0 unknown */
};

typedef int (*trace_sample_fn)(void *ctx, const struct trace_sample *ts);

struct trace_decode_opts {
	const char *path;
	const char *symfs;
	const char *debug_dir;			/* separate debug files by build id */
	const char *vmlinux;			/* kernel symbols and code, or NULL */
	const char *kallsyms;			/* else kernel symbols, or NULL */
	bool insns;
	bool no_time;				/* fn reads no event's time (a --time filter does) */
	/* fn builds call stacks: plain branches may come folded (decode_opts) */
	bool fold_branches;
	enum progress_mode progress;		/* the progress line on stderr */
	bool output_at_end;			/* fn's output comes after the decode */
	unsigned int jobs;			/* decode threads; 0: one */
	/*
	 * Optional, with jobs > 1: each event's output made on the decode
	 * threads instead of by fn. render_new(ctx, &out) gives a renderer for
	 * one thread (NULL: no memory) and *out, the buffer of its own it
	 * renders into; render(r, te) appends te's output (maybe none) to it,
	 * returns 0 or non-zero to stop; render_free(r).
	 * write(ctx, bytes, len) writes the outputs, in order, on whichever
	 * decode thread hands them over, one at a time: 0, or non-zero to stop. A renderer must not change what
	 * other threads read (the session, the binaries' symbols).
	 */
	void *(*render_new)(void *ctx, struct line_buf **out);
	int (*render)(void *r, const struct trace_event *te);
	void (*render_free)(void *r);
	int (*write)(void *ctx, const char *bytes, size_t len);
	/*
	 * Optional, with render_new and merge_by_time: the buffers merged by
	 * time write their runs of events through writev(ctx, v, n) instead,
	 * many at once where they were rendered (v[0..n-1] in order; v may be
	 * changed): 0, or non-zero to stop.
	 */
	int (*writev)(void *ctx, struct iovec *v, int n);
	/*
	 * With render_new (or list_units, to say which units it merges): the
	 * buffers that are left when the file ends (a
	 * per-CPU recording's, or per-thread ones), when the trace has time,
	 * are decoded at once, each on a thread of its own or on its share
	 * of the jobs threads by its size (trace_decode.c merged_jobs()), and
	 * their events' outputs
	 * written in time order (lib/session/piece_merge.h) through write, as
	 * perf script merges its queues, instead of one buffer's after
	 * another's. Not with list_units or one_unit.
	 */
	bool merge_by_time;
	/*
	 * Optional, with merge_by_time: what the output puts among the events
	 * (tracepoint samples): between_next(ctx) is the time of the next
	 * (UINT64_MAX: none left), between_put(ctx, time) writes those before
	 * `time` (0, or non-zero to stop). The decode threads of --jobs then
	 * hand the events to fn instead of rendering them.
	 */
	uint64_t (*between_next)(void *ctx);
	int (*between_put)(void *ctx, uint64_t time);
	/*
	 * Optional, with render_new: bytes of trace per unit of a decode on
	 * threads (par_hooks.unit_size); 0: parallel.c's default, small units
	 * whose rendered output stays in cache.
	 */
	size_t thread_unit;
	trace_event_fn fn;
	void *ctx;
	/*
	 * Optional: only the events (and samples) that pass it go to fn,
	 * render, count and sample; NULL or no condition set: all of them.
	 */
	const struct event_filter *filter;
	/*
	 * Optional: taken branches as sums per source address instead of
	 * events to fn, where the decoder can (decode_opts.count): te has the
	 * owner as of the sums (te->ev NULL). Non-zero stops. On decode
	 * threads only with render_sums (else the threads deliver events):
	 * it appends the sums to the renderer's buffer, for write.
	 */
	int (*count)(void *ctx, const struct trace_event *te, const struct branch_sum *sums,
		     size_t nr);
	int (*render_sums)(void *r, const struct trace_event *te, const struct branch_sum *sums,
			   size_t nr);
	/*
	 * Optional: writes what fn buffered, called before the error line of
	 * a damaged file, so that the events before the damage come first.
	 */
	void (*flush)(void *ctx);
	/*
	 * Decode units: list_units, when set, is called with each unit of
	 * the recording, in order, instead of handing over events (0 to go
	 * on). With one_unit, only unit `unit` is decoded: its part of the
	 * output; with unit_joined, where the whole decode joins it is
	 * unit_drop (struct decode_unit's drop): only the units from it on
	 * are decoded when it is self-contained.
	 */
	decode_unit_fn list_units;
	bool one_unit;
	size_t unit;
	bool unit_joined;
	uint64_t unit_drop;
	/*
	 * Optional: each PERF_RECORD_SAMPLE, in file order, before the AUX
	 * pieces that follow it are decoded (with ctx); non-zero stops.
	 */
	trace_sample_fn sample;
	/*
	 * Optional: called (with ctx) after each AUX piece is decoded, before
	 * the session reads the records after it, which may change what the
	 * piece's events pointed to (processes, their maps and the binaries'
	 * symbols, thread names): an fn that uses them later, on another
	 * thread, must be done with them when it returns. Non-zero stops.
	 */
	int (*piece_end)(void *ctx);
};

/*
 * Decodes every AUX piece of the recording. Returns 0, or 1 after printing
 * one error line (unreadable or corrupt file, no decoder for the PMU);
 * binaries that could not be read are named in a warning at the end.
 * Kernel addresses use o->vmlinux, relocated by the KASLR offset of the
 * recording's kernel map; else o->kallsyms (symbols only); without either,
 * when the recording traced the kernel
 * of this machine (same host name and release, same _text), /proc/kallsyms
 * and /proc/kcore.
 */
int trace_decode(const struct trace_decode_opts *o);


#endif
