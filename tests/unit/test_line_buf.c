// SPDX-License-Identifier: GPL-2.0
/*
 * test_line_buf.c - each line_buf function against the printf conversion it
 * replaces, on edge values and seeded random ones, and growth past the
 * first allocation and past the size from which a buffer is a mapping of
 * its own (lib/util/huge_array.h).
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "lib/output/line_buf.h"
#include "lib/util/huge_array.h"

static void expect(struct line_buf *b, const char *want)
{
	assert_int_equal(b->len, strlen(want));
	assert_memory_equal(b->p, want, b->len);
	lb_reset(b);
}

static uint64_t next_random(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void test_numbers_as_printf(void **state)
{
	static const uint64_t edge[] = { 0, 1, 9, 10, 15, 16, 99, 100, 999, 1000, 0x7fffffff,
					 0x80000000, 0xffffffff, INT64_MAX, (uint64_t)INT64_MIN,
					 UINT64_MAX, 0xffffffff81000000ULL };
	struct line_buf b = { 0 };
	char want[128];
	uint64_t seed = 88172645463325252ULL;

	for (int i = 0; i < 20000; i++) {
		uint64_t v = i < (int)(sizeof(edge) / sizeof(edge[0])) ? edge[i] :
			     next_random(&seed) >> (next_random(&seed) % 64);
		int w = (int)(next_random(&seed) % 20);

		lb_dec_right(&b, (int64_t)v, w);
		snprintf(want, sizeof(want), "%*" PRId64, w, (int64_t)v);
		expect(&b, want);
		lb_udec_zero(&b, v, w);
		snprintf(want, sizeof(want), "%0*" PRIu64, w, v);
		expect(&b, want);
		lb_hex_right(&b, v, w);
		snprintf(want, sizeof(want), "%*" PRIx64, w, v);
		expect(&b, want);
		lb_hex0x(&b, v);
		snprintf(want, sizeof(want), "0x%" PRIx64, v);
		expect(&b, want);
	}
	lb_free(&b);
}

static void test_strings_and_growth(void **state)
{
	struct line_buf b = { 0 };
	char *big = malloc(100001), want[64];

	assert_non_null(big);
	lb_str_right(&b, "comm", 16);
	expect(&b, "            comm");
	lb_str_right(&b, "a-name-longer-than-16", 16);	/* not cut, as %16s */
	expect(&b, "a-name-longer-than-16");
	lb_str_right(&b, "", 3);
	expect(&b, "   ");
	memset(big, 'x', 100000);
	big[100000] = '\0';
	lb_char(&b, '<');
	lb_str(&b, big);		/* a long C++ name: the buffer grows */
	lb_printf(&b, "> %s %#x", "tail", 255);
	assert_int_equal(b.err, 0);
	assert_int_equal(b.len, 100000 + 2 + 10);
	assert_memory_equal(b.p + 100001, "> tail 0xff", 11);
	lb_reset(&b);
	lb_printf(&b, "%s", "");
	expect(&b, "");
	snprintf(want, sizeof(want), " error: %s at AUX offset %#x", "e", 0);
	lb_printf(&b, " error: %s at AUX offset %#x", "e", 0);
	expect(&b, want);
	free(big);
	lb_free(&b);
}

/*
 * Megabytes in pieces: past a quarter of a megabyte the buffer goes
 * straight to a mapping of HUGE_ARRAY_FROM bytes, then grows by moving its
 * pages; every byte is kept, and the room stays after a reset.
 */
static void test_large_growth(void **state)
{
	struct line_buf b = { 0 };
	char piece[1000];

	(void)state;
	for (size_t i = 0; i < 3000; i++) {
		memset(piece, 'a' + (int)(i % 26), sizeof(piece));
		lb_mem(&b, piece, sizeof(piece));
		if (b.len == 300 * sizeof(piece))
			assert_int_equal(b.cap, HUGE_ARRAY_FROM);
	}
	assert_int_equal(b.err, 0);
	assert_int_equal(b.len, 3000 * sizeof(piece));
	assert_true(b.cap >= b.len);
	for (size_t i = 0; i < 3000; i++)
		for (size_t k = 0; k < sizeof(piece); k += 97)
			assert_int_equal(b.p[i * sizeof(piece) + k], 'a' + (int)(i % 26));
	lb_reset(&b);
	assert_true(b.cap >= 3000 * sizeof(piece));
	assert_non_null(lb_grow_room(&b, 4 * HUGE_ARRAY_FROM));
	memset(b.p, 'z', 4 * HUGE_ARRAY_FROM);
	assert_true(b.cap >= 4 * HUGE_ARRAY_FROM);
	lb_free(&b);
	assert_null(b.p);
	assert_int_equal(b.cap, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numbers_as_printf),
		cmocka_unit_test(test_strings_and_growth),
		cmocka_unit_test(test_large_growth),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
