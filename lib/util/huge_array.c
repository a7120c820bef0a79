// SPDX-License-Identifier: GPL-2.0
/*
 * huge_array.c - arrays that grow to megabytes (the call-stack slices of
 * `auxrec export`, the output a parallel decode unit buffers), backed by
 * transparent huge pages once they are large (huge_array.h).
 *
 * Filled element by element, a large array of malloc faults its memory
 * in one 4 KiB page at a time: on the machines measured, a fifth of the
 * export's time went to those faults. From HUGE_ARRAY_FROM bytes on, the
 * array lives in an anonymous mapping aligned to a huge page, asked to be
 * backed by huge pages (MADV_HUGEPAGE; where the kernel declines, it is an
 * ordinary mapping), and grows by moving its pages to a larger such
 * mapping (mremap), not by copying them.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "lib/util/array_grow.h"
#include "lib/util/huge_array.h"

#define HUGE_PAGE	((size_t)2 << 20)

static size_t mapped_len(size_t bytes)
{
	return (bytes + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
}

/* An anonymous mapping of len bytes (whole huge pages) at a huge page boundary. */
static void *map_aligned(size_t len)
{
	uint8_t *p = mmap(NULL, len + HUGE_PAGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uintptr_t at;
	size_t head;

	if (p == MAP_FAILED)
		return NULL;
	at = ((uintptr_t)p + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
	head = at - (uintptr_t)p;
	if (head)
		munmap(p, head);
	munmap((uint8_t *)at + len, HUGE_PAGE - head);
	madvise((void *)at, len, MADV_HUGEPAGE);
	return (void *)at;
}

int huge_array_grow(void **v, size_t *cap, size_t need, size_t elem, size_t first)
{
	size_t n, old = *cap * elem, bytes;
	void *p;

	if (need <= *cap)
		return 0;
	n = array_grown_cap(*cap, need, elem, first);
	if (!n || !elem || n > (SIZE_MAX - HUGE_PAGE) / elem)
		return -ENOMEM;
	bytes = n * elem;
	if (bytes < HUGE_ARRAY_FROM) {
		p = realloc(*v, bytes);
	} else {
		p = map_aligned(mapped_len(bytes));
		if (p && old >= HUGE_ARRAY_FROM) {
			if (mremap(*v, mapped_len(old), mapped_len(bytes), MREMAP_MAYMOVE | MREMAP_FIXED,
				   p) == MAP_FAILED) {
				munmap(p, mapped_len(bytes));
				p = NULL;
			}
		} else if (p) {
			if (old)
				memcpy(p, *v, old);
			free(*v);
		}
	}
	if (!p)
		return -ENOMEM;
	*v = p;
	*cap = n;
	return 0;
}

void huge_array_free(void *v, size_t cap, size_t elem)
{
	if (cap * elem < HUGE_ARRAY_FROM)
		free(v);
	else
		munmap(v, mapped_len(cap * elem));
}
