/* SPDX-License-Identifier: GPL-2.0 */
/*
 * event_filter.h - which decoded events (and samples) a decoding command
 * shows, as perf script and perf report select them: by process id, thread
 * id, CPU, thread name, and a perf time range (lib/session/event_filter.c).
 * Every condition given must hold; a condition not given holds.
 */
#ifndef AUXREC_EVENT_FILTER_H
#define AUXREC_EVENT_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct event_filter {
	int *pids, *tids, *cpus;	/* sorted; NULL: any */
	size_t nr_pids, nr_tids, nr_cpus;
	char **comms;			/* NULL: any */
	size_t nr_comms;
	bool timed;			/* a --time range was given */
	uint64_t time_start, time_end;	/* perf clock ns, both included */
};

/*
 * The option values, each parsed into f: "PID[,PID...]", "TID[,...]",
 * "CPU-LIST" (0-3,5), "COMM[,COMM...]", and "START,STOP" in seconds with up
 * to nine decimals (perf's --time; either may be left out: "10.5," or
 * ",12"). Given twice, the second replaces the first. Returns 0, -EINVAL
 * for a bad value, or -ENOMEM.
 */
int event_filter_pids(struct event_filter *f, const char *s);
int event_filter_tids(struct event_filter *f, const char *s);
int event_filter_cpus(struct event_filter *f, const char *s);
int event_filter_comms(struct event_filter *f, const char *s);
int event_filter_time(struct event_filter *f, const char *s);

void event_filter_free(struct event_filter *f);

/* Whether f has a condition at all. */
bool event_filter_set(const struct event_filter *f);

/*
 * Whether an event of thread tid of process pid (-1: unknown, which no
 * list matches), on cpu (-1: a per-thread buffer's), named comm (NULL:
 * unknown), passes f's conditions on its owner.
 */
bool event_filter_owner(const struct event_filter *f, int pid, int tid, int cpu,
			const char *comm);

/*
 * Whether perf time `time` passes f's range (as perf's --time: an event
 * without a time, 0, passes only a range without a start).
 */
static inline bool event_filter_in_time(const struct event_filter *f, uint64_t time)
{
	return !f->timed || (time >= f->time_start && time <= f->time_end);
}

/* Both: whether an event of that owner at perf time `time` passes f. */
static inline bool event_filter_match(const struct event_filter *f, int pid, int tid, int cpu,
				      const char *comm, uint64_t time)
{
	return event_filter_owner(f, pid, tid, cpu, comm) && event_filter_in_time(f, time);
}

#endif
