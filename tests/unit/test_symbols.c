// SPDX-License-Identifier: GPL-2.0
/*
 * test_symbols.c - lib/symbols/symbols.c and friends without external tools:
 * maps_insert overlaps (splits, edges, replacement), the kernel maps behind
 * a process's, kallsyms parsing, the bounded xz decoder, and files that are
 * not ELF or are cut short. ELF sources (.symtab, .dynsym, MiniDebugInfo,
 * build-id debug files, source lines, vmlinux) are in tests/symbols/t-symbols.sh.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "unit_tmp.h"
#include <lzma.h>
#include "lib/symbols/symbols_int.h"

static struct dso da = { .path = "a", .name = "a", .fd = -1 },
		  db = { .path = "b", .name = "b", .fd = -1 };

static const struct dso *dso_at(const struct maps *m, uint64_t addr)
{
	const struct map *mp = maps_find(m, addr);

	return mp ? mp->dso : NULL;
}

static void test_maps_split(void **state)
{
	struct maps m = { 0 };
	const struct map *mp;

	assert_int_equal(maps_insert(&m, 0x1000, 0x9000, 0x100, &da), 0);	/* [0x1000,0xa000) */
	assert_int_equal(maps_insert(&m, 0x4000, 0x2000, 0, &db), 0);		/* [0x4000,0x6000) */
	assert_int_equal(m.nr, 3);
	assert_ptr_equal(dso_at(&m, 0x1000), &da);
	assert_ptr_equal(dso_at(&m, 0x3fff), &da);
	assert_ptr_equal(dso_at(&m, 0x4000), &db);
	assert_ptr_equal(dso_at(&m, 0x5fff), &db);
	assert_ptr_equal(dso_at(&m, 0x6000), &da);
	assert_ptr_equal(dso_at(&m, 0x9fff), &da);
	assert_null(dso_at(&m, 0xa000));
	assert_null(dso_at(&m, 0xfff));
	/* the right part keeps its file offset */
	mp = maps_find(&m, 0x6000);
	assert_int_equal(mp->start, 0x6000);
	assert_int_equal(mp->pgoff, 0x100 + 0x5000);
	mp = maps_find(&m, 0x1000);
	assert_int_equal(mp->end, 0x4000);
	assert_int_equal(mp->pgoff, 0x100);
	maps_free(&m);
	assert_int_equal(m.nr, 0);
}

static void test_maps_overlap_edges(void **state)
{
	struct maps m = { 0 };

	assert_int_equal(maps_insert(&m, 0x1000, 0x1000, 0, &da), 0);
	assert_int_equal(maps_insert(&m, 0x3000, 0x1000, 0, &da), 0);
	/* covers the end of the first, the gap and the start of the second */
	assert_int_equal(maps_insert(&m, 0x1800, 0x2000, 0, &db), 0);
	assert_int_equal(m.nr, 3);
	assert_ptr_equal(dso_at(&m, 0x17ff), &da);
	assert_ptr_equal(dso_at(&m, 0x1800), &db);
	assert_ptr_equal(dso_at(&m, 0x37ff), &db);
	assert_ptr_equal(dso_at(&m, 0x3800), &da);
	assert_int_equal(maps_find(&m, 0x3800)->pgoff, 0x800);
	/* exactly the same range: replaced, not duplicated */
	assert_int_equal(maps_insert(&m, 0x1800, 0x2000, 0, &da), 0);
	assert_int_equal(m.nr, 3);
	assert_ptr_equal(dso_at(&m, 0x2000), &da);
	/* covering everything */
	assert_int_equal(maps_insert(&m, 0, 0x10000, 0, &db), 0);
	assert_int_equal(m.nr, 1);
	/* adjacent, no overlap: both kept */
	assert_int_equal(maps_insert(&m, 0x10000, 0x1000, 0, &da), 0);
	assert_int_equal(m.nr, 2);
	assert_ptr_equal(dso_at(&m, 0xffff), &db);
	assert_ptr_equal(dso_at(&m, 0x10000), &da);
	/* bad ranges */
	assert_int_equal(maps_insert(&m, 0x1000, 0, 0, &da), -EINVAL);
	assert_int_equal(maps_insert(&m, ~0ULL - 10, 100, 0, &da), -EINVAL);
	maps_free(&m);
}

/* a 640-byte symbol name */
#define NAME_64 "name_0123456789abcdef0123456789abcdef0123456789abcdef0123456789a"
#define LONG_NAME NAME_64 NAME_64 NAME_64 NAME_64 NAME_64 NAME_64 NAME_64 NAME_64 \
		  NAME_64 NAME_64

/* A dso cache with the kernel's symbols from kallsyms text ks; its file in *path. */
static struct dso_cache *load_kallsyms_text(const char *ks, size_t len, char **path)
{
	struct dso_cache *c = dso_cache_new();
	char err[256];

	assert_non_null(c);
	*path = write_tmp(ks, len);
	assert_int_equal(dso_cache_load_kernel(c, NULL, *path, NULL, err, sizeof(err)), 0);
	return c;
}

static void test_kallsyms(void **state)
{
	static const char ks[] =
		"0000000000000000 A fixed_percpu_data\n"
		"ffffffff81000000 T _stext\n"
		"ffffffff81000100 t local_fn\n"
		"ffffffff81000200 D data_after\n"
		"garbage line\n"
		"ffffffff81000300 W weak_fn\n"
		"ffffffff81000380 TT bad_type\n"
		"ffffffffc0001000 t mod_fn\t[mod]\n"
		"ffffffffc0002000 t " LONG_NAME "\t[mod]\n";
	char *path;
	struct dso_cache *c = load_kallsyms_text(ks, sizeof(ks) - 1, &path);
	struct maps m = { .kernel = dso_cache_kernel_maps(c) };
	char buf[256];
	const char *dso, *sym;
	uint64_t off;
	uint8_t code[4];

	maps_symbolize(&m, 0xffffffff81000180, buf, sizeof(buf), &dso, &sym, &off);
	assert_string_equal(buf, "local_fn+0x80");
	assert_string_equal(dso, "[kernel.kallsyms]");
	maps_symbolize(&m, 0xffffffff81000200, buf, sizeof(buf), &dso, &sym, &off);
	assert_string_equal(buf, "data_after+0x0");	/* data ends local_fn, is a symbol */
	maps_symbolize(&m, 0xffffffff810002f8, buf, sizeof(buf), &dso, &sym, &off);
	assert_string_equal(buf, "data_after+0xf8");	/* up to weak_fn */
	maps_symbolize(&m, 0xffffffff81000310, buf, sizeof(buf), &dso, &sym, &off);
	assert_string_equal(buf, "weak_fn+0x10");
	maps_symbolize(&m, 0xffffffffc0001004, buf, sizeof(buf), &dso, &sym, &off);
	assert_string_equal(buf, "mod_fn+0x4");
	maps_symbolize(&m, 0xffffffff81000390, buf, sizeof(buf), &dso, &sym, &off);
	assert_string_equal(buf, "weak_fn+0x90");	/* a malformed line is no symbol */
	maps_symbolize(&m, 0xffffffffc0002004, buf, sizeof(buf), &dso, &sym, &off);
	assert_string_equal(sym, LONG_NAME);		/* longer than a kernel's 512 */
	maps_symbolize(&m, 0x400000, buf, sizeof(buf), &dso, &sym, &off);
	assert_string_equal(dso, "[unknown]");	/* user addresses are not the kernel's */
	assert_int_equal(maps_read(&m, 0xffffffff81000000, code, sizeof(code)), 0);
	dso_cache_free(c);
	unlink(path);
	free(path);
}

/*
 * Aliases (one address, several names) keep the name perf keeps
 * (choose_best_symbol): not weak, global, fewest leading underscores,
 * longest name, else the first listed.
 */
static void test_alias_choice(void **state)
{
	static const char ks[] =
		"ffffffff81000000 W a_a_weak\n"		/* weak loses to local */
		"ffffffff81000000 t a_local\n"
		"ffffffff81000100 t b_a_local_long\n"	/* local loses to global */
		"ffffffff81000100 T b_glob\n"
		"ffffffff81000200 T __c_two\n"		/* fewer underscores win */
		"ffffffff81000200 T _c_one_underscore\n"
		"ffffffff81000300 T d_short\n"		/* the longest name wins */
		"ffffffff81000300 T d_zlongest\n"
		"ffffffff81000400 T e_first\n"		/* a tie: the first listed */
		"ffffffff81000400 T e_again\n"
		"ffffffff81000500 T f_end\n";
	static const struct { uint64_t addr; const char *want; } cases[] = {
		{ 0xffffffff81000000, "a_local" },
		{ 0xffffffff81000100, "b_glob" },
		{ 0xffffffff81000200, "_c_one_underscore" },
		{ 0xffffffff81000300, "d_zlongest" },
		{ 0xffffffff81000400, "e_first" },
	};
	char *path;
	struct dso_cache *c = load_kallsyms_text(ks, sizeof(ks) - 1, &path);
	struct maps m = { .kernel = dso_cache_kernel_maps(c) };
	const char *dso, *sym;
	uint64_t off;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		maps_lookup(&m, cases[i].addr, &dso, &sym, &off);
		assert_non_null(sym);
		assert_string_equal(sym, cases[i].want);
	}
	dso_cache_free(c);
	unlink(path);
	free(path);
}

static void test_kallsyms_hidden(void **state)
{
	static const char ks[] = "0000000000000000 T _stext\n0000000000000000 t x\n";
	char *path = write_tmp(ks, sizeof(ks) - 1);
	struct dso_cache *c = dso_cache_new();
	char err[256] = "";

	assert_int_equal(dso_cache_load_kernel(c, NULL, path, NULL, err, sizeof(err)), -ENODATA);
	assert_non_null(strstr(err, "kptr_restrict"));
	assert_int_equal(dso_cache_kernel_maps(c)->nr, 0);
	assert_int_equal(dso_cache_load_kernel(c, NULL, "/nonexistent/kallsyms", NULL, err,
					       sizeof(err)), -ENOENT);
	assert_int_equal(dso_cache_load_kernel(c, "/nonexistent/vmlinux", NULL, NULL, err,
					       sizeof(err)), -ENOENT);
	dso_cache_free(c);
	unlink(path);
	free(path);
}

/* A text that is no kallsyms says so (it said "No such file or directory"). */
static void test_kallsyms_not_kallsyms(void **state)
{
	static const char ks[] = "root:x:0:0:root:/root:/bin/bash\n";
	char *path = write_tmp(ks, sizeof(ks) - 1);
	struct dso_cache *c = dso_cache_new();
	char err[256] = "";

	assert_int_equal(dso_cache_load_kernel(c, NULL, path, NULL, err, sizeof(err)), -ENOEXEC);
	assert_non_null(strstr(err, "not a /proc/kallsyms text"));
	dso_cache_free(c);
	unlink(path);
	free(path);
}

/*
 * A kernel file that cannot be read: the loader's error names it and the
 * cause (it said "cannot read vmlinux X" without one, a kallsyms directory
 * "Input/output error"), and dso_kernel_file_unread() tells it from a file
 * read and refused.
 */
static void test_kernel_file_unread(void **state)
{
	static const char ks[] = "root:x:0:0:root:/root:/bin/bash\n";
	char *path = write_tmp(ks, sizeof(ks) - 1);
	struct dso_cache *c = dso_cache_new();
	char err[256] = "";
	int ret;

	ret = dso_cache_load_kernel(c, "/nonexistent/vmlinux", NULL, NULL, err, sizeof(err));
	assert_int_equal(ret, -ENOENT);
	assert_string_equal(err, "cannot read vmlinux /nonexistent/vmlinux: "
			    "No such file or directory");
	assert_true(dso_kernel_file_unread(ret));
	ret = dso_cache_load_kernel(c, "/tmp", NULL, NULL, err, sizeof(err));
	assert_int_equal(ret, -EISDIR);
	assert_string_equal(err, "cannot read vmlinux /tmp: Is a directory");
	ret = dso_cache_load_kernel(c, NULL, "/tmp", NULL, err, sizeof(err));
	assert_int_equal(ret, -EISDIR);
	assert_string_equal(err, "cannot read kallsyms /tmp: Is a directory");
	assert_true(dso_kernel_file_unread(ret));
	ret = dso_cache_load_kernel(c, NULL, "/nonexistent/kallsyms", NULL, err, sizeof(err));
	assert_string_equal(err, "cannot read kallsyms /nonexistent/kallsyms: "
			    "No such file or directory");
	assert_true(dso_kernel_file_unread(ret));
	ret = dso_cache_load_kernel(c, NULL, path, NULL, err, sizeof(err));
	assert_int_equal(ret, -ENOEXEC);
	assert_false(dso_kernel_file_unread(ret));
	assert_false(dso_kernel_file_unread(-ENODATA));
	assert_false(dso_kernel_file_unread(-ESTALE));
	assert_false(dso_kernel_file_unread(0));
	dso_cache_free(c);
	unlink(path);
	free(path);
}

static void test_xz_bounded(void **state)
{
	uint8_t in[8192], enc[16384], *out;
	size_t enc_len = 0, out_len = 0;

	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = i * 7;
	assert_int_equal(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC64, NULL, in, sizeof(in), enc,
						 &enc_len, sizeof(enc)), LZMA_OK);
	out = xz_decompress(enc, enc_len, 1 << 20, &out_len);
	assert_non_null(out);
	assert_int_equal(out_len, sizeof(in));
	assert_memory_equal(out, in, sizeof(in));
	free(out);
	assert_null(xz_decompress(enc, enc_len, 4096, &out_len));	/* larger than allowed */
	assert_null(xz_decompress(enc, enc_len / 2, 1 << 20, &out_len));	/* cut short */
	enc[enc_len / 2] ^= 0xff;
	assert_null(xz_decompress(enc, enc_len, 1 << 20, &out_len));	/* corrupt */
	assert_null(xz_decompress(enc, 0, 1 << 20, &out_len));
}

static void test_not_elf(void **state)
{
	static const char junk[] = "\x7f" "ELF\x02\x01\x01 this is not really an ELF file";
	char *path = write_tmp(junk, sizeof(junk) - 1);
	struct dso_cache *c = dso_cache_new();
	struct dso *d = dso_get(c, path);
	char buf[64];

	assert_non_null(d);
	assert_false(d->missing);
	assert_int_equal(d->nr_syms, 0);
	assert_null(dso_srcline(d, 0x1000, buf, sizeof(buf)));
	assert_ptr_equal(dso_get(c, path), d);
	d = dso_get(c, "/nonexistent/binary");
	assert_true(d->missing);
	assert_null(dso_srcline(d, 0x1000, buf, sizeof(buf)));
	dso_cache_free(c);
	unlink(path);
	free(path);
}

static void count_missing(const struct dso *d, void *ctx)
{
	(void)d;
	(*(int *)ctx)++;
}

/*
 * d, of the file path loaded, is the cache's of path and name, and a
 * mapping of it at start names it name.
 */
static void assert_named(struct dso_cache *c, struct maps *m, struct dso *d, const char *path,
			 const char *name, uint64_t start)
{
	const char *dso, *sym;
	uint64_t off;

	assert_non_null(d);
	assert_false(d->missing);
	assert_string_equal(d->path, path);
	assert_string_equal(d->name, name);
	assert_ptr_equal(dso_get_named(c, path, name), d);
	assert_int_equal(maps_insert(m, start, 0x1000, 0, d), 0);
	maps_lookup(m, start + 0x10, &dso, &sym, &off);
	assert_string_equal(dso, name);
}

/*
 * A dso opened at one path (under --symfs) and printed by another name (as
 * recorded): maps_lookup() gives the name; the cache answers by the path
 * and the name (dso_get: by the path), and a dso missing keeps the path
 * it tried.
 */
static void test_named(void **state)
{
	static const char junk[] = "not ELF: raw code";
	char *path = write_tmp(junk, sizeof(junk) - 1);
	struct dso_cache *c = dso_cache_new();
	struct dso *d = dso_get_named(c, path, "/usr/bin/prog"), *rel;
	const char *dso, *sym;
	uint64_t off;
	struct maps m = { 0 };
	int missing = 0;

	assert_named(c, &m, d, path, "/usr/bin/prog", 0x400000);
	assert_ptr_equal(dso_get(c, path), d);
	/*
	 * the same file recorded as a relative name (under --symfs both open
	 * DIR/usr/bin/prog): a dso of its own, printed as recorded (it was
	 * the first one, printed /usr/bin/prog)
	 */
	rel = dso_get_named(c, path, "usr/bin/prog");
	assert_ptr_not_equal(rel, d);
	assert_named(c, &m, rel, path, "usr/bin/prog", 0x500000);
	assert_ptr_equal(dso_get(c, path), d);
	maps_lookup(&m, 0x400010, &dso, &sym, &off);
	assert_string_equal(dso, "/usr/bin/prog");
	d = dso_get(c, "/nonexistent/binary");
	assert_ptr_equal(d->name, d->path);
	d = dso_get_named(c, "/symfs/nonexistent/binary", "/nonexistent/binary");
	assert_true(d->missing);
	assert_string_equal(d->path, "/symfs/nonexistent/binary");
	assert_string_equal(d->name, "/nonexistent/binary");
	/* a file that cannot be read is said once, whatever its names */
	assert_true(dso_get_named(c, "/symfs/nonexistent/binary", "nonexistent/binary")->missing);
	dso_cache_for_each_missing(c, count_missing, &missing);
	assert_int_equal(missing, 2);	/* /nonexistent/binary, /symfs/nonexistent/binary */
	maps_free(&m);
	dso_cache_free(c);
	unlink(path);
	free(path);
}

/* The first part of this test binary: ELF headers present, sections cut off. */
static void test_truncated_elf(void **state)
{
	FILE *f = fopen("/proc/self/exe", "rb");
	static char head[64 * 1024];
	size_t n;
	char *path;
	struct dso_cache *c = dso_cache_new();
	struct dso *d;
	char buf[256];
	const char *dso, *sym;
	uint64_t off;
	struct maps m = { 0 };

	assert_non_null(f);
	n = fread(head, 1, sizeof(head), f);
	fclose(f);
	path = write_tmp(head, n);
	d = dso_get(c, path);
	assert_non_null(d);
	assert_int_equal(maps_insert(&m, 0x400000, 0x10000, 0, d), 0);
	maps_symbolize(&m, 0x401000, buf, sizeof(buf), &dso, &sym, &off);
	maps_srcline(&m, 0x401000, buf, sizeof(buf));
	maps_free(&m);
	dso_cache_free(c);
	unlink(path);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_maps_split),
		cmocka_unit_test(test_maps_overlap_edges),
		cmocka_unit_test(test_kallsyms),
		cmocka_unit_test(test_alias_choice),
		cmocka_unit_test(test_kallsyms_hidden),
		cmocka_unit_test(test_kallsyms_not_kallsyms),
		cmocka_unit_test(test_kernel_file_unread),
		cmocka_unit_test(test_xz_bounded),
		cmocka_unit_test(test_not_elf),
		cmocka_unit_test(test_named),
		cmocka_unit_test(test_truncated_elf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
