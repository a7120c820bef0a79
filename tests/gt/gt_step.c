// SPDX-License-Identifier: GPL-2.0
/*
 * gt_step.c - telling a single step that ran one instruction from one that
 * ran two (a trap delivered late by the hypervisor) from one no flow
 * explains. See gt_step.h.
 */
#include "gt_step.h"

int gt_step_follows(const struct x86_insn *insn, uint64_t ip, uint64_t next)
{
	uint64_t fall = ip + insn->len;

	switch (insn->cls) {
	case X86_CLASS_OTHER:
		return next == fall || next == ip;	/* rep: one more round */
	case X86_CLASS_PTWRITE:
		return next == fall;
	case X86_CLASS_COND_JUMP:
		return next == fall || next == insn->target;
	case X86_CLASS_CALL:
	case X86_CLASS_JUMP:
		return !insn->has_target || next == insn->target;
	default:	/* return, far transfers: the landing is their target */
		return 1;
	}
}

/* The addresses the instruction at ip goes to, when they are known. */
static int successors(const struct x86_insn *insn, uint64_t ip,
		      uint64_t succ[2])
{
	switch (insn->cls) {
	case X86_CLASS_OTHER:
	case X86_CLASS_PTWRITE:
		succ[0] = ip + insn->len;
		return 1;
	case X86_CLASS_COND_JUMP:
		succ[0] = ip + insn->len;
		succ[1] = insn->target;
		return succ[1] == succ[0] ? 1 : 2;
	case X86_CLASS_CALL:
	case X86_CLASS_JUMP:
		if (!insn->has_target)
			return 0;
		succ[0] = insn->target;
		return 1;
	default:
		return 0;
	}
}

enum gt_step gt_step_check(gt_decode_fn decode, void *ctx, uint64_t from,
			   uint64_t landed, uint64_t *between)
{
	struct x86_insn insn, mid;
	uint64_t succ[2], mid_ip = 0;
	int i, n, found = 0;

	if (decode(ctx, from, &insn) < 0)
		return GT_STEP_CANNOT_DECODE;
	if (gt_step_follows(&insn, from, landed))
		return GT_STEP_ONE;
	n = successors(&insn, from, succ);
	for (i = 0; i < n; i++) {
		if (decode(ctx, succ[i], &mid) < 0 ||
		    !gt_step_follows(&mid, succ[i], landed))
			continue;
		mid_ip = succ[i];
		found++;
	}
	if (found != 1)
		return GT_STEP_BAD;
	*between = mid_ip;
	return GT_STEP_TWO;
}
