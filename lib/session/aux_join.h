/* SPDX-License-Identifier: GPL-2.0 */
/*
 * aux_join.h - pairs PERF_RECORD_AUX records with the PERF_RECORD_AUXTRACE
 * chunks that carry their bytes, in a file written by auxrec or by perf.
 *
 * Rule: an AUX record is joined to the first AUXTRACE chunk after it in the
 * file whose span [offset, offset+size) overlaps its span
 * [aux_offset, aux_offset+aux_size) and whose cpu (or, per-thread, tid)
 * matches the AUX record's sample_id (unknown matches anything). A chunk
 * gets the OR of the flags of the records joined to it and the sample id of
 * the first of them. This is how perf and auxrec write them: the data ring
 * (AUX records) of a buffer is drained before its AUX area. auxrec writes
 * exactly one chunk per AUX record, right after it.
 */
#ifndef AUXREC_AUX_JOIN_H
#define AUXREC_AUX_JOIN_H

#include <stdbool.h>
#include <stdint.h>

#define AUX_JOIN_MAX_PENDING 4096

struct aux_join_rec {
	uint64_t offset, size, flags;
	int64_t cpu, tid, pid;	/* -1: unknown */
	uint64_t time;		/* 0: unknown */
};

struct aux_join {
	struct aux_join_rec pend[AUX_JOIN_MAX_PENDING];
	int nr;
};

/* Remembers an AUX record (the oldest is forgotten when full). */
void aux_join_add(struct aux_join *j, const struct aux_join_rec *rec);

/*
 * The records joined to a chunk at [offset, offset+size) of CPU/TID ((u32)-1:
 * unknown): returns the OR of their flags and sets *first (when non-NULL) to
 * the first one (cpu, tid, pid -1 when none joined). Records the chunk ends
 * are dropped.
 */
uint64_t aux_join_take(struct aux_join *j, uint64_t offset, uint64_t size, uint32_t cpu,
		       uint32_t tid, struct aux_join_rec *first);

#endif
