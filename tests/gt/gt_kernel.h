/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gt_kernel.h - a ground-truth flow through the running kernel's real
 * code, for gt-record --kernel: the kernel text [_text, _etext) read from
 * /proc/kcore at its runtime (KASLR) address, and a walk through it.
 */
#ifndef AUXREC_GT_KERNEL_H
#define AUXREC_GT_KERNEL_H

#include <stddef.h>
#include <stdint.h>

struct gt_ktext {
	uint64_t vaddr, size;	/* runtime _text, _etext - _text */
	uint8_t *bytes;
	uint64_t *funcs;	/* text symbols inside, for indirect branch targets */
	size_t nfuncs;
	uint64_t entry;		/* the address of the function asked for */
};

/*
 * Loads the text and the address of function FUNC from KALLSYMS and
 * KCORE (an ELF core). Returns 0, or -1 with the reason in err.
 */
int gt_ktext_load(struct gt_ktext *kt, const char *kallsyms, const char *kcore,
		  const char *func, char *err, size_t errlen);
void gt_ktext_free(struct gt_ktext *kt);

/* What gt_kernel_walk says of an address. */
enum gt_walk_step {
	GT_WALK_RUN,	/* the instruction there runs */
	GT_WALK_AGAIN,	/* tracing stopped before the previous one ran and starts again here */
	GT_WALK_STOP,	/* tracing stops before it runs: the end */
};

/*
 * Walks the code from kt->entry for at most n instructions, calling
 * add(ip, step) for each (see gt_walk_step). A conditional branch goes
 * either way (a seeded pseudo-random choice; backward ones less often, so
 * that loops end), a direct branch to its target, an indirect call or
 * jump to a random text symbol, a return to the address its call pushed
 * or, with no call of the walk to go back to, to a random text symbol.
 * Before an instruction it does not follow (a far transfer, ud2, hlt, a
 * branch leaving the text) tracing stops and starts again at a random
 * text symbol.
 */
void gt_kernel_walk(const struct gt_ktext *kt, size_t n, unsigned int seed,
		    void (*add)(uint64_t ip, enum gt_walk_step step));

#endif
