/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gt_step.h - what one single step may have run. Some hypervisors deliver
 * the trap of a PTRACE_SINGLESTEP over an instruction they emulate (cpuid)
 * only after the next instruction has run too, so the tracee lands one
 * instruction further than the step asked. gt_step_check() tells a normal
 * step from such a late one, and from a landing that no flow explains.
 */
#ifndef GT_STEP_H
#define GT_STEP_H

#include <stdint.h>
#include "decoders/x86/x86_insn.h"

/* Decodes the instruction at ip into *insn; returns its length or < 0. */
typedef int (*gt_decode_fn)(void *ctx, uint64_t ip, struct x86_insn *insn);

enum gt_step {
	GT_STEP_ONE,		/* landed is where the instruction at from goes */
	GT_STEP_TWO,		/* one more, fully determined, instruction ran */
	GT_STEP_CANNOT_DECODE,	/* no code at from, or not an instruction */
	GT_STEP_BAD,		/* no flow of one or two instructions lands there */
};

/*
 * Can the instruction insn at ip be followed by next? A plain instruction
 * goes to its fall-through (or stays, for another rep iteration); a jcc to
 * its target or fall-through; a direct jump or call to its target; an
 * indirect branch, a return or a far transfer anywhere.
 */
int gt_step_follows(const struct x86_insn *insn, uint64_t ip, uint64_t next);

/*
 * Classifies a step that started at from and stopped at landed. For
 * GT_STEP_TWO, *between is the instruction that ran unrecorded: the only
 * successor of from whose own successor is landed (a jcc at from whose
 * both ways would explain the landing is GT_STEP_BAD: not determined).
 */
enum gt_step gt_step_check(gt_decode_fn decode, void *ctx, uint64_t from,
			   uint64_t landed, uint64_t *between);

#endif
