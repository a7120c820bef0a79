/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tracepoints.h - tracepoint events of a recording (-e SUBSYS:NAME): their
 * ids from tracefs, opened beside every AUX event (same cpu or thread,
 * same inheritance) with their records sent into that event's data ring
 * (PERF_EVENT_IOC_SET_OUTPUT), and what the file needs to read them: an
 * attr each and the tracing data feature, as perf record writes them.
 */
#ifndef AUXREC_TRACEPOINTS_H
#define AUXREC_TRACEPOINTS_H

#include <stddef.h>
#include <stdint.h>
#include <linux/perf_event.h>
#include "lib/perf_data/perf_data.h"
#include "lib/perf_data/tracing_data.h"
#include "evlist.h"

struct tracepoints {
	int nr;
	struct td_event *ev;		/* system and name (owned) */
	char **names;			/* "system:name" */
	uint64_t *tp_id;		/* tracefs events/SYS/NAME/id */
	struct perf_event_attr attr;	/* shared, config set per event */
	char *tracefs;
	int per;			/* events opened per tracepoint (the AUX events') */
	int *fds;			/* [tracepoint * per + i] */
	uint64_t *ids;
	uint8_t *tracing_data;		/* built by tracepoints_open */
	size_t tracing_data_len;
};

/*
 * The tracefs directory: $AUXREC_TRACEFS (tests), /sys/kernel/tracing or
 * /sys/kernel/debug/tracing, whichever has events/; NULL when none does.
 */
const char *tracefs_dir(void);
/* Whether an -e argument names a tracepoint ("sched:sched_switch"). */
bool tracepoint_spec(const char *spec);
/* Adds SUBSYS:NAME (its id read from tracefs); -errno with one line in err. */
int tracepoints_add(struct tracepoints *t, const char *spec, char *err, size_t errlen);
/*
 * Opens each tracepoint beside each event of el (whose attr gives
 * disabled/inherit/enable_on_exec), its output into the event's ring
 * (mapped already), and reads their formats for the tracing data.
 */
int tracepoints_open(struct tracepoints *t, const struct evlist *el, char *err, size_t errlen);
int tracepoints_enable(struct tracepoints *t, bool on);
/* Their attrs (with ids) and the tracing data feature; -ENOMEM. */
int tracepoints_write(struct tracepoints *t, struct pd_writer *w);
void tracepoints_free(struct tracepoints *t);

#endif
