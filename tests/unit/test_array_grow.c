// SPDX-License-Identifier: GPL-2.0
/*
 * test_array_grow.c - lib/util/array_grow.c: the capacity doubles from the first
 * size until it holds what is needed, nothing moves when it already does,
 * and sizes that overflow are refused with the array left as it was;
 * ARRAY_GROW_ZEROED zeroes what it adds.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>
#include "lib/util/array_grow.h"

static void test_doubling(void **state)
{
	uint64_t *v = NULL;
	size_t cap = 0;

	(void)state;
	assert_int_equal(ARRAY_GROW(v, cap, 1, 16), 0);
	assert_non_null(v);
	assert_int_equal(cap, 16);
	for (size_t i = 0; i < 1000; i++) {
		assert_int_equal(ARRAY_GROW(v, cap, i + 1, 16), 0);
		v[i] = i * 3;	/* ASan: every element up to need is usable */
	}
	assert_int_equal(cap, 1024);
	for (size_t i = 0; i < 1000; i++)
		assert_int_equal(v[i], i * 3);	/* kept across the moves */
	assert_int_equal(ARRAY_GROW(v, cap, 5000, 16), 0);	/* several doublings at once */
	assert_int_equal(cap, 8192);
	free(v);
}

static void test_no_change_when_room(void **state)
{
	char *v = NULL, *before;
	size_t cap = 0;

	(void)state;
	assert_int_equal(ARRAY_GROW(v, cap, 100, 4096), 0);
	assert_int_equal(cap, 4096);
	before = v;
	assert_int_equal(ARRAY_GROW(v, cap, 4096, 4096), 0);
	assert_ptr_equal(v, before);
	assert_int_equal(cap, 4096);
	assert_int_equal(ARRAY_GROW(v, cap, 0, 4096), 0);
	free(v);
}

static void test_overflow_refused(void **state)
{
	uint64_t *v = NULL;
	size_t cap = 0;

	(void)state;
	assert_int_equal(ARRAY_GROW(v, cap, 8, 8), 0);
	v[7] = 42;
	/* elements * size beyond SIZE_MAX, and a count that cannot double */
	assert_int_equal(ARRAY_GROW(v, cap, SIZE_MAX / 4, 8), -ENOMEM);
	assert_int_equal(ARRAY_GROW(v, cap, SIZE_MAX, 8), -ENOMEM);
	assert_int_equal(cap, 8);
	assert_int_equal(v[7], 42);
	free(v);
}

static void test_first_zero(void **state)
{
	int *v = NULL;
	size_t cap = 0;

	(void)state;
	assert_int_equal(ARRAY_GROW(v, cap, 3, 0), 0);
	assert_int_equal(cap, 4);
	free(v);
}

/* The zeroing variant: what it adds is zero, what was there stays. */
static void test_zeroed(void **state)
{
	int *v = NULL;
	size_t cap = 0;

	assert_int_equal(ARRAY_GROW_ZEROED(v, cap, 3, 4), 0);
	assert_int_equal(cap, 4);
	for (size_t i = 0; i < cap; i++)
		assert_int_equal(v[i], 0);
	v[0] = 7;
	v[3] = 9;
	assert_int_equal(ARRAY_GROW_ZEROED(v, cap, 5, 4), 0);
	assert_int_equal(cap, 8);
	assert_int_equal(v[0], 7);
	assert_int_equal(v[3], 9);
	for (size_t i = 4; i < cap; i++)
		assert_int_equal(v[i], 0);
	assert_int_equal(ARRAY_GROW_ZEROED(v, cap, 8, 4), 0);	/* room: nothing zeroed */
	assert_int_equal(v[3], 9);
	free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_doubling),
		cmocka_unit_test(test_no_change_when_room),
		cmocka_unit_test(test_overflow_refused),
		cmocka_unit_test(test_first_zero),
		cmocka_unit_test(test_zeroed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
