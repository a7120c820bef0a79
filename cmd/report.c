// SPDX-License-Identifier: GPL-2.0
/*
 * report.c - `auxrec report`: where the traced instructions and branches
 * went, by shared object and symbol. Every decoded event carries the number
 * of instructions executed since the previous one; they are counted to the
 * symbol of the event's source address (the code that ran up to it), and
 * each taken branch to the symbol it leaves.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/util/array_grow.h"
#include "builtin.h"
#include "lib/output/json.h"
#include "lib/util/slot_index.h"
#include "lib/session/trace_decode.h"
#include "lib/util/util.h"

enum sort_key { SORT_DSO_SYM, SORT_SYM, SORT_DSO };

struct entry {
	char *dso_copy;
	char *sym;
	uint64_t insns, branches;
};

struct report {
	enum sort_key sort;
	struct entry *v;
	size_t nr, cap;
	struct slot_index index;	/* of v by (dso, sym) under the sort key */
	size_t last;	/* the previous event's entry: the next one is often the same */
	uint64_t insns, branches, errors;
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: auxrec report [-i FILE] [--sort KEYS] [--symfs DIR] [--debug-dir DIR]\n"
		"                     [--vmlinux FILE] [--[no-]progress] [--json]\n"
		"\n"
		"Decode the AUX trace of a recording and show where its instructions\n"
		"and taken branches went, by shared object and symbol.\n"
		"\n"
		"  -i, --input FILE    the recording (default auxrec.data)\n"
		"  -s, --sort KEYS     dso,sym (default), sym or dso\n"
		"      --symfs DIR     look for the traced binaries below DIR\n"
		"      --debug-dir DIR look for debug files by build id in DIR/.build-id\n"
		"                      (before /usr/lib/debug)\n"
		"      --vmlinux FILE  kernel symbols and code from FILE\n"
		"      --progress      a progress line per second on stderr (default: one line\n"
		"                      kept up to date when stderr is a terminal)\n"
		"      --no-progress   no progress line\n"
		"  -j, --json          one JSON document (see docs/json.md)\n"
		"  -h, --help          this help\n");
}

/* FNV-1a over the names the sort key compares */
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

static bool entry_is(const struct report *r, const struct entry *e, const char *dso,
		     const char *sym)
{
	return (r->sort == SORT_SYM || !strcmp(e->dso_copy, dso)) &&
	       (r->sort == SORT_DSO || !strcmp(e->sym, sym));
}

struct entry_key {
	const char *dso, *sym;
};

static bool entry_matches(const void *ctx, uint32_t idx, const void *key)
{
	const struct report *r = ctx;
	const struct entry_key *k = key;

	return entry_is(r, &r->v[idx], k->dso, k->sym);
}

static uint64_t entry_hash_of(const void *ctx, uint32_t idx)
{
	const struct report *r = ctx;

	return entry_hash(r, r->v[idx].dso_copy, r->v[idx].sym);
}

static struct entry *find_entry(struct report *r, const char *dso, const char *sym)
{
	struct entry_key key = { dso, sym };
	uint32_t *slot;

	if (r->nr && entry_is(r, &r->v[r->last], dso, sym))
		return &r->v[r->last];
	if (slot_index_reserve(&r->index, r->nr, 1024, entry_hash_of, r))
		return NULL;
	slot = slot_index_find(&r->index, entry_hash(r, dso, sym), entry_matches, r, &key);
	if (!*slot) {
		if (ARRAY_GROW(r->v, r->cap, r->nr + 1, 256))
			return NULL;
		r->v[r->nr] = (struct entry){
			.dso_copy = strdup(r->sort == SORT_SYM ? "" : dso),
			.sym = strdup(r->sort == SORT_DSO ? "" : sym),
		};
		if (!r->v[r->nr].dso_copy || !r->v[r->nr].sym) {
			free(r->v[r->nr].dso_copy);
			free(r->v[r->nr].sym);
			return NULL;
		}
		*slot = (uint32_t)++r->nr;
	}
	r->last = *slot - 1;
	return &r->v[r->last];
}

static int on_event(void *ctx, const struct trace_event *te)
{
	struct report *r = ctx;
	const struct decode_event *ev = te->ev;
	const char *dso, *sym;
	uint64_t off;
	struct entry *e;
	bool branch = !strcmp(ev->type, "branch");

	if (!strcmp(ev->type, "error")) {
		r->errors++;
		return 0;
	}
	if (!ev->insn_count && !branch)
		return 0;
	maps_lookup(te->proc ? &te->proc->maps : te->kmaps, ev->from, &dso, &sym, &off);
	e = find_entry(r, dso, sym ? sym : "[unknown]");
	if (!e)
		return -1;
	e->insns += ev->insn_count;
	r->insns += ev->insn_count;
	if (branch) {
		e->branches++;
		r->branches++;
	}
	return 0;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

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
	jw_key(&w, "entries");
	jw_array_start(&w);
	for (size_t i = 0; i < r->nr; i++) {
		const struct entry *e = &r->v[i];

		jw_object_start(&w);
		if (r->sort != SORT_SYM)
			jw_kv_string(&w, "dso", e->dso_copy);
		if (r->sort != SORT_DSO)
			jw_kv_string(&w, "sym", e->sym);
		jw_kv_u64(&w, "insns", e->insns);
		jw_kv_u64(&w, "branches", e->branches);
		jw_kv_double(&w, "insns_percent", pct(e->insns, r->insns));
		jw_kv_double(&w, "branches_percent", pct(e->branches, r->branches));
		jw_object_end(&w);
	}
	jw_array_end(&w);
	jw_object_end(&w);
	jw_end_line(&w);
}

static void print_text(const struct report *r, const char *path)
{
	printf("# auxrec report of %s\n# %" PRIu64 " instructions, %" PRIu64
	       " taken branches, %" PRIu64 " decode errors\n#\n", path, r->insns, r->branches,
	       r->errors);
	printf("# %8s %12s %8s %10s  %s\n", "Insns%", "Insns", "Branch%", "Branches",
	       r->sort == SORT_DSO ? "Shared Object" : r->sort == SORT_SYM ? "Symbol" :
	       "Symbol (Shared Object)");
	for (size_t i = 0; i < r->nr; i++) {
		const struct entry *e = &r->v[i];

		printf("  %7.2f%% %12" PRIu64 " %7.2f%% %10" PRIu64 "  ", pct(e->insns, r->insns),
		       e->insns, pct(e->branches, r->branches), e->branches);
		if (r->sort == SORT_DSO)
			printf("%s\n", e->dso_copy);
		else if (r->sort == SORT_SYM)
			printf("%s\n", e->sym);
		else
			printf("%s (%s)\n", e->sym, e->dso_copy);
	}
}

int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "input", required_argument, NULL, 'i' },
		{ "sort",  required_argument, NULL, 's' },
		{ "symfs", required_argument, NULL, 'S' },
		{ "debug-dir", required_argument, NULL, 'D' },
		{ "vmlinux", required_argument, NULL, 'k' },
		{ "progress", no_argument,    NULL, 'P' },
		{ "no-progress", no_argument, NULL, 'Q' },
		{ "json",  no_argument,       NULL, 'j' },
		{ "help",  no_argument,       NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct report r = { .sort = SORT_DSO_SYM };
	struct trace_decode_opts o = { .path = "auxrec.data", .fn = on_event, .ctx = &r,
					.output_at_end = true };
	int c, ret;

	while ((c = getopt_long(argc, argv, "i:s:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'i': o.path = optarg; break;
		case 's':
			if (!strcmp(optarg, "dso,sym") || !strcmp(optarg, "sym,dso"))
				r.sort = SORT_DSO_SYM;
			else if (!strcmp(optarg, "sym"))
				r.sort = SORT_SYM;
			else if (!strcmp(optarg, "dso"))
				r.sort = SORT_DSO;
			else
				return cmd_usage_error(usage, "bad --sort '%s' (dso,sym, sym or dso)", optarg);
			break;
		case 'S': o.symfs = optarg; break;
		case 'D': o.debug_dir = optarg; break;
		case 'k': o.vmlinux = optarg; break;
		case 'P': o.progress = PROGRESS_ALWAYS; break;
		case 'Q': o.progress = PROGRESS_NEVER; break;
		case 'j': json_output = true; break;
		case 'h': usage(stdout); return 0;
		default: return cmd_usage_error(usage, "bad option");
		}
	}
	if (optind < argc)
		return cmd_usage_error(usage, "unexpected argument '%s'", argv[optind]);
	ret = trace_decode(&o);
	if (!ret) {
		if (r.nr)	/* nothing decoded: r.v is NULL */
			qsort(r.v, r.nr, sizeof(*r.v), cmp_entry);
		if (json_output)
			print_json(&r, o.path);
		else
			print_text(&r, o.path);
	}
	for (size_t i = 0; i < r.nr; i++) {
		free(r.v[i].dso_copy);
		free(r.v[i].sym);
	}
	free(r.v);
	slot_index_free(&r.index);
	return ret;
}
