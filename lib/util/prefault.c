// SPDX-License-Identifier: GPL-2.0
/*
 * prefault.c - memory whose pages are mapped writable before use (see
 * prefault.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include "lib/util/prefault.h"

/* A larger page size only makes madvise say EINVAL: no harm. */
#define PREFAULT_PAGE	((uintptr_t)4096)

void prefault_write(void *p, size_t len)
{
#ifdef MADV_POPULATE_WRITE
	uintptr_t a = ((uintptr_t)p + PREFAULT_PAGE - 1) & ~(PREFAULT_PAGE - 1);
	uintptr_t e = ((uintptr_t)p + len) & ~(PREFAULT_PAGE - 1);

	if (e > a)
		(void)madvise((void *)a, e - a, MADV_POPULATE_WRITE);
#else
	(void)p;
	(void)len;
#endif
}

void *calloc_prefaulted(size_t n, size_t size)
{
	void *v = calloc(n, size);

	if (v)
		prefault_write(v, n * size);	/* calloc checked n * size */
	return v;
}
