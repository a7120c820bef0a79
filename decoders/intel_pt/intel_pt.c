// SPDX-License-Identifier: GPL-2.0
/*
 * intel_pt.c - the intel_pt entry of the decoder registry: its
 * decoder_ops table, joining the record side (intel_pt_record.c), the
 * packet descriptions (pt_describe.c) and the flow decode (intel_pt_decode.c).
 */
#include "decoders/decoder.h"
#include "intel_pt_decode.h"
#include "intel_pt_record.h"
#include "pt_describe.h"

const struct decoder_ops intel_pt_decoder = {
	.abi_version = DECODER_ABI_VERSION,
	.name = "intel_pt",
	.description = "Intel Processor Trace",
	.auxtrace_type = AUXTRACE_TYPE_INTEL_PT,
	.default_terms = intel_pt_default_terms,
	.info_priv = intel_pt_info_priv,
	.packets = &pt_packet_ops,
	.decode_begin = intel_pt_decode_begin,
	.decode_chunk = intel_pt_decode_chunk,
	.decode_end = intel_pt_decode_end,
	.split_next = intel_pt_split_next,
	.decode_range = intel_pt_decode_range,
	.decode_join = intel_pt_decode_join,
	.range_take_over = intel_pt_range_take_over,
	.range_used_before = intel_pt_range_used_before,
	.windows = true,
};
