/* SPDX-License-Identifier: GPL-2.0 */
/*
 * slice_store.h - a slice of a call stack (struct cs_slice, what the
 * exports render) and a thread's slices kept in 20 bytes each instead of
 * 48 (slice_store.c). The call stacks reserve a slot per frame entered, in
 * the order of entry, and put the whole slice there when its frame ends;
 * a walk reads them back in slot order.
 *
 * Why packed: the export of a 2.1 M-branch trace keeps 0.8 M slices, and
 * on the virtual machines measured the first touch of fresh memory costs
 * about 0.5-1 ms per MB: 38 MB of slices were a quarter of the export's
 * time, all on the thread building the stacks (docs/testing.md, "Slices
 * in 20 bytes").
 *
 * A packed slice holds its start as an offset from a base, its length,
 * its own instructions, its name and its level with its flags. The base is
 * the start of an earlier slot: the store marks the slot where a new base
 * begins, when a start is 2^32 or more past the base before (or before
 * it). A slice whose other fields do not fit (a frame of 2^32 - 1 ns or
 * instructions or more, a level beyond 2^23, a mark of a selection's span)
 * is kept whole in a side array, which its packed slot points to. The
 * stack (epoch) of a slot is not stored per slot either: slots entered in
 * one stack are consecutive, and the store marks where each stack's first
 * slot is. A slot's seq (order of entry) is the slot.
 */
#ifndef AUXREC_SLICE_STORE_H
#define AUXREC_SLICE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cs_slice {
	uint64_t start, end;		/* on the clock (see struct call_stacks) */
	uint64_t self_insns;		/* instructions run in this frame itself */
	int32_t seq;			/* order of entry (see call_stack.c) */
	uint32_t epoch;			/* stacks begun afresh after a loss, counted */
	uint32_t name;			/* cs_name() id */
	int32_t level;			/* nesting: see cs_depth() */
	uint32_t flags;			/* CS_SLICE_* */
	uint32_t live_span;		/* 1 + the last span it was live at the start of */
};

#define SLICE_WIDE		UINT32_MAX	/* packed_slice.len of a wide slice */

struct packed_slice {
	uint32_t start_off;	/* start - the base of its slot */
	uint32_t len;		/* end - start; SLICE_WIDE: the slice is wide[self] */
	uint32_t self;		/* self_insns */
	uint32_t name;
	int32_t level_flags;	/* level << 8 | flags */
};

/* From slot `from` on, slots are of epoch `epoch`. */
struct slice_epoch {
	size_t from;
	uint32_t epoch;
};

/* From slot `from` on, starts are offsets from `base`. */
struct slice_base {
	size_t from;
	uint64_t base;
};

struct slice_store {
	struct packed_slice *v;
	size_t nr, cap;
	struct slice_base *bases;	/* in slot order; none: base 0 */
	size_t nr_bases, cap_bases;
	uint64_t base;			/* the last one's */
	struct slice_epoch *epochs;	/* in slot order; none: epoch 0 */
	size_t nr_epochs, cap_epochs;
	uint32_t epoch;			/* the last one's */
	size_t room;			/* slots that need no slice_store_reserve() */
	struct cs_slice *wide;		/* slices that do not pack */
	size_t nr_wide, cap_wide;
	bool failed;			/* no memory for a wide slice: it is lost */
};

/* Room for one slot more (and the marks it may need) as slice_store_enter() needs it. */
static inline bool slice_store_has_room(const struct slice_store *ss)
{
	return ss->nr < ss->room;
}

/* Makes room for one slot more (slice_store_has_room()); 0 or -ENOMEM. */
int slice_store_reserve(struct slice_store *ss);

/* Marks a new base or epoch at slot (slice_store.c). */
void slice_store_mark(struct slice_store *ss, size_t slot, uint64_t start, uint32_t epoch);

/*
 * Reserves the next slot (with room: slice_store_has_room()) for a slice
 * of epoch that starts at start; returns the slot. Its slice is put there
 * with slice_store_put(), before it is read, with that start.
 */
static inline size_t slice_store_enter(struct slice_store *ss, uint64_t start, uint32_t epoch)
{
	size_t slot = ss->nr++;

	if (start - ss->base > UINT32_MAX ||	/* past 2^32, or before the base */
	    epoch != ss->epoch)
		slice_store_mark(ss, slot, start, epoch);
	ss->v[slot].start_off = (uint32_t)(start - ss->base);
	return slot;
}

/* slice_store_put() of a slice that does not pack. */
void slice_store_put_wide(struct slice_store *ss, size_t slot, const struct cs_slice *s);

/*
 * Puts slice s (its seq and epoch are the slot's, not read) in slot, once,
 * packed when it fits. On no memory for a wide slice, ss->failed is set.
 */
static inline void slice_store_put(struct slice_store *ss, size_t slot, const struct cs_slice *s)
{
	struct packed_slice *p = &ss->v[slot];
	uint64_t len = s->end - s->start;	/* an end before the start: past 2^32 */

	if (!(len >> 32 | (uint64_t)(len == UINT32_MAX) | s->self_insns >> 32 |
	      ((uint32_t)s->level + (1u << 23)) >> 24 | s->flags >> 8 | s->live_span)) {
		p->len = (uint32_t)len;
		p->self = (uint32_t)s->self_insns;
		p->name = s->name;
		p->level_flags = (int32_t)((uint32_t)s->level << 8 | s->flags);
		return;
	}
	slice_store_put_wide(ss, slot, s);
}

/* A walk of the store's slots in order. */
struct slice_cursor {
	size_t slot;
	size_t marks_at;	/* the next slot where an epoch or a base begins */
	size_t epoch;		/* the index in epochs of the next epoch mark */
	size_t base;		/* the index in bases of the next base mark */
	uint32_t epoch_now;	/* the slot's epoch */
	uint64_t base_now;	/* the slot's base */
};

/* The cursor past the marks at its slot (slice_store.c). */
void slice_store_marks(const struct slice_store *ss, struct slice_cursor *c);

/* Reads the cursor's slot into *s and moves on; false after the last. */
static inline bool slice_store_next(const struct slice_store *ss, struct slice_cursor *c,
				    struct cs_slice *s)
{
	const struct packed_slice *p;
	size_t slot = c->slot;

	if (slot >= ss->nr)
		return false;
	if (slot >= c->marks_at)
		slice_store_marks(ss, c);
	p = &ss->v[slot];
	if (p->len == SLICE_WIDE) {
		*s = ss->wide[p->self];
	} else {
		s->start = c->base_now + p->start_off;
		s->end = s->start + p->len;
		s->self_insns = p->self;
		s->name = p->name;
		s->level = p->level_flags >> 8;
		s->flags = (uint32_t)p->level_flags & 0xff;
		s->live_span = 0;
	}
	s->seq = (int32_t)slot;
	s->epoch = c->epoch_now;
	c->slot++;
	return true;
}

void slice_store_free(struct slice_store *ss);

#endif
