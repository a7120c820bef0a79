// SPDX-License-Identifier: GPL-2.0
/*
 * report.c - `auxrec report`: where the traced instructions and branches
 * went, by shared object and symbol. Every decoded event carries the number
 * of instructions executed since the previous one; they are counted to the
 * symbol of the event's source address (the code that ran up to it), and
 * each taken branch to the symbol it leaves. Memory-access samples (ARM
 * SPE) count to the symbol of their pc, or with --sort data_src to their
 * data source, or with --sort data_sym to the symbol (a data object) of
 * their data address, with the mean and percentiles of their total latency.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/builtin.h"
#include "cmd/decode_args.h"
#include "lib/output/data_src_name.h"
#include "lib/output/json.h"
#include "lib/output/lat_stats.h"
#include "lib/output/line_buf.h"
#include "lib/output/sym_cache.h"
#include "lib/util/array_grow.h"
#include "lib/util/slot_index.h"
#include "lib/util/util.h"

enum sort_key { SORT_DSO_SYM, SORT_SYM, SORT_DSO, SORT_DATA_SRC, SORT_DATA_SYM };

/* Counts of one symbol (by sym_cache id) while decoding. */
struct sym_count {
	uint64_t insns, branches, samples;
	struct lat_stats lat;		/* of its memory-access samples */
};

/* Counts of one data source (--sort data_src) while decoding. */
struct src_count {
	uint64_t data_src;
	struct sym_count n;
};

/* A row of the report: the symbols whose names are equal under the sort key. */
struct entry {
	const char *dso;
	const char *sym;
	uint64_t insns, branches, samples;
	struct lat_stats lat;
};

struct report {
	enum sort_key sort;
	struct sym_cache *syms;
	struct sym_count *counts;	/* by sym_frag id */
	size_t cap_counts;
	struct entry *v;
	size_t nr, cap;
	struct slot_index index;	/* of v by (dso, sym) under the sort key */
	struct src_count *srcs;		/* --sort data_src */
	size_t nr_srcs, cap_srcs;
	char (*src_names)[48];		/* the entries' names under data_src */
	uint64_t insns, branches, errors, samples;
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: auxrec report [-i FILE] [--sort KEYS] [--symfs DIR] [--debug-dir DIR]\n"
		"                     [--vmlinux FILE] [--kallsyms FILE] [--[no-]progress]\n"
		"                     [--jobs N] [--json]\n"
		"\n"
		"Decode the AUX trace of a recording and show where its instructions\n"
		"and taken branches went, by shared object and symbol; memory-access\n"
		"samples (arm_spe) by symbol, data source or data symbol, with their\n"
		"latencies.\n"
		"\n"
		DECODE_HELP
		"  -s, --sort KEYS     dso,sym (default), sym, dso, data_src (memory\n"
		"                      samples by where their data came from) or\n"
		"                      data_sym (by the symbol of their data address)\n"
		"  -j, --json          one JSON document (see docs/json.md)\n"
		"  -h, --help          this help\n");
}

/* The counts of symbol id, zeroed when new. */
static struct sym_count *count_of(struct report *r, uint32_t id)
{
	if (ARRAY_GROW_ZEROED(r->counts, r->cap_counts, (size_t)id + 1, 1024))
		return NULL;
	return &r->counts[id];
}

/* The counts of data source ds, zeroed when new. */
static struct sym_count *src_count_of(struct report *r, uint64_t ds)
{
	for (size_t i = r->nr_srcs; i-- > 0;)
		if (r->srcs[i].data_src == ds)
			return &r->srcs[i].n;
	if (ARRAY_GROW(r->srcs, r->cap_srcs, r->nr_srcs + 1, 16))
		return NULL;
	r->srcs[r->nr_srcs] = (struct src_count){ .data_src = ds };
	return &r->srcs[r->nr_srcs++].n;
}

/* What an event counts for: the code that ran up to it (maps, from). */
struct counted {
	const struct maps *maps;
	uint64_t from;
	uint64_t insns;
	uint64_t data_src;	/* memory samples: where the data came from */
	uint64_t vaddr;		/* memory samples: the data address, 0 unknown */
	uint32_t total_lat;	/* memory samples: when has_lat */
	uint8_t kind;		/* enum event_kind */
	bool has_lat;
};

static int count_sample(struct report *r, struct sym_count *n, const struct counted *c)
{
	n->samples++;
	r->samples++;
	return c->has_lat ? lat_stats_add(&n->lat, c->total_lat) : 0;
}

/*
 * While decoding, each event counts to the symbol of its source address
 * (the code that ran up to it) by that symbol's identity: an array index.
 */
/* Whether the event counts, and for what. */
static bool counts_for(const struct trace_event *te, struct counted *c)
{
	const struct decode_event *ev = te->ev;

	*c = (struct counted){ .maps = te->proc ? &te->proc->maps : te->kmaps,
			       .from = ev->from, .insns = ev->insn_count, .kind = ev->kind };
	if (ev->kind == EVENT_MEM_SAMPLE && ev->mem) {
		c->data_src = ev->mem->data_src;
		if (ev->mem->valid & MEM_HAS_VADDR)
			c->vaddr = ev->mem->vaddr;
		c->has_lat = ev->mem->valid & MEM_HAS_TOTAL_LAT;
		c->total_lat = ev->mem->total_lat;
	}
	return ev->kind == EVENT_ERROR || ev->insn_count || ev->kind == EVENT_BRANCH ||
	       ev->kind == EVENT_MEM_SAMPLE;
}

static int count(struct report *r, const struct counted *c)
{
	const struct sym_frag *f;
	struct sym_count *n;
	bool sample = c->kind == EVENT_MEM_SAMPLE;
	uint64_t off;

	if (c->kind == EVENT_ERROR) {
		r->errors++;
		return 0;
	}
	if (r->sort == SORT_DATA_SRC) {
		if (!sample)
			return 0;
		n = src_count_of(r, c->data_src);
		return n ? count_sample(r, n, c) : -1;
	}
	if (r->sort == SORT_DATA_SYM && !sample)
		return 0;
	f = sym_cache_lookup(r->syms, c->maps, r->sort == SORT_DATA_SYM ? c->vaddr : c->from,
			     &off);
	n = f ? count_of(r, f->id) : NULL;
	if (!n)
		return -1;
	if (sample)
		return count_sample(r, n, c);
	n->insns += c->insns;
	r->insns += c->insns;
	if (c->kind == EVENT_BRANCH) {
		n->branches++;
		r->branches++;
	}
	return 0;
}

static int on_event(void *ctx, const struct trace_event *te)
{
	struct counted c;

	return counts_for(te, &c) ? count(ctx, &c) : 0;
}

/*
 * --jobs: the decode threads keep of each event only what it counts for
 * (a quarter of the event), counted here in order.
 */
static void *counter_new(void *ctx)
{
	return ctx;	/* nothing of its own */
}

static int keep_counted(void *r, const struct trace_event *te, struct line_buf *out)
{
	struct counted c;

	(void)r;
	if (counts_for(te, &c))
		lb_mem(out, (const char *)&c, sizeof(c));
	return out->err;
}

static void counter_free(void *r)
{
	(void)r;
}

static int count_kept(void *ctx, const char *bytes, size_t len)
{
	struct counted c;

	for (size_t off = 0; off + sizeof(c) <= len; off += sizeof(c)) {
		memcpy(&c, bytes + off, sizeof(c));
		if (count(ctx, &c))
			return -1;
	}
	return 0;
}

/* After decoding: the rows, symbols of equal names merged under the sort key. */
static uint64_t entry_hash(const struct report *r, const char *dso, const char *sym)
{
	uint64_t h = SLOT_HASH_INIT;

	if (r->sort != SORT_SYM)
		h = slot_hash_str(h, dso);
	h = slot_hash_str(h, "\xff");
	if (r->sort != SORT_DSO)
		h = slot_hash_str(h, sym);
	return h;
}

struct entry_key {
	const char *dso, *sym;
};

static bool entry_matches(const void *ctx, uint32_t idx, const void *key)
{
	const struct report *r = ctx;
	const struct entry *e = &r->v[idx];
	const struct entry_key *k = key;

	return (r->sort == SORT_SYM || !strcmp(e->dso, k->dso)) &&
	       (r->sort == SORT_DSO || !strcmp(e->sym, k->sym));
}

static uint64_t entry_hash_of(const void *ctx, uint32_t idx)
{
	const struct report *r = ctx;

	return entry_hash(r, r->v[idx].dso, r->v[idx].sym);
}

static int add_to_entry(struct report *r, struct entry_key key, const struct sym_count *n)
{
	uint32_t *slot;

	if (slot_index_reserve(&r->index, r->nr, 1024, entry_hash_of, r))
		return -ENOMEM;
	slot = slot_index_find(&r->index, entry_hash(r, key.dso, key.sym), entry_matches, r, &key);
	if (!*slot) {
		if (ARRAY_GROW(r->v, r->cap, r->nr + 1, 256))
			return -ENOMEM;
		r->v[r->nr] = (struct entry){ .dso = key.dso, .sym = key.sym };
		*slot = (uint32_t)++r->nr;
	}
	r->v[*slot - 1].insns += n->insns;
	r->v[*slot - 1].branches += n->branches;
	r->v[*slot - 1].samples += n->samples;
	return lat_stats_merge(&r->v[*slot - 1].lat, &n->lat);
}

/* --sort data_src: a row per data source name */
static int make_src_entries(struct report *r)
{
	if (!r->nr_srcs)
		return 0;
	r->src_names = calloc(r->nr_srcs, sizeof(*r->src_names));
	if (!r->src_names)
		return -ENOMEM;
	for (size_t i = 0; i < r->nr_srcs; i++) {
		struct entry_key key = { .dso = "", .sym = r->src_names[i] };

		data_src_name(r->srcs[i].data_src, r->src_names[i], sizeof(r->src_names[i]));
		if (add_to_entry(r, key, &r->srcs[i].n))
			return -ENOMEM;
	}
	return 0;
}

static int make_entries(struct report *r)
{
	uint32_t n = sym_cache_count(r->syms);

	if (r->sort == SORT_DATA_SRC)
		return make_src_entries(r);
	for (uint32_t id = 0; id < n && id < r->cap_counts; id++) {
		const struct sym_count *c = &r->counts[id];
		const struct sym_frag *f = sym_cache_frag(r->syms, id);
		struct entry_key key = {
			.dso = r->sort == SORT_SYM ? "" : f->dso_path,
			.sym = r->sort == SORT_DSO ? "" : f->name ? f->name : "[unknown]",
		};

		if ((c->insns || c->branches || c->samples) && add_to_entry(r, key, c))
			return -ENOMEM;
	}
	return 0;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->samples != y->samples)
		return x->samples < y->samples ? 1 : -1;
	if (x->insns != y->insns)
		return x->insns < y->insns ? 1 : -1;
	if (x->branches != y->branches)
		return x->branches < y->branches ? 1 : -1;
	return strcmp(x->sym, y->sym);
}

static double pct(uint64_t part, uint64_t total)
{
	return total ? 100.0 * part / total : 0;
}

/* The row's name keys: dso and sym, one of them, data_src, or data_dso and data_sym. */
static void json_names(struct json_writer *w, const struct report *r, const struct entry *e)
{
	if (r->sort == SORT_DATA_SRC) {
		jw_kv_string(w, "data_src", e->sym);
		return;
	}
	if (r->sort == SORT_DATA_SYM) {
		jw_kv_string(w, "data_dso", e->dso);
		jw_kv_string(w, "data_sym", e->sym);
		return;
	}
	if (r->sort != SORT_SYM)
		jw_kv_string(w, "dso", e->dso);
	if (r->sort != SORT_DSO)
		jw_kv_string(w, "sym", e->sym);
}

/* ,"samples":N,"samples_percent":P,"latency":{...} of a row */
static void json_samples(struct json_writer *w, const struct report *r, struct entry *e)
{
	jw_kv_u64(w, "samples", e->samples);
	jw_kv_double(w, "samples_percent", pct(e->samples, r->samples));
	jw_key(w, "latency");
	jw_object_start(w);
	jw_kv_u64(w, "count", e->lat.n);
	jw_kv_double(w, "mean", lat_stats_mean(&e->lat));
	jw_kv_u64(w, "p50", lat_stats_percentile(&e->lat, 50));
	jw_kv_u64(w, "p90", lat_stats_percentile(&e->lat, 90));
	jw_kv_u64(w, "p99", lat_stats_percentile(&e->lat, 99));
	jw_kv_u64(w, "max", lat_stats_percentile(&e->lat, 100));
	jw_object_end(w);
}

static void print_json(const struct report *r, const char *path)
{
	struct json_writer w;

	jw_init(&w, stdout, pretty_output);
	jw_object_start(&w);
	jw_kv_string(&w, "type", "report");
	jw_kv_string(&w, "input", path);
	jw_kv_u64(&w, "insns", r->insns);
	jw_kv_u64(&w, "branches", r->branches);
	jw_kv_u64(&w, "errors", r->errors);
	if (r->samples)
		jw_kv_u64(&w, "samples", r->samples);
	jw_key(&w, "entries");
	jw_array_start(&w);
	for (size_t i = 0; i < r->nr; i++) {
		struct entry *e = &r->v[i];

		jw_object_start(&w);
		json_names(&w, r, e);
		jw_kv_u64(&w, "insns", e->insns);
		jw_kv_u64(&w, "branches", e->branches);
		jw_kv_double(&w, "insns_percent", pct(e->insns, r->insns));
		jw_kv_double(&w, "branches_percent", pct(e->branches, r->branches));
		if (r->samples)
			json_samples(&w, r, e);
		jw_object_end(&w);
	}
	jw_array_end(&w);
	jw_object_end(&w);
	jw_end_line(&w);
}

static const char *name_column(const struct report *r)
{
	switch (r->sort) {
	case SORT_DSO: return "Shared Object";
	case SORT_SYM: return "Symbol";
	case SORT_DATA_SRC: return "Data Source";
	case SORT_DATA_SYM: return "Data Symbol (Shared Object)";
	default: return "Symbol (Shared Object)";
	}
}

static void print_name(const struct report *r, const struct entry *e)
{
	if (r->sort == SORT_DSO)
		printf("%s\n", e->dso);
	else if (r->sort == SORT_SYM || r->sort == SORT_DATA_SRC)
		printf("%s\n", e->sym);
	else
		printf("%s (%s)\n", e->sym, e->dso);
}

/* Memory-access samples: count, share and total latency of each row. */
static void print_samples_text(struct report *r, const char *path)
{
	printf("# auxrec report of %s\n# %" PRIu64 " memory-access samples, %" PRIu64
	       " decode errors; latency: total cycles, mean and percentiles\n#\n", path,
	       r->samples, r->errors);
	printf("# %8s %10s %9s %7s %7s %7s %7s  %s\n", "Samples%", "Samples", "LatMean", "P50",
	       "P90", "P99", "Max", name_column(r));
	for (size_t i = 0; i < r->nr; i++) {
		struct entry *e = &r->v[i];

		printf("  %7.2f%% %10" PRIu64 " %9.1f %7u %7u %7u %7u  ", pct(e->samples, r->samples),
		       e->samples, lat_stats_mean(&e->lat), lat_stats_percentile(&e->lat, 50),
		       lat_stats_percentile(&e->lat, 90), lat_stats_percentile(&e->lat, 99),
		       lat_stats_percentile(&e->lat, 100));
		print_name(r, e);
	}
}

static void print_text(struct report *r, const char *path)
{
	if (r->samples) {
		print_samples_text(r, path);
		return;
	}
	printf("# auxrec report of %s\n# %" PRIu64 " instructions, %" PRIu64
	       " taken branches, %" PRIu64 " decode errors\n#\n", path, r->insns, r->branches,
	       r->errors);
	printf("# %8s %12s %8s %10s  %s\n", "Insns%", "Insns", "Branch%", "Branches",
	       name_column(r));
	for (size_t i = 0; i < r->nr; i++) {
		const struct entry *e = &r->v[i];

		printf("  %7.2f%% %12" PRIu64 " %7.2f%% %10" PRIu64 "  ", pct(e->insns, r->insns),
		       e->insns, pct(e->branches, r->branches), e->branches);
		print_name(r, e);
	}
}

int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		DECODE_LONG_OPTIONS,
		{ "sort",  required_argument, NULL, 's' },
		{ "help",  no_argument,       NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct report r = { .sort = SORT_DSO_SYM };
	struct trace_decode_opts o = { .path = "auxrec.data", .fn = on_event, .ctx = &r,
					.output_at_end = true };
	int c, ret;

	while ((c = getopt_long(argc, argv, DECODE_SHORT_OPTIONS "s:h", opts, NULL)) != -1) {
		ret = decode_arg(c, optarg, &o);
		if (ret < 0)
			return cmd_usage_error(usage, "bad --jobs '%s' (1 to %d)", optarg,
					       DECODE_MAX_JOBS);
		if (ret)
			continue;
		switch (c) {
		case 's':
			if (!strcmp(optarg, "dso,sym") || !strcmp(optarg, "sym,dso"))
				r.sort = SORT_DSO_SYM;
			else if (!strcmp(optarg, "sym"))
				r.sort = SORT_SYM;
			else if (!strcmp(optarg, "dso"))
				r.sort = SORT_DSO;
			else if (!strcmp(optarg, "data_src"))
				r.sort = SORT_DATA_SRC;
			else if (!strcmp(optarg, "data_sym"))
				r.sort = SORT_DATA_SYM;
			else
				return cmd_usage_error(usage, "bad --sort '%s' (dso,sym, sym, dso, "
						       "data_src or data_sym)", optarg);
			break;
		case 'h': usage(stdout); return 0;
		default: return cmd_usage_error(usage, "bad option");
		}
	}
	if (optind < argc)
		return cmd_usage_error(usage, "unexpected argument '%s'", argv[optind]);
	r.syms = sym_cache_new();
	if (!r.syms) {
		p_err("%s", strerror(ENOMEM));
		return 1;
	}
	o.render_new = counter_new;
	o.render = keep_counted;
	o.render_free = counter_free;
	o.write = count_kept;
	ret = trace_decode(&o);
	if (!ret && make_entries(&r)) {
		p_err("%s", strerror(ENOMEM));
		ret = 1;
	}
	if (!ret) {
		if (r.nr)	/* nothing decoded: r.v is NULL */
			qsort(r.v, r.nr, sizeof(*r.v), cmp_entry);
		if (json_output)
			print_json(&r, o.path);
		else
			print_text(&r, o.path);
	}
	for (size_t i = 0; i < r.nr; i++)
		lat_stats_free(&r.v[i].lat);
	for (size_t i = 0; i < r.cap_counts; i++)
		lat_stats_free(&r.counts[i].lat);
	for (size_t i = 0; i < r.nr_srcs; i++)
		lat_stats_free(&r.srcs[i].n.lat);
	free(r.v);
	free(r.counts);
	free(r.srcs);
	free(r.src_names);
	slot_index_free(&r.index);
	sym_cache_free(r.syms);
	return ret;
}
