// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_pt_flow.c - libFuzzer target for the Intel PT flow decoder: the
 * first two bytes give the size (x16) of the code that follows, mapped at
 * 0x400000 (a static binary's first page is there: the decoder
 * walks real-looking instructions and its block cache fills), the rest is
 * the trace; decoded with and without per-instruction events and with MTC
 * timing on, through the same decoder instance twice (cache reuse).
 * Every event is checked for sane fields. Per-instruction events stop the
 * decode (through the callback, as a user may) after INSN_BUDGET in one
 * call: a few bytes of trace can run the whole code each time, which made
 * a single input take seconds; the pass without them decodes all of it.
 * A third pass counts (report's mode: sums per branch source, no time)
 * and must agree with the events of the pass without instructions: the
 * same taken branches and instructions in all, the same other events.
 * A fourth pass folds plain branches (PT_FLOW_F_FOLD, export's mode) and
 * must give the events of a pass without, logged both with clock() calls
 * (fold_agrees()): those it leaves out are plain branches after a taken
 * branch, their instructions go to the next event delivered, and at each
 * event delivered the latest time and the first one so far are those of
 * the events up to it; none is left out across a clock() call.
 * A fifth pass decodes the trace in windows (fuzz_windows.h: repeated to
 * FUZZ_TILE bytes, cut where the input says): the tally of the same
 * bytes in one buffer, and no read outside a window (ASan).
 *
 * fuzz-sources: decoders/x86/x86_insn.c decoders/intel_pt/pt_flow*.c decoders/intel_pt/pt_packet.c decoders/intel_pt/pt_error.c decoders/intel_pt/pt_sync.c lib/session/piece_windows.c lib/util/array_grow.c
 * fuzz-max-len: 65536
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "decoders/intel_pt/pt_flow.h"
#include "tests/fuzz/fuzz_windows.h"

#define CODE_BASE 0x400000ULL
#define INSN_BUDGET (1u << 12)

struct image {
	const uint8_t *code;
	size_t len;
};

static int read_code(void *ctx, uint64_t ip, uint8_t *buf, size_t len)
{
	const struct image *im = ctx;
	uint64_t off;

	if (ip < CODE_BASE || ip - CODE_BASE >= im->len)
		return 0;
	off = ip - CODE_BASE;
	if (len > im->len - off)
		len = im->len - off;
	memcpy(buf, im->code + off, len);
	return (int)len;
}

/* What a pass without instruction events gave, to compare the modes by. */
struct tally {
	unsigned int insns;		/* INSN events (budget) */
	uint64_t branches, insn_total;	/* taken branches, instructions */
	uint64_t others;		/* a hash of the other events in order */
};

static int on_event(void *ctx, const struct pt_flow_event *ev)
{
	struct tally *t = ctx;

	if (ev->type >= PT_FLOW_EV_NR || ev->kind >= PT_FLOW_K_NR)
		abort();
	t->insn_total += ev->insn_count;
	if (ev->type == PT_FLOW_EV_BRANCH)
		t->branches++;
	else if (ev->type != PT_FLOW_EV_INSN)
		t->others = (t->others ^ (ev->type | (uint64_t)ev->kind << 8 | (uint64_t)ev->err << 16 |
					  ev->from << 24 ^ ev->to)) * 0x100000001b3ULL;
	return ev->type == PT_FLOW_EV_INSN && ++t->insns >= INSN_BUDGET;
}

static int on_sums(void *ctx, const struct pt_flow_sum *v, size_t nr)
{
	struct tally *t = ctx;

	for (size_t i = 0; i < nr; i++) {
		if (!v[i].branches)
			abort();
		t->branches += v[i].branches;
		t->insn_total += v[i].insns;
	}
	return 0;
}

/* The decoder's settings of every pass: code, events, MTC timing, flags. */
static struct pt_flow_config config_of(const struct image *im, pt_flow_event_fn event, void *ctx,
				       unsigned int flags)
{
	return (struct pt_flow_config){
		.image = { read_code, (void *)im },
		.event = event,
		.event_ctx = ctx,
		.flags = flags,
		.mtc_freq = 3,
		.tsc_ctc_num = 2,
		.tsc_ctc_den = 1,
		.nom_freq = 24,
	};
}

/* One decoder, configured by flags and sums, decoding the trace twice; the first tally. */
static bool decode_twice(const struct image *im, const uint8_t *trace, size_t len,
			 unsigned int flags, pt_flow_sum_fn sums, struct tally *first)
{
	struct tally t = { 0 };
	struct pt_flow_config cfg = config_of(im, on_event, &t, flags);
	struct pt_flow *f;

	cfg.sums = sums;
	f = pt_flow_new(&cfg);

	if (!f)
		return false;
	pt_flow_decode(f, trace, len);
	*first = t;
	t = (struct tally){ 0 };
	pt_flow_decode(f, trace, len);
	pt_flow_free(f);
	return true;
}

/* Folding oracle: the events of a pass and its clock() calls, in order. */
#define LOG_MAX (1u << 16)
struct logged {
	struct pt_flow_event ev;
	bool clock;			/* a clock() call, not an event */
};

struct log {
	struct logged *v;
	size_t n;
	bool full;			/* more than LOG_MAX: not compared */
	uint64_t timed_tsc;
};

static void log_add(struct log *l, const struct pt_flow_event *ev, bool clock)
{
	if (l->n == LOG_MAX) {
		l->full = true;
		return;
	}
	l->v[l->n++] = (struct logged){ .ev = ev ? *ev : (struct pt_flow_event){ 0 },
					.clock = clock };
}

static int log_event(void *ctx, const struct pt_flow_event *ev)
{
	log_add(ctx, ev, false);
	return 0;
}

/* Calls come every 256 ticks from each one: markers in the log. */
static uint64_t log_clock(void *ctx, uint64_t tsc, uint64_t *image)
{
	(void)image;
	log_add(ctx, NULL, true);
	return tsc + 256;
}

static bool plain_branch(const struct pt_flow_event *ev)
{
	return ev->type == PT_FLOW_EV_BRANCH &&
	       (ev->kind == PT_FLOW_K_JMP || ev->kind == PT_FLOW_K_JCC);
}

/* An event's time as a host sees it: 0 when it has none. */
static uint64_t time_of(const struct log *l, const struct pt_flow_event *ev)
{
	return ev->tsc >= l->timed_tsc ? ev->tsc : 0;
}

/* The latest time and the first non-zero one, with ev's. */
static void times_add(const struct log *l, const struct pt_flow_event *ev, uint64_t *max,
		      uint64_t *first)
{
	uint64_t t = time_of(l, ev);

	if (t > *max)
		*max = t;
	if (!*first)
		*first = t;
}

static bool same_but_count(const struct pt_flow_event *a, const struct pt_flow_event *b)
{
	return a->type == b->type && a->kind == b->kind && a->mode == b->mode && a->err == b->err &&
	       a->from == b->from && a->to == b->to && a->tsc == b->tsc &&
	       a->offset == b->offset && a->payload == b->payload;
}

/* Whether the folded log f is what folding may make of the events of e. */
static bool fold_agrees(const struct log *e, const struct log *f)
{
	uint64_t emax = 0, efirst = 0, fmax = 0, ffirst = 0;
	size_t i = 0;

	for (size_t j = 0; j < f->n; j++) {
		const struct logged *d = &f->v[j];
		uint64_t skipped = 0;

		if (d->clock) {
			if (i == e->n || !e->v[i].clock)
				return false;
			i++;
			continue;
		}
		for (;; i++) {
			const struct logged *x = &e->v[i];

			if (i == e->n || x->clock)
				return false;
			times_add(e, &x->ev, &emax, &efirst);
			if (same_but_count(&x->ev, &d->ev) &&
			    skipped + x->ev.insn_count == d->ev.insn_count)
				break;
			/* left out: a plain branch after a taken branch */
			if (!plain_branch(&x->ev) || !i || e->v[i - 1].clock ||
			    e->v[i - 1].ev.type != PT_FLOW_EV_BRANCH)
				return false;
			skipped += x->ev.insn_count;
		}
		i++;
		times_add(f, &d->ev, &fmax, &ffirst);
		if (emax != fmax || efirst != ffirst)
			return false;
	}
	return i == e->n;
}

/* A pass with clock() calls into a log, folding or not. */
static bool decode_logged(const struct image *im, const uint8_t *trace, size_t len,
			  unsigned int flags, struct log *l)
{
	struct pt_flow_config cfg = config_of(im, log_event, l, flags);
	struct pt_flow *f;

	cfg.clock = log_clock;
	cfg.clock_ctx = l;
	cfg.timed_tsc = l->timed_tsc;
	f = pt_flow_new(&cfg);

	if (!f)
		return false;
	pt_flow_decode(f, trace, len);
	pt_flow_free(f);
	return true;
}

/* The folding pass against one without; times count from timed_tsc on. */
static void check_folding(const struct image *im, const uint8_t *trace, size_t len,
			  uint64_t timed_tsc)
{
	static struct logged ev[LOG_MAX], fv[LOG_MAX];
	struct log e = { .v = ev, .timed_tsc = timed_tsc }, f = { .v = fv, .timed_tsc = timed_tsc };

	if (decode_logged(im, trace, len, 0, &e) &&
	    decode_logged(im, trace, len, PT_FLOW_F_FOLD, &f) && !e.full && !f.full &&
	    !fold_agrees(&e, &f))
		abort();
}

/* The trace in windows against the trace in one buffer (the fifth pass). */
static void check_windows(const struct image *im, const uint8_t *trace, size_t len)
{
	struct fuzz_windows fw;
	struct tally one = { 0 }, win = { 0 };
	struct pt_flow_config cfg;
	struct pt_windows w;
	struct pt_flow *f;

	if (!len)
		return;
	if (fuzz_windows_make(&fw, trace, len)) {
		w = (struct pt_windows){ .v = fw.pw.v, .nr = fw.pw.nr, .len = FUZZ_TILE };
		cfg = config_of(im, on_event, &one, 0);
		f = pt_flow_new(&cfg);
		if (f) {
			pt_flow_decode(f, fw.tiled, FUZZ_TILE);
			pt_flow_free(f);
		}
		cfg = config_of(im, on_event, &win, 0);
		f = pt_flow_new(&cfg);
		if (f) {
			pt_flow_decode_windows(f, &w);
			pt_flow_free(f);
		}
		if (one.branches != win.branches || one.insn_total != win.insn_total ||
		    one.others != win.others)
			abort();
	}
	fuzz_windows_free(&fw);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct image im;
	size_t split;

	if (size < 3)
		return 0;
	split = 2 + (size_t)(data[0] | data[1] << 8) * 16 % (size - 2);
	im.code = data + 2;
	im.len = split - 2;
	struct tally events, insns, counted;

	if (!decode_twice(&im, data + split, size - split, 0, NULL, &events) ||
	    !decode_twice(&im, data + split, size - split, PT_FLOW_F_INSN, NULL, &insns) ||
	    !decode_twice(&im, data + split, size - split, PT_FLOW_F_NO_TIME, on_sums, &counted))
		return 0;
	if (counted.branches != events.branches || counted.insn_total != events.insn_total ||
	    counted.others != events.others)
		abort();
	/* times from 0 on, or from a TSC the input picks */
	check_folding(&im, data + split, size - split, (uint64_t)data[0] << (data[1] & 31));
	check_windows(&im, data + split, size - split);
	return 0;
}
