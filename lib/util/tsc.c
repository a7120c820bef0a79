// SPDX-License-Identifier: GPL-2.0
/*
 * tsc.c - perf clock time <-> TSC (see tsc.h). perf's quotient/remainder
 * split (tools/perf/util/tsc.c) keeps the products small for the kernel's
 * values; here every step is also exact or saturated for any time_shift
 * below 64 and 32-bit time_mult, so a hostile TIME_CONV gives times that
 * are wrong but never wrapped, and never undefined shifts.
 */
#include "tsc.h"

bool tsc_conv_valid(const struct tsc_conv *tc)
{
	return tc->time_shift < 64 && tc->time_mult && tc->time_mult <= UINT32_MAX;
}

static uint64_t add_sat(uint64_t a, uint64_t b)
{
	return a + b < a ? UINT64_MAX : a + b;
}

/* a * mult / 2^shift, rounded down, for a < 2^shift: exact, below mult. */
static uint64_t mul_shr(uint64_t a, uint64_t mult, unsigned int shift)
{
	uint64_t hi, lo;

	if (shift <= 32)
		return a * mult >> shift;	/* a < 2^32 */
	/* a * mult = hi * 2^32 + lo, hi < 2^shift */
	hi = (a >> 32) * mult;
	lo = (a & 0xffffffff) * mult;
	return (hi + (lo >> 32)) >> (shift - 32);
}

/* a * 2^shift / mult, rounded up, for a < mult: exact, at most 2^shift. */
static uint64_t shl_div_up(uint64_t a, uint64_t mult, unsigned int shift)
{
	uint64_t q = 0;

	while (shift) {		/* 32 bits at a time: a < mult < 2^32 */
		unsigned int k = shift < 32 ? shift : 32;

		a <<= k;
		q = (q << k) + a / mult;
		a %= mult;
		shift -= k;
	}
	return q + (a != 0);
}

uint64_t tsc_to_perf_time(const struct tsc_conv *tc, uint64_t tsc)
{
	unsigned int shift = tc->time_shift;
	uint64_t quot, rem, mult = tc->time_mult, zero = tc->time_zero;
	uint64_t p_lo, p_hi, lo, hi, t;

	if (!tsc_conv_valid(tc) || !tsc)
		return 0;
	quot = tsc >> shift;
	rem = tsc & ((1ULL << shift) - 1);
	/* hi:lo = quot * mult + rem * mult / 2^shift, 128 bits: mult < 2^32 */
	p_lo = (quot & 0xffffffff) * mult;
	p_hi = (quot >> 32) * mult;
	lo = p_lo + (p_hi << 32);
	hi = (p_hi >> 32) + (lo < p_lo);
	t = lo + mul_shr(rem, mult, shift);
	hi += t < lo;
	/* + time_zero, a signed offset (perf wraps a "negative" one) */
	if ((int64_t)zero >= 0) {
		lo = t + zero;
		hi += lo < t;
	} else {
		lo = t - -zero;
		if (t < -zero && !hi--)
			return 0;	/* before the perf clock's zero: no time */
	}
	return hi ? UINT64_MAX : lo;
}

uint64_t perf_time_to_tsc(const struct tsc_conv *tc, uint64_t ns)
{
	unsigned int shift = tc->time_shift;
	uint64_t mult = tc->time_mult, zero = tc->time_zero, t, quot, rem, more;
	bool carry = false;

	if (!tsc_conv_valid(tc) || ns == UINT64_MAX)
		return UINT64_MAX;
	/* t = ns - time_zero: 65 bits (carry) when time_zero is "negative" */
	if ((int64_t)zero >= 0) {
		if (ns <= zero)
			return 0;
		t = ns - zero;
	} else {
		t = ns + -zero;
		carry = t < ns;
	}
	quot = t / mult;
	rem = t % mult;
	if (carry) {	/* 2^64 = (UINT64_MAX / mult) * mult + UINT64_MAX % mult + 1 */
		rem += UINT64_MAX % mult + 1;
		more = UINT64_MAX / mult + rem / mult;
		rem %= mult;
		if (more < UINT64_MAX / mult || quot + more < quot)
			return UINT64_MAX;	/* a quotient of 65 bits */
		quot += more;
	}
	if (shift && quot >> (64 - shift))
		return UINT64_MAX;
	return add_sat(quot << shift, shl_div_up(rem, mult, shift));
}
