// SPDX-License-Identifier: GPL-2.0
/*
 * switch_timeline.c - per-CPU lists of context switches kept sorted by
 * time (see switch_timeline.h); a per-task switch out is kept as a marker
 * that a lookup resolves to the switch in after it. A CPU's switch records come from its own
 * ring, in time order, so an insertion walks back over a few newer ones at
 * most; one that would go further back (a damaged file) is dropped rather
 * than letting a hostile file make insertion quadratic.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "lib/util/array_grow.h"
#include "switch_timeline.h"

#define MAX_CPUS 65536
#define MAX_WALK_BACK 256
#define MAX_OUTS_IN_A_ROW 256	/* switches out passed looking for the next in */

int switch_timeline_add(struct switch_timeline *tl, uint32_t cpu, uint64_t time, int32_t pid,
			int32_t tid, bool per_task)
{
	struct switch_cpu *c;
	size_t i;

	if (cpu >= MAX_CPUS)
		return -EINVAL;
	if (cpu >= tl->nr_cpus) {
		size_t n = cpu + 1;
		struct switch_cpu *nv = realloc(tl->cpus, n * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		memset(nv + tl->nr_cpus, 0, (n - tl->nr_cpus) * sizeof(*nv));
		tl->cpus = nv;
		tl->nr_cpus = n;
	}
	c = &tl->cpus[cpu];
	if (ARRAY_GROW(c->v, c->cap, c->nr + 1, 64))
		return -ENOMEM;
	for (i = c->nr; i && c->v[i - 1].time > time; i--)
		if (c->nr - i >= MAX_WALK_BACK)
			return -ERANGE;
	memmove(c->v + i + 1, c->v + i, (c->nr - i) * sizeof(*c->v));
	c->v[i] = (struct switch_in){ .time = time, .pid = pid, .tid = tid, .per_task = per_task };
	c->nr++;
	return 0;
}

int switch_timeline_add_out(struct switch_timeline *tl, uint32_t cpu, uint64_t time)
{
	return switch_timeline_add(tl, cpu, time, SWITCH_NEXT_IN, SWITCH_NEXT_IN, true);
}

/*
 * The switch in that owns the trace from c->v[i] on: itself, or for a
 * switch out the next switch in, or failing that the one before.
 */
static const struct switch_in *owner_from(const struct switch_cpu *c, size_t i)
{
	for (size_t k = i; k < c->nr && k - i < MAX_OUTS_IN_A_ROW; k++)
		if (c->v[k].tid != SWITCH_NEXT_IN)
			return &c->v[k];
	for (size_t k = i; k-- > 0 && i - k < MAX_OUTS_IN_A_ROW;)
		if (c->v[k].tid != SWITCH_NEXT_IN)
			return &c->v[k];
	return NULL;
}

bool switch_timeline_has(const struct switch_timeline *tl, int32_t cpu)
{
	return cpu >= 0 && (size_t)cpu < tl->nr_cpus && tl->cpus[cpu].nr;
}

const struct switch_in *switch_timeline_at(const struct switch_timeline *tl, int32_t cpu,
					   uint64_t time, uint64_t *next)
{
	const struct switch_cpu *c;
	size_t lo = 0, hi;

	*next = UINT64_MAX;
	if (!switch_timeline_has(tl, cpu))
		return NULL;
	c = &tl->cpus[cpu];
	hi = c->nr;
	while (lo < hi) {	/* first entry after time */
		size_t mid = lo + (hi - lo) / 2;

		if (c->v[mid].time <= time)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < c->nr)
		*next = c->v[lo].time;
	if (lo)
		return owner_from(c, lo - 1);
	/* before the first: a per-task switch in is written after its enable */
	return c->v[0].per_task && c->v[0].tid != SWITCH_NEXT_IN ? &c->v[0] : NULL;
}

void switch_timeline_free(struct switch_timeline *tl)
{
	for (size_t i = 0; i < tl->nr_cpus; i++)
		free(tl->cpus[i].v);
	free(tl->cpus);
	memset(tl, 0, sizeof(*tl));
}
