// SPDX-License-Identifier: GPL-2.0
/*
 * pt_snapshot.c - the previous snapshot of each AUX area, to find where
 * the next one continues it, and the TSC packets that tell a continuation
 * from a chance match of bytes (see pt_snapshot.h).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "decoders/intel_pt/pt_packet.h"
#include "decoders/intel_pt/pt_snapshot.h"
#include "decoders/intel_pt/pt_sync.h"
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

enum snapshot_clock pt_snapshot_clock(const uint8_t *buf, size_t len, size_t overlap)
{
	size_t from = overlap < len ? len - overlap : 0;
	ssize_t pos = pt_sync_backward(buf, len, from);
	bool timed = false;

	if (pos < 0)
		pos = pt_sync_forward(buf, len, from);
	while (pos >= 0 && (size_t)pos < len) {
		struct pt_packet pkt;
		int n = pt_pkt_decode(buf + pos, len - (size_t)pos, &pkt);

		if (n <= 0) {	/* resynchronize at the next PSB, or stop */
			pos = pt_sync_forward(buf, len, (size_t)pos + 1);
			continue;
		}
		if (pkt.type == PT_PKT_TSC) {
			if ((size_t)pos >= from)
				return SNAPSHOT_CLOCK_INSIDE;
			timed = true;
		}
		pos += n;
	}
	return timed ? SNAPSHOT_CLOCK_OUTSIDE : SNAPSHOT_CLOCK_NONE;
}

/*
 * Whether prev's last overlap bytes, which the next snapshot starts with,
 * are its start: at_offset when the offsets gave them, else by time.
 */
static bool continues(const uint8_t *prev, size_t prev_len, size_t overlap, bool at_offset)
{
	return snapshot_continues(overlap, at_offset, at_offset ? SNAPSHOT_CLOCK_NONE :
				  pt_snapshot_clock(prev, prev_len, overlap));
}

bool pt_snapshot_continued(const struct aux_chunk *chunk)
{
	return (chunk->flags & AUX_CHUNK_F_CONTINUED) &&
	       continues(chunk->data, chunk->size, chunk->next_overlap,
			 chunk->flags & AUX_CHUNK_F_AT_OFFSET);
}

void pt_snapshot_seam(struct pt_snapshot_prev *p, const struct aux_chunk *cur,
		      struct pt_snapshot_seam *seam)
{
	const struct pt_snapshot_area *a = area_of(p, cur->idx, false);
	bool at_offset;
	size_t pad;

	*seam = (struct pt_snapshot_seam){ 0 };
	if (!a || !a->data)
		return;
	/*
	 * A chunk's size counts up to 7 zero bytes of padding after its data
	 * (perf's AUXTRACE alignment): they are not in the next one. (The
	 * session takes them off when it has the next one at hand.)
	 */
	pad = snapshot_seam(a->data, a->len, a->aux_offset, cur->data, cur->size,
			    cur->aux_offset, &seam->overlap, &at_offset);
	if (!continues(a->data, a->len - pad, seam->overlap, at_offset)) {
		seam->overlap = 0;	/* a chance match: trace was lost between */
		return;
	}
	seam->prev = a->data;
	seam->prev_len = a->len - pad;
	seam->cut = a->cut > pad ? a->cut - pad : 0;
	if (seam->cut > seam->prev_len)
		seam->cut = seam->prev_len;
}

void pt_snapshot_keep(struct pt_snapshot_prev *p, const struct aux_chunk *cur, size_t cut)
{
	struct pt_snapshot_area *a = area_of(p, cur->idx, true);
	uint8_t *copy;

	if (!a)
		return;
	copy = realloc(a->data, cur->size ? cur->size : 1);
	if (!copy) {
		free(a->data);
		a->data = NULL;
		return;
	}
	memcpy(copy, cur->data, cur->size);
	a->data = copy;
	a->len = cur->size;
	a->aux_offset = cur->aux_offset;
	a->cut = cut;
}

void pt_snapshot_free(struct pt_snapshot_prev *p)
{
	for (size_t i = 0; i < p->nr; i++)
		free(p->v[i].data);
	free(p->v);
	memset(p, 0, sizeof(*p));
}
