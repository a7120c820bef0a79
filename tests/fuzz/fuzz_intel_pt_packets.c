// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_intel_pt_packets.c - libFuzzer target for the Intel PT packet
 * layer: pt_pkt_decode() over every offset of the input (size and
 * bounds invariants), pt_pkt_walk()'s table and threaded paths against
 * each other (the same records and descriptions, in batches of 1 to 64),
 * then the full dump (JSON, text and --stats, with resync): the packet
 * descriptions behind the decoder ops through lib/output's renderer into
 * /dev/null.
 *
 * fuzz-sources: decoders/intel_pt/pt_describe.c decoders/intel_pt/pt_packet*.c decoders/intel_pt/pt_sync.c decoders/intel_pt/pt_error.c lib/output/json.c lib/output/packet_render.c
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "decoders/intel_pt/pt_describe.h"
#include "decoders/intel_pt/pt_packet.h"
#include "decoders/intel_pt/pt_packet_walk.h"
#include "tests/fuzz/fuzz_dump.h"

/* Do two records describe the same packet (or error)? */
static int same_desc(const struct pt_pkt_rec *a, const struct pt_pkt_rec *b)
{
	struct packet_desc da, db;

	if (a->err || b->err)
		return a->err == b->err && a->offset == b->offset;
	pt_packet_desc(a, &da);
	pt_packet_desc(b, &db);
	if (da.offset != db.offset || da.size != db.size || da.type != db.type ||
	    da.nr != db.nr || da.nr > pt_packet_types[da.type].nr_fields)
		return 0;
	for (int i = 0; i < da.nr; i++)
		if (da.v[i] != db.v[i] ||
		    (pt_packet_types[da.type].fields[i].kind == PACKET_FIELD_BITS &&
		     da.nbits[i] != db.nbits[i]))
			return 0;
	return 1;
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
		for (size_t i = 0; i < nt; i++)
			if (rt[i].ip != rj[i].ip || !same_desc(&rt[i], &rj[i]))
				abort();
	} while (nt);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
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
	fuzz_dump(&pt_packet_ops, data, size, 1, 0);
	fuzz_dump(&pt_packet_ops, data, size, 0, 0);
	fuzz_dump(&pt_packet_ops, data, size, 1, 1);
	fuzz_dump(&pt_packet_ops, data, size, 0, 1);
	return 0;
}
