// SPDX-License-Identifier: GPL-2.0
/*
 * test_session.c - the kernel's map through a recording: record's
 * synthesize_kernel_mmap() from a kallsyms text writes perf's
 * "[kernel.kallsyms]_text" MMAP (pgoff = runtime _text), and the session
 * reading it back keeps _text's runtime address for relocating a vmlinux
 * (KASLR) instead of taking it for a process's mapping.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "session.h"
#include "synthesize.h"

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static int no_piece(void *ctx, struct session *s, const struct session_piece *p)
{
	return 0;
}

/* Writes a recording whose kernel map comes from kallsyms text KS; returns synthesize's result. */
static int record_with(const char *data, const char *ks_path, const char *ks)
{
	struct perf_event_attr attr = { .type = 10, .size = sizeof(attr), .sample_id_all = 1,
					.sample_type = PERF_SAMPLE_TID | PERF_SAMPLE_TIME |
						       PERF_SAMPLE_IDENTIFIER };
	uint64_t id = 5;
	struct pd_writer *w;
	int idx, ret;

	write_text(ks_path, ks);
	assert_int_equal(pd_writer_create(data, &w, NULL, 0), 0);
	idx = pd_writer_add_attr(w, &attr, &id, 1, "ev");
	assert_true(idx >= 0);
	ret = synthesize_kernel_mmap(w, idx, ks_path);
	assert_int_equal(pd_writer_finish(w), 0);
	return ret;
}

static void test_kernel_map_roundtrip(void **state)
{
	char data[64], ks[64], err[256];
	struct session *s;

	snprintf(data, sizeof(data), "/tmp/test_session.%d.data", getpid());
	snprintf(ks, sizeof(ks), "/tmp/test_session.%d.kallsyms", getpid());
	assert_int_equal(record_with(data, ks,
				     "ffffffff9c400000 T _stext\n"
				     "ffffffff9c400000 T _text\n"
				     "ffffffff9c400100 t some_fn\n"
				     "ffffffff9d201d32 T _etext\n"), 0);
	assert_int_equal(session_open(&s, data, NULL, err, sizeof(err)), 0);
	assert_int_equal(session_process(s, no_piece, NULL, err, sizeof(err)), 0);
	assert_string_equal(s->kernel_ref, "_text");
	assert_int_equal(s->kernel_ref_addr, 0xffffffff9c400000ULL);
	assert_null(session_proc(s, -1, false));	/* not a process's mapping */
	session_close(s);

	/* kptr_restrict: nothing written, nothing to relocate by */
	assert_int_equal(record_with(data, ks, "0000000000000000 T _text\n"
					       "0000000000000000 T _etext\n"), -ENOENT);
	assert_int_equal(session_open(&s, data, NULL, err, sizeof(err)), 0);
	assert_int_equal(session_process(s, no_piece, NULL, err, sizeof(err)), 0);
	assert_string_equal(s->kernel_ref, "");
	session_close(s);
	unlink(data);
	unlink(ks);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernel_map_roundtrip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
