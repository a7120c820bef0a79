/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fuzz_windows.h - for the fuzz targets: a trace in windows as the session
 * hands a decoder a piece of several mapped payloads (aux_chunk.windows):
 * the input's trace repeated to FUZZ_TILE bytes and cut where the input
 * says into payloads of 1 byte to 48 KiB (half of them long enough to be
 * read in place), each in an allocation of its own so that ASan sees a
 * read past a window, and their windows (lib/session/piece_windows.c).
 * Its users name lib/session/piece_windows.c and lib/util/array_grow.c
 * among their fuzz-sources.
 */
#ifndef AUXREC_FUZZ_WINDOWS_H
#define AUXREC_FUZZ_WINDOWS_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "lib/session/piece_windows.h"

#define FUZZ_TILE		(80u << 10)
#define FUZZ_MAX_PAYLOADS	64

struct fuzz_windows {
	uint8_t *tiled;			/* the trace repeated, in one buffer */
	struct gather_seg segs[FUZZ_MAX_PAYLOADS];
	size_t nr;
	struct piece_windows pw;
};

/* A payload length from seed: short, middling, or long enough to be read in place. */
static inline size_t fuzz_payload_len(uint32_t seed)
{
	switch ((seed >> 8) % 4) {
	case 0:
		return 1 + (seed >> 12) % 64;
	case 1:
		return 1 + (seed >> 12) % (8u << 10);
	default:
		return PIECE_WINDOW_MIN + (seed >> 12) % (16u << 10);
	}
}

/* fw for trace[0..len) (len > 0); false without memory (fuzz_windows_free() it anyway). */
static inline bool fuzz_windows_make(struct fuzz_windows *fw, const uint8_t *trace, size_t len)
{
	uint32_t seed = 1;
	size_t off = 0;

	memset(fw, 0, sizeof(*fw));
	fw->tiled = malloc(FUZZ_TILE);
	if (!fw->tiled)
		return false;
	for (size_t i = 0; i < FUZZ_TILE; i++) {
		fw->tiled[i] = trace[i % len];
		if (i < len)
			seed = (seed ^ trace[i]) * 16777619u;
	}
	while (off < FUZZ_TILE) {
		size_t k;
		uint8_t *p;

		seed = seed * 1103515245u + 12345u;
		k = fuzz_payload_len(seed);
		if (k > FUZZ_TILE - off || fw->nr + 1 == FUZZ_MAX_PAYLOADS)
			k = FUZZ_TILE - off;
		p = malloc(k);
		if (!p)
			return false;
		memcpy(p, fw->tiled + off, k);
		fw->segs[fw->nr++] = (struct gather_seg){ .p = p, .n = k, .fd = -1 };
		off += k;
	}
	return !piece_windows_make(&fw->pw, fw->segs, fw->nr);
}

static inline void fuzz_windows_free(struct fuzz_windows *fw)
{
	piece_windows_free(&fw->pw);
	for (size_t i = 0; i < fw->nr; i++)
		free((void *)fw->segs[i].p);
	free(fw->tiled);
}

#endif
