// SPDX-License-Identifier: GPL-2.0
/*
 * sym_cache.c - per-symbol output fragments and the address-range cache
 * in front of them (see sym_cache.h).
 */
#include <stdlib.h>
#include <string.h>
#include "lib/output/json.h"
#include "lib/output/sym_cache.h"
#include "lib/util/array_grow.h"
#include "lib/util/prefault.h"
#include "lib/util/slot_index.h"

#define RANGE_SETS	4096	/* a power of two */
#define RANGE_WAYS	2	/* ranges per set, most recently resolved first */
#define RANGE_SHIFT	2	/* addresses of one set: 4 bytes */

/*
 * A resolved address range: addresses in [lo, hi) of maps are in frag.
 * Small symbols side by side (leaf functions of a few bytes called in one
 * hot loop) may share a set: its two ways keep both.
 */
struct range_slot {
	uint64_t lo, hi;
	const struct maps *maps;
	uint64_t changes;	/* maps_changes() when resolved */
	uint64_t sym_addr;
	const struct sym_frag *frag;
};

struct sym_cache {
	struct sym_frag **frags;	/* by id */
	size_t nr, cap;
	struct slot_index index;	/* of frags by (dso, sym) */
	struct range_slot ranges[RANGE_SETS][RANGE_WAYS];
};

struct frag_key {
	const struct dso *dso;
	const struct symbol *sym;
};

static uint64_t key_hash(const struct dso *dso, const struct symbol *sym)
{
	return slot_hash_u64((uintptr_t)dso * 31 + (uintptr_t)sym);
}

static bool frag_matches(const void *ctx, uint32_t idx, const void *key)
{
	const struct sym_cache *c = ctx;
	const struct frag_key *k = key;

	return c->frags[idx]->dso == k->dso && c->frags[idx]->sym == k->sym;
}

static uint64_t frag_hash_of(const void *ctx, uint32_t idx)
{
	const struct sym_cache *c = ctx;

	return key_hash(c->frags[idx]->dso, c->frags[idx]->sym);
}

struct sym_cache *sym_cache_new(void)
{
	/* its ranges are read before written: see prefault.h */
	return calloc_prefaulted(1, sizeof(struct sym_cache));
}

void sym_cache_free(struct sym_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nr; i++)
		free(c->frags[i]);
	free(c->frags);
	slot_index_free(&c->index);
	free(c);
}

/*
 * One allocation: the fragment, then its JSON strings and copies of the
 * names (which outlive the session that owned the dso and symbol).
 */
static struct sym_frag *frag_new(const struct dso *dso, const struct symbol *sym, uint32_t id)
{
	const char *name = sym ? sym->name : NULL;
	const char *dso_name = dso ? dso->name : "[unknown]";
	size_t name_len = name ? strlen(name) : 0, dso_len = strlen(dso_name);
	size_t jn = name ? jw_string_size(name, name_len) : 4;
	size_t jd = jw_string_size(dso_name, dso_len);
	struct sym_frag *f = malloc(sizeof(*f) + jn + jd + name_len + dso_len + 2);
	char *p;

	if (!f)
		return NULL;
	p = (char *)(f + 1);
	*f = (struct sym_frag){
		.dso = dso, .sym = sym, .id = id,
		.name_len = (uint32_t)name_len, .dso_len = (uint32_t)dso_len,
		.json_name = p, .json_name_len = (uint32_t)jn,
		.json_dso = p + jn, .json_dso_len = (uint32_t)jd,
	};
	if (name)
		jw_fmt_string(p, name, name_len);
	else
		memcpy(p, "null", 4);
	p = jw_fmt_string(p + jn, dso_name, dso_len);
	f->dso_name = memcpy(p, dso_name, dso_len + 1);
	if (name)
		f->name = memcpy(p + dso_len + 1, name, name_len + 1);
	return f;
}

static const struct sym_frag *frag_get(struct sym_cache *c, const struct dso *dso,
				       const struct symbol *sym)
{
	struct frag_key key = { dso, sym };
	uint32_t *slot;

	if (slot_index_reserve(&c->index, c->nr, 256, frag_hash_of, c))
		return NULL;
	slot = slot_index_find(&c->index, key_hash(dso, sym), frag_matches, c, &key);
	if (*slot)
		return c->frags[*slot - 1];
	if (ARRAY_GROW(c->frags, c->cap, c->nr + 1, 256))
		return NULL;
	c->frags[c->nr] = frag_new(dso, sym, (uint32_t)c->nr);
	if (!c->frags[c->nr])
		return NULL;
	*slot = (uint32_t)++c->nr;
	return c->frags[c->nr - 1];
}

static inline bool slot_holds(const struct range_slot *r, const struct maps *m, uint64_t addr,
			      uint64_t changes)
{
	return r->frag && addr >= r->lo && addr < r->hi && r->maps == m && r->changes == changes;
}

/*
 * Not in the set's first way: the second, or a new range resolved; either
 * becomes the first way (the old first one the second).
 */
static __attribute__((noinline)) const struct sym_frag *
lookup_slow(struct sym_cache *c, struct range_slot *set, const struct maps *m, uint64_t addr,
	    uint64_t changes, uint64_t *off)
{
	struct range_slot r = set[1];
	struct addr_loc loc;

	if (!slot_holds(&r, m, addr, changes)) {
		maps_resolve(m, addr, &loc);
		r = (struct range_slot){
			.lo = loc.lo, .hi = loc.hi, .maps = m, .changes = changes,
			.sym_addr = loc.sym ? loc.sym_addr : 0,
			.frag = frag_get(c, loc.dso, loc.sym),
		};
	}
	set[1] = set[0];
	set[0] = r;
	*off = r.frag && r.frag->sym ? addr - r.sym_addr : 0;
	return r.frag;
}

const struct sym_frag *sym_cache_lookup(struct sym_cache *c, const struct maps *m,
					uint64_t addr, uint64_t *off)
{
	struct range_slot *set = c->ranges[(addr >> RANGE_SHIFT) & (RANGE_SETS - 1)];
	uint64_t changes = maps_changes();

	if (slot_holds(set, m, addr, changes)) {
		*off = set->frag->sym ? addr - set->sym_addr : 0;
		return set->frag;
	}
	return lookup_slow(c, set, m, addr, changes, off);
}

uint32_t sym_cache_count(const struct sym_cache *c)
{
	return (uint32_t)c->nr;
}

const struct sym_frag *sym_cache_frag(const struct sym_cache *c, uint32_t id)
{
	return id < c->nr ? c->frags[id] : NULL;
}
