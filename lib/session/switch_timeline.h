/* SPDX-License-Identifier: GPL-2.0 */
/*
 * switch_timeline.h - which task ran on each CPU when, from the context
 * switch records of a recording (PERF_RECORD_SWITCH_CPU_WIDE, and the
 * per-task PERF_RECORD_SWITCH of an inheriting event, with their sample
 * ids). A decoder of a per-CPU trace buffer asks it which process owns
 * the code at a given trace time, as perf does when it applies switch
 * events in time order.
 */
#ifndef AUXREC_SWITCH_TIMELINE_H
#define AUXREC_SWITCH_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct switch_in {
	uint64_t time;		/* perf clock ns */
	int32_t pid, tid;	/* SWITCH_NEXT_IN: a switch out (switch_timeline_add_out()) */
	bool per_task;		/* a per-task event's (PERF_RECORD_SWITCH) */
};

#define SWITCH_NEXT_IN	(-2)

struct switch_cpu {
	struct switch_in *v;
	size_t nr, cap;
};

struct switch_timeline {
	struct switch_cpu *cpus;	/* indexed by cpu */
	size_t nr_cpus;
};

/*
 * Notes that pid/tid was switched in on cpu at time, by a CPU-wide event's
 * record or (per_task) a per-task one's. Returns 0, -ENOMEM, or -ERANGE
 * for a switch far older than the cpu's newest (not kept).
 */
int switch_timeline_add(struct switch_timeline *tl, uint32_t cpu, uint64_t time, int32_t pid,
			int32_t tid, bool per_task);
/*
 * Notes that a task of a per-task event was switched out on cpu at time,
 * with no word of the next one (PERF_RECORD_SWITCH has no next_prev
 * fields): the cpu's trace from then on is the task switched in next. A
 * kernel enables the next task's events before it writes that task's
 * switch in (__perf_event_task_sched_in()), so the first trace of its
 * turn is timed before its switch in, but after this switch out (written
 * before the outgoing task's events are disabled). Returns as
 * switch_timeline_add().
 */
int switch_timeline_add_out(struct switch_timeline *tl, uint32_t cpu, uint64_t time);
/* Whether any switch was seen on cpu. */
bool switch_timeline_has(const struct switch_timeline *tl, int32_t cpu);
/*
 * The task that ran on cpu at time: the last switch in at or before time,
 * or, after a switch out, the next switch in (or, with none after it, the
 * one before it); before the cpu's first switch, when that is a per-task
 * switch in, its task (its trace began before it); otherwise NULL. *next
 * gets the time of the switch after the last one at or before time
 * (UINT64_MAX when none).
 */
const struct switch_in *switch_timeline_at(const struct switch_timeline *tl, int32_t cpu,
					   uint64_t time, uint64_t *next);
void switch_timeline_free(struct switch_timeline *tl);

#endif
