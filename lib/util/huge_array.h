/* SPDX-License-Identifier: GPL-2.0 */
/*
 * huge_array.h - growing arrays that get large (tens of megabytes), kept
 * in transparent huge pages once they are (lib/util/huge_array.c): as
 * array_grow.h, but the array is freed with huge_array_free() and its
 * capacity, never with free().
 */
#ifndef AUXREC_HUGE_ARRAY_H
#define AUXREC_HUGE_ARRAY_H

#include <stddef.h>

/* bytes: an array this large or larger lives in a mapping of its own */
#define HUGE_ARRAY_FROM	((size_t)2 << 20)

/*
 * Makes *v (elements of elem bytes, *cap of them allocated) hold at least
 * need: *cap doubles from first until it does. Returns 0, or -ENOMEM with
 * *v and *cap unchanged. A NULL *v with *cap 0 is an empty array.
 */
int huge_array_grow(void **v, size_t *cap, size_t need, size_t elem, size_t first);
/* Frees v, an array of huge_array_grow() with capacity cap. */
void huge_array_free(void *v, size_t cap, size_t elem);

/* huge_array_grow for an array variable v of any type with a size_t capacity */
#define HUGE_ARRAY_GROW(v, cap, need, first) \
	((need) <= (cap) ? 0 : huge_array_grow((void **)&(v), &(cap), (need), sizeof(*(v)), (first)))
#define HUGE_ARRAY_FREE(v, cap)	huge_array_free((v), (cap), sizeof(*(v)))

#endif
