/* SPDX-License-Identifier: GPL-2.0 */
/*
 * call_stack_rec.h - an event as the call-stack builder reads it, in a
 * record of 64 bytes that stands alone: what cs_event() reads of the event
 * (kind, branch flags, from, to, instructions, time) and of its owner (pid,
 * tid, thread name, and the maps its code is named from: the process's,
 * with their generation, or the kernel's), and the CPU of its trace buffer
 * (for cs_select()). Records are made where events
 * are decoded (a decode thread, the decoding thread) and fed to cs_event()
 * later, elsewhere, in order (lib/output/call_stack_pipe.c, cmd/export.c's
 * decode threads). A record points into the session (the process, the
 * thread's name, the kernel's maps): it must be fed before the session
 * changes them, at the end of the AUX piece (see call_stack_pipe.c).
 */
#ifndef AUXREC_CALL_STACK_REC_H
#define AUXREC_CALL_STACK_REC_H

#include <stddef.h>
#include <stdint.h>
#include "lib/output/call_stack.h"

struct cs_rec {
	uint8_t kind;		/* enum event_kind */
	uint8_t no_proc;	/* the owner has no process: code is the kernel's maps */
	uint16_t branch;
	int32_t pid, tid;
	int32_t cpu;		/* the event's (trace_event.cpu; -1: a thread's buffer's) */
	uint64_t from, to, insn_count, time;
	union {
		const struct proc *proc;
		const struct maps *kmaps;	/* no_proc */
	};
	const char *comm;
};
_Static_assert(sizeof(struct cs_rec) == 64, "a record is a cache line");

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
	r->cpu = te->cpu;
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

/*
 * Makes a record of te at r, a record of its own cache line that another
 * thread reads next (lib/output/call_stack_pipe.c), written past the
 * cache (non-temporal stores of the whole line, on x86-64): the line is
 * not fetched first from the reader's cache, where it was last, and is
 * not left in the writer's for the reader to fetch from there. The
 * writer must order the stores (cs_rec_stream_fence()) before it hands
 * the record over.
 */
static inline void cs_rec_stream(struct cs_rec *r, const struct trace_event *te)
{
#if defined(__x86_64__)
	const struct decode_event *ev = te->ev;
	long long *q = (long long *)r;

	_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "x86-64");
	_Static_assert(offsetof(struct cs_rec, from) == 16 && offsetof(struct cs_rec, comm) == 56,
		       "a record's words");
	__builtin_ia32_movnti64(&q[0], (long long)((uint64_t)ev->kind | (uint64_t)!te->proc << 8 |
						   (uint64_t)ev->branch << 16 |
						   (uint64_t)(uint32_t)te->pid << 32));
	__builtin_ia32_movnti64(&q[1], (long long)((uint64_t)(uint32_t)te->tid |
						   (uint64_t)(uint32_t)te->cpu << 32));
	__builtin_ia32_movnti64(&q[2], (long long)ev->from);
	__builtin_ia32_movnti64(&q[3], (long long)ev->to);
	__builtin_ia32_movnti64(&q[4], (long long)ev->insn_count);
	__builtin_ia32_movnti64(&q[5], (long long)ev->time);
	__builtin_ia32_movnti64(&q[6], (long long)(uintptr_t)(te->proc ? (const void *)te->proc :
							      (const void *)te->kmaps));
	__builtin_ia32_movnti64(&q[7], (long long)(uintptr_t)te->comm);
#else
	cs_rec_make(r, te);
#endif
}

/* Orders the stores of cs_rec_stream() before those that follow. */
static inline void cs_rec_stream_fence(void)
{
#if defined(__x86_64__)
	__builtin_ia32_sfence();
#endif
}

/* Feeds n records to cs_event(), in order: 0 or its error (-ENOMEM) (call_stack.c). */
int cs_rec_feed(struct call_stacks *cs, const struct cs_rec *v, size_t n);

#endif
