// SPDX-License-Identifier: GPL-2.0
/*
 * call_stack_pipe.c - cs_event() on a builder thread fed in batches by the
 * decoding thread (see call_stack_pipe.h): a ring of PIPE_BATCHES batches
 * of records (lib/output/call_stack_rec.h), one producer and one consumer.
 * A side waits (on a condition variable) only when the ring is full or
 * empty, and is woken only when it said it waits: the builder, which is
 * the faster, when PIPE_WAKE_AT batches wait for it (or at a drain), so
 * that it runs through several between sleeps.
 *
 * The rule that keeps the stacks exact. cs_event() reads of an event its
 * kind, branch flags, from, to, instructions and time, which a record
 * copies; and of its owner the pid, tid, the thread's name (once, for a
 * new thread) and, for names of functions, the process's maps and their
 * generation (name_at() through lib/output/sym_cache.c: maps, dsos,
 * symbols), which a record points to. Those belong to the session and
 * change only between AUX pieces, while the session reads the sideband
 * after a piece (MMAP, COMM, FORK, exec: maps replaced, processes added,
 * the process array moved, names rewritten); within a piece the decoders
 * only read them (code reads, owner lookups). So every record of a piece
 * is fed before the piece ends, wherever it was made:
 * - here, the caller drains the pipe (cs_pipe_drain()) at the end of each
 *   piece (trace_decode_opts' piece_end): the builder has then used every
 *   pointer before the session changes what it points to;
 * - a piece decoded on several threads (--jobs, lib/session/parallel.c)
 *   does not go through the pipe: each decode thread makes the records of
 *   its unit's events, and the units' records are fed to cs_event() in
 *   order by whichever decode thread hands a unit over (cmd/export.c),
 *   one at a time (parallel.c's pump(): the pool's emitting flag, taken
 *   and given back under its lock, though a unit is fed with the lock
 *   released; so each sees what the one before did to the call stacks),
 *   all before the parallel decode of the piece returns, and so before its
 *   end. The pipe is idle meanwhile: drained at the end of the piece
 *   before. So for the buffers merged by time at the end of the file
 *   (lib/session/piece_merge.c): their records are fed in time order,
 *   one stream thread at a time, before that decode returns.
 * What the builder reads of the call stacks themselves that is added from
 * outside the events, the seeds of stack samples (cs_add_seed()), arrives
 * between pieces too, after the drain, so it is there for exactly the
 * events it would be there for serially. The clock is the events' own
 * (their time and instructions), the tracepoints' instants are rendered
 * after the decode: neither needs anything more.
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
#include "lib/output/call_stack_rec.h"
#include "lib/util/huge_array.h"
#include "lib/util/spin_wait.h"

#define PIPE_BATCH	4096	/* records a batch, by default */
#define PIPE_BATCH_MAX	(1 << 20)	/* records a batch at most */
#define PIPE_BATCHES	8	/* batches in the ring */
#define PIPE_WAKE_AT	4	/* batches waiting that wake the builder */

/*
 * What each side writes often is on cache lines of its own (128 bytes:
 * lines are fetched in pairs): the batch being filled (the decoding
 * thread's, per event), the counters (per batch).
 */
#define SIDE_ALIGN	alignas(128)

struct cs_pipe {
	struct call_stacks *cs;
	pthread_t thread;
	size_t batch;			/* records a batch */
	/* the decoding thread's */
	SIDE_ALIGN size_t nr_fill;	/* records in batch head % PIPE_BATCHES */
	/* both */
	SIDE_ALIGN atomic_size_t head;	/* batches handed over */
	atomic_size_t tail;		/* batches fed */
	atomic_int err;			/* of cs_event on the builder */
	atomic_bool builder_waits, producer_waits, stop;
	pthread_mutex_t lock;
	struct spin_cond builder_wake, producer_wake;	/* waits spin first */
	size_t count[PIPE_BATCHES];	/* records of a batch handed over */
	/*
	 * PIPE_BATCHES batches: 2 MiB by default, one huge page (a 4 KiB page
	 * fault each 64 records was a twentieth of the decoding thread's time
	 * on a guest whose faults cost 11 us)
	 */
	struct cs_rec *rec;
	size_t cap_rec;
};

static struct cs_rec *batch_of(struct cs_pipe *p, size_t n)
{
	return p->rec + n % PIPE_BATCHES * p->batch;
}

/* Waits, with p->lock held, until cond holds; *waits says so meanwhile. */
#define WAIT_UNTIL(p, waits, wake, cond)				\
	do {								\
		atomic_store(waits, true);				\
		while (!(cond))						\
			spin_wait(wake, &(p)->lock);			\
		atomic_store(waits, false);				\
	} while (0)

/*
 * Wakes the side waiting on cond. A side stores what the other waits for
 * before it loads that side's `waits`, and a waiting side stores `waits`
 * before it loads what it waits for (all sequentially consistent): one of
 * the two sees the other's store, so no wake-up is lost.
 */
static void wake(struct cs_pipe *p, struct spin_cond *cond)
{
	pthread_mutex_lock(&p->lock);
	spin_wake_all(cond);
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
			int err = cs_rec_feed(p->cs, batch_of(p, t), p->count[t % PIPE_BATCHES]);

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

	if (!batch || batch > PIPE_BATCH_MAX)
		batch = PIPE_BATCH;
	p = aligned_alloc(alignof(struct cs_pipe), (sizeof(*p) + 127) & ~(size_t)127);
	if (!p)
		return -ENOMEM;
	memset(p, 0, sizeof(*p));
	if (HUGE_ARRAY_GROW(p->rec, p->cap_rec, PIPE_BATCHES * batch, PIPE_BATCHES * batch)) {
		free(p);
		return -ENOMEM;
	}
	p->batch = batch;
	p->cs = cs;
	spin_mutex_init(&p->lock);
	spin_cond_init(&p->builder_wake);
	spin_cond_init(&p->producer_wake);
	if (pthread_create(&p->thread, NULL, builder, p)) {
		spin_cond_destroy(&p->builder_wake);
		spin_cond_destroy(&p->producer_wake);
		pthread_mutex_destroy(&p->lock);
		HUGE_ARRAY_FREE(p->rec, p->cap_rec);
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
	cs_rec_stream_fence();
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

int cs_pipe_event(struct cs_pipe *p, const struct trace_event *te)
{
	size_t h = atomic_load_explicit(&p->head, memory_order_relaxed);

	cs_rec_stream(&batch_of(p, h)[p->nr_fill++], te);
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
		err = cs_rec_feed(p->cs, batch_of(p, h), p->nr_fill);
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
	spin_wake_all(&p->builder_wake);
	pthread_mutex_unlock(&p->lock);
	pthread_join(p->thread, NULL);
	spin_cond_destroy(&p->builder_wake);
	spin_cond_destroy(&p->producer_wake);
	pthread_mutex_destroy(&p->lock);
	HUGE_ARRAY_FREE(p->rec, p->cap_rec);
	free(p);
	return err;
}
