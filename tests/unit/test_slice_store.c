// SPDX-License-Identifier: GPL-2.0
/*
 * test_slice_store.c - lib/output/slice_store.c: slices put in the slots
 * of a store come back whole from a walk, packed or not: each field that
 * does not fit 20 bytes (a length or own instructions of 2^32 - 1 or more,
 * a level beyond 2^23 either way, flags past a byte, a selection's span
 * mark, an end before the start) keeps its slice whole beside the packed
 * ones; starts 2^32 or more past the base before, or before it, begin a
 * new base; epochs of runs of slots; each slot's seq its own number.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "lib/output/slice_store.h"

static void enter(struct slice_store *ss, uint64_t start, uint32_t epoch)
{
	if (!slice_store_has_room(ss))
		assert_int_equal(slice_store_reserve(ss), 0);
	assert_true(slice_store_has_room(ss));
	slice_store_enter(ss, start, epoch);
}

static void assert_slice(const struct cs_slice *got, const struct cs_slice *want)
{
	assert_int_equal(got->start, want->start);
	assert_int_equal(got->end, want->end);
	assert_int_equal(got->self_insns, want->self_insns);
	assert_int_equal(got->seq, want->seq);
	assert_int_equal(got->epoch, want->epoch);
	assert_int_equal(got->name, want->name);
	assert_int_equal(got->level, want->level);
	assert_int_equal(got->flags, want->flags);
	assert_int_equal(got->live_span, want->live_span);
}

/* Each slice in its own slot, in entry order; which were kept wide. */
static void round_trip(void **unused)
{
	const uint64_t base = 1000000;
	const struct cs_slice v[] = {
		{ .start = base, .end = base + 10, .self_insns = 7, .name = 3, .level = 0 },
		{ .start = base + 1, .end = base + 9, .self_insns = 0, .name = 4, .level = -5,
		  .flags = 0x3f },
		/* starts 2^32 - 1 and 2^32 after the base: a new base */
		{ .start = base + UINT32_MAX, .end = base + UINT32_MAX + 1, .name = 5 },
		{ .start = base + (1ull << 32), .end = base + (1ull << 32) + 1, .name = 6 },
		/* the largest length and own instructions that pack, and the first that do not */
		{ .start = base + 2, .end = base + 2 + UINT32_MAX - 1, .self_insns = UINT32_MAX,
		  .level = (1 << 23) - 1 },
		{ .start = base + 2, .end = base + 2 + UINT32_MAX, .level = 1 },
		{ .start = base + 2, .end = base + 3, .self_insns = (uint64_t)UINT32_MAX + 1 },
		/* levels just outside 24 bits, and the lowest inside */
		{ .start = base + 3, .end = base + 3, .level = 1 << 23 },
		{ .start = base + 3, .end = base + 3, .level = -(1 << 23) },
		{ .start = base + 3, .end = base + 3, .level = -(1 << 23) - 1 },
		/* flags past a byte, a span mark, an end before the start */
		{ .start = base + 3, .end = base + 4, .flags = 0x100 },
		{ .start = base + 3, .end = base + 4, .live_span = 2 },
		{ .start = base + 5, .end = base + 4 },
		/* a start before the base, and one at 0 */
		{ .start = base - 1, .end = base + 4, .name = 9 },
		{ .start = 0, .end = 0, .name = 10 },
	};
	const bool wide[] = {
		false, false, false, false, false, true, true, true, false, true, true, true, true,
		false, false,
	};
	_Static_assert(sizeof(wide) / sizeof(wide[0]) == sizeof(v) / sizeof(v[0]), "a flag a slice");
	const size_t n = sizeof(v) / sizeof(v[0]);
	struct slice_store ss = { 0 };
	struct slice_cursor c = { 0 };
	struct cs_slice s;
	size_t nr_wide = 0;

	(void)unused;
	for (size_t i = 0; i < n; i++)
		enter(&ss, v[i].start, 7);
	/* bases: 0 (the first, not marked), base + 2^32 - 1, base + 2, base - 1, 0 */
	assert_int_equal(ss.nr_bases, 4);
	/* put in reverse, as frames end innermost first */
	for (size_t i = n; i-- > 0;)
		slice_store_put(&ss, i, &v[i]);
	assert_false(ss.failed);
	for (size_t i = 0; i < n; i++) {
		struct cs_slice want = v[i];

		want.seq = (int32_t)i;
		want.epoch = 7;
		assert_true(slice_store_next(&ss, &c, &s));
		assert_slice(&s, &want);
		assert_int_equal(ss.v[i].len == SLICE_WIDE, wide[i]);
		nr_wide += wide[i];
	}
	assert_false(slice_store_next(&ss, &c, &s));
	assert_int_equal(ss.nr_wide, nr_wide);
	slice_store_free(&ss);
}

/*
 * Starts that climb by 2^40 every 1000 slots and by 10^6 between (so that
 * each offset is from the right base), in four epochs whose runs cross
 * where the bases change.
 */
static uint64_t start_of(size_t i)
{
	return ((uint64_t)(i / 1000) << 40) + (i % 1000) * 1000000;
}

static void bases_and_epochs(void **unused)
{
	const size_t n = 5500;
	const size_t epoch_from[] = { 0, 3, 1000, 2001 };
	struct slice_store ss = { 0 };
	struct slice_cursor c = { 0 };
	struct cs_slice s;
	uint32_t epoch = 0;

	(void)unused;
	for (size_t i = 0; i < n; i++) {
		for (size_t e = 0; e < 4; e++)
			if (i == epoch_from[e])
				epoch = (uint32_t)(e * 10);
		enter(&ss, start_of(i), epoch);
	}
	assert_int_equal(ss.nr_epochs, 3);	/* none for epoch 0 from the start */
	assert_int_equal(ss.nr_bases, 5);	/* none for base 0 from the start */
	for (size_t i = 0; i < n; i++) {
		struct cs_slice p = {
			.start = start_of(i), .end = start_of(i) + i, .self_insns = i,
			.name = (uint32_t)i, .level = (int32_t)(i % 50) - 25,
			.flags = (uint32_t)(i & 0xff),
		};

		slice_store_put(&ss, i, &p);
	}
	assert_int_equal(ss.nr_wide, 0);
	for (size_t i = 0; i < n; i++) {
		uint32_t want_epoch = i < 3 ? 0 : i < 1000 ? 10 : i < 2001 ? 20 : 30;

		assert_true(slice_store_next(&ss, &c, &s));
		assert_int_equal(s.start, start_of(i));
		assert_int_equal(s.end, start_of(i) + i);
		assert_int_equal(s.self_insns, i);
		assert_int_equal(s.name, i);
		assert_int_equal(s.level, (int32_t)(i % 50) - 25);
		assert_int_equal(s.flags, i & 0xff);
		assert_int_equal(s.seq, (int32_t)i);
		assert_int_equal(s.epoch, want_epoch);
	}
	assert_false(slice_store_next(&ss, &c, &s));
	slice_store_free(&ss);
	assert_null(ss.v);
	assert_int_equal(ss.nr, 0);
}

/*
 * A slot needs room for the marks it may make even with slots to spare:
 * a new epoch at every slot, then a new base at every slot.
 */
static void room_for_marks(void **unused)
{
	struct slice_store ss = { 0 };
	uint32_t epoch = 0;
	uint64_t start = 0;

	(void)unused;
	assert_false(slice_store_has_room(&ss));
	assert_int_equal(slice_store_reserve(&ss), 0);
	while (slice_store_has_room(&ss))
		slice_store_enter(&ss, 1, ++epoch);
	assert_int_equal(ss.nr_epochs, ss.cap_epochs);
	assert_true(ss.nr < ss.cap);
	assert_int_equal(slice_store_reserve(&ss), 0);
	assert_true(slice_store_has_room(&ss));
	while (slice_store_has_room(&ss))
		slice_store_enter(&ss, start += 1ull << 33, epoch);
	assert_int_equal(ss.nr_bases, ss.cap_bases);
	assert_true(ss.nr < ss.cap);
	slice_store_free(&ss);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(bases_and_epochs),
		cmocka_unit_test(room_for_marks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
