/* SPDX-License-Identifier: GPL-2.0 */
/*
 * switch_timeline.h - which task ran on each CPU when, from the CPU-wide
 * context switch records of a recording (PERF_RECORD_SWITCH_CPU_WIDE with
 * their sample ids). A decoder of a
 * per-CPU trace buffer asks it which process owns the code at a given
 * trace time, as perf does when it applies switch events in time order.
 */
#ifndef AUXREC_SWITCH_TIMELINE_H
#define AUXREC_SWITCH_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct switch_in {
	uint64_t time;		/* perf clock ns */
	int32_t pid, tid;
};

struct switch_cpu {
	struct switch_in *v;
	size_t nr, cap;
};

struct switch_timeline {
	struct switch_cpu *cpus;	/* indexed by cpu */
	size_t nr_cpus;
};

/*
 * Notes that pid/tid was switched in on cpu at time. Returns 0, -ENOMEM,
 * or -ERANGE for a switch far older than the cpu's newest (not kept).
 */
int switch_timeline_add(struct switch_timeline *tl, uint32_t cpu, uint64_t time, int32_t pid,
			int32_t tid);
/* Whether any switch was seen on cpu. */
bool switch_timeline_has(const struct switch_timeline *tl, int32_t cpu);
/*
 * The last switch on cpu at or before time, or NULL when there is none;
 * *next gets the time of the switch after it (UINT64_MAX when none).
 */
const struct switch_in *switch_timeline_at(const struct switch_timeline *tl, int32_t cpu,
					   uint64_t time, uint64_t *next);
void switch_timeline_free(struct switch_timeline *tl);

#endif
