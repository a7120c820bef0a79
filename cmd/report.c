// SPDX-License-Identifier: GPL-2.0
/*
 * report.c - `auxrec report`: where the traced instructions and branches
 * went, by shared object and symbol. Every decoded event carries the number
 * of instructions executed since the previous one; they are counted to the
 * symbol of the event's source address (the code that ran up to it), and
 * each taken branch to the symbol it leaves; where the decoder can, taken
 * branches come summed up per source address instead (decode_opts.count),
 * counted once per sum, the same counts. Memory-access samples (ARM
 * SPE) count to the symbol of their pc, or with --sort data_src to their
 * data source, or with --sort data_sym to the symbol (a data object) of
 * their data address, or to a combination of these keys (--sort
 * data_sym,data_src: a row per pair), with the mean and percentiles of
 * their total latency.
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
#include "lib/util/stdin_spool.h"
#include "lib/util/util.h"

/*
 * The names a row is keyed by. --sort takes dso, sym, data_src and
 * data_sym (which brings its data_dso along) in any combination.
 */
enum row_key { KEY_DSO, KEY_SYM, KEY_DATA_SRC, KEY_DATA_DSO, KEY_DATA_SYM, KEY_NR };

#define KEYS_CODE	(1u << KEY_DSO | 1u << KEY_SYM)
#define KEYS_DATA	(1u << KEY_DATA_SRC | 1u << KEY_DATA_DSO | 1u << KEY_DATA_SYM)
#define NO_FRAG		UINT32_MAX

static const char *const key_option[KEY_NR] = {
	[KEY_DSO] = "dso", [KEY_SYM] = "sym", [KEY_DATA_SRC] = "data_src",
	[KEY_DATA_SYM] = "data_sym",
};

/* Counts of one symbol (by sym_cache id) while decoding. */
struct sym_count {
	uint64_t insns, branches, samples;
	struct lat_stats lat;		/* of its memory-access samples */
};

/*
 * Counts of the memory samples of one tuple of keys (a sort with a data
 * key): the sym_frag of their pc and of their data address (NO_FRAG when
 * not a key) and their data source (0 when not a key).
 */
struct tuple_count {
	uint32_t code, data;
	uint64_t data_src;
	struct sym_count n;
};

/*
 * A branch source seen recently: branches from the same address under
 * the same maps (unchanged since) count to the same symbol, found without
 * a lookup. Most branches of a trace leave from few addresses.
 */
#define FROM_SLOTS	1024	/* a power of two */

struct from_slot {
	uint64_t from;
	const struct maps *maps;
	uint64_t changes;	/* maps_changes() when filled */
	uint32_t id1;		/* sym_cache id + 1; 0: empty */
};

/* A row of the report: the tuples whose names are equal under the sort keys. */
struct entry {
	const char *name[KEY_NR];	/* "" for a key not sorted by */
	uint64_t insns, branches, samples;
	struct lat_stats lat;
};

struct report {
	unsigned int keys;		/* 1 << KEY_* sorted by */
	enum row_key order[KEY_NR];	/* as given, data_dso not among them */
	int nr_order;
	struct sym_cache *syms;
	struct sym_count *counts;	/* by sym_frag id (code keys only) */
	size_t cap_counts;
	struct entry *v;
	size_t nr, cap;
	struct slot_index index;	/* of v by its names under the sort keys */
	struct tuple_count *tuples;	/* with a data key */
	size_t nr_tuples, cap_tuples;
	struct slot_index tuple_index;
	char (*src_names)[48];		/* the tuples' data source names */
	uint64_t insns, branches, errors, samples;
	uint64_t summed;		/* branches of them handed over as sums */
	struct from_slot from_slots[FROM_SLOTS];	/* of branch events */
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: auxrec report [-i FILE] [--sort KEYS] [--symfs DIR] [--debug-dir DIR]\n"
		"                     [--vmlinux FILE] [--kallsyms FILE] [--[no-]progress]\n"
		"                     [--jobs N] [--json] [--pid PID,...] [--tid TID,...]\n"
		"                     [-C CPUS] [--comm NAME,...] [--time START,STOP]\n"
		"\n"
		"Decode the AUX trace of a recording and show where its instructions\n"
		"and taken branches went, by shared object and symbol; memory-access\n"
		"samples (arm_spe) by symbol, data source or data symbol, with their\n"
		"latencies.\n"
		"\n"
		DECODE_HELP
		DECODE_FILTER_HELP
		"  -s, --sort KEYS     dso,sym (default), sym, dso, data_src (memory\n"
		"                      samples by where their data came from),\n"
		"                      data_sym (by the symbol of their data address),\n"
		"                      or several, comma-separated (data_sym,data_src:\n"
		"                      a row per pair)\n"
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

static uint64_t tuple_hash(const struct tuple_count *t)
{
	return slot_hash_u64(t->data_src ^ slot_hash_u64((uint64_t)t->code << 32 | t->data));
}

static uint64_t tuple_hash_of(const void *ctx, uint32_t idx)
{
	const struct report *r = ctx;

	return tuple_hash(&r->tuples[idx]);
}

static bool tuple_matches(const void *ctx, uint32_t idx, const void *key)
{
	const struct tuple_count *t = &((const struct report *)ctx)->tuples[idx], *k = key;

	return t->code == k->code && t->data == k->data && t->data_src == k->data_src;
}

/* The counts of tuple key (its n ignored), zeroed when new. */
static struct sym_count *tuple_count_of(struct report *r, const struct tuple_count *key)
{
	uint32_t *slot;

	if (slot_index_reserve(&r->tuple_index, r->nr_tuples, 256, tuple_hash_of, r))
		return NULL;
	slot = slot_index_find(&r->tuple_index, tuple_hash(key), tuple_matches, r, key);
	if (!*slot) {
		if (ARRAY_GROW(r->tuples, r->cap_tuples, r->nr_tuples + 1, 256))
			return NULL;
		r->tuples[r->nr_tuples] = (struct tuple_count){
			.code = key->code, .data = key->data, .data_src = key->data_src,
		};
		*slot = (uint32_t)++r->nr_tuples;
	}
	return &r->tuples[*slot - 1].n;
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
	bool sums;		/* kept sums: insns struct branch_sum follow (maps theirs) */
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

	*c = (struct counted){ .maps = trace_event_maps(te),
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

/* A memory sample under a sort with a data key: to its tuple. */
static int count_tuple(struct report *r, const struct counted *c)
{
	struct tuple_count key = { .code = NO_FRAG, .data = NO_FRAG };
	const struct sym_frag *f;
	struct sym_count *n;
	uint64_t off;

	if (r->keys & KEYS_CODE) {
		f = sym_cache_lookup(r->syms, c->maps, c->from, &off);
		if (!f)
			return -1;
		key.code = f->id;
	}
	if (r->keys & 1u << KEY_DATA_SYM) {
		f = sym_cache_lookup(r->syms, c->maps, c->vaddr, &off);
		if (!f)
			return -1;
		key.data = f->id;
	}
	if (r->keys & 1u << KEY_DATA_SRC)
		key.data_src = c->data_src;
	n = tuple_count_of(r, &key);
	return n ? count_sample(r, n, c) : -1;
}

/* Counts an event. */
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
	if (r->keys & KEYS_DATA)
		return sample ? count_tuple(r, c) : 0;
	f = sym_cache_lookup(r->syms, c->maps, c->from, &off);
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

/*
 * Taken branches from address `from` under maps m (a sort by code keys):
 * they and the instructions before them count to the symbol at from.
 */
static int count_branches(struct report *r, const struct maps *m, uint64_t from, uint64_t insns,
			  uint64_t branches)
{
	struct from_slot *s = &r->from_slots[(from ^ from >> 10) & (FROM_SLOTS - 1)];
	uint64_t changes = maps_changes(), off;
	const struct sym_frag *f;
	struct sym_count *n;

	if (s->id1 && s->from == from && s->maps == m && s->changes == changes) {
		n = &r->counts[s->id1 - 1];
	} else {
		f = sym_cache_lookup(r->syms, m, from, &off);
		n = f ? count_of(r, f->id) : NULL;
		if (!n)
			return -1;
		*s = (struct from_slot){ .from = from, .maps = m, .changes = changes,
					 .id1 = f->id + 1 };
	}
	n->insns += insns;
	n->branches += branches;
	r->insns += insns;
	r->branches += branches;
	return 0;
}

static int on_event(void *ctx, const struct trace_event *te)
{
	struct report *r = ctx;
	const struct decode_event *ev = te->ev;
	struct counted c;

	if (ev->kind == EVENT_BRANCH && !(r->keys & KEYS_DATA))
		return count_branches(r, trace_event_maps(te), ev->from, ev->insn_count, 1);
	if (!counts_for(te, &c))
		return 0;
	return count(r, &c);
}

/* Counting mode: the decoder's sums of taken branches, each to its symbol. */
static int count_sums(struct report *r, const struct maps *m, const struct branch_sum *sums,
		      size_t nr)
{
	for (size_t i = 0; i < nr; i++) {
		if (count_branches(r, m, sums[i].from, sums[i].insns, sums[i].branches))
			return -1;
		r->summed += sums[i].branches;
	}
	return 0;
}

static int on_sums(void *ctx, const struct trace_event *te, const struct branch_sum *sums,
		   size_t nr)
{
	return count_sums(ctx, trace_event_maps(te), sums, nr);
}

#define KEPT_ALIGN	64	/* a cache line, more than a struct line_buf */

/*
 * --jobs: the decode threads keep of each event only what it counts for
 * (a quarter of the event), and the decoder's sums as they come, counted
 * here in order.
 */
static void *counter_new(void *ctx, struct line_buf **out)
{
	/* a cache line of its own: the other threads' are written as often */
	struct line_buf *kept = aligned_alloc(KEPT_ALIGN, KEPT_ALIGN);

	(void)ctx;
	if (kept)
		*kept = (struct line_buf){ 0 };
	*out = kept;
	return kept;
}

/*
 * Made in place at the end of the buffer: made on the stack and copied,
 * its 16-byte loads waited on the stores of its fields.
 */
static int keep_counted(void *kept, const struct trace_event *te)
{
	struct line_buf *b = kept;
	struct counted *c = (struct counted *)(void *)lb_room(b, sizeof(*c));

	if (c && counts_for(te, c))
		lb_end_at(b, (char *)(c + 1));
	return b->err;
}

/* Sums of a decode thread: a record saying how many and whose, then them. */
static int keep_sums(void *kept, const struct trace_event *te, const struct branch_sum *sums,
		     size_t nr)
{
	struct line_buf *b = kept;
	struct counted c = { .maps = trace_event_maps(te), .insns = nr, .sums = true };

	lb_mem(b, (const char *)&c, sizeof(c));
	lb_mem(b, (const char *)sums, nr * sizeof(*sums));
	return b->err;
}

static void counter_free(void *kept)
{
	lb_free(kept);
	free(kept);
}

static int count_kept(void *ctx, const char *bytes, size_t len)
{
	struct branch_sum sums[64];
	struct counted c;

	for (size_t off = 0; off + sizeof(c) <= len;) {
		memcpy(&c, bytes + off, sizeof(c));
		off += sizeof(c);
		if (!c.sums) {
			if (count(ctx, &c))
				return -1;
			continue;
		}
		for (size_t n; c.insns; c.insns -= n, off += n * sizeof(*sums)) {
			n = c.insns < 64 ? c.insns : 64;
			if (off + n * sizeof(*sums) > len)
				return -1;
			memcpy(sums, bytes + off, n * sizeof(*sums));
			if (count_sums(ctx, c.maps, sums, n))
				return -1;
		}
	}
	return 0;
}

/* After decoding: the rows, tuples of equal names merged under the sort keys. */
static uint64_t entry_hash(const struct report *r, const char *const *name)
{
	uint64_t h = SLOT_HASH_INIT;

	for (int k = 0; k < KEY_NR; k++)
		if (r->keys & 1u << k)
			h = slot_hash_str(slot_hash_str(h, name[k]), "\xff");
	return h;
}

static bool entry_matches(const void *ctx, uint32_t idx, const void *key)
{
	const struct report *r = ctx;
	const char *const *a = r->v[idx].name, *const *b = key;

	for (int k = 0; k < KEY_NR; k++)
		if ((r->keys & 1u << k) && strcmp(a[k], b[k]))
			return false;
	return true;
}

static uint64_t entry_hash_of(const void *ctx, uint32_t idx)
{
	const struct report *r = ctx;

	return entry_hash(r, r->v[idx].name);
}

/* Adds the counts n to the row named name[] (every KEY_NR entry set). */
static int add_to_entry(struct report *r, const char *const *name, const struct sym_count *n)
{
	uint32_t *slot;
	struct entry *e;

	if (slot_index_reserve(&r->index, r->nr, 1024, entry_hash_of, r))
		return -ENOMEM;
	slot = slot_index_find(&r->index, entry_hash(r, name), entry_matches, r, name);
	if (!*slot) {
		if (ARRAY_GROW(r->v, r->cap, r->nr + 1, 256))
			return -ENOMEM;
		r->v[r->nr] = (struct entry){ 0 };
		memcpy(r->v[r->nr].name, name, sizeof(r->v[r->nr].name));
		*slot = (uint32_t)++r->nr;
	}
	e = &r->v[*slot - 1];
	e->insns += n->insns;
	e->branches += n->branches;
	e->samples += n->samples;
	return lat_stats_merge(&e->lat, &n->lat);
}

/* The names of code (or data) symbol id into dso and sym, when sorted by them. */
static void frag_names(const struct report *r, uint32_t id, enum row_key dso, enum row_key sym,
		       const char **name)
{
	const struct sym_frag *f = sym_cache_frag(r->syms, id);

	if (r->keys & 1u << dso)
		name[dso] = f->dso_name;
	if (r->keys & 1u << sym)
		name[sym] = f->name ? f->name : "[unknown]";
}

/* A sort with a data key: a row per tuple of names */
static int make_tuple_entries(struct report *r)
{
	if (!r->nr_tuples)
		return 0;
	r->src_names = calloc(r->nr_tuples, sizeof(*r->src_names));
	if (!r->src_names)
		return -ENOMEM;
	for (size_t i = 0; i < r->nr_tuples; i++) {
		const struct tuple_count *t = &r->tuples[i];
		const char *name[KEY_NR] = { "", "", "", "", "" };

		if (t->code != NO_FRAG)
			frag_names(r, t->code, KEY_DSO, KEY_SYM, name);
		if (t->data != NO_FRAG)
			frag_names(r, t->data, KEY_DATA_DSO, KEY_DATA_SYM, name);
		if (r->keys & 1u << KEY_DATA_SRC) {
			data_src_name(t->data_src, r->src_names[i], sizeof(r->src_names[i]));
			name[KEY_DATA_SRC] = r->src_names[i];
		}
		if (add_to_entry(r, name, &t->n))
			return -ENOMEM;
	}
	return 0;
}

static int make_entries(struct report *r)
{
	uint32_t n = sym_cache_count(r->syms);

	if (r->keys & KEYS_DATA)
		return make_tuple_entries(r);
	for (uint32_t id = 0; id < n && id < r->cap_counts; id++) {
		const struct sym_count *c = &r->counts[id];
		const char *name[KEY_NR] = { "", "", "", "", "" };

		frag_names(r, id, KEY_DSO, KEY_SYM, name);
		if ((c->insns || c->branches || c->samples) && add_to_entry(r, name, c))
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
	/* ties by name: the symbol first, as ever */
	for (int i = 0; i < KEY_NR; i++) {
		static const enum row_key by[KEY_NR] = {
			KEY_SYM, KEY_DATA_SYM, KEY_DATA_SRC, KEY_DSO, KEY_DATA_DSO,
		};
		int d = strcmp(x->name[by[i]], y->name[by[i]]);

		if (d)
			return d;
	}
	return 0;
}

static double pct(uint64_t part, uint64_t total)
{
	return total ? 100.0 * part / total : 0;
}

/* The row's name keys: those sorted by (data_sym with its data_dso), in this order. */
static void json_names(struct json_writer *w, const struct report *r, const struct entry *e)
{
	static const char *const json_key[KEY_NR] = {
		[KEY_DSO] = "dso", [KEY_SYM] = "sym", [KEY_DATA_SRC] = "data_src",
		[KEY_DATA_DSO] = "data_dso", [KEY_DATA_SYM] = "data_sym",
	};

	for (int k = 0; k < KEY_NR; k++)
		if (r->keys & 1u << k)
			jw_kv_string(w, json_key[k], e->name[k]);
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

/*
 * The name column: each key in the order given, " | " between them; a
 * symbol with its shared object in parentheses when that is a key too.
 */
static void print_name(const struct report *r, const struct entry *e)
{
	for (int i = 0; i < r->nr_order; i++) {
		enum row_key k = r->order[i];
		const char *sep = i ? " | " : "";

		if (k == KEY_DSO && (r->keys & 1u << KEY_SYM))
			continue;
		if (k == KEY_SYM && (r->keys & 1u << KEY_DSO))
			printf("%s%s (%s)", sep, e->name[KEY_SYM], e->name[KEY_DSO]);
		else if (k == KEY_DATA_SYM)
			printf("%s%s (%s)", sep, e->name[KEY_DATA_SYM], e->name[KEY_DATA_DSO]);
		else
			printf("%s%s", sep, e->name[k]);
	}
	putchar('\n');
}

static void print_name_column(const struct report *r)
{
	for (int i = 0; i < r->nr_order; i++) {
		enum row_key k = r->order[i];
		const char *sep = i ? " | " : "";

		if (k == KEY_DSO && (r->keys & 1u << KEY_SYM))
			continue;
		if (k == KEY_SYM)
			printf("%s%s", sep, r->keys & 1u << KEY_DSO ? "Symbol (Shared Object)" : "Symbol");
		else if (k == KEY_DSO)
			printf("%sShared Object", sep);
		else if (k == KEY_DATA_SRC)
			printf("%sData Source", sep);
		else
			printf("%sData Symbol (Shared Object)", sep);
	}
	putchar('\n');
}

/* Memory-access samples: count, share and total latency of each row. */
static void print_samples_text(struct report *r, const char *path)
{
	printf("# auxrec report of %s\n# %" PRIu64 " memory-access samples, %" PRIu64
	       " decode errors; latency: total cycles, mean and percentiles\n#\n", path,
	       r->samples, r->errors);
	printf("# %8s %10s %9s %7s %7s %7s %7s  ", "Samples%", "Samples", "LatMean", "P50",
	       "P90", "P99", "Max");
	print_name_column(r);
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
	printf("# %8s %12s %8s %10s  ", "Insns%", "Insns", "Branch%", "Branches");
	print_name_column(r);
	for (size_t i = 0; i < r->nr; i++) {
		const struct entry *e = &r->v[i];

		printf("  %7.2f%% %12" PRIu64 " %7.2f%% %10" PRIu64 "  ", pct(e->insns, r->insns),
		       e->insns, pct(e->branches, r->branches), e->branches);
		print_name(r, e);
	}
}

/* --sort KEYS: the keys into r (once each, in their order); -1 when one is bad */
static int parse_sort(struct report *r, const char *arg)
{
	const char *p = arg;

	r->keys = 0;
	r->nr_order = 0;
	while (*p) {
		size_t len = strcspn(p, ",");
		int k;

		for (k = 0; k < KEY_NR; k++)
			if (key_option[k] && strlen(key_option[k]) == len &&
			    !strncmp(p, key_option[k], len))
				break;
		if (k == KEY_NR || (r->keys & 1u << k))
			return -1;
		r->keys |= 1u << k;
		r->order[r->nr_order++] = k;
		if (k == KEY_DATA_SYM)
			r->keys |= 1u << KEY_DATA_DSO;
		p += len;
		if (*p && !*++p)
			return -1;	/* a trailing comma */
	}
	return r->keys ? 0 : -1;
}

int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		DECODE_LONG_OPTIONS,
		DECODE_FILTER_OPTIONS,
		{ "sort",  required_argument, NULL, 's' },
		{ "help",  no_argument,       NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct report r = { 0 };
	static struct event_filter filter;	/* static: reachable at any exit */
	struct trace_decode_opts o = { .path = "auxrec.data", .fn = on_event, .ctx = &r,
					.output_at_end = true, .no_time = true, .filter = &filter };
	int c, ret, err;

	while ((c = getopt_long(argc, argv, DECODE_SHORT_OPTIONS DECODE_FILTER_SHORT_OPTIONS "s:h",
				opts, NULL)) != -1) {
		ret = decode_arg(c, optarg, &o, usage);
		if (!ret)
			ret = decode_filter_arg(c, optarg, &filter, usage);
		if (ret < 0)
			return 1;
		if (ret)
			continue;
		switch (c) {
		case 's':
			if (parse_sort(&r, optarg))
				return cmd_usage_error(usage, "bad --sort '%s' (comma-separated keys "
						       "of dso, sym, data_src, data_sym, each once)",
						       optarg);
			break;
		case 'h': usage(stdout); return 0;
		default: return cmd_bad_option(usage, argv,
					       DECODE_SHORT_OPTIONS DECODE_FILTER_SHORT_OPTIONS "s:h");
		}
	}
	if (optind < argc)
		return decode_extra_arg(argv[optind], usage);
	if (!r.keys)
		parse_sort(&r, "dso,sym");
	/*
	 * -i -: a pipe is copied to a file first, as script and export do, so
	 * that a file-mode perf.data reads from a pipe too (the report is
	 * printed at the end either way)
	 */
	if (!strcmp(o.path, "-")) {
		char why[512];

		if (stdin_spool(why, sizeof(why))) {
			p_err("%s", why);
			return 1;
		}
	}
	r.syms = sym_cache_new();
	if (!r.syms) {
		p_err("%s", strerror(ENOMEM));
		return 1;
	}
	/*
	 * Sorted by code keys, branches count by their source alone: the
	 * decoder may sum them up (AUXREC_REPORT_EVENTS=1: it may not, every
	 * branch comes as an event; tests compare both).
	 */
	if (!(r.keys & KEYS_DATA) && !getenv("AUXREC_REPORT_EVENTS"))
		o.count = on_sums;
	o.render_new = counter_new;
	o.render = keep_counted;
	o.render_free = counter_free;
	o.render_sums = keep_sums;
	o.write = count_kept;
	/*
	 * A unit's counts are a fraction of its trace, not megabytes of text:
	 * 64 KiB units, a quarter of the starts, joins and hand-overs of the
	 * default 16 KiB ones (report --jobs 2 of the parallel bench's trace:
	 * 37.9 against 41.7 ms, best of 15 under chrt on 2 vCPUs).
	 */
	o.thread_unit = 64u << 10;
	if (!o.jobs)
		o.jobs = decode_default_jobs();
	ret = trace_decode(&o);
	if (getenv("AUXREC_REPORT_STATS"))	/* tests: which way branches came */
		fprintf(stderr, "auxrec: report: %" PRIu64 " of %" PRIu64 " branches as sums\n",
			r.summed, r.branches);
	/* data keys count memory samples only: an empty report says why */
	if (!ret && (r.keys & KEYS_DATA) && !r.samples)
		p_warn("%s holds no memory-access samples (ARM SPE): --sort data_src and "
		       "data_sym count nothing else", o.path);
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
		err = stream_flush(stdout);
		if (err) {
			p_err("cannot write the output: %s", strerror(-err));
			ret = 1;
		}
	}
	for (size_t i = 0; i < r.nr; i++)
		lat_stats_free(&r.v[i].lat);
	for (size_t i = 0; i < r.cap_counts; i++)
		lat_stats_free(&r.counts[i].lat);
	for (size_t i = 0; i < r.nr_tuples; i++)
		lat_stats_free(&r.tuples[i].n.lat);
	free(r.v);
	free(r.counts);
	free(r.tuples);
	free(r.src_names);
	event_filter_free(&filter);
	slot_index_free(&r.index);
	slot_index_free(&r.tuple_index);
	sym_cache_free(r.syms);
	return ret;
}
