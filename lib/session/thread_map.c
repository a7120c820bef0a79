// SPDX-License-Identifier: GPL-2.0
/*
 * thread_map.c - the threads of a recording (see thread_map.h): an array of
 * (tid, pid, names by time) found through a hash index by tid, and the
 * names, each allocated on its own so that events may keep pointers to
 * them.
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

/*
 * How far back a late record's name is moved among a thread's names:
 * records come in nearly in time order (perf writes a round's records
 * sorted); a file whose names go back further, a damaged or hostile one,
 * gets them that far back and no further, not a quadratic sort.
 */
#define LATE_NAMES	64

/*
 * t takes comm (kept by the map) from time on: into its names in time
 * order, after those of the same time.
 */
static int add_name(struct thread_pid *t, const char *comm, uint64_t time)
{
	size_t i;

	if (ARRAY_GROW(t->names, t->cap_names, t->nr_names + 1, 2))
		return -ENOMEM;
	for (i = t->nr_names; i > 0 && t->names[i - 1].time > time &&
			      t->nr_names - i < LATE_NAMES; i--)
		t->names[i] = t->names[i - 1];
	t->names[i] = (struct thread_name){ .time = time, .comm = comm };
	t->nr_names++;
	return 0;
}

/*
 * The name t had at time (0: its latest by time), and in *next (when not
 * NULL) when it next changes: see thread_map_comm_at().
 */
static const char *name_at(const struct thread_pid *t, uint64_t time, uint64_t *next)
{
	size_t lo = 0, hi, at;

	if (next)
		*next = UINT64_MAX;
	if (!t->nr_names)
		return NULL;
	if (!time)
		return t->names[t->nr_names - 1].comm;
	/* the first name later than time: names[lo] */
	for (hi = t->nr_names; lo < hi;) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->names[mid].time <= time)
			lo = mid + 1;
		else
			hi = mid;
	}
	at = lo ? lo - 1 : 0;
	if (next && at + 1 < t->nr_names)
		*next = t->names[at + 1].time;
	return t->names[at].comm;
}

int thread_map_set_comm(struct thread_map *m, int tid, int pid, const char *name, size_t len,
			uint64_t time)
{
	struct thread_pid *t = get(m, tid, pid);
	size_t n = strnlen(name, len < 15 ? len : 15);
	const char *was;
	char *copy;

	if (!t)
		return -ENOMEM;
	/* the name it has at that time already (a late record's time counts) */
	was = name_at(t, time, NULL);
	if (was && strlen(was) == n && !memcmp(was, name, n))
		return 0;
	if (ARRAY_GROW(m->names, m->cap_names, m->nr_names + 1, 64))
		return -ENOMEM;
	copy = malloc(n + 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, name, n);
	copy[n] = 0;
	m->names[m->nr_names++] = copy;
	return add_name(t, copy, time);
}

int thread_map_fork(struct thread_map *m, int tid, int pid, int ptid, uint64_t time)
{
	const char *comm = thread_map_comm_at(m, ptid, time, NULL);
	struct thread_pid *t = get(m, tid, pid);

	if (!t)
		return -ENOMEM;
	return comm ? add_name(t, comm, time) : 0;
}

int thread_map_pid(const struct thread_map *m, int tid)
{
	const struct thread_pid *t = find(m, tid);

	return t ? t->pid : -1;
}

const char *thread_map_comm(const struct thread_map *m, int tid)
{
	return thread_map_comm_at(m, tid, 0, NULL);
}

const char *thread_map_comm_at(const struct thread_map *m, int tid, uint64_t time,
			       uint64_t *next)
{
	const struct thread_pid *t = find(m, tid);

	if (!t && next)
		*next = UINT64_MAX;
	return t ? name_at(t, time, next) : NULL;
}

void thread_map_free(struct thread_map *m)
{
	for (size_t i = 0; i < m->nr; i++)
		free(m->v[i].names);
	for (size_t i = 0; i < m->nr_names; i++)
		free(m->names[i]);
	free(m->names);
	free(m->v);
	slot_index_free(&m->index);
	*m = (struct thread_map){ 0 };
}
