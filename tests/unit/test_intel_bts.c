// SPDX-License-Identifier: GPL-2.0
/*
 * test_intel_bts.c - the intel_bts decoder (decoders/intel_bts/) through
 * its registry entry: hand-made 24-byte records (trace begin, a call, a
 * ret, a jcc, a syscall, an interrupt, a jmp, an lcall, a branch from
 * unreadable code, an empty record, trace end, a partial record, a
 * truncated chunk) decoded over a small hand-assembled code buffer into
 * the typed events expected, and repeated in a chunk in windows into the
 * events of the same chunk in one buffer; the packet descriptions of the same bytes;
 * and the AUXTRACE_INFO private words.
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
#include "decoders/intel_bts/intel_bts.h"
#include "lib/record/pmu.h"
#include "tests/unit/unit_windows.h"
#include "tests/unit/unit_code.h"

#define CODE_BASE	0x401000ull
#define KTEXT		0xffffffff81000000ull

static const uint8_t code[] = {
	0xe8, 0xfb, 0x00, 0x00, 0x00,	/* 0x401000: call 0x401100 */
	0xc3,				/* 0x401005: ret */
	0x74, 0x02,			/* 0x401006: je 0x40100a */
	0x0f, 0x05,			/* 0x401008: syscall */
	0xeb, 0xfa,			/* 0x40100a: jmp 0x401006 */
	0x90,				/* 0x40100c: nop */
	0xcd, 0x80,			/* 0x40100d: int $0x80 */
	0xff, 0x1c, 0x24,		/* 0x40100f: lcall *(%rsp) */
};

static struct unit_code image = { CODE_BASE, code, sizeof(code) };

#define FB	BRANCH_F_BRANCH

static const struct bts_record recs[] = {
	{ 0, 0x401000, 0 },
	{ 0x401000, 0x401100, 0x10 },
	{ 0x401005, 0x401200, 0 },
	{ 0x401006, 0x40100a, 0x10 },
	{ 0x401008, KTEXT, 0 },
	{ 0x40100c, KTEXT + 0x100, 0 },		/* not a branch: an interrupt */
	{ 0x40100a, 0x401006, 0 },
	{ 0x40100f, 0x402000, 0 },
	{ 0x500000, 0x401000, 0 },		/* no code there */
	{ 0, 0, 0 },				/* nothing */
	{ 0x40100d, KTEXT + 0x200, 0 },		/* int into the kernel */
	{ 0x401008, 0, 0 },
	{ 0x40100c, 0, 0 },			/* after a nop: no kind */
};
#define NR_RECS	(sizeof(recs) / sizeof(recs[0]))
#define PARTIAL	10
#define AUX_OFF	4096

static const struct decode_event want[] = {
	{ .kind = EVENT_TRACE_BEGIN, .to = 0x401000, .branch = BRANCH_F_TRACE_BEGIN },
	{ .kind = EVENT_BRANCH, .from = 0x401000, .to = 0x401100, .branch = FB | BRANCH_F_CALL },
	{ .kind = EVENT_BRANCH, .from = 0x401005, .to = 0x401200, .branch = FB | BRANCH_F_RETURN },
	{ .kind = EVENT_BRANCH, .from = 0x401006, .to = 0x40100a,
	  .branch = FB | BRANCH_F_CONDITIONAL },
	{ .kind = EVENT_BRANCH, .from = 0x401008, .to = KTEXT,
	  .branch = FB | BRANCH_F_CALL | BRANCH_F_SYSCALLRET },
	{ .kind = EVENT_BRANCH, .from = 0x40100c, .to = KTEXT + 0x100,
	  .branch = FB | BRANCH_F_CALL | BRANCH_F_ASYNC | BRANCH_F_INTERRUPT },
	{ .kind = EVENT_BRANCH, .from = 0x40100a, .to = 0x401006, .branch = FB },
	{ .kind = EVENT_BRANCH, .from = 0x40100f, .to = 0x402000,
	  .branch = FB | BRANCH_F_CALL | BRANCH_F_FAR },
	{ .kind = EVENT_BRANCH, .from = 0x500000, .to = 0x401000, .branch = 0 },
	{ .kind = EVENT_BRANCH, .from = 0x40100d, .to = KTEXT + 0x200,
	  .branch = FB | BRANCH_F_CALL | BRANCH_F_ASYNC | BRANCH_F_INTERRUPT },
	{ .kind = EVENT_TRACE_END, .from = 0x401008,	/* after a syscall */
	  .branch = FB | BRANCH_F_CALL | BRANCH_F_SYSCALLRET | BRANCH_F_TRACE_END },
	{ .kind = EVENT_TRACE_END, .from = 0x40100c, .branch = BRANCH_F_TRACE_END },
	{ .kind = EVENT_ERROR, .error = "partial record" },
};
#define NR_WANT	(sizeof(want) / sizeof(want[0]))
/* the record index behind each expected event (NR_RECS: the partial one) */
static const unsigned int rec_of[NR_WANT] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, NR_RECS };

static uint8_t *make_stream(size_t *len)
{
	uint8_t *p = calloc(1, NR_RECS * BTS_RECORD_SIZE + PARTIAL);

	assert_non_null(p);
	for (size_t i = 0; i < NR_RECS; i++) {
		uint64_t v[3] = { htole64(recs[i].from), htole64(recs[i].to),
				  htole64(recs[i].misc) };

		memcpy(p + i * BTS_RECORD_SIZE, v, sizeof(v));
	}
	memset(p + NR_RECS * BTS_RECORD_SIZE, 0xab, PARTIAL);
	*len = NR_RECS * BTS_RECORD_SIZE + PARTIAL;
	return p;
}

struct got {
	struct decode_event ev[64];
	size_t n;
};

static int on_event(void *ctx, const struct decode_event *ev)
{
	struct got *g = ctx;

	assert_true(g->n < 64);
	g->ev[g->n++] = *ev;
	return 0;
}

static void check_event(const struct decode_event *got, const struct decode_event *w,
			uint64_t aux_offset)
{
	assert_int_equal(got->kind, w->kind);
	assert_int_equal(got->from, w->from);
	assert_int_equal(got->to, w->to);
	assert_int_equal(got->branch, w->branch);
	assert_int_equal(got->insn_count, 0);	/* BTS counts no instructions */
	assert_int_equal(got->time, 0);		/* nor time */
	assert_int_equal(got->aux_offset, aux_offset);
	if (w->error)
		assert_string_equal(got->error, w->error);
	else
		assert_null(got->error);
}

static const struct decoder_ops *bts(void)
{
	const struct decoder_ops *d = decoder_find_by_name("intel_bts");

	assert_non_null(d);
	assert_ptr_equal(decoder_find_by_type(AUXTRACE_TYPE_INTEL_BTS), d);
	assert_int_equal(d->abi_version, DECODER_ABI_VERSION);
	return d;
}

static void *begin(const struct decoder_ops *d, struct got *g)
{
	struct decode_opts opts = { .read_code = unit_read_code, .read_ctx = &image,
				    .event = on_event, .event_ctx = g };
	void *s = d->decode_begin(&opts);

	assert_non_null(s);
	return s;
}

static void test_decode(void **state)
{
	const struct decoder_ops *d = bts();
	struct got g = { .n = 0 };
	size_t len;
	uint8_t *p = make_stream(&len);
	struct aux_chunk c = { .data = p, .size = len, .aux_offset = AUX_OFF, .cpu = -1 };
	void *s = begin(d, &g);

	assert_int_equal(d->decode_chunk(s, &c), 0);
	d->decode_end(s);
	assert_int_equal(g.n, NR_WANT);
	for (size_t i = 0; i < NR_WANT; i++)
		check_event(&g.ev[i], &want[i], AUX_OFF + rec_of[i] * BTS_RECORD_SIZE);
	free(p);
}

/* The events of a decode folded into a sum and a count. */
struct sum {
	uint64_t h, n;
};

static int on_event_sum(void *ctx, const struct decode_event *ev)
{
	struct sum *m = ctx;
	uint64_t v[5] = { ev->kind, ev->from, ev->to, ev->branch, ev->aux_offset };

	for (size_t i = 0; i < 5; i++)
		m->h = (m->h ^ v[i]) * 0x100000001b3ull;
	m->n++;
	return 0;
}

/* chunk decoded whole (ranges 0: decode_chunk), or in two ranges at a record boundary */
static struct sum decode_sum(const struct decoder_ops *d, const struct aux_chunk *c, bool ranges)
{
	struct sum m = { .h = 0xcbf29ce484222325ull };
	struct decode_opts opts = { .read_code = unit_read_code, .read_ctx = &image,
				    .event = on_event_sum, .event_ctx = &m };
	void *s = d->decode_begin(&opts);
	size_t half = c->size / 2 / BTS_RECORD_SIZE * BTS_RECORD_SIZE;

	assert_non_null(s);
	if (ranges) {
		assert_int_equal(d->decode_range(s, c, 0, half), 0);
		assert_int_equal(d->decode_range(s, c, half, c->size), 0);
	} else {
		assert_int_equal(d->decode_chunk(s, c), 0);
	}
	d->decode_end(s);
	return m;
}

/*
 * A chunk in windows (aux_chunk.windows over chunks cut inside records,
 * lib/session/piece_windows.c): the events of the chunk in one buffer.
 */
static void test_windows(void **state)
{
	const struct decoder_ops *d = bts();
	size_t one, len, reps = 2000, lens[] = { 40000, 7, 33000, 100, 61111, 5000 };
	uint8_t *p = make_stream(&one), *big;
	struct unit_windows u;

	assert_true(d->windows);
	len = (one - PARTIAL) * reps + PARTIAL;
	big = malloc(len);
	assert_non_null(big);
	for (size_t r = 0; r < reps; r++)
		memcpy(big + r * (one - PARTIAL), p, one - PARTIAL);
	memcpy(big + reps * (one - PARTIAL), p + one - PARTIAL, PARTIAL);
	unit_windows_make(&u, big, len, lens, sizeof(lens) / sizeof(lens[0]));
	for (int ranges = 0; ranges < 2; ranges++) {
		struct aux_chunk whole = { .data = big, .size = len, .aux_offset = AUX_OFF };
		struct aux_chunk win = { .size = len, .aux_offset = AUX_OFF, .windows = u.pw.v,
					 .nr_windows = u.pw.nr };
		struct sum a = decode_sum(d, &whole, ranges), b = decode_sum(d, &win, ranges);

		assert_true(a.n >= (NR_WANT - 1) * reps);
		assert_int_equal(b.n, a.n);
		assert_int_equal(b.h, a.h);
	}
	unit_windows_free(&u);
	free(big);
	free(p);
}

/* TRUNCATED: the chunk's records, then the loss; a stop is honoured. */
static void test_truncated(void **state)
{
	const struct decoder_ops *d = bts();
	static const struct decode_event lost = { .kind = EVENT_ERROR,
						  .error = "lost trace data" };
	struct got g = { .n = 0 };
	size_t len;
	uint8_t *p = make_stream(&len);
	struct aux_chunk c = { .data = p, .size = 2 * BTS_RECORD_SIZE, .aux_offset = AUX_OFF,
			       .flags = PERF_AUX_FLAG_TRUNCATED, .cpu = 0 };
	void *s = begin(d, &g);

	assert_int_equal(d->decode_chunk(s, &c), 0);
	assert_int_equal(g.n, 3);
	check_event(&g.ev[0], &want[0], AUX_OFF);
	check_event(&g.ev[1], &want[1], AUX_OFF + BTS_RECORD_SIZE);
	check_event(&g.ev[2], &lost, AUX_OFF + 2 * BTS_RECORD_SIZE);
	/* an empty truncated chunk: the loss alone */
	g.n = 0;
	c.size = 0;
	assert_int_equal(d->decode_chunk(s, &c), 0);
	assert_int_equal(g.n, 1);
	check_event(&g.ev[0], &lost, AUX_OFF);
	d->decode_end(s);
	free(p);
}

struct pkts {
	struct packet_desc d[64];
	size_t n;
};

static int on_packets(void *ctx, const struct packet_desc *pkts, size_t nr)
{
	struct pkts *k = ctx;

	for (size_t i = 0; i < nr; i++) {
		assert_true(k->n < 64);
		k->d[k->n++] = pkts[i];
	}
	return 0;
}

static void test_packets(void **state)
{
	const struct packet_ops *ops = bts()->packets;
	const struct packet_type_desc *t;
	struct pkts k = { .n = 0 };
	size_t len;
	uint8_t *p = make_stream(&len);
	struct aux_chunk c = { .data = p, .size = len };
	void *s;

	assert_non_null(ops);
	assert_int_equal(ops->nr_types, 1);
	t = &ops->types[0];
	assert_string_equal(t->name, "branch");
	assert_int_equal(t->nr_fields, 4);
	assert_string_equal(t->fields[0].key, "from");
	assert_int_equal(t->fields[0].kind, PACKET_FIELD_HEX);
	assert_string_equal(t->fields[1].key, "to");
	assert_int_equal(t->fields[1].kind, PACKET_FIELD_HEX);
	assert_string_equal(t->fields[2].key, "misc");
	assert_int_equal(t->fields[2].kind, PACKET_FIELD_HEX);
	assert_string_equal(t->fields[3].key, "pred");
	assert_int_equal(t->fields[3].kind, PACKET_FIELD_DEC);
	s = ops->begin(0);
	assert_non_null(s);
	assert_int_equal(ops->packets(s, &c, on_packets, &k), 0);
	ops->end(s);
	assert_int_equal(k.n, NR_RECS + 1);
	for (size_t i = 0; i < NR_RECS; i++) {
		const struct packet_desc *d = &k.d[i];

		assert_int_equal(d->err, 0);
		assert_int_equal(d->offset, i * BTS_RECORD_SIZE);
		assert_int_equal(d->size, BTS_RECORD_SIZE);
		assert_int_equal(d->type, 0);
		assert_int_equal(d->nr, 4);
		assert_int_equal(d->v[0], recs[i].from);
		assert_int_equal(d->v[1], recs[i].to);
		assert_int_equal(d->v[2], recs[i].misc);
		assert_int_equal(d->v[3], !!(recs[i].misc & 0x10));
	}
	assert_int_equal(k.d[NR_RECS].offset, NR_RECS * BTS_RECORD_SIZE);
	assert_int_not_equal(k.d[NR_RECS].err, 0);
	assert_string_equal(ops->errstr(k.d[NR_RECS].err), "partial record");
	free(p);
}

static void test_info_priv(void **state)
{
	const struct decoder_ops *d = bts();
	struct perf_event_attr attr = { .type = 8 };
	struct pmu pmu = { .name = "intel_bts", .type = 8 };
	struct perf_event_mmap_page pc = { .time_shift = 10, .time_mult = 1000,
					   .time_zero = 12345, .cap_user_time_zero = 1 };
	struct aux_record_ctx ctx = { .attr = &attr, .pmu = &pmu, .pc = &pc,
				      .snapshot_mode = true };
	uint64_t priv[8], want_priv[6] = { 8, 10, 1000, 12345, 1, 1 };

	assert_null(d->default_terms);
	assert_int_equal(d->info_priv(&ctx, priv, 5), -ENOSPC);
	assert_int_equal(d->info_priv(&ctx, priv, 8), 6);
	assert_memory_equal(priv, want_priv, sizeof(want_priv));
	/* no user time zero: no conversion */
	pc.cap_user_time_zero = 0;
	ctx.snapshot_mode = false;
	assert_int_equal(d->info_priv(&ctx, priv, 8), 6);
	assert_int_equal(priv[0], 8);
	for (int i = 1; i < 6; i++)
		assert_int_equal(priv[i], 0);
}

/* perf's record-side rules for intel_bts, applied by cmd/record.c */
static void test_record_rules(void **state)
{
	const struct decoder_ops *d = bts();
	const struct decoder_ops *pt = decoder_find_by_name("intel_pt");

	assert_true(d->per_thread_only);
	assert_int_equal(d->aux_size_priv, 4 << 20);
	assert_int_equal(d->aux_size_unpriv, 128 << 10);
	assert_int_equal(d->aux_size_min, 8 << 10);
	/* intel_pt keeps auxrec's rules */
	assert_non_null(pt);
	assert_false(pt->per_thread_only);
	assert_int_equal(pt->aux_size_priv, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_windows),
		cmocka_unit_test(test_packets),
		cmocka_unit_test(test_info_priv),
		cmocka_unit_test(test_record_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
