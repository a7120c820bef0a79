// SPDX-License-Identifier: GPL-2.0
/*
 * parallel.c - a chunk decoded on several threads (see parallel.h).
 *
 * The chunk is cut at the decoder's split points into units of about
 * chunk / (jobs * UNITS_PER_JOB) bytes. Worker threads take units in
 * order, each with a free decoder state of the pool, and decode them
 * alone (decode_range), buffering the events. The calling thread follows
 * behind: the exact state (the first unit's, or the one that took over)
 * decodes on into the next unit until the decoder joins them
 * (decode_join), the events of the exact state are handed over, and the
 * next unit's, less those before the join, follow. A unit the exact state
 * crossed without joining is dropped. A state is back in the pool once its
 * unit is handed over or dropped, so at most a pool of units is buffered.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/output/line_buf.h"
#include "lib/util/array_grow.h"
#include "parallel.h"

#define UNITS_PER_JOB	8	/* small units even out the threads' work */
#define MAX_UNIT	(256u << 10)	/* bytes: a unit's output is buffered */

struct par_slot {
	struct par_unit *unit;	/* what the state decodes; NULL: free */
	void *hook;		/* par_hooks.open's */
	void *state;
	struct line_buf buf;	/* buffers kept for the next unit */
	size_t *ends;
	size_t cap;
};

struct par_unit {
	struct par *p;
	size_t start, end;	/* range of the chunk */
	struct line_buf buf;	/* what was kept of its events */
	size_t *ends;		/* where each ends in buf */
	size_t nr, cap;
	size_t first;		/* events before it are handed over or dropped */
	struct par_slot *slot;
	int ret;		/* decode_range's */
	bool done;
};

struct par {
	const struct decoder_ops *dec;
	const struct aux_chunk *chunk;
	struct par_unit *units;
	size_t nr_units;
	struct par_slot *slots;
	size_t nr_slots;
	size_t next_unit;	/* the next unit a worker takes */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	atomic_int stop;
	long unit;		/* AUXREC_PAR_UNIT, -1 */
	size_t joins;
};

struct line_buf *par_unit_buf(struct par_unit *u)
{
	return atomic_load_explicit(&u->p->stop, memory_order_relaxed) ? NULL : &u->buf;
}

int par_unit_event_end(struct par_unit *u)
{
	if (u->buf.err || ARRAY_GROW(u->ends, u->cap, u->nr + 1, 4096))
		return 1;
	u->ends[u->nr++] = u->buf.len;
	return 0;
}

static long test_unit(void);

bool par_worth(const struct decoder_ops *dec, const struct aux_chunk *chunk, unsigned int jobs)
{
	/*
	 * Not a snapshot (overwrite) area's chunk: its decode depends on the
	 * previous snapshot of the area (the overlap trimmed), which a range
	 * decoded alone does not have.
	 */
	if (chunk->flags & PERF_AUX_FLAG_OVERWRITE)
		return false;
	return jobs > 1 && dec->split_next && dec->decode_range && dec->decode_join &&
	       (chunk->size >= 2 * PAR_MIN_UNIT || test_unit() > 0);
}

/*
 * AUXREC_PAR_UNIT=BYTES, for tests: units of about BYTES, small streams
 * cut too (0: the usual sizes), and a line per chunk on stderr saying how
 * it went. -1 when unset.
 */
static long test_unit(void)
{
	const char *e = getenv("AUXREC_PAR_UNIT");
	long n = e && *e ? atol(e) : -1;

	return n < 0 ? -1 : n;
}

/* Cuts the chunk at split points; false without two units (or memory). */
static bool cut_units(struct par *p, unsigned int jobs)
{
	size_t size = p->chunk->size, want = size / (jobs * UNITS_PER_JOB), cap = 0;
	size_t start = 0, min = p->unit > 0 ? (size_t)p->unit : PAR_MIN_UNIT;

	if (want > MAX_UNIT)
		want = MAX_UNIT;
	if (want < min || p->unit > 0)
		want = min;
	for (;;) {
		long next = start + want < size ? p->dec->split_next(p->chunk, start + want) : -1;
		size_t end = next < 0 || size - (size_t)next < min / 2 ? size : (size_t)next;

		if (ARRAY_GROW(p->units, cap, p->nr_units + 1, 16))
			return false;
		p->units[p->nr_units++] = (struct par_unit){ .p = p, .start = start, .end = end };
		if (end == size)
			break;
		start = end;
	}
	return p->nr_units > 1;
}

static struct par_slot *free_slot(struct par *p)
{
	for (size_t i = 0; i < p->nr_slots; i++)
		if (!p->slots[i].unit)
			return &p->slots[i];
	return NULL;
}

static void *worker(void *arg)
{
	struct par *p = arg;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		struct par_slot *slot = NULL;
		struct par_unit *u;

		while (!atomic_load(&p->stop) && p->next_unit < p->nr_units &&
		       !(slot = free_slot(p)))
			pthread_cond_wait(&p->cond, &p->lock);
		if (atomic_load(&p->stop) || p->next_unit >= p->nr_units)
			break;
		u = &p->units[p->next_unit++];
		slot->unit = u;
		u->slot = slot;
		u->buf = slot->buf;
		u->ends = slot->ends;
		u->cap = slot->cap;
		slot->buf = (struct line_buf){ 0 };
		slot->ends = NULL;
		pthread_mutex_unlock(&p->lock);
		u->ret = p->dec->decode_range(slot->state, p->chunk, u->start, u->end);
		pthread_mutex_lock(&p->lock);
		u->done = true;
		pthread_cond_broadcast(&p->cond);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

static int wait_done(struct par *p, struct par_unit *u)
{
	pthread_mutex_lock(&p->lock);
	while (!u->done)
		pthread_cond_wait(&p->cond, &p->lock);
	pthread_mutex_unlock(&p->lock);
	return u->ret < 0 ? u->ret : u->ret ? -ECANCELED : 0;
}

/*
 * The unit is handed over or dropped: its state goes back to the pool,
 * and its buffers with it (touched memory: no page faults next time).
 */
static void unit_finish(struct par *p, struct par_unit *u)
{
	struct par_slot *slot = u->slot;

	pthread_mutex_lock(&p->lock);
	slot->buf = u->buf;
	lb_reset(&slot->buf);
	slot->ends = u->ends;
	slot->cap = u->cap;
	u->buf = (struct line_buf){ 0 };
	u->ends = NULL;
	slot->unit = NULL;
	u->slot = NULL;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

/* Hands over the unit's events buffered so far. */
static int unit_emit(struct par_unit *u, const struct par_hooks *h, void *ctx)
{
	size_t from = u->first ? u->ends[u->first - 1] : 0;
	int r = 0;

	if (u->nr > u->first)
		r = h->emit(ctx, u->buf.p + from, u->ends[u->nr - 1] - from);
	lb_reset(&u->buf);
	u->nr = u->first = 0;
	return r;
}

/* Follows the units in order with the exact state (see the top). */
static int follow(struct par *p, const struct par_hooks *h, void *ctx)
{
	struct par_unit *cur = &p->units[0];
	int r = wait_done(p, cur);

	for (size_t j = 1; !r && j < p->nr_units; j++) {
		struct par_unit *next = &p->units[j];
		uint64_t drop = 0;

		r = unit_emit(cur, h, ctx);
		if (!r)
			r = wait_done(p, next);
		if (r)
			break;
		r = p->dec->decode_join(cur->slot->state, next->slot->state, next->end, &drop);
		if (r < 0)
			break;
		if (r == 1) {
			p->joins++;
			r = unit_emit(cur, h, ctx);
			unit_finish(p, cur);
			cur = next;
			cur->first = drop < cur->nr ? drop : cur->nr;
		} else {
			unit_finish(p, next);
		}
	}
	if (!r)
		r = unit_emit(cur, h, ctx);
	return r;
}

static int run_threads(struct par *p, unsigned int jobs, const struct par_hooks *h, void *ctx)
{
	pthread_t *tids = calloc(jobs, sizeof(*tids));
	unsigned int started = 0;
	int r;

	if (!tids)
		return -ENOMEM;
	while (started < jobs && !pthread_create(&tids[started], NULL, worker, p))
		started++;
	r = started ? follow(p, h, ctx) : -EAGAIN;
	pthread_mutex_lock(&p->lock);
	atomic_store(&p->stop, 1);
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	for (unsigned int i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	free(tids);
	return r;
}

int par_decode(const struct decoder_ops *dec, const struct aux_chunk *chunk, unsigned int jobs,
	       const struct par_hooks *h, void *ctx)
{
	struct par p = { .dec = dec, .chunk = chunk, .unit = test_unit() };
	int r = -ENOMEM;

	pthread_mutex_init(&p.lock, NULL);
	pthread_cond_init(&p.cond, NULL);
	/* a state per worker, the exact one and the one it joins next */
	p.nr_slots = jobs + 2;
	p.slots = calloc(p.nr_slots, sizeof(*p.slots));
	if (!p.slots)
		goto out;
	if (!cut_units(&p, jobs)) {
		r = p.nr_units == 1 ? -ERANGE : -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < p.nr_slots; i++) {
		p.slots[i].hook = h->open(ctx, &p.slots[i].unit, &p.slots[i].state);
		if (!p.slots[i].hook)
			goto out;
	}
	r = run_threads(&p, jobs, h, ctx);
	if (p.unit >= 0)
		fprintf(stderr, "auxrec: parallel decode of %zu bytes: %zu units, %zu joined\n",
			chunk->size, p.nr_units, p.joins);
out:
	for (size_t i = 0; p.slots && i < p.nr_slots; i++) {
		if (p.slots[i].hook)
			h->close(ctx, p.slots[i].hook, p.slots[i].state);
		lb_free(&p.slots[i].buf);
		free(p.slots[i].ends);
	}
	for (size_t i = 0; i < p.nr_units; i++) {
		lb_free(&p.units[i].buf);
		free(p.units[i].ends);
	}
	free(p.units);
	free(p.slots);
	pthread_cond_destroy(&p.cond);
	pthread_mutex_destroy(&p.lock);
	return r;
}
