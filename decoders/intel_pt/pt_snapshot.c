// SPDX-License-Identifier: GPL-2.0
/*
 * pt_snapshot.c - the previous snapshot of each AUX area, to find where
 * the next one continues it (see pt_snapshot.h).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "decoders/intel_pt/pt_snapshot.h"
#include "lib/util/array_grow.h"
#include "lib/util/snapshot_overlap.h"

/* The area idx, added (empty) when new if add; NULL: none, or no memory. */
static struct pt_snapshot_area *area_of(struct pt_snapshot_prev *p, uint32_t idx, bool add)
{
	for (size_t i = 0; i < p->nr; i++)
		if (p->v[i].idx == idx)
			return &p->v[i];
	if (!add || ARRAY_GROW(p->v, p->cap, p->nr + 1, 8))
		return NULL;
	p->v[p->nr] = (struct pt_snapshot_area){ .idx = idx };
	return &p->v[p->nr++];
}

void pt_snapshot_seam(struct pt_snapshot_prev *p, uint32_t idx, const uint8_t *cur,
		      size_t cur_len, struct pt_snapshot_seam *seam)
{
	const struct pt_snapshot_area *a = area_of(p, idx, false);
	size_t pad;

	*seam = (struct pt_snapshot_seam){ 0 };
	if (!a || !a->data)
		return;
	/*
	 * A chunk's size counts up to 7 zero bytes of padding after its data
	 * (perf's AUXTRACE alignment): they are not in the next one. (The
	 * session takes them off when it has the next one at hand.)
	 */
	pad = snapshot_padding(a->data, a->len, cur, cur_len, &seam->overlap);
	if (!seam->overlap)
		return;
	seam->prev = a->data;
	seam->prev_len = a->len - pad;
	seam->cut = a->cut > pad ? a->cut - pad : 0;
	if (seam->cut > seam->prev_len)
		seam->cut = seam->prev_len;
}

void pt_snapshot_keep(struct pt_snapshot_prev *p, uint32_t idx, const uint8_t *cur,
		      size_t cur_len, size_t cut)
{
	struct pt_snapshot_area *a = area_of(p, idx, true);
	uint8_t *copy;

	if (!a)
		return;
	copy = realloc(a->data, cur_len ? cur_len : 1);
	if (!copy) {
		free(a->data);
		a->data = NULL;
		return;
	}
	memcpy(copy, cur, cur_len);
	a->data = copy;
	a->len = cur_len;
	a->cut = cut;
}

void pt_snapshot_free(struct pt_snapshot_prev *p)
{
	for (size_t i = 0; i < p->nr; i++)
		free(p->v[i].data);
	free(p->v);
	memset(p, 0, sizeof(*p));
}
