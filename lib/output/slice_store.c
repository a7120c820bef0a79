// SPDX-License-Identifier: GPL-2.0
/*
 * slice_store.c - a thread's call-stack slices packed in 20 bytes each,
 * the few that do not pack kept whole beside them (slice_store.h).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include "lib/output/slice_store.h"
#include "lib/util/array_grow.h"
#include "lib/util/huge_array.h"

/* Slots to come before a reserve: while the marks have room for one more each. */
static void set_room(struct slice_store *ss)
{
	ss->room = ss->nr_epochs < ss->cap_epochs && ss->nr_bases < ss->cap_bases ? ss->cap : 0;
}

int slice_store_reserve(struct slice_store *ss)
{
	if (HUGE_ARRAY_GROW(ss->v, ss->cap, ss->nr + 1, 1024) ||
	    ARRAY_GROW(ss->bases, ss->cap_bases, ss->nr_bases + 1, 16) ||
	    ARRAY_GROW(ss->epochs, ss->cap_epochs, ss->nr_epochs + 1, 16))
		return -ENOMEM;
	set_room(ss);
	return 0;
}

void slice_store_mark(struct slice_store *ss, size_t slot, uint64_t start, uint32_t epoch)
{
	if (start - ss->base > UINT32_MAX) {
		ss->bases[ss->nr_bases++] = (struct slice_base){ .from = slot, .base = start };
		ss->base = start;
	}
	if (epoch != ss->epoch) {
		ss->epochs[ss->nr_epochs++] = (struct slice_epoch){ .from = slot, .epoch = epoch };
		ss->epoch = epoch;
	}
	set_room(ss);
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

void slice_store_marks(const struct slice_store *ss, struct slice_cursor *c)
{
	size_t slot = c->slot;

	while (c->epoch < ss->nr_epochs && ss->epochs[c->epoch].from <= slot)
		c->epoch_now = ss->epochs[c->epoch++].epoch;
	while (c->base < ss->nr_bases && ss->bases[c->base].from <= slot)
		c->base_now = ss->bases[c->base++].base;
	c->marks_at = SIZE_MAX;
	if (c->epoch < ss->nr_epochs)
		c->marks_at = ss->epochs[c->epoch].from;
	if (c->base < ss->nr_bases && ss->bases[c->base].from < c->marks_at)
		c->marks_at = ss->bases[c->base].from;
}

void slice_store_free(struct slice_store *ss)
{
	HUGE_ARRAY_FREE(ss->v, ss->cap);
	free(ss->bases);
	free(ss->epochs);
	free(ss->wide);
	*ss = (struct slice_store){ 0 };
}
