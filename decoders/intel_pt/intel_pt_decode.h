/* SPDX-License-Identifier: GPL-2.0 */
/*
 * intel_pt_decode.h - Intel PT's decode operations (decoder_ops).
 */
#ifndef AUXREC_INTEL_PT_DECODE_H
#define AUXREC_INTEL_PT_DECODE_H

#include <stddef.h>
#include <stdint.h>

struct decode_opts;
struct aux_chunk;

void *intel_pt_decode_begin(const struct decode_opts *opts);
int intel_pt_decode_chunk(void *state, const struct aux_chunk *chunk);
void intel_pt_decode_end(void *state);
long intel_pt_split_next(const struct aux_chunk *chunk, size_t from);
int intel_pt_decode_range(void *state, const struct aux_chunk *chunk, size_t start, size_t end);
int intel_pt_decode_join(void *state, void *next, size_t end, uint64_t *drop);
int intel_pt_range_take_over(void *state, uint64_t drop);
bool intel_pt_range_used_before(const void *state);

#endif
