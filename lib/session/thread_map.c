// SPDX-License-Identifier: GPL-2.0
/*
 * thread_map.c - the thread to process table of a recording (see
 * thread_map.h): an array of (tid, pid) found through a hash index by tid.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include "lib/util/array_grow.h"
#include "thread_map.h"

static bool tid_matches(const void *ctx, uint32_t idx, const void *key)
{
	const struct thread_map *m = ctx;

	return m->v[idx].tid == *(const int *)key;
}

static uint64_t tid_hash_of(const void *ctx, uint32_t idx)
{
	const struct thread_map *m = ctx;

	return slot_hash_u64((uint32_t)m->v[idx].tid);
}

int thread_map_set(struct thread_map *m, int tid, int pid)
{
	uint32_t *slot;

	if (slot_index_reserve(&m->index, m->nr, 64, tid_hash_of, m))
		return -ENOMEM;
	slot = slot_index_find(&m->index, slot_hash_u64((uint32_t)tid), tid_matches, m, &tid);
	if (*slot) {
		m->v[*slot - 1].pid = pid;
		return 0;
	}
	if (ARRAY_GROW(m->v, m->cap, m->nr + 1, 64))
		return -ENOMEM;
	m->v[m->nr] = (struct thread_pid){ .tid = tid, .pid = pid };
	*slot = (uint32_t)++m->nr;
	return 0;
}

int thread_map_pid(const struct thread_map *m, int tid)
{
	const uint32_t *slot;

	if (!m->index.nslots)
		return -1;
	slot = slot_index_find(&m->index, slot_hash_u64((uint32_t)tid), tid_matches, m, &tid);
	return *slot ? m->v[*slot - 1].pid : -1;
}

void thread_map_free(struct thread_map *m)
{
	free(m->v);
	slot_index_free(&m->index);
	*m = (struct thread_map){ 0 };
}
