// SPDX-License-Identifier: GPL-2.0
/*
 * test_mapped_files.c - lib/util/mapped_files.c, in child processes: a
 * read past the new end of a noted mapping's file (cut by ftruncate)
 * exits with status 1 and one line naming the file; a mapping not noted,
 * or forgotten again, dies of SIGBUS as before; a full table refuses.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <cmocka.h>
#include "lib/util/mapped_files.h"

enum noting { NOTED, NOT_NOTED, FORGOTTEN };

/*
 * In a child: maps a two-page file at path, notes it as `noting` says,
 * cuts the file to nothing and reads its second page. Returns the child's
 * wait status; its standard error goes to err.
 */
static int read_after_cut(const char *path, enum noting noting, char *err, size_t errlen)
{
	long page = sysconf(_SC_PAGESIZE);
	int fds[2], status;
	ssize_t n;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
		volatile const char *m;
		int h;

		dup2(fds[1], STDERR_FILENO);
		if (fd < 0 || ftruncate(fd, 2 * page))
			_exit(2);
		m = mmap(NULL, 2 * page, PROT_READ, MAP_PRIVATE, fd, 0);
		if (m == MAP_FAILED)
			_exit(2);
		mapped_files_guard();
		h = noting == NOT_NOTED ? -1 : mapped_file_add((const void *)m, 2 * page, path);
		if (noting != NOT_NOTED && h < 0)
			_exit(3);
		if (noting == FORGOTTEN)
			mapped_file_remove(h);
		if (ftruncate(fd, 0))
			_exit(2);
		(void)m[page];
		_exit(0);
	}
	close(fds[1]);
	for (size_t got = 0;; got += n) {	/* to the end: the child's exit */
		n = read(fds[0], err + got, errlen - 1 - got);
		if (n <= 0) {
			err[got] = 0;
			break;
		}
	}
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static void named(void **unused)
{
	char path[] = "/tmp/test_mapped_files.XXXXXX", err[512], want[512];
	int fd = mkstemp(path), status;

	(void)unused;
	assert_true(fd >= 0);
	close(fd);
	status = read_after_cut(path, NOTED, err, sizeof(err));
	unlink(path);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 1);
	snprintf(want, sizeof(want),
		 "auxrec: error: %s got shorter while it was read (truncated, or rewritten in place)\n",
		 path);
	assert_string_equal(err, want);
}

static void not_ours(void **unused)
{
	char path[] = "/tmp/test_mapped_files.XXXXXX", err[512];
	int fd = mkstemp(path), status;

	(void)unused;
	assert_true(fd >= 0);
	close(fd);
	for (enum noting k = NOT_NOTED; k <= FORGOTTEN; k++) {
		status = read_after_cut(path, k, err, sizeof(err));
		assert_true(WIFSIGNALED(status));
		assert_int_equal(WTERMSIG(status), SIGBUS);
		assert_string_equal(err, "");
	}
	unlink(path);
}

static void full_table(void **unused)
{
	static char bytes[8192];
	int h, first = -1, n = 0;

	(void)unused;
	while ((h = mapped_file_add(bytes, sizeof(bytes), "x")) >= 0) {
		if (first < 0)
			first = h;
		n++;
	}
	assert_true(n >= 1024);
	mapped_file_remove(first);
	assert_int_equal(mapped_file_add(bytes, sizeof(bytes), "y"), first);
	assert_int_equal(mapped_file_add(NULL, 1, "z"), -1);
	assert_int_equal(mapped_file_add(bytes, 0, "z"), -1);
	mapped_file_remove(-1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(named),
		cmocka_unit_test(not_ours),
		cmocka_unit_test(full_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
