// SPDX-License-Identifier: GPL-2.0
/*
 * stack_deep.c - a guest test workload for record --seed-stacks: descends
 * DEPTH calls into descend() and sleeps there COUNT times 1 ms, so each of
 * its context switches happens with main and DEPTH descend frames on the
 * stack (tests/vm/t-seed-stacks.sh unwinds the samples taken at them).
 *
 * usage: stack_deep [DEPTH [COUNT [CPU]]]   (defaults 6, 20; CPU: move there
 * first, after exec, so that exec's records and the sleeps' samples are
 * written by different CPUs)
 */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int count = 20;

static int __attribute__((noinline)) descend(int depth)
{
	struct timespec ms = { 0, 1000000 };
	volatile int work = depth;

	if (depth > 0)
		work += descend(depth - 1);	/* not a tail call: the frame stays */
	else
		for (int i = 0; i < count; i++)
			nanosleep(&ms, NULL);
	return work;
}

int main(int argc, char **argv)
{
	int depth = argc > 1 ? atoi(argv[1]) : 6;

	if (argc > 2)
		count = atoi(argv[2]);
	if (argc > 3) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(atoi(argv[3]), &set);
		if (sched_setaffinity(0, sizeof(set), &set)) {
			perror("stack_deep: sched_setaffinity");
			return 1;
		}
	}
	return descend(depth) < 0;
}
