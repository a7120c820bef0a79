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
 *
 * fuzz-sources: decoders/x86/x86_insn.c decoders/intel_pt/pt_flow*.c decoders/intel_pt/pt_packet.c decoders/intel_pt/pt_error.c decoders/intel_pt/pt_sync.c
 * fuzz-max-len: 65536
 */
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

static int on_event(void *ctx, const struct pt_flow_event *ev)
{
	unsigned int *insns = ctx;

	if (ev->type >= PT_FLOW_EV_NR || ev->kind >= PT_FLOW_K_NR)
		abort();
	return ev->type == PT_FLOW_EV_INSN && ++*insns >= INSN_BUDGET;
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
	for (unsigned flags = 0; flags <= PT_FLOW_F_INSN; flags += PT_FLOW_F_INSN) {
		unsigned int insns = 0;
		struct pt_flow_config cfg = {
			.image = { read_code, &im },
			.event = on_event,
			.event_ctx = &insns,
			.flags = flags,
			.mtc_freq = 3,
			.tsc_ctc_num = 2,
			.tsc_ctc_den = 1,
			.nom_freq = 24,
		};
		struct pt_flow *f = pt_flow_new(&cfg);

		if (!f)
			return 0;
		pt_flow_decode(f, data + split, size - split);
		insns = 0;
		pt_flow_decode(f, data + split, size - split);
		pt_flow_free(f);
	}
	return 0;
}
