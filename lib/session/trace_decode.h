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
#include "lib/util/progress.h"
#include "session.h"

struct line_buf;

struct trace_event {
	const struct decode_event *ev;
	const struct session_piece *piece;	/* chunk.cpu, the piece's owner */
	const struct proc *proc;		/* maps and comm; NULL unknown */
	int pid, tid;				/* of proc (switches followed); -1 unknown */
	const struct maps *kmaps;		/* the kernel's maps (for proc NULL) */
};

typedef int (*trace_event_fn)(void *ctx, const struct trace_event *te);

/* A PERF_RECORD_SAMPLE of the recording (not a decoded event). */
struct trace_sample {
	const struct pd_record *rec;
	const struct perf_event_attr *attr;	/* of the sample */
	const struct proc *proc;		/* its process (maps), NULL unknown */
	int pid, tid;				/* -1 unknown */
	uint64_t time;				/* 0 unknown */
};

typedef int (*trace_sample_fn)(void *ctx, const struct trace_sample *ts);

struct trace_decode_opts {
	const char *path;
	const char *symfs;
	const char *debug_dir;			/* separate debug files by build id */
	const char *vmlinux;			/* kernel symbols and code, or NULL */
	bool insns;
	enum progress_mode progress;		/* the progress line on stderr */
	bool output_at_end;			/* fn's output comes after the decode */
	unsigned int jobs;			/* decode threads; 0: one per CPU */
	/*
	 * Optional, with jobs > 1: each event's output made on the decode
	 * threads instead of by fn. render_new(ctx) gives a renderer for one
	 * thread (NULL: no memory); render(r, te, out) appends te's output
	 * (maybe none) to out, returns 0 or non-zero to stop; render_free(r).
	 * write(ctx, bytes, len) writes the outputs, in order, on the calling
	 * thread: 0, or non-zero to stop. A renderer must not change what
	 * other threads read (the session, the binaries' symbols).
	 */
	void *(*render_new)(void *ctx);
	int (*render)(void *r, const struct trace_event *te, struct line_buf *out);
	void (*render_free)(void *r);
	int (*write)(void *ctx, const char *bytes, size_t len);
	trace_event_fn fn;
	void *ctx;
	/*
	 * Optional: each PERF_RECORD_SAMPLE, in file order, before the AUX
	 * pieces that follow it are decoded (with ctx); non-zero stops.
	 */
	trace_sample_fn sample;
};

/*
 * Decodes every AUX piece of the recording. Returns 0, or 1 after printing
 * one error line (unreadable or corrupt file, no decoder for the PMU);
 * binaries that could not be read are named in a warning at the end.
 * Kernel addresses use o->vmlinux, relocated by the KASLR offset of the
 * recording's kernel map; without it, when the recording traced the kernel
 * of this machine (same host name and release, same _text), /proc/kallsyms
 * and /proc/kcore.
 */
int trace_decode(const struct trace_decode_opts *o);

#endif
