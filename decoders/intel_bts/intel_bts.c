// SPDX-License-Identifier: GPL-2.0
/*
 * intel_bts.c - the intel_bts entry of the decoder registry: its
 * decoder_ops table, joining the record side (bts_record.c), the packet
 * descriptions (bts_describe.c) and the decode (bts_decode.c).
 *
 * No default terms: perf's intel_bts PMU has no format terms to choose.
 * The record-side rules are perf's (tools/perf/arch/x86/util/intel-bts.c,
 * intel_bts_recording_options): per thread only, an AUX area of 4 MiB as
 * root and 128 KiB otherwise, at least 8 KiB.
 */
#include "intel_bts.h"

const struct decoder_ops intel_bts_decoder = {
	.abi_version = DECODER_ABI_VERSION,
	.name = "intel_bts",
	.description = "Intel Branch Trace Store",
	.auxtrace_type = AUXTRACE_TYPE_INTEL_BTS,
	.info_priv = intel_bts_info_priv,
	.per_thread_only = true,
	.aux_size_priv = 4 << 20,
	.aux_size_unpriv = 128 << 10,
	.aux_size_min = 8 << 10,
	.packets = &bts_packet_ops,
	.decode_begin = intel_bts_decode_begin,
	.decode_chunk = intel_bts_decode_chunk,
	.decode_end = intel_bts_decode_end,
	.split_next = intel_bts_split_next,
	.decode_range = intel_bts_decode_range,
	.decode_join = intel_bts_decode_join,
	.range_take_over = intel_bts_range_take_over,
	.range_used_before = intel_bts_range_used_before,
	.windows = true,
};
