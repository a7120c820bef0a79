/* SPDX-License-Identifier: GPL-2.0 */
/*
 * slot_index.h - a hash index over the entries of a caller's array: open
 * addressing with linear probing, each slot holding an entry's index + 1
 * (0: empty). The caller owns the entries, their hash and their equality;
 * the index only finds them, so the array may move (realloc) freely.
 */
#ifndef AUXREC_SLOT_INDEX_H
#define AUXREC_SLOT_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct slot_index {
	uint32_t *slots;
	size_t nslots;		/* a power of two, or 0 */
};

/* Whether entry idx of the caller's array has key. */
typedef bool (*slot_match_fn)(const void *ctx, uint32_t idx, const void *key);
/* The hash of entry idx (the one its key was looked up with). */
typedef uint64_t (*slot_hash_fn)(const void *ctx, uint32_t idx);

/*
 * The slot of key: its entry's (*slot - 1 is the index), or the empty one
 * where an entry with key goes. Needs a free slot: slot_index_reserve first.
 */
uint32_t *slot_index_find(const struct slot_index *x, uint64_t hash, slot_match_fn match,
			  const void *ctx, const void *key);
/*
 * Makes room for entry nr (entries 0..nr-1 indexed): when more than half of
 * the slots would be taken, twice as many (at least min_slots, a power of
 * two), refilled from hash_of. Returns 0 or -ENOMEM (the index unchanged).
 */
int slot_index_reserve(struct slot_index *x, size_t nr, size_t min_slots, slot_hash_fn hash_of,
		       const void *ctx);
void slot_index_free(struct slot_index *x);
/* FNV-1a of a string, continuing from h (start with SLOT_HASH_INIT). */
#define SLOT_HASH_INIT 0xcbf29ce484222325ULL
uint64_t slot_hash_str(uint64_t h, const char *s);
/* A well-mixed hash of an integer key. */
uint64_t slot_hash_u64(uint64_t v);

#endif
