/* SPDX-License-Identifier: GPL-2.0 */
/*
 * thread_map.h - which process each thread of a recording belongs to, from
 * the COMM and FORK records (pid and tid of each), so that a trace naming
 * a thread (a context ID, a CONTEXT packet) finds its process as perf's
 * machine__find_thread() does.
 */
#ifndef AUXREC_THREAD_MAP_H
#define AUXREC_THREAD_MAP_H

#include <stddef.h>
#include "lib/util/slot_index.h"

struct thread_pid {
	int tid, pid;
};

struct thread_map {
	struct thread_pid *v;
	size_t nr, cap;
	struct slot_index index;	/* of v by tid */
};

/* tid belongs to pid from now on (a later record wins). Returns 0 or -ENOMEM. */
int thread_map_set(struct thread_map *m, int tid, int pid);
/* The pid of tid, or -1 when no record named the thread. */
int thread_map_pid(const struct thread_map *m, int tid);
void thread_map_free(struct thread_map *m);

#endif
