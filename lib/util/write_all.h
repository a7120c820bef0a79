/* SPDX-License-Identifier: GPL-2.0 */
/*
 * write_all.h - all of some byte ranges written to a file descriptor,
 * through short writes and EINTR: at the file position (writev), or at an
 * offset (pwritev).
 */
#ifndef AUXREC_WRITE_ALL_H
#define AUXREC_WRITE_ALL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

/*
 * Writes v[0..n-1] in order to fd, at offset `off`, or at fd's file
 * position when off is negative. v is consumed (its entries are moved on
 * past short writes). *done (may be NULL): the bytes written, also when
 * it fails. Returns 0 or -errno (-EIO: the file took no byte).
 */
int write_all_v(int fd, struct iovec *v, int n, int64_t off, uint64_t *done);

/* Writes n bytes of p to fd at its file position; 0 or -errno. */
int write_all(int fd, const void *p, size_t n);

#endif
