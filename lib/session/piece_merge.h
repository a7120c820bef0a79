/* SPDX-License-Identifier: GPL-2.0 */
/*
 * piece_merge.h - several AUX pieces (the buffers of a per-CPU recording)
 * decoded at the same time, a thread each (which may hand the work on to
 * threads of its own, lib/session/parallel.h), and the outputs of their
 * events written in time order, as perf script merges its per-CPU queues.
 *
 * Each piece's thread renders its events into a buffer of its own and
 * ends each with pm_event_end() and the event's time; the events are
 * written by whichever of those threads has the writer's turn, one at a
 * time, always the earliest of the heads of all pieces (ties and events
 * of no time: in piece order; an event of no time goes right after the
 * one before it in its piece). The output does not depend on how the
 * threads run.
 */
#ifndef AUXREC_PIECE_MERGE_H
#define AUXREC_PIECE_MERGE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

struct line_buf;
struct pm_stream;

/* The most ranges pm_output.writev is given at once. */
#define PM_IOV	256

/*
 * Decodes piece i on its own thread, ending each event whose output it
 * rendered into a buffer with pm_event_end(). Returns 0 or non-zero to
 * stop the whole decode.
 */
typedef int (*pm_decode_fn)(void *ctx, size_t i, struct pm_stream *st);

/*
 * Where the events go: called on the pieces' threads, one at a time (each
 * call sees what the one before did).
 */
struct pm_output {
	/* writes bytes of events' output: 0, or non-zero to stop */
	int (*write)(void *ctx, const char *bytes, size_t len);
	/*
	 * Optional, instead of write: writes the bytes of v[0..n-1] in order,
	 * where they are (at most PM_IOV ranges; v may be changed): the runs
	 * of events of many hand-overs at once, none copied on the way (0, or
	 * non-zero to stop).
	 */
	int (*writev)(void *ctx, struct iovec *v, int n);
	/*
	 * Optional: what the caller puts among the events (tracepoint
	 * samples): next() is the time of the next (UINT64_MAX: none left);
	 * put(ctx, time) writes those of times before `time`, called before
	 * an event of a later time than next() is written (0, or non-zero to
	 * stop). Events of no time go right after the one before them.
	 */
	uint64_t (*next)(void *ctx);
	int (*put)(void *ctx, uint64_t time);
};

/*
 * The event whose output ends at buf's end (buf: the one every event of
 * the stream is rendered into; an event that rendered nothing is no
 * event) has perf time `time` (0: none). Non-zero when the decode is to
 * stop (out of memory, or the output stopped).
 */
int pm_event_end(struct pm_stream *st, struct line_buf *buf, uint64_t time);

/*
 * Hands the events rendered into buf so far over, as the decode of the
 * stream's piece ends (buf is the decode's own): non-zero to stop.
 */
int pm_stream_flush(struct pm_stream *st, struct line_buf *buf);

/*
 * Decodes pieces 0..n-1 with decode, each on a thread of its own, and
 * writes their events' outputs to out in time order. Returns 0, decode's
 * or out's non-zero value, or a negative errno (memory; -EAGAIN: no
 * thread to be had, nothing decoded or written).
 */
int pm_run(size_t n, pm_decode_fn decode, const struct pm_output *out, void *ctx);

#endif
