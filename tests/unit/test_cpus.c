// SPDX-License-Identifier: GPL-2.0
/*
 * test_cpus.c - lib/util/cpus.c: usable_cpus() counts the CPUs of the
 * affinity mask (as taskset or a cpuset sets it), not the online ones:
 * the whole mask, then one CPU of it, then two when there are two.
 */
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "lib/util/cpus.h"

/* The process's mask, restored after each test. */
static cpu_set_t saved;

static int save_mask(void **state)
{
	(void)state;
	return sched_getaffinity(0, sizeof(saved), &saved);
}

static int restore_mask(void **state)
{
	(void)state;
	return sched_setaffinity(0, sizeof(saved), &saved);
}

/* The n-th CPU of the saved mask, or -1. */
static int nth_cpu(int n)
{
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &saved) && !n--)
			return c;
	return -1;
}

static void whole_mask(void **state)
{
	(void)state;
	assert_int_equal(usable_cpus(), CPU_COUNT(&saved));
	assert_true(usable_cpus() >= 1);
}

static void narrowed(void **state)
{
	cpu_set_t set;

	(void)state;
	CPU_ZERO(&set);
	CPU_SET(nth_cpu(0), &set);
	assert_int_equal(sched_setaffinity(0, sizeof(set), &set), 0);
	assert_int_equal(usable_cpus(), 1);
	if (nth_cpu(1) < 0)
		return;	/* one CPU: nothing more to narrow to */
	CPU_SET(nth_cpu(1), &set);
	assert_int_equal(sched_setaffinity(0, sizeof(set), &set), 0);
	assert_int_equal(usable_cpus(), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(whole_mask, save_mask, restore_mask),
		cmocka_unit_test_setup_teardown(narrowed, save_mask, restore_mask),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
