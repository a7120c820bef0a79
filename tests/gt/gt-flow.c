// SPDX-License-Identifier: GPL-2.0
/*
 * gt-flow.c - decodes a ground-truth trace (OUT.pt with OUT.img/OUT.map)
 * with auxrec's flow decoder (decoders/intel_pt/pt_flow.h) and prints the
 * events as gt_format.h lines, to be compared with OUT.branches.
 *   gt-flow [-q|-t|-i] [-r N] [-p N] OUT
 * -q counts events instead of printing them; -t prints each event's time
 * instead (to compare with OUT.times); -i asks for per-instruction events
 * and prints their count; -r N decodes N times and
 * prints the best decode time (seconds) on stderr as "time S".
 * -p N decodes the trace as a parallel decode does, in ranges of N PSBs
 * each, every one decoded alone (pt_flow_decode_from), then joined in
 * order (pt_flow_join), and says on stderr "ranges R joined J". A join
 * needs a PSB in the later range after its first one: N >= 2.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "decoders/intel_pt/pt_flow.h"
#include "decoders/intel_pt/pt_sync.h"
#include "gt_format.h"
#include "gt_image.h"

struct out {
	int quiet;
	int times;
	int insns;		/* -i: count INSN events only */
	unsigned long ninsn;
	unsigned long events, errors;
};

static int read_code(void *ctx, uint64_t ip, uint8_t *buf, size_t len)
{
	return gt_image_read(ctx, ip, buf, len);
}

static int on_event(void *ctx, const struct pt_flow_event *ev)
{
	struct out *o = ctx;
	char name[64];

	if (ev->type == PT_FLOW_EV_INSN) {
		o->ninsn++;
		return 0;
	}
	o->events++;
	if (ev->type == PT_FLOW_EV_ERROR) {
		o->errors++;
		if (!o->quiet)
			printf("error %#" PRIx64 " %s at offset %#" PRIx64 "\n",
			       ev->from, pt_flow_errstr(ev->err), ev->offset);
		return 0;
	}
	if (o->quiet || o->insns)
		return 0;
	if (o->times) {
		printf("%" PRIu64 "\n", ev->tsc);
		return 0;
	}
	switch (ev->type) {
	case PT_FLOW_EV_BRANCH:
		snprintf(name, sizeof(name), "%s", pt_flow_kind_name(ev->kind));
		break;
	case PT_FLOW_EV_TRACE_END:
		snprintf(name, sizeof(name), "tr_end%s%s",
			 ev->kind ? "/" : "",
			 ev->kind ? pt_flow_kind_name(ev->kind) : "");
		break;
	default:
		snprintf(name, sizeof(name), "%s", pt_flow_event_name(ev->type));
		break;
	}
	printf(GT_LINE_FMT, name, ev->from, ev->to, ev->insn_count);
	return 0;
}

/* A range decoded alone: its decoder and the events it delivered. */
struct range {
	struct pt_flow *flow;
	size_t start, end;
	struct pt_flow_event *ev;
	size_t nr, cap;
};

static int keep_event(void *ctx, const struct pt_flow_event *ev)
{
	struct range *rg = ctx;

	if (rg->nr == rg->cap) {
		size_t cap = rg->cap ? 2 * rg->cap : 256;
		struct pt_flow_event *nv = realloc(rg->ev, cap * sizeof(*nv));

		if (!nv)
			return 1;
		rg->ev = nv;
		rg->cap = cap;
	}
	rg->ev[rg->nr++] = *ev;
	return 0;
}

static void print_range(struct out *o, struct range *rg, size_t from)
{
	for (size_t i = from; i < rg->nr; i++)
		on_event(o, &rg->ev[i]);
	rg->nr = 0;
}

/* Cuts the trace at every psbs-th PSB; returns the ranges' count. */
static size_t cut(const uint8_t *trace, size_t len, size_t psbs, struct range **out)
{
	struct range *v = NULL;
	size_t n = 0, start = 0;

	for (;;) {
		ssize_t s = pt_sync_forward(trace, len, start);
		size_t end;

		for (size_t k = 0; k < psbs && s >= 0; k++)
			s = pt_sync_forward(trace, len, (size_t)s + 1);
		end = s < 0 ? len : (size_t)s;

		v = realloc(v, (n + 1) * sizeof(*v));
		if (!v)
			exit(2);
		v[n++] = (struct range){ .start = start, .end = end };
		if (end == len)
			break;
		start = end;
	}
	*out = v;
	return n;
}

/* The -s decode: every range alone, then joined in order as parallel.c does. */
static int decode_ranges(struct out *o, struct pt_flow_config cfg, const uint8_t *trace,
			 size_t len, size_t psbs)
{
	struct range *v, *cur;
	size_t n = cut(trace, len, psbs, &v), joined = 0;
	int r = 0;

	cfg.event = keep_event;
	for (size_t i = 0; i < n && !r; i++) {
		cfg.event_ctx = &v[i];
		v[i].flow = pt_flow_new(&cfg);
		if (!v[i].flow)
			return 2;
		r = pt_flow_decode_from(v[i].flow, trace, len, v[i].start, v[i].end);
	}
	cur = &v[0];
	for (size_t i = 1; i < n && !r; i++) {
		uint64_t drop = 0;

		print_range(o, cur, 0);
		r = pt_flow_join(cur->flow, v[i].flow, v[i].end, &drop);
		if (r == 1) {
			print_range(o, cur, 0);
			print_range(o, &v[i], drop);
			cur = &v[i];
			joined++;
			r = 0;
		}
	}
	print_range(o, cur, 0);
	fprintf(stderr, "ranges %zu joined %zu\n", n, joined);
	for (size_t i = 0; i < n; i++) {
		pt_flow_free(v[i].flow);
		free(v[i].ev);
	}
	free(v);
	return r ? 1 : 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct out o = { 0 };
	struct gt_image img;
	struct pt_flow_config cfg = { .event = on_event, .event_ctx = &o };
	struct pt_flow_stats st;
	struct pt_flow *flow = NULL;
	double best = 1e9;
	char path[4096 + 8];
	int opt, reps = 1, i, r = 0;
	long range = 0;
	uint8_t *trace;
	size_t len;

	while ((opt = getopt(argc, argv, "qtir:p:")) != -1) {
		if (opt == 'q')
			o.quiet = 1;
		else if (opt == 'i')
			o.insns = 1;
		else if (opt == 't')
			o.times = 1;
		else if (opt == 'r')
			reps = atoi(optarg);
		else if (opt == 'p')
			range = atol(optarg);
		else
			return 2;
	}
	if (optind + 1 != argc || reps < 1 || range < 0) {
		fprintf(stderr, "usage: gt-flow [-q|-t|-i] [-r N] [-p N] OUT\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s.pt", argv[optind]);
	trace = gt_read_file(path, &len);
	if (!trace || gt_image_load(&img, argv[optind]) < 0) {
		fprintf(stderr, "gt-flow: cannot load %s\n", argv[optind]);
		return 2;
	}
	cfg.image.read = read_code;
	cfg.image.ctx = &img;
	if (o.insns)
		cfg.flags |= PT_FLOW_F_INSN;
	cfg.mtc_freq = GT_MTC_FREQ;
	cfg.tsc_ctc_num = GT_CTC_EBX;
	cfg.tsc_ctc_den = GT_CTC_EAX;
	cfg.nom_freq = GT_NOM_FREQ;
	if (range) {
		r = decode_ranges(&o, cfg, trace, len, (size_t)range);
		if (o.insns)
			printf("%lu\n", o.ninsn);
		gt_image_free(&img);
		free(trace);
		return r;
	}
	for (i = 0; i < reps; i++) {
		double t;

		pt_flow_free(flow);	/* each run starts with a cold cache */
		flow = pt_flow_new(&cfg);
		if (!flow)
			return 2;
		o.events = o.errors = 0;
		t = now();
		r = pt_flow_decode(flow, trace, len);
		t = now() - t;
		if (t < best)
			best = t;
	}
	pt_flow_get_stats(flow, &st);
	if (o.insns)
		printf("%lu\n", o.ninsn);
	if (reps > 1 || o.quiet)
		fprintf(stderr, "time %.6f events %lu errors %lu insns %" PRIu64
			" blocks %" PRIu64 " links %" PRIu64 "\n", best,
			o.events, o.errors, st.insns, st.blocks,
			st.cache_links);
	pt_flow_free(flow);
	gt_image_free(&img);
	free(trace);
	return r ? 1 : 0;
}
