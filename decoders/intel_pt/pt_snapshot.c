// SPDX-License-Identifier: GPL-2.0
/*
 * pt_snapshot.c - the previous snapshot of each AUX area, to find where
 * the next one continues it (see pt_snapshot.h).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "decoders/intel_pt/pt_snapshot.h"
#include "lib/util/snapshot_overlap.h"

/* Room for area idx; false: no memory. */
static bool has_area(struct pt_snapshot_prev *p, uint32_t idx)
{
	uint32_t nr = idx + 1;
	uint8_t **data;
	size_t *len, *cut;

	if (idx < p->nr)
		return true;
	data = realloc(p->data, nr * sizeof(*data));
	if (!data)
		return false;
	p->data = data;
	len = realloc(p->len, nr * sizeof(*len));
	if (!len)
		return false;
	p->len = len;
	cut = realloc(p->cut, nr * sizeof(*cut));
	if (!cut)
		return false;
	p->cut = cut;
	memset(p->data + p->nr, 0, (nr - p->nr) * sizeof(*data));
	memset(p->len + p->nr, 0, (nr - p->nr) * sizeof(*len));
	memset(p->cut + p->nr, 0, (nr - p->nr) * sizeof(*cut));
	p->nr = nr;
	return true;
}

void pt_snapshot_seam(struct pt_snapshot_prev *p, uint32_t idx, const uint8_t *cur,
		      size_t cur_len, struct pt_snapshot_seam *seam)
{
	size_t pad;

	*seam = (struct pt_snapshot_seam){ 0 };
	if (idx >= p->nr || !p->data[idx])
		return;
	/*
	 * A chunk's size counts up to 7 zero bytes of padding after its data
	 * (perf's AUXTRACE alignment): they are not in the next one. (The
	 * session takes them off when it has the next one at hand.)
	 */
	pad = snapshot_padding(p->data[idx], p->len[idx], cur, cur_len, &seam->overlap);
	if (!seam->overlap)
		return;
	seam->prev = p->data[idx];
	seam->prev_len = p->len[idx] - pad;
	seam->cut = p->cut[idx] > pad ? p->cut[idx] - pad : 0;
	if (seam->cut > seam->prev_len)
		seam->cut = seam->prev_len;
}

void pt_snapshot_keep(struct pt_snapshot_prev *p, uint32_t idx, const uint8_t *cur,
		      size_t cur_len, size_t cut)
{
	uint8_t *copy;

	if (!has_area(p, idx))
		return;
	copy = realloc(p->data[idx], cur_len ? cur_len : 1);
	if (!copy) {
		free(p->data[idx]);
		p->data[idx] = NULL;
		return;
	}
	memcpy(copy, cur, cur_len);
	p->data[idx] = copy;
	p->len[idx] = cur_len;
	p->cut[idx] = cut;
}

void pt_snapshot_free(struct pt_snapshot_prev *p)
{
	for (uint32_t i = 0; i < p->nr; i++)
		free(p->data[i]);
	free(p->data);
	free(p->len);
	free(p->cut);
	memset(p, 0, sizeof(*p));
}
