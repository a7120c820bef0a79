/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sym_cache.h - what outputs print of an address, worked out once per
 * symbol instead of once per event: each (dso, symbol) gets a sym_frag
 * holding its name and dso name (as recorded) as text and as escaped JSON strings, and a
 * dense id that aggregations (report) can index arrays with. Addresses
 * are resolved through a small direct-mapped cache of address ranges
 * (maps_resolve()), so a hot loop's branches cost a compare, not a lookup.
 */
#ifndef AUXREC_SYM_CACHE_H
#define AUXREC_SYM_CACHE_H

#include <stddef.h>
#include <stdint.h>
#include "lib/symbols/symbols.h"

struct sym_frag {
	/* the key: valid only while their session is open */
	const struct dso *dso;		/* NULL: unmapped */
	const struct symbol *sym;	/* NULL: unknown */
	uint32_t id;			/* 0, 1, ... in order of first use */
	/* copies: these stay valid until sym_cache_free() */
	const char *name;		/* the symbol's name, NULL unknown */
	const char *dso_name;		/* as recorded; "[unknown]" when unmapped */
	uint32_t name_len, dso_len;
	const char *json_name;		/* "\"escaped\"" or "null" */
	const char *json_dso;		/* "\"escaped\"" */
	uint32_t json_name_len, json_dso_len;
};

struct sym_cache;

struct sym_cache *sym_cache_new(void);
void sym_cache_free(struct sym_cache *c);
/*
 * The fragment of the symbol addr is in (under maps m, which may be NULL)
 * and *off, the offset into it (0 unknown). NULL only when out of memory.
 */
const struct sym_frag *sym_cache_lookup(struct sym_cache *c, const struct maps *m,
					uint64_t addr, uint64_t *off);
/* The number of fragments so far (ids are below it), and fragment id. */
uint32_t sym_cache_count(const struct sym_cache *c);
const struct sym_frag *sym_cache_frag(const struct sym_cache *c, uint32_t id);

#endif
