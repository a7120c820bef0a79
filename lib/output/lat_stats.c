// SPDX-License-Identifier: GPL-2.0
/*
 * lat_stats.c - a report row's latencies (see lat_stats.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "lib/output/lat_stats.h"
#include "lib/util/array_grow.h"

int lat_stats_add(struct lat_stats *s, uint32_t lat)
{
	if (ARRAY_GROW(s->v, s->cap, s->n + 1, 64))
		return -ENOMEM;
	s->v[s->n++] = lat;
	s->sum += lat;
	s->sorted = 0;
	return 0;
}

int lat_stats_merge(struct lat_stats *s, const struct lat_stats *from)
{
	if (!from->n)
		return 0;
	if (ARRAY_GROW(s->v, s->cap, s->n + from->n, 64))
		return -ENOMEM;
	memcpy(s->v + s->n, from->v, from->n * sizeof(*s->v));
	s->n += from->n;
	s->sum += from->sum;
	s->sorted = 0;
	return 0;
}

double lat_stats_mean(const struct lat_stats *s)
{
	return s->n ? (double)s->sum / s->n : 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

uint32_t lat_stats_percentile(struct lat_stats *s, unsigned int p)
{
	size_t rank;

	if (!s->n)
		return 0;
	if (!s->sorted) {
		qsort(s->v, s->n, sizeof(*s->v), cmp_u32);
		s->sorted = 1;
	}
	if (p > 100)
		p = 100;
	rank = ((size_t)p * s->n + 99) / 100;	/* ceil(p/100 * n) */
	return s->v[rank ? rank - 1 : 0];
}

void lat_stats_free(struct lat_stats *s)
{
	free(s->v);
	*s = (struct lat_stats){ 0 };
}
