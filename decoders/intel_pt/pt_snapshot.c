// SPDX-License-Identifier: GPL-2.0
/*
 * pt_snapshot.c - overlap of consecutive snapshots of one AUX area: a
 * snapshot is the newest bytes of an area that the PMU overwrites round and
 * round, so when little was written between two of them the second starts
 * with bytes the first ended with.
 */
#include <stdlib.h>
#include <string.h>
#include "decoders/intel_pt/pt_snapshot.h"

#define OVERLAP_MIN 16		/* a PSB */
#define NEEDLE_MAX 256		/* bytes of cur searched for in prev at once */

size_t pt_snapshot_overlap(const uint8_t *prev, size_t prev_len, const uint8_t *cur,
			   size_t cur_len)
{
	size_t needle = cur_len < NEEDLE_MAX ? cur_len : NEEDLE_MAX;
	size_t start = prev_len > cur_len ? prev_len - cur_len : 0;

	if (needle < OVERLAP_MIN || prev_len < OVERLAP_MIN)
		return 0;
	/* candidates whose overlap holds the whole needle: found by memmem, longest first */
	for (size_t pos = start; pos + needle <= prev_len;) {
		const uint8_t *hit = memmem(prev + pos, prev_len - pos, cur, needle);
		size_t at;

		if (!hit)
			break;
		at = (size_t)(hit - prev);
		if (!memcmp(prev + at, cur, prev_len - at))
			return prev_len - at;
		pos = at + 1;
	}
	/* overlaps shorter than the needle */
	for (size_t k = needle - 1; k >= OVERLAP_MIN; k--)
		if (k <= prev_len && !memcmp(prev + prev_len - k, cur, k))
			return k;
	return 0;
}

size_t pt_snapshot_trim(struct pt_snapshot_prev *p, uint32_t idx, const uint8_t *cur,
			size_t cur_len)
{
	size_t overlap = 0;
	uint8_t *copy;

	if (idx >= p->nr) {
		uint32_t nr = idx + 1;
		uint8_t **data = realloc(p->data, nr * sizeof(*data));
		size_t *len;

		if (!data)
			return 0;
		p->data = data;
		len = realloc(p->len, nr * sizeof(*len));
		if (!len)
			return 0;
		p->len = len;
		memset(p->data + p->nr, 0, (nr - p->nr) * sizeof(*data));
		memset(p->len + p->nr, 0, (nr - p->nr) * sizeof(*len));
		p->nr = nr;
	}
	if (p->data[idx]) {
		/*
		 * A chunk's size counts up to 7 zero bytes of padding after its
		 * data (perf's AUXTRACE alignment): they are not in the next one
		 */
		size_t len = p->len[idx];

		for (int pad = 0; pad < 8 && !overlap && len >= OVERLAP_MIN; pad++, len--) {
			overlap = pt_snapshot_overlap(p->data[idx], len, cur, cur_len);
			if (p->data[idx][len - 1])
				break;	/* no more zeros that may be padding */
		}
	}
	copy = realloc(p->data[idx], cur_len ? cur_len : 1);
	if (!copy) {
		free(p->data[idx]);
		p->data[idx] = NULL;
		return overlap;
	}
	memcpy(copy, cur, cur_len);
	p->data[idx] = copy;
	p->len[idx] = cur_len;
	return overlap;
}

void pt_snapshot_free(struct pt_snapshot_prev *p)
{
	for (uint32_t i = 0; i < p->nr; i++)
		free(p->data[i]);
	free(p->data);
	free(p->len);
	memset(p, 0, sizeof(*p));
}
