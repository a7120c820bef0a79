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
 *
 * fuzz-sources: decoders/x86/x86_insn.c decoders/intel_pt/pt_flow*.c decoders/intel_pt/pt_packet.c decoders/intel_pt/pt_error.c decoders/intel_pt/pt_sync.c
 * fuzz-max-len: 65536
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "decoders/intel_pt/pt_flow.h"

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

/* One decoder, configured by flags and sums, decoding the trace twice; the first tally. */
static bool decode_twice(const struct image *im, const uint8_t *trace, size_t len,
			 unsigned int flags, pt_flow_sum_fn sums, struct tally *first)
{
	struct tally t = { 0 };
	struct pt_flow_config cfg = {
		.image = { read_code, (void *)im },
		.event = on_event,
		.event_ctx = &t,
		.flags = flags,
		.mtc_freq = 3,
		.tsc_ctc_num = 2,
		.tsc_ctc_den = 1,
		.nom_freq = 24,
		.sums = sums,
	};
	struct pt_flow *f = pt_flow_new(&cfg);

	if (!f)
		return false;
	pt_flow_decode(f, trace, len);
	*first = t;
	t = (struct tally){ 0 };
	pt_flow_decode(f, trace, len);
	pt_flow_free(f);
	return true;
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
	return 0;
}
