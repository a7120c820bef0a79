// SPDX-License-Identifier: GPL-2.0
/*
 * arm_spe.c - the arm_spe entry of the decoder registry: its decoder_ops
 * table, joining the packet descriptions (spe_describe.c) and the decode
 * of records into memory-access samples (spe_decode.c). The kernel names
 * the PMU arm_spe_0, arm_spe_1, ... (one per kind of CPU); a recording
 * names it by perf's AUXTRACE type 4.
 */
#include "decoders/arm_spe/arm_spe.h"

const struct decoder_ops arm_spe_decoder = {
	.abi_version = DECODER_ABI_VERSION,
	.name = "arm_spe",
	.description = "ARM Statistical Profiling Extension",
	.auxtrace_type = AUXTRACE_TYPE_ARM_SPE,
	.packets = &spe_packet_ops,
	.decode_begin = arm_spe_decode_begin,
	.decode_chunk = arm_spe_decode_chunk,
	.decode_end = arm_spe_decode_end,
};
