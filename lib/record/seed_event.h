/* SPDX-License-Identifier: GPL-2.0 */
/*
 * seed_event.h - record --seed-stacks: next to each AUX event, on the same
 * cpu or thread, the software context-switches event sampling the user
 * registers and the user stack of each task it switches out, written into
 * the AUX event's data ring (PERF_EVENT_IOC_SET_OUTPUT). A task's trace
 * resumes where it was switched out, so the sample is the stack where its
 * next stretch of trace begins; exports unwind it to seed their call
 * stacks (docs/stack-seed.md).
 */
#ifndef AUXREC_SEED_EVENT_H
#define AUXREC_SEED_EVENT_H

#include <stdint.h>
#include "lib/record/evlist.h"

#define SEED_STACK_DEFAULT	8192	/* bytes of user stack, as perf --call-graph dwarf */
#define SEED_STACK_MAX		65000	/* a sample record is at most 64 KiB */
#define SEED_EVENT_NAME		"context-switches"

/*
 * Opens the companion of every event of aux (opened and mapped), sampling
 * stack_size bytes (a multiple of 8) of user stack. Returns 0, or -errno
 * with the reason in err (seed closed).
 */
int seed_event_open(struct evlist *seed, const struct evlist *aux, uint32_t stack_size,
		    char *err, size_t errlen);

#endif
