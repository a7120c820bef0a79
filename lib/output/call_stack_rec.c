// SPDX-License-Identifier: GPL-2.0
/*
 * call_stack_rec.c - records of events fed to the call-stack builder (see
 * call_stack_rec.h).
 */
#include "lib/output/call_stack_rec.h"

_Static_assert(sizeof(struct cs_rec) == 64, "a record is a cache line");

int cs_rec_feed(struct call_stacks *cs, const struct cs_rec *v, size_t n)
{
	struct decode_event ev = { 0 };
	struct trace_event te = { .ev = &ev };

	for (size_t i = 0; i < n; i++) {
		const struct cs_rec *r = &v[i];
		int err;

		te.proc = r->no_proc ? NULL : r->proc;
		te.kmaps = r->no_proc ? r->kmaps : NULL;
		te.pid = r->pid;
		te.tid = r->tid;
		te.comm = r->comm;
		ev.kind = r->kind;
		ev.branch = r->branch;
		ev.from = r->from;
		ev.to = r->to;
		ev.insn_count = r->insn_count;
		ev.time = r->time;
		err = cs_event_cpu(cs, &te, r->cpu);
		if (err)
			return err;
	}
	return 0;
}
