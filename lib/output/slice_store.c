// SPDX-License-Identifier: GPL-2.0
/*
 * slice_store.c - a thread's call-stack slices packed in 20 bytes each,
 * the few that do not pack kept whole beside them (slice_store.h).
 */
#include <errno.h>
#include <stdlib.h>
#include "lib/output/slice_store.h"
#include "lib/util/array_grow.h"
#include "lib/util/huge_array.h"

int slice_store_reserve(struct slice_store *ss)
{
	if (HUGE_ARRAY_GROW(ss->v, ss->cap, ss->nr + 1, 1024) ||
	    ARRAY_GROW(ss->bases, ss->cap_bases, ss->nr_bases + 1, 16) ||
	    ARRAY_GROW(ss->epochs, ss->cap_epochs, ss->nr_epochs + 1, 16))
		return -ENOMEM;
	return 0;
}

void slice_store_put_wide(struct slice_store *ss, size_t slot, const struct cs_slice *s)
{
	if (ss->nr_wide >= UINT32_MAX ||
	    ARRAY_GROW(ss->wide, ss->cap_wide, ss->nr_wide + 1, 16)) {
		ss->failed = true;
		return;
	}
	ss->wide[ss->nr_wide] = *s;
	ss->v[slot].len = SLICE_WIDE;
	ss->v[slot].self = (uint32_t)ss->nr_wide++;
}

bool slice_store_next(const struct slice_store *ss, struct slice_cursor *c, struct cs_slice *s)
{
	const struct packed_slice *p;
	size_t slot = c->slot;

	if (slot >= ss->nr)
		return false;
	while (c->epoch + 1 < ss->nr_epochs && ss->epochs[c->epoch + 1].from <= slot)
		c->epoch++;
	while (c->base < ss->nr_bases && ss->bases[c->base].from <= slot)
		c->base++;
	p = &ss->v[slot];
	if (p->len == SLICE_WIDE) {
		*s = ss->wide[p->self];
	} else {
		uint64_t start = (c->base ? ss->bases[c->base - 1].base : 0) + p->start_off;

		*s = (struct cs_slice){
			.start = start, .end = start + p->len, .self_insns = p->self,
			.name = p->name, .level = p->level_flags >> 8,
			.flags = (uint32_t)p->level_flags & 0xff,
		};
	}
	s->seq = (int32_t)slot;
	s->epoch = ss->epochs[c->epoch].epoch;
	c->slot++;
	return true;
}

void slice_store_free(struct slice_store *ss)
{
	HUGE_ARRAY_FREE(ss->v, ss->cap);
	free(ss->bases);
	free(ss->epochs);
	free(ss->wide);
	*ss = (struct slice_store){ 0 };
}
