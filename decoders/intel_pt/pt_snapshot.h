/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pt_snapshot.h - consecutive snapshots of one AUX area (record -S) may
 * overlap: the newest bytes of an area written twice. Finds how much of a
 * snapshot the previous one of the same area already held, so the decode
 * skips what it already decoded (perf: intel_pt_find_overlap).
 */
#ifndef AUXREC_PT_SNAPSHOT_H
#define AUXREC_PT_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

/*
 * The longest k such that the last k bytes of prev are the first k bytes of
 * cur (0: no overlap). Only k of 16 bytes and more count (a PSB's size):
 * shorter ones match by chance. Snapshots are the newest bytes of a stream,
 * so cur never starts before prev: what they share is prev's end and cur's
 * start.
 */
size_t pt_snapshot_overlap(const uint8_t *prev, size_t prev_len, const uint8_t *cur,
			   size_t cur_len);

/* The previous snapshot of each AUX area (buffer idx), as copies. */
struct pt_snapshot_prev {
	uint8_t **data;
	size_t *len;
	uint32_t nr;
};

/*
 * How much of cur (area idx) the previous snapshot of that area held; cur
 * becomes the previous one. Returns the overlap, or 0 when there was none
 * (or no memory to keep cur: then the next one is not trimmed).
 */
size_t pt_snapshot_trim(struct pt_snapshot_prev *p, uint32_t idx, const uint8_t *cur,
			size_t cur_len);
void pt_snapshot_free(struct pt_snapshot_prev *p);

#endif
