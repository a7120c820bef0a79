/* SPDX-License-Identifier: GPL-2.0 */
/*
 * thread_map.h - each thread of a recording: the process it belongs to and
 * its name, from the COMM and FORK records (perf's struct thread): a trace
 * naming a thread (a context ID, a CONTEXT packet) finds its process as
 * perf's machine__find_thread() does, and events print the thread's name
 * (threads may name themselves: prctl(PR_SET_NAME)) as perf script does:
 * the name the thread had at the event's time (an exec or a rename during
 * the trace changes it from its time on, as perf, which reads the sideband
 * in time order, prints it).
 */
#ifndef AUXREC_THREAD_MAP_H
#define AUXREC_THREAD_MAP_H

#include <stddef.h>
#include <stdint.h>
#include "lib/util/slot_index.h"

/* A name a thread took, from time on (0: a record without time). */
struct thread_name {
	uint64_t time;
	const char *comm;
};

struct thread_pid {
	int tid, pid;
	/*
	 * every name it had (NUL-terminated, at most 15 chars), by time, ties
	 * in the order given; none: unknown
	 */
	struct thread_name *names;
	size_t nr_names, cap_names;
};

struct thread_map {
	struct thread_pid *v;
	size_t nr, cap;
	struct slot_index index;	/* of v by tid */
	/* every name given, each allocated once: pointers stay valid until freed */
	char **names;
	size_t nr_names, cap_names;
};

/*
 * A COMM record: tid of pid is named name (len bytes at most) from time
 * on (0: not known). Returns 0 or -ENOMEM.
 */
int thread_map_set_comm(struct thread_map *m, int tid, int pid, const char *name, size_t len,
			uint64_t time);
/* A FORK record at time: tid of pid, made by thread ptid, starts with ptid's name. */
int thread_map_fork(struct thread_map *m, int tid, int pid, int ptid, uint64_t time);
/* The pid of tid, or -1 when no record named the thread. */
int thread_map_pid(const struct thread_map *m, int tid);
/*
 * The name of tid, or NULL when none is known. The string stays valid until
 * thread_map_free(), whatever is added meanwhile.
 */
const char *thread_map_comm(const struct thread_map *m, int tid);
/*
 * The name tid had at time (0: the latest, as thread_map_comm()): the last
 * it took at or before time, else the first it is known by. *next (when
 * not NULL) gets the time of its next name after that one, UINT64_MAX
 * when none follows (or time is 0).
 */
const char *thread_map_comm_at(const struct thread_map *m, int tid, uint64_t time,
			       uint64_t *next);
void thread_map_free(struct thread_map *m);

#endif
