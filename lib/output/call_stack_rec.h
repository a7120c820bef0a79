/* SPDX-License-Identifier: GPL-2.0 */
/*
 * call_stack_rec.h - an event as the call-stack builder reads it, in a
 * record of 64 bytes that stands alone: what cs_event() reads of the event
 * (kind, branch flags, from, to, instructions, time) and of its owner (pid,
 * tid, thread name, and the maps its code is named from: the process's,
 * with their generation, or the kernel's). Records are made where events
 * are decoded (a decode thread, the decoding thread) and fed to cs_event()
 * later, elsewhere, in order (lib/output/call_stack_pipe.c, cmd/export.c's
 * decode threads). A record points into the session (the process, the
 * thread's name, the kernel's maps): it must be fed before the session
 * changes them, at the end of the AUX piece (see call_stack_pipe.c).
 */
#ifndef AUXREC_CALL_STACK_REC_H
#define AUXREC_CALL_STACK_REC_H

#include <stdint.h>
#include "lib/output/call_stack.h"

struct cs_rec {
	uint8_t kind;		/* enum event_kind */
	uint8_t no_proc;	/* the owner has no process: code is the kernel's maps */
	uint16_t branch;
	int32_t pid, tid;
	uint32_t unused;
	uint64_t from, to, insn_count, time;
	union {
		const struct proc *proc;
		const struct maps *kmaps;	/* no_proc */
	};
	const char *comm;
};

/* Makes r of te. */
static inline void cs_rec_make(struct cs_rec *r, const struct trace_event *te)
{
	const struct decode_event *ev = te->ev;
	uint64_t from = ev->from, to = ev->to, insns = ev->insn_count, time = ev->time;

	/*
	 * The decoder has just stored the event field by field: loaded by
	 * 16-byte moves (which the compiler would merge these copies into),
	 * no store forwards to them, a stall of an event's time each. Field
	 * by field, through registers.
	 */
	__asm__("" : "+r"(from), "+r"(to), "+r"(insns), "+r"(time));
	r->kind = ev->kind;
	r->no_proc = !te->proc;
	r->branch = ev->branch;
	r->pid = te->pid;
	r->tid = te->tid;
	r->from = from;
	r->to = to;
	r->insn_count = insns;
	r->time = time;
	if (te->proc)
		r->proc = te->proc;
	else
		r->kmaps = te->kmaps;
	r->comm = te->comm;
}

/* Feeds n records to cs_event(), in order: 0 or its error (-ENOMEM). */
int cs_rec_feed(struct call_stacks *cs, const struct cs_rec *v, size_t n);

#endif
