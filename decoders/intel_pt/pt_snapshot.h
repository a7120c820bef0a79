/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pt_snapshot.h - consecutive snapshots of one AUX area (record -S) may
 * overlap: the newest bytes of an area written twice. Finds where a
 * snapshot continues the previous one of its area, so that the decode
 * goes on from where that one's decode ended (perf:
 * intel_pt_find_overlap); the overlap itself is lib/util/snapshot_overlap.c's.
 */
#ifndef AUXREC_PT_SNAPSHOT_H
#define AUXREC_PT_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

/* The previous snapshot of one AUX area (buffer idx), as a copy. */
struct pt_snapshot_area {
	uint32_t idx;
	uint8_t *data;
	size_t len;
	size_t cut;		/* bytes of a packet cut by its end, not decoded */
};

/* Those of every area met (a list: the idx comes from the file, any value). */
struct pt_snapshot_prev {
	struct pt_snapshot_area *v;
	size_t nr, cap;
};

/* Where a snapshot continues the previous one of its area. */
struct pt_snapshot_seam {
	size_t overlap;		/* cur's first bytes that the previous one held; 0: none */
	const uint8_t *prev;	/* the previous one's bytes, up to prev_len, */
	size_t prev_len;	/* its end less padding: where cur's overlap ends */
	size_t cut;		/* bytes before prev_len of a packet it cut, not decoded */
};

/*
 * The seam of cur (area idx) with the previous snapshot of that area;
 * seam->prev is valid until pt_snapshot_keep() of that area.
 */
void pt_snapshot_seam(struct pt_snapshot_prev *p, uint32_t idx, const uint8_t *cur,
		      size_t cur_len, struct pt_snapshot_seam *seam);

/*
 * cur, decoded, becomes the previous snapshot of area idx; it ended in
 * the middle of a packet that started cut bytes before its end (0: not).
 * Without memory for the copy the next one has no seam.
 */
void pt_snapshot_keep(struct pt_snapshot_prev *p, uint32_t idx, const uint8_t *cur,
		      size_t cur_len, size_t cut);
void pt_snapshot_free(struct pt_snapshot_prev *p);

#endif
