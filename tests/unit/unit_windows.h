/* SPDX-License-Identifier: GPL-2.0 */
/*
 * unit_windows.h - for the decoders' unit tests: a chunk's bytes cut into
 * payloads scattered in one allocation (a header's 48 bytes before each,
 * as AUXTRACE payloads lie in a file) and the windows the session makes
 * over them (lib/session/piece_windows.c), to decode as aux_chunk.windows.
 */
#ifndef AUXREC_UNIT_WINDOWS_H
#define AUXREC_UNIT_WINDOWS_H

#include <stdlib.h>
#include <string.h>
#include "lib/session/piece_windows.h"

#define UNIT_WINDOWS_MAX	8

struct unit_windows {
	uint8_t *file;
	struct gather_seg segs[UNIT_WINDOWS_MAX];
	size_t nr;
	struct piece_windows pw;
};

/*
 * buf[0..len) as payloads of lens[0..nr) bytes (nr <= UNIT_WINDOWS_MAX - 2,
 * their sum under len) and the rest in two halves, and their windows;
 * asserts that it worked and that there are more than four windows.
 */
static inline void unit_windows_make(struct unit_windows *u, const uint8_t *buf, size_t len,
				     const size_t *lens, size_t nr)
{
	size_t n[UNIT_WINDOWS_MAX], off = 0, at = 0;

	assert_true(nr + 2 <= UNIT_WINDOWS_MAX);
	memset(u, 0, sizeof(*u));
	for (size_t i = 0; i < nr; i++)
		off += n[i] = lens[i];
	assert_true(off < len);
	n[nr] = (len - off) / 2;
	n[nr + 1] = len - off - n[nr];
	u->nr = nr + 2;
	u->file = malloc(len + 48 * u->nr);
	assert_non_null(u->file);
	for (size_t i = off = 0; i < u->nr; off += n[i++]) {
		at += 48;	/* the header before it */
		memcpy(u->file + at, buf + off, n[i]);
		u->segs[i] = (struct gather_seg){ .p = u->file + at, .n = n[i], .fd = -1 };
		at += n[i];
	}
	assert_int_equal(piece_windows_make(&u->pw, u->segs, u->nr), 0);
	assert_true(u->pw.nr > 4);
}

static inline void unit_windows_free(struct unit_windows *u)
{
	piece_windows_free(&u->pw);
	free(u->file);
}

#endif
