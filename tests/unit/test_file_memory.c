// SPDX-License-Identifier: GPL-2.0
/*
 * test_file_memory.c - lib/util/file_memory.c: buffers in unlinked
 * temporary files of $TMPDIR (written, read back, nothing left in the
 * directory), a directory that cannot hold them, and the room check (free
 * blocks, the file size limit).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <errno.h>
#include <unistd.h>
#include <sys/resource.h>
#include <cmocka.h>
#include "lib/util/file_memory.h"

static char dir[] = "/tmp/test_file_memory.XXXXXX";

static int entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

static int setup(void **unused)
{
	if (!mkdtemp(dir))
		return -1;
	setenv("TMPDIR", dir, 1);
	return 0;
}

static int teardown(void **unused)
{
	rmdir(dir);
	return 0;
}

static void buffer_in_a_file(void **unused)
{
	size_t size = (3u << 20) + 5;
	uint8_t *p;
	int why = 0;

	assert_string_equal(file_memory_dir(), dir);
	assert_true(file_memory_usable(&why));
	p = file_memory_alloc(size);
	assert_non_null(p);
	assert_int_equal(p[0], 0);
	assert_int_equal(p[size - 1], 0);
	for (size_t i = 0; i < size; i += 4096)
		p[i] = (uint8_t)(i >> 12);
	p[size - 1] = 0xa5;
	for (size_t i = 0; i < size; i += 4096)
		assert_int_equal(p[i], (uint8_t)(i >> 12));
	assert_int_equal(p[size - 1], 0xa5);
	/* unlinked: the directory holds nothing, before and after */
	assert_int_equal(entries(dir), 0);
	file_memory_free(p, size);
	assert_int_equal(entries(dir), 0);
}

static void no_directory(void **unused)
{
	char none[sizeof(dir) + 8];
	int why = 0;

	snprintf(none, sizeof(none), "%s/none", dir);
	setenv("TMPDIR", none, 1);
	assert_false(file_memory_usable(&why));
	assert_int_equal(why, ENOENT);
	errno = 0;
	assert_null(file_memory_alloc(4096));
	assert_int_equal(errno, ENOENT);
	assert_false(file_memory_has_room(1, 1, &why));
	assert_int_equal(why, ENOENT);
	setenv("TMPDIR", "", 1);	/* empty: the default */
	assert_string_equal(file_memory_dir(), "/var/tmp");
	setenv("TMPDIR", dir, 1);
}

static void room(void **unused)
{
	struct rlimit old, rl;
	void *p;
	int why = 0;

	assert_true(file_memory_has_room(1 << 20, 1 << 20, &why));
	/* more than any disk has */
	assert_false(file_memory_has_room(UINT64_MAX / 2, 1, &why));
	assert_int_equal(why, ENOSPC);
	/* past the file size limit: EFBIG, no SIGXFSZ */
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	rl = old;
	rl.rlim_cur = 1 << 16;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &rl), 0);
	assert_false(file_memory_has_room(1 << 20, 1 << 17, &why));
	assert_int_equal(why, EFBIG);
	errno = 0;
	assert_null(file_memory_alloc(1 << 17));
	assert_int_equal(errno, EFBIG);
	p = file_memory_alloc(1 << 12);	/* within it */
	assert_non_null(p);
	file_memory_free(p, 1 << 12);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(buffer_in_a_file),
		cmocka_unit_test(no_directory),
		cmocka_unit_test(room),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
