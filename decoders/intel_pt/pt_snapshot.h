/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pt_snapshot.h - consecutive snapshots of one AUX area (record -S) may
 * overlap: the newest bytes of an area written twice. Finds where a
 * snapshot continues the previous one of its area, so that the decode
 * goes on from where that one's decode ended (perf:
 * intel_pt_find_overlap); the overlap itself is lib/util/snapshot_overlap.c's.
 * Equal bytes count only where the AUXTRACE offsets give them
 * (snapshot_seam()) or a TSC packet lies in them (perf:
 * intel_pt_find_overlap_tsc), or the trace has no TSC.
 */
#ifndef AUXREC_PT_SNAPSHOT_H
#define AUXREC_PT_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "decoders/decoder.h"
#include "lib/util/snapshot_overlap.h"

/* The previous snapshot of one AUX area (buffer idx), as a copy. */
struct pt_snapshot_area {
	uint32_t idx;
	uint64_t aux_offset;	/* its AUXTRACE offset */
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
 * The seam of cur (a snapshot of area cur->idx) with the previous snapshot
 * of that area: none when their bytes do not overlap, or do but not where
 * the offsets say, the trace is timed and no TSC lies in the overlap
 * (pt_snapshot_clock()); seam->prev is valid until pt_snapshot_keep() of
 * that area.
 */
void pt_snapshot_seam(struct pt_snapshot_prev *p, const struct aux_chunk *cur,
		      struct pt_snapshot_seam *seam);

/*
 * cur, decoded, becomes the previous snapshot of its area; it ended in
 * the middle of a packet that started cut bytes before its end (0: not).
 * Without memory for the copy the next one has no seam.
 */
void pt_snapshot_keep(struct pt_snapshot_prev *p, const struct aux_chunk *cur, size_t cut);

/*
 * Time in buf's last overlap bytes: INSIDE when a TSC packet lies whole in
 * them, else OUTSIDE when buf has a TSC anywhere (TSC on: every PSB+ has
 * one), else NONE. Packets are read from the last PSB before the overlap.
 */
enum snapshot_clock pt_snapshot_clock(const uint8_t *buf, size_t len, size_t overlap);

/*
 * Whether the next snapshot continues chunk (AUX_CHUNK_F_CONTINUED, its
 * bytes weighed as pt_snapshot_seam() will weigh them when it comes).
 */
bool pt_snapshot_continued(const struct aux_chunk *chunk);
void pt_snapshot_free(struct pt_snapshot_prev *p);

#endif
