/* SPDX-License-Identifier: GPL-2.0 */
/*
 * array_grow.h - room for one more element (or more) in a realloc'd array:
 * the capacity doubles, from a first size, and a size that would overflow
 * is refused like a failed allocation.
 */
#ifndef AUXREC_ARRAY_GROW_H
#define AUXREC_ARRAY_GROW_H

#include <stddef.h>

/*
 * Makes *v (elements of elem bytes, *cap of them allocated) hold at least
 * need: *cap doubles from first until it does. Returns 0, or -ENOMEM with
 * *v and *cap unchanged.
 */
int array_grow(void **v, size_t *cap, size_t need, size_t elem, size_t first);
/*
 * The capacity array_grow() gives an array of cap elements of elem bytes
 * that must hold need (> cap): cap (first when 0) doubled until it does;
 * 0 when that or its size in bytes would overflow.
 */
size_t array_grown_cap(size_t cap, size_t need, size_t elem, size_t first);

/* array_grow, with the elements it adds (from the old capacity on) zeroed */
int array_grow_zeroed(void **v, size_t *cap, size_t need, size_t elem, size_t first);
/*
 * The check that there is room already, made inline (outputs grow their
 * arrays once per event), then the functions above when there is not.
 */
static inline int array_room(void **v, size_t *cap, size_t need, size_t elem, size_t first)
{
	return need <= *cap ? 0 : array_grow(v, cap, need, elem, first);
}

static inline int array_room_zeroed(void **v, size_t *cap, size_t need, size_t elem,
				    size_t first)
{
	return need <= *cap ? 0 : array_grow_zeroed(v, cap, need, elem, first);
}

/* array_grow for an array variable v of any type with a size_t capacity */
#define ARRAY_GROW(v, cap, need, first) \
	array_room((void **)&(v), &(cap), (need), sizeof(*(v)), (first))
#define ARRAY_GROW_ZEROED(v, cap, need, first) \
	array_room_zeroed((void **)&(v), &(cap), (need), sizeof(*(v)), (first))

#endif
