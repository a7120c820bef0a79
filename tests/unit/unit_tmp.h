/* SPDX-License-Identifier: GPL-2.0 */
/*
 * unit_tmp.h - a temporary file holding given bytes, for the unit tests
 * of readers that take a path (kallsyms, ELF files). Include after
 * <cmocka.h>.
 */
#ifndef AUXREC_UNIT_TMP_H
#define AUXREC_UNIT_TMP_H

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A new file /tmp/auxrec-test.XXXXXX of the LEN bytes of TEXT; its malloc'd path. */
static inline char *write_tmp(const char *text, size_t len)
{
	char *path = strdup("/tmp/auxrec-test.XXXXXX");
	int fd;

	assert_non_null(path);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
	return path;
}

#endif
