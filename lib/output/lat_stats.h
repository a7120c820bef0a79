/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lat_stats.h - the latencies of a report row: every value kept, so that
 * after decoding a row gives its count, mean, maximum and percentiles
 * (nearest rank, as `perf mem`-style reports give them).
 */
#ifndef AUXREC_LAT_STATS_H
#define AUXREC_LAT_STATS_H

#include <stddef.h>
#include <stdint.h>

struct lat_stats {
	uint32_t *v;
	size_t n, cap;
	uint64_t sum;
	int sorted;
};

/* Returns 0 or -ENOMEM. */
int lat_stats_add(struct lat_stats *s, uint32_t lat);
/* Appends the values of from to s; returns 0 or -ENOMEM. */
int lat_stats_merge(struct lat_stats *s, const struct lat_stats *from);
/* The mean, 0 when empty. */
double lat_stats_mean(const struct lat_stats *s);
/*
 * The p-th percentile (0 < p <= 100) by nearest rank: the smallest value
 * at least p% of the values are at or below; 0 when empty. Sorts s once.
 */
uint32_t lat_stats_percentile(struct lat_stats *s, unsigned int p);
void lat_stats_free(struct lat_stats *s);

#endif
