// SPDX-License-Identifier: GPL-2.0
/*
 * test_arm_spe.c - the arm_spe decoder (decoders/arm_spe/): a table of
 * (bytes, expected packet or error) for the packet getter, short and
 * extended headers, padding runs and the alignment pad; records decoded
 * into memory-access samples (addresses with their top bytes, classes,
 * perf's data source in the generic and the Neoverse encoding, CONTEXT,
 * time through TIME_CONV, an error and resync; records with alignment
 * PADs in windows as in one buffer); the registry entry for
 * arm_spe_N and the AUXTRACE_INFO words.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "decoders/decoder.h"
#include "decoders/arm_spe/arm_spe.h"
#include "lib/record/pmu.h"
#include "tests/unit/unit_windows.h"

struct pkt_case {
	uint8_t bytes[12];
	uint8_t len;
	uint64_t pos;
	int ret;		/* size or -SPE_ERR_* */
	uint8_t type, index;
	uint64_t payload;
};

static const struct pkt_case pkt_cases[] = {
	{ { 0x00, 0x00, 0x00, 0x71 }, 4, 0, 3, SPE_PKT_PAD, 0, 0 },
	{ { 0x01 }, 1, 0, 1, SPE_PKT_END, 0, 0 },
	{ { 0x71, 1, 2, 3, 4, 5, 6, 7, 8 }, 9, 0, 9, SPE_PKT_TIMESTAMP, 0, 0x0807060504030201 },
	{ { 0x71, 1, 2 }, 3, 0, -SPE_ERR_SHORT, 0, 0, 0 },
	{ { 0xb0, 0x34, 0x12, 0, 0, 0, 0, 0, 0xa0 }, 9, 0, 9, SPE_PKT_ADDRESS, 0, 0xa000000000001234 },
	{ { 0xb3, 1, 0, 0, 0, 0, 0, 0, 0 }, 9, 0, 9, SPE_PKT_ADDRESS, 3, 1 },
	/* extended: index (0x21 & 3) << 3 | (0xb4 & 7) = 12 */
	{ { 0x21, 0xb4, 9, 0, 0, 0, 0, 0, 0, 0 }, 10, 0, 10, SPE_PKT_ADDRESS, 12, 9 },
	{ { 0x98, 0x10, 0x27 }, 3, 0, 3, SPE_PKT_COUNTER, 0, 10000 },
	{ { 0x20, 0x9a, 0x05, 0x00 }, 4, 0, 4, SPE_PKT_COUNTER, 2, 5 },
	{ { 0x65, 0x92, 0x10, 0, 0 }, 5, 0, 5, SPE_PKT_CONTEXT, 1, 0x1092 },
	{ { 0x49, 0x01 }, 2, 0, 2, SPE_PKT_OP_TYPE, 1, 1 },
	{ { 0x4a, 0x02 }, 2, 0, 2, SPE_PKT_OP_TYPE, 2, 2 },
	{ { 0x42, 0x0c }, 2, 0, 2, SPE_PKT_EVENTS, 0, 0x0c },
	{ { 0x62, 0x00, 0x00, 0x06, 0x00 }, 5, 0, 5, SPE_PKT_EVENTS, 0, 0x60000 },
	{ { 0x53, 0x0e, 0x00 }, 3, 0, 3, SPE_PKT_DATA_SOURCE, 0, 0x0e },
	/* the alignment pad: to a multiple of 2 << 1 = 4 bytes from pos */
	{ { 0x21, 0x00, 0, 0 }, 4, 5, 3, SPE_PKT_PAD, 0, 0 },
	{ { 0x23, 0x00 }, 2, 0, -SPE_ERR_SHORT, 0, 0, 0 },
	{ { 0x20 }, 1, 0, -SPE_ERR_BAD, 0, 0, 0 },
	{ { 0x20, 0x71 }, 2, 0, -SPE_ERR_BAD, 0, 0, 0 },
	{ { 0x02 }, 1, 0, -SPE_ERR_BAD, 0, 0, 0 },
	{ { 0x80 }, 1, 0, -SPE_ERR_BAD, 0, 0, 0 },
};

static void test_packets(void **state)
{
	uint8_t pad[40] = { 0 };
	struct spe_packet p;

	for (size_t i = 0; i < sizeof(pkt_cases) / sizeof(pkt_cases[0]); i++) {
		const struct pkt_case *c = &pkt_cases[i];
		int ret = spe_packet_get(c->bytes, c->len, c->pos, &p);

		if (ret != c->ret)
			fail_msg("case %zu: returned %d, want %d", i, ret, c->ret);
		if (ret > 0 && (p.type != c->type || p.index != c->index || p.payload != c->payload))
			fail_msg("case %zu: type %u index %u payload %#llx", i, p.type, p.index,
				 (unsigned long long)p.payload);
	}
	/* a zero run is one PAD of at most 16 bytes */
	assert_int_equal(spe_packet_get(pad, sizeof(pad), 0, &p), SPE_PAD_RUN_MAX);
	assert_string_equal(spe_errstr(-SPE_ERR_BAD), "bad packet");
}

struct got {
	struct decode_event ev[8];
	struct mem_sample mem[8];
	int n;
};

static int on_event(void *ctx, const struct decode_event *ev)
{
	struct got *g = ctx;

	if (g->n < 8) {
		g->ev[g->n] = *ev;
		if (ev->mem) {
			g->mem[g->n] = *ev->mem;
			g->ev[g->n].mem = &g->mem[g->n];
		}
		g->n++;
	}
	return 0;
}

/* Decodes bytes as one chunk of CPU 0 with these AUXTRACE_INFO words. */
static void decode(const uint8_t *b, size_t len, const uint64_t *priv, size_t nr, struct got *g)
{
	struct decode_opts o = { .event = on_event, .event_ctx = g, .info_priv = priv,
				 .nr_priv = nr, .time_shift = 10, .time_mult = 1000 };
	struct aux_chunk c = { .data = b, .size = len, .cpu = 0, .aux_offset = 100 };
	void *d = arm_spe_decode_begin(&o);

	memset(g, 0, sizeof(*g));
	assert_non_null(d);
	assert_int_equal(arm_spe_decode_chunk(d, &c), 0);
	arm_spe_decode_end(d);
}

/* A load at EL1 (ns): PC with the top byte set, kernel VA, LLC miss, DRAM, TS 1024 */
static const uint8_t load_rec[] = {
	0x64, 0x39, 0x30, 0x00, 0x00,				/* CONTEXT 0x3039 */
	0xb0, 0x10, 0x20, 0x30, 0x40, 0x00, 0xff, 0x00, 0xa0,	/* PC el1 ns */
	0x49, 0x00,						/* LD */
	0x52, 0x1e, 0x03,					/* EV L1D access+refill, TLB, LLC */
	0x98, 0x2c, 0x01,					/* LAT 300 */
	0x99, 0x04, 0x00,					/* ISSUE 4 */
	0xb2, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0xf0, 0x00,	/* VA (bits 55:52 all ones) */
	0x9a, 0x07, 0x00,					/* XLAT 7 */
	0x53, 0x0e, 0x00,					/* DATA_SOURCE 14: DRAM */
	0x71, 0x00, 0x04, 0, 0, 0, 0, 0, 0,			/* TS 1024 */
};

/* The events of a decode folded into a sum and a count. */
struct sum {
	uint64_t h, n;
};

static int on_event_sum(void *ctx, const struct decode_event *ev)
{
	struct sum *m = ctx;
	uint64_t v[6] = { ev->kind, ev->from, ev->aux_offset, ev->time,
			  ev->mem ? ev->mem->vaddr : 0, ev->mem ? ev->mem->data_src : 0 };

	for (size_t i = 0; i < 6; i++)
		m->h = (m->h ^ v[i]) * 0x100000001b3ull;
	m->n++;
	return 0;
}

static struct sum decode_sum(const struct aux_chunk *c)
{
	uint64_t v1[] = { 8, 1 };
	struct sum m = { .h = 0xcbf29ce484222325ull };
	struct decode_opts o = { .event = on_event_sum, .event_ctx = &m, .info_priv = v1,
				 .nr_priv = 2, .time_shift = 10, .time_mult = 1000 };
	void *d = arm_spe_decode_begin(&o);

	assert_non_null(d);
	assert_int_equal(arm_spe_decode_chunk(d, c), 0);
	arm_spe_decode_end(d);
	return m;
}

/*
 * A chunk in windows (aux_chunk.windows over chunks cut inside packets,
 * lib/session/piece_windows.c): records, runs of PAD and alignment PADs
 * (to 16 bytes) give the events of the same chunk in one buffer.
 */
static void test_windows(void **state)
{
	size_t len = 400000, lens[] = { 40001, 13, 70001, 900 }, off = 0;
	uint8_t *big = calloc(1, len);
	struct unit_windows u;
	struct sum a, b;

	assert_non_null(big);
	assert_true(decoder_find_by_name("arm_spe")->windows);
	while (off + sizeof(load_rec) + 16 <= len) {
		memcpy(big + off, load_rec, sizeof(load_rec));
		off += sizeof(load_rec) + off % 5;	/* and 0 to 4 bytes of PAD */
		big[off] = 0x23;	/* alignment to 16 bytes */
		big[off + 1] = 0;
		off += 16 - (off & 15);
	}
	unit_windows_make(&u, big, len, lens, sizeof(lens) / sizeof(lens[0]));
	a = decode_sum(&(struct aux_chunk){ .data = big, .size = len, .cpu = 0, .aux_offset = 100 });
	b = decode_sum(&(struct aux_chunk){ .size = len, .cpu = 0, .aux_offset = 100,
					    .windows = u.pw.v, .nr_windows = u.pw.nr });
	assert_true(a.n > 3000);
	assert_int_equal(b.n, a.n);
	assert_int_equal(b.h, a.h);
	unit_windows_free(&u);
	free(big);
}

static void test_decode_generic(void **state)
{
	uint64_t v1[] = { 8, 1 };
	struct got g;
	const struct mem_sample *m;

	decode(load_rec, sizeof(load_rec), v1, 2, &g);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.ev[0].kind, EVENT_MEM_SAMPLE);
	assert_int_equal(g.ev[0].from, 0xff00ff0040302010ull);
	assert_int_equal(g.ev[0].time, 1000);
	assert_int_equal(g.ev[0].aux_offset, 100);
	m = g.ev[0].mem;
	assert_int_equal(m->vaddr, 0xfff0000000001000ull);
	assert_int_equal(m->op, MEM_OP_LOAD);
	assert_int_equal(m->total_lat, 300);
	assert_int_equal(m->issue_lat, 4);
	assert_int_equal(m->xlat_lat, 7);
	assert_int_equal(m->context, 0x3039);
	assert_int_equal(m->classes, MEM_C_L1D_ACCESS | MEM_C_L1D_MISS | MEM_C_TLB_ACCESS |
				     MEM_C_LLC_ACCESS | MEM_C_LLC_MISS);
	/* generic (no MIDR): load, L3 miss, TLB walker hit */
	assert_int_equal(m->data_src, PERF_MEM_S(OP, LOAD) | PERF_MEM_S(LVL, L3) |
				      PERF_MEM_S(LVL, MISS) | PERF_MEM_S(TLB, WK) |
				      PERF_MEM_S(TLB, HIT));
}

static void test_decode_neoverse(void **state)
{
	/* versioned layout: one CPU (0), a Neoverse N1 MIDR */
	uint64_t v2[] = { 2, 4, 8, 1, ARM_SPE_CPU_MAGIC_VALUE, 0, 3, 0x413fd0c1, 8, 1024 };
	struct got g;

	decode(load_rec, sizeof(load_rec), v2, 10, &g);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.ev[0].mem->data_src,
			 PERF_MEM_S(OP, LOAD) | PERF_MEM_S(LVL, LOC_RAM) | PERF_MEM_S(LVL, HIT) |
			 PERF_MEM_S(LVLNUM, RAM) | PERF_MEM_S(SNOOP, NONE) |
			 PERF_MEM_S(TLB, WK) | PERF_MEM_S(TLB, HIT));
}

static void test_decode_error_resync(void **state)
{
	/* a bad byte inside a record: an error, the record dropped; END, a branch */
	static const uint8_t b[] = {
		0x49, 0x01, 0x02, 0x01,
		0x4a, 0x01, 0xb1, 0x00, 0x10, 0x40, 0, 0, 0, 0, 0, 0x01,
		0x98, 0x05, 0x00,	/* a record without its end is dropped */
	};
	uint64_t v1[] = { 8, 0 };
	struct got g;

	decode(b, sizeof(b), v1, 2, &g);
	assert_int_equal(g.n, 3);
	assert_int_equal(g.ev[0].kind, EVENT_ERROR);
	assert_int_equal(g.ev[0].aux_offset, 102);
	assert_int_equal(g.ev[1].kind, EVENT_MEM_SAMPLE);	/* the END right after */
	assert_int_equal(g.ev[1].mem->op, MEM_OP_OTHER);
	assert_int_equal(g.ev[2].kind, EVENT_MEM_SAMPLE);
	assert_int_equal(g.ev[2].mem->op, MEM_OP_BRANCH);
	assert_int_equal(g.ev[2].to, 0x401000);
	assert_int_equal(g.ev[2].time, 0);
	assert_false(g.ev[2].mem->valid & MEM_HAS_DATA_SRC);
}

static void test_registry_and_info(void **state)
{
	const struct decoder_ops *d = decoder_find_by_name("arm_spe_0");
	struct pmu pmu = { .type = 9 };
	struct perf_event_attr attr = { .type = 9 };
	struct aux_record_ctx ctx = { .attr = &attr, .pmu = &pmu, .per_cpu_mmaps = true };
	uint64_t priv[4];

	assert_non_null(d);
	assert_string_equal(d->name, "arm_spe");
	assert_ptr_equal(decoder_find_by_name("arm_spe_12"), d);
	assert_null(decoder_find_by_name("arm_spe_"));
	assert_null(decoder_find_by_name("arm_spe_0x"));
	assert_ptr_equal(decoder_find_by_type(AUXTRACE_TYPE_ARM_SPE), d);
	assert_int_equal(d->info_priv(&ctx, priv, 4), 2);
	assert_int_equal(priv[0], 9);
	assert_int_equal(priv[1], 1);
	assert_int_equal(d->info_priv(&ctx, priv, 1), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_packets),
		cmocka_unit_test(test_decode_generic),
		cmocka_unit_test(test_decode_neoverse),
		cmocka_unit_test(test_decode_error_resync),
		cmocka_unit_test(test_windows),
		cmocka_unit_test(test_registry_and_info),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
