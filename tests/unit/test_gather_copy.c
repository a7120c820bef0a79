// SPDX-License-Identifier: GPL-2.0
/*
 * test_gather_copy.c - lib/util/gather_copy.c: segments of many sizes
 * (empty ones, ones smaller than a part, ones spanning several parts) come
 * out one after another, byte for byte, on 1 to 7 threads, and a total
 * below one part is copied by the caller alone.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "lib/util/gather_copy.h"

/* Copies segments cut from src at the given sizes, compared with src. */
static void check_cut(const uint8_t *src, const size_t *sizes, size_t nr, unsigned int threads)
{
	struct gather_seg segs[16];
	size_t total = 0;
	uint8_t *dst;

	assert_true(nr <= 16);
	for (size_t i = 0; i < nr; i++) {
		segs[i] = (struct gather_seg){ .p = src + total, .n = sizes[i] };
		total += sizes[i];
	}
	dst = malloc(total + 64);
	assert_non_null(dst);
	memset(dst, 0xa5, total + 64);
	gather_copy(dst, segs, nr, threads);
	assert_memory_equal(dst, src, total);
	for (size_t i = total; i < total + 64; i++)
		assert_int_equal(dst[i], 0xa5);	/* nothing written past the end */
	free(dst);
}

static void test_segments_in_order(void **state)
{
	const size_t mib = (size_t)1 << 20;
	const size_t cuts[][6] = {
		{ 37 * mib + 3, 0, 0, 0, 0, 0 },			/* one segment */
		{ 18 * mib + 5, 18 * mib - 1, 0, 0, 0, 0 },		/* two, as perf writes */
		{ 1, 0, 9 * mib + 7, 3, 11 * mib, 4096 },		/* empty and tiny ones */
		{ 5 * mib, 5 * mib, 5 * mib, 5 * mib, 5 * mib, 5 * mib },
	};
	size_t total = 40 * mib;
	uint8_t *src = malloc(total);

	(void)state;
	assert_non_null(src);
	for (size_t i = 0; i < total; i++)
		src[i] = (uint8_t)(i * 131 + (i >> 13));
	for (size_t c = 0; c < sizeof(cuts) / sizeof(cuts[0]); c++) {
		size_t nr = 6;

		while (nr > 1 && !cuts[c][nr - 1])
			nr--;
		for (unsigned int threads = 1; threads <= 7; threads++)
			check_cut(src, cuts[c], nr, threads);
	}
	free(src);
}

static void test_small_total(void **state)
{
	const size_t sizes[] = { 100, 0, GATHER_PART - 200, 7 };
	uint8_t *src = malloc(GATHER_PART);

	(void)state;
	assert_non_null(src);
	for (size_t i = 0; i < GATHER_PART; i++)
		src[i] = (uint8_t)(i ^ (i >> 8));
	check_cut(src, sizes, 4, 4);
	check_cut(src, sizes, 0, 2);	/* nothing at all */
	free(src);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_segments_in_order),
		cmocka_unit_test(test_small_total),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
