// SPDX-License-Identifier: GPL-2.0
/*
 * aux_join.c - joining AUX records to AUXTRACE chunks (rule in aux_join.h).
 */
#include <string.h>
#include "aux_join.h"

void aux_join_add(struct aux_join *j, const struct aux_join_rec *rec)
{
	if (j->nr == AUX_JOIN_MAX_PENDING) {
		memmove(j->pend, j->pend + 1, (AUX_JOIN_MAX_PENDING - 1) * sizeof(j->pend[0]));
		j->nr--;
	}
	j->pend[j->nr++] = *rec;
}

uint64_t aux_join_take(struct aux_join *j, uint64_t offset, uint64_t size, uint32_t cpu,
		       uint32_t tid, struct aux_join_rec *first)
{
	uint64_t flags = 0, end = offset + size;
	bool found = false;
	int k = 0;

	if (first)
		*first = (struct aux_join_rec){ .cpu = -1, .tid = -1, .pid = -1 };
	for (int i = 0; i < j->nr; i++) {
		struct aux_join_rec *p = &j->pend[i];
		bool cpu_ok = p->cpu < 0 || (int32_t)cpu == -1 || p->cpu == (int32_t)cpu;
		bool tid_ok = p->tid < 0 || (int32_t)tid == -1 || p->tid == (int32_t)tid;
		bool overlap = p->offset < end && offset < p->offset + p->size;

		if (cpu_ok && tid_ok && (overlap || (!p->size && p->offset == offset))) {
			flags |= p->flags;
			if (!found && first)
				*first = *p;
			found = true;
			if (p->offset + p->size <= end)
				continue;	/* consumed */
		}
		j->pend[k++] = *p;
	}
	j->nr = k;
	return flags;
}
