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

#include <stdbool.h>
#include <stddef.h>
#include "decoders/decoder.h"

struct line_buf;
struct par_unit;

/*
 * The caller's side. open: a decoder state of its own (*state) whose
 * events go to unit *unit (par_unit_buf(), par_unit_event_end()), the
 * buffer they are kept in (*buf, the caller's, kept from unit to unit:
 * touched memory, in the cache of the thread that writes it), and
 * whatever it needs with it (returned; NULL: no memory). close: frees
 * what open made. emit: the bytes of a run of events, in order, on the
 * calling thread; non-zero stops the decode.
 */
struct par_hooks {
	void *(*open)(void *ctx, struct par_unit *const *unit, void **state,
		      struct line_buf **buf);
	void (*close)(void *ctx, void *slot, void *state);
	int (*emit)(void *ctx, const char *bytes, size_t len);
};

/* Chunks smaller than this are not worth cutting. */
#define PAR_MIN_UNIT	(32u << 10)

/*
 * A decoder state's event callback appends what it keeps of an event (its
 * output, or the event itself) to its buffer, par_unit_buf(u) (NULL when
 * decoding is to stop), then ends it with par_unit_event_end(u), non-zero
 * when out of memory: a join drops events of a unit by these ends.
 */
struct line_buf *par_unit_buf(struct par_unit *u);
/*
 * Whether what is kept of u's events is handed over: when it is not (the
 * units around the one of par_decode_unit()), only their ends count.
 */
bool par_unit_kept(const struct par_unit *u);
int par_unit_event_end(struct par_unit *u);

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
 * units' events, in order, are the chunk's. Whether and where the units
 * before join depends on what came before them (a return stack, errors),
 * so they are decoded too, on jobs threads, but nothing is kept of their
 * events (no output made) but their count; it stops once k is handed
 * over. Returns as par_decode(), -ERANGE when there is no unit k.
 */
int par_decode_unit(const struct decoder_ops *dec, const struct aux_chunk *chunk, size_t k,
		    unsigned int jobs, const struct par_hooks *h, void *ctx);

#endif
