// SPDX-License-Identifier: GPL-2.0
/*
 * test_cs_etm.c - the cs_etm decoder's AUXTRACE_INFO layout
 * (decoders/cs_etm/cs_etm_info.c) on hand-made words as perf writes them:
 * header version 1 with ETMv4, ETE and ETMv3/PTM blocks (a block with
 * more parameters than auxrec knows, one with fewer), header version 0
 * (no parameter counts), the writer's words read back, and the refusals
 * (newer header version, unknown magic, ETE in version 0, blocks past the
 * record, words left over, a trace ID twice, no CPUs); then the decoder
 * through its registry entry: a chunk without usable AUXTRACE_INFO is one
 * error event, and an A-sync/trace info/trace on/address/atom stream over
 * a small A64 code buffer gives trace begin, a call and a trace end, and
 * 8000 copies of it in windows the events of the same in one buffer; and
 * the record side on the sysfs fixture tests/data/sysfs-arm/cs_etm (an ETMv4,
 * an ETE and a PTM): `cs_etm/@tmc_etr0,timestamp,contextid/` (the sink's
 * hash in config2), an unknown sink, and the AUXTRACE_INFO words perf
 * would write for it.
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
#include "decoders/cs_etm/cs_etm.h"
#include "lib/record/pmu.h"
#include "tests/unit/unit_windows.h"
#include "tests/unit/unit_code.h"

#define V4	CS_MAGIC_ETMV4
#define ETE	CS_MAGIC_ETE
#define V3	CS_MAGIC_ETMV3

static void parse_ok(const uint64_t *w, size_t n, struct cs_etm_info *info)
{
	const char *why = NULL;

	assert_int_equal(cs_etm_info_parse(w, n, info, &why), 0);
}

static void parse_bad(const uint64_t *w, size_t n, const char *want)
{
	struct cs_etm_info info;
	const char *why = NULL;

	assert_int_equal(cs_etm_info_parse(w, n, &info, &why), -EINVAL);
	assert_string_equal(why, want);
	cs_etm_info_free(&info);
}

static void test_v1_blocks(void **state)
{
	const uint64_t w[] = {
		1, 8ull << 32 | 3, 0,
		V4, 0, 8, 0x40, 0x10, 0x28000ea1, 0x4100f424, 0x20001088, 0, 0xcc, 0x99,
		ETE, 1, 8, 0, 0x12, 1, 2, 3, 4, 5, 0x47705a13,
		V3, 2, 2, 0x1000, 0x14,
	};
	struct cs_etm_info info;

	parse_ok(w, sizeof(w) / 8, &info);
	assert_int_equal(info.version, 1);
	assert_int_equal(info.pmu_type, 8);
	assert_int_equal(info.nr_cpus, 3);
	assert_int_equal(info.cpus[0].protocol, CS_PROTO_ETMV4);
	assert_int_equal(info.cpus[0].trace_id, 0x10);
	assert_int_equal(info.cpus[0].nr_params, 8);	/* TS_SOURCE of newer perf kept */
	assert_int_equal(info.cpus[0].param[CS_V4_TRCIDR1], 0x4100f424);
	assert_int_equal(info.cpus[1].protocol, CS_PROTO_ETE);
	assert_int_equal(info.cpus[1].param[CS_ETE_TRCDEVARCH], 0x47705a13);
	assert_int_equal(info.cpus[2].protocol, CS_PROTO_ETMV3);
	assert_int_equal(info.cpus[2].trace_id, 0x14);
	assert_int_equal(info.cpus[2].param[CS_V3_ETMIDR], 0);	/* missing: zero */
	assert_ptr_equal(cs_etm_info_by_trace_id(&info, 0x12), &info.cpus[1]);
	assert_ptr_equal(cs_etm_info_by_cpu(&info, 2), &info.cpus[2]);
	assert_null(cs_etm_info_by_trace_id(&info, 0x11));
	cs_etm_info_free(&info);
}

static void test_v0_and_ptm(void **state)
{
	const uint64_t w[] = {
		0, 9ull << 32 | 2, 1,
		V4, 0, 0x40, 0x10, 0x28000ea1, 0x4100f424, 0x20001088, 0, 0xcc,
		V3, 1, 0x1000, 0x12, 0, 0x411cf300,	/* ETMIDR of a PTM */
	};
	struct cs_etm_info info;

	parse_ok(w, sizeof(w) / 8, &info);
	assert_true(info.snapshot);
	assert_int_equal(info.cpus[0].nr_params, CS_V4_NR_PARAMS);
	assert_int_equal(info.cpus[0].param[CS_V4_TRCAUTHSTATUS], 0xcc);
	assert_int_equal(info.cpus[1].protocol, CS_PROTO_PTM);
	assert_int_equal(info.cpus[1].trace_id, 0x12);
	cs_etm_info_free(&info);
}

static void test_write_reads_back(void **state)
{
	struct cs_cpu_info cpus[2] = {
		{ .magic = V4, .cpu = 0, .param = { 0x40, 0x10, 1, 2, 3, 4, 5 } },
		{ .magic = ETE, .cpu = 3, .param = { 0, 0x16, 1, 2, 3, 4, 5, 0x47705a13 } },
	};
	struct cs_etm_info in = { .pmu_type = 7, .nr_cpus = 2, .cpus = cpus }, out;
	uint64_t w[64];
	int n = cs_etm_info_write(&in, w, 64);

	assert_int_equal(n, 3 + 3 + 7 + 3 + 8);
	assert_int_equal(w[0], 1);	/* perf 6.1's header version */
	assert_int_equal(w[1], 7ull << 32 | 2);
	assert_int_equal(w[5], 7);	/* the ETMv4 block's parameter count */
	parse_ok(w, n, &out);
	assert_int_equal(out.cpus[1].cpu, 3);
	assert_int_equal(out.cpus[1].trace_id, 0x16);
	assert_int_equal(out.cpus[1].param[CS_ETE_TRCDEVARCH], 0x47705a13);
	cs_etm_info_free(&out);
	assert_int_equal(cs_etm_info_write(&in, w, 10), -ENOSPC);
}

static void test_refused(void **state)
{
	const uint64_t newer[] = { 2, 1, 0, V4, 0, 0 };
	const uint64_t magic[] = { 1, 1, 0, 0x6060606060606060ull, 0, 0 };
	const uint64_t ete_v0[] = { 0, 1, 0, ETE, 0, 1, 2, 3, 4, 5, 6, 7, 8 };
	const uint64_t past[] = { 1, 1, 0, V4, 0, 9, 1, 2 };
	const uint64_t left[] = { 1, 1, 0, V4, 0, 1, 0x10, 7 };
	const uint64_t twice[] = { 1, 2, 0, V4, 0, 2, 0, 0x10, V4, 1, 2, 0, 0x10 };
	const uint64_t none[] = { 1, 0, 0 };

	parse_bad(newer, 6, "unsupported cs_etm header version");
	parse_bad(magic, 6, "unknown tracer magic in a CPU block");
	parse_bad(ete_v0, 13, "ETE block in a version 0 header");
	parse_bad(past, 8, "CPU block parameters past the record");
	parse_bad(left, 8, "words left after the CPU blocks");
	parse_bad(twice, 13, "two CPU blocks with one trace ID");
	parse_bad(none, 3, "bad number of CPU blocks");
	parse_bad(none, 2, "AUXTRACE_INFO shorter than the cs_etm header");
}

/* ------------------------------------------------------------ decode */

#define CODE_BASE	0x400000ull

static const uint32_t code[] = {
	0xd503201f,	/* 0x400000: nop */
	0x94000003,	/* 0x400004: bl 0x400010 */
	0xd503201f,	/* 0x400008: nop */
	0xd503201f,	/* 0x40000c: nop */
	0xd503201f,	/* 0x400010: nop */
	0x54ffff81,	/* 0x400014: b.ne 0x400004 */
};

static struct unit_code image = { CODE_BASE, code, sizeof(code) };

struct events {
	int n;
	struct decode_event ev[16];
};

static int on_event(void *ctx, const struct decode_event *ev)
{
	struct events *e = ctx;

	if (e->n < 16)
		e->ev[e->n++] = *ev;
	return 0;
}

static const uint64_t info_words[] = {
	1, 8ull << 32 | 1, 0,
	V4, 0, 7, 0, 0x10, 0x28000ea1, 0x4100f424, 0x20001088, 0, 0xcc,
};

static void decode(const uint8_t *raw, size_t n, bool with_info, struct events *e)
{
	const struct decoder_ops *ops = decoder_find_by_type(AUXTRACE_TYPE_CS_ETM);
	struct decode_opts o = { .read_code = unit_read_code, .read_ctx = &image,
				 .event = on_event, .event_ctx = e };
	struct aux_chunk c = { .data = raw, .size = n, .cpu = 0, .flags = CS_AUX_FORMAT_RAW };
	void *d;

	assert_non_null(ops);
	assert_string_equal(ops->name, "cs_etm");
	if (with_info) {
		o.info_priv = info_words;
		o.nr_priv = sizeof(info_words) / 8;
	}
	memset(e, 0, sizeof(*e));
	d = ops->decode_begin(&o);
	assert_non_null(d);
	assert_int_equal(ops->decode_chunk(d, &c), 0);
	ops->decode_end(d);
}

static void test_decode(void **state)
{
	/*
	 * A-sync, trace info, trace on, address 0x400000 with context
	 * (64-bit IS0; EL0, AArch64, non-secure), atoms E N
	 */
	static const uint8_t raw[] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x01, 0x00, 0x04,
		0x85, 0x00, 0x00, 0x40, 0, 0, 0, 0, 0, 0x30,
		0xd9,	/* atom format 2: E (bl), then N (b.ne) */
	};
	struct events e;

	decode(raw, sizeof(raw), true, &e);
	assert_int_equal(e.n, 3);
	assert_int_equal(e.ev[0].kind, EVENT_TRACE_BEGIN);
	assert_int_equal(e.ev[0].to, 0x400000);
	assert_int_equal(e.ev[1].kind, EVENT_BRANCH);
	assert_int_equal(e.ev[1].branch, BRANCH_F_BRANCH | BRANCH_F_CALL);
	assert_int_equal(e.ev[1].from, 0x400004);
	assert_int_equal(e.ev[1].to, 0x400010);
	assert_int_equal(e.ev[1].insn_count, 2);
	assert_int_equal(e.ev[2].kind, EVENT_TRACE_END);
	assert_int_equal(e.ev[2].from, 0x400014);
	assert_int_equal(e.ev[2].branch, BRANCH_F_BRANCH | BRANCH_F_CONDITIONAL |
					 BRANCH_F_TRACE_END);
	assert_int_equal(e.ev[2].insn_count, 2);

	decode(raw, sizeof(raw), false, &e);
	assert_int_equal(e.n, 1);
	assert_int_equal(e.ev[0].kind, EVENT_ERROR);
	assert_string_equal(e.ev[0].error, "no cs_etm AUXTRACE_INFO to configure the decoders");
}

/* The events of a decode folded into a sum and a count. */
struct sum {
	uint64_t h, n;
};

static int on_event_sum(void *ctx, const struct decode_event *ev)
{
	struct sum *m = ctx;
	uint64_t v[6] = { ev->kind, ev->from, ev->to, ev->branch, ev->insn_count, ev->aux_offset };

	for (size_t i = 0; i < 6; i++)
		m->h = (m->h ^ v[i]) * 0x100000001b3ull;
	m->n++;
	return 0;
}

static struct sum decode_sum(const struct aux_chunk *c)
{
	const struct decoder_ops *ops = decoder_find_by_type(AUXTRACE_TYPE_CS_ETM);
	struct sum m = { .h = 0xcbf29ce484222325ull };
	struct decode_opts o = { .read_code = unit_read_code, .read_ctx = &image,
				 .event = on_event_sum, .event_ctx = &m,
				 .info_priv = info_words, .nr_priv = sizeof(info_words) / 8 };
	void *d = ops->decode_begin(&o);

	assert_non_null(d);
	assert_int_equal(ops->decode_chunk(d, c), 0);
	ops->decode_end(d);
	return m;
}

/*
 * A chunk in windows (aux_chunk.windows over chunks cut inside packets,
 * lib/session/piece_windows.c): 8000 copies of test_decode's stream give
 * the events of the same chunk in one buffer.
 */
static void test_windows(void **state)
{
	static const uint8_t one[] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x01, 0x00, 0x04,
		0x85, 0x00, 0x00, 0x40, 0, 0, 0, 0, 0, 0x30, 0xd9,
	};
	size_t reps = 8000, len = sizeof(one) * reps, lens[] = { 40001, 13, 33333, 900 };
	uint8_t *big = malloc(len);
	struct unit_windows u;
	struct sum a, b;

	assert_non_null(big);
	assert_true(decoder_find_by_type(AUXTRACE_TYPE_CS_ETM)->windows);
	for (size_t r = 0; r < reps; r++)
		memcpy(big + r * sizeof(one), one, sizeof(one));
	unit_windows_make(&u, big, len, lens, sizeof(lens) / sizeof(lens[0]));
	a = decode_sum(&(struct aux_chunk){ .data = big, .size = len, .cpu = 0,
					    .flags = CS_AUX_FORMAT_RAW });
	b = decode_sum(&(struct aux_chunk){ .size = len, .cpu = 0, .flags = CS_AUX_FORMAT_RAW,
					    .windows = u.pw.v, .nr_windows = u.pw.nr });
	assert_true(a.n >= 3 * reps);
	assert_int_equal(b.n, a.n);
	assert_int_equal(b.h, a.h);
	unit_windows_free(&u);
	free(big);
}

/* ------------------------------------------------------------ record */

#define ROOT	"tests/data/sysfs-arm"	/* a sysfs fixture of an Arm machine */

static void test_record_sink_and_info(void **state)
{
	struct event_spec es;
	struct aux_record_ctx ctx = { 0 };
	struct cs_etm_info info;
	const char *why;
	char err[256];
	uint64_t w[64];
	int n;

	assert_int_equal(event_spec_parse(ROOT, "cs_etm/@tmc_etr0,timestamp,contextid/u", NULL,
					  &es, err, sizeof(err)), 0);
	assert_int_equal(es.attr.type, 9);
	assert_int_equal(es.attr.config2, 0x7d8b2ac5);
	assert_int_equal(es.attr.config, 1u << 28 | 1u << 14);
	ctx.attr = &es.attr;
	ctx.pmu = es.pmu;
	n = cs_etm_info_priv(&ctx, w, 64);
	assert_int_equal(n, 3 + (3 + CS_V4_NR_PARAMS) + (3 + CS_ETE_NR_PARAMS) +
			 (3 + CS_V3_NR_PARAMS));
	assert_int_equal(w[0], 1);
	assert_int_equal(cs_etm_info_parse(w, n, &info, &why), 0);
	assert_int_equal(info.pmu_type, 9);
	assert_int_equal(info.nr_cpus, 3);
	assert_int_equal(info.cpus[0].protocol, CS_PROTO_ETMV4);
	assert_int_equal(info.cpus[0].trace_id, 0x10);
	/* TRCCONFIGR: perf's timestamp (bit 11) and context ID (bit 6) */
	assert_int_equal(info.cpus[0].param[CS_V4_TRCCONFIGR], 1u << 11 | 1u << 6);
	assert_int_equal(info.cpus[0].param[CS_V4_TRCIDR0], 0x28000ea1);
	assert_int_equal(info.cpus[0].param[CS_V4_TRCAUTHSTATUS], 0xcc);
	assert_int_equal(info.cpus[1].protocol, CS_PROTO_ETE);
	assert_int_equal(info.cpus[1].trace_id, 0x12);
	assert_int_equal(info.cpus[1].param[CS_ETE_TRCDEVARCH], 0x47705a13);
	assert_int_equal(info.cpus[2].protocol, CS_PROTO_PTM);
	assert_int_equal(info.cpus[2].trace_id, 0x14);
	assert_int_equal(info.cpus[2].param[CS_V3_ETMCR], es.attr.config);
	assert_int_equal(info.cpus[2].param[CS_V3_ETMCCER], 0x8c802000);
	cs_etm_info_free(&info);
	assert_int_equal(cs_etm_info_priv(&ctx, w, 20), -ENOSPC);
	event_spec_free(&es);

	assert_int_equal(event_spec_parse(ROOT, "cs_etm/@nosuch/", NULL, &es, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "no sink 'nosuch' for PMU cs_etm (sinks: tmc_etf0, tmc_etr0)");
	assert_int_equal(event_spec_parse("tests/data/sysfs", "intel_pt/@tmc_etr0/", NULL, &es, err,
					  sizeof(err)), -EINVAL);
	assert_string_equal(err, "no sink 'tmc_etr0' for PMU intel_pt (it has no sinks)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v1_blocks),
		cmocka_unit_test(test_v0_and_ptm),
		cmocka_unit_test(test_write_reads_back),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_windows),
		cmocka_unit_test(test_record_sink_and_info),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
