// SPDX-License-Identifier: GPL-2.0
/*
 * sample_hold.c - stack samples held back until their process's sideband
 * has been read (see sample_hold.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "lib/session/sample_hold.h"
#include "lib/util/array_grow.h"

int sample_hold_add(struct sample_hold *h, const struct pd_record *rec, int pid)
{
	void *copy;

	if (ARRAY_GROW(h->v, h->cap, h->nr + 1, 16))
		return -ENOMEM;
	copy = malloc(rec->hdr->size);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, rec->hdr, rec->hdr->size);
	h->v[h->nr] = (struct held_sample){ .rec = *rec, .pid = pid };
	h->v[h->nr].rec.hdr = copy;
	h->v[h->nr].rec.payload = NULL;
	h->nr++;
	return 0;
}

void sample_hold_mmap(struct sample_hold *h, int pid)
{
	for (size_t i = 0; i < h->nr; i++) {
		if (h->v[i].pid == pid && !h->v[i].ready) {
			h->v[i].ready = true;
			h->nr_ready++;
		}
	}
}

int sample_hold_release(struct sample_hold *h, bool all,
			int (*fn)(void *ctx, const struct pd_record *rec), void *ctx)
{
	size_t kept = 0, ready = 0;
	int ret = 0;

	if (!all && !h->nr_ready)
		return 0;
	for (size_t i = 0; i < h->nr; i++) {
		struct held_sample *s = &h->v[i];

		if (!ret && (all || s->ready)) {
			ret = fn(ctx, &s->rec);
			free((void *)s->rec.hdr);
			continue;
		}
		ready += s->ready;
		h->v[kept++] = *s;
	}
	h->nr = kept;
	h->nr_ready = ready;
	return ret;
}

void sample_hold_free(struct sample_hold *h)
{
	for (size_t i = 0; i < h->nr; i++)
		free((void *)h->v[i].rec.hdr);
	free(h->v);
	memset(h, 0, sizeof(*h));
}
