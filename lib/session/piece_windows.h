/* SPDX-License-Identifier: GPL-2.0 */
/*
 * piece_windows.h - a piece of several chunks read where the file maps
 * them: its windows (aux_chunk.windows), the chunks themselves and copies
 * of the bytes around their seams (lib/session/piece_windows.c).
 */
#ifndef AUXREC_PIECE_WINDOWS_H
#define AUXREC_PIECE_WINDOWS_H

#include <stddef.h>
#include "decoders/decoder.h"
#include "lib/util/gather_copy.h"

/* A chunk of a piece this long or longer is read in place; shorter ones are copied. */
#define PIECE_WINDOW_MIN	(4 * AUX_WINDOW_OVERLAP)

struct piece_windows {
	struct aux_window *v;
	size_t nr, cap;
	uint8_t *copy;		/* the copied bytes, all windows' */
	size_t copy_cap;
};

/*
 * The bytes a piece of segs[0..nr) (one after another from offset 0)
 * would copy into windows: the seams' surroundings and the short chunks.
 */
size_t piece_windows_copied(const struct gather_seg *segs, size_t nr);

/*
 * pw's windows for the piece of segs[0..nr), replacing what it had: each
 * chunk of PIECE_WINDOW_MIN bytes or more is a window where it is; the
 * bytes from AUX_WINDOW_OVERLAP before the end of one such chunk to
 * AUX_WINDOW_OVERLAP after the start of the next (with the short chunks
 * between them), and those before the first and after the last, are
 * copied into a window each. Returns 0, or -ENOMEM (pw empty).
 */
int piece_windows_make(struct piece_windows *pw, const struct gather_seg *segs, size_t nr);

void piece_windows_free(struct piece_windows *pw);

#endif
