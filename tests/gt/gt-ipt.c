// SPDX-License-Identifier: GPL-2.0
/*
 * gt-ipt.c - decodes a ground-truth trace with libipt's block decoder
 * (pt_blk, with an image section cache over OUT.img) and prints the same
 * gt_format.h lines as gt-flow, as a cross-check that the stream is valid
 * and that libipt agrees with the expected flow.
 *   gt-ipt [-q] [-d] [-r N] OUT
 * -q counts instead of printing; -d uses libipt's default block flags
 * (blocks run across direct jumps and calls: fastest, but then direct
 * branches are not seen, so only with -q); -r N decodes N times and
 * prints the best decode time on stderr.
 *
 * pt_blk runs blocks across direct branches unless asked not to (it is
 * here), and leaves an indirect branch's class as ptic_error when its
 * block came from its block cache; that class is then taken from
 * lib/x86_insn. A block's last instruction decides whether it branched: compared with
 * the next block's start (conditional) or always (other branches). The
 * last instruction's length comes from lib/x86_insn (libipt's pt_block
 * gives it only for truncated blocks).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "decoders/x86/x86_insn.h"
#include "gt_ipt.h"

struct state {
	const struct gt_image *img;
	int quiet;
	int prev_valid;
	uint64_t prev_ip, prev_len;
	enum pt_insn_class prev_cls;
	uint64_t count;
	unsigned long lines, errors, blocks;
};

static void line(struct state *s, const char *name, uint64_t from,
		 uint64_t to)
{
	s->lines++;
	if (!s->quiet)
		printf(GT_LINE_FMT, name, from, to, s->count);
	s->count = 0;
}

static int insn_at(struct state *s, uint64_t ip, struct x86_insn *insn)
{
	uint8_t buf[X86_MAX_INSN_LEN];
	int n = gt_image_read(s->img, ip, buf, sizeof(buf));

	return n > 0 ? x86_insn_decode(buf, (size_t)n, ip, X86_MODE_64, insn) :
		       -1;
}

static const char *class_name(enum pt_insn_class c)
{
	switch (c) {
	case ptic_call: return "call";
	case ptic_return: return "return";
	case ptic_jump: return "jmp";
	case ptic_cond_jump: return "jcc";
	case ptic_far_call: return "far_call";
	case ptic_far_return: return "far_return";
	case ptic_far_jump: return "far_jmp";
	default: return NULL;
	}
}

static enum pt_insn_class x86_to_ptic(unsigned int cls)
{
	switch (cls) {
	case X86_CLASS_CALL: return ptic_call;
	case X86_CLASS_RETURN: return ptic_return;
	case X86_CLASS_JUMP: return ptic_jump;
	case X86_CLASS_COND_JUMP: return ptic_cond_jump;
	case X86_CLASS_FAR_CALL: return ptic_far_call;
	case X86_CLASS_FAR_RETURN: return ptic_far_return;
	case X86_CLASS_FAR_JUMP: return ptic_far_jump;
	case X86_CLASS_PTWRITE: return ptic_ptwrite;
	default: return ptic_other;
	}
}

/* The flow continues at ip: did the previous block's last insn branch? */
static void resolve(struct state *s, uint64_t ip)
{
	const char *name;

	if (!s->prev_valid)
		return;
	s->prev_valid = 0;
	name = class_name(s->prev_cls);
	if (!name)
		return;
	if (s->prev_cls == ptic_cond_jump && ip == s->prev_ip + s->prev_len)
		return;
	line(s, name, s->prev_ip, ip);
}

static const char *tr_end_name(struct state *s)
{
	struct x86_insn insn;

	if (!s->prev_valid || insn_at(s, s->prev_ip, &insn) < 0)
		return "tr_end";
	switch (insn.kind) {
	case X86_KIND_SYSCALL:
	case X86_KIND_SYSENTER:
		return "tr_end/syscall";
	case X86_KIND_SYSRET:
	case X86_KIND_SYSEXIT:
		return "tr_end/sysret";
	default:
		break;
	}
	switch (s->prev_cls) {
	case ptic_far_call: return "tr_end/far_call";
	case ptic_far_return: return "tr_end/far_return";
	case ptic_far_jump: return "tr_end/far_jmp";
	case ptic_call: return "tr_end/call";
	case ptic_return: return "tr_end/return";
	case ptic_jump: return "tr_end/jmp";
	case ptic_cond_jump: return "tr_end/jcc";
	default: return "tr_end";
	}
}

static void on_event(void *ctx, const struct pt_event *ev)
{
	struct state *s = ctx;

	switch (ev->type) {
	case ptev_enabled:
		s->prev_valid = 0;
		s->count = 0;
		line(s, "tr_strt", 0, ev->variant.enabled.ip);
		break;
	case ptev_disabled:
		line(s, tr_end_name(s), s->prev_valid ? s->prev_ip : 0,
		     ev->ip_suppressed ? 0 : ev->variant.disabled.ip);
		s->prev_valid = 0;
		break;
	case ptev_async_disabled:
		resolve(s, ev->variant.async_disabled.at);
		line(s, "tr_end/async", ev->variant.async_disabled.at,
		     ev->ip_suppressed ? 0 : ev->variant.async_disabled.ip);
		break;
	case ptev_async_branch:
		resolve(s, ev->variant.async_branch.from);
		line(s, "async", ev->variant.async_branch.from,
		     ev->variant.async_branch.to);
		break;
	case ptev_overflow:
		/* the block before it ends where the packets did: its last
		 * instruction's branch, if any, is not known (gt-record's
		 * losses begin after a conditional branch not taken) */
		s->prev_valid = 0;
		line(s, "overflow", 0,
		     ev->ip_suppressed ? 0 : ev->variant.overflow.ip);
		break;
	default:
		break;
	}
}

static void on_block(void *ctx, const struct pt_block *blk)
{
	struct state *s = ctx;
	struct x86_insn insn;
	int n;

	s->blocks++;
	resolve(s, blk->ip);
	s->count += blk->ninsn;
	n = insn_at(s, blk->end_ip, &insn);
	s->prev_valid = 1;
	s->prev_ip = blk->end_ip;
	s->prev_len = n > 0 ? (uint64_t)n : 0;
	s->prev_cls = blk->iclass;
	/* pt_blk's cached path leaves indirect branches unclassified */
	if (blk->iclass == ptic_error && n > 0)
		s->prev_cls = x86_to_ptic(insn.cls);
}

static void on_error(void *ctx, int status)
{
	struct state *s = ctx;

	s->errors++;
	if (!s->quiet)
		printf("error %s\n", pt_errstr(pt_errcode(status)));
	s->prev_valid = 0;
}

static const struct gt_ipt_ops ops = {
	.event = on_event, .block = on_block, .error = on_error,
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct state s = { 0 };
	struct pt_image_section_cache *iscache;
	struct pt_config cfg;
	struct gt_image img;
	int opt, reps = 1, defaults = 0, i, r = 0;
	char path[4096 + 8];
	double best = 1e9;
	uint8_t *trace;
	size_t len;

	while ((opt = getopt(argc, argv, "qdr:")) != -1) {
		if (opt == 'q')
			s.quiet = 1;
		else if (opt == 'd')
			defaults = 1;
		else if (opt == 'r')
			reps = atoi(optarg);
		else
			return 2;
	}
	if (optind + 1 != argc || reps < 1 || (defaults && !s.quiet)) {
		fprintf(stderr, "usage: gt-ipt [-q [-d]] [-r N] OUT\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s.pt", argv[optind]);
	trace = gt_read_file(path, &len);
	if (!trace || gt_image_load(&img, argv[optind]) < 0) {
		fprintf(stderr, "gt-ipt: cannot load %s\n", argv[optind]);
		return 2;
	}
	s.img = &img;
	iscache = pt_iscache_alloc(NULL);
	if (!iscache)
		return 2;
	gt_ipt_config(&cfg, trace, len);
	if (!defaults) {
		cfg.flags.variant.block.end_on_call = 1;
		cfg.flags.variant.block.end_on_jump = 1;
	}
	for (i = 0; i < reps; i++) {
		struct pt_block_decoder *dec = pt_blk_alloc_decoder(&cfg);
		double t;
		int err;

		if (!dec)
			return 2;
		err = gt_ipt_add_image(pt_blk_get_image(dec), iscache, &img);
		if (err < 0) {
			fprintf(stderr, "gt-ipt: image: %s\n",
				pt_errstr(pt_errcode(err)));
			return 2;
		}
		s.lines = s.errors = s.blocks = 0;
		s.prev_valid = 0;
		t = now();
		r = gt_ipt_walk(dec, &ops, &s);
		t = now() - t;
		if (t < best)
			best = t;
		pt_blk_free_decoder(dec);
	}
	if (reps > 1 || s.quiet)
		fprintf(stderr, "time %.6f lines %lu errors %lu blocks %lu\n",
			best, s.lines, s.errors, s.blocks);
	pt_iscache_free(iscache);
	gt_image_free(&img);
	free(trace);
	return r < 0 ? 1 : 0;
}
