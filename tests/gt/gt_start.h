/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gt_start.h - gt-record --start N: a trace that begins at the N-th
 * instruction of the program, deep in its call chain, as a trace enabled
 * late does. At that instruction the tracee's user registers and stack are
 * sampled as the kernel writes PERF_SAMPLE_REGS_USER and
 * PERF_SAMPLE_STACK_USER for x86-64 (perf_regs.h order, mask
 * GT_SAMPLE_REGS_MASK; GT_SAMPLE_STACK bytes from the stack pointer, of
 * which those below the end of the stack's mapping are valid), and the
 * true call stack there is worked out from the recorded flow.
 */
#ifndef AUXREC_GT_START_H
#define AUXREC_GT_START_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* perf's x86-64 user registers: all but DS, ES, FS, GS (perf --call-graph dwarf) */
#define GT_SAMPLE_REGS_MASK	0xff0fffULL
#define GT_SAMPLE_STACK		8192

struct gt_start_sample {
	uint64_t ip;
	uint8_t *body;		/* the sample's REGS_USER and STACK_USER fields */
	size_t len;
};

/* Samples the stopped tracee pid; exits on error. */
void gt_start_capture(pid_t pid, struct gt_start_sample *s);
/*
 * Writes PATH: the true stack when the instruction at ips[cut] is about to
 * run, worked out from calls and returns of ips[0..cut) (decode tells an
 * instruction's class and length; programs without signals): one line
 * "ENTRY RESUME" per frame, outermost first, ENTRY where the frame was
 * entered (ips[0] for the first), RESUME the return address into it (the
 * innermost's: ips[cut]). Exits on error.
 */
void gt_start_write_stack(const char *path, const uint64_t *ips, size_t cut,
			  int (*decode)(uint64_t ip, uint8_t *len, int *is_call, int *is_ret));

#endif
