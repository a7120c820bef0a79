/* SPDX-License-Identifier: GPL-2.0 */
/*
 * snapshot_overlap.h - what two consecutive snapshots of one AUX area
 * share. A snapshot (record -S) is the newest bytes of an area the PMU
 * overwrites round and round, so when little was written between two of
 * them the second starts with bytes the first ended with (perf:
 * intel_pt_find_overlap). And perf.data pads every AUXTRACE chunk to 8
 * bytes with zeros counted in its size: the next snapshot tells which of a
 * chunk's last zeros were that padding (perf: adj_for_padding). Equal
 * bytes are not proof: in a loop's trace two snapshots with trace lost
 * between them match by chance (one gap in 8 in tests/diff/t-snapshot-cut),
 * so a match counts as a continuation only with what else the file tells
 * (snapshot_continues()).
 */
#ifndef AUXREC_SNAPSHOT_OVERLAP_H
#define AUXREC_SNAPSHOT_OVERLAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The longest k such that the last k bytes of prev are the first k bytes of
 * cur (0: no overlap). Only k of 16 bytes and more count (an Intel PT
 * PSB's size): shorter ones match by chance. Snapshots are the newest
 * bytes of a stream, so cur never starts before prev: what they share is
 * prev's end and cur's start.
 */
size_t snapshot_overlap(const uint8_t *prev, size_t prev_len, const uint8_t *cur,
			size_t cur_len);

/*
 * How many of prev's last bytes were padding, as the next snapshot cur
 * tells: the fewest of prev's trailing zeros (at most 7) whose removal
 * makes prev's end overlap cur's start. *overlap gets that overlap; when
 * there is none, 0 is returned (nothing known) and *overlap is 0.
 */
size_t snapshot_padding(const uint8_t *prev, size_t prev_len, const uint8_t *cur,
			size_t cur_len, size_t *overlap);

/*
 * What the trace tells by time of an overlap (a decoder looks, e.g. for
 * an Intel PT TSC packet): a timestamp in the bytes two snapshots share is
 * one moment, found twice only where the trace was taken twice.
 */
enum snapshot_clock {
	SNAPSHOT_CLOCK_NONE,	/* the trace has no timestamps: time cannot tell */
	SNAPSHOT_CLOCK_OUTSIDE,	/* it has, but none lies in the overlap */
	SNAPSHOT_CLOCK_INSIDE,	/* one lies in the overlap */
};

/*
 * The seam of cur with prev: as snapshot_padding() (returns the padding,
 * *overlap the bytes shared), but first the overlap the AUXTRACE offsets
 * give, when those bytes are equal: *at_offset is then true. The offsets
 * give it as prev_offset + prev_len (less padding) - cur_offset, or that
 * less an area's size (a power of two of at least the larger snapshot).
 * Where the offsets are positions in the stream (a PMU whose overwrite-mode
 * head counts bytes: CoreSight, auxrec's test PMU; pd-gen) the first is
 * exact; a chance match then never fits (cur starts after prev's end).
 * Where the head is an offset in the area (Intel PT, BTS, SPE, and perf
 * -S's files of them: one area is added once it wrapped), cur starts one
 * area before its place when the head passed the area's end between the
 * two; a chance match fits only when the bytes are equal at that very
 * length. Both hold also where the longest match is longer than the true
 * overlap (a loop's bytes). Else the longest match, at_offset false.
 */
size_t snapshot_seam(const uint8_t *prev, size_t prev_len, uint64_t prev_offset,
		     const uint8_t *cur, size_t cur_len, uint64_t cur_offset,
		     size_t *overlap, bool *at_offset);

/*
 * Whether cur, whose first overlap bytes are prev's last, continues prev
 * (the trace between them whole): overlap > 0 and either the offsets
 * gave it (at_offset), or a timestamp lies in the overlap, or the trace has no
 * timestamps (then the bytes alone decide, and a chance match passes).
 * A timed trace whose overlap holds no timestamp and whose offsets do
 * not give it is taken as a gap: a true continuation is only lost that
 * way when its offsets follow neither rule of snapshot_seam() and its
 * overlap is shorter than the distance between timestamps (perf's
 * intel_pt_find_overlap_tsc() needs a PSB's TSC in both, too).
 */
bool snapshot_continues(size_t overlap, bool at_offset, enum snapshot_clock clock);

#endif
