// SPDX-License-Identifier: GPL-2.0
/*
 * pt_flow_block.c - the flow decoder's code cache: decoding basic blocks
 * from the image callback with lib/x86_insn and finding them again by
 * (start, mode) through an open-addressing hash table.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "decoders/x86/x86_insn.h"
#include "pt_flow_block.h"

#define FLOW_READ_CHUNK	128

int flow_cache_init(struct flow_cache *c, const struct pt_flow_image *img)
{
	memset(c, 0, sizeof(*c));
	c->image = *img;
	c->mask = 4095;
	c->table = calloc(c->mask + 1, sizeof(*c->table));
	return c->table ? 0 : -ENOMEM;
}

void flow_cache_fini(struct flow_cache *c)
{
	free(c->blocks);
	free(c->table);
	memset(c, 0, sizeof(*c));
}

void flow_cache_clear(struct flow_cache *c)
{
	c->nblocks = 0;
	memset(c->table, 0, (c->mask + 1) * sizeof(*c->table));
}

static inline uint32_t flow_hash(uint64_t ip, uint8_t mode)
{
	uint64_t h = (ip ^ ((uint64_t)mode << 60)) * 0x9e3779b97f4a7c15ull;

	return (uint32_t)(h >> 32);
}

static int flow_cache_grow(struct flow_cache *c)
{
	uint32_t nmask = c->mask * 2 + 1, i;
	uint32_t *nt = calloc(nmask + 1, sizeof(*nt));

	if (!nt)
		return -ENOMEM;
	for (i = 0; i < c->nblocks; i++) {
		const struct flow_block *b = &c->blocks[i];
		uint32_t h = flow_hash(b->start, b->mode) & nmask;

		while (nt[h])
			h = (h + 1) & nmask;
		nt[h] = i + 1;
	}
	free(c->table);
	c->table = nt;
	c->mask = nmask;
	return 0;
}

/* A window of code bytes read through the image callback. */
struct code_win {
	uint8_t buf[FLOW_READ_CHUNK];
	uint64_t ip;		/* address of buf[0] */
	size_t len;		/* valid bytes */
	int eof;		/* the mapping ends at ip + len */
};

/* Makes at least X86_MAX_INSN_LEN bytes at ip available, if mapped. */
static void win_fill(struct flow_cache *c, struct code_win *w, uint64_t ip)
{
	int n;

	if (ip >= w->ip && ip - w->ip < w->len &&
	    (w->eof || w->len - (ip - w->ip) >= X86_MAX_INSN_LEN))
		return;
	n = c->image.read(c->image.ctx, ip, w->buf, sizeof(w->buf));
	w->ip = ip;
	w->len = n > 0 ? (size_t)n : 0;
	if (w->len > sizeof(w->buf))
		w->len = sizeof(w->buf);
	w->eof = w->len < sizeof(w->buf);
}

static int win_decode(struct flow_cache *c, struct code_win *w, uint64_t ip,
		      uint8_t mode, struct x86_insn *insn)
{
	int n;

	win_fill(c, w, ip);
	if (ip < w->ip || ip - w->ip >= w->len)
		return -PT_FLOW_ERR_NOMAP;
	n = x86_insn_decode(w->buf + (ip - w->ip), w->len - (ip - w->ip), ip,
			    (enum x86_mode)mode, insn);
	if (n == -X86_ERR_NEED_MORE)
		return -PT_FLOW_ERR_NOMAP;
	if (n < 0)
		return -PT_FLOW_ERR_BAD_INSN;
	return n;
}

int flow_read_insn(struct flow_cache *c, uint64_t ip, uint8_t mode,
		   struct x86_insn *insn)
{
	struct code_win w = { .len = 0 };

	return win_decode(c, &w, ip, mode, insn);
}

static void block_build(struct flow_cache *c, struct flow_block *b)
{
	struct code_win w = { .len = 0 };
	struct x86_insn insn;
	uint64_t ip = b->start;
	int n;

	for (;;) {
		n = win_decode(c, &w, ip, b->mode, &insn);
		if (n < 0) {
			b->err = (uint8_t)-n;
			b->last_ip = ip;
			return;
		}
		b->ninsn++;
		b->last_ip = ip;
		b->last_len = (uint8_t)n;
		if (insn.cls != X86_CLASS_OTHER ||
		    b->ninsn >= FLOW_BLOCK_MAX_INSNS) {
			b->cls = insn.cls;
			b->kind = insn.kind;
			b->has_target = insn.has_target;
			b->target = insn.target;
			return;
		}
		ip += n;
	}
}

int32_t flow_cache_get(struct flow_cache *c, uint64_t ip, uint8_t mode)
{
	uint32_t h = flow_hash(ip, mode) & c->mask, idx;
	struct flow_block *b;

	while ((idx = c->table[h])) {
		b = &c->blocks[idx - 1];
		if (b->start == ip && b->mode == mode)
			return (int32_t)(idx - 1);
		h = (h + 1) & c->mask;
	}
	if (c->nblocks == c->cap) {
		uint32_t ncap = c->cap ? 2 * c->cap : 1024;
		struct flow_block *nb;

		nb = realloc(c->blocks, (size_t)ncap * sizeof(*nb));
		if (!nb)
			return -ENOMEM;
		c->blocks = nb;
		c->cap = ncap;
	}
	b = &c->blocks[c->nblocks];
	memset(b, 0, sizeof(*b));
	b->start = ip;
	b->mode = mode;
	b->succ[SUCC_NEXT] = b->succ[SUCC_TAKEN] = b->succ[SUCC_LAST] = -1;
	block_build(c, b);
	c->table[h] = ++c->nblocks;
	if (c->nblocks * 2 > c->mask && flow_cache_grow(c) < 0)
		return -ENOMEM;
	return (int32_t)(c->nblocks - 1);
}
