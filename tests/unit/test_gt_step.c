// SPDX-License-Identifier: GPL-2.0
/*
 * test_gt_step.c - the ground-truth tracer's step logic (tests/gt/gt_step.c)
 * on a small hand-assembled code image: a step that ran one instruction, a
 * late trap that also ran a plain instruction, a jcc taken and not taken, a
 * call, a return and an indirect jump, and landings that no determined flow
 * of two instructions explains.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "gt_step.h"

#define BASE 0x1000

static const uint8_t code[] = {
	0x0f, 0xa2,			/* 1000 cpuid */
	0x90,				/* 1002 nop */
	0x74, 0x03,			/* 1003 je 1008 */
	0x90,				/* 1005 nop */
	0x90,				/* 1006 nop */
	0x90,				/* 1007 nop */
	0xe8, 0x03, 0x00, 0x00, 0x00,	/* 1008 call 1010 */
	0xc3,				/* 100d ret */
	0xff, 0xe0,			/* 100e jmp *%rax */
	0x90,				/* 1010 nop */
	0x0f, 0xa2,			/* 1011 cpuid */
	0xc3,				/* 1013 ret */
	0x0f, 0xa2,			/* 1014 cpuid */
	0xff, 0xe0,			/* 1016 jmp *%rax */
	0x74, 0x01,			/* 1018 je 101b */
	0xc3,				/* 101a ret */
	0xc3,				/* 101b ret */
	0xeb, 0xe2,			/* 101c jmp 1000 */
};

static int decode(void *ctx, uint64_t ip, struct x86_insn *insn)
{
	if (ip < BASE || ip >= BASE + sizeof(code))
		return -1;
	return x86_insn_decode(code + (ip - BASE), sizeof(code) - (ip - BASE),
			       ip, X86_MODE_64, insn);
}

static enum gt_step check(uint64_t from, uint64_t landed, uint64_t *between)
{
	*between = 0;
	return gt_step_check(decode, NULL, from, landed, between);
}

static void test_one_instruction(void **state)
{
	uint64_t mid;

	assert_int_equal(check(0x1000, 0x1002, &mid), GT_STEP_ONE);
	assert_int_equal(check(0x1003, 0x1008, &mid), GT_STEP_ONE);
	assert_int_equal(check(0x1003, 0x1005, &mid), GT_STEP_ONE);
	assert_int_equal(check(0x1008, 0x1010, &mid), GT_STEP_ONE);
	assert_int_equal(check(0x100d, 0x4242, &mid), GT_STEP_ONE);
	assert_int_equal(check(0x100e, 0x4242, &mid), GT_STEP_ONE);
	assert_int_equal(mid, 0);
}

static void test_late_plain(void **state)
{
	uint64_t mid;

	assert_int_equal(check(0x1000, 0x1003, &mid), GT_STEP_TWO);
	assert_int_equal(mid, 0x1002);
}

static void test_late_jcc(void **state)
{
	uint64_t mid;

	assert_int_equal(check(0x1002, 0x1008, &mid), GT_STEP_TWO);	/* taken */
	assert_int_equal(mid, 0x1003);
	assert_int_equal(check(0x1002, 0x1005, &mid), GT_STEP_TWO);	/* not */
	assert_int_equal(mid, 0x1003);
	/* the jcc at from: its way is the one whose successor is landed */
	assert_int_equal(check(0x1003, 0x1006, &mid), GT_STEP_TWO);
	assert_int_equal(mid, 0x1005);
}

static void test_late_call_return_indirect(void **state)
{
	uint64_t mid;

	assert_int_equal(check(0x1007, 0x1010, &mid), GT_STEP_TWO);
	assert_int_equal(mid, 0x1008);
	assert_int_equal(check(0x1011, 0x7777, &mid), GT_STEP_TWO);
	assert_int_equal(mid, 0x1013);
	assert_int_equal(check(0x1014, 0x8888, &mid), GT_STEP_TWO);
	assert_int_equal(mid, 0x1016);
	/* a direct jump at from, a plain instruction at its target */
	assert_int_equal(check(0x101c, 0x1002, &mid), GT_STEP_TWO);
	assert_int_equal(mid, 0x1000);
}

static void test_not_explained(void **state)
{
	uint64_t mid;

	/* three instructions further */
	assert_int_equal(check(0x1000, 0x1005, &mid), GT_STEP_BAD);
	/* a call that went elsewhere after a plain instruction */
	assert_int_equal(check(0x1007, 0x1011, &mid), GT_STEP_BAD);
	/* both ways of the jcc end in a return: not determined */
	assert_int_equal(check(0x1018, 0x9999, &mid), GT_STEP_BAD);
	/* after a return the next instruction is unknown */
	assert_int_equal(gt_step_check(decode, NULL, 0x9999, 0x1000, &mid),
			 GT_STEP_CANNOT_DECODE);
	assert_int_equal(mid, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_instruction),
		cmocka_unit_test(test_late_plain),
		cmocka_unit_test(test_late_jcc),
		cmocka_unit_test(test_late_call_return_indirect),
		cmocka_unit_test(test_not_explained),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
