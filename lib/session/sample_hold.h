/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sample_hold.h - stack samples held back until the sideband of their
 * process has been read. A recorder drains per-CPU data rings one after
 * another, so one CPU's samples of a task can be in the file before the
 * COMM and MMAP2s that another CPU wrote at the task's exec, earlier in
 * time, in the same round (perf sorts a round by time, the session reads in
 * file order). A sample of a process with no mapping yet is copied and
 * handed on once an MMAP of that process has been read (after the run of
 * sideband records it is in), or at the end.
 */
#ifndef AUXREC_SAMPLE_HOLD_H
#define AUXREC_SAMPLE_HOLD_H

#include <stdbool.h>
#include "lib/perf_data/perf_data.h"

struct held_sample {
	struct pd_record rec;	/* hdr: the copy */
	int pid;
	bool ready;		/* an MMAP of pid came after it */
};

struct sample_hold {
	struct held_sample *v;
	size_t nr, cap;
	size_t nr_ready;
};

/* Keeps a copy of rec (a PERF_RECORD_SAMPLE of process pid); -ENOMEM. */
int sample_hold_add(struct sample_hold *h, const struct pd_record *rec, int pid);
/* An MMAP of pid was read: its samples held may go. */
void sample_hold_mmap(struct sample_hold *h, int pid);
/*
 * Hands the samples held that may go (all of them if all) to fn in file
 * order, and forgets them; stops at fn's first non-zero return, which it
 * returns.
 */
int sample_hold_release(struct sample_hold *h, bool all,
			int (*fn)(void *ctx, const struct pd_record *rec), void *ctx);
void sample_hold_free(struct sample_hold *h);

#endif
