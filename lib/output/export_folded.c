// SPDX-License-Identifier: GPL-2.0
/*
 * export_folded.c - call stacks folded for flame graphs: one line per
 * distinct stack, "outer;inner;leaf count", where count is the number of
 * instructions that ran with exactly that stack (the frames' own
 * instructions, all threads together). Stacks are kept as a tree of
 * (parent, name) nodes while the slices of each thread are walked in
 * pre-order, and printed in the order they were first met.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "lib/output/export.h"
#include "lib/util/array_grow.h"
#include "lib/util/slot_index.h"
#include "lib/util/util.h"

struct fold_node {
	uint32_t parent;		/* node index + 1; 0: outermost */
	uint32_t name;
	uint64_t insns;
};

struct fold {
	struct fold_node *v;
	size_t nr, cap;
	struct slot_index index;	/* of v by (parent, name) */
};

static uint64_t node_hash(uint32_t parent, uint32_t name)
{
	return slot_hash_u64((uint64_t)parent << 32 | name);
}

static uint64_t node_hash_of(const void *ctx, uint32_t idx)
{
	const struct fold *f = ctx;

	return node_hash(f->v[idx].parent, f->v[idx].name);
}

static bool node_matches(const void *ctx, uint32_t idx, const void *key)
{
	const struct fold *f = ctx;
	const struct fold_node *k = key;

	return f->v[idx].parent == k->parent && f->v[idx].name == k->name;
}

/* The node + 1 of name under parent (a node + 1, or 0), made when new; 0 on ENOMEM. */
static uint32_t node_of(struct fold *f, uint32_t parent, uint32_t name)
{
	struct fold_node key = { .parent = parent, .name = name };
	uint32_t *slot;

	if (slot_index_reserve(&f->index, f->nr, 1024, node_hash_of, f))
		return 0;
	slot = slot_index_find(&f->index, node_hash(parent, name), node_matches, f, &key);
	if (!*slot) {
		if (ARRAY_GROW(f->v, f->cap, f->nr + 1, 1024))
			return 0;
		f->v[f->nr] = key;
		*slot = (uint32_t)++f->nr;
	}
	return *slot;
}

/* A frame of the stack being walked: its node and the stack it is in. */
struct path_frame {
	uint32_t node;
	uint32_t epoch;
};

/*
 * Each thread's slices in pre-order: a stack of nodes by depth. A slice's
 * parent is the frame one level out if that is of the same stack (epoch):
 * a stack begun afresh after lost trace may start deeper than its first
 * frame (depths count from the thread's outermost level), with frames of
 * the stack before, or none, above it; its outer frames are unknown, it
 * is outermost.
 */
static int fold_thread(struct fold *f, const struct call_stacks *cs, const struct cs_thread *th)
{
	struct path_frame *path = NULL;
	size_t cap = 0, nr_path = 0;
	const struct cs_slice *s;
	struct cs_walk w;
	int err = 0;

	for (cs_walk_start(&w, cs, th); (s = cs_walk_next(&w));) {
		uint32_t node, parent = 0, depth = cs_depth(th, s);

		if (ARRAY_GROW(path, cap, (size_t)depth + 1, 64)) {
			err = -ENOMEM;
			break;
		}
		/* levels a deeper start skipped: no frame known there (node 0) */
		while (nr_path < depth)
			path[nr_path++] = (struct path_frame){ .node = 0, .epoch = s->epoch };
		if (depth && path[depth - 1].epoch == s->epoch)
			parent = path[depth - 1].node;
		node = node_of(f, parent, s->name);
		if (!node) {
			err = -ENOMEM;
			break;
		}
		path[depth] = (struct path_frame){ .node = node, .epoch = s->epoch };
		nr_path = (size_t)depth + 1;
		f->v[node - 1].insns += s->self_insns;
	}
	free(path);
	return err;
}

/* The names from the outermost frame to node; path is scratch room. */
static int print_path(const struct call_stacks *cs, const struct fold *f, uint32_t node,
		      uint32_t **path, size_t *cap, FILE *out)
{
	size_t n = 0;

	for (; node; node = f->v[node - 1].parent) {
		if (ARRAY_GROW(*path, *cap, n + 1, 64))
			return -ENOMEM;
		(*path)[n++] = f->v[node - 1].name;
	}
	while (n--)
		fprintf(out, "%s%c", cs_name(cs, (*path)[n]), n ? ';' : ' ');
	return 0;
}

int export_folded(const struct call_stacks *cs, const struct export_opts *o, FILE *out)
{
	struct fold f = { 0 };
	uint32_t *path = NULL;
	size_t cap = 0;
	int err = 0;

	for (size_t t = 0; !err && t < cs->nr_threads; t++)
		err = fold_thread(&f, cs, &cs->threads[t]);
	for (size_t i = 0; !err && i < f.nr; i++) {
		if (!f.v[i].insns)
			continue;
		err = print_path(cs, &f, (uint32_t)i + 1, &path, &cap, out);
		fprintf(out, "%" PRIu64 "\n", f.v[i].insns);
	}
	free(path);
	free(f.v);
	slot_index_free(&f.index);
	if (err)
		return err;
	return stream_flush(out);
}
