// SPDX-License-Identifier: GPL-2.0
/*
 * write_all.c - byte ranges written whole to a file descriptor (see
 * write_all.h).
 */
#include <errno.h>
#include <limits.h>
#include <unistd.h>
#include "lib/util/write_all.h"

int write_all_v(int fd, struct iovec *v, int n, int64_t off, uint64_t *done)
{
	uint64_t dummy;

	if (!done)
		done = &dummy;
	*done = 0;
	while (n && !v->iov_len) {
		v++;
		n--;
	}
	while (n) {
		int cnt = n < IOV_MAX ? n : IOV_MAX;
		ssize_t r = off < 0 ? writev(fd, v, cnt) : pwritev(fd, v, cnt, off + (int64_t)*done);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? -errno : -EIO;
		*done += r;
		while (n && (size_t)r >= v->iov_len) {
			r -= v->iov_len;
			v++;
			n--;
		}
		if (n && r) {
			v->iov_base = (char *)v->iov_base + r;
			v->iov_len -= r;
		}
	}
	return 0;
}

int write_all(int fd, const void *p, size_t n)
{
	struct iovec v = { .iov_base = (void *)p, .iov_len = n };

	return write_all_v(fd, &v, 1, -1, NULL);
}
