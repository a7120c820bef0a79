// SPDX-License-Identifier: GPL-2.0
/*
 * test_pt_windows.c - a chunk read in windows: lib/session/piece_windows.c
 * makes them over a piece's chunks (scattered in a "file", as AUXTRACE
 * payloads are between their headers), decoders/aux_window.h picks the
 * window for an offset, and the PSB search of decoders/intel_pt/pt_sync.c
 * over them finds what it finds in the chunk copied into one buffer.
 *  - made: for random layouts of long, middling and short chunks, each
 *    window holds the piece's bytes at its offsets, the windows cover the
 *    piece in order and share AUX_WINDOW_OVERLAP bytes or more with the
 *    next, the long chunks are read in place, and piece_windows_copied()
 *    is what was copied; the window for any offset holds AUX_WINDOW_BACK
 *    bytes before it and AUX_WINDOW_AHEAD after it (or the end).
 *  - sync: pt_sync_forward_windows() and pt_sync_after_error_windows()
 *    give pt_sync_forward()'s and pt_sync_after_error()'s offsets from
 *    every start near the seams and many others, over random bytes with
 *    PSBs, PSBs cut by a seam, and runs of PSB pattern (both phases) 3 to
 *    20 KB long across seams: longer than two windows share, so that the
 *    search goes on a byte at a time.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "decoders/aux_window.h"
#include "decoders/intel_pt/pt_sync.h"
#include "lib/session/piece_windows.h"

#define MAX_SEGS 64

struct layout {
	uint8_t *file;		/* the segments' bytes, apart from each other */
	uint8_t *piece;		/* the same bytes one after another */
	struct gather_seg segs[MAX_SEGS];
	size_t nr, size;
};

static uint32_t rnd_state = 12345;

static uint32_t rnd(uint32_t n)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return (rnd_state >> 8) % n;
}

/* A chunk length: long (read in place), middling or short (copied). */
static size_t seg_len(void)
{
	switch (rnd(4)) {
	case 0:
		return 1 + rnd(100);
	case 1:
		return 1000 + rnd(PIECE_WINDOW_MIN - 1000);
	default:
		return PIECE_WINDOW_MIN + rnd(150000);
	}
}

/* The piece's bytes: piece[] as given, cut into nr chunks in file. */
static void layout_make(struct layout *l, const uint8_t *piece, size_t size, const size_t *lens,
			size_t nr)
{
	size_t off = 0, at = 0;

	l->piece = malloc(size);
	l->file = malloc(size + 48 * nr + 48);
	assert_non_null(l->piece);
	assert_non_null(l->file);
	memcpy(l->piece, piece, size);
	for (size_t i = 0; i < nr; i++) {
		at += 48;	/* a header between */
		memcpy(l->file + at, piece + off, lens[i]);
		l->segs[i] = (struct gather_seg){ .p = l->file + at, .n = lens[i], .fd = -1 };
		at += lens[i];
		off += lens[i];
	}
	assert_int_equal(off, size);
	l->nr = nr;
	l->size = size;
}

static void layout_free(struct layout *l)
{
	free(l->piece);
	free(l->file);
}

/* Random chunk lengths for a piece of about want bytes; how many. */
static size_t random_lens(size_t *lens, size_t want, size_t *size)
{
	size_t nr = 0;

	*size = 0;
	while (nr < MAX_SEGS && (*size < want || nr < 2)) {
		lens[nr] = seg_len();
		*size += lens[nr++];
	}
	return nr;
}

static void check_windows(const struct layout *l, const struct piece_windows *pw)
{
	size_t copied = 0, placed = 0;

	assert_true(pw->nr >= 1);
	assert_int_equal(pw->v[0].off, 0);
	assert_int_equal(pw->v[pw->nr - 1].off + pw->v[pw->nr - 1].len, l->size);
	for (size_t i = 0; i < pw->nr; i++) {
		const struct aux_window *w = &pw->v[i];
		bool in_file = w->p >= l->file && w->p < l->file + l->size + 48 * (l->nr + 1);

		assert_true(w->off + w->len <= l->size);
		assert_memory_equal(w->p, l->piece + w->off, w->len);
		if (in_file)
			placed += w->len;
		else
			copied += w->len;
		if (i + 1 < pw->nr) {
			const struct aux_window *n = &pw->v[i + 1];

			assert_true(n->off > w->off);
			assert_true(n->off + n->len > w->off + w->len);
			assert_true(n->off + AUX_WINDOW_OVERLAP <= w->off + w->len);
		}
	}
	for (size_t i = 0; i < l->nr; i++)
		if (l->segs[i].n >= PIECE_WINDOW_MIN)
			placed -= l->segs[i].n;
	assert_int_equal(placed, 0);	/* the long chunks, and only they, in place */
	assert_int_equal(copied, piece_windows_copied(l->segs, l->nr));
	/* the window for an offset: the bytes around it */
	for (size_t pos = 0; pos < l->size; pos += 1 + rnd(97)) {
		size_t k = aux_window_index(pw->v, pw->nr, pos, rnd(pw->nr + 2));
		const struct aux_window *w = &pw->v[k];
		size_t end = w->off + w->len;

		assert_true(w->off + (pos < AUX_WINDOW_BACK ? pos : AUX_WINDOW_BACK) <= pos);
		assert_true(end >= (pos + AUX_WINDOW_AHEAD < l->size ? pos + AUX_WINDOW_AHEAD
								       : l->size));
		assert_int_equal(aux_window_base(w)[pos], l->piece[pos]);
	}
}

static void made(void **state)
{
	struct piece_windows pw = { 0 };
	size_t lens[MAX_SEGS];

	(void)state;
	for (int round = 0; round < 200; round++) {
		struct layout l;
		size_t size, nr = random_lens(lens, 100000 + rnd(900000), &size);
		uint8_t *piece = malloc(size);

		assert_non_null(piece);
		for (size_t i = 0; i < size; i++)
			piece[i] = (uint8_t)rnd(256);
		layout_make(&l, piece, size, lens, nr);
		assert_int_equal(piece_windows_make(&pw, l.segs, l.nr), 0);
		check_windows(&l, &pw);
		layout_free(&l);
		free(piece);
	}
	piece_windows_free(&pw);
}

/* size bytes of noise with PSBs and runs of PSB pattern, some across the seams at ends[] */
static uint8_t *sync_bytes(size_t size, const size_t *lens, size_t nr)
{
	static const uint8_t psb[16] = { 2, 0x82, 2, 0x82, 2, 0x82, 2, 0x82,
					 2, 0x82, 2, 0x82, 2, 0x82, 2, 0x82 };
	uint8_t *b = malloc(size);
	size_t seam = 0;

	assert_non_null(b);
	for (size_t i = 0; i < size; i++)
		b[i] = (uint8_t)(rnd(8) ? rnd(256) : (rnd(2) ? 2 : 0x82));
	for (size_t k = 0; k < size / 3000; k++) {
		size_t at = rnd((uint32_t)(size - 16));

		memcpy(b + at, psb, 16);
	}
	for (size_t i = 0; i + 1 < nr; i++) {
		size_t len, at;

		seam += lens[i];
		switch (rnd(4)) {
		case 0:		/* a PSB cut by the seam */
			at = seam - 1 - rnd(15);
			if (at + 16 <= size)
				memcpy(b + at, psb, 16);
			break;
		case 1:		/* a run of pattern across it, longer than an overlap or not */
		case 2:
			len = 3000 + rnd(17000);
			at = seam > len / 2 ? seam - len / 2 - rnd(2) : 0;
			for (size_t j = 0; j < len && at + j < size; j++)
				b[at + j] = (j & 1) ? 0x82 : 2;
			break;
		default:
			break;
		}
	}
	return b;
}

static void sync(void **state)
{
	struct piece_windows pw = { 0 };
	size_t lens[MAX_SEGS];

	(void)state;
	for (int round = 0; round < 40; round++) {
		struct layout l;
		size_t size, nr = random_lens(lens, 200000 + rnd(400000), &size), seam = 0;
		uint8_t *bytes = sync_bytes(size, lens, nr);
		struct pt_windows w;

		layout_make(&l, bytes, size, lens, nr);
		assert_int_equal(piece_windows_make(&pw, l.segs, l.nr), 0);
		w = (struct pt_windows){ .v = pw.v, .nr = pw.nr, .len = size };
		for (size_t i = 0; i < nr; seam += lens[i++]) {
			/*
			 * every start near where windows end or the search moves on
			 * to the next window (half an overlap before an end), a few
			 * others
			 */
			for (int edge = -2; edge <= 2; edge++) {
				size_t at = seam + (size_t)(edge * (long)AUX_WINDOW_OVERLAP / 2);

				for (size_t pos = at - 100; pos < at + 100; pos++)
					if (pos < size)
						assert_int_equal(pt_sync_forward_windows(&w, pos),
								 pt_sync_forward(bytes, size, pos));
			}
			for (int k = 0; k < 50; k++) {
				size_t pos = rnd((uint32_t)size), last = rnd(2) ? pos : rnd((uint32_t)size);

				assert_int_equal(pt_sync_forward_windows(&w, pos),
						 pt_sync_forward(bytes, size, pos));
				assert_int_equal(pt_sync_after_error_windows(&w, pos, last),
						 pt_sync_after_error(bytes, size, pos, last));
			}
		}
		layout_free(&l);
		free(bytes);
	}
	piece_windows_free(&pw);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(made),
		cmocka_unit_test(sync),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
