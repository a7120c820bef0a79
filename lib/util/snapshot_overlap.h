/* SPDX-License-Identifier: GPL-2.0 */
/*
 * snapshot_overlap.h - what two consecutive snapshots of one AUX area
 * share. A snapshot (record -S) is the newest bytes of an area the PMU
 * overwrites round and round, so when little was written between two of
 * them the second starts with bytes the first ended with (perf:
 * intel_pt_find_overlap). And perf.data pads every AUXTRACE chunk to 8
 * bytes with zeros counted in its size: the next snapshot tells which of a
 * chunk's last zeros were that padding (perf: adj_for_padding).
 */
#ifndef AUXREC_SNAPSHOT_OVERLAP_H
#define AUXREC_SNAPSHOT_OVERLAP_H

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

#endif
