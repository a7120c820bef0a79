/* SPDX-License-Identifier: GPL-2.0 */
/*
 * user_unwind.h - the call chain of a sampled user stack (PERF_SAMPLE_
 * REGS_USER + PERF_SAMPLE_STACK_USER of an x86-64 process), unwound with
 * libunwind's remote interface over the sampled bytes and the .eh_frame of
 * the binaries the process mapped, as perf's --call-graph dwarf does.
 */
#ifndef AUXREC_USER_UNWIND_H
#define AUXREC_USER_UNWIND_H

#include <stddef.h>
#include <stdint.h>
#include "lib/perf_data/perf_data.h"
#include "lib/session/trace_decode.h"
#include "lib/symbols/symbols.h"

#define UNWIND_MAX_FRAMES	256

struct user_unwinder;

/* NULL when out of memory. */
struct user_unwinder *user_unwinder_new(void);
void user_unwinder_free(struct user_unwinder *uw);
/*
 * Unwinds sample U of a process with maps M into pcs: pcs[0] the sampled
 * instruction pointer, pcs[i] (i > 0) the return address into the i-th
 * caller, at most max. Returns the count (>= 1), or -EINVAL when the sample
 * has no x86-64 user registers (ip and sp), -ENOMEM. Unwinding ends, with
 * what was found so far, where the stack sample or the unwind information
 * ends.
 */
int user_unwind(struct user_unwinder *uw, const struct maps *m, const struct pd_sample_user *u,
		uint64_t *pcs, int max);
/*
 * user_unwind() of a sample the decode hands over (trace_decode_opts.
 * sample), when it has a user stack and its process is known; *uw is made
 * on first use. Returns the count, 0 when it is no such sample or has no
 * registers to unwind, -EBADMSG when its register or stack fields overrun
 * the record (a damaged file: the caller counts it and goes on), -ENOMEM.
 */
int user_unwind_sample(struct user_unwinder **uw, const struct trace_sample *ts, uint64_t *pcs,
		       int max);

#endif
