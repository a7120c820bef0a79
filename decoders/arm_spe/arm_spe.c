// SPDX-License-Identifier: GPL-2.0
/*
 * arm_spe.c - the arm_spe entry of the decoder registry: its decoder_ops
 * table, joining the record side (spe_record.c), the packet descriptions
 * (spe_describe.c) and the decode of records into memory-access samples
 * (spe_decode.c). The kernel names the PMU arm_spe_0, arm_spe_1, ... (one
 * per kind of CPU: decoder_find_by_name() finds this decoder for each); a
 * recording names it by perf's AUXTRACE type 4. The AUX area sizes are
 * perf's (arm_spe_recording_options): 4 MiB as root, 128 KiB otherwise,
 * at least 8 KiB.
 */
#include "decoders/arm_spe/arm_spe.h"

const struct decoder_ops arm_spe_decoder = {
	.abi_version = DECODER_ABI_VERSION,
	.name = "arm_spe",
	.description = "ARM Statistical Profiling Extension",
	.auxtrace_type = AUXTRACE_TYPE_ARM_SPE,
	.record_options = arm_spe_record_options,
	.info_priv = arm_spe_info_priv,
	.aux_size_priv = 4 << 20,
	.aux_size_unpriv = 128 << 10,
	.aux_size_min = 8 << 10,
	.packets = &spe_packet_ops,
	.decode_begin = arm_spe_decode_begin,
	.decode_chunk = arm_spe_decode_chunk,
	.decode_end = arm_spe_decode_end,
	.windows = true,
};
