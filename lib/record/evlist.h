/* SPDX-License-Identifier: GPL-2.0 */
/*
 * evlist.h - the events of a recording: one perf_event_open() per cpu or per
 * thread, their rings, ids, enable/disable, and errno explanations.
 */
#ifndef AUXREC_EVLIST_H
#define AUXREC_EVLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/perf_event.h>
#include "ring.h"

struct evlist {
	struct perf_event_attr attr;
	int nr;			/* events opened, each with its own ring */
	int *fds;
	uint64_t *ids;
	int *cpus;		/* cpu of each event, -1 per-thread */
	int *tids;		/* tid of each event, -1 per-cpu */
	struct ring *rings;
	bool mapped;
	bool aux_overwrite;	/* set before evlist_mmap: AUX areas read-only (snapshot mode) */
	/*
	 * The tracking event (evlist_open_tracking), perf's dummy carrying the
	 * sideband: one per event, same cpu and task, writing into its ring.
	 */
	struct perf_event_attr track_attr;
	int *track_fds;		/* nr of them when opened, else NULL */
	uint64_t *track_ids;
};

int sys_perf_event_open(struct perf_event_attr *attr, pid_t pid, int cpu, int group,
			unsigned long flags);

/* Online cpus from /sys/devices/system/cpu/online. */
int cpu_list_online(int **cpus);
/* Thread ids of a process from /proc/PID/task; -ESRCH when it does not exist. */
int thread_list(pid_t pid, int **tids);

/*
 * Opens attr once per (cpu, tid) pair: per-cpu (nr_tids == 0: tid -1 on
 * each cpu, or pid given in single_pid on each cpu) or per-thread (nr_cpus
 * == 0: each tid on cpu -1). On failure explains why in err.
 */
int evlist_open(struct evlist *el, const struct perf_event_attr *attr, const int *cpus,
		int nr_cpus, const int *tids, int nr_tids, pid_t single_pid,
		const char *pmu_name, char *err, size_t errlen);
int evlist_mmap(struct evlist *el, size_t data_pages, size_t aux_pages, const char *pmu_name,
		char *err, size_t errlen);
/*
 * Records the kernel could not write to the events' data rings (with
 * PERF_FORMAT_LOST in read_format; 0 without), including those no
 * PERF_RECORD_LOST ever reported.
 */
uint64_t evlist_kernel_lost(const struct evlist *el);
/*
 * Opens attr (a sideband event such as perf's dummy tracking event) next to
 * each mapped event, on its cpu and task, its records going into that
 * event's ring (PERF_EVENT_IOC_SET_OUTPUT). After evlist_mmap.
 */
int evlist_open_tracking(struct evlist *el, const struct perf_event_attr *attr, char *err,
			 size_t errlen);
/* Enable or disable every event, the tracking ones included. */
int evlist_enable(struct evlist *el);
int evlist_disable(struct evlist *el);
/* Stop or restart the AUX events only (a snapshot): the sideband goes on. */
int evlist_pause_aux(struct evlist *el, bool pause);
void evlist_close(struct evlist *el);

/* One line saying why perf_event_open failed with -err and what to change. */
void evlist_explain_open_error(int err, const char *pmu_name, pid_t pid, int cpu,
			       char *buf, size_t len);

/*
 * Whether PMU type can write an AUX area: opens a disabled event and maps a
 * small AUX area. 1 yes, 0 no (EOPNOTSUPP), negative errno when the probe
 * could not tell (permission, config needed, ...).
 */
int pmu_probe_aux(uint32_t type);

#endif
