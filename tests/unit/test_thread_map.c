// SPDX-License-Identifier: GPL-2.0
/*
 * test_thread_map.c - lib/session/thread_map.c: a thread's names by time
 * (an exec or a rename during the trace, records a little out of order),
 * a forked thread starting with its parent's name at the fork, a child's
 * exec recorded before its fork, records without time, and names going
 * far back in a hostile file.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "lib/session/thread_map.h"

static void names_by_time(void **unused)
{
	struct thread_map m = { 0 };
	uint64_t next;

	assert_int_equal(thread_map_set_comm(&m, 7, 7, "sh", 16, 100), 0);
	assert_int_equal(thread_map_set_comm(&m, 7, 7, "prog", 16, 300), 0);
	assert_int_equal(thread_map_set_comm(&m, 7, 7, "worker", 16, 200), 0);	/* late */
	/* the names they had then already: no change */
	assert_int_equal(thread_map_set_comm(&m, 7, 7, "prog", 16, 350), 0);
	assert_int_equal(thread_map_set_comm(&m, 7, 7, "sh", 16, 150), 0);
	/* the latest by time, not the last given */
	assert_string_equal(thread_map_comm(&m, 7), "prog");
	assert_string_equal(thread_map_comm_at(&m, 7, 0, &next), "prog");
	assert_int_equal(next, UINT64_MAX);
	/* before the first name: the first */
	assert_string_equal(thread_map_comm_at(&m, 7, 50, &next), "sh");
	assert_int_equal(next, 200);
	assert_string_equal(thread_map_comm_at(&m, 7, 100, &next), "sh");
	assert_int_equal(next, 200);
	assert_string_equal(thread_map_comm_at(&m, 7, 199, NULL), "sh");
	assert_string_equal(thread_map_comm_at(&m, 7, 200, &next), "worker");
	assert_int_equal(next, 300);
	assert_string_equal(thread_map_comm_at(&m, 7, 300, &next), "prog");
	assert_int_equal(next, UINT64_MAX);
	assert_null(thread_map_comm_at(&m, 8, 300, &next));
	assert_int_equal(next, UINT64_MAX);
	/* at most 15 characters, as the kernel's TASK_COMM_LEN */
	assert_int_equal(thread_map_set_comm(&m, 9, 9, "a-name-of-twenty-chars", 22, 10), 0);
	assert_string_equal(thread_map_comm_at(&m, 9, 10, NULL), "a-name-of-twent");
	thread_map_free(&m);
}

/*
 * A child's exec record comes before its FORK in the file (two CPUs'
 * records in one round), then it renames itself back to its parent's
 * name: each name counts from its own time.
 */
static void records_out_of_order(void **unused)
{
	struct thread_map m = { 0 };

	assert_int_equal(thread_map_set_comm(&m, 19, 19, "bash", 16, 1), 0);
	assert_int_equal(thread_map_set_comm(&m, 21, 21, "ls", 16, 10), 0);
	assert_int_equal(thread_map_fork(&m, 21, 21, 19, 5), 0);
	assert_string_equal(thread_map_comm(&m, 21), "ls");
	assert_string_equal(thread_map_comm_at(&m, 21, 7, NULL), "bash");
	assert_int_equal(thread_map_set_comm(&m, 21, 21, "bash", 16, 30), 0);
	assert_string_equal(thread_map_comm_at(&m, 21, 20, NULL), "ls");
	assert_string_equal(thread_map_comm_at(&m, 21, 40, NULL), "bash");
	assert_string_equal(thread_map_comm(&m, 21), "bash");
	thread_map_free(&m);
}

static void fork_takes_the_name_at_its_time(void **unused)
{
	struct thread_map m = { 0 };

	assert_int_equal(thread_map_set_comm(&m, 10, 10, "bash", 16, 100), 0);
	assert_int_equal(thread_map_set_comm(&m, 10, 10, "bash2", 16, 500), 0);
	assert_int_equal(thread_map_fork(&m, 11, 11, 10, 200), 0);
	assert_int_equal(thread_map_set_comm(&m, 11, 11, "ls", 16, 300), 0);	/* exec */
	assert_int_equal(thread_map_pid(&m, 11), 11);
	assert_string_equal(thread_map_comm_at(&m, 11, 250, NULL), "bash");
	assert_string_equal(thread_map_comm_at(&m, 11, 300, NULL), "ls");
	assert_string_equal(thread_map_comm(&m, 11), "ls");
	/* a parent without a name gives none */
	assert_int_equal(thread_map_fork(&m, 12, 12, 99, 200), 0);
	assert_null(thread_map_comm_at(&m, 12, 200, NULL));
	thread_map_free(&m);
}

static void records_without_time(void **unused)
{
	struct thread_map m = { 0 };

	/* no sample id: time 0, in the order given; the latest at any time */
	assert_int_equal(thread_map_set_comm(&m, 3, 3, "one", 16, 0), 0);
	assert_int_equal(thread_map_set_comm(&m, 3, 3, "two", 16, 0), 0);
	assert_string_equal(thread_map_comm_at(&m, 3, 1000, NULL), "two");
	thread_map_free(&m);
}

static void hostile_names(void **unused)
{
	struct thread_map m = { 0 };
	char name[16];

	/* 100,000 names going back in time: bounded work, every lookup answers */
	for (int i = 0; i < 100000; i++) {
		snprintf(name, sizeof(name), "n%d", i);
		assert_int_equal(thread_map_set_comm(&m, 5, 5, name, sizeof(name),
						     1000000 - (uint64_t)i), 0);
	}
	assert_string_equal(thread_map_comm(&m, 5), "n0");	/* the latest by time */
	assert_non_null(thread_map_comm_at(&m, 5, 1, NULL));
	assert_non_null(thread_map_comm_at(&m, 5, 950000, NULL));
	thread_map_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_by_time),
		cmocka_unit_test(records_out_of_order),
		cmocka_unit_test(fork_takes_the_name_at_its_time),
		cmocka_unit_test(records_without_time),
		cmocka_unit_test(hostile_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
