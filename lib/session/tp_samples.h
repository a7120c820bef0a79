/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tp_samples.h - the tracepoint samples of a recording (PERF_RECORD_SAMPLE
 * of PERF_TYPE_TRACEPOINT events, with PERF_SAMPLE_RAW), read in one pass
 * over the file and sorted by time (file order among equal times), each
 * with the name of its thread at that time (COMM and FORK records, as
 * perf's threads keep it), ready to be merged with the decoded trace.
 */
#ifndef AUXREC_TP_SAMPLES_H
#define AUXREC_TP_SAMPLES_H

#include <stddef.h>
#include <stdint.h>

struct tp_sample {
	uint64_t time;			/* perf clock ns (0: the event had no time) */
	int32_t pid, tid, cpu;		/* -1 when the sample had none */
	uint32_t attr;			/* index of the event's attr */
	uint32_t raw_size;
	const uint8_t *raw;		/* raw_size bytes, owned by the set */
	char comm[16];			/* "" unknown */
};

struct tp_samples {
	struct tp_sample *s;
	size_t nr;
	uint8_t *tracing_data;		/* HEADER_TRACING_DATA (copy), NULL when none */
	size_t tracing_data_len;
	char **attr_names;		/* per attr: its name ("sched:sched_switch") or NULL */
	uint64_t *attr_config;		/* per attr: the tracepoint id (attr.config) */
	uint32_t nr_attrs;
	uint64_t skipped;		/* samples without RAW data, or cut short */
	uint64_t no_event;		/* samples whose id names no event, or is cut short */
	void *priv;			/* tp_samples.c internals */
};

/*
 * Reads the tracepoint samples of PATH. A recording without tracepoint
 * events gives nr 0 (no second pass over the data; in pipe mode, where the
 * attrs and tracing data are records among the samples, the whole stream
 * is read). Returns 0, or -errno
 * with one line in err (unreadable file, damaged tracing data).
 */
int tp_samples_read(struct tp_samples *ts, const char *path, char *err, size_t errlen);
void tp_samples_free(struct tp_samples *ts);

#endif
