// SPDX-License-Identifier: GPL-2.0
/*
 * thread_map.c - the threads of a recording (see thread_map.h): an array of
 * (tid, pid, name) found through a hash index by tid, and the names, each
 * allocated on its own so that events may keep pointers to them.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
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

static struct thread_pid *find(const struct thread_map *m, int tid)
{
	const uint32_t *slot;

	if (!m->index.nslots)
		return NULL;
	slot = slot_index_find(&m->index, slot_hash_u64((uint32_t)tid), tid_matches, m, &tid);
	return *slot ? &m->v[*slot - 1] : NULL;
}

/* The entry of tid, made when new; its pid set. */
static struct thread_pid *get(struct thread_map *m, int tid, int pid)
{
	uint32_t *slot;

	if (slot_index_reserve(&m->index, m->nr, 64, tid_hash_of, m))
		return NULL;
	slot = slot_index_find(&m->index, slot_hash_u64((uint32_t)tid), tid_matches, m, &tid);
	if (!*slot) {
		if (ARRAY_GROW(m->v, m->cap, m->nr + 1, 64))
			return NULL;
		m->v[m->nr] = (struct thread_pid){ .tid = tid };
		*slot = (uint32_t)++m->nr;
	}
	m->v[*slot - 1].pid = pid;
	return &m->v[*slot - 1];
}

int thread_map_set_comm(struct thread_map *m, int tid, int pid, const char *name, size_t len)
{
	struct thread_pid *t = get(m, tid, pid);
	size_t n = strnlen(name, len < 15 ? len : 15);
	char *copy;

	if (!t)
		return -ENOMEM;
	if (t->comm && strlen(t->comm) == n && !memcmp(t->comm, name, n))
		return 0;
	if (ARRAY_GROW(m->names, m->cap_names, m->nr_names + 1, 64))
		return -ENOMEM;
	copy = malloc(n + 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, name, n);
	copy[n] = 0;
	m->names[m->nr_names++] = copy;
	t->comm = copy;
	return 0;
}

int thread_map_fork(struct thread_map *m, int tid, int pid, int ptid)
{
	const struct thread_pid *parent = find(m, ptid);
	const char *comm = parent ? parent->comm : NULL;
	struct thread_pid *t = get(m, tid, pid);

	if (!t)
		return -ENOMEM;
	if (comm)
		t->comm = comm;
	return 0;
}

int thread_map_pid(const struct thread_map *m, int tid)
{
	const struct thread_pid *t = find(m, tid);

	return t ? t->pid : -1;
}

const char *thread_map_comm(const struct thread_map *m, int tid)
{
	const struct thread_pid *t = find(m, tid);

	return t ? t->comm : NULL;
}

void thread_map_free(struct thread_map *m)
{
	for (size_t i = 0; i < m->nr_names; i++)
		free(m->names[i]);
	free(m->names);
	free(m->v);
	slot_index_free(&m->index);
	*m = (struct thread_map){ 0 };
}
