/* SPDX-License-Identifier: GPL-2.0 */
/*
 * aux_window.h - reading a chunk whose bytes are in windows
 * (aux_chunk.windows): which window to read an offset in.
 *
 * The window for offset pos is the last one that starts at or before
 * pos - AUX_WINDOW_BACK (0 when pos is smaller). By the windows' overlap
 * (decoder.h) it holds AUX_WINDOW_BACK bytes before pos and at least
 * AUX_WINDOW_OVERLAP - AUX_WINDOW_BACK from pos on, or all up to the
 * chunk's end: a decoder reads a packet, or looks a few bytes back, in it
 * through one pointer (aux_window_base()) as if the chunk were one buffer.
 */
#ifndef AUXREC_AUX_WINDOW_H
#define AUXREC_AUX_WINDOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "decoders/decoder.h"

#define AUX_WINDOW_BACK		64
/* Bytes from an offset to the end of its window, at least (but for the last). */
#define AUX_WINDOW_AHEAD	(AUX_WINDOW_OVERLAP - AUX_WINDOW_BACK)

/* The index of the window to read offset pos in (see above); hint: a guess. */
static inline size_t aux_window_index(const struct aux_window *w, size_t nr, size_t pos,
				      size_t hint)
{
	size_t at = pos > AUX_WINDOW_BACK ? pos - AUX_WINDOW_BACK : 0, lo = 0, hi = nr;

	/* w[lo].off <= at (w[0].off is 0), and w[hi].off > at when hi < nr */
	if (hint < nr && w[hint].off <= at) {
		/* the usual step: the guess, or the one after it */
		if (hint + 1 == nr || w[hint + 1].off > at)
			return hint;
		lo = hint + 1;
	}
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (w[mid].off <= at)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The pointer that offsets of window w are read through: base[off] is
 * the chunk's byte at off for off in [w->off, w->off + w->len). Formed as
 * an address, never read outside the window.
 */
static inline const uint8_t *aux_window_base(const struct aux_window *w)
{
	return (const uint8_t *)((uintptr_t)w->p - (uintptr_t)w->off);
}

/*
 * Where a decoder reads a chunk of size bytes at an offset: base[off] for
 * offsets before end, in the window for that offset (aux_window_index()),
 * or in the chunk's data without windows (end then its size).
 */
struct aux_reader {
	const uint8_t *base;
	size_t end;
	size_t idx;		/* the window's */
};

/* r reads offset pos of the chunk of size bytes: data, or windows w[0..nr) when nr > 0. */
static inline void aux_reader_at(struct aux_reader *r, const uint8_t *data, size_t size,
				 const struct aux_window *w, size_t nr, size_t pos)
{
	if (!nr) {
		r->base = data;
		r->end = size;
		return;
	}
	r->idx = aux_window_index(w, nr, pos, r->idx);
	r->base = aux_window_base(&w[r->idx]);
	r->end = r->idx + 1 == nr ? size : w[r->idx].off + w[r->idx].len;
}

/* r reads offset pos of chunk c, its data or its windows (aux_reader_at()). */
static inline void aux_reader_chunk(struct aux_reader *r, const struct aux_chunk *c, size_t pos)
{
	aux_reader_at(r, c->data, c->size, c->windows, c->nr_windows, pos);
}

/*
 * r holds the n bytes of chunk c from pos on (n at most AUX_WINDOW_AHEAD),
 * or all up to c's end: it moves to the next window when they would cross
 * the end of its own.
 */
static inline void aux_reader_need(struct aux_reader *r, const struct aux_chunk *c, size_t pos,
				   size_t n)
{
	if (pos + n > r->end && r->end < c->size)
		aux_reader_chunk(r, c, pos);
}

/* Whether chunk c has its bytes somewhere: data, windows, or none to have. */
static inline bool aux_chunk_readable(const struct aux_chunk *c)
{
	return c->data || c->nr_windows || !c->size;
}

#endif
