// SPDX-License-Identifier: GPL-2.0
/*
 * slot_index.c - the open-addressing hash index of slot_index.h: probing,
 * growth by refilling from the caller's entries, and the key hashes.
 */
#include <errno.h>
#include <stdlib.h>
#include "slot_index.h"

#define FNV_PRIME 0x100000001b3ULL

uint32_t *slot_index_find(const struct slot_index *x, uint64_t hash, slot_match_fn match,
			  const void *ctx, const void *key)
{
	size_t mask = x->nslots - 1, i = hash & mask;

	while (x->slots[i] && !match(ctx, x->slots[i] - 1, key))
		i = (i + 1) & mask;
	return &x->slots[i];
}

int slot_index_reserve(struct slot_index *x, size_t nr, size_t min_slots, slot_hash_fn hash_of,
		       const void *ctx)
{
	size_t n = x->nslots ? x->nslots * 2 : min_slots, mask;
	uint32_t *slots;

	if ((nr + 1) * 2 <= x->nslots)
		return 0;
	if (!n)
		n = 16;
	while ((nr + 1) * 2 > n)
		n *= 2;
	slots = calloc(n, sizeof(*slots));
	if (!slots)
		return -ENOMEM;
	mask = n - 1;
	/* the entries are distinct: each goes to the first free slot from its hash */
	for (size_t e = 0; e < nr; e++) {
		size_t i = hash_of(ctx, (uint32_t)e) & mask;

		while (slots[i])
			i = (i + 1) & mask;
		slots[i] = (uint32_t)(e + 1);
	}
	free(x->slots);
	x->slots = slots;
	x->nslots = n;
	return 0;
}

void slot_index_free(struct slot_index *x)
{
	free(x->slots);
	x->slots = NULL;
	x->nslots = 0;
}

uint64_t slot_hash_str(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * FNV_PRIME;
	return h;
}

/* the finalizer of MurmurHash3's 64-bit variant: every input bit moves every output bit */
uint64_t slot_hash_u64(uint64_t v)
{
	v ^= v >> 33;
	v *= 0xff51afd7ed558ccdULL;
	v ^= v >> 33;
	v *= 0xc4ceb9fe1a85ec53ULL;
	v ^= v >> 33;
	return v;
}
