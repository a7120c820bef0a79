/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pt_sync.h - finding the next PSB, the point where Intel PT decoding can
 * (re)start, with the exact search of libipt 2.0.5 so that resync offsets
 * after an error agree with libipt's packet decoder.
 */
#ifndef AUXREC_PT_SYNC_H
#define AUXREC_PT_SYNC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "decoders/decoder.h"

/* A chunk of len bytes in windows (aux_chunk.windows). */
struct pt_windows {
	const struct aux_window *v;
	size_t nr, len;
};

/*
 * Offset of the first PSB in buf[0..len) that starts at or after start,
 * or -PT_ERR_NEED_MORE when there is none. Like libipt's pt_sync_forward()
 * it scans the 8-byte words at 8-aligned offsets (buf is taken as 8-byte
 * aligned, as a malloc'd buffer is) for the PSB pattern, then walks to the
 * end of that run of 02 82 pairs and takes the 16 bytes before its end.
 */
ssize_t pt_sync_forward(const uint8_t *buf, size_t len, size_t start);

/*
 * Offset of the last whole PSB in buf[0..len) that starts at or before pos,
 * or -PT_ERR_NEED_MORE when there is none (a snapshot's decode goes on
 * from there into the next one).
 */
ssize_t pt_sync_backward(const uint8_t *buf, size_t len, size_t pos);

/*
 * Where libipt's pt_pkt_sync_forward() resumes after a decode error at
 * offset pos, when the decoder last synchronized at offset last_sync: it
 * steps past last_sync's PSB when pos is still there, then starts the
 * search up to 15 bytes before pos, so that a PSB partly consumed by the
 * packet before the error is found again (offsets may go backwards).
 * Returns the PSB's offset or -PT_ERR_NEED_MORE.
 */
ssize_t pt_sync_after_error(const uint8_t *buf, size_t len, size_t pos,
			    size_t last_sync);

/* pt_sync_forward() and pt_sync_after_error() of a chunk in windows: the same offsets. */
ssize_t pt_sync_forward_windows(const struct pt_windows *w, size_t start);
ssize_t pt_sync_after_error_windows(const struct pt_windows *w, size_t pos, size_t last_sync);

#endif
