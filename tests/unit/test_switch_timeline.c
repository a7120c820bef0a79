// SPDX-License-Identifier: GPL-2.0
/*
 * test_switch_timeline.c - lib/session/switch_timeline.c: per-CPU switches kept in
 * time order when records arrive slightly out of order, lookups before,
 * at, between and after switches, and a hostile far-back record refused;
 * per-task switches out resolved to the switch in after them (or, with
 * none, before them).
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

	assert_int_equal(switch_timeline_add(&tl, 1, 100, 10, 11, false), 0);
	assert_int_equal(switch_timeline_add(&tl, 1, 300, 30, 31, false), 0);
	assert_int_equal(switch_timeline_add(&tl, 1, 200, 20, 21, false), 0);	/* late record */
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
		assert_int_equal(switch_timeline_add(&tl, 0, 1000 + i, i, i, false), 0);
	/* far older than the newest: refused, the rest stays sorted */
	assert_int_equal(switch_timeline_add(&tl, 0, 1, 5, 5, false), -ERANGE);
	assert_null(switch_timeline_at(&tl, 0, 500, &next));
	assert_int_equal(switch_timeline_at(&tl, 0, 1500, &next)->pid, 500);
	assert_int_equal(switch_timeline_add(&tl, 70000, 1, 1, 1, false), -EINVAL);
	switch_timeline_free(&tl);
}

static void outs(void **unused)
{
	struct switch_timeline tl = { 0 };
	uint64_t next;

	(void)unused;
	assert_int_equal(switch_timeline_add_out(&tl, 0, 50), 0);	/* none in yet */
	assert_null(switch_timeline_at(&tl, 0, 60, &next));
	assert_int_equal(switch_timeline_add(&tl, 0, 100, 10, 11, true), 0);
	assert_int_equal(switch_timeline_add_out(&tl, 0, 200), 0);
	assert_int_equal(switch_timeline_add_out(&tl, 0, 210), 0);	/* out of an untraced one */
	assert_int_equal(switch_timeline_add(&tl, 0, 300, 20, 21, true), 0);
	assert_int_equal(switch_timeline_add_out(&tl, 0, 400), 0);
	/* before the first switch out's next in: the task switched in later */
	assert_int_equal(switch_timeline_at(&tl, 0, 60, &next)->tid, 11);
	assert_int_equal(next, 100);
	assert_int_equal(switch_timeline_at(&tl, 0, 150, &next)->tid, 11);
	assert_int_equal(next, 200);
	/* between the switch out and the next in: that next in's task */
	assert_int_equal(switch_timeline_at(&tl, 0, 200, &next)->tid, 21);
	assert_int_equal(next, 210);
	assert_int_equal(switch_timeline_at(&tl, 0, 250, &next)->tid, 21);
	assert_int_equal(next, 300);
	assert_int_equal(switch_timeline_at(&tl, 0, 300, &next)->tid, 21);
	assert_int_equal(next, 400);
	/* after the last switch out, no switch in: the task before it */
	assert_int_equal(switch_timeline_at(&tl, 0, 500, &next)->tid, 21);
	assert_int_equal(next, UINT64_MAX);
	switch_timeline_free(&tl);
	/* before a CPU's first switch: a per-task switch in's task, a CPU-wide one's not */
	assert_int_equal(switch_timeline_add(&tl, 0, 100, 10, 11, true), 0);
	assert_int_equal(switch_timeline_add(&tl, 1, 100, 10, 11, false), 0);
	assert_int_equal(switch_timeline_at(&tl, 0, 60, &next)->tid, 11);
	assert_int_equal(next, 100);
	assert_null(switch_timeline_at(&tl, 1, 60, &next));
	switch_timeline_free(&tl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lookups),
		cmocka_unit_test(hostile),
		cmocka_unit_test(outs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
