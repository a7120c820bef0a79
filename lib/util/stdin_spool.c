// SPDX-License-Identifier: GPL-2.0
/*
 * stdin_spool.c - copies a piped standard input into an unlinked temporary
 * file and puts that file in its place (see stdin_spool.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "lib/util/stdin_spool.h"
#include "lib/util/temp_file.h"
#include "lib/util/write_all.h"

#define SPOOL_BUF	(1 << 16)

/* Copies fd 0 to fd out; 0 or -errno. */
static int copy_stdin(int out)
{
	char *buf = malloc(SPOOL_BUF);
	int ret = 0;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t n = read(0, buf, SPOOL_BUF);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = n < 0 ? -errno : 0;
			break;
		}
		ret = write_all(out, buf, n);
		if (ret)
			break;
	}
	free(buf);
	return ret;
}

int stdin_spool_after(const void *head, size_t n, char *err, size_t errlen)
{
	const char *dir = temp_file_dir("/tmp");
	char path[4096];
	int fd, ret;

	snprintf(path, sizeof(path), "%s/auxrec-stdin.XXXXXX", dir);	/* for messages */
	fd = temp_file_open(dir, "auxrec-stdin");
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "cannot create %s to hold standard input: %s", path,
			 strerror(-ret));
		return ret;
	}
	ret = write_all(fd, head, n);
	if (!ret)
		ret = copy_stdin(fd);
	if (!ret && (lseek(fd, 0, SEEK_SET) < 0 || dup2(fd, 0) < 0))
		ret = -errno;
	if (ret)
		snprintf(err, errlen, "cannot copy standard input to %s: %s", path,
			 strerror(-ret));
	close(fd);
	return ret;
}

int stdin_spool(char *err, size_t errlen)
{
	struct stat st;
	int ret;

	if (fstat(0, &st) < 0) {
		ret = -errno;
		snprintf(err, errlen, "standard input: %s", strerror(-ret));
		return ret;
	}
	if (S_ISREG(st.st_mode))
		return 0;
	return stdin_spool_after(NULL, 0, err, errlen);
}
