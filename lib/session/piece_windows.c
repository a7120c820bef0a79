// SPDX-License-Identifier: GPL-2.0
/*
 * piece_windows.c - a piece's windows over its mapped chunks (see
 * piece_windows.h): where a decoder reads a piece of several AUXTRACE
 * payloads without the piece being copied into one buffer (36 MB of fresh
 * memory for the parallel bench's trace, most of the cost in page faults).
 *
 * The chunks long enough are windows where they are; the zone around each
 * seam between two of them (AUX_WINDOW_OVERLAP bytes on each side, plus
 * the short chunks there), and the zones before the first and after the
 * last, are copied. Each window then ends AUX_WINDOW_OVERLAP bytes or
 * more after the next starts, as decoder.h asks.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "lib/util/array_grow.h"
#include "piece_windows.h"

static bool in_place(const struct gather_seg *g)
{
	return g->n >= PIECE_WINDOW_MIN;
}

/*
 * Calls zone(ctx, from, to) for each copied zone [from, to) and
 * place(ctx, i, off) for each chunk i read in place at offset off, in
 * order of offset.
 */
static int walk(const struct gather_seg *segs, size_t nr,
		int (*zone)(void *ctx, size_t from, size_t to),
		int (*place)(void *ctx, size_t i, size_t off), void *ctx)
{
	size_t off = 0, zone_from = 0, size = 0;
	bool placed = false;
	int r;

	for (size_t i = 0; i < nr; i++)
		size += segs[i].n;
	for (size_t i = 0; i < nr; off += segs[i++].n) {
		if (!in_place(&segs[i]))
			continue;
		if (off && (r = zone(ctx, zone_from, off + AUX_WINDOW_OVERLAP)))
			return r;
		if ((r = place(ctx, i, off)))
			return r;
		placed = true;
		zone_from = off + segs[i].n - AUX_WINDOW_OVERLAP;
	}
	if (!placed)
		return zone(ctx, 0, size);
	return zone_from + AUX_WINDOW_OVERLAP < size ? zone(ctx, zone_from, size) : 0;
}

static int count_zone(void *ctx, size_t from, size_t to)
{
	*(size_t *)ctx += to - from;
	return 0;
}

static int count_place(void *ctx, size_t i, size_t off)
{
	(void)ctx;
	(void)i;
	(void)off;
	return 0;
}

size_t piece_windows_copied(const struct gather_seg *segs, size_t nr)
{
	size_t n = 0;

	walk(segs, nr, count_zone, count_place, &n);
	return n;
}

struct make {
	struct piece_windows *pw;
	const struct gather_seg *segs;
	size_t nr, copied;
};

static int add(struct piece_windows *pw, size_t off, size_t len, const uint8_t *p)
{
	if (ARRAY_GROW(pw->v, pw->cap, pw->nr + 1, 8))
		return -ENOMEM;
	pw->v[pw->nr++] = (struct aux_window){ .off = off, .len = len, .p = p };
	return 0;
}

/* Copies the piece's bytes [from, to) into the copy area, as a window. */
static int make_zone(void *ctx, size_t from, size_t to)
{
	struct make *m = ctx;
	uint8_t *dst = m->pw->copy + m->copied;
	size_t off = 0;

	for (size_t i = 0; i < m->nr && off < to; off += m->segs[i++].n) {
		size_t a = from > off ? from - off : 0;
		size_t b = to - off < m->segs[i].n ? to - off : m->segs[i].n;

		if (off + m->segs[i].n <= from)
			continue;
		memcpy(dst, m->segs[i].p + a, b - a);
		dst += b - a;
	}
	if (add(m->pw, from, to - from, m->pw->copy + m->copied))
		return -ENOMEM;
	m->copied += to - from;
	return 0;
}

static int make_place(void *ctx, size_t i, size_t off)
{
	struct make *m = ctx;

	return add(m->pw, off, m->segs[i].n, m->segs[i].p);
}

int piece_windows_make(struct piece_windows *pw, const struct gather_seg *segs, size_t nr)
{
	struct make m = { .pw = pw, .segs = segs, .nr = nr };
	size_t copied = piece_windows_copied(segs, nr);

	pw->nr = 0;
	if (copied > pw->copy_cap) {
		uint8_t *c = realloc(pw->copy, copied);

		if (!c)
			return -ENOMEM;
		pw->copy = c;
		pw->copy_cap = copied;
	}
	if (walk(segs, nr, make_zone, make_place, &m)) {
		pw->nr = 0;
		return -ENOMEM;
	}
	return 0;
}

void piece_windows_free(struct piece_windows *pw)
{
	free(pw->v);
	free(pw->copy);
	*pw = (struct piece_windows){ 0 };
}
