// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_intel_pt_packets.c - libFuzzer target for the Intel PT packet
 * layer: pt_pkt_decode() over every offset of the input (size and
 * bounds invariants), pt_pkt_walk()'s table and threaded paths against
 * each other (the same records, in batches of 1 to 64), then the full
 * dump (JSON and text, with resync) through the dump functions behind
 * the decoder ops into /dev/null.
 *
 * fuzz-sources: decoders/intel_pt/pt_dump.c decoders/intel_pt/pt_packet*.c decoders/intel_pt/pt_print.c decoders/intel_pt/pt_sync.c decoders/intel_pt/pt_error.c lib/output/json.c
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "decoders/decoder.h"
#include "decoders/intel_pt/pt_dump.h"
#include "decoders/intel_pt/pt_packet.h"
#include "decoders/intel_pt/pt_packet_walk.h"
#include "decoders/intel_pt/pt_print.h"
#include "lib/output/json.h"

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

/* One record as text: offset, error or the packet's JSON line. */
static size_t rec_text(char *line, const struct pt_pkt_rec *r)
{
	if (r->err)
		return snprintf(line, PT_LINE_MAX, "%llu error %d",
				(unsigned long long)r->offset, r->err);
	return pt_format_packet_json(line, r->offset, &r->pkt, r->ip);
}

/* The table and the threaded path must give the same records. */
static void walks_agree(const uint8_t *data, size_t size)
{
	struct pt_pkt_walker wt, wj;
	struct pt_pkt_rec rt[64], rj[64];
	size_t max = 1 + (size ? data[0] % 64 : 0), nt, nj;

	pt_pkt_walk_init(&wt, data, size);
	pt_pkt_walk_init(&wj, data, size);
	wt.path = PT_WALK_TABLE;
	wj.path = PT_WALK_THREADED;
	do {
		nt = pt_pkt_walk(&wt, rt, max);
		nj = pt_pkt_walk(&wj, rj, max);
		if (nt != nj)
			abort();
		for (size_t i = 0; i < nt; i++) {
			char a[PT_LINE_MAX], b[PT_LINE_MAX];
			size_t la = rec_text(a, &rt[i]), lb = rec_text(b, &rj[i]);

			if (rt[i].err != rj[i].err || rt[i].ip != rj[i].ip ||
			    la != lb || memcmp(a, b, la))
				abort();
		}
	} while (nt);
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
	walks_agree(data, size);
	dump(data, size, 1, 0);
	dump(data, size, 0, 0);
	dump(data, size, 1, 1);
	return 0;
}
