// SPDX-License-Identifier: GPL-2.0
/*
 * test_pt_flow.c - the Intel PT flow decoder (decoders/intel_pt/pt_flow.h)
 * on hand-assembled packet streams over a small hand-assembled program:
 * TNT and TIP binding, direct calls, compressed and plain returns, async
 * FUP+TIP, OVF+FUP, enable/disable, errors with resync at the next PSB,
 * unmapped code, code cached per image, per-instruction events, TSC/TMA/MTC time, CYC time
 * refinement and its calibration (the clock of pt_flow_time.h directly
 * and in a stream), truncation and corruption, counting (sums of taken
 * branches instead of events), the direct branches before a PSB (timed
 * before its TSC, walked before the clock hook sees it, the same in ranges).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "decoders/intel_pt/pt_flow.h"
#include "decoders/intel_pt/pt_flow_time.h"
#include "decoders/intel_pt/pt_packet.h"

/*
 * 0x1000: xor eax,eax      31 c0
 * 0x1002: inc eax          ff c0
 * 0x1004: cmp eax,3        83 f8 03
 * 0x1007: jne 0x1002       75 f9
 * 0x1009: call 0x1013      e8 05 00 00 00
 * 0x100e: jmp rbx          ff e3
 * 0x1010: nop x3           90 90 90
 * 0x1013: nop              90
 * 0x1014: ret              c3
 * 0x2000: syscall          0f 05
 * 0x2002: jmp 0x2002       eb fe
 *
 * 0x3000: nop              90
 * 0x3001: call 0x3006      e8 00 00 00 00 (never returns: a loop of calls)
 * 0x3006: jmp 0x3000       eb f8
 */
static const uint8_t code1[] = {
	0x31, 0xc0, 0xff, 0xc0, 0x83, 0xf8, 0x03, 0x75, 0xf9,
	0xe8, 0x05, 0x00, 0x00, 0x00, 0xff, 0xe3, 0x90, 0x90, 0x90,
	0x90, 0xc3,
};
static const uint8_t code2[] = { 0x0f, 0x05, 0xeb, 0xfe };
static const uint8_t code3[] = { 0x90, 0xe8, 0x00, 0x00, 0x00, 0x00, 0xeb, 0xf8 };

static int read_code(void *ctx, uint64_t ip, uint8_t *buf, size_t len)
{
	const uint8_t *src = NULL;
	size_t n = 0;

	(void)ctx;
	if (ip >= 0x1000 && ip < 0x1000 + sizeof(code1)) {
		src = code1 + (ip - 0x1000);
		n = sizeof(code1) - (ip - 0x1000);
	} else if (ip >= 0x2000 && ip < 0x2000 + sizeof(code2)) {
		src = code2 + (ip - 0x2000);
		n = sizeof(code2) - (ip - 0x2000);
	} else if (ip >= 0x3000 && ip < 0x3000 + sizeof(code3)) {
		src = code3 + (ip - 0x3000);
		n = sizeof(code3) - (ip - 0x3000);
	}
	if (n > len)
		n = len;
	if (n)
		memcpy(buf, src, n);
	return (int)n;
}

/* Packet writer */
struct stream {
	uint8_t b[512];
	size_t n;
};

static void put(struct stream *s, const uint8_t *p, size_t n)
{
	assert_true(s->n + n <= sizeof(s->b));
	memcpy(s->b + s->n, p, n);
	s->n += n;
}

static void psb(struct stream *s)
{
	static const uint8_t p[16] = {
		0x02, 0x82, 0x02, 0x82, 0x02, 0x82, 0x02, 0x82,
		0x02, 0x82, 0x02, 0x82, 0x02, 0x82, 0x02, 0x82 };

	put(s, p, sizeof(p));
}

static void psbend(struct stream *s)
{
	put(s, (const uint8_t[]){ 0x02, 0x23 }, 2);
}

static void ovf(struct stream *s)
{
	put(s, (const uint8_t[]){ 0x02, 0xf3 }, 2);
}

static void mode64(struct stream *s)
{
	put(s, (const uint8_t[]){ 0x99, 0x01 }, 2);
}

/* tip 0x0d, tip.pge 0x11, tip.pgd 0x01, fup 0x1d; ip 0: suppressed */
static void ipp(struct stream *s, uint8_t opc, uint64_t ip)
{
	uint8_t p[7];
	int i;

	if (!ip) {
		put(s, &opc, 1);
		return;
	}
	p[0] = opc | 3 << 5;	/* sign-extended 48 bits */
	for (i = 0; i < 6; i++)
		p[1 + i] = (uint8_t)(ip >> (8 * i));
	put(s, p, 7);
}

/* TNT-8 from a string of 'T'/'N', oldest first */
static void tnt(struct stream *s, const char *bits)
{
	unsigned int n = (unsigned int)strlen(bits), i, v = 1;
	uint8_t b;

	for (i = 0; i < n; i++)
		v = v << 1 | (bits[i] == 'T');
	b = (uint8_t)(v << 1);
	put(s, &b, 1);
}

static void tsc(struct stream *s, uint64_t v)
{
	uint8_t p[8] = { 0x19 };
	int i;

	for (i = 0; i < 7; i++)
		p[1 + i] = (uint8_t)(v >> (8 * i));
	put(s, p, 8);
}

static void tma(struct stream *s, uint16_t ctc, uint16_t fc)
{
	uint8_t p[7] = { 0x02, 0x73, (uint8_t)ctc, (uint8_t)(ctc >> 8), 0,
			 (uint8_t)fc, (uint8_t)(fc >> 8) };

	put(s, p, 7);
}

static void mtc(struct stream *s, uint8_t ctc)
{
	put(s, (const uint8_t[]){ 0x59, ctc }, 2);
}

static void cbr(struct stream *s, uint8_t ratio)
{
	put(s, (const uint8_t[]){ 0x02, 0x03, ratio, 0 }, 4);
}

/* CYC: 5 payload bits in the header byte, then 7 per byte */
static void cyc(struct stream *s, uint64_t v)
{
	uint8_t p[10];
	size_t n = 0;

	p[n++] = (uint8_t)((v & 0x1f) << 3 | (v > 0x1f) << 2 | 0x3);
	for (v >>= 5; v; v >>= 7)
		p[n++] = (uint8_t)((v & 0x7f) << 1 | (v > 0x7f));
	put(s, p, n);
}

static void start(struct stream *s, uint64_t ip)
{
	psb(s);
	mode64(s);
	psbend(s);
	ipp(s, 0x11, ip);
}

/* Event recorder */
struct rec {
	char lines[64][96];
	char last[96];
	uint64_t tsc[64];
	unsigned int n;
	unsigned long insns;
	int stop_after;
};

static int on_event(void *ctx, const struct pt_flow_event *ev)
{
	struct rec *r = ctx;
	const char *name = ev->type == PT_FLOW_EV_BRANCH ?
		pt_flow_kind_name(ev->kind) : pt_flow_event_name(ev->type);

	if (ev->type == PT_FLOW_EV_INSN) {
		r->insns++;
		return 0;
	}
	if (r->n < 64)
		r->tsc[r->n] = ev->tsc;
	if (r->n < 64) {
		if (ev->type == PT_FLOW_EV_ERROR)
			snprintf(r->lines[r->n], sizeof(r->lines[0]),
				 "error %d @%llu", ev->err,
				 (unsigned long long)ev->offset);
		else
			snprintf(r->lines[r->n], sizeof(r->lines[0]),
				 "%s%s%s %llx %llx %llu", name,
				 ev->kind && ev->type != PT_FLOW_EV_BRANCH ?
				 "/" : "",
				 ev->kind && ev->type != PT_FLOW_EV_BRANCH ?
				 pt_flow_kind_name(ev->kind) : "",
				 (unsigned long long)ev->from,
				 (unsigned long long)ev->to,
				 (unsigned long long)ev->insn_count);
	}
	if (ev->type == PT_FLOW_EV_ERROR)
		snprintf(r->last, sizeof(r->last), "error %d @%llu", ev->err,
			 (unsigned long long)ev->offset);
	r->n++;
	return r->stop_after && r->n >= (unsigned int)r->stop_after ? 42 : 0;
}

/* Decodes s into r; with st, the decoder's stats afterwards too. */
static int run_stats(const struct stream *s, struct rec *r, unsigned int flags,
		     struct pt_flow_stats *st)
{
	struct pt_flow_config cfg = {
		.image = { .read = read_code },
		.event = on_event,
		.event_ctx = r,
		.flags = flags,
		.mtc_freq = 3,
		.tsc_ctc_num = 128,	/* 64 tsc ticks per ctc tick */
		.tsc_ctc_den = 2,
		.nom_freq = 24,		/* with cbr 36: 170/256 tsc per cycle */
	};
	struct pt_flow *f = pt_flow_new(&cfg);
	int ret;

	assert_non_null(f);
	ret = pt_flow_decode(f, s->b, s->n);
	if (st)
		pt_flow_get_stats(f, st);
	pt_flow_free(f);
	return ret;
}

static int run(const struct stream *s, struct rec *r, unsigned int flags)
{
	return run_stats(s, r, flags, NULL);
}

static void expect(const struct rec *r, const char *const *want)
{
	unsigned int i;

	for (i = 0; want[i]; i++) {
		if (i >= r->n)
			fail_msg("event %u missing: want '%s'", i, want[i]);
		if (strcmp(r->lines[i], want[i]))
			fail_msg("event %u: '%s', want '%s'", i, r->lines[i],
				 want[i]);
	}
	if (r->n != i)
		fail_msg("%u events, want %u (extra: '%s')", r->n, i,
			 r->lines[i]);
}

static const char *const basic_events[] = {
	"tr_strt 0 1000 0",
	"jcc 1007 1002 4",
	"jcc 1007 1002 3",
	"call 1009 1013 4",
	"return 1014 100e 2",
	"jmp 100e 2000 1",
	"tr_end/syscall 2000 0 1",
	NULL
};

/* the loop with tnt, a direct call, ret by tip, jmp by tip, syscall */
static void test_basic(void **state)
{
	struct stream s = { .n = 0 };
	struct rec r = { .n = 0 };

	start(&s, 0x1000);
	tnt(&s, "TTN");
	ipp(&s, 0x0d, 0x100e);
	ipp(&s, 0x0d, 0x2000);
	ipp(&s, 0x01, 0);
	assert_int_equal(run(&s, &r, 0), 0);
	expect(&r, basic_events);
}

/* the same with the ret compressed into the tnt packet */
static void test_retcomp(void **state)
{
	struct stream s = { .n = 0 };
	struct rec r = { .n = 0 };

	start(&s, 0x1000);
	tnt(&s, "TTNT");
	ipp(&s, 0x0d, 0x2000);
	ipp(&s, 0x01, 0);
	assert_int_equal(run(&s, &r, 0), 0);
	expect(&r, basic_events);
}

/* a compressed ret with nothing on the call stack is an error */
static void test_bad_retcomp(void **state)
{
	static const char *const want[] = {
		"tr_strt 0 1013 0",
		"error 104 @27",
		NULL
	};
	struct stream s = { .n = 0 };
	struct rec r = { .n = 0 };

	start(&s, 0x1013);
	tnt(&s, "T");
	assert_int_equal(run(&s, &r, 0), 0);
	expect(&r, want);
}

/* an interrupt: fup at 0x1004 and tip; then fup and tip.pgd */
static void test_async(void **state)
{
	static const char *const want[] = {
		"tr_strt 0 1000 0",
		"async 1004 1013 2",
		"tr_end/async 1014 0 1",
		NULL
	};
	struct stream s = { .n = 0 };
	struct rec r = { .n = 0 };

	start(&s, 0x1000);
	ipp(&s, 0x1d, 0x1004);
	ipp(&s, 0x0d, 0x1013);
	ipp(&s, 0x1d, 0x1014);
	ipp(&s, 0x01, 0);
	assert_int_equal(run(&s, &r, 0), 0);
	expect(&r, want);
}

/* a TIP where the jne needs a TNT bit: error, then resync at a PSB */
static void test_error_resync(void **state)
{
	static const char *const want[] = {
		"tr_strt 0 1000 0",
		"error 102 @27",
		"sync 0 1009 0",
		"call 1009 1013 1",
		"return 1014 100e 2",
		NULL
	};
	struct stream s = { .n = 0 };
	struct rec r = { .n = 0 };

	start(&s, 0x1000);
	ipp(&s, 0x0d, 0x1234);	/* at offset 27 */
	tnt(&s, "T");		/* skipped */
	psb(&s);
	mode64(&s);
	ipp(&s, 0x1d, 0x1009);
	psbend(&s);
	ipp(&s, 0x0d, 0x100e);
	assert_int_equal(run(&s, &r, 0), 0);
	expect(&r, want);
}

/*
 * overflow: one event, with the time of the OVF and the instructions
 * before it, that resumes at the ip of the FUP after it (timing packets
 * may come between); the call before it is forgotten, so the ret after
 * it needs a TIP, and a TNT bit for it is an error
 */
static void test_overflow(void **state)
{
	static const char *const want[] = {
		"tr_strt 0 1000 0",
		"jcc 1007 1002 4",
		"jcc 1007 1002 3",
		"overflow 0 1013 3",
		"return 1014 100e 2",
		"overflow 0 1013 0",
		"error 104 @69",
		NULL
	};
	struct stream s = { .n = 0 };
	struct rec r = { .n = 0 };

	psb(&s);
	mode64(&s);
	tsc(&s, 1000000);
	psbend(&s);
	ipp(&s, 0x11, 0x1000);
	tnt(&s, "TTN");
	ovf(&s);		/* the call is lost: it resumes in the callee */
	tsc(&s, 2000000);
	ipp(&s, 0x1d, 0x1013);
	ipp(&s, 0x0d, 0x100e);
	ovf(&s);
	ipp(&s, 0x1d, 0x1013);
	tnt(&s, "T");
	assert_int_equal(run(&s, &r, 0), 0);
	expect(&r, want);
	assert_int_equal(r.tsc[3], 1000000);
	assert_int_equal(r.tsc[4], 2000000);
}

/*
 * overflow that resolves with tracing off: no ip, and tracing resumes at
 * the TIP.PGE; one at the end of the trace has no ip either
 */
static void test_overflow_disabled(void **state)
{
	static const char *const want[] = {
		"tr_strt 0 1000 0",
		"jcc 1007 1002 4",
		"jcc 1007 1002 3",
		"overflow 0 0 3",
		"tr_strt 0 1009 0",
		"call 1009 1013 1",
		"return 1014 100e 2",
		"overflow 0 0 0",
		NULL
	};
	struct stream s = { .n = 0 };
	struct rec r = { .n = 0 };

	start(&s, 0x1000);
	tnt(&s, "TTN");
	ovf(&s);
	mode64(&s);
	ipp(&s, 0x11, 0x1009);
	tnt(&s, "T");
	ovf(&s);
	assert_int_equal(run(&s, &r, 0), 0);
	expect(&r, want);
}

/* a jmp-to-self needs no trace: the walk gives up instead of hanging */
static void test_endless_loop(void **state)
{
	struct stream s = { .n = 0 };
	struct rec r = { .n = 0 };

	start(&s, 0x2002);
	tnt(&s, "T");
	assert_int_equal(run(&s, &r, 0), 0);
	assert_string_equal(r.last, "error 107 @27");
}

/*
 * A loop of two blocks through a call and a jmp: found within a few laps,
 * not after the walk's backstop of 2^20 blocks.
 */
static void test_endless_loop_blocks(void **state)
{
	struct stream s = { .n = 0 };
	struct rec r = { .n = 0 };
	struct pt_flow_stats st;

	start(&s, 0x3000);
	tnt(&s, "T");
	assert_int_equal(run_stats(&s, &r, 0, &st), 0);
	assert_string_equal(r.last, "error 107 @27");
	if (st.block_runs > 8)
		fail_msg("%llu blocks walked before the loop was found",
			 (unsigned long long)st.block_runs);
}

/* event times from tsc, tma and mtc, including an mtc wrap-around */
static void test_time(void **state)
{
	static const uint64_t want[] = {
		1000000,		/* tsc */
		999995 + 4 * 64,	/* tma ctc 0x234, mtc 0x47: 0x238 */
		999995 + 0x5c4 * 64,	/* mtc 0xff: 0x7f8 */
		999995 + 0x5d4 * 64,	/* mtc 0x01 wraps: 0x808 */
		999995 + 0x5d4 * 64,
	};
	struct stream s = { .n = 0 };
	struct rec r = { .n = 0 };
	unsigned int i;

	psb(&s);
	mode64(&s);
	tsc(&s, 1000000);
	tma(&s, 0x1234, 5);
	psbend(&s);
	ipp(&s, 0x11, 0x1000);
	mtc(&s, 0x47);
	tnt(&s, "T");
	mtc(&s, 0xff);
	tnt(&s, "T");
	mtc(&s, 0x01);
	tnt(&s, "N");
	ipp(&s, 0x0d, 0x100e);
	assert_int_equal(run(&s, &r, 0), 0);
	assert_int_equal(r.n, 5);
	assert_string_equal(r.lines[3], "call 1009 1013 4");
	for (i = 0; i < 5; i++)
		if (r.tsc[i] != want[i])
			fail_msg("event %u: tsc %llu, want %llu", i,
				 (unsigned long long)r.tsc[i],
				 (unsigned long long)want[i]);
}

/*
 * CYC arithmetic of the clock, by libipt's rules: cycles * fcr >> 8 on top
 * of the last TSC/TMA/MTC, fcr from CBR (nom_freq << 8 / cbr), from the
 * cycles between MTCs, or between TSCs in PSB+.
 */
static void test_cyc_clock(void **state)
{
	struct flow_time t;

	flow_time_init(&t, 3, 128, 2, 24);
	flow_time_tsc(&t, 1000000, 1);
	flow_time_cyc(&t, 100);		/* no ratio yet: lost */
	assert_int_equal(t.lost_cyc, 1);
	assert_int_equal(t.tsc, 1000000);
	flow_time_cbr(&t, 36, 1);
	assert_int_equal(t.cal.fcr, (24 << 8) / 36);	/* 170 */
	flow_time_tma(&t, 0x1234, 5);
	assert_int_equal(t.tsc, 1000000);
	flow_time_cyc(&t, 100);		/* 17000 >> 8 = 66, after fc 5 */
	assert_int_equal(t.tsc, 999995 + 5 + 66);
	flow_time_cyc(&t, 3);		/* 510 >> 8 = 1 */
	assert_int_equal(t.tsc, 999995 + 72);
	flow_time_mtc(&t, 0x47);	/* ctc 0x234 -> 0x238: 4 * 64 */
	assert_int_equal(t.tsc, 999995 + 256);
	assert_int_equal(t.fc, 0);
	flow_time_cyc(&t, 10);		/* same period: no adjustment */
	assert_int_equal(t.tsc, 999995 + 256 + 6);
	/* 10 cycles in 512 tsc ticks: fcr = (512 << 8) / 10 */
	flow_time_mtc(&t, 0x48);
	assert_int_equal(t.cal.fcr, 13107);
	assert_int_equal(t.tsc, 999995 + 768);
	flow_time_mtc(&t, 0x49);	/* no cycles: fcr kept */
	assert_int_equal(t.cal.fcr, 13107);
	assert_int_equal(t.tsc, 999995 + 1280);
	/*
	 * The next cyc spans the period without cycles: the 10 cycles
	 * fcr gives it are dropped; 90 * 13107 >> 8 = 4607.
	 */
	flow_time_cyc(&t, 100);
	assert_int_equal(t.tsc, 999995 + 1280 + 4607);
	/*
	 * Fewer cycles than the spanned period takes (10): no advance, and
	 * fc stays 0, so the next cyc is adjusted again.
	 */
	flow_time_mtc(&t, 0x4a);
	flow_time_mtc(&t, 0x4b);
	flow_time_cyc(&t, 5);
	assert_int_equal(t.tsc, 999995 + 1792 + 512);
	/* cbr outside psb+: calibration restarts from cbr alone */
	flow_time_cbr(&t, 12, 0);
	assert_int_equal(t.cal.fcr, (24 << 8) / 12);
	assert_int_equal(t.cal.have_mtc, 0);
	flow_time_cyc(&t, 3);		/* the period takes 256 cycles now */
	assert_int_equal(t.tsc, 999995 + 2304);
	flow_time_cyc(&t, 800);		/* 544 * 512 >> 8 = 1088 */
	assert_int_equal(t.tsc, 999995 + 2304 + 1088);
	/* tsc (with its tma, which sets ctc_cyc) resets the cycles */
	flow_time_tsc(&t, 2000000, 0);
	assert_int_equal(t.tsc, 2000000);
	assert_int_equal(t.fc, 0);
	flow_time_tma(&t, 0x100, 0);
	flow_time_cyc(&t, 1);		/* 512 >> 8 */
	assert_int_equal(t.tsc, 2000002);
	(void)state;
}

/* without nom_freq: calibration from mtcs, or from tscs in psb+ */
static void test_cyc_calibration(void **state)
{
	struct flow_time t;

	flow_time_init(&t, 3, 128, 2, 0);
	flow_time_tsc(&t, 64000, 1);
	flow_time_tma(&t, 0x7e8, 0);
	flow_time_cbr(&t, 36, 1);	/* no nom_freq: no ratio */
	flow_time_cyc(&t, 7);
	assert_int_equal(t.lost_cyc, 1);
	flow_time_mtc(&t, 0xfe);	/* 0x7f0: 8 ctc ticks later */
	assert_int_equal(t.tsc, 64000 + 8 * 64);
	assert_int_equal(t.lost_cyc, 0);
	flow_time_cyc(&t, 64);
	assert_int_equal(t.tsc, 64000 + 512);	/* still no ratio */
	flow_time_mtc(&t, 0xff);	/* 64 cycles per 512 ticks */
	assert_int_equal(t.cal.fcr, 512 << 8 >> 6);
	flow_time_cyc(&t, 8);
	assert_int_equal(t.tsc, 64000 + 1024 + 64);
	/* a wrapping mtc calibrates over the wrap too */
	flow_time_mtc(&t, 0x00);	/* 0x7f8 -> 0x800 */
	assert_int_equal(t.cal.fcr, (512 << 8) / 8);
	assert_int_equal(t.tsc, 64000 + 1536);

	/* without mtcs, two tscs in psb+ calibrate */
	flow_time_init(&t, 3, 128, 2, 0);
	flow_time_tsc(&t, 1000, 1);
	flow_time_cyc(&t, 50);
	flow_time_tsc(&t, 1100, 0);	/* outside psb+: reference only */
	assert_int_equal(t.cal.have_fcr, 0);
	flow_time_cyc(&t, 50);
	flow_time_tsc(&t, 1200, 1);	/* 100 ticks in 50 cycles */
	assert_int_equal(t.cal.fcr, 512);
	flow_time_cyc(&t, 3);
	assert_int_equal(t.tsc, 1206);
	(void)state;
}

/*
 * The clock's hand-over in a parallel decode (flow_time_same() and
 * flow_time_hand_over()): random packet sequences, each with a PSB+ where
 * a second clock starts afresh. Wherever the two are found the same at
 * that PSB+, the fresh clock must have given the sequential clock's times
 * from there on, and be the sequential clock after the hand-over. Runs
 * with and without cycles, and with and without a ratio from CBR (nominal
 * frequency known or not); the joins taken where only the calibration's
 * CTC state differed (the fresh clock had seen no MTC), and where only
 * the ratio did (the fresh clock had none, and read none), must happen.
 */
enum { CLK_PSB, CLK_MTC, CLK_CYC, CLK_CBR, CLK_TSC, CLK_NR };

struct clk_op {
	int kind;
	uint64_t v;
};

static void clk_apply(struct flow_time *t, const struct clk_op *op)
{
	switch (op->kind) {
	case CLK_PSB:
		flow_time_tsc(t, op->v, 1);
		flow_time_tma(t, (uint16_t)(op->v >> 4), (uint16_t)(op->v & 7));
		flow_time_cbr(t, 24 + (op->v & 3), 1);
		break;
	case CLK_MTC:
		flow_time_mtc(t, (uint8_t)op->v);
		break;
	case CLK_CYC:
		flow_time_cyc(t, op->v);
		break;
	case CLK_CBR:
		flow_time_cbr(t, (uint8_t)op->v, 0);
		break;
	default:
		flow_time_tsc(t, op->v, 0);
		break;
	}
}

/* a and b alike, but for the counters that only say what a decode did */
static bool clk_equal(const struct flow_time *a, const struct flow_time *b)
{
	const struct flow_tcal *x = &a->cal, *y = &b->cal;

	return a->tsc == b->tsc && a->base == b->base && a->fc == b->fc && a->ctc == b->ctc &&
	       a->ctc_cyc == b->ctc_cyc && a->have_tsc == b->have_tsc &&
	       a->have_tma == b->have_tma && a->have_mtc == b->have_mtc &&
	       a->have_cbr == b->have_cbr && a->cbr == b->cbr && a->lost_mtc == b->lost_mtc &&
	       a->lost_cyc == b->lost_cyc && x->fcr == y->fcr && x->tsc == y->tsc &&
	       x->cyc_tsc == y->cyc_tsc && x->cyc_mtc == y->cyc_mtc && x->ctc == y->ctc &&
	       x->lost_mtc == y->lost_mtc && x->have_fcr == y->have_fcr &&
	       x->have_mtc == y->have_mtc;
}

#define CLK_OPS	40

static void test_clock_hand_over(void **state)
{
	unsigned int seed = 1, joins = 0, unprimed = 0, refused = 0, lent = 0;

	for (int run = 0; run < 20000; run++) {
		struct clk_op ops[CLK_OPS];
		struct flow_time seq, fresh, a, b;
		uint64_t tsc = 100000, mtc = 0;
		int psb = 3 + run % 8, with_cyc = run & 1, nom_freq = run & 2 ? 0 : 24;
		/* cycles before the PSB+ only: a ratio the fresh clock never reads */
		int cyc_end = run % 5 ? CLK_OPS : psb;
		bool same;

		for (int i = 0; i < CLK_OPS; i++) {
			seed = seed * 1103515245 + 12345;
			ops[i].kind = i == 0 || i == psb ? CLK_PSB : (int)((seed >> 16) % CLK_NR);
			if (ops[i].kind == CLK_CYC && (!with_cyc || i > cyc_end))
				ops[i].kind = CLK_MTC;
			if ((ops[i].kind == CLK_CBR || ops[i].kind == CLK_TSC) && (seed >> 8) % 4)
				ops[i].kind = CLK_MTC;
			mtc += 1 + (seed >> 20) % 3;
			tsc += 64 * (1 + (seed >> 12) % 5);
			ops[i].v = ops[i].kind == CLK_MTC ? mtc :
				   ops[i].kind == CLK_CYC ? 1 + (seed >> 4) % 90 :
				   ops[i].kind == CLK_CBR ? 20 + (seed >> 4) % 16 : tsc;
		}
		flow_time_init(&seq, 3, 128, 2, nom_freq);
		flow_time_init(&fresh, 3, 128, 2, nom_freq);
		for (int i = 0; i <= psb; i++)
			clk_apply(&seq, &ops[i]);
		clk_apply(&fresh, &ops[psb]);
		a = seq;
		b = fresh;
		same = true;
		for (int i = psb + 1; i < CLK_OPS; i++) {
			clk_apply(&seq, &ops[i]);
			clk_apply(&fresh, &ops[i]);
			same = same && seq.tsc == fresh.tsc;
		}
		if (!flow_time_same(&a, &b, &fresh)) {
			refused++;
			continue;
		}
		joins++;
		unprimed += a.cal.have_mtc != b.cal.have_mtc;
		assert_true(same);
		lent += flow_time_hand_over(&fresh, &a, &b);
		assert_true(clk_equal(&seq, &fresh));
	}
	assert_true(joins > 1000);
	assert_true(unprimed > 100);
	assert_true(refused > 100);
	assert_true(lent > 40);	/* 71 */
	(void)state;
}

/* cyc and cbr packets in a stream: events get the refined time */
static void test_cyc_time(void **state)
{
	static const uint64_t want[] = {
		999995 + 5 + 7,			/* tma fc 5, 12 cycles */
		999995 + 5 + 7 + 66,		/* 100 cycles */
		999995 + 4 * 64,		/* mtc after 6 cycles */
		/* tip after 40 (26 ticks) and 4660 cycles (3 bytes) */
		999995 + 4 * 64 + 26 + 3094,
		999995 + 4 * 64 + 26 + 3094,
	};
	struct stream s = { .n = 0 };
	struct rec r = { .n = 0 };
	unsigned int i;

	psb(&s);
	mode64(&s);
	tsc(&s, 1000000);
	tma(&s, 0x1234, 5);
	cbr(&s, 36);
	psbend(&s);
	cyc(&s, 12);
	ipp(&s, 0x11, 0x1000);
	cyc(&s, 100);
	tnt(&s, "T");
	cyc(&s, 6);
	mtc(&s, 0x47);
	tnt(&s, "T");
	cyc(&s, 40);
	tnt(&s, "N");
	cyc(&s, 0x1234);
	ipp(&s, 0x0d, 0x100e);
	assert_int_equal(run(&s, &r, 0), 0);
	assert_int_equal(r.n, 5);
	assert_string_equal(r.lines[3], "call 1009 1013 4");
	for (i = 0; i < 5; i++)
		if (r.tsc[i] != want[i])
			fail_msg("event %u: tsc %llu, want %llu", i,
				 (unsigned long long)r.tsc[i],
				 (unsigned long long)want[i]);
	(void)state;
}

/* code that is not in the image */
static void test_nomap(void **state)
{
	struct stream s = { .n = 0 };
	struct rec r = { .n = 0 };

	start(&s, 0x9000);
	tnt(&s, "T");
	assert_int_equal(run(&s, &r, 0), 0);
	assert_int_equal(r.n, 2);
	assert_string_equal(r.lines[1], "error 100 @27");
}

/* the image of read_code_of_image(): 1 the program above, others nothing */
static uint64_t test_image;

static int read_code_of_image(void *ctx, uint64_t ip, uint8_t *buf, size_t len)
{
	return test_image == 1 ? read_code(ctx, ip, buf, len) : 0;
}

static void decode_under(struct pt_flow *f, uint64_t image, const struct stream *s,
			 struct rec *r, struct pt_flow_stats *st)
{
	test_image = image;
	pt_flow_set_image(f, image);
	assert_true(pt_flow_image(f) == image);
	memset(r, 0, sizeof(*r));
	assert_int_equal(pt_flow_decode(f, s->b, s->n), 0);
	pt_flow_get_stats(f, st);
}

/*
 * Code cached per image: an image that comes back finds its blocks (none
 * decoded again), another image at the same addresses never sees them, and
 * past PT_FLOW_IMAGES images the least recently used one is emptied.
 */
static void test_image_caches(void **state)
{
	struct rec r;
	struct pt_flow_config cfg = {
		.image = { .read = read_code_of_image },
		.event = on_event,
		.event_ctx = &r,
	};
	struct pt_flow *f = pt_flow_new(&cfg);
	struct stream s = { .n = 0 };
	struct pt_flow_stats st;
	uint64_t blocks;

	(void)state;
	assert_non_null(f);
	assert_true(pt_flow_image(f) == 0);
	start(&s, 0x1000);
	tnt(&s, "TTN");
	ipp(&s, 0x0d, 0x100e);
	ipp(&s, 0x0d, 0x2000);
	ipp(&s, 0x01, 0);

	decode_under(f, 1, &s, &r, &st);
	expect(&r, basic_events);
	blocks = st.blocks;
	assert_true(blocks > 0);

	decode_under(f, 2, &s, &r, &st);	/* the same addresses, no code */
	assert_int_equal(r.n, 2);
	assert_string_equal(r.lines[1], "error 100 @27");

	decode_under(f, 1, &s, &r, &st);	/* back: its blocks, nothing decoded */
	expect(&r, basic_events);
	assert_int_equal(st.blocks, blocks + 1);	/* + image 2's error block */

	for (uint64_t image = 3; image < PT_FLOW_IMAGES + 1; image++)	/* all caches taken */
		decode_under(f, image, &s, &r, &st);
	assert_int_equal(st.blocks, blocks + PT_FLOW_IMAGES - 1);
	decode_under(f, 1, &s, &r, &st);
	expect(&r, basic_events);
	assert_int_equal(st.blocks, blocks + PT_FLOW_IMAGES - 1);

	for (uint64_t image = 100; image < 100 + PT_FLOW_IMAGES; image++)	/* each evicts one */
		decode_under(f, image, &s, &r, &st);
	assert_int_equal(st.blocks, PT_FLOW_IMAGES);	/* one error block each */
	decode_under(f, 1, &s, &r, &st);	/* evicted: decoded again */
	expect(&r, basic_events);
	assert_int_equal(st.blocks, blocks + PT_FLOW_IMAGES - 1);
	pt_flow_free(f);
}

/* per-instruction events, and stopping from the callback */
static void test_insn_and_stop(void **state)
{
	struct stream s = { .n = 0 };
	struct rec r = { .n = 0 };

	start(&s, 0x1000);
	tnt(&s, "TTN");
	ipp(&s, 0x0d, 0x100e);
	ipp(&s, 0x0d, 0x2000);
	ipp(&s, 0x01, 0);
	assert_int_equal(run(&s, &r, PT_FLOW_F_INSN), 0);
	expect(&r, basic_events);
	assert_int_equal(r.insns, 4 + 3 + 4 + 2 + 1 + 1);

	memset(&r, 0, sizeof(r));
	r.stop_after = 2;
	assert_int_equal(run(&s, &r, 0), 42);
	assert_int_equal(r.n, 2);
}

/* cut or corrupted streams: error events, never a crash or a hang */
static void test_truncated_and_corrupt(void **state)
{
	struct stream s = { .n = 0 }, t;
	struct rec r;
	size_t cut, i;
	unsigned int seed = 1;

	start(&s, 0x1000);
	tnt(&s, "TTN");
	ipp(&s, 0x0d, 0x100e);
	ipp(&s, 0x0d, 0x2000);
	ipp(&s, 0x01, 0);
	for (cut = 0; cut < s.n; cut++) {
		t = s;
		t.n = cut;
		memset(&r, 0, sizeof(r));
		assert_int_equal(run(&t, &r, 0), 0);
		assert_true(r.n <= 7);
	}
	/* cut inside the tip after the psb+: a need-more error */
	t = s;
	t.n = 24;
	memset(&r, 0, sizeof(r));
	run(&t, &r, 0);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.lines[0], "error -7 @20");
	for (i = 0; i < 2000; i++) {
		t = s;
		seed = seed * 1103515245 + 12345;
		t.b[16 + (seed >> 8) % (s.n - 16)] ^= (uint8_t)(seed >> 20 | 1);
		memset(&r, 0, sizeof(r));
		assert_int_equal(run(&t, &r, 0), 0);
	}
}

/*
 * Counting (pt_flow_config.sums): what a consumer sees at each event that is
 * not a summed branch: the event and the totals of the branches before it
 * (count, instructions, a checksum of their sources), whether those came
 * as events or as sums.
 */
struct tally {
	uint64_t branches, insns, from_sum;
	char seen[4096];	/* one line per other event, with the totals */
	size_t len;
	uint64_t nr_sums;	/* sums() calls */
	/* the totals after each event or sums() call, while there is room */
	uint64_t after[256][3];
	size_t delivered;
};

static void tally_delivered(struct tally *t)
{
	if (t->delivered < sizeof(t->after) / sizeof(t->after[0])) {
		t->after[t->delivered][0] = t->branches;
		t->after[t->delivered][1] = t->insns;
		t->after[t->delivered][2] = t->from_sum;
	}
	t->delivered++;
}

static void tally_add(struct tally *t, uint64_t from, uint64_t insns, uint64_t branches)
{
	t->branches += branches;
	t->insns += insns;
	t->from_sum += from * branches;
}

static int tally_event(void *ctx, const struct pt_flow_event *ev)
{
	struct tally *t = ctx;
	int n;

	/* an asynchronous branch (fup + tip) stays an event when counting */
	if (ev->type == PT_FLOW_EV_BRANCH && ev->kind != PT_FLOW_K_ASYNC &&
	    ev->kind != PT_FLOW_K_TX_ABORT) {
		tally_add(t, ev->from, ev->insn_count, 1);
		tally_delivered(t);
		return 0;
	}
	tally_delivered(t);
	n = snprintf(t->seen + t->len, sizeof(t->seen) - t->len,
		     "%u/%u %llx %llx %llu err %d | %llu %llu %llx\n", ev->type, ev->kind,
		     (unsigned long long)ev->from, (unsigned long long)ev->to,
		     (unsigned long long)ev->insn_count, ev->err,
		     (unsigned long long)t->branches, (unsigned long long)t->insns,
		     (unsigned long long)t->from_sum);
	if (n > 0 && (size_t)n < sizeof(t->seen) - t->len)
		t->len += (size_t)n;
	return 0;
}

static int tally_sums(void *ctx, const struct pt_flow_sum *v, size_t nr)
{
	struct tally *t = ctx;

	t->nr_sums++;
	for (size_t i = 0; i < nr; i++)
		tally_add(t, v[i].from, v[i].insns, v[i].branches);
	tally_delivered(t);
	return 0;
}

/* Decodes s with events only, then counting: the same totals at each event. */
static void same_counting(const struct stream *s, bool want_sums)
{
	struct tally ev = { .branches = 0 }, sum = { .branches = 0 };
	struct pt_flow_config cfg = { .image = { .read = read_code }, .event = tally_event };
	struct pt_flow *f;

	cfg.event_ctx = &ev;
	f = pt_flow_new(&cfg);
	assert_non_null(f);
	assert_int_equal(pt_flow_decode(f, s->b, s->n), 0);
	pt_flow_free(f);
	cfg.event_ctx = &sum;
	cfg.sums = tally_sums;
	f = pt_flow_new(&cfg);
	assert_non_null(f);
	assert_int_equal(pt_flow_decode(f, s->b, s->n), 0);
	pt_flow_free(f);
	assert_string_equal(ev.seen, sum.seen);
	assert_int_equal(ev.branches, sum.branches);
	assert_int_equal(ev.insns, sum.insns);
	assert_int_equal(ev.from_sum, sum.from_sum);
	if (want_sums)
		assert_true(sum.nr_sums > 0);
}

/* the loop, calls, compressed returns, errors and corruption: counted as events are */
static void test_counting(void **state)
{
	struct stream s = { .n = 0 }, t;
	unsigned int seed = 7;

	start(&s, 0x1000);
	tnt(&s, "TTNT");
	ipp(&s, 0x0d, 0x2000);
	ipp(&s, 0x01, 0);
	start(&s, 0x1000);
	tnt(&s, "TTTTNT");
	ipp(&s, 0x0d, 0x100e);
	ipp(&s, 0x0d, 0x2000);
	ipp(&s, 0x01, 0);
	same_counting(&s, true);
	for (int i = 0; i < 2000; i++) {
		t = s;
		seed = seed * 1103515245 + 12345;
		t.b[16 + (seed >> 8) % (s.n - 16)] ^= (uint8_t)(seed >> 20 | 1);
		same_counting(&t, false);
	}
}

/* A flow decoder of the test's code, its events to r. */
static struct pt_flow *new_flow(struct rec *r)
{
	struct pt_flow_config cfg = {
		.image = { .read = read_code },
		.event = on_event,
		.event_ctx = r,
	};
	struct pt_flow *f = pt_flow_new(&cfg);

	assert_non_null(f);
	return f;
}

/*
 * Three ranges: A calls 0x1013 (0x100e pushed) and disables tracing at the
 * ret; B (PSB+ without FUP) enables it there again; C (PSB+ at the ret)
 * returns compressed (retcomp) or by a TIP. B's decode alone takes over
 * from A at its PSBEND (nothing to drop) and goes on into C: the
 * compressed ret pops 0x100e, which only the join with A handed over.
 */
static void three_ranges(struct stream *s, size_t *b, size_t *c, bool retcomp)
{
	start(s, 0x1009);
	ipp(s, 0x01, 0x1014);	/* tip.pgd after the call, at the ret */
	*b = s->n;
	psb(s);
	mode64(s);
	psbend(s);
	ipp(s, 0x11, 0x1014);
	*c = s->n;
	psb(s);
	mode64(s);
	ipp(s, 0x1d, 0x1014);
	psbend(s);
	if (retcomp)
		tnt(s, "T");
	else
		ipp(s, 0x0d, 0x100e);
	ipp(s, 0x0d, 0x2000);
	ipp(s, 0x01, 0);
}

/*
 * B decoded alone from b, taking over from A by a join (A decoded alone
 * from 0) or by pt_flow_take_over(); then joined into C's decode. Returns
 * pt_flow_join()'s answer into C, whether B used what was handed over in
 * *used, B's events in rb.
 */
static int range_b(const struct stream *s, size_t b, size_t c, bool by_join, struct rec *rb,
		   bool *used)
{
	struct rec ra = { .n = 0 }, rc = { .n = 0 };
	struct pt_flow *fa = new_flow(&ra), *fb = new_flow(rb), *fc = new_flow(&rc);
	uint64_t drop = 99;
	int ret;

	assert_int_equal(pt_flow_decode_from(fa, s->b, s->n, 0, b), 0);
	assert_int_equal(pt_flow_decode_from(fb, s->b, s->n, b, c), 0);
	assert_int_equal(pt_flow_decode_from(fc, s->b, s->n, c, s->n), 0);
	assert_false(pt_flow_used_before(fb));
	if (by_join) {
		assert_int_equal(pt_flow_join(fa, fb, c, &drop), 1);
		assert_int_equal(drop, 0);
	} else {
		assert_int_equal(pt_flow_take_over(fb, 1), -EINVAL);
		assert_int_equal(pt_flow_take_over(fb, 0), 0);
	}
	ret = pt_flow_join(fb, fc, s->n, &drop);
	*used = pt_flow_used_before(fb);
	pt_flow_free(fa);
	pt_flow_free(fb);
	pt_flow_free(fc);
	return ret;
}

/*
 * pt_flow_used_before(): a range that pops a return address handed over
 * says so, the same whether it was handed over (a join) or not
 * (pt_flow_take_over(): the pop fails); one that pops none does not, and
 * then its events and its join into the next range are the same both ways.
 */
static void test_used_before(void **state)
{
	static const char *const joined[] = {
		"tr_strt 0 1014 0",
		"return 1014 100e 1",
		"jmp 100e 2000 1",
		"tr_end/syscall 2000 0 1",
		NULL
	};
	struct stream s = { .n = 0 }, t = { .n = 0 };
	struct rec r1 = { .n = 0 }, r2 = { .n = 0 };
	char want[64];
	size_t b, c;
	bool used;

	(void)state;
	three_ranges(&s, &b, &c, true);
	/* C pops the empty stack alone: B's state crosses it to the end */
	assert_int_equal(range_b(&s, b, c, true, &r1, &used), 0);
	assert_true(used);
	expect(&r1, joined);
	assert_int_equal(range_b(&s, b, c, false, &r2, &used), 0);
	assert_true(used);
	snprintf(want, sizeof(want), "error %d @%zu", PT_FLOW_ERR_BAD_RETCOMP, c + 27);
	assert_string_equal(r2.lines[1], want);	/* at C's tnt, after its PSB+ */

	three_ranges(&t, &b, &c, false);
	memset(&r1, 0, sizeof(r1));
	memset(&r2, 0, sizeof(r2));
	assert_int_equal(range_b(&t, b, c, true, &r1, &used), 1);
	assert_false(used);
	assert_int_equal(range_b(&t, b, c, false, &r2, &used), 1);
	assert_false(used);
	assert_int_equal(r1.n, r2.n);
	for (unsigned int i = 0; i < r1.n; i++)
		assert_string_equal(r1.lines[i], r2.lines[i]);
}

/* Clock calls: none asked for but at TSC packets. */
static uint64_t clock_at_tsc(void *ctx, uint64_t tsc, uint64_t *image)
{
	(void)ctx;
	(void)tsc;
	(void)image;
	return UINT64_MAX;
}

/* Decodes s folding plain branches, times from timed_tsc on, clock() calls or not. */
static void run_folding(const struct stream *s, struct rec *r, uint64_t timed_tsc, bool clock)
{
	struct pt_flow_config cfg = {
		.image = { .read = read_code },
		.event = on_event,
		.event_ctx = r,
		.flags = PT_FLOW_F_FOLD,
		.timed_tsc = timed_tsc,
		.clock = clock ? clock_at_tsc : NULL,
	};
	struct pt_flow *f = pt_flow_new(&cfg);

	assert_non_null(f);
	assert_int_equal(pt_flow_decode(f, s->b, s->n), 0);
	pt_flow_free(f);
}

/*
 * Folding: a plain branch after a taken branch goes with the next event
 * (its instructions added), the first after another event does not, nor
 * one whose time appears where the last had none, nor one across a
 * clock() call; the last held goes when the decode ends.
 */
static void test_folding(void **state)
{
	static const char *const folded[] = {
		"tr_strt 0 1000 0",
		"jcc 1007 1002 4",	/* the first after tr_strt */
		"call 1009 1013 7",	/* the second jcc's 3 and its 4 */
		"return 1014 100e 2",
		"tr_end/syscall 2000 0 2",	/* the jmp's 1 and its 1 */
		NULL
	};
	static const char *const timed_from_6000[] = {
		"tr_strt 0 1000 0",
		"jcc 1007 1002 4",
		"jcc 1007 1002 3",	/* the first with a time */
		"call 1009 1013 4",
		"return 1014 100e 2",
		"tr_end/syscall 2000 0 2",
		NULL
	};
	static const char *const held_at_end[] = {
		"tr_strt 0 1000 0",
		"jcc 1007 1002 4",
		"jcc 1007 1002 3",	/* held, then the decode ended */
		NULL
	};
	struct stream s = { .n = 0 };
	struct rec r = { .n = 0 };

	(void)state;
	psb(&s);
	mode64(&s);
	tsc(&s, 1000);
	psbend(&s);
	ipp(&s, 0x11, 0x1000);
	tnt(&s, "T");
	tsc(&s, 6000);
	tnt(&s, "TN");
	ipp(&s, 0x0d, 0x100e);
	ipp(&s, 0x0d, 0x2000);
	ipp(&s, 0x01, 0);
	run_folding(&s, &r, 0, false);
	expect(&r, folded);
	r = (struct rec){ .n = 0 };
	run_folding(&s, &r, 6000, false);
	expect(&r, timed_from_6000);
	r = (struct rec){ .n = 0 };	/* the TSC packet calls clock(): as timed from 6000 */
	run_folding(&s, &r, 0, true);
	expect(&r, timed_from_6000);

	s.n = 0;
	start(&s, 0x1000);
	tnt(&s, "TT");
	r = (struct rec){ .n = 0 };
	run_folding(&s, &r, 0, false);
	expect(&r, held_at_end);
}

/*
 * Counting in ranges (pt_flow_decode_from(), pt_flow_join()): a stream
 * without TSC (no clock() call hands the sums over at its PSBs) cut at
 * every other PSB, every range counted alone, the ranges joined in order, and
 * of each range the deliveries (events and sums() calls) after its join:
 * the totals of the decode of the whole stream, events or sums.
 */
#define RANGES	4

/*
 * The stream of the tests in ranges: RANGES ranges, each after the first
 * starting at a PSB+ (at[k]: its offset; at[RANGES]: the end), of TNTs
 * and TIPs with a PSB+ inside each, a later point to join at; no TSC.
 */
static void ranges_stream(struct stream *s, size_t at[RANGES + 1])
{
	for (int k = 0; k < RANGES; k++) {
		at[k] = s->n;
		if (!k) {
			start(s, 0x1000);
		} else {
			psb(s);
			mode64(s);
			ipp(s, 0x1d, 0x1000);	/* fup: where the flow is */
			psbend(s);
		}
		for (int i = 0; i < 4 + k; i++) {
			tnt(s, "TTNT");
			ipp(s, 0x0d, 0x1000);
			if (i != 2)
				continue;
			psb(s);
			mode64(s);
			ipp(s, 0x1d, 0x1000);
			psbend(s);
		}
	}
	ipp(s, 0x01, 0);
	at[RANGES] = s->n;
}

/* s decoded whole with cfg, its events to ctx. */
static void decode_whole(struct pt_flow_config *cfg, void *ctx, const struct stream *s)
{
	struct pt_flow *f;

	cfg->event_ctx = ctx;
	f = pt_flow_new(cfg);
	assert_non_null(f);
	assert_int_equal(pt_flow_decode(f, s->b, s->n), 0);
	pt_flow_free(f);
}

/* Range k of s (ranges_stream()) decoded alone with cfg, its events to ctx. */
static struct pt_flow *decode_range_alone(struct pt_flow_config *cfg, void *ctx,
					  const struct stream *s, const size_t at[RANGES + 1], int k)
{
	struct pt_flow *f;

	cfg->event_ctx = ctx;
	f = pt_flow_new(cfg);
	assert_non_null(f);
	assert_int_equal(pt_flow_decode_from(f, s->b, s->n, at[k], at[k + 1]), 0);
	return f;
}

/*
 * The ranges f (decoded alone) joined in order: range `from` is exact from
 * its delivery `drop` on, and take(ctx, from, drop) is called for each
 * range whose deliveries are taken, from the one it joined at (a range
 * crossed without a join is not). Returns the number of joins.
 */
static unsigned int join_in_order(struct pt_flow *f[RANGES], const size_t at[RANGES + 1],
				  void (*take)(void *ctx, int from, uint64_t drop), void *ctx)
{
	struct pt_flow *exact = f[0];
	unsigned int joins = 0;
	uint64_t drop = 0;
	int from = 0;

	for (int k = 1; k <= RANGES; k++) {
		uint64_t next_drop = 0;
		int r = k < RANGES ? pt_flow_join(exact, f[k], at[k + 1], &next_drop) : 1;

		assert_true(r == 0 || r == 1);
		if (!r)
			continue;
		take(ctx, from, drop);
		if (k < RANGES) {
			joins++;
			exact = f[k];
			from = k;
			drop = next_drop;
		}
	}
	return joins;
}

/* The totals of the deliveries taken of each range (join_in_order()). */
struct counted_ranges {
	const struct tally *part;
	uint64_t got[3];
};

static void take_counts(void *ctx, int from, uint64_t drop)
{
	struct counted_ranges *c = ctx;
	const struct tally *t = &c->part[from];

	assert_true(t->delivered <= 256 && drop <= t->delivered);
	for (int v = 0; v < 3; v++)
		c->got[v] += t->after[t->delivered - 1][v] - (drop ? t->after[drop - 1][v] : 0);
}

static void test_counting_ranges(void **state)
{
	struct stream s = { .n = 0 };
	struct tally whole = { .branches = 0 }, part[RANGES] = { { .branches = 0 } };
	struct pt_flow_config cfg = { .image = { .read = read_code }, .event = tally_event,
				      .sums = tally_sums };
	struct counted_ranges c = { .part = part };
	struct pt_flow *f[RANGES];
	size_t at[RANGES + 1];

	ranges_stream(&s, at);

	decode_whole(&cfg, &whole, &s);
	assert_true(whole.nr_sums > 0);
	assert_true(whole.branches > 20);

	for (int k = 0; k < RANGES; k++)
		f[k] = decode_range_alone(&cfg, &part[k], &s, at, k);
	assert_true(join_in_order(f, at, take_counts, &c) > 0);
	assert_int_equal(c.got[0], whole.branches);
	assert_int_equal(c.got[1], whole.insns);
	assert_int_equal(c.got[2], whole.from_sum);
	for (int k = 0; k < RANGES; k++)
		pt_flow_free(f[k]);
	(void)state;
}

/* Every event as a line "type/kind from to insns", in order. */
struct ev_log {
	char (*lines)[64];
	size_t n, cap;
};

static int log_event(void *ctx, const struct pt_flow_event *ev)
{
	struct ev_log *l = ctx;

	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 256;
		l->lines = realloc(l->lines, l->cap * sizeof(*l->lines));
		assert_non_null(l->lines);
	}
	snprintf(l->lines[l->n++], sizeof(l->lines[0]), "%u/%u %llx %llx %llu", ev->type,
		 ev->kind, (unsigned long long)ev->from, (unsigned long long)ev->to,
		 (unsigned long long)ev->insn_count);
	return 0;
}

/*
 * Folding in ranges: the counting test's stream (no TSC, so no clock()
 * call lets go of the branches held at its PSBs), folded whole and in
 * ranges joined in order: the events taken of each range (from its join
 * on) are those of the whole decode, insn counts too, and fewer than
 * without folding. A range that started at a PSB holds nothing where the
 * decode before it holds branches: only what both deliver at the PSBEND
 * they join at keeps them the same.
 */
/* The events taken of each range (join_in_order()), in order. */
struct logged_ranges {
	const struct ev_log *part;
	struct ev_log *joined;
};

static void take_lines(void *ctx, int from, uint64_t drop)
{
	struct logged_ranges *l = ctx;
	const struct ev_log *p = &l->part[from];

	for (size_t i = drop; i < p->n; i++) {
		assert_int_equal(log_event(l->joined, &(struct pt_flow_event){ 0 }), 0);
		memcpy(l->joined->lines[l->joined->n - 1], p->lines[i], sizeof(p->lines[0]));
	}
}

static void test_folding_ranges(void **state)
{
	struct stream s = { .n = 0 };
	struct ev_log plain = { 0 }, whole = { 0 }, part[RANGES] = { { 0 } }, joined = { 0 };
	struct pt_flow_config cfg = { .image = { .read = read_code }, .event = log_event,
				      .flags = PT_FLOW_F_FOLD };
	struct logged_ranges l = { .part = part, .joined = &joined };
	struct pt_flow *f[RANGES];
	size_t at[RANGES + 1];

	(void)state;
	ranges_stream(&s, at);

	decode_whole(&cfg, &whole, &s);
	cfg.flags = 0;
	decode_whole(&cfg, &plain, &s);
	assert_true(whole.n < plain.n);

	cfg.flags = PT_FLOW_F_FOLD;
	for (int k = 0; k < RANGES; k++)
		f[k] = decode_range_alone(&cfg, &part[k], &s, at, k);
	assert_true(join_in_order(f, at, take_lines, &l) > 0);
	for (size_t i = 0; i < whole.n && i < joined.n; i++)
		assert_string_equal(joined.lines[i], whole.lines[i]);
	assert_int_equal(joined.n, whole.n);
	for (int k = 0; k < RANGES; k++) {
		pt_flow_free(f[k]);
		free(part[k].lines);
	}
	free(plain.lines);
	free(whole.lines);
	free(joined.lines);
}

/* Clock calls noted among the events: "clock TSC". */
static uint64_t clock_noted(void *ctx, uint64_t tsc, uint64_t *image)
{
	struct rec *r = ctx;

	(void)image;
	if (r->n < 64) {
		snprintf(r->lines[r->n], sizeof(r->lines[0]), "clock %llu",
			 (unsigned long long)tsc);
		r->tsc[r->n] = tsc;
	}
	r->n++;
	return UINT64_MAX;
}

static struct pt_flow *new_timed_flow(struct rec *r)
{
	struct pt_flow_config cfg = {
		.image = { .read = read_code },
		.event = on_event,
		.event_ctx = r,
		.clock = clock_noted,
		.clock_ctx = r,
	};
	struct pt_flow *f = pt_flow_new(&cfg);

	assert_non_null(f);
	return f;
}

/*
 * The loop (TTN), the direct call at 0x1009 run, then a PSB+ (TSC 2000000,
 * FUP fup), the ret and the jmp by TIP, a PSB+ (TSC 3000000) at the
 * syscall, the syscall. *at: the second PSB.
 */
static void call_before_psb(struct stream *s, uint64_t fup, size_t *at)
{
	psb(s);
	mode64(s);
	tsc(s, 1000000);
	psbend(s);
	ipp(s, 0x11, 0x1000);
	tnt(s, "TTN");
	*at = s->n;
	psb(s);
	mode64(s);
	tsc(s, 2000000);
	ipp(s, 0x1d, fup);
	psbend(s);
	ipp(s, 0x0d, 0x100e);
	ipp(s, 0x0d, 0x2000);
	psb(s);
	mode64(s);
	tsc(s, 3000000);
	ipp(s, 0x1d, 0x2000);
	psbend(s);
	ipp(s, 0x01, 0);
}

/*
 * A direct call that ran before a PSB is walked at its PSBEND, with the
 * time from before it, and before the clock hook hears of its TSC; where
 * the way to the PSB's FUP needs trace, it waits for the next TIP as it
 * always did. A decode from the PSB, joined (at the next PSBEND: the
 * two differ in err_ip at the first), gives the same events.
 */
static void test_psb_walk(void **state)
{
	static const char *const walked[] = {
		"clock 1000000",
		"tr_strt 0 1000 0",
		"jcc 1007 1002 4",
		"jcc 1007 1002 3",
		"call 1009 1013 4",
		"clock 2000000",
		"return 1014 100e 2",
		"jmp 100e 2000 1",
		"clock 3000000",
		"tr_end/syscall 2000 0 1",
		NULL
	};
	static const uint64_t walked_tsc[] = {
		1000000, 1000000, 1000000, 1000000, 1000000, 2000000, 2000000, 2000000,
		3000000, 3000000,
	};
	static const char *const waited[] = {
		"clock 1000000",
		"tr_strt 0 1000 0",
		"jcc 1007 1002 4",
		"jcc 1007 1002 3",
		"clock 2000000",
		"call 1009 1013 4",
		"return 1014 100e 2",
		"jmp 100e 2000 1",
		"tr_end/syscall 2000 0 1",
		NULL
	};
	struct stream s = { .n = 0 }, t = { .n = 0 };
	struct rec r = { .n = 0 }, ra = { .n = 0 }, rb = { .n = 0 };
	struct pt_flow *f, *fa, *fb;
	uint64_t drop = 99;
	size_t at;
	unsigned int i, k, n;

	(void)state;
	call_before_psb(&s, 0x1013, &at);
	f = new_timed_flow(&r);
	assert_int_equal(pt_flow_decode(f, s.b, s.n), 0);
	pt_flow_free(f);
	expect(&r, walked);
	for (i = 0; walked[i]; i++)
		if (r.tsc[i] != walked_tsc[i])
			fail_msg("event %u (%s): tsc %llu, want %llu", i, r.lines[i],
				 (unsigned long long)r.tsc[i], (unsigned long long)walked_tsc[i]);

	/* ranges: the first joins the decode from the PSB at its PSBEND */
	fa = new_timed_flow(&ra);
	fb = new_timed_flow(&rb);
	assert_int_equal(pt_flow_decode_from(fa, s.b, s.n, 0, at), 0);
	assert_int_equal(pt_flow_decode_from(fb, s.b, s.n, at, s.n), 0);
	assert_int_equal(pt_flow_join(fa, fb, s.n, &drop), 1);
	/* the events (not the clock calls): ra's, then rb's after its first `drop` */
	for (i = 0, n = 0; i < ra.n; i++) {
		if (!strncmp(ra.lines[i], "clock ", 6))
			continue;
		ra.tsc[n] = ra.tsc[i];
		memmove(ra.lines[n++], ra.lines[i], sizeof(ra.lines[0]));
	}
	for (i = 0, k = 0; i < rb.n; i++) {
		if (!strncmp(rb.lines[i], "clock ", 6) || k++ < drop)
			continue;
		assert_true(n < 64);
		memcpy(ra.lines[n], rb.lines[i], sizeof(ra.lines[0]));
		ra.tsc[n++] = rb.tsc[i];
	}
	for (i = 0, k = 0; walked[i]; i++) {
		if (!strncmp(walked[i], "clock ", 6))
			continue;
		assert_true(k < n);
		assert_string_equal(ra.lines[k], walked[i]);
		assert_int_equal(ra.tsc[k++], walked_tsc[i]);
	}
	assert_int_equal(k, n);
	pt_flow_free(fa);
	pt_flow_free(fb);

	/* the way to the FUP needs a TNT bit: the call waits as before */
	t.n = 0;
	psb(&t);
	mode64(&t);
	tsc(&t, 1000000);
	psbend(&t);
	ipp(&t, 0x11, 0x1000);
	tnt(&t, "TT");
	psb(&t);
	mode64(&t);
	tsc(&t, 2000000);
	ipp(&t, 0x1d, 0x1013);
	psbend(&t);
	tnt(&t, "N");
	ipp(&t, 0x0d, 0x100e);
	ipp(&t, 0x0d, 0x2000);
	ipp(&t, 0x01, 0);
	memset(&r, 0, sizeof(r));
	f = new_timed_flow(&r);
	assert_int_equal(pt_flow_decode(f, t.b, t.n), 0);
	pt_flow_free(f);
	expect(&r, waited);
	assert_int_equal(r.tsc[5], 2000000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_retcomp),
		cmocka_unit_test(test_bad_retcomp),
		cmocka_unit_test(test_async),
		cmocka_unit_test(test_error_resync),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_overflow_disabled),
		cmocka_unit_test(test_endless_loop),
		cmocka_unit_test(test_endless_loop_blocks),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_cyc_clock),
		cmocka_unit_test(test_cyc_calibration),
		cmocka_unit_test(test_cyc_time),
		cmocka_unit_test(test_clock_hand_over),
		cmocka_unit_test(test_nomap),
		cmocka_unit_test(test_image_caches),
		cmocka_unit_test(test_insn_and_stop),
		cmocka_unit_test(test_truncated_and_corrupt),
		cmocka_unit_test(test_counting),
		cmocka_unit_test(test_used_before),
		cmocka_unit_test(test_folding),
		cmocka_unit_test(test_folding_ranges),
		cmocka_unit_test(test_counting_ranges),
		cmocka_unit_test(test_psb_walk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
