// SPDX-License-Identifier: GPL-2.0
/*
 * ipt_anchor.c - the libipt reference programs of bench-e2e.sh: what a
 * plain libipt user writes to do what an auxrec command does, each a whole
 * process over a raw Intel PT file.
 *   ipt-anchor blocks-count TRACE IMAGE
 *   ipt-anchor blocks-print TRACE IMAGE
 *   ipt-anchor packets-stats TRACE
 * blocks-*: libipt's block decoder (pt_blk, blocks ended at every call and
 * jump, code from an image section cache over IMAGE.img as IMAGE.map lays
 * it out; tests/gt/gt_ipt.h, as gt-ipt) finds each taken branch: the last
 * instruction of a block is one when it is a call, return or jump, or a
 * conditional branch the next block does not start right after. libipt
 * gives neither that instruction's length nor, for blocks from its block
 * cache, its class: both come from decoding it (lib/x86_insn, where a
 * libipt user would call XED), only for conditional and unclassified ones.
 * blocks-count prints the count; blocks-print prints "from to" in hex per
 * taken branch with printf, as it goes, then nothing else.
 * packets-stats: libipt's packet decoder (pt_pkt_sync_forward, pt_pkt_next,
 * resynchronizing after an error) counts packets and bytes per packet
 * type and prints "name count bytes" per type seen, then "total" and
 * "errors" lines, as `auxrec dump --stats` does.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "decoders/x86/x86_insn.h"
#include "tests/gt/gt_ipt.h"
#include "bench_intel_pt_ptdump.h"

struct walk {
	const struct gt_image *img;
	int print;
	int pending;		/* a block's last instruction waits for the next block */
	uint64_t end_ip;
	enum pt_insn_class iclass;
	uint64_t branches;
};

/* The flow goes on at ip: was the pending block's last insn a taken branch? */
static void resolve(struct walk *w, uint64_t ip)
{
	uint8_t buf[X86_MAX_INSN_LEN];
	struct x86_insn insn;
	int n;

	if (!w->pending)
		return;
	w->pending = 0;
	switch (w->iclass) {
	case ptic_call:
	case ptic_return:
	case ptic_jump:
	case ptic_far_call:
	case ptic_far_return:
	case ptic_far_jump:
		break;
	case ptic_cond_jump:
	case ptic_error:
		n = gt_image_read(w->img, w->end_ip, buf, sizeof(buf));
		if (n <= 0)
			return;
		n = x86_insn_decode(buf, (size_t)n, w->end_ip, X86_MODE_64, &insn);
		if (n < 0 || !x86_class_is_branch(insn.cls))
			return;
		if (insn.cls == X86_CLASS_COND_JUMP && ip == w->end_ip + (uint64_t)n)
			return;
		break;
	default:
		return;
	}
	w->branches++;
	if (w->print)
		printf("%" PRIx64 " %" PRIx64 "\n", w->end_ip, ip);
}

static void on_event(void *ctx, const struct pt_event *ev)
{
	struct walk *w = ctx;

	switch (ev->type) {
	case ptev_async_disabled:
		resolve(w, ev->variant.async_disabled.at);
		break;
	case ptev_async_branch:
		resolve(w, ev->variant.async_branch.from);
		break;
	case ptev_enabled:
	case ptev_disabled:	/* a syscall's TIP.PGD: no branch */
	case ptev_overflow:
		w->pending = 0;
		break;
	default:		/* exec mode, timing, ...: the flow goes on */
		break;
	}
}

static void on_block(void *ctx, const struct pt_block *blk)
{
	struct walk *w = ctx;

	resolve(w, blk->ip);
	w->pending = 1;
	w->end_ip = blk->end_ip;
	w->iclass = blk->iclass;
}

static void on_error(void *ctx, int status)
{
	struct walk *w = ctx;

	w->pending = 0;
}

static const struct gt_ipt_ops ops = {
	.event = on_event, .block = on_block, .error = on_error,
};

static int blocks(const char *trace_path, const char *image, int print)
{
	struct pt_image_section_cache *iscache = pt_iscache_alloc(NULL);
	struct walk w = { .print = print };
	struct pt_block_decoder *dec;
	struct pt_config cfg;
	struct gt_image img;
	uint8_t *trace;
	size_t len;
	int err = 0;

	trace = gt_read_file(trace_path, &len);
	if (!iscache || !trace || gt_image_load(&img, image) < 0) {
		fprintf(stderr, "ipt-anchor: cannot load %s or %s\n", trace_path, image);
		return 2;
	}
	w.img = &img;
	gt_ipt_config(&cfg, trace, len);
	cfg.flags.variant.block.end_on_call = 1;
	cfg.flags.variant.block.end_on_jump = 1;
	dec = pt_blk_alloc_decoder(&cfg);
	if (dec)
		err = gt_ipt_add_image(pt_blk_get_image(dec), iscache, &img);
	if (dec && err >= 0)
		err = gt_ipt_walk(dec, &ops, &w);
	if (!dec || err < 0) {
		fprintf(stderr, "ipt-anchor: %s\n",
			dec ? pt_errstr(pt_errcode(err)) : "no decoder");
		return 1;
	}
	if (!print)
		printf("%" PRIu64 "\n", w.branches);
	pt_blk_free_decoder(dec);
	pt_iscache_free(iscache);
	gt_image_free(&img);
	free(trace);
	return 0;
}

#define SLOTS	(ppt_ptw + 2)	/* every type, and mode.tsx after them */

static int packets(const char *trace_path)
{
	uint64_t count[SLOTS] = { 0 }, bytes[SLOTS] = { 0 }, errors = 0;
	uint64_t total = 0, total_bytes = 0;
	const char *names[SLOTS] = { NULL };
	struct pt_packet_decoder *dec;
	struct pt_config cfg;
	uint8_t *trace;
	size_t len;
	int i, size;

	trace = gt_read_file(trace_path, &len);
	if (!trace) {
		fprintf(stderr, "ipt-anchor: cannot read %s\n", trace_path);
		return 2;
	}
	gt_ipt_config(&cfg, trace, len);
	dec = pt_pkt_alloc_decoder(&cfg);
	if (!dec)
		return 1;
	while (pt_pkt_sync_forward(dec) >= 0) {
		struct pt_packet p;

		while ((size = pt_pkt_next(dec, &p, sizeof(p))) >= 0) {
			i = p.type == ppt_mode && p.payload.mode.leaf == pt_mol_tsx ?
			    SLOTS - 1 : (int)p.type;
			if (i < 0 || i >= SLOTS)
				i = ppt_unknown;
			names[i] = ipt_packet_name(&p);
			count[i]++;
			bytes[i] += (uint64_t)size;
		}
		if (size == -pte_eos)
			break;
		errors++;
	}
	for (i = 0; i < SLOTS; i++) {
		if (!count[i])
			continue;
		printf("%-12s %12" PRIu64 " %16" PRIu64 "\n", names[i], count[i],
		       bytes[i]);
		total += count[i];
		total_bytes += bytes[i];
	}
	printf("%-12s %12" PRIu64 " %16" PRIu64 "\n", "total", total, total_bytes);
	printf("errors %" PRIu64 "\n", errors);
	pt_pkt_free_decoder(dec);
	free(trace);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "blocks-count"))
		return blocks(argv[2], argv[3], 0);
	if (argc == 4 && !strcmp(argv[1], "blocks-print"))
		return blocks(argv[2], argv[3], 1);
	if (argc == 3 && !strcmp(argv[1], "packets-stats"))
		return packets(argv[2]);
	fprintf(stderr, "usage: ipt-anchor blocks-count|blocks-print TRACE IMAGE\n"
			"       ipt-anchor packets-stats TRACE\n");
	return 2;
}
