// SPDX-License-Identifier: GPL-2.0
/*
 * test_switch_timeline.c - lib/session/switch_timeline.c: per-CPU switches kept in
 * time order when records arrive slightly out of order, lookups before,
 * at, between and after switches, and a hostile far-back record refused.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "lib/session/switch_timeline.h"

static void lookups(void **unused)
{
	struct switch_timeline tl = { 0 };
	const struct switch_in *in;
	uint64_t next;

	assert_int_equal(switch_timeline_add(&tl, 1, 100, 10, 11), 0);
	assert_int_equal(switch_timeline_add(&tl, 1, 300, 30, 31), 0);
	assert_int_equal(switch_timeline_add(&tl, 1, 200, 20, 21), 0);	/* late record */
	assert_false(switch_timeline_has(&tl, 0));
	assert_false(switch_timeline_has(&tl, -1));
	assert_false(switch_timeline_has(&tl, 7));
	assert_true(switch_timeline_has(&tl, 1));

	assert_null(switch_timeline_at(&tl, 1, 99, &next));
	assert_int_equal(next, 100);
	in = switch_timeline_at(&tl, 1, 100, &next);
	assert_non_null(in);
	assert_int_equal(in->pid, 10);
	assert_int_equal(next, 200);
	in = switch_timeline_at(&tl, 1, 250, &next);
	assert_int_equal(in->pid, 20);
	assert_int_equal(in->tid, 21);
	assert_int_equal(next, 300);
	in = switch_timeline_at(&tl, 1, 1000, &next);
	assert_int_equal(in->pid, 30);
	assert_int_equal(next, UINT64_MAX);
	assert_null(switch_timeline_at(&tl, 0, 1000, &next));
	assert_int_equal(next, UINT64_MAX);
	switch_timeline_free(&tl);
}

static void hostile(void **unused)
{
	struct switch_timeline tl = { 0 };
	uint64_t next;

	for (int i = 0; i < 1000; i++)
		assert_int_equal(switch_timeline_add(&tl, 0, 1000 + i, i, i), 0);
	/* far older than the newest: refused, the rest stays sorted */
	assert_int_equal(switch_timeline_add(&tl, 0, 1, 5, 5), -ERANGE);
	assert_null(switch_timeline_at(&tl, 0, 500, &next));
	assert_int_equal(switch_timeline_at(&tl, 0, 1500, &next)->pid, 500);
	assert_int_equal(switch_timeline_add(&tl, 70000, 1, 1, 1), -EINVAL);
	switch_timeline_free(&tl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lookups),
		cmocka_unit_test(hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
