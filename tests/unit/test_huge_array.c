// SPDX-License-Identifier: GPL-2.0
/*
 * test_huge_array.c - lib/util/huge_array.c: an array grown element by
 * element keeps its contents across the move from malloc'd memory to a
 * huge-page mapping (4 MiB) and across the mapping's growth (mremap),
 * starts at a huge page boundary once mapped, and sizes that overflow
 * are refused with the array left as it was.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>
#include "lib/util/huge_array.h"

static void test_growth_keeps_contents(void **state)
{
	const size_t n = (size_t)3 << 20;	/* 24 MiB of uint64_t */
	uint64_t *v = NULL;
	size_t cap = 0;

	(void)state;
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(HUGE_ARRAY_GROW(v, cap, i + 1, 1024), 0);
		v[i] = i * 7;
		if (i == 1023)
			assert_int_equal(cap, 1024);
	}
	assert_int_equal(cap, (size_t)4 << 20);
	assert_int_equal((uintptr_t)v % (2u << 20), 0);
	for (size_t i = 0; i < n; i++)
		if (v[i] != i * 7)
			fail_msg("element %zu: %llu", i, (unsigned long long)v[i]);
	HUGE_ARRAY_FREE(v, cap);
}

static void test_overflow_refused(void **state)
{
	uint64_t *v = NULL, *before;
	size_t cap = 0;

	(void)state;
	assert_int_equal(HUGE_ARRAY_GROW(v, cap, 10, 16), 0);
	before = v;
	assert_int_equal(HUGE_ARRAY_GROW(v, cap, SIZE_MAX / 4, 16), -ENOMEM);
	assert_ptr_equal(v, before);
	assert_int_equal(cap, 16);
	HUGE_ARRAY_FREE(v, cap);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_growth_keeps_contents),
		cmocka_unit_test(test_overflow_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
