/* SPDX-License-Identifier: GPL-2.0 */
/*
 * parallel.h - decoding one chunk of trace on several threads: cut at the
 * decoder's split points into units, each unit decoded by a decoder state
 * of a small pool on a worker thread, the units joined in order by the
 * decoder (decode_join) and their events handed over in the order of a
 * sequential decode, with at most a window of units in flight.
 */
#ifndef AUXREC_PARALLEL_H
#define AUXREC_PARALLEL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include "decoders/decoder.h"
#include "lib/output/line_buf.h"

struct line_buf;
struct par_unit;

/*
 * The caller's side. open: a decoder state of its own (*state) whose
 * events go to unit *unit (par_unit_ends(), par_ends_event_end()), the
 * buffer they are kept in (*buf, the caller's, kept from unit to unit:
 * touched memory, in the cache of the thread that writes it), and
 * whatever it needs with it (returned; NULL: no memory). close: frees
 * what open made. emit: the bytes of a run of events, in order; non-zero
 * stops the decode. The calling thread decodes too, and emit, and open
 * and close after the start, run on whichever thread hands the next unit
 * over, one at a time (under the pool's lock, so each sees what the one
 * before did). unit_size: bytes of trace a unit is cut at, about (half
 * that on small chunks); 0 for PAR_THREAD_UNIT, whose buffered output
 * stays in a core's cache. A caller that keeps little of each event (report's
 * counts) asks for larger units: fewer starts, joins and hand-overs.
 */
struct par_hooks {
	void *(*open)(void *ctx, struct par_unit *const *unit, void **state,
		      struct line_buf **buf);
	void (*close)(void *ctx, void *slot, void *state);
	int (*emit)(void *ctx, const char *bytes, size_t len);
	/*
	 * Optional: the units up to offset end of the chunk are handed over
	 * (called as emit is, by one thread at a time): for a progress line.
	 */
	void (*handed)(void *ctx, size_t end);
	size_t unit_size;
};

/*
 * bytes, the default units of a decode on threads: their buffered output
 * stays in a core's L2 cache (64 KiB units: 3 MB of JSON each, 12% more
 * CPU time for script --json), and joins at the first PSBEND make small
 * units cheap
 */
#define PAR_THREAD_UNIT	(16u << 10)

/* Chunks smaller than this are not worth cutting. */
#define PAR_MIN_UNIT	(32u << 10)

/*
 * Where the events of the units a decoder state decodes end in its
 * buffer (the one par_hooks.open gave): the state's for good
 * (par_unit_ends() of any of its units); parallel.c owns the fields. A
 * state's event callback appends what it keeps of an event (its output,
 * or the event itself) to its buffer, then ends it with
 * par_ends_event_end(), non-zero when out of memory (the buffer's, or the
 * ends': the decode then fails with -ENOMEM, not as canceled) or when
 * decoding is to stop: a join drops events of a unit by these ends.
 */
struct par_ends {
	size_t *v;		/* v[i]: where event i of the unit ends in buf */
	size_t nr, cap;
	const struct line_buf *buf;
	const atomic_int *stop;	/* decoding is to stop */
	int err;		/* -ENOMEM: v could not grow */
};

struct par_ends *par_unit_ends(struct par_unit *u);
/* Room in e->v for one more end: 0, or 1 when the buffer or v failed. */
int par_ends_grow(struct par_ends *e);

/* Ends the event just appended to the buffer: 0, or non-zero to stop. */
static inline int par_ends_event_end(struct par_ends *e)
{
	if ((e->nr == e->cap || e->buf->err) && par_ends_grow(e))
		return 1;
	e->v[e->nr++] = e->buf->len;
	return atomic_load_explicit(e->stop, memory_order_relaxed);
}

/*
 * Whether what is kept of u's events is handed over: when it is not (the
 * units around the one of par_decode_unit()), only their ends count.
 */
bool par_unit_kept(const struct par_unit *u);

/* Whether dec can decode in parallel, and chunk is worth it. */
bool par_worth(const struct decoder_ops *dec, const struct aux_chunk *chunk, unsigned int jobs);

/*
 * Decodes chunk with dec on jobs threads, handing each event to h->emit
 * in the order decode_chunk() would deliver them. Returns 0, emit's
 * non-zero value, -ERANGE when the chunk has no split point to cut it at
 * (nothing was decoded: decode it as usual), or another negative errno.
 */
int par_decode(const struct decoder_ops *dec, const struct aux_chunk *chunk, unsigned int jobs,
	       const struct par_hooks *h, void *ctx);

/*
 * Decode units, a recording's pieces of work that decode alone: a chunk
 * cut at split points about every 64 KiB (AUXREC_PAR_UNIT bytes for
 * tests), whatever the threads; one unit when dec cannot cut it or it is
 * small. Returns how many, with the end of each in *ends (to free), or 0
 * without memory.
 */
size_t par_units(const struct decoder_ops *dec, const struct aux_chunk *chunk, size_t **ends);

/*
 * Decodes unit k of par_units() alone: hands over exactly the events that
 * the decode of the whole chunk hands over while unit k's state is the
 * exact one (from the join into k to the join into the next unit), so the
 * units' events, in order, are the chunk's. Where the whole decode joins
 * unit k depends on all the trace before it (a return stack, errors):
 * join_drop, when not NULL, says it (par_list_units()' drop of unit k, the
 * unit joined). Then unit k is decoded alone, takes the flow over there
 * (range_take_over) and walks on into the units after it until it hands
 * the flow on: exact when its state used nothing a join would have handed
 * it (range_used_before), and the units before it are not decoded at
 * all. Otherwise, or without join_drop, the units before it are decoded
 * too, on jobs threads, keeping nothing of their events but their count.
 * It stops once k is handed over. Returns as par_decode(), -ERANGE when
 * there is no unit k.
 */
int par_decode_unit(const struct decoder_ops *dec, const struct aux_chunk *chunk, size_t k,
		    const uint64_t *join_drop, unsigned int jobs, const struct par_hooks *h,
		    void *ctx);

/* How the decode of the whole chunk went through a unit (par_list_units()). */
struct par_unit_join {
	bool joined;		/* the exact state was handed over to the unit's */
	uint64_t drop;		/* joined: the unit's events before the join */
	/*
	 * joined: the unit's state, from the join until it handed the flow
	 * on, used what the join handed it: par_decode_unit() with its drop
	 * decodes the units before it too.
	 */
	bool used_before;
};

/*
 * Decodes the whole chunk as par_decode_unit() would for every unit
 * (nothing handed over to h->emit), and says for each of the
 * par_units() units how the decode went through it, in joins[]. Returns
 * 0, -ERANGE when the chunk has a single unit (nothing decoded), or a
 * negative errno.
 */
int par_list_units(const struct decoder_ops *dec, const struct aux_chunk *chunk,
		   unsigned int jobs, const struct par_hooks *h, void *ctx,
		   struct par_unit_join *joins);

#endif
