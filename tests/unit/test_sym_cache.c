// SPDX-License-Identifier: GPL-2.0
/*
 * test_sym_cache.c - lib/output/sym_cache.c against maps_lookup(): every
 * address of hand-made mappings (an ET_EXEC dso and a shared object with
 * two segments; symbols with and without sizes, gaps, aliases' neighbours)
 * resolved in a scrambled order must give the same symbol, offset and dso
 * through the range cache as through a plain lookup, also after the
 * mappings change; and the fragments hold escaped JSON of the names (a
 * dso's as recorded, not the path opened).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "lib/output/sym_cache.h"

static struct symbol exec_syms[] = {
	{ .start = 0x401000, .size = 0x40, .name = "first" },
	{ .start = 0x401040, .size = 0, .name = "no_size" },	/* to the next one */
	{ .start = 0x401080, .size = 0x10, .name = "short" },	/* a gap after it */
	{ .start = 0x4010c0, .size = 0x100, .name = "outer" },
	{ .start = 0x401100, .size = 0x20, .name = "inner" },	/* inside outer */
	{ .start = 0x401200, .size = 0x30, .name = "quote\"and\\tab\t" },
};

static struct symbol so_syms[] = {
	{ .start = 0x1000, .size = 0x100, .name = "so_text" },
	{ .start = 0x3000, .size = 0x80, .name = "so_more" },
};

/* opened under a --symfs, printed as recorded */
static struct dso exec_dso = {
	.path = "/symfs/bin/prog", .name = "/bin/prog", .fd = -1, .is_exec = true,
	.syms = exec_syms, .nr_syms = sizeof(exec_syms) / sizeof(exec_syms[0]),
};

/* file offsets 0x0-0x2000 at vaddr 0x0, 0x2000-0x4000 at vaddr 0x3000 */
static struct dso so_dso = {
	.path = "/lib/libx.so", .name = "/lib/libx.so", .fd = -1, .nr_loads = 2,
	.loads = { { 0x0, 0x0, 0x2000 }, { 0x2000, 0x3000, 0x2000 } },
	.syms = so_syms, .nr_syms = sizeof(so_syms) / sizeof(so_syms[0]),
};

/* Each address of [lo, hi) in a scrambled order: cache equals lookup. */
static void compare_range(struct sym_cache *c, const struct maps *m, uint64_t lo, uint64_t hi)
{
	uint64_t n = hi - lo;

	for (uint64_t k = 0; k < n; k++) {
		uint64_t addr = lo + (k * 7919) % n, off, want_off;
		const char *dso, *sym;
		const struct sym_frag *f = sym_cache_lookup(c, m, addr, &off);

		maps_lookup(m, addr, &dso, &sym, &want_off);
		assert_non_null(f);
		assert_string_equal(f->dso_name, dso);
		if (!sym) {
			assert_null(f->name);
			continue;
		}
		assert_non_null(f->name);
		assert_string_equal(f->name, sym);
		assert_int_equal(off, want_off);
	}
}

static void test_same_as_lookup(void **state)
{
	struct maps m = { 0 };
	struct sym_cache *c = sym_cache_new();

	assert_non_null(c);
	assert_int_equal(maps_insert(&m, 0x401000, 0x1000, 0, &exec_dso), 0);
	assert_int_equal(maps_insert(&m, 0x7f0000000000, 0x4000, 0, &so_dso), 0);
	compare_range(c, &m, 0x400f00, 0x402100);
	compare_range(c, &m, 0x7f0000000000 - 0x10, 0x7f0000004010);
	/* a new mapping over part of the old ones: stale ranges must not answer */
	assert_int_equal(maps_insert(&m, 0x401100, 0x100, 0x2000, &so_dso), 0);
	compare_range(c, &m, 0x400f00, 0x402100);
	compare_range(c, NULL, 0x401000, 0x401100);	/* no maps at all */
	maps_free(&m);
	compare_range(c, &m, 0x401000, 0x401100);
	sym_cache_free(c);
}

static void test_fragments(void **state)
{
	struct maps m = { 0 };
	struct sym_cache *c = sym_cache_new();
	const struct sym_frag *f, *g;
	uint64_t off;

	assert_int_equal(maps_insert(&m, 0x401000, 0x1000, 0, &exec_dso), 0);
	f = sym_cache_lookup(c, &m, 0x401210, &off);
	assert_int_equal(off, 0x10);
	assert_int_equal(f->json_name_len, strlen("\"quote\\\"and\\\\tab\\t\""));
	assert_memory_equal(f->json_name, "\"quote\\\"and\\\\tab\\t\"", f->json_name_len);
	assert_memory_equal(f->json_dso, "\"/bin/prog\"", f->json_dso_len);
	g = sym_cache_lookup(c, &m, 0x401200, &off);
	assert_ptr_equal(f, g);		/* one fragment per symbol */
	g = sym_cache_lookup(c, &m, 0x401090, &off);	/* in the gap */
	assert_null(g->name);
	assert_memory_equal(g->json_name, "null", g->json_name_len);
	assert_int_equal(sym_cache_count(c), 2);
	assert_ptr_equal(sym_cache_frag(c, f->id), f);
	assert_null(sym_cache_frag(c, 2));
	maps_free(&m);
	sym_cache_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_as_lookup),
		cmocka_unit_test(test_fragments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
