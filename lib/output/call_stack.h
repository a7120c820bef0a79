/* SPDX-License-Identifier: GPL-2.0 */
/*
 * call_stack.h - call stacks per thread built from typed branch events:
 * calls (and asynchronous entries) push a frame, returns pop to the frame
 * they return to, and each frame that ends becomes a slice with its start
 * and end on two clocks (the trace's time and a count of instructions),
 * its depth and the instructions run in the frame itself. The exports
 * (lib/output/export_*.c) render the slices; this file knows no format.
 *
 * A branch decoder does not see the frames that were live when tracing
 * started: the first frame of a thread is the function the trace starts
 * in, flagged CS_SLICE_BEGAN_BEFORE; a return above it ends it and makes
 * the function returned to its parent, which began before the trace too.
 * Frames still open when the trace ends are closed there, flagged
 * CS_SLICE_OPEN_AT_END. A trace overflow or decode error ends every frame
 * of the thread (flagged CS_SLICE_CUT): the stack after it is unknown.
 *
 * Seeds (cs_add_seed): a user stack sampled where the thread's trace
 * starts, unwound into return addresses (lib/unwind), gives the first
 * stack of a thread its callers: frames flagged CS_SLICE_SEEDED above the
 * function the trace starts in, which returns then find. A stack started
 * without a seed has its outermost frame flagged CS_SLICE_CALLERS_UNKNOWN
 * (moved to the new outermost frame when a return goes above it). Such a
 * stack (a trace enabled while the thread ran, or begun again after a
 * loss) takes its callers later from a seed sampled where the thread's
 * trace stops (a context switch in a syscall or at an interrupt): the
 * sampled frames beyond those the trace knows, when the known ones agree
 * with the sampled ones, become outer frames flagged CS_SLICE_SEEDED.
 */
#ifndef AUXREC_CALL_STACK_H
#define AUXREC_CALL_STACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "lib/output/slice_store.h"
#include "lib/output/sym_cache.h"
#include "lib/session/trace_decode.h"
#include "lib/util/slot_index.h"

#define CS_SLICE_BEGAN_BEFORE	(1u << 0)	/* entered before the trace began */
#define CS_SLICE_OPEN_AT_END	(1u << 1)	/* still running when the trace ended */
#define CS_SLICE_CUT		(1u << 2)	/* ended by lost trace or an error */
#define CS_SLICE_ASYNC		(1u << 3)	/* an interrupt, exception or signal */
#define CS_SLICE_SEEDED		(1u << 4)	/* a caller found in a sampled stack */
#define CS_SLICE_CALLERS_UNKNOWN (1u << 5)	/* outermost, with no stack sample */

/*
 * The flags an export shows, with their names (in JSON args and Perfetto
 * debug annotations, docs/json.md): CS_SHOWN_FLAGS, cs_flag_names[] ends
 * with a NULL name. CS_SLICE_ASYNC is shown by nesting only.
 */
#define CS_SHOWN_FLAGS	(CS_SLICE_BEGAN_BEFORE | CS_SLICE_OPEN_AT_END | CS_SLICE_CUT | \
			 CS_SLICE_SEEDED | CS_SLICE_CALLERS_UNKNOWN)
struct cs_flag_name {
	uint32_t flag;
	const char *name;
};
extern const struct cs_flag_name cs_flag_names[];

/* A sampled stack of thread tid at perf time `time`: pcs[0] the sampled ip,
 * pcs[1..n) the return addresses into its callers, innermost first. */
struct cs_seed {
	int tid;
	bool used;			/* gave a stack its callers */
	uint32_t n;
	uint64_t time;
	uint64_t *pcs;
};

/*
 * A stretch of a thread's time in the selection (cs_select()), on the
 * clock: from its first event to its last, the slices entered by them
 * numbered (seq) from seq_in to below seq_out.
 */
struct cs_span {
	uint64_t start, end;
	int32_t seq_in, seq_out;
};

struct cs_frame;
struct cs_name_cache;

struct cs_thread {
	int pid, tid;
	char comm[16];			/* its latest name in the events */
	const char *named_by;		/* the event's comm that comm was copied from */
	/*
	 * Its slices: those of frames entered by calls, in the order of
	 * entry (packed), and those kept whole: the outermost frames found
	 * by returns (by cs_finish(), in the order cs_walk_next() merges
	 * them in), after a selection's cut all its pieces (the store then
	 * empty). cs_nr_slices() counts them, cs_walk_next() reads them.
	 */
	struct slice_store store;
	struct cs_slice *whole;
	size_t nr_whole, cap_whole;
	struct cs_frame *stack;
	size_t depth, cap_stack;
	int32_t min_level;
	uint32_t epoch;
	int32_t next_seq, next_root_seq;
	uint64_t epoch_start;		/* clock when the current stack began */
	uint64_t last_time;
	bool async_pending;		/* traced stopped asynchronously at async_from */
	uint64_t async_from;
	struct cs_span *spans;		/* cs_select(): its time on selected CPUs */
	size_t nr_spans, cap_spans;
	bool in_span;			/* its last event was in spans[nr_spans - 1] */
};

/*
 * The clock of the slices: the trace's time (perf clock ns) when its first
 * event has a time, else the instructions executed (all threads counted
 * together); a caller may set CS_CLOCK_INSNS after cs_init(). Events
 * without time in a timed trace take the last time before them (the first
 * time, before that).
 */
enum cs_clock { CS_CLOCK_UNSET, CS_CLOCK_TIME, CS_CLOCK_INSNS };

/*
 * last_tid when the cache holds no thread: no event's tid (an int) is it,
 * not even a damaged file's (-2 was one: a tid of 0xfffffffe found the
 * thread cached before any was made).
 */
#define CS_NO_TID	INT64_MIN

struct call_stacks {
	struct sym_cache *syms;
	struct cs_thread *threads;	/* in order of first event */
	size_t nr_threads, cap_threads;
	struct slot_index thread_index;	/* of threads, by tid */
	int64_t last_tid;		/* a one-entry cache of thread_of(); CS_NO_TID */
	size_t last_idx;
	char **names;			/* by cs_name id */
	size_t nr_names, cap_names;
	struct slot_index name_index;	/* of names */
	uint32_t *name_of_frag;		/* sym_frag id -> name id + 1 */
	size_t cap_name_of_frag;
	uint64_t insns;			/* all threads, so far */
	uint64_t first_time;		/* the first non-zero time, 0 none */
	bool untimed_starts;		/* slices at time 0, before first_time */
	enum cs_clock clock;		/* set by the first event */
	struct cs_name_cache *name_cache;	/* names of call targets */
	struct cs_seed *seeds;		/* in the order added */
	size_t nr_seeds, cap_seeds;
	size_t seeds_used;		/* seeds that gave a stack its callers */
	struct event_filter select;	/* cs_select()'s CPUs and time (borrowed) */
	bool selecting;			/* cs_select() was given one */
};

/* Returns 0 or -ENOMEM. */
int cs_init(struct call_stacks *cs);
void cs_free(struct call_stacks *cs);
/*
 * Adds a seed for thread tid (pcs copied; n >= 2: a sample whose callers
 * are unknown is no seed), before the events at its time. The first stack
 * of the thread, when it starts in the function of pcs[0], gets as callers
 * the seed of tid with the latest time at or before its first event's (the
 * first seed of tid when times do not tell). A stack with unknown callers
 * gets them at a trace stop where pcs[0] was sampled (at the interrupted
 * instruction, or just after a syscall) from the first such seed taken at
 * or after the stop. Each seed is used once. Returns 0, -EINVAL (n < 2) or
 * -ENOMEM.
 */
int cs_add_seed(struct call_stacks *cs, int tid, uint64_t time, const uint64_t *pcs, size_t n);
/*
 * Selects the CPUs and time of f (its lists are borrowed until cs_free();
 * its pids, tids and names are not looked at: the caller feeds only the
 * events of those), before the first event. Each thread's stacks are still
 * built from all its events; its slices are cut to its spans (the stretch
 * from an event on a selected CPU to the last on one before an event on
 * another CPU: on the instruction clock, from just before its first
 * instruction) intersected with f's time (on the instruction clock, the
 * spans' events are those in that time). A slice cut at its start is
 * flagged CS_SLICE_BEGAN_BEFORE, at its end CS_SLICE_OPEN_AT_END (as at a
 * trace's start and end); a slice over several spans is a slice in each.
 * A frame's own instructions count only from the events in the selection.
 * Threads left without slices are left out.
 */
void cs_select(struct call_stacks *cs, const struct event_filter *f);
/* Feeds one decoded event (in the order of its thread); 0 or -ENOMEM. */
int cs_event(struct call_stacks *cs, const struct trace_event *te);
/* cs_event() of an event of CPU cpu instead of te->cpu (-1: a thread's buffer's). */
int cs_event_cpu(struct call_stacks *cs, const struct trace_event *te, int cpu);
/*
 * Ends every open frame at its thread's last clock and puts each thread's
 * slices in pre-order (parents before children, by start). Returns 0 or
 * -ENOMEM.
 */
int cs_finish(struct call_stacks *cs);
/* The number of th's slices. */
static inline size_t cs_nr_slices(const struct cs_thread *th)
{
	return th->store.nr + th->nr_whole;
}

/*
 * A walk of a thread's slices after cs_finish(), in pre-order: by start,
 * then stack (epoch), then order of entry; with the times of slices begun
 * before the trace's first time set to it.
 */
struct cs_walk {
	const struct call_stacks *cs;
	const struct cs_thread *th;
	struct slice_cursor at;		/* in th->store */
	size_t whole;			/* the next of th->whole */
	struct cs_slice next;		/* th->store's next, read ahead */
	bool have_next;
	bool untimed;			/* cs->untimed_starts */
};

void cs_walk_start(struct cs_walk *w, const struct call_stacks *cs, const struct cs_thread *th);
/* cs_walk_next() while slices kept whole are left (call_stack.c). */
const struct cs_slice *cs_walk_merge(struct cs_walk *w);
/* cs_walk_next()'s times of a slice begun before the trace's first time. */
void cs_walk_untimed(const struct cs_walk *w, struct cs_slice *s);

/* The store's next slice, read into w->next: false after its last. */
static inline bool cs_walk_store(struct cs_walk *w)
{
	if (!slice_store_next(&w->th->store, &w->at, &w->next))
		return false;
	if (w->untimed)
		cs_walk_untimed(w, &w->next);
	return true;
}

/*
 * The next slice (valid until the next call), or NULL after the last. Inline
 * where only the store's are left (nearly all of them): the render of an
 * export reads 0.8 M slices for a 2.1 M-branch trace.
 */
static inline const struct cs_slice *cs_walk_next(struct cs_walk *w)
{
	if (w->whole < w->th->nr_whole || w->have_next)
		return cs_walk_merge(w);
	return cs_walk_store(w) ? &w->next : NULL;
}

/* The index in cs->threads of thread tid, or -1. */
ssize_t cs_thread_find(const struct call_stacks *cs, int tid);
/* The depth of a slice of th: 0 for the outermost. */
static inline uint32_t cs_depth(const struct cs_thread *th, const struct cs_slice *s)
{
	return (uint32_t)(s->level - th->min_level);
}
/* The name of a slice. */
static inline const char *cs_name(const struct call_stacks *cs, uint32_t id)
{
	return cs->names[id];
}

#endif
