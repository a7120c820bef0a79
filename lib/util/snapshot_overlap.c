// SPDX-License-Identifier: GPL-2.0
/*
 * snapshot_overlap.c - the bytes two consecutive snapshots of one AUX
 * area share, the padding a snapshot's chunk ends with, and whether a
 * match is a continuation (see snapshot_overlap.h).
 */
#include <stdlib.h>
#include <string.h>
#include "lib/util/snapshot_overlap.h"

#define OVERLAP_MIN 16		/* a PSB */
#define NEEDLE_MAX 256		/* bytes of cur searched for in prev at once */
#define PADDING_MAX 7		/* perf.data aligns AUXTRACE chunks to 8 bytes */

/*
 * The longest k <= m whose last k bytes of prev are cur's first k, by
 * Knuth-Morris-Pratt over prev's last m bytes: linear whatever the bytes
 * (0 when the table cannot be had: no overlap known).
 */
static size_t overlap_kmp(const uint8_t *prev, size_t prev_len, const uint8_t *cur, size_t m)
{
	uint32_t *fail;
	size_t k = 0;

	if (m > UINT32_MAX)
		m = UINT32_MAX;
	fail = malloc(m * sizeof(*fail));
	if (!fail)
		return 0;
	fail[0] = 0;
	for (size_t i = 1; i < m; i++) {
		while (k && cur[i] != cur[k])
			k = fail[k - 1];
		if (cur[i] == cur[k])
			k++;
		fail[i] = (uint32_t)k;
	}
	k = 0;
	for (size_t i = prev_len - m; i < prev_len; i++) {
		if (k == m)
			k = fail[k - 1];
		while (k && prev[i] != cur[k])
			k = fail[k - 1];
		if (prev[i] == cur[k])
			k++;
	}
	free(fail);
	return k;
}

size_t snapshot_overlap(const uint8_t *prev, size_t prev_len, const uint8_t *cur,
			size_t cur_len)
{
	size_t needle = cur_len < NEEDLE_MAX ? cur_len : NEEDLE_MAX;
	size_t start = prev_len > cur_len ? prev_len - cur_len : 0;
	/* bytes compared at candidates before the search goes linear */
	size_t budget = 4 * (prev_len - start) + (1u << 16), k;

	if (needle < OVERLAP_MIN || prev_len < OVERLAP_MIN)
		return 0;
	/*
	 * Candidates whose overlap holds the whole needle: found by memmem,
	 * longest first. In repeating bytes (a loop's trace without time)
	 * each needle match may be a candidate that fails late: past the
	 * budget, overlap_kmp() gives the same answer in linear time.
	 */
	for (size_t pos = start; pos + needle <= prev_len;) {
		const uint8_t *hit = memmem(prev + pos, prev_len - pos, cur, needle);
		size_t at;

		if (!hit)
			break;
		at = (size_t)(hit - prev);
		if (!memcmp(prev + at, cur, prev_len - at))
			return prev_len - at;
		if (budget < prev_len - at) {
			k = overlap_kmp(prev, prev_len, cur, prev_len - start);
			return k >= OVERLAP_MIN ? k : 0;
		}
		budget -= prev_len - at;
		pos = at + 1;
	}
	/* overlaps shorter than the needle */
	for (k = needle - 1; k >= OVERLAP_MIN; k--)
		if (k <= prev_len && !memcmp(prev + prev_len - k, cur, k))
			return k;
	return 0;
}

/*
 * The overlap the offsets give (0: none): cur starts where they say, or
 * one area further back, the area a power of two of at least the larger
 * snapshot, when those bytes are equal. An area-relative head that passed
 * the area's end once between two snapshots (less than an area written:
 * they overlap) puts cur's offset one area's size before its place.
 */
static size_t overlap_at(const uint8_t *prev, size_t len, uint64_t prev_offset,
			 const uint8_t *cur, size_t cur_len, uint64_t cur_offset)
{
	uint64_t end = prev_offset + len, most = len > cur_len ? len : cur_len, area = 0;

	if (end < cur_offset)
		return 0;
	for (;;) {
		uint64_t k = end - cur_offset - area;

		if (end - cur_offset < area || k < OVERLAP_MIN)
			return 0;
		if (k <= len && k <= cur_len && !memcmp(prev + len - k, cur, k))
			return k;
		if (!area)
			for (area = 1; area && area < most; area <<= 1)
				;
		else
			area <<= 1;
		if (!area)
			return 0;
	}
}

/*
 * The fewest of prev's trailing zeros (at most PADDING_MAX, which may be
 * perf.data's padding) whose removal makes prev's end overlap cur's start:
 * by the offsets (overlap_at()) when by_offset, else by the bytes alone.
 * *overlap gets that overlap; 0 returned and *overlap 0 when none does.
 */
static size_t padding_search(const uint8_t *prev, size_t prev_len, uint64_t prev_offset,
			     const uint8_t *cur, size_t cur_len, uint64_t cur_offset,
			     bool by_offset, size_t *overlap)
{
	for (size_t pad = 0; pad <= PADDING_MAX && pad < prev_len; pad++) {
		if (pad && prev[prev_len - pad])
			break;	/* no more zeros that may be padding */
		*overlap = by_offset ? overlap_at(prev, prev_len - pad, prev_offset, cur, cur_len,
						  cur_offset) :
				       snapshot_overlap(prev, prev_len - pad, cur, cur_len);
		if (*overlap)
			return pad;
	}
	*overlap = 0;
	return 0;
}

size_t snapshot_padding(const uint8_t *prev, size_t prev_len, const uint8_t *cur,
			size_t cur_len, size_t *overlap)
{
	return padding_search(prev, prev_len, 0, cur, cur_len, 0, false, overlap);
}

size_t snapshot_seam(const uint8_t *prev, size_t prev_len, uint64_t prev_offset,
		     const uint8_t *cur, size_t cur_len, uint64_t cur_offset,
		     size_t *overlap, bool *at_offset)
{
	size_t pad = padding_search(prev, prev_len, prev_offset, cur, cur_len, cur_offset, true,
				    overlap);

	*at_offset = *overlap != 0;
	if (*at_offset)
		return pad;
	return snapshot_padding(prev, prev_len, cur, cur_len, overlap);
}

bool snapshot_continues(size_t overlap, bool at_offset, enum snapshot_clock clock)
{
	if (!overlap)
		return false;
	return at_offset || clock != SNAPSHOT_CLOCK_OUTSIDE;
}
