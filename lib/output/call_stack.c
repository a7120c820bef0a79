// SPDX-License-Identifier: GPL-2.0
/*
 * call_stack.c - per-thread call stacks from typed branch events, ended
 * frames kept as slices (see call_stack.h for what a slice is).
 *
 * The rules, in the order events arrive for a thread:
 * - the first event starts the thread's stack with one frame, the function
 *   the trace starts in (a trace begin's target, else a branch's source);
 * - a call pushes a frame named after its target, remembering the call
 *   site; an asynchronous entry (interrupt, exception) pushes one that
 *   resumes exactly at its source;
 * - a return pops to the innermost frame it returns to: a call frame whose
 *   call site lies 1..15 bytes before the target (the call instruction's
 *   length is not in the event), an asynchronous one whose resume address
 *   is the target. Frames above it end with it (they left by a jump).
 *   A return that matches nothing while only the first frame is left
 *   returns from that frame: it ends, and the function returned to becomes
 *   the new outermost frame, one level further out, begun when the stack
 *   began. Any other unmatched return is taken for a jump (as perf does);
 * - tracing that stops asynchronously (TRACE_END with the async flag) and
 *   resumes somewhere else entered a handler (a signal): that is a frame
 *   too, left when tracing later resumes at the interrupted address, or
 *   by a return that matches it;
 * - an overflow or an error ends all frames (CS_SLICE_CUT).
 * Instructions count to the frame on top when they ran (the events'
 * insn_count: the instructions up to and including the branch). A time
 * earlier than the thread's previous one counts as that one: slices must
 * nest in time as they do in the stack.
 *
 * A thread's first stack with a seed (call_stack.h) begins with the seed's
 * callers, outermost first, each entered when the stack began, with the
 * return address into it as the call site of the frame above (site =
 * return address - 1: a return to it matches), then the first frame.
 * A stack whose callers are unknown gets them at a trace stop sampled by a
 * later seed ("Late seeds" below, docs/stack-seed.md).
 *
 * Slices are kept in the order their frames were entered (seq), which is
 * a pre-order of the call tree with non-decreasing starts (packed:
 * slice_store.h); outermost frames found by a return are kept apart
 * (whole, numbered below every other, counting down) and merged in by
 * cs_walk_next() before all they enclose: the order is (start, epoch, seq)
 * even when the trace's clock gives parent and children one time.
 *
 * A selection of CPUs and time (cs_select()) changes no stack: each
 * thread's spans in it are recorded as its events come (select_event()),
 * the frames live at a span's start marked on their slices, and at the
 * end each slice is cut into a piece per span it is in (cut_to_spans()).
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include "lib/output/call_stack.h"
#include "lib/output/call_stack_rec.h"
#include "lib/util/array_grow.h"
#include "lib/util/huge_array.h"

#define MAX_CALL_LEN	15	/* bytes: the longest x86 instruction */

/*
 * A live frame: its slice as it is so far (its own instructions counted
 * in it), put in its slot when it ends, and how returns find it.
 */
struct cs_frame {
	struct cs_slice s;
	uint64_t site;			/* call: the call's address; async: resume address */
	size_t slot;			/* of its slice in the store, or in whole */
	uint32_t flags;			/* CS_FRAME_* */
};

/*
 * Names of call targets, by (address space, address): a call's target is
 * named without a symbol lookup when it was called before.
 */
#define NAME_CACHE_SIZE	4096
struct cs_name_cache {
	struct {
		const void *maps;
		uint64_t addr;
		int pid;
		uint32_t gen;
		uint32_t name;		/* + 1; 0: empty */
	} e[NAME_CACHE_SIZE];
};

#define CS_FRAME_HAS_SITE	(1u << 0)	/* site is known: returns can match it */
#define CS_FRAME_ASYNC		(1u << 1)	/* resumes exactly at site */
#define CS_FRAME_ROOT		(1u << 2)	/* outermost, found by a return: in whole */

const struct cs_flag_name cs_flag_names[] = {
	{ CS_SLICE_BEGAN_BEFORE, "began_before_trace" },
	{ CS_SLICE_OPEN_AT_END, "open_at_trace_end" },
	{ CS_SLICE_CUT, "cut_by_lost_trace" },
	{ CS_SLICE_SEEDED, "from_stack_sample" },
	{ CS_SLICE_CALLERS_UNKNOWN, "callers_unknown" },
	{ 0, NULL },
};

static void thread_free(struct cs_thread *th)
{
	slice_store_free(&th->store);
	HUGE_ARRAY_FREE(th->whole, th->cap_whole);
	free(th->stack);
	free(th->spans);
}

int cs_init(struct call_stacks *cs)
{
	memset(cs, 0, sizeof(*cs));
	cs->last_tid = CS_NO_TID;
	cs->syms = sym_cache_new();
	cs->name_cache = calloc(1, sizeof(*cs->name_cache));
	if (!cs->syms || !cs->name_cache) {
		cs_free(cs);
		return -ENOMEM;
	}
	return 0;
}

void cs_free(struct call_stacks *cs)
{
	for (size_t i = 0; i < cs->nr_threads; i++)
		thread_free(&cs->threads[i]);
	free(cs->threads);
	slot_index_free(&cs->thread_index);
	for (size_t i = 0; i < cs->nr_names; i++)
		free(cs->names[i]);
	free(cs->names);
	free(cs->name_of_frag);
	free(cs->name_cache);
	for (size_t i = 0; i < cs->nr_seeds; i++)
		free(cs->seeds[i].pcs);
	free(cs->seeds);
	slot_index_free(&cs->name_index);
	if (cs->syms)
		sym_cache_free(cs->syms);
	memset(cs, 0, sizeof(*cs));
}

/* Names: each distinct string once, by id. */
static uint64_t name_hash_of(const void *ctx, uint32_t idx)
{
	const struct call_stacks *cs = ctx;

	return slot_hash_str(SLOT_HASH_INIT, cs->names[idx]);
}

static bool name_matches(const void *ctx, uint32_t idx, const void *key)
{
	const struct call_stacks *cs = ctx;

	return !strcmp(cs->names[idx], key);
}

/* The id of name s (copied when new), or -ENOMEM. */
static int64_t intern(struct call_stacks *cs, const char *s)
{
	uint32_t *slot;
	char *copy;

	if (slot_index_reserve(&cs->name_index, cs->nr_names, 256, name_hash_of, cs))
		return -ENOMEM;
	slot = slot_index_find(&cs->name_index, slot_hash_str(SLOT_HASH_INIT, s), name_matches,
			       cs, s);
	if (*slot)
		return *slot - 1;
	if (ARRAY_GROW(cs->names, cs->cap_names, cs->nr_names + 1, 256))
		return -ENOMEM;
	copy = strdup(s);
	if (!copy)
		return -ENOMEM;
	cs->names[cs->nr_names] = copy;
	*slot = (uint32_t)++cs->nr_names;
	return cs->nr_names - 1;
}

/* The name id of the function at addr: its symbol, else the address in hex. */
static int64_t lookup_name(struct call_stacks *cs, const struct maps *m, uint64_t addr)
{
	const struct sym_frag *f;
	char hex[24];
	uint64_t off;
	int64_t id;

	f = sym_cache_lookup(cs->syms, m, addr, &off);
	if (!f)
		return -ENOMEM;
	if (!f->name) {
		snprintf(hex, sizeof(hex), "0x%" PRIx64, addr);
		return intern(cs, hex);
	}
	if (f->id < cs->cap_name_of_frag && cs->name_of_frag[f->id])
		return cs->name_of_frag[f->id] - 1;
	id = intern(cs, f->name);
	if (id < 0 || ARRAY_GROW_ZEROED(cs->name_of_frag, cs->cap_name_of_frag,
					(size_t)f->id + 1, 256))
		return -ENOMEM;
	cs->name_of_frag[f->id] = (uint32_t)id + 1;
	return id;
}

/* name_at()'s miss: lookup_name(), kept in entry i of the cache. */
static __attribute__((noinline)) int64_t name_missed(struct call_stacks *cs,
						     const struct trace_event *te, uint64_t addr,
						     size_t i)
{
	const struct maps *m = trace_event_maps(te);
	struct cs_name_cache *c = cs->name_cache;
	int64_t id = lookup_name(cs, m, addr);

	if (id >= 0) {
		c->e[i].maps = m;
		c->e[i].addr = addr;
		c->e[i].pid = te->pid;
		c->e[i].gen = te->proc ? te->proc->gen : 0;
		c->e[i].name = (uint32_t)id + 1;
	}
	return id;
}

/*
 * lookup_name() through the cache of (address space, address); the hit,
 * nearly every call, inline in the callers.
 */
static inline size_t name_slot(uint64_t addr)
{
	return (addr ^ addr >> 12) & (NAME_CACHE_SIZE - 1);
}

/* The name id of addr when the cache has it, else -1. */
static inline int64_t name_cached(const struct call_stacks *cs, const struct trace_event *te,
				  uint64_t addr)
{
	const struct cs_name_cache *c = cs->name_cache;
	size_t i = name_slot(addr);

	if (c->e[i].name && c->e[i].addr == addr && c->e[i].maps == trace_event_maps(te) &&
	    c->e[i].pid == te->pid && c->e[i].gen == (te->proc ? te->proc->gen : 0))
		return c->e[i].name - 1;
	return -1;
}

static inline int64_t name_at(struct call_stacks *cs, const struct trace_event *te, uint64_t addr)
{
	int64_t id = name_cached(cs, te, addr);

	return id >= 0 ? id : name_missed(cs, te, addr, name_slot(addr));
}

/*
 * The thread's name is the one its latest event gives (an exec or a rename
 * during the trace names it from then on, as viewers name a thread by its
 * current name); an event whose owner has no name keeps the one it had.
 */
static void name_thread(struct cs_thread *th, const char *comm)
{
	th->named_by = comm;
	if (!comm)
		return;
	strncpy(th->comm, comm, sizeof(th->comm) - 1);
	th->comm[sizeof(th->comm) - 1] = 0;
}

static uint64_t thread_hash_of(const void *ctx, uint32_t idx)
{
	const struct call_stacks *cs = ctx;

	return slot_hash_u64((uint32_t)cs->threads[idx].tid);
}

static bool thread_matches(const void *ctx, uint32_t idx, const void *key)
{
	const struct call_stacks *cs = ctx;

	return cs->threads[idx].tid == *(const int *)key;
}

ssize_t cs_thread_find(const struct call_stacks *cs, int tid)
{
	const uint32_t *slot;

	if (!cs->thread_index.nslots)
		return -1;
	slot = slot_index_find(&cs->thread_index, slot_hash_u64((uint32_t)tid), thread_matches,
			       cs, &tid);
	return *slot ? (ssize_t)*slot - 1 : -1;
}

/*
 * The thread of te's owner, made at its first event. A recording with
 * thousands of threads switching often finds each in the index, not by a
 * scan of all (a one-entry cache first: most events are the last one's).
 */
static struct cs_thread *thread_of(struct call_stacks *cs, const struct trace_event *te)
{
	struct cs_thread *th;
	uint32_t *slot;

	if (te->tid == cs->last_tid)
		return &cs->threads[cs->last_idx];
	if (slot_index_reserve(&cs->thread_index, cs->nr_threads, 64, thread_hash_of, cs))
		return NULL;
	slot = slot_index_find(&cs->thread_index, slot_hash_u64((uint32_t)te->tid),
			       thread_matches, cs, &te->tid);
	if (*slot) {
		cs->last_tid = te->tid;
		cs->last_idx = *slot - 1;
		return &cs->threads[cs->last_idx];
	}
	if (ARRAY_GROW(cs->threads, cs->cap_threads, cs->nr_threads + 1, 16))
		return NULL;
	th = &cs->threads[cs->nr_threads];
	memset(th, 0, sizeof(*th));
	th->pid = te->pid;
	th->tid = te->tid;
	name_thread(th, te->comm);
	th->next_root_seq = -1;
	*slot = (uint32_t)(cs->nr_threads + 1);
	cs->last_tid = te->tid;
	cs->last_idx = cs->nr_threads++;
	return th;
}

/*
 * Enters a frame at clock now: its slice's slot is reserved now, in the
 * order of entry (a pre-order), or among the slices kept whole for an
 * outermost frame found by a return.
 */
static inline __attribute__((always_inline)) void
enter(struct cs_thread *th, uint32_t name, int32_t level, int32_t seq, uint64_t now,
      uint64_t site, uint32_t frame_flags, uint32_t slice_flags)
{
	size_t slot = frame_flags & CS_FRAME_ROOT ? th->nr_whole++ :
			slice_store_enter(&th->store, now, th->epoch);

	th->stack[th->depth++] = (struct cs_frame){
		.s = {
			.start = now, .seq = seq, .epoch = th->epoch, .name = name,
			.level = level, .flags = slice_flags,
		},
		.site = site, .flags = frame_flags, .slot = slot,
	};
	if (level < th->min_level)
		th->min_level = level;
}

/* Whether th has room for one more frame and its slice (not a root) as it is. */
static inline bool has_room(const struct cs_thread *th)
{
	return th->depth < th->cap_stack && slice_store_has_room(&th->store);
}

/* Room in th for one more frame and its slice (a root's): 0 or -ENOMEM. */
static inline int make_room(struct cs_thread *th, bool root)
{
	if (th->depth == th->cap_stack && ARRAY_GROW(th->stack, th->cap_stack, th->depth + 1, 64))
		return -ENOMEM;
	return root ? HUGE_ARRAY_GROW(th->whole, th->cap_whole, th->nr_whole + 1, 16) :
		      slice_store_reserve(&th->store);
}

/* enter() after making room for it: 0 or -ENOMEM. */
static inline __attribute__((always_inline)) int
push(struct cs_thread *th, uint32_t name, int32_t level, int32_t seq, uint64_t now,
     uint64_t site, uint32_t frame_flags, uint32_t slice_flags)
{
	if (make_room(th, frame_flags & CS_FRAME_ROOT))
		return -ENOMEM;
	enter(th, name, level, seq, now, site, frame_flags, slice_flags);
	return 0;
}

/* Ends the frames from the top down to index i (included) at clock now. */
static inline __attribute__((always_inline)) void
pop_to(struct cs_thread *th, size_t i, uint64_t now, uint32_t flags)
{
	while (th->depth > i) {
		struct cs_frame *f = &th->stack[--th->depth];

		f->s.end = now;
		f->s.flags |= flags;
		if (f->flags & CS_FRAME_ROOT)
			th->whole[f->slot] = f->s;
		else
			slice_store_put(&th->store, f->slot, &f->s);
	}
}

static int32_t level_of_top(struct cs_thread *th)
{
	return th->stack[th->depth - 1].s.level;
}

int cs_add_seed(struct call_stacks *cs, int tid, uint64_t time, const uint64_t *pcs, size_t n)
{
	struct cs_seed *sd;

	if (n < 2 || n > UINT32_MAX)
		return -EINVAL;
	if (ARRAY_GROW(cs->seeds, cs->cap_seeds, cs->nr_seeds + 1, 16))
		return -ENOMEM;
	sd = &cs->seeds[cs->nr_seeds];
	sd->pcs = malloc(n * sizeof(*pcs));
	if (!sd->pcs)
		return -ENOMEM;
	memcpy(sd->pcs, pcs, n * sizeof(*pcs));
	sd->tid = tid;
	sd->used = false;
	sd->n = (uint32_t)n;
	sd->time = time;
	cs->nr_seeds++;
	return 0;
}

/*
 * The seed of th's first stack, at time (0: unknown), or NULL: the latest
 * taken at or before time, else the first whose time does not tell.
 */
static struct cs_seed *seed_of(struct call_stacks *cs, const struct cs_thread *th,
			       uint64_t time)
{
	struct cs_seed *first = NULL, *best = NULL;

	if (th->epoch || cs_nr_slices(th))
		return NULL;
	for (size_t i = 0; i < cs->nr_seeds; i++) {
		struct cs_seed *sd = &cs->seeds[i];

		if (sd->tid != th->tid || sd->used)
			continue;
		if (time && sd->time) {
			if (sd->time <= time && (!best || sd->time >= best->time))
				best = sd;
		} else if (!first) {
			first = sd;
		}
	}
	return best ? best : first;
}

/*
 * Pushes the callers of seed sd (outermost first) at clock now, when its
 * sampled ip is in function `name` (the trace's first); returns 1 when it
 * did, 0 when the seed does not fit, -ENOMEM.
 */
static int push_seed(struct call_stacks *cs, struct cs_thread *th, const struct trace_event *te,
		     struct cs_seed *sd, int64_t name, uint64_t now)
{
	int64_t at_ip = name_at(cs, te, sd->pcs[0]), caller;
	int32_t level = -(int32_t)(sd->n - 1);

	if (at_ip < 0)
		return -ENOMEM;
	if (at_ip != name)
		return 0;
	for (uint32_t i = sd->n - 1; i >= 1; i--) {
		bool outermost = i == sd->n - 1;

		caller = name_at(cs, te, sd->pcs[i] - 1);
		if (caller < 0 || push(th, (uint32_t)caller, level++, th->next_seq++, now,
				       outermost ? 0 : sd->pcs[i + 1] - 1,
				       outermost ? 0 : CS_FRAME_HAS_SITE,
				       CS_SLICE_BEGAN_BEFORE | CS_SLICE_SEEDED))
			return -ENOMEM;
	}
	sd->used = true;
	cs->seeds_used++;
	return 1;
}

/*
 * A first frame at addr, at clock now, when the thread has none: below
 * the callers of its seed, or flagged as having unknown callers.
 */
static int start_stack(struct call_stacks *cs, struct cs_thread *th,
		       const struct trace_event *te, uint64_t addr, uint64_t now)
{
	struct cs_seed *sd;
	int64_t name;
	int seeded = 0;

	if (th->depth)
		return 0;
	name = name_at(cs, te, addr);
	if (name < 0)
		return -ENOMEM;
	th->epoch_start = now;
	sd = seed_of(cs, th, te->ev->time);
	if (sd && (seeded = push_seed(cs, th, te, sd, name, now)) < 0)
		return -ENOMEM;
	if (seeded)
		return push(th, name, 0, th->next_seq++, now, sd->pcs[1] - 1, CS_FRAME_HAS_SITE,
			    CS_SLICE_BEGAN_BEFORE);
	return push(th, name, 0, th->next_seq++, now, 0, 0,
		    CS_SLICE_BEGAN_BEFORE | CS_SLICE_CALLERS_UNKNOWN);
}

static bool returns_to(const struct cs_frame *f, uint64_t to)
{
	if (!(f->flags & CS_FRAME_HAS_SITE))
		return false;
	if (f->flags & CS_FRAME_ASYNC)
		return to == f->site;
	return to > f->site && to - f->site <= MAX_CALL_LEN;
}

/* Whether th's stack has frames and its outermost's callers are unknown. */
static bool callers_unknown(const struct cs_thread *th)
{
	return th->depth && th->stack[0].s.flags & CS_SLICE_CALLERS_UNKNOWN;
}

/*
 * Whether seed sd was sampled where the trace stop ev left user space: at
 * the interrupted instruction (an asynchronous stop), else just after the
 * instruction that entered the kernel (a syscall).
 */
static bool sampled_at_stop(const struct cs_seed *sd, const struct decode_event *ev)
{
	if (ev->branch & BRANCH_F_ASYNC)
		return sd->pcs[0] == ev->from;
	return sd->pcs[0] > ev->from && sd->pcs[0] - ev->from <= MAX_CALL_LEN;
}

/*
 * The seed of th sampled at the trace stop ev, not used yet: the first
 * taken at or after the stop's time (the first in file order when times
 * do not tell), or NULL.
 */
static struct cs_seed *seed_at_stop(struct call_stacks *cs, const struct cs_thread *th,
				    const struct decode_event *ev)
{
	struct cs_seed *best = NULL;

	for (size_t i = 0; i < cs->nr_seeds; i++) {
		struct cs_seed *sd = &cs->seeds[i];

		if (sd->tid != th->tid || sd->used || !sampled_at_stop(sd, ev))
			continue;
		if (ev->time && sd->time) {
			if (sd->time >= ev->time && (!best || !best->time || sd->time < best->time))
				best = sd;
		} else if (!best) {
			best = sd;
		}
	}
	return best;
}

/*
 * Whether the live frames of th are the innermost frames of seed sd's
 * stack: as many or more sampled frames, no asynchronous frame, each
 * frame's call site just before the return address into the frame below
 * it, and the outermost named as the function its sampled frame is in.
 * 1 when they agree, 0 when not, -ENOMEM.
 */
static int stack_agrees(struct call_stacks *cs, const struct cs_thread *th,
			const struct trace_event *te, const struct cs_seed *sd)
{
	size_t d = th->depth;
	int64_t outer;

	if (sd->n < d)
		return 0;
	for (size_t j = 0; j < d; j++) {
		const struct cs_frame *f = &th->stack[j];

		if ((f->flags & CS_FRAME_ASYNC) || (j && !returns_to(f, sd->pcs[d - j])))
			return 0;
	}
	outer = name_at(cs, te, d == 1 ? sd->pcs[0] : sd->pcs[d - 1] - 1);
	if (outer < 0)
		return -ENOMEM;
	return (uint32_t)outer == th->stack[0].s.name;
}

/*
 * Puts the sampled frames of sd beyond th's live ones (its callers) below
 * the outermost live frame, outermost first, as outermost frames found by
 * returns are: begun when the stack began, flagged CS_SLICE_SEEDED.
 */
static int add_callers(struct call_stacks *cs, struct cs_thread *th,
		       const struct trace_event *te, struct cs_seed *sd)
{
	size_t d = th->depth, k = sd->n - d;
	int32_t level = th->stack[0].s.level;

	if (ARRAY_GROW(th->stack, th->cap_stack, d + k, 64) ||
	    HUGE_ARRAY_GROW(th->whole, th->cap_whole, th->nr_whole + k, 16))
		return -ENOMEM;
	memmove(th->stack + k, th->stack, d * sizeof(*th->stack));
	th->depth += k;
	th->stack[k].s.flags &= ~CS_SLICE_CALLERS_UNKNOWN;
	if (k) {
		th->stack[k].site = sd->pcs[d] - 1;
		th->stack[k].flags |= CS_FRAME_HAS_SITE;
	}
	for (size_t i = d; i < sd->n; i++) {
		size_t m = sd->n - 1 - i;	/* its place in the stack */
		int64_t name = name_at(cs, te, sd->pcs[i] - 1);
		int32_t lv = level - (int32_t)(i - d + 1);

		if (name < 0)
			return -ENOMEM;
		th->stack[m] = (struct cs_frame){
			.s = {
				.start = th->epoch_start, .seq = th->next_root_seq--,
				.epoch = th->epoch, .name = (uint32_t)name, .level = lv,
				.flags = CS_SLICE_BEGAN_BEFORE | CS_SLICE_SEEDED,
			},
			.site = m ? sd->pcs[i + 1] - 1 : 0, .slot = th->nr_whole++,
			.flags = CS_FRAME_ROOT | (m ? CS_FRAME_HAS_SITE : 0),
		};
		if (lv < th->min_level)
			th->min_level = lv;
	}
	sd->used = true;
	cs->seeds_used++;
	return 0;
}

/*
 * A trace stop of th, whose callers are unknown (docs/stack-seed.md, "Late
 * seeds"): a sample taken there has the stack the trace reached, outer
 * frames included; it gives them when it agrees with the frames the trace
 * knows. 0 or -ENOMEM.
 */
static int seed_at_trace_stop(struct call_stacks *cs, struct cs_thread *th,
			      const struct trace_event *te)
{
	struct cs_seed *sd = seed_at_stop(cs, th, te->ev);
	int agrees;

	if (!sd)
		return 0;
	agrees = stack_agrees(cs, th, te, sd);
	if (agrees <= 0)
		return agrees;
	return add_callers(cs, th, te, sd);
}

/* The innermost frame of th that a return to `to` returns to, or -1. */
static inline ssize_t frame_returned_to(const struct cs_thread *th, uint64_t to)
{
	for (size_t i = th->depth; i-- > 0;)
		if (returns_to(&th->stack[i], to))
			return (ssize_t)i;
	return -1;
}

/* Whether a return to `to` that matches no frame of th returns from its outermost. */
static inline bool returns_from_outermost(const struct cs_thread *th, uint64_t to)
{
	return th->depth <= 1 && to;
}

static int on_return(struct call_stacks *cs, struct cs_thread *th,
		     const struct trace_event *te, uint64_t now)
{
	const struct decode_event *ev = te->ev;
	ssize_t i = frame_returned_to(th, ev->to);
	uint32_t flags;
	int32_t level;
	int64_t name;

	if (i >= 0) {
		pop_to(th, (size_t)i, now, 0);
		return 0;
	}
	if (!returns_from_outermost(th, ev->to))
		return 0;
	/* a return from the outermost frame: its caller becomes the outermost */
	flags = CS_SLICE_BEGAN_BEFORE;
	level = 0;
	if (th->depth) {
		struct cs_slice *outer = &th->stack[0].s;

		level = outer->level - 1;
		flags |= outer->flags & CS_SLICE_CALLERS_UNKNOWN;
		outer->flags &= ~CS_SLICE_CALLERS_UNKNOWN;
	}
	pop_to(th, 0, now, 0);
	name = name_at(cs, te, ev->to);
	if (name < 0)
		return -ENOMEM;
	return push(th, name, level, th->next_root_seq--, th->epoch_start, 0, CS_FRAME_ROOT, flags);
}

/* Whether branch ev enters a frame (a call or an asynchronous entry). */
static inline bool enters(const struct decode_event *ev)
{
	return (ev->branch & (BRANCH_F_CALL | BRANCH_F_ASYNC)) && ev->to;
}

/* Enters the frame of entering branch ev, to function `name`, at clock now (with room). */
static inline __attribute__((always_inline)) void
enter_branch(struct cs_thread *th, const struct decode_event *ev, uint32_t name, uint64_t now)
{
	bool async = ev->branch & BRANCH_F_ASYNC;

	enter(th, name, level_of_top(th) + 1, th->next_seq++, now, ev->from,
	      CS_FRAME_HAS_SITE | (async ? CS_FRAME_ASYNC : 0), async ? CS_SLICE_ASYNC : 0);
}

/* A branch at clock now; before: the clock before its instructions ran. */
static int on_branch(struct call_stacks *cs, struct cs_thread *th,
		     const struct trace_event *te, uint64_t now, uint64_t before)
{
	const struct decode_event *ev = te->ev;
	int64_t name;

	if (!th->depth && start_stack(cs, th, te, ev->from, before))
		return -ENOMEM;
	if (ev->branch & BRANCH_F_RETURN)
		return on_return(cs, th, te, now);
	if (!enters(ev))
		return 0;
	name = name_at(cs, te, ev->to);
	if (name < 0 || make_room(th, false))
		return -ENOMEM;
	enter_branch(th, ev, (uint32_t)name, now);
	return 0;
}

/* Tracing resumes at to: after an asynchronous stop elsewhere, in a handler. */
static int on_trace_begin(struct call_stacks *cs, struct cs_thread *th,
			  const struct trace_event *te, uint64_t now)
{
	const struct decode_event *ev = te->ev;
	bool async = th->async_pending;
	int64_t name;

	th->async_pending = false;
	if (!ev->to)
		return 0;
	if (!th->depth)
		return start_stack(cs, th, te, ev->to, now);
	for (size_t i = th->depth; i-- > 0;) {
		if ((th->stack[i].flags & CS_FRAME_ASYNC) && returns_to(&th->stack[i], ev->to)) {
			pop_to(th, i, now, 0);
			return 0;
		}
	}
	if (!async || ev->to == th->async_from)
		return 0;
	name = name_at(cs, te, ev->to);
	if (name < 0)
		return -ENOMEM;
	return push(th, name, level_of_top(th) + 1, th->next_seq++, now, th->async_from,
		    CS_FRAME_HAS_SITE | CS_FRAME_ASYNC, CS_SLICE_ASYNC);
}

/*
 * The clock at ev (its time, the thread's last one when it has none or
 * steps back), and in *before the clock before its instructions ran.
 */
static inline __attribute__((always_inline)) uint64_t
clock_at(struct call_stacks *cs, struct cs_thread *th, const struct decode_event *ev,
	 uint64_t *before)
{
	if (cs->clock == CS_CLOCK_UNSET)
		cs->clock = ev->time ? CS_CLOCK_TIME : CS_CLOCK_INSNS;
	if (cs->clock == CS_CLOCK_INSNS) {
		*before = cs->insns - ev->insn_count;
		return cs->insns;
	}
	if (ev->time > th->last_time)
		th->last_time = ev->time;
	if (!cs->first_time)
		cs->first_time = ev->time;
	if (!th->last_time)
		cs->untimed_starts = true;
	*before = th->last_time;
	return th->last_time;
}

void cs_select(struct call_stacks *cs, const struct event_filter *f)
{
	cs->select = (struct event_filter){
		.cpus = f->cpus, .nr_cpus = f->nr_cpus,
		.timed = f->timed, .time_start = f->time_start, .time_end = f->time_end,
	};
	cs->selecting = f->cpus || f->timed;
}

/* th's events leave the selection: its span ends before the slices entered next. */
static void span_out(struct cs_thread *th)
{
	if (th->in_span)
		th->spans[th->nr_spans - 1].seq_out = th->next_seq;
	th->in_span = false;
}

/*
 * Whether th's event ev, from cpu, at clock now (before: before its
 * instructions) is in the selection (its instructions count), with th's
 * spans grown by it. 1, 0, or -ENOMEM.
 */
static int select_event(struct call_stacks *cs, struct cs_thread *th,
			const struct decode_event *ev, int cpu, uint64_t now, uint64_t before)
{
	bool on_cpu = event_filter_owner(&cs->select, th->pid, th->tid, cpu, NULL), in_time;
	bool insns = cs->clock == CS_CLOCK_INSNS;

	/* the time it ran at: as clock_at() keeps it on the time clock */
	if (ev->time > th->last_time)
		th->last_time = ev->time;
	in_time = event_filter_in_time(&cs->select, th->last_time);
	/* the time clock's spans are cut to the time at cs_finish() */
	if (!on_cpu || (insns && !in_time)) {
		span_out(th);
		return 0;
	}
	if (!th->in_span) {
		if (ARRAY_GROW(th->spans, th->cap_spans, th->nr_spans + 1, 16))
			return -ENOMEM;
		th->spans[th->nr_spans++] = (struct cs_span){
			.start = insns ? before : now, .seq_in = th->next_seq, .seq_out = INT32_MAX,
		};
		th->in_span = true;
		/* the frames live as it starts: slices in it (cut_to_spans()) */
		for (size_t i = 0; i < th->depth; i++)
			th->stack[i].s.live_span = (uint32_t)th->nr_spans;
	}
	th->spans[th->nr_spans - 1].end = now;
	return in_time;
}

/*
 * cs_event_cpu()'s common case, made without a call (so that it saves and
 * restores no registers): a branch of the thread of the last event, whose
 * name is unchanged and which has a stack, with no selection; a return
 * that finds its frame or leaves the stack alone, a call to a function
 * named before with room for its frame, or a plain branch. The rules are
 * on_branch()'s. Returns whether it took the event; if not, it changed
 * nothing.
 */
static inline __attribute__((always_inline)) bool common_event(struct call_stacks *cs,
							       const struct trace_event *te)
{
	const struct decode_event *ev = te->ev;
	struct cs_thread *th;
	ssize_t returned_to = -1;
	int64_t name = -1;
	uint64_t now, before;

	if (ev->kind != EVENT_BRANCH || te->tid != cs->last_tid || cs->selecting)
		return false;
	th = &cs->threads[cs->last_idx];
	if (te->comm != th->named_by || !th->depth)
		return false;
	if (ev->branch & BRANCH_F_RETURN) {
		returned_to = frame_returned_to(th, ev->to);
		if (returned_to < 0 && returns_from_outermost(th, ev->to))
			return false;
	} else if (enters(ev)) {
		name = name_cached(cs, te, ev->to);
		if (name < 0 || !has_room(th))
			return false;
	}
	cs->insns += ev->insn_count;
	now = clock_at(cs, th, ev, &before);
	th->stack[th->depth - 1].s.self_insns += ev->insn_count;
	if (returned_to >= 0)
		pop_to(th, (size_t)returned_to, now, 0);
	else if (name >= 0)
		enter_branch(th, ev, (uint32_t)name, now);
	return true;
}

/* cs_event_cpu() of every other event. */
static __attribute__((noinline)) int other_event(struct call_stacks *cs,
						 const struct trace_event *te, int cpu)
{
	const struct decode_event *ev = te->ev;
	struct cs_thread *th = thread_of(cs, te);
	uint64_t now, before;
	int in = 1;

	if (!th)
		return -ENOMEM;
	if (te->comm != th->named_by)
		name_thread(th, te->comm);
	cs->insns += ev->insn_count;
	now = clock_at(cs, th, ev, &before);
	if (cs->selecting && (in = select_event(cs, th, ev, cpu, now, before)) < 0)
		return in;
	if (th->depth && in)
		th->stack[th->depth - 1].s.self_insns += ev->insn_count;
	switch (ev->kind) {
	case EVENT_BRANCH:
		return on_branch(cs, th, te, now, before);
	case EVENT_TRACE_BEGIN:
	case EVENT_SYNC:
		return on_trace_begin(cs, th, te, now);
	case EVENT_TRACE_END:
		if (ev->from && !th->depth && start_stack(cs, th, te, ev->from, before))
			return -ENOMEM;
		if (ev->from && callers_unknown(th) && seed_at_trace_stop(cs, th, te))
			return -ENOMEM;
		if (ev->branch & BRANCH_F_ASYNC) {
			th->async_pending = true;
			th->async_from = ev->from;
		}
		return 0;
	case EVENT_OVERFLOW:
	case EVENT_ERROR:
		th->async_pending = false;
		if (th->depth)
			th->epoch++;
		pop_to(th, 0, now, CS_SLICE_CUT);
		return 0;
	default:
		return 0;
	}
}

/* (te->cpu is read only where other_event() needs it: for a selection.) */
int cs_event(struct call_stacks *cs, const struct trace_event *te)
{
	if (common_event(cs, te))
		return 0;
	return other_event(cs, te, te->cpu);
}

int cs_event_cpu(struct call_stacks *cs, const struct trace_event *te, int cpu)
{
	if (common_event(cs, te))
		return 0;
	return other_event(cs, te, cpu);
}

/*
 * Here, not in call_stack_rec.c, so that common_event() is inlined into
 * its loop: a call of cs_event_cpu() per record saved and restored its
 * registers each time (callgrind: 16 instructions an event, and as many
 * for the call of clock_at()).
 */
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
		if (common_event(cs, &te))
			continue;
		err = other_event(cs, &te, r->cpu);
		if (err)
			return err;
	}
	return 0;
}

/* The pre-order: by start, then stack (epoch), then order of entry. */
static bool before(const struct cs_slice *x, const struct cs_slice *y)
{
	if (x->start != y->start)
		return x->start < y->start;
	if (x->epoch != y->epoch)
		return x->epoch < y->epoch;
	return x->seq < y->seq;
}

static int cmp_slice(const void *a, const void *b)
{
	return before(a, b) ? -1 : before(b, a);
}

/* A slice begun before the trace's first time: at that time. */
static void time_untimed(const struct call_stacks *cs, struct cs_slice *s)
{
	if (!s->start)
		s->start = cs->first_time;
	if (!s->end)
		s->end = s->start;
}

void cs_walk_untimed(const struct cs_walk *w, struct cs_slice *s)
{
	time_untimed(w->cs, s);
}

void cs_walk_start(struct cs_walk *w, const struct call_stacks *cs, const struct cs_thread *th)
{
	*w = (struct cs_walk){ .cs = cs, .th = th, .untimed = cs->untimed_starts };
}

/*
 * The store's slices are in the pre-order already (entered in it, with
 * non-decreasing starts) but for those kept whole (the outermost frames
 * found by returns, sorted by cs_finish()), which go before all that they
 * enclose: the two merged. The store's next is read when the one before
 * it has been taken.
 */
const struct cs_slice *cs_walk_merge(struct cs_walk *w)
{
	const struct cs_thread *th = w->th;

	if (!w->have_next)
		w->have_next = cs_walk_store(w);
	if (w->whole < th->nr_whole &&
	    (!w->have_next || before(&th->whole[w->whole], &w->next)))
		return &th->whole[w->whole++];
	if (!w->have_next)
		return NULL;
	w->have_next = false;
	return &w->next;
}

/*
 * The selection (cs_select()): th's spans as shown, cut to the selected
 * time on the time clock (at the trace's first time where the slices are,
 * time_untimed()); one left empty has start > end.
 */
static void spans_shown(const struct call_stacks *cs, struct cs_thread *th)
{
	const struct event_filter *f = &cs->select;
	bool cut = f->timed && cs->clock == CS_CLOCK_TIME;

	span_out(th);
	for (size_t i = 0; i < th->nr_spans; i++) {
		struct cs_span *sp = &th->spans[i];

		if (cs->untimed_starts && !sp->start)
			sp->start = cs->first_time;
		if (sp->end < sp->start)
			sp->end = sp->start;
		if (cut && sp->start < f->time_start)
			sp->start = f->time_start;
		if (cut && sp->end > f->time_end)
			sp->end = f->time_end;
	}
}

/* The flags of the piece [start, end] of slice s: cut ends as a trace's. */
static uint32_t piece_flags(const struct cs_slice *s, uint64_t start, uint64_t end)
{
	uint32_t ends = CS_SLICE_BEGAN_BEFORE | CS_SLICE_OPEN_AT_END | CS_SLICE_CUT;
	uint32_t f = s->flags & ~ends;

	f |= start > s->start ? CS_SLICE_BEGAN_BEFORE : s->flags & CS_SLICE_BEGAN_BEFORE;
	f |= end < s->end ? CS_SLICE_OPEN_AT_END :
			    s->flags & (CS_SLICE_OPEN_AT_END | CS_SLICE_CUT);
	return f;
}

/* The pre-order of pieces: before(), then the piece that ends first. */
static int cmp_piece(const void *a, const void *b)
{
	const struct cs_slice *x = a, *y = b;
	int c = cmp_slice(a, b);

	return c ? c : (x->end > y->end) - (x->end < y->end);
}

/* The first span of th whose slices are entered after slice seq, or nr_spans. */
static size_t span_after(const struct cs_thread *th, int32_t seq)
{
	size_t lo = 0, hi = th->nr_spans;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (th->spans[mid].seq_in <= seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The first span of th not over before clock t, or nr_spans. */
static size_t span_at(const struct cs_thread *th, uint64_t t)
{
	size_t lo = 0, hi = th->nr_spans;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (th->spans[mid].end < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Adds to v the piece of s in span sp, when they meet in time. */
static int add_piece(struct cs_slice **v, size_t *n, size_t *cap, const struct cs_slice *s,
		     const struct cs_span *sp)
{
	uint64_t a = s->start > sp->start ? s->start : sp->start;
	uint64_t b = s->end < sp->end ? s->end : sp->end;
	struct cs_slice *p;

	if (a > b)
		return 0;
	if (HUGE_ARRAY_GROW(*v, *cap, *n + 1, 1024))
		return -ENOMEM;
	p = &(*v)[(*n)++];
	*p = *s;
	p->start = a;
	p->end = b;
	p->flags = piece_flags(s, a, b);
	return 1;
}

/*
 * th's slices (in pre-order) cut to its spans shown: a piece of a slice in
 * each span it was entered in or live at the start of (an outermost frame
 * found by a return, live since its stack began: each span it meets in
 * time), its own instructions with the first; put in pre-order again. The
 * outermost level is that of the pieces.
 */
static int cut_to_spans(const struct call_stacks *cs, struct cs_thread *th)
{
	struct cs_slice *v = NULL;
	const struct cs_slice *s;
	size_t n = 0, cap = 0;
	struct cs_walk w;
	int added;

	spans_shown(cs, th);
	th->min_level = INT32_MAX;
	for (cs_walk_start(&w, cs, th); (s = cs_walk_next(&w));) {
		size_t k, last, had = n;

		if (s->seq < 0) {	/* a root */
			k = span_at(th, s->start);
			last = th->nr_spans;
		} else {
			k = span_after(th, s->seq);
			last = s->live_span;
			if (k && s->seq < th->spans[k - 1].seq_out) {
				k--;	/* entered in span k */
				if (last < k + 1)
					last = k + 1;
			}
		}
		for (; k < last && th->spans[k].start <= s->end; k++) {
			added = add_piece(&v, &n, &cap, s, &th->spans[k]);
			if (added < 0) {
				HUGE_ARRAY_FREE(v, cap);
				return -ENOMEM;
			}
			if (added && n - 1 > had)
				v[n - 1].self_insns = 0;	/* counted in the first */
		}
		if (n > had && s->level < th->min_level)
			th->min_level = s->level;
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_piece);
	slice_store_free(&th->store);
	HUGE_ARRAY_FREE(th->whole, th->cap_whole);
	th->whole = v;
	th->nr_whole = n;
	th->cap_whole = cap;
	if (!n)
		th->min_level = 0;
	return 0;
}

/* The threads with slices, in their order (cs_select(): others are left out); 0 or -ENOMEM. */
static int drop_empty_threads(struct call_stacks *cs)
{
	size_t n = 0;

	for (size_t t = 0; t < cs->nr_threads; t++) {
		struct cs_thread *th = &cs->threads[t];

		if (cs_nr_slices(th)) {
			cs->threads[n++] = *th;
			continue;
		}
		thread_free(th);
	}
	cs->nr_threads = n;
	cs->last_tid = CS_NO_TID;
	/* the index again, of the threads kept: 0 or -ENOMEM */
	slot_index_free(&cs->thread_index);
	return slot_index_reserve(&cs->thread_index, n, 64, thread_hash_of, cs);
}

int cs_finish(struct call_stacks *cs)
{
	if (cs->clock == CS_CLOCK_UNSET)
		cs->clock = CS_CLOCK_INSNS;
	for (size_t t = 0; t < cs->nr_threads; t++) {
		struct cs_thread *th = &cs->threads[t];

		pop_to(th, 0, cs->clock == CS_CLOCK_INSNS ? cs->insns : th->last_time,
		       CS_SLICE_OPEN_AT_END);
		if (th->store.failed)
			return -ENOMEM;
		for (size_t i = 0; cs->untimed_starts && i < th->nr_whole; i++)
			time_untimed(cs, &th->whole[i]);
		if (th->nr_whole)	/* (qsort() of none may not be given NULL) */
			qsort(th->whole, th->nr_whole, sizeof(*th->whole), cmp_slice);
		if (cs->selecting && cut_to_spans(cs, th))
			return -ENOMEM;
	}
	return cs->selecting ? drop_empty_threads(cs) : 0;
}
