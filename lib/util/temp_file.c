// SPDX-License-Identifier: GPL-2.0
/*
 * temp_file.c - unlinked temporary files (see temp_file.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "lib/util/temp_file.h"

const char *temp_file_dir(const char *fallback)
{
	const char *dir = getenv("TMPDIR");

	return dir && *dir ? dir : fallback;
}

int temp_file_open(const char *dir, const char *stem)
{
	char path[PATH_MAX];
	int fd = open(dir, O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC, 0600);

	/* file systems without O_TMPFILE: a named file, unlinked at once */
	if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL))
		return fd;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s.XXXXXX", dir, stem) >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = mkostemp(path, O_CLOEXEC);
	if (fd >= 0)
		unlink(path);
	return fd;
}
