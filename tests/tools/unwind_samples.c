// SPDX-License-Identifier: GPL-2.0
/*
 * unwind_samples.c - the user stacks sampled in a recording, unwound as
 * the exports unwind them (lib/unwind): for each PERF_RECORD_SAMPLE with
 * REGS_USER and STACK_USER, one line "TID FRAMES CHAIN", CHAIN the
 * functions outermost first separated by ';' (the symbol of each return
 * address - 1, of the sampled ip for the innermost), then a line
 * "samples N unwound M" (M: those with callers found).
 * Usage: unwind_samples [--symfs DIR] FILE
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "lib/session/session.h"
#include "lib/unwind/user_unwind.h"

struct count {
	struct user_unwinder *uw;
	unsigned long samples, unwound;
};

static int no_piece(void *ctx, struct session *s, const struct session_piece *p)
{
	return 0;
}

static void print_chain(const struct maps *m, int tid, const uint64_t *pcs, int n)
{
	printf("%d %d ", tid, n);
	for (int i = n - 1; i >= 0; i--) {
		const char *dso, *sym;
		uint64_t off;

		maps_lookup(m, i ? pcs[i] - 1 : pcs[i], &dso, &sym, &off);
		if (sym)
			printf("%s%s", sym, i ? ";" : "\n");
		else
			printf("%#llx%s", (unsigned long long)pcs[i], i ? ";" : "\n");
	}
}

static int on_sample(void *ctx, struct session *s, const struct pd_record *rec)
{
	struct count *c = ctx;
	const struct pd_attr *a = pd_reader_attr_of(s->r, rec->hdr);
	uint64_t pcs[UNWIND_MAX_FRAMES];
	struct pd_sample_user u;
	struct pd_sample_id sid;
	struct proc *p;
	int n;

	if (!a || pd_sample_user_parse(rec->hdr, rec->hdr->size, &a->attr, &u) || !u.stack ||
	    pd_sample_id_parse(rec->hdr, rec->hdr->size, PERF_RECORD_SAMPLE, a->attr.sample_type,
			       &sid))
		return 0;
	c->samples++;
	p = session_proc(s, (int)sid.pid, false);
	if (!p)
		return 0;
	n = user_unwind(c->uw, &p->maps, &u, pcs, UNWIND_MAX_FRAMES);
	if (n < 1)
		return 0;
	c->unwound += n > 1;
	print_chain(&p->maps, (int)sid.tid, pcs, n);
	return 0;
}

int main(int argc, char **argv)
{
	struct count c = { 0 };
	const char *symfs = NULL;
	struct session *s;
	char err[512];
	int ret;

	if (argc == 4 && !strcmp(argv[1], "--symfs")) {
		symfs = argv[2];
		argv += 2;
		argc -= 2;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: unwind_samples [--symfs DIR] FILE\n");
		return 2;
	}
	if (session_open(&s, argv[1], symfs, err, sizeof(err))) {
		fprintf(stderr, "unwind_samples: %s\n", err);
		return 1;
	}
	c.uw = user_unwinder_new();
	if (!c.uw)
		return 1;
	s->on_sample = on_sample;
	s->sample_ctx = &c;
	ret = session_process(s, no_piece, NULL, err, sizeof(err));
	if (ret < 0)
		fprintf(stderr, "unwind_samples: %s\n", err);
	printf("samples %lu unwound %lu\n", c.samples, c.unwound);
	user_unwinder_free(c.uw);
	session_close(s);
	return ret < 0;
}
