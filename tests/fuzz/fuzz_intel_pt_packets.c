// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_intel_pt_packets.c - libFuzzer target for the Intel PT packet
 * layer: pt_pkt_decode() over every offset of the input (size and
 * bounds invariants), then the full dump (JSON and text, with resync)
 * through the dump functions behind the decoder ops into /dev/null.
 *
 * fuzz-sources: decoders/intel_pt/pt_dump.c decoders/intel_pt/pt_packet*.c decoders/intel_pt/pt_print.c decoders/intel_pt/pt_sync.c decoders/intel_pt/pt_error.c lib/json.c
 */
#include <stdio.h>
#include <stdlib.h>
#include "decoders/decoder.h"
#include "decoders/intel_pt/pt_dump.h"
#include "decoders/intel_pt/pt_packet.h"
#include "json.h"

static FILE *devnull;

static void dump(const uint8_t *data, size_t size, int json, int stats)
{
	struct json_writer jw;
	struct dump_opts opts = { .out = devnull, .stats = stats };
	struct aux_chunk chunk = { .data = data, .size = size, .cpu = -1 };
	void *st;

	if (json) {
		jw_init(&jw, devnull, false);
		opts.jw = &jw;
	}
	st = pt_dump_begin(&opts);
	if (!st)
		abort();
	pt_dump_chunk(st, &chunk);
	pt_dump_end(st);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!devnull)
		devnull = fopen("/dev/null", "w");
	for (size_t i = 0; i < size; i++) {
		struct pt_packet pkt;
		int rc = pt_pkt_decode(data + i, size - i, &pkt);

		if (rc > 0 && (size_t)rc > size - i)
			abort();	/* claims bytes past the end */
		if (rc > 0 && (rc != pkt.size || pkt.type >= PT_PKT_NR))
			abort();
		if (rc <= 0 && rc != -PT_ERR_NEED_MORE &&
		    rc != -PT_ERR_BAD_OPCODE && rc != -PT_ERR_BAD_PACKET)
			abort();
	}
	dump(data, size, 1, 0);
	dump(data, size, 0, 0);
	dump(data, size, 1, 1);
	return 0;
}
