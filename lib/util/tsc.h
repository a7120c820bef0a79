/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tsc.h - perf clock time <-> TSC by a PERF_RECORD_TIME_CONV's time_shift,
 * time_mult and time_zero (perf's tools/perf/util/tsc.c), defined for any
 * values a file may hold.
 */
#ifndef AUXREC_TSC_H
#define AUXREC_TSC_H

#include <stdbool.h>
#include <stdint.h>

struct tsc_conv {
	uint64_t time_shift;	/* the kernel's is 16 bits; usable below 64 */
	uint64_t time_mult;	/* the kernel's is 32 bits; usable 1..UINT32_MAX */
	uint64_t time_zero;	/* a signed offset (often "negative") */
};

/* Whether tc converts at all: time_shift < 64 and time_mult 1..UINT32_MAX. */
bool tsc_conv_valid(const struct tsc_conv *tc);
/*
 * The perf time of TSC tsc: time_zero + tsc * time_mult / 2^time_shift.
 * 0 (no time) when tc does not convert, tsc is 0 (not known) or the time
 * falls before the perf clock's zero; UINT64_MAX when it does not fit.
 */
uint64_t tsc_to_perf_time(const struct tsc_conv *tc, uint64_t tsc);
/*
 * The first TSC whose perf time is at or after ns: 0 when ns is at or
 * before time_zero; UINT64_MAX (never) when tc does not convert, ns is
 * UINT64_MAX, or the TSC does not fit.
 */
uint64_t perf_time_to_tsc(const struct tsc_conv *tc, uint64_t ns);

#endif
