// SPDX-License-Identifier: GPL-2.0
/*
 * test_kallsyms.c - lib/symbols/kallsyms.c, the one kallsyms reader: well-formed
 * lines (kernel and "[module]" symbols), malformed ones (missing or extra
 * fields, bad addresses and types), names longer than any fixed buffer,
 * zero addresses (kptr_restrict), early stop and errors from the callback.
 * What the callers make of it is in test_symbols.c (decoding symbols) and
 * test_session.c (the recorder's kernel map).
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
#include "lib/symbols/kallsyms.h"

static void test_parse_good(void **state)
{
	char kern[] = "ffffffff81000000 T _stext\n";
	char mod[] = "ffffffffc0a01000 t ext4_fill_super\t[ext4]\n";
	char short_addr[] = "c1000000 T startup_32";	/* 32-bit, no newline */
	char upper[] = "FFFFFFFF81000000 W weak_fn\r\n";
	struct kallsyms_sym s;

	assert_true(kallsyms_parse_line(kern, &s));
	assert_int_equal(s.addr, 0xffffffff81000000ULL);
	assert_int_equal(s.type, 'T');
	assert_string_equal(s.name, "_stext");
	assert_string_equal(s.module, "");
	assert_true(kallsyms_parse_line(mod, &s));
	assert_int_equal(s.addr, 0xffffffffc0a01000ULL);
	assert_int_equal(s.type, 't');
	assert_string_equal(s.name, "ext4_fill_super");
	assert_string_equal(s.module, "ext4");
	assert_true(kallsyms_parse_line(short_addr, &s));
	assert_int_equal(s.addr, 0xc1000000ULL);
	assert_string_equal(s.name, "startup_32");
	assert_true(kallsyms_parse_line(upper, &s));
	assert_int_equal(s.addr, 0xffffffff81000000ULL);
	assert_string_equal(s.name, "weak_fn");
}

static void test_parse_malformed(void **state)
{
	static const char *const bad[] = {
		"",
		"\n",
		"garbage line\n",
		"ffffffff81000000\n",			/* no type, no name */
		"ffffffff81000000 T\n",			/* no name */
		"ffffffff81000000 TT name\n",		/* two-letter type */
		"0xffffffff81000000 T name\n",		/* not bare hex */
		"-1 T name\n",
		"ffffffffg1000000 T name\n",
		"1ffffffff81000000 T name\n",		/* 17 digits: more than 64 bits */
		"ffffffff81000000 t fn ext4\n",		/* module without brackets */
		"ffffffff81000000 t fn []\n",		/* empty module */
		"ffffffff81000000 t fn [ext4] more\n",	/* a fifth field */
	};
	struct kallsyms_sym s;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *line = strdup(bad[i]);

		assert_non_null(line);
		if (kallsyms_parse_line(line, &s))
			fail_msg("parsed malformed line %zu: \"%s\"", i, bad[i]);
		free(line);
	}
}

struct seen {
	int nr;
	int stop_at;		/* returns 1 at this symbol (1-based), 0: never */
	int fail_at;		/* returns -ENOMEM at this one */
	char names[8][16];
	char modules[8][16];
	uint64_t addrs[8];
	size_t long_len;	/* length of a name longer than 15 bytes */
};

static int collect(void *ctx, const struct kallsyms_sym *sym)
{
	struct seen *s = ctx;
	int i = s->nr++;

	if (strlen(sym->name) > 15)
		s->long_len = strlen(sym->name);
	if (i < 8) {
		snprintf(s->names[i], sizeof(s->names[i]), "%s", sym->name);
		snprintf(s->modules[i], sizeof(s->modules[i]), "%s", sym->module);
		s->addrs[i] = sym->addr;
	}
	if (s->fail_at == s->nr)
		return -ENOMEM;
	return s->stop_at == s->nr;
}

static void test_for_each(void **state)
{
	/* a name of 100000 bytes: longer than KSYM_NAME_LEN or any line buffer */
	size_t long_name = 100000;
	char *text = malloc(long_name + 4096), *p = text, *path;
	struct seen s = { 0 };

	assert_non_null(text);
	p += sprintf(p, "0000000000000000 A fixed_percpu_data\n"
			"ffffffff81000000 T _text\n"
			"not a symbol\n"
			"ffffffff81000100 t ");
	memset(p, 'x', long_name);
	p += long_name;
	p += sprintf(p, "\n"
			"ffffffff81000200 D\n"		/* cut short */
			"ffffffffc0001000 t mod_fn\t[mod]\n"
			"ffffffff81003100 T _etext");	/* no final newline */
	path = write_tmp(text, p - text);
	assert_int_equal(kallsyms_for_each(path, collect, &s), 4);
	assert_int_equal(s.nr, 4);
	assert_string_equal(s.names[0], "_text");
	assert_int_equal(s.addrs[0], 0xffffffff81000000ULL);
	assert_int_equal(s.long_len, long_name);	/* not cut, not split */
	assert_int_equal(s.addrs[1], 0xffffffff81000100ULL);
	assert_string_equal(s.names[2], "mod_fn");
	assert_string_equal(s.modules[2], "mod");
	assert_string_equal(s.names[3], "_etext");
	assert_string_equal(s.modules[3], "");

	/* the callback stops it (> 0) or fails it (< 0) */
	memset(&s, 0, sizeof(s));
	s.stop_at = 2;
	assert_int_equal(kallsyms_for_each(path, collect, &s), 2);
	assert_int_equal(s.nr, 2);
	memset(&s, 0, sizeof(s));
	s.fail_at = 3;
	assert_int_equal(kallsyms_for_each(path, collect, &s), -ENOMEM);
	assert_int_equal(s.nr, 3);
	unlink(path);
	free(path);
	free(text);
}

static void test_for_each_hidden(void **state)
{
	static const char hidden[] = "0000000000000000 T _text\n"
				     "0000000000000000 t x\t[mod]\n";
	static const char none[] = "junk\n\n";
	struct seen s = { 0 };
	char *path = write_tmp(hidden, sizeof(hidden) - 1);

	assert_int_equal(kallsyms_for_each(path, collect, &s), -ENODATA);
	assert_int_equal(s.nr, 0);
	unlink(path);
	free(path);
	path = write_tmp(none, sizeof(none) - 1);
	assert_int_equal(kallsyms_for_each(path, collect, &s), 0);	/* nothing, not hidden */
	unlink(path);
	free(path);
	assert_int_equal(kallsyms_for_each("/nonexistent/kallsyms", collect, &s), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_for_each),
		cmocka_unit_test(test_for_each_hidden),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
