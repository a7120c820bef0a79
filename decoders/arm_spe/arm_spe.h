/* SPDX-License-Identifier: GPL-2.0 */
/*
 * arm_spe.h - the arm_spe decoder's shared definitions: perf's
 * PERF_RECORD_AUXTRACE_INFO private words for ARM SPE in both layouts
 * perf writes (tools/perf/util/arm-spe.h: the original two words, and the
 * versioned header with per-CPU metadata of newer perf), and the
 * operations arm_spe.c registers.
 */
#ifndef AUXREC_ARM_SPE_H
#define AUXREC_ARM_SPE_H

#include <stddef.h>
#include <stdint.h>
#include "decoders/decoder.h"
#include "decoders/arm_spe/spe_packet.h"

/* The original layout (perf 6.1 and before): exactly these two words. */
enum arm_spe_info_v1 {
	ARM_SPE_V1_PMU_TYPE,
	ARM_SPE_V1_PER_CPU_MMAPS,
	ARM_SPE_V1_PRIV_MAX,
};

/* The versioned layout: a header, then one block per CPU. */
enum arm_spe_info_v2 {
	ARM_SPE_HEADER_VERSION,		/* 2 */
	ARM_SPE_HEADER_SIZE,		/* words in the header */
	ARM_SPE_PMU_TYPE_V2,
	ARM_SPE_CPUS_NUM,
	ARM_SPE_V2_HEADER_MAX,
};

enum arm_spe_info_cpu {
	ARM_SPE_CPU_MAGIC,		/* ARM_SPE_CPU_MAGIC_VALUE */
	ARM_SPE_CPU,
	ARM_SPE_CPU_NR_PARAMS,		/* words after this one */
	ARM_SPE_CPU_MIDR,
	ARM_SPE_CPU_PMU_TYPE,
	ARM_SPE_CPU_MIN_IVAL,
	ARM_SPE_CPU_PRIV_MAX,
};

#define ARM_SPE_HEADER_VERSION_2	2
#define ARM_SPE_CPU_MAGIC_VALUE		0x1010101010101010ULL

extern const struct packet_ops spe_packet_ops;

int arm_spe_record_options(const struct record_options_ctx *ctx);
int arm_spe_info_priv(const struct aux_record_ctx *ctx, uint64_t *priv, size_t max);

void *arm_spe_decode_begin(const struct decode_opts *opts);
int arm_spe_decode_chunk(void *state, const struct aux_chunk *chunk);
void arm_spe_decode_end(void *state);

#endif
