/* SPDX-License-Identifier: GPL-2.0 */
/*
 * intel_bts.h - the intel_bts decoder's shared definitions: the 24-byte
 * branch record Intel BTS writes into the AUX area (perf's struct branch
 * in tools/perf/util/intel-bts.c), perf's AUXTRACE_INFO private word
 * indexes (tools/perf/util/intel-bts.h), and the operations intel_bts.c
 * registers.
 */
#ifndef AUXREC_INTEL_BTS_H
#define AUXREC_INTEL_BTS_H

#include <endian.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "decoders/decoder.h"

#define BTS_RECORD_SIZE	24
#define BTS_MISC_PRED	0x10	/* perf's dump: "pred", else "miss" */

/* One record, little-endian in the AUX area. */
struct bts_record {
	uint64_t from, to, misc;
};

/* The record at p (BTS_RECORD_SIZE bytes, any alignment). */
static inline void bts_record_get(const uint8_t *p, struct bts_record *r)
{
	uint64_t v[3];

	memcpy(v, p, sizeof(v));
	r->from = le64toh(v[0]);
	r->to = le64toh(v[1]);
	r->misc = le64toh(v[2]);
}

enum intel_bts_info_word {
	INTEL_BTS_PMU_TYPE,
	INTEL_BTS_TIME_SHIFT,
	INTEL_BTS_TIME_MULT,
	INTEL_BTS_TIME_ZERO,
	INTEL_BTS_CAP_USER_TIME_ZERO,
	INTEL_BTS_SNAPSHOT_MODE,
	INTEL_BTS_PRIV_MAX,
};

/* packet_desc.err of a trailing record shorter than BTS_RECORD_SIZE */
#define BTS_ERR_PARTIAL	1

extern const struct packet_ops bts_packet_ops;

int intel_bts_info_priv(const struct aux_record_ctx *ctx, uint64_t *priv, size_t max);

void *intel_bts_decode_begin(const struct decode_opts *opts);
int intel_bts_decode_chunk(void *state, const struct aux_chunk *chunk);
void intel_bts_decode_end(void *state);
long intel_bts_split_next(const struct aux_chunk *chunk, size_t from);
int intel_bts_decode_range(void *state, const struct aux_chunk *chunk, size_t start, size_t end);
int intel_bts_decode_join(void *state, void *next, size_t end, uint64_t *drop);
int intel_bts_range_take_over(void *state, uint64_t drop);
bool intel_bts_range_used_before(const void *state);

#endif
