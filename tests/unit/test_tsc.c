// SPDX-License-Identifier: GPL-2.0
/*
 * test_tsc.c - lib/util/tsc.c, perf time <-> TSC by a TIME_CONV: the kernel's
 * usual values against perf's formula, and extreme ones a hostile file can
 * hold (time_shift 63/64/255, time_mult 0/UINT32_MAX/above, time_zero and
 * TSC near UINT64_MAX) against exact 128-bit arithmetic: saturated or
 * "no time", never wrapped. Built with SANITIZE=1 it also shows no shift is
 * undefined.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "lib/util/tsc.h"

typedef unsigned __int128 u128;
typedef __int128 s128;

/* time_zero + tsc * mult / 2^shift, exactly, clamped to [0, UINT64_MAX] (0: before zero) */
static uint64_t ref_time(const struct tsc_conv *tc, uint64_t tsc)
{
	s128 t = (s128)(((u128)tsc * tc->time_mult) >> tc->time_shift) + (int64_t)tc->time_zero;

	if (t <= 0)
		return 0;
	return t > (s128)UINT64_MAX ? UINT64_MAX : (uint64_t)t;
}

static const struct tsc_conv valid[] = {
	{ 10, 1000, 0 },					/* pd-gen's */
	{ 31, 1431655765, 0xfffffffe9b2a6f3cULL },		/* a 3 GHz TSC, negative zero */
	{ 32, UINT32_MAX, 12345 },
	{ 33, 3, 0 },
	{ 63, UINT32_MAX, 0 },
	{ 63, 1, UINT64_MAX - 5 },
	{ 0, UINT32_MAX, 0x7fffffffffffffffULL },
	{ 0, 1, UINT64_MAX },					/* zero -1 */
	{ 1, 2, 0x8000000000000000ULL },			/* most negative zero */
	{ 0, 2, 0x8000000000000000ULL },
	{ 0, UINT32_MAX, 0xc000000000000000ULL },
	{ 1, 1, UINT64_MAX - 5 },
	{ 0, 3, UINT64_MAX - 5 },
};

static const uint64_t tscs[] = {
	1, 2, 1000, 0x123456789abcULL, 0xffffffffULL, 0x100000000ULL, 0x7fffffffffffffffULL,
	0x8000000000000000ULL, UINT64_MAX - 1, UINT64_MAX,
};

static void test_exact_or_saturated(void **state)
{
	for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		const struct tsc_conv *tc = &valid[i];

		assert_true(tsc_conv_valid(tc));
		for (size_t j = 0; j < sizeof(tscs) / sizeof(tscs[0]); j++) {
			uint64_t got = tsc_to_perf_time(tc, tscs[j]), want = ref_time(tc, tscs[j]);

			if (got != want)
				fail_msg("conv %zu tsc %#llx: %#llx, want %#llx", i,
					 (unsigned long long)tscs[j], (unsigned long long)got,
					 (unsigned long long)want);
		}
		assert_int_equal(tsc_to_perf_time(tc, 0), 0);	/* no TSC known */
	}
	/* perf's kernel-sized case keeps perf's values */
	assert_int_equal(tsc_to_perf_time(&valid[0], 1024), 1000);
	assert_int_equal(tsc_to_perf_time(&valid[0], 1536), 1500);
	/* a product that cannot fit saturates (perf's formula wraps to 0x...fc18) */
	assert_int_equal(tsc_to_perf_time(&(struct tsc_conv){ 0, 1000, 0 }, UINT64_MAX),
			 UINT64_MAX);
	/* more than 64 bits before a negative time_zero brings it back */
	assert_int_equal(tsc_to_perf_time(&(struct tsc_conv){ 0, 2, 0x8000000000000000ULL },
					  0x8000000000000004ULL), 0x8000000000000008ULL);
	/* shift 62: rem * mult overflowed 64 bits in the formula */
	assert_int_equal(tsc_to_perf_time(&(struct tsc_conv){ 62, 1000, 0 }, (1ULL << 62) - 1),
			 999);
}

/* the first TSC at or after ns: converts back to >= ns, its predecessor to < ns */
static void test_inverse(void **state)
{
	static const uint64_t times[] = {
		1, 999, 1000, 1001, 123456789, 0xfffffffe9b2a6f3dULL, 0x7fffffffffffffffULL,
		0x8000000000000000ULL, UINT64_MAX - 6, UINT64_MAX - 1,
	};

	for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		const struct tsc_conv *tc = &valid[i];

		for (size_t j = 0; j < sizeof(times) / sizeof(times[0]); j++) {
			uint64_t ns = times[j], tsc = perf_time_to_tsc(tc, ns);

			if (tsc == UINT64_MAX) {	/* never: no smaller TSC reaches ns */
				if (ref_time(tc, UINT64_MAX - 1) >= ns)
					fail_msg("conv %zu ns %#llx: never, but TSC %#llx reaches it",
						 i, (unsigned long long)ns,
						 (unsigned long long)UINT64_MAX - 1);
				continue;
			}
			if (ref_time(tc, tsc) < ns)
				fail_msg("conv %zu ns %#llx: tsc %#llx converts back to %#llx", i,
					 (unsigned long long)ns, (unsigned long long)tsc,
					 (unsigned long long)ref_time(tc, tsc));
			if (tsc && ref_time(tc, tsc - 1) >= ns)
				fail_msg("conv %zu ns %#llx: tsc %#llx is not the first", i,
					 (unsigned long long)ns, (unsigned long long)tsc);
		}
		assert_int_equal(perf_time_to_tsc(tc, UINT64_MAX), UINT64_MAX);
	}
	assert_int_equal(perf_time_to_tsc(&valid[0], 1000), 1024);
	assert_int_equal(perf_time_to_tsc(&valid[0], 1001), 1026);	/* rounded up */
	/* at or before a positive zero: TSC 0 */
	assert_int_equal(perf_time_to_tsc(&(struct tsc_conv){ 10, 1000, 5000 }, 5000), 0);
	/* the TSC does not fit: never */
	assert_int_equal(perf_time_to_tsc(&(struct tsc_conv){ 63, 1, 0 }, 2), UINT64_MAX);
	/* ns - zero takes 65 bits: exact */
	assert_int_equal(perf_time_to_tsc(&(struct tsc_conv){ 0, 2, UINT64_MAX - 5 },
					  UINT64_MAX - 2), 0x8000000000000002ULL);
	assert_int_equal(perf_time_to_tsc(&(struct tsc_conv){ 0, 1, UINT64_MAX - 5 },
					  UINT64_MAX - 2), UINT64_MAX);
}

static uint64_t xorshift(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* any valid conversion (fixed seed): both directions against the reference */
static void test_random(void **state)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL;

	for (int i = 0; i < 200000; i++) {
		struct tsc_conv tc = { xorshift(&x) % 64, xorshift(&x) % UINT32_MAX + 1,
				       xorshift(&x) };
		uint64_t v = xorshift(&x) >> (xorshift(&x) % 64), tsc;

		if (i % 4 == 0)
			tc.time_mult >>= xorshift(&x) % 32;	/* small ones too */
		tc.time_mult += !tc.time_mult;
		if (v && tsc_to_perf_time(&tc, v) != ref_time(&tc, v))
			fail_msg("shift %llu mult %llu zero %#llx tsc %#llx: %#llx, want %#llx",
				 (unsigned long long)tc.time_shift, (unsigned long long)tc.time_mult,
				 (unsigned long long)tc.time_zero, (unsigned long long)v,
				 (unsigned long long)tsc_to_perf_time(&tc, v),
				 (unsigned long long)ref_time(&tc, v));
		tsc = perf_time_to_tsc(&tc, v);
		if (!v || v == UINT64_MAX)
			continue;	/* time 0 is "no time"; UINT64_MAX "never" */
		if (tsc == UINT64_MAX ? ref_time(&tc, UINT64_MAX - 1) >= v :
		    ref_time(&tc, tsc) < v || (tsc && ref_time(&tc, tsc - 1) >= v))
			fail_msg("shift %llu mult %llu zero %#llx ns %#llx: tsc %#llx",
				 (unsigned long long)tc.time_shift, (unsigned long long)tc.time_mult,
				 (unsigned long long)tc.time_zero, (unsigned long long)v,
				 (unsigned long long)tsc);
	}
}

/* what a TIME_CONV cannot mean: no time at all, not a wrapped one */
static void test_invalid(void **state)
{
	static const struct tsc_conv bad[] = {
		{ 64, 1000, 0 }, { 255, 1000, 0 }, { UINT64_MAX, 1000, 0 },
		{ 10, 0, 0 }, { 10, (uint64_t)UINT32_MAX + 1, 0 }, { 0, UINT64_MAX, 0 },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_false(tsc_conv_valid(&bad[i]));
		assert_int_equal(tsc_to_perf_time(&bad[i], 12345), 0);
		assert_int_equal(tsc_to_perf_time(&bad[i], UINT64_MAX), 0);
		assert_int_equal(perf_time_to_tsc(&bad[i], 12345), UINT64_MAX);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact_or_saturated),
		cmocka_unit_test(test_inverse),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_invalid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
