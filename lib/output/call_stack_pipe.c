// SPDX-License-Identifier: GPL-2.0
/*
 * call_stack_pipe.c - cs_event() on a builder thread fed in batches by the
 * decoding thread (see call_stack_pipe.h): a ring of PIPE_BATCHES batches
 * of compact records, one producer and one consumer. A side waits (on a
 * condition variable) only when the ring is full or empty, and is woken
 * only when it said it waits: the builder, which is the faster, when
 * PIPE_WAKE_AT batches wait for it (or at a drain), so that it runs
 * through several between sleeps.
 *
 * The rule that keeps the stacks exact. cs_event() reads of an event its
 * kind, branch flags, from, to, instructions and time, which a record
 * copies; and of its owner the pid, tid, the thread's name (once, for a
 * new thread) and, for names of functions, the process's maps and their
 * generation (name_at() through lib/output/sym_cache.c: maps, dsos,
 * symbols), which a record points to. Those belong to the session and
 * change only between AUX pieces, while the session reads the sideband
 * after a piece (MMAP, COMM, FORK, exec: maps replaced, processes added,
 * the process array moved, names rewritten); within a piece the decoder
 * only reads them (code reads, owner lookups). So the caller drains the
 * pipe (cs_pipe_drain()) at the end of each piece (trace_decode_opts'
 * piece_end): the builder has then used every pointer before the session
 * changes what it points to. What the builder reads of the call stacks
 * themselves that is added from outside the events, the seeds of stack
 * samples (cs_add_seed()), arrives between pieces too, after the drain,
 * so it is there for exactly the events it would be there for serially.
 * The clock is the events' own (their time and instructions), the
 * tracepoints' instants are rendered after the decode: neither needs
 * anything more.
 *
 * A piece's last, partly filled batch is fed on the calling thread at the
 * drain (the builder is idle then): a small piece costs no wake-up.
 */
#include <errno.h>
#include <pthread.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "lib/output/call_stack_pipe.h"

#define PIPE_BATCH	4096	/* records a batch, by default */
#define PIPE_BATCH_MAX	(1 << 20)	/* records a batch at most */
#define PIPE_BATCHES	8	/* batches in the ring */
#define PIPE_WAKE_AT	4	/* batches waiting that wake the builder */

#define REC_OWNER	0xff	/* a record that sets the owner of those after it */

/*
 * An event, or (kind REC_OWNER) the owner of the events after it: sent
 * when it changes, most events share their owner.
 */
struct pipe_rec {
	uint8_t kind;		/* enum event_kind, or REC_OWNER */
	uint8_t pad;
	uint16_t branch;
	int32_t tid;		/* REC_OWNER */
	union {
		struct {
			uint64_t from, to, insn_count, time;
		} ev;
		struct {
			const struct proc *proc;
			const char *comm;
			const struct maps *kmaps;
			int64_t pid;
		} owner;
	};
};

/* What records are fed with: the owner they set, on whichever thread feeds. */
struct pipe_feed {
	struct call_stacks *cs;
	struct trace_event te;
	struct decode_event ev;
};

/*
 * What each side writes often is on cache lines of its own (128 bytes:
 * lines are fetched in pairs): the feed (the builder's, per event), the
 * batch being filled (the decoding thread's, per event), the counters
 * (per batch).
 */
#define SIDE_ALIGN	alignas(128)

struct cs_pipe {
	SIDE_ALIGN struct pipe_feed feed;
	pthread_t thread;
	size_t batch;			/* records a batch */
	/* the decoding thread's */
	SIDE_ALIGN size_t nr_fill;	/* records in batch head % PIPE_BATCHES */
	struct trace_event sent;	/* the owner last sent */
	bool owner_sent;
	/* both */
	SIDE_ALIGN atomic_size_t head;	/* batches handed over */
	atomic_size_t tail;		/* batches fed */
	atomic_int err;			/* of cs_event on the builder */
	atomic_bool builder_waits, producer_waits, stop;
	pthread_mutex_t lock;
	pthread_cond_t builder_wake, producer_wake;
	size_t count[PIPE_BATCHES];	/* records of a batch handed over */
	SIDE_ALIGN struct pipe_rec rec[];	/* PIPE_BATCHES batches */
};

static struct pipe_rec *batch_of(struct cs_pipe *p, size_t n)
{
	return p->rec + n % PIPE_BATCHES * p->batch;
}

/* Feeds n records to cs_event(); 0 or its error. */
static int feed(struct pipe_feed *f, const struct pipe_rec *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct pipe_rec *r = &v[i];
		int err;

		if (r->kind == REC_OWNER) {
			f->te.proc = r->owner.proc;
			f->te.comm = r->owner.comm;
			f->te.kmaps = r->owner.kmaps;
			f->te.pid = (int)r->owner.pid;
			f->te.tid = r->tid;
			continue;
		}
		f->ev.kind = r->kind;
		f->ev.branch = r->branch;
		f->ev.from = r->ev.from;
		f->ev.to = r->ev.to;
		f->ev.insn_count = r->ev.insn_count;
		f->ev.time = r->ev.time;
		err = cs_event(f->cs, &f->te);
		if (err)
			return err;
	}
	return 0;
}

/* Waits, with p->lock held, until cond holds; *waits says so meanwhile. */
#define WAIT_UNTIL(p, waits, wake, cond)				\
	do {								\
		atomic_store(waits, true);				\
		while (!(cond))						\
			pthread_cond_wait(wake, &(p)->lock);		\
		atomic_store(waits, false);				\
	} while (0)

/*
 * Wakes the side waiting on cond. A side stores what the other waits for
 * before it loads that side's `waits`, and a waiting side stores `waits`
 * before it loads what it waits for (all sequentially consistent): one of
 * the two sees the other's store, so no wake-up is lost.
 */
static void wake(struct cs_pipe *p, pthread_cond_t *cond)
{
	pthread_mutex_lock(&p->lock);
	pthread_cond_signal(cond);
	pthread_mutex_unlock(&p->lock);
}

static void *builder(void *arg)
{
	struct cs_pipe *p = arg;
	size_t t = 0;

	for (;;) {
		if (atomic_load(&p->head) == t) {
			pthread_mutex_lock(&p->lock);
			WAIT_UNTIL(p, &p->builder_waits, &p->builder_wake,
				   atomic_load(&p->head) != t || atomic_load(&p->stop));
			pthread_mutex_unlock(&p->lock);
			if (atomic_load(&p->head) == t)
				return NULL;	/* stopped */
		}
		if (!atomic_load_explicit(&p->err, memory_order_relaxed)) {
			int err = feed(&p->feed, batch_of(p, t), p->count[t % PIPE_BATCHES]);

			if (err)
				atomic_store(&p->err, err);
		}
		atomic_store(&p->tail, ++t);
		if (atomic_load(&p->producer_waits))
			wake(p, &p->producer_wake);
	}
}

int cs_pipe_start(struct cs_pipe **out, struct call_stacks *cs, size_t batch)
{
	struct cs_pipe *p;
	size_t size;

	if (!batch || batch > PIPE_BATCH_MAX)
		batch = PIPE_BATCH;
	size = sizeof(*p) + PIPE_BATCHES * batch * sizeof(p->rec[0]);
	p = aligned_alloc(alignof(struct cs_pipe), (size + 127) & ~(size_t)127);
	if (!p)
		return -ENOMEM;
	memset(p, 0, sizeof(*p));
	p->batch = batch;
	p->feed.cs = cs;
	p->feed.te.ev = &p->feed.ev;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->builder_wake, NULL);
	pthread_cond_init(&p->producer_wake, NULL);
	if (pthread_create(&p->thread, NULL, builder, p)) {
		pthread_cond_destroy(&p->builder_wake);
		pthread_cond_destroy(&p->producer_wake);
		pthread_mutex_destroy(&p->lock);
		free(p);
		return -EAGAIN;
	}
	*out = p;
	return 0;
}

/*
 * Hands the batch being filled over and waits, when the ring is full,
 * for the builder to free the next one. 0 or the builder's error.
 */
static int hand_over(struct cs_pipe *p)
{
	size_t h = atomic_load_explicit(&p->head, memory_order_relaxed);

	p->count[h % PIPE_BATCHES] = p->nr_fill;
	p->nr_fill = 0;
	atomic_store(&p->head, ++h);
	if (atomic_load(&p->builder_waits) && h - atomic_load(&p->tail) >= PIPE_WAKE_AT)
		wake(p, &p->builder_wake);
	if (h - atomic_load(&p->tail) >= PIPE_BATCHES) {
		pthread_mutex_lock(&p->lock);
		WAIT_UNTIL(p, &p->producer_waits, &p->producer_wake,
			   h - atomic_load(&p->tail) < PIPE_BATCHES);
		pthread_mutex_unlock(&p->lock);
	}
	return atomic_load_explicit(&p->err, memory_order_relaxed);
}

/* The next record of the batch being filled. */
static struct pipe_rec *next_rec(struct cs_pipe *p)
{
	size_t h = atomic_load_explicit(&p->head, memory_order_relaxed);

	return &batch_of(p, h)[p->nr_fill++];
}

static bool same_owner(const struct trace_event *a, const struct trace_event *b)
{
	return a->proc == b->proc && a->tid == b->tid && a->pid == b->pid &&
	       a->comm == b->comm && a->kmaps == b->kmaps;
}

int cs_pipe_event(struct cs_pipe *p, const struct trace_event *te)
{
	const struct decode_event *ev = te->ev;
	uint64_t from, to, insns, time;
	struct pipe_rec *r;

	if (!p->owner_sent || !same_owner(te, &p->sent)) {
		r = next_rec(p);
		r->kind = REC_OWNER;
		r->tid = te->tid;
		r->owner.proc = te->proc;
		r->owner.comm = te->comm;
		r->owner.kmaps = te->kmaps;
		r->owner.pid = te->pid;
		p->sent = *te;
		p->owner_sent = true;
		if (p->nr_fill == p->batch) {
			int err = hand_over(p);

			if (err)
				return err;
		}
	}
	/*
	 * The decoder has just stored the event field by field: loaded by
	 * 16-byte moves (which the compiler would merge these copies into),
	 * no store forwards to them, a stall of an event's time each. Field
	 * by field, through registers.
	 */
	from = ev->from;
	to = ev->to;
	insns = ev->insn_count;
	time = ev->time;
	__asm__("" : "+r"(from), "+r"(to), "+r"(insns), "+r"(time));
	r = next_rec(p);
	r->kind = ev->kind;
	r->branch = ev->branch;
	r->ev.from = from;
	r->ev.to = to;
	r->ev.insn_count = insns;
	r->ev.time = time;
	return p->nr_fill == p->batch ? hand_over(p) : 0;
}

int cs_pipe_drain(struct cs_pipe *p)
{
	size_t h = atomic_load_explicit(&p->head, memory_order_relaxed);
	int err;

	if (atomic_load(&p->tail) != h) {
		if (atomic_load(&p->builder_waits))
			wake(p, &p->builder_wake);
		pthread_mutex_lock(&p->lock);
		WAIT_UNTIL(p, &p->producer_waits, &p->producer_wake, atomic_load(&p->tail) == h);
		pthread_mutex_unlock(&p->lock);
	}
	err = atomic_load(&p->err);
	if (!err && p->nr_fill)
		err = feed(&p->feed, batch_of(p, h), p->nr_fill);
	p->nr_fill = 0;
	if (err)
		atomic_store(&p->err, err);
	return err;
}

uint64_t cs_pipe_batches(const struct cs_pipe *p)
{
	return atomic_load(&p->head);	/* each hand_over() one */
}

int cs_pipe_end(struct cs_pipe *p)
{
	int err;

	if (!p)
		return 0;
	err = cs_pipe_drain(p);
	pthread_mutex_lock(&p->lock);
	atomic_store(&p->stop, true);
	pthread_cond_signal(&p->builder_wake);
	pthread_mutex_unlock(&p->lock);
	pthread_join(p->thread, NULL);
	pthread_cond_destroy(&p->builder_wake);
	pthread_cond_destroy(&p->producer_wake);
	pthread_mutex_destroy(&p->lock);
	free(p);
	return err;
}
