// SPDX-License-Identifier: GPL-2.0
/*
 * test_session.c - the kernel's map through a recording: record's
 * synthesize_kernel_mmap() from a kallsyms text writes perf's
 * "[kernel.kallsyms]_text" MMAP (pgoff = runtime _text), and the session
 * reading it back keeps _text's runtime address for relocating a vmlinux
 * (KASLR) instead of taking it for a process's mapping; processes found by
 * pid among thousands; threads found by tid through their COMM and FORK
 * records.
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
#include "lib/session/session.h"
#include "lib/record/synthesize.h"
#include "lib/perf_data/perf_records.h"

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

/* Reads the recording DATA back: its kernel reference must be REF at ADDR. */
static void check_kernel_ref(const char *data, const char *ref, uint64_t addr)
{
	struct session *s;
	char err[256];

	assert_int_equal(session_open(&s, data, NULL, err, sizeof(err)), 0);
	assert_int_equal(session_process(s, no_piece, NULL, err, sizeof(err)), 0);
	assert_string_equal(s->kernel_ref, ref);
	assert_int_equal(s->kernel_ref_addr, addr);
	assert_null(session_proc(s, -1, false));	/* not a process's mapping */
	session_close(s);
}

static void test_kernel_map_roundtrip(void **state)
{
	char data[64], ks[64];

	snprintf(data, sizeof(data), "/tmp/test_session.%d.data", getpid());
	snprintf(ks, sizeof(ks), "/tmp/test_session.%d.kallsyms", getpid());
	assert_int_equal(record_with(data, ks,
				     "ffffffff9c400000 T _stext\n"
				     "ffffffff9c400000 T _text\n"
				     "ffffffff9c400100 t some_fn\n"
				     "ffffffff9d201d32 T _etext\n"), 0);
	check_kernel_ref(data, "_text", 0xffffffff9c400000ULL);

	/*
	 * No _text: _stext is the reference (perf's order), not a module's
	 * symbol of that name, nor a malformed line's
	 */
	assert_int_equal(record_with(data, ks,
				     "ffffffff9c400000 TT _text\n"
				     "ffffffff9c400010 T _stext\n"
				     "ffffffff9d201d32 T _etext\n"
				     "ffffffffc0001000 t _text\t[mod]\n"), 0);
	check_kernel_ref(data, "_stext", 0xffffffff9c400010ULL);

	/* kptr_restrict: nothing written, nothing to relocate by */
	assert_int_equal(record_with(data, ks, "0000000000000000 T _text\n"
					       "0000000000000000 T _etext\n"), -ENOENT);
	check_kernel_ref(data, "", 0);
	unlink(data);
	unlink(ks);
}

/* Processes by pid: thousands, created and looked up in any order. */
static void test_proc_lookup(void **state)
{
	char data[64], ks[64], err[256];
	struct session *s;

	(void)state;
	snprintf(data, sizeof(data), "/tmp/test_session.%d.data", getpid());
	snprintf(ks, sizeof(ks), "/tmp/test_session.%d.kallsyms", getpid());
	assert_int_equal(record_with(data, ks, "ffffffff9c400000 T _text\n"), 0);
	assert_int_equal(session_open(&s, data, NULL, err, sizeof(err)), 0);
	for (int i = 0; i < 3000; i++) {
		int pid = (i * 7907) % 32768 + 1;	/* distinct: 7907 is prime to 32768 */
		struct proc *p = session_proc(s, pid, true);

		assert_non_null(p);
		assert_int_equal(p->pid, pid);
		assert_ptr_equal(session_proc(s, pid, false), p);
		if (i % 2)
			p->gen = (unsigned int)pid;	/* found again below, not a new one */
	}
	assert_int_equal(s->nr_procs, 3000);
	for (int i = 0; i < 3000; i++) {
		int pid = (i * 7907) % 32768 + 1;
		struct proc *p = session_proc(s, pid, i % 3 == 0);

		assert_non_null(p);
		assert_int_equal(p->pid, pid);
		assert_int_equal(p->gen, i % 2 ? (unsigned int)pid : 0);
	}
	assert_int_equal(s->nr_procs, 3000);
	assert_null(session_proc(s, 32769, false));
	assert_null(session_proc(s, 0, false));
	assert_non_null(session_proc(s, 0, true));
	assert_int_equal(s->nr_procs, 3001);
	session_close(s);
	unlink(data);
	unlink(ks);
}


static void put_comm(struct pd_writer *w, uint32_t pid, uint32_t tid, const char *name)
{
	struct {
		struct perf_rec_comm c;
		char name[16];
	} rec = { .c = { .header = { .type = PERF_RECORD_COMM, .size = sizeof(rec) },
			 .pid = pid, .tid = tid } };

	snprintf(rec.name, sizeof(rec.name), "%s", name);
	assert_int_equal(pd_write_record(w, &rec.c.header), 0);
}

static void put_fork(struct pd_writer *w, uint32_t pid, uint32_t tid, uint32_t ppid)
{
	struct perf_rec_fork f = { .header = { .type = PERF_RECORD_FORK, .size = sizeof(f) },
				   .pid = pid, .ppid = ppid, .tid = tid, .ptid = ppid };

	assert_int_equal(pd_write_record(w, &f.header), 0);
}

/*
 * A thread's process: a thread named by a COMM record of its own (as
 * record synthesizes for threads running before it) or by the FORK that
 * made it belongs to that record's pid; a main thread to itself; a thread
 * no record named to no process. Its name: its own COMM's, else the one of
 * the thread that forked it (perf's thread__fork), else unknown.
 */
static void test_thread_proc(void **state)
{
	struct perf_event_attr attr = { .type = 10, .size = sizeof(attr) };
	uint64_t id = 5;
	char data[64], err[256];
	struct pd_writer *w;
	struct session *s;

	(void)state;
	snprintf(data, sizeof(data), "/tmp/test_session.%d.threads.data", getpid());
	assert_int_equal(pd_writer_create(data, &w, NULL, 0), 0);
	assert_true(pd_writer_add_attr(w, &attr, &id, 1, "ev") >= 0);
	put_comm(w, 100, 100, "main");
	put_comm(w, 100, 101, "worker");
	put_fork(w, 100, 102, 100);	/* a thread made while recording */
	put_fork(w, 200, 200, 100);	/* a process */
	put_comm(w, 300, 300, "other");
	put_comm(w, 300, 103, "moved");	/* a later record wins */
	put_comm(w, 100, 103, "moved");
	assert_int_equal(pd_writer_finish(w), 0);

	assert_int_equal(session_open(&s, data, NULL, err, sizeof(err)), 0);
	assert_int_equal(session_process(s, no_piece, NULL, err, sizeof(err)), 0);
	assert_non_null(session_thread_proc(s, 100));
	assert_int_equal(session_thread_proc(s, 100)->pid, 100);
	assert_string_equal(session_thread_proc(s, 100)->comm, "main");
	assert_int_equal(session_thread_proc(s, 101)->pid, 100);
	assert_int_equal(session_thread_proc(s, 102)->pid, 100);
	assert_int_equal(session_thread_proc(s, 103)->pid, 100);
	assert_int_equal(session_thread_proc(s, 200)->pid, 200);
	assert_int_equal(session_thread_proc(s, 300)->pid, 300);
	assert_null(session_thread_proc(s, 104));
	/* names as perf script prints them: the thread's own, its parent's at fork, else none */
	assert_string_equal(session_thread_comm(s, 100, session_thread_proc(s, 100)), "main");
	assert_string_equal(session_thread_comm(s, 101, session_thread_proc(s, 101)), "worker");
	assert_string_equal(session_thread_comm(s, 102, session_thread_proc(s, 102)), "main");
	assert_string_equal(session_thread_comm(s, 103, session_thread_proc(s, 103)), "moved");
	assert_string_equal(session_thread_comm(s, 200, session_thread_proc(s, 200)), "main");
	assert_null(session_thread_comm(s, 104, NULL));
	session_close(s);
	unlink(data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernel_map_roundtrip),
		cmocka_unit_test(test_proc_lookup),
		cmocka_unit_test(test_thread_proc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
