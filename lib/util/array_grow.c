// SPDX-License-Identifier: GPL-2.0
/*
 * array_grow.c - the doubling growth of realloc'd arrays (array_grow.h).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "array_grow.h"

size_t array_grown_cap(size_t cap, size_t need, size_t elem, size_t first)
{
	size_t n = cap ? cap : (first ? first : 1);

	while (n < need) {
		if (n > SIZE_MAX / 2)
			return 0;
		n *= 2;
	}
	return elem && n > SIZE_MAX / elem ? 0 : n;
}

int array_grow(void **v, size_t *cap, size_t need, size_t elem, size_t first)
{
	size_t n;
	void *nv;

	if (need <= *cap)
		return 0;
	n = array_grown_cap(*cap, need, elem, first);
	if (!n)
		return -ENOMEM;
	nv = realloc(*v, n * elem);
	if (!nv)
		return -ENOMEM;
	*v = nv;
	*cap = n;
	return 0;
}

int array_grow_zeroed(void **v, size_t *cap, size_t need, size_t elem, size_t first)
{
	size_t old = *cap;
	int ret = array_grow(v, cap, need, elem, first);

	if (!ret && *cap > old)
		memset((char *)*v + old * elem, 0, (*cap - old) * elem);
	return ret;
}
