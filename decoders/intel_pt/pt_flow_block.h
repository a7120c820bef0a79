/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pt_flow_block.h - the flow decoder's code cache (internal to pt_flow*.c):
 * basic blocks decoded once from the image and found again by start
 * address through an open-addressing hash, each with lazily linked
 * successors so that a hot loop costs one array load per branch (for an
 * indirect branch or a return: per repeated target).
 */
#ifndef AUXREC_PT_FLOW_BLOCK_H
#define AUXREC_PT_FLOW_BLOCK_H

#include <stdint.h>
#include "decoders/x86/x86_insn.h"
#include "pt_flow.h"

#define FLOW_BLOCK_MAX_INSNS	1024

/*
 * Instructions from start up to and including the first one that is a
 * branch or ptwrite (at last_ip). A block cut by FLOW_BLOCK_MAX_INSNS ends
 * with a non-branch; one that runs into code it cannot decode has err set
 * and last_ip at the bad instruction, which is not counted in ninsn.
 */
struct flow_block {
	uint64_t start;
	uint64_t last_ip;
	uint64_t target;	/* direct branches */
	uint32_t ninsn;
	/*
	 * Cached blocks: [SUCC_NEXT] fall-through, [SUCC_TAKEN] the direct
	 * target, [SUCC_LAST] where the indirect branch or return ending
	 * this block went last (a guess: checked against the ip)
	 */
	int32_t succ[3];
	uint8_t last_len;
	uint8_t cls;		/* enum x86_class of the last instruction */
	uint8_t kind;		/* enum x86_kind */
	uint8_t has_target;
	uint8_t mode;		/* enum x86_mode */
	uint8_t err;		/* 0 or PT_FLOW_ERR_NOMAP/_BAD_INSN */
	/*
	 * Counting (pt_flow_config.sums): the taken branches of the
	 * instruction ending this block since the last hand-over, and the
	 * instructions their events would have carried
	 */
	uint32_t sum_branches;
	uint64_t sum_insns;
};

enum flow_succ { SUCC_NEXT, SUCC_TAKEN, SUCC_LAST };

struct flow_cache {
	struct flow_block *blocks;
	uint32_t nblocks, cap;
	uint32_t *table;	/* block index + 1, 0 when empty */
	uint32_t mask;
	struct pt_flow_image image;
};

int flow_cache_init(struct flow_cache *c, const struct pt_flow_image *img);
void flow_cache_fini(struct flow_cache *c);
void flow_cache_clear(struct flow_cache *c);

/* Index of the block at ip (decoding it when new), or -ENOMEM. */
int32_t flow_cache_get(struct flow_cache *c, uint64_t ip, uint8_t mode);

/*
 * Decodes the instruction at ip through the image, for the rare paths that
 * need single instructions (async events inside a block, per-instruction
 * output). Returns its length or a negative error (-PT_FLOW_ERR_*).
 */
int flow_read_insn(struct flow_cache *c, uint64_t ip, uint8_t mode,
		   struct x86_insn *insn);

#endif
