/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stack_print.h - `auxrec script --stack-samples`: a sample's unwound user
 * stack (the seeds of the exports' call stacks, docs/stack-seed.md) as text,
 * a head line and one line per frame as perf script prints a callchain, or
 * as a JSON `stack_sample` object (docs/json.md).
 */
#ifndef AUXREC_STACK_PRINT_H
#define AUXREC_STACK_PRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/output/line_buf.h"
#include "lib/output/sym_cache.h"
#include "lib/session/trace_decode.h"

/*
 * Appends sample ts's stack pcs[0..n) (its ip, then the return addresses
 * into its callers) to out, its addresses named through syms. Returns 0,
 * or -ENOMEM (a name could not be looked up).
 */
int stack_print(struct sym_cache *syms, const struct trace_sample *ts, const uint64_t *pcs,
		size_t n, bool json, struct line_buf *out);

#endif
