// SPDX-License-Identifier: GPL-2.0
/*
 * test_slot_index.c - lib/util/slot_index.c, the hash index over a caller's
 * array: every key found at its entry after growth, absent keys not found,
 * with a good hash and with one that puts every key in one slot (probing
 * and wrap-around at the end of the table), and the key hashes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "lib/util/slot_index.h"

struct table {
	uint64_t keys[5000];
	size_t nr;
	bool colliding;		/* every key hashes to the last slot */
};

static uint64_t key_hash(const struct table *t, uint64_t key)
{
	return t->colliding ? UINT64_MAX : slot_hash_u64(key);
}

static bool key_matches(const void *ctx, uint32_t idx, const void *key)
{
	const struct table *t = ctx;

	return t->keys[idx] == *(const uint64_t *)key;
}

static uint64_t hash_of(const void *ctx, uint32_t idx)
{
	const struct table *t = ctx;

	return key_hash(t, t->keys[idx]);
}

/* Finds key, adding it when absent and add is set: its index, or -1. */
static long lookup(struct slot_index *x, struct table *t, uint64_t key, bool add)
{
	uint32_t *slot;

	assert_int_equal(slot_index_reserve(x, t->nr, 16, hash_of, t), 0);
	slot = slot_index_find(x, key_hash(t, key), key_matches, t, &key);
	if (!*slot && add) {
		t->keys[t->nr] = key;
		*slot = (uint32_t)++t->nr;
	}
	return *slot ? (long)*slot - 1 : -1;
}

static void check_index(size_t n, bool colliding)
{
	struct table *t = calloc(1, sizeof(*t));
	struct slot_index x = { 0 };

	assert_non_null(t);
	t->colliding = colliding;
	for (size_t i = 0; i < n; i++)	/* every third key twice: found, not added again */
		assert_int_equal(lookup(&x, t, i * 7919 + 3, true), (long)i);
	for (size_t i = 0; i < n; i += 3)
		assert_int_equal(lookup(&x, t, i * 7919 + 3, true), (long)i);
	assert_int_equal(t->nr, n);
	assert_true(x.nslots >= 2 * n && (x.nslots & (x.nslots - 1)) == 0);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(lookup(&x, t, i * 7919 + 3, false), (long)i);
		assert_int_equal(lookup(&x, t, i * 7919 + 4, false), -1);
	}
	slot_index_free(&x);
	assert_null(x.slots);
	free(t);
}

static void test_many_keys(void **state)
{
	(void)state;
	check_index(5000, false);
}

static void test_colliding_keys(void **state)
{
	(void)state;
	check_index(300, true);
}

static void test_no_growth_below_half(void **state)
{
	struct table t = { .nr = 0 };
	struct slot_index x = { 0 };
	uint32_t *before;

	(void)state;
	assert_int_equal(slot_index_reserve(&x, 0, 16, hash_of, &t), 0);
	assert_int_equal(x.nslots, 16);
	before = x.slots;
	assert_int_equal(slot_index_reserve(&x, 7, 16, hash_of, &t), 0);
	assert_ptr_equal(x.slots, before);	/* 8 of 16 taken: still half */
	t.nr = 8;
	assert_int_equal(slot_index_reserve(&x, 8, 16, hash_of, &t), 0);
	assert_int_equal(x.nslots, 32);
	slot_index_free(&x);
}

static void test_hashes(void **state)
{
	(void)state;
	/* FNV-1a's published values */
	assert_true(slot_hash_str(SLOT_HASH_INIT, "") == 0xcbf29ce484222325ULL);
	assert_true(slot_hash_str(SLOT_HASH_INIT, "a") == 0xaf63dc4c8601ec8cULL);
	assert_true(slot_hash_str(slot_hash_str(SLOT_HASH_INIT, "fo"), "obar") ==
		    slot_hash_str(SLOT_HASH_INIT, "foobar"));
	/* consecutive pids spread over the low bits */
	assert_true((slot_hash_u64(1000) & 63) != (slot_hash_u64(1001) & 63) ||
		    (slot_hash_u64(1001) & 63) != (slot_hash_u64(1002) & 63));
	assert_true(slot_hash_u64(0) == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_many_keys),
		cmocka_unit_test(test_colliding_keys),
		cmocka_unit_test(test_no_growth_below_half),
		cmocka_unit_test(test_hashes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
