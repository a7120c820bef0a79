// SPDX-License-Identifier: GPL-2.0
/*
 * file_memory.c - buffers in unlinked temporary files (see file_memory.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/statvfs.h>
#include "lib/util/file_memory.h"
#include "lib/util/temp_file.h"

const char *file_memory_dir(void)
{
	return temp_file_dir("/var/tmp");
}

/* A new unlinked temporary file: its fd, or -1 with errno set. */
static int temp_file(void)
{
	return temp_file_open(file_memory_dir(), "auxrec-piece");
}

bool file_memory_usable(int *why)
{
	int fd = temp_file();

	if (fd < 0) {
		*why = errno;
		return false;
	}
	close(fd);
	return true;
}

/* Whether a file of size bytes is within RLIMIT_FSIZE (past it: SIGXFSZ). */
static bool within_file_limit(uint64_t size)
{
	struct rlimit rl;

	return getrlimit(RLIMIT_FSIZE, &rl) || rl.rlim_cur == RLIM_INFINITY ||
	       size <= (uint64_t)rl.rlim_cur;
}

bool file_memory_has_room(uint64_t total, uint64_t largest, int *why)
{
	struct statvfs v;

	if (!within_file_limit(largest)) {
		*why = EFBIG;
		return false;
	}
	if (statvfs(file_memory_dir(), &v)) {
		*why = errno;
		return false;
	}
	if ((uint64_t)v.f_bavail < total / (v.f_frsize ? v.f_frsize : 1) + 1) {
		*why = ENOSPC;
		return false;
	}
	return true;
}

void *file_memory_alloc(size_t size)
{
	int fd, err;
	void *p;

	if (!within_file_limit(size)) {
		errno = EFBIG;
		return NULL;
	}
	fd = temp_file();
	if (fd < 0)
		return NULL;
	/* blocks now: a full disk fails here, not as SIGBUS on a write */
	err = posix_fallocate(fd, 0, (off_t)size);
	if (err) {
		close(fd);
		errno = err;
		return NULL;
	}
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	err = errno;
	close(fd);
	if (p == MAP_FAILED) {
		errno = err;
		return NULL;
	}
	return p;
}

void file_memory_free(void *p, size_t size)
{
	if (p)
		munmap(p, size);
}
