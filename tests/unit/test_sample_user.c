// SPDX-License-Identifier: GPL-2.0
/*
 * test_sample_user.c - pd_sample_user_parse(): the REGS_USER and STACK_USER
 * fields of a PERF_RECORD_SAMPLE found behind the fields the kernel writes
 * before them (ids, PERIOD, CALLCHAIN, RAW), registers by perf_regs.h
 * number, every truncation of a record refused (run under SANITIZE=1 for
 * reads past the end), and samples whose layout is not walked refused.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "lib/perf_data/perf_data.h"

#define MASK	((1ULL << 7) | (1ULL << 8))	/* SP, IP */

static uint64_t words[64];

/* header, IDENTIFIER, IP, TID, PERIOD, CALLCHAIN (2), RAW (12 bytes), regs, 16 bytes of stack */
static size_t build(struct perf_event_attr *a, uint64_t abi, uint64_t dyn)
{
	size_t n = 1;
	uint32_t raw = 12;

	memset(a, 0, sizeof(*a));
	a->sample_type = PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_IP | PERF_SAMPLE_TID |
			 PERF_SAMPLE_PERIOD | PERF_SAMPLE_CALLCHAIN | PERF_SAMPLE_RAW |
			 PERF_SAMPLE_REGS_USER | PERF_SAMPLE_STACK_USER;
	a->sample_regs_user = MASK;
	memset(words, 0, sizeof(words));
	words[n++] = 101;		/* identifier */
	words[n++] = 0xffffffff81000000ULL;	/* ip (kernel: the switch) */
	words[n++] = 5ULL << 32 | 5;	/* pid, tid */
	words[n++] = 1;			/* period */
	words[n++] = 2;			/* callchain nr */
	words[n++] = 0xfffffffffffffe00ULL;
	words[n++] = 0xffffffff81000000ULL;
	memcpy(&words[n], &raw, 4);	/* raw: u32 size, then 12 bytes: 16 in all */
	n += 2;
	words[n++] = abi;
	if (abi) {
		words[n++] = 0x7ffc0000;	/* SP */
		words[n++] = 0x401234;		/* IP */
	}
	words[n++] = 16;		/* stack size */
	words[n++] = 0x1111;
	words[n++] = 0x2222;
	words[n++] = dyn;
	{
		struct perf_event_header h = { .type = PERF_RECORD_SAMPLE, .size = (uint16_t)(n * 8) };

		memcpy(words, &h, sizeof(h));
	}
	return n * 8;
}

static void parses_regs_and_stack(void **state)
{
	struct perf_event_attr a;
	size_t size = build(&a, PERF_SAMPLE_REGS_ABI_64, 8);
	struct pd_sample_user u;
	uint64_t v;

	assert_int_equal(pd_sample_user_parse(words, size, &a, &u), 0);
	assert_int_equal(u.abi, PERF_SAMPLE_REGS_ABI_64);
	assert_int_equal(u.nr_regs, 2);
	assert_true(pd_sample_user_reg(&u, 7, &v));
	assert_int_equal(v, 0x7ffc0000);
	assert_true(pd_sample_user_reg(&u, 8, &v));
	assert_int_equal(v, 0x401234);
	assert_false(pd_sample_user_reg(&u, 0, &v));	/* AX: not in the mask */
	assert_false(pd_sample_user_reg(&u, 200, &v));
	assert_int_equal(u.stack_size, 16);
	assert_int_equal(u.dyn_size, 8);
	memcpy(&v, u.stack, 8);
	assert_int_equal(v, 0x1111);
}

static void no_regs_for_abi_none(void **state)
{
	struct perf_event_attr a;
	size_t size = build(&a, PERF_SAMPLE_REGS_ABI_NONE, 16);
	struct pd_sample_user u;
	uint64_t v;

	assert_int_equal(pd_sample_user_parse(words, size, &a, &u), 0);
	assert_null(u.regs);
	assert_false(pd_sample_user_reg(&u, 7, &v));
	assert_int_equal(u.dyn_size, 16);
}

static void dyn_size_clamped(void **state)
{
	struct perf_event_attr a;
	size_t size = build(&a, PERF_SAMPLE_REGS_ABI_64, 1 << 20);
	struct pd_sample_user u;

	assert_int_equal(pd_sample_user_parse(words, size, &a, &u), 0);
	assert_int_equal(u.dyn_size, 16);
}

static void every_truncation_refused(void **state)
{
	struct perf_event_attr a;
	size_t size = build(&a, PERF_SAMPLE_REGS_ABI_64, 8);
	struct pd_sample_user u;

	for (size_t cut = 0; cut < size; cut++)
		assert_int_equal(pd_sample_user_parse(words, cut, &a, &u), -EINVAL);
	/* a callchain count larger than the record */
	words[5] = 1ULL << 60;
	assert_int_equal(pd_sample_user_parse(words, size, &a, &u), -EINVAL);
}

static void other_layouts_refused(void **state)
{
	struct perf_event_attr a;
	size_t size = build(&a, PERF_SAMPLE_REGS_ABI_64, 8);
	struct pd_sample_user u;

	a.sample_type |= PERF_SAMPLE_READ;
	assert_int_equal(pd_sample_user_parse(words, size, &a, &u), -EOPNOTSUPP);
	a.sample_type = PERF_SAMPLE_IP;
	assert_int_equal(pd_sample_user_parse(words, size, &a, &u), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_regs_and_stack),
		cmocka_unit_test(no_regs_for_abi_none),
		cmocka_unit_test(dyn_size_clamped),
		cmocka_unit_test(every_truncation_refused),
		cmocka_unit_test(other_layouts_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
