// SPDX-License-Identifier: GPL-2.0
/*
 * cs_etm.c - the cs_etm entry of the decoder registry: Arm CoreSight
 * ETMv3/PTM, ETMv4 and ETE instruction trace, decoded through OpenCSD,
 * joining the AUXTRACE_INFO layout (cs_etm_info.c), the packet
 * descriptions (cs_describe.c), the decode (cs_decode.c) and the record
 * side's AUXTRACE_INFO (cs_record.c). The sink is chosen as with perf,
 * `-e cs_etm/@tmc_etr0/` (lib/record/pmu.c), else the kernel picks one.
 * Recording cs_etm is untested on hardware (there is none here); the
 * kernel path is tested against the auxtest module impersonating cs_etm
 * in a guest (tests/vm/t-cs-etm-guest.sh).
 */
#include "cs_etm.h"

const struct decoder_ops cs_etm_decoder = {
	.abi_version = DECODER_ABI_VERSION,
	.name = "cs_etm",
	.description = "Arm CoreSight ETM/ETE (OpenCSD)",
	.auxtrace_type = AUXTRACE_TYPE_CS_ETM,
	.info_priv = cs_etm_info_priv,
	.packets = &cs_etm_packet_ops,
	.decode_begin = cs_etm_decode_begin,
	.decode_chunk = cs_etm_decode_chunk,
	.decode_end = cs_etm_decode_end,
	.windows = true,
};
