// SPDX-License-Identifier: GPL-2.0
/*
 * parallel.c - a chunk decoded on several threads (see parallel.h).
 *
 * The chunk is cut at the decoder's split points into units of about
 * chunk / (jobs * UNITS_PER_JOB) bytes, 8 to 16 KiB (par_hooks.unit_size
 * and half that, when the caller asks for other units), each as a worker
 * takes it (cut_next()). Worker threads take units in order, each with a
 * free decoder state of the pool, and decode them alone (decode_range),
 * buffering the events. The exact state (the first
 * unit's, or the one that took over) decodes on into the next unit until
 * the decoder joins them (decode_join): the next unit's state takes over,
 * less its events before the join, and the exact state's unit is complete
 * (sealed). A unit the exact state crossed without joining is dropped,
 * and the exact state's unit, when it is the next to hand over, hands
 * over what it kept so far (emit_early()).
 * That walk into unit K is made by whichever worker comes last of the two
 * it needs: the one that finished decoding K, or the one whose walk
 * brought the exact state to K's start; so the joins are spread over the
 * workers. The calling thread is one of the workers, and the sealed
 * units' events are handed over in order by whichever worker finds the
 * next one sealed (pump()): no thread waits on the others to hand over,
 * and none is woken per unit. A state is back in the pool once its unit
 * is handed over or dropped, so at most a pool of units is buffered.
 * A worker that waits spins a while before it sleeps (spin_wait.h), and
 * takes the states it decoded into before first.
 *
 * Decode units (par_units(), par_decode_unit()) are the same units cut at
 * a fixed size, whatever the threads: decoding one alone runs the same
 * machinery over the units up to it (and the next one) and hands over
 * that unit's events only.
 */
#include <errno.h>
#include <pthread.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/output/line_buf.h"
#include "lib/util/array_grow.h"
#include "lib/util/cache_line.h"
#include "lib/util/spin_wait.h"
#include "parallel.h"

#define UNITS_PER_JOB	8	/* small units even out the threads' work */
/* bytes: a unit's output is buffered (256 KiB units made 47 MB of JSON each) */
#define MAX_UNIT	(64u << 10)

/*
 * A decoder state and what its unit's events are kept in until handed
 * over. Units and slots are written once per event by the thread decoding
 * them: each on cache lines of its own (neighbours in an array shared
 * lines, and the two threads' stores bounced them between the cores).
 */
struct par_slot {
	alignas(CACHE_LINE) struct par_unit *unit;	/* what the state decodes; NULL: free */
	void *hook;		/* par_hooks.open's */
	void *state;
	struct line_buf *buf;	/* par_hooks.open's: what was kept of the events */
	struct par_ends ends;	/* where each ends in buf */
	size_t first;		/* events before it are handed over or dropped */
	const void *worker;	/* the last to decode into it (work()'s) */
	bool stale;		/* free, and its state wants renewing (see unit_finish) */
};

struct par_unit {
	alignas(CACHE_LINE) struct par *p;
	size_t start, end;	/* range of the chunk */
	struct par_slot *slot;	/* while it is decoded and until handed over */
	int ret;		/* decode_range's */
	/* the state that walks into it when ready (NULL: the first unit, exact) */
	struct par_unit *entry;
	uint64_t drop;		/* joined: its events dropped at the join into it */
	bool used_before;	/* sealed: its state used what the join handed over */
	bool done;		/* decoded alone */
	bool ready;		/* the exact state is at its start, or it is the first */
	bool sealed;		/* exact, and all its events are kept: to hand over */
	bool dropped;		/* crossed without joining: nothing to hand over */
};

struct par {
	const struct decoder_ops *dec;
	const struct aux_chunk *chunk;
	struct par_unit *units;	/* cap_units of them, zeroed (units_alloc()) */
	size_t nr_units;	/* cut so far */
	size_t cap_units;
	bool cut_all;		/* the last unit is cut: nr_units of them */
	bool cutting;		/* a worker cuts the next (cut_next()) */
	size_t want;		/* bytes: the units cut as workers take them (cut_next()) */
	struct par_slot *slots;
	size_t nr_slots;
	size_t next_unit;	/* the next unit a worker takes */
	size_t horizon;		/* the last unit needed so far */
	pthread_mutex_t lock;
	struct spin_cond cond;
	atomic_int stop;
	int err;		/* a decode or join failed: -errno */
	long unit;		/* AUXREC_PAR_UNIT, -1 */
	size_t only;		/* the one unit handed over, or ALL_UNITS, NO_UNIT */
	size_t first;		/* the unit the exact state starts at */
	bool take_over;		/* first > 0: it takes the flow over, dropping take_drop */
	uint64_t take_drop;
	struct par_unit_join *listed;	/* par_list_units()'s, or NULL */
	size_t joins;
	size_t decoded;		/* units decode_range() ran on */
	const struct par_hooks *h;
	void *ctx;		/* h's */
	/* the hand-over (pump()), p->lock held */
	size_t emit_next;	/* the next unit to hand over */
	bool emitting;		/* a worker hands units over (p->lock let go) */
	bool pump_again;	/* something changed meanwhile: look again */
	bool handed;		/* the hand-over ended, with result */
	int result;		/* 0, h->emit's non-zero, or a negative errno */
	unsigned int running;	/* worker threads not yet out of their loop */
};

#define ALL_UNITS	SIZE_MAX
#define NO_UNIT		(SIZE_MAX - 1)	/* every unit decoded, none handed over */

/* The one unit handed over (par_decode_unit()), or NULL. */
static struct par_unit *only_unit(const struct par *p)
{
	return p->only < p->nr_units ? &p->units[p->only] : NULL;
}

bool par_unit_kept(const struct par_unit *u)
{
	return u->p->only == ALL_UNITS || u == only_unit(u->p);
}

struct par_ends *par_unit_ends(struct par_unit *u)
{
	return &u->slot->ends;
}

int par_ends_grow(struct par_ends *e)
{
	if (e->buf->err)
		return 1;	/* stop_error() says why */
	if (ARRAY_GROW(e->v, e->cap, e->nr + 1, 4096)) {
		e->err = -ENOMEM;
		return 1;
	}
	return 0;
}

/*
 * What stopped a decode that kept its events in slot s (ret: decode_range's
 * positive stop, or decode_join's -ECANCELED for one): the slot's memory
 * running out, rather than a bare "canceled"; else ret, or -ECANCELED for
 * a positive one.
 */
static int stop_error(const struct par_slot *s, int ret)
{
	if (ret > 0 || ret == -ECANCELED) {
		if (s->ends.err)
			return s->ends.err;
		if (s->buf->err)
			return s->buf->err;
	}
	return ret < 0 ? ret : -ECANCELED;
}

static long test_unit(void);

/* Whether dec can decode chunk in ranges, and it is big enough to cut. */
static bool cuttable(const struct decoder_ops *dec, const struct aux_chunk *chunk)
{
	/*
	 * Not a snapshot (overwrite) area's chunk: its decode depends on the
	 * previous snapshot of the area (the overlap trimmed), which a range
	 * decoded alone does not have.
	 */
	if (chunk->flags & PERF_AUX_FLAG_OVERWRITE)
		return false;
	return dec->split_next && dec->decode_range && dec->decode_join &&
	       (chunk->size >= 2 * PAR_MIN_UNIT || test_unit() > 0);
}

bool par_worth(const struct decoder_ops *dec, const struct aux_chunk *chunk, unsigned int jobs)
{
	return jobs > 1 && cuttable(dec, chunk);
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

/* n elements of size bytes (a multiple of CACHE_LINE), zeroed, on their own lines */
static void *calloc_lines(size_t n, size_t size)
{
	void *v;

	if (n > SIZE_MAX / size)
		return NULL;
	v = aligned_alloc(CACHE_LINE, n * size);
	if (v)
		memset(v, 0, n * size);
	return v;
}

static size_t min_unit(void)
{
	long n = test_unit();

	return n > 0 ? (size_t)n : PAR_MIN_UNIT;
}

/*
 * The end of the unit that starts at start: the first split point past
 * `want` bytes, none leaving less than half the smallest unit. Every unit
 * but the last is at least want bytes.
 */
static size_t unit_end(const struct decoder_ops *dec, const struct aux_chunk *chunk,
		       size_t start, size_t want)
{
	size_t size = chunk->size;
	long next = start + want < size ? dec->split_next(chunk, start + want) : -1;

	return next < 0 || size - (size_t)next < min_unit() / 2 ? size : (size_t)next;
}

/*
 * Cuts the chunk at the first split points past every `want` bytes (see
 * unit_end()); the end of each unit in *ends. Returns how many, 0
 * without memory.
 */
static size_t cut(const struct decoder_ops *dec, const struct aux_chunk *chunk, size_t want,
		  size_t **ends)
{
	size_t size = chunk->size, start = 0, cap = 0, nr = 0;

	*ends = NULL;
	for (;;) {
		size_t end = unit_end(dec, chunk, start, want);

		if (ARRAY_GROW(*ends, cap, nr + 1, 16)) {
			free(*ends);
			*ends = NULL;
			return 0;
		}
		(*ends)[nr++] = end;
		if (end == size)
			return nr;
		start = end;
	}
}

size_t par_units(const struct decoder_ops *dec, const struct aux_chunk *chunk, size_t **ends)
{
	long n = test_unit();

	if (cuttable(dec, chunk))
		return cut(dec, chunk, n > 0 ? (size_t)n : MAX_UNIT, ends);
	*ends = malloc(sizeof(**ends));
	if (!*ends)
		return 0;
	**ends = chunk->size;
	return 1;
}

/*
 * Room for n units, zeroed (written: the hand-over reads a unit before it
 * is cut, and a read of a fresh page maps the zero page, whose replacement
 * at the first write flushes every CPU's TLB), on lines of their own.
 */
static bool units_alloc(struct par *p, size_t n)
{
	p->units = calloc_lines(n, sizeof(*p->units));
	p->cap_units = p->units ? n : 0;
	return p->units;
}

/* The units of the chunk that end at ends[0..nr), all cut */
static bool make_units(struct par *p, const size_t *ends, size_t nr)
{
	if (!nr || !units_alloc(p, nr))
		return false;
	for (size_t i = 0; i < nr; i++)
		p->units[i] = (struct par_unit){ .p = p, .start = i ? ends[i - 1] : 0,
						 .end = ends[i] };
	p->nr_units = nr;
	p->cut_all = true;
	return true;
}

/* Unit nr_units is cut at end */
static void cut_at(struct par *p, size_t end)
{
	struct par_unit *u = &p->units[p->nr_units];

	/* its other fields as they are: the walk (advance()) may have made it ready */
	u->p = p;
	u->start = p->nr_units ? u[-1].end : 0;
	u->end = end;
	p->nr_units++;
	p->cut_all = end == p->chunk->size;
}

/* The end of unit nr_units: unit_end(), or the rest where no room is left */
static size_t next_end(const struct par *p)
{
	size_t start = p->nr_units ? p->units[p->nr_units - 1].end : 0;

	if (p->nr_units + 1 >= p->cap_units)
		return p->chunk->size;
	return unit_end(p->dec, p->chunk, start, p->want);
}

/*
 * Cuts unit nr_units, p->lock held (let go meanwhile, p->cutting set).
 * The chunk is cut as the workers take its units, not all before the
 * first: the cut touches a page of every unit, and mapping the file's
 * pages then took the calling thread 2-3 ms alone before the others
 * started on a 37 MB trace.
 */
static void cut_next(struct par *p)
{
	size_t end;

	p->cutting = true;
	pthread_mutex_unlock(&p->lock);
	end = next_end(p);
	pthread_mutex_lock(&p->lock);
	p->cutting = false;
	cut_at(p, end);
	spin_wake_all(&p->cond);
}

/* Whether a worker has a unit to take: cut, or to cut */
static bool units_left(const struct par *p)
{
	return p->next_unit < p->nr_units || !p->cut_all;
}

/* Whether u is the chunk's last unit (then cut_all) */
static bool last_unit(const struct par_unit *u)
{
	return u->end == u->p->chunk->size;
}

/*
 * Readies the chunk's cut for jobs threads, in units of the hooks'
 * unit_size or half that, and cuts the first: false without two units
 * (or memory).
 */
static bool cut_units(struct par *p, unsigned int jobs)
{
	size_t unit = p->h->unit_size ? p->h->unit_size : PAR_THREAD_UNIT;
	size_t want = p->chunk->size / (jobs * UNITS_PER_JOB);

	if (want > unit)
		want = unit;
	if (want < unit / 2)
		want = unit / 2;
	if (p->unit > 0)
		want = (size_t)p->unit;
	p->want = want;
	/* every unit but the last is at least want bytes */
	if (!units_alloc(p, p->chunk->size / want + 1))
		return false;
	cut_at(p, next_end(p));
	return !p->cut_all;
}

/*
 * A free slot, the worker's own (the last it decoded into) first: its
 * buffer's lines are then in the worker's core's cache, not written back
 * from the other's (a unit's JSON is megabytes).
 */
static struct par_slot *free_slot(struct par *p, const void *worker)
{
	struct par_slot *any = NULL;

	for (size_t i = 0; i < p->nr_slots; i++) {
		struct par_slot *s = &p->slots[i];

		if (s->unit || s->stale)
			continue;
		if (s->worker == worker)
			return s;
		if (!any)
			any = s;
	}
	return any;
}

static void advance(struct par *p, struct par_unit *u);
static void pump(struct par *p);

/* Decodes units while there are any to take, p->lock held. */
static void work(struct par *p)
{
	const void *me = &me;	/* this worker (its frame), for its slots */

	for (;;) {
		struct par_slot *slot = NULL;
		struct par_unit *u;

		while (!atomic_load(&p->stop) && units_left(p) &&
		       (p->cutting || p->next_unit > p->horizon || !(slot = free_slot(p, me))))
			spin_wait(&p->cond, &p->lock);
		if (atomic_load(&p->stop) || !units_left(p))
			break;
		u = &p->units[p->next_unit++];
		p->decoded++;
		slot->unit = u;
		slot->worker = me;
		u->slot = slot;
		if (u == &p->units[p->nr_units])
			cut_next(p);
		pthread_mutex_unlock(&p->lock);
		u->ret = p->dec->decode_range(slot->state, p->chunk, u->start, u->end);
		pthread_mutex_lock(&p->lock);
		u->done = true;
		advance(p, u);
		pump(p);
		spin_wake_all(&p->cond);
	}
}

static void *worker(void *arg)
{
	struct par *p = arg;

	pthread_mutex_lock(&p->lock);
	work(p);
	p->running--;
	spin_wake_all(&p->cond);
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* A new decoder state for the slot (par_hooks.open): 0 or -ENOMEM. */
static int slot_open(struct par *p, struct par_slot *slot)
{
	slot->hook = p->h->open(p->ctx, &slot->unit, &slot->state, &slot->buf);
	slot->ends.buf = slot->buf;
	slot->ends.stop = &p->stop;
	return slot->hook ? 0 : -ENOMEM;
}

/* A state that decoded nothing, for the slot: 0 or -ENOMEM. */
static int slot_renew(struct par *p, struct par_slot *slot)
{
	p->h->close(p->ctx, slot->hook, slot->state);
	return slot_open(p, slot);
}

/*
 * The unit is handed over: its state goes back to the pool (slot_free()),
 * and its buffers with it (touched memory: no page faults next time).
 * For a unit decoded alone (par_decode_unit()), a state that decoded
 * nothing before, made here by the worker that hands over (one at a time,
 * as it uses the caller's context):
 * what a state keeps from one range to the next (code caches, and
 * something that changed where a range joins: a unit's share of the
 * output moved with --jobs) must not decide which unit an event is handed
 * over with. The whole chunk's decode keeps its states: there a join only
 * moves where events come from, not which. Returns 0 or -ENOMEM (the
 * state is then not back in the pool).
 */
static int unit_finish(struct par *p, struct par_unit *u)
{
	struct par_slot *slot = u->slot;

	if (p->only != ALL_UNITS && slot_renew(p, slot))
		return -ENOMEM;	/* slot->unit stays: no worker takes it */
	lb_reset(slot->buf);
	slot->ends.nr = slot->first = 0;
	return 0;
}

/* The handed-over unit's state back in the pool, p->lock held. */
static void slot_free(struct par *p, struct par_unit *u)
{
	u->slot->unit = NULL;
	u->slot = NULL;
	spin_wake_all(&p->cond);
}

/*
 * A dropped unit's state, on the thread that walked past it, p->lock
 * held: back in the pool at once (later units may need it before the
 * hand-over comes by), but when a fresh state is due (see unit_finish()),
 * stale until the hand-over (pump()) renews it.
 */
static void unit_drop(struct par *p, struct par_unit *u)
{
	struct par_slot *slot = u->slot;

	u->dropped = true;
	lb_reset(slot->buf);
	slot->ends.nr = slot->first = 0;
	slot->stale = p->only != ALL_UNITS;
	slot->unit = NULL;
	u->slot = NULL;
}

/* Renews the stale states (see unit_drop()), in pump(), p->lock held. */
static int renew_stale(struct par *p)
{
	for (size_t i = 0; i < p->nr_slots; i++) {
		struct par_slot *slot = &p->slots[i];

		if (!slot->stale)
			continue;
		if (slot_renew(p, slot))
			return -ENOMEM;	/* slot->stale stays: no worker takes it */
		slot->stale = false;
		spin_wake_all(&p->cond);
	}
	return 0;
}

static void fail(struct par *p, int err)
{
	if (!p->err)
		p->err = err;
	atomic_store(&p->stop, 1);
}

/*
 * e's state hands the flow on (or the chunk ends): all of its unit's
 * events are known, and whether its state used what it was handed.
 */
static void unit_seal(struct par *p, struct par_unit *e)
{
	e->used_before = p->dec->range_used_before ?
			 p->dec->range_used_before(e->slot->state) : e > p->units;
	e->sealed = true;
}

static void hand_over_end(struct par *p, int r);
static int unit_emit(struct par_unit *u, const struct par_hooks *h, void *ctx);

/*
 * The exact state, in unit e, crossed a unit without joining: when e is
 * the next unit to hand over, the events it kept so far are handed over
 * now. A trace whose units stop joining (damaged: a state that differs
 * from the decodes alone from then on) kept the rest of the chunk's
 * events in memory until its end (2.8 GB for `script --events all` of
 * 3.7 MB). p->lock held, let go meanwhile; the whole chunk's decode only.
 */
static void emit_early(struct par *p, struct par_unit *e)
{
	int r;

	if (p->only != ALL_UNITS || p->emitting || p->handed ||
	    p->emit_next != (size_t)(e - p->units))
		return;
	p->emitting = true;
	pthread_mutex_unlock(&p->lock);
	r = unit_emit(e, p->h, p->ctx);
	pthread_mutex_lock(&p->lock);
	p->emitting = false;
	if (r)
		hand_over_end(p, r);
	else if (p->pump_again)
		pump(p);
}

/*
 * Walks the exact state into u (decoded and ready), and on into the units
 * after it that are decoded too: on the thread that made the last of the
 * two true, p->lock held (let go during the walk). Seals the unit whose
 * state gets joined, hands the exact state on.
 */
static void advance(struct par *p, struct par_unit *u)
{
	/* a unit decoded alone: the walk ends with it */
	const struct par_unit *only = only_unit(p);

	while (u->done && u->ready && !atomic_load(&p->stop)) {
		/* u is decoded, so cut: whether another follows is known */
		struct par_unit *e = u->entry, *next = last_unit(u) ? NULL : u + 1;
		uint64_t drop = 0;
		int r = 1;

		u->ready = false;	/* this thread's now */
		if (u->ret) {
			fail(p, stop_error(u->slot, u->ret));
			break;
		}
		if (e) {
			pthread_mutex_unlock(&p->lock);
			r = p->dec->decode_join(e->slot->state, u->slot->state, u->end, &drop);
			pthread_mutex_lock(&p->lock);
		} else if (p->take_over) {
			/* the start of a bounded unit (par_decode_unit()) */
			drop = p->take_drop;
			r = p->dec->range_take_over(u->slot->state, drop);
			r = r ? r : 1;
		}
		if (r < 0) {
			fail(p, e ? stop_error(e->slot, r) : r);
			break;
		}
		if (r == 1) {
			if (e) {
				p->joins++;
				unit_seal(p, e);
			}
			u->drop = drop;
			u->slot->first = drop < u->slot->ends.nr ? drop : u->slot->ends.nr;
			e = u;
		} else {
			unit_drop(p, u);
			emit_early(p, e);
		}
		if (!next) {
			unit_seal(p, e);
			break;
		}
		if (only && (only->sealed || only->dropped))
			break;
		next->entry = e;
		next->ready = true;
		if ((size_t)(next - p->units) > p->horizon)
			p->horizon = next - p->units;	/* the walk goes on there */
		u = next;
	}
	spin_wake_all(&p->cond);
}

/* Hands over the unit's events buffered so far (those of the one unit wanted). */
static int unit_emit(struct par_unit *u, const struct par_hooks *h, void *ctx)
{
	struct par_slot *s = u->slot;
	const struct par_ends *e = &s->ends;
	size_t from = s->first ? e->v[s->first - 1] : 0;
	int r = 0;

	if (e->nr > s->first && par_unit_kept(u))
		r = h->emit(ctx, s->buf->p + from, e->v[e->nr - 1] - from);
	lb_reset(s->buf);
	s->ends.nr = s->first = 0;
	return r;
}

/* The hand-over ends with r: the workers stop. p->lock held. */
static void hand_over_end(struct par *p, int r)
{
	p->handed = true;
	p->result = r;
	atomic_store(&p->stop, 1);
	spin_wake_all(&p->cond);
}

/*
 * Hands over the next unit if it can, p->lock held: 1 when it did (or
 * skipped a dropped one), 0 when the next unit is not sealed yet, or
 * the hand-over ended (p->handed). Unit p->only alone when there is one.
 */
static int pump_one(struct par *p)
{
	/* a unit decoded alone: crossed, the units before it are not sealed */
	const struct par_unit *only = only_unit(p);
	struct par_unit *u;
	int r = renew_stale(p);

	if (r || (p->cut_all && p->emit_next >= p->nr_units) || (only && only->dropped)) {
		hand_over_end(p, r);	/* only crossed: nothing of it handed over */
		return 0;
	}
	u = &p->units[p->emit_next];
	if (u->dropped) {
		p->emit_next++;
		return 1;
	}
	if (!u->sealed) {
		if (p->err)	/* a unit up to the next join failed */
			hand_over_end(p, p->err);
		return 0;
	}
	if (p->take_over && u == only && u->used_before) {
		hand_over_end(p, -EAGAIN);	/* not exact without what was handed over */
		return 0;
	}
	pthread_mutex_unlock(&p->lock);
	r = unit_emit(u, p->h, p->ctx);
	if (!r && p->h->handed)
		p->h->handed(p->ctx, u->end);
	if (!r)
		r = unit_finish(p, u);
	pthread_mutex_lock(&p->lock);
	if (!r)
		slot_free(p, u);
	if (r || p->only == p->emit_next++)
		hand_over_end(p, r);	/* failed, or the unit wanted is handed over */
	return !r;
}

/*
 * Hands the sealed units over in order (see the top), p->lock held: by
 * one worker at a time, which looks again when another called it
 * meanwhile.
 */
static void pump(struct par *p)
{
	p->pump_again = true;
	if (p->emitting)
		return;
	p->emitting = true;
	while (p->pump_again && !p->handed) {
		p->pump_again = false;
		while (!p->handed && pump_one(p))
			;
	}
	p->emitting = false;
}

/* Decodes p on jobs threads, the calling one among them: the hand-over's result. */
static int run_threads(struct par *p, unsigned int jobs)
{
	pthread_t *tids = calloc(jobs, sizeof(*tids));
	unsigned int started = 0;
	int r;

	if (!tids)
		return -ENOMEM;
	p->units[p->first].ready = true;	/* exact: where the chunk starts, or taken over */
	p->next_unit = p->emit_next = p->first;
	/* a unit alone needs the next one, further only when the walk crosses it */
	p->horizon = only_unit(p) ? p->only + 1 : SIZE_MAX;
	pthread_mutex_lock(&p->lock);
	/* the calling thread is a worker too */
	while (started + 1 < jobs && !pthread_create(&tids[started], NULL, worker, p))
		started++;
	p->running = started;
	work(p);
	/* the others hand over what they decode */
	while (!p->handed && p->running)
		spin_wait(&p->cond, &p->lock);
	pump(p);
	/* not handed over to the end: a join up to it failed */
	r = p->handed ? p->result : p->err ? p->err : -EIO;
	atomic_store(&p->stop, 1);
	spin_wake_all(&p->cond);
	pthread_mutex_unlock(&p->lock);
	for (unsigned int i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	free(tids);
	return r;
}

/* Decodes p's units on jobs threads (see par_decode()). */
static int run(struct par *p, unsigned int jobs, const struct par_hooks *h, void *ctx);

int par_decode(const struct decoder_ops *dec, const struct aux_chunk *chunk, unsigned int jobs,
	       const struct par_hooks *h, void *ctx)
{
	struct par p = { .dec = dec, .chunk = chunk, .unit = test_unit(), .only = ALL_UNITS,
			 .h = h };

	if (!cut_units(&p, jobs)) {
		free(p.units);
		return p.units ? -ERANGE : -ENOMEM;
	}
	return run(&p, jobs, h, ctx);
}

/*
 * p (its decoder, chunk and what it hands over set) on the decode units
 * of the chunk: as par_decode_unit(), p->first the unit it starts at.
 */
static int run_units(struct par *p, unsigned int jobs, const struct par_hooks *h, void *ctx)
{
	size_t *ends, nr = par_units(p->dec, p->chunk, &ends);
	bool ok = make_units(p, ends, nr);

	free(ends);
	if (!ok)
		return -ENOMEM;
	if ((p->only != NO_UNIT && p->only >= p->nr_units) || p->first >= p->nr_units ||
	    (p->only == NO_UNIT && p->nr_units < 2)) {
		free(p->units);
		return -ERANGE;
	}
	return run(p, jobs ? jobs : 1, h, ctx);
}

int par_decode_unit(const struct decoder_ops *dec, const struct aux_chunk *chunk, size_t k,
		    const uint64_t *join_drop, unsigned int jobs, const struct par_hooks *h,
		    void *ctx)
{
	struct par p = { .dec = dec, .chunk = chunk, .unit = test_unit(), .only = k };
	int r;

	if (join_drop && k && dec->range_take_over) {
		struct par from_k = p;

		from_k.first = k;
		from_k.take_over = true;
		from_k.take_drop = *join_drop;
		r = run_units(&from_k, jobs, h, ctx);
		if (r != -EAGAIN)
			return r;
	}
	return run_units(&p, jobs, h, ctx);
}

int par_list_units(const struct decoder_ops *dec, const struct aux_chunk *chunk,
		   unsigned int jobs, const struct par_hooks *h, void *ctx,
		   struct par_unit_join *joins)
{
	struct par p = { .dec = dec, .chunk = chunk, .unit = test_unit(), .only = NO_UNIT,
			 .listed = joins };

	return run_units(&p, jobs, h, ctx);
}

static int run(struct par *p, unsigned int jobs, const struct par_hooks *h, void *ctx)
{
	int r = -ENOMEM;

	spin_mutex_init(&p->lock);
	spin_cond_init(&p->cond);
	/* a state per worker, the exact one and the one it joins next */
	p->nr_slots = jobs + 2;
	p->h = h;
	p->ctx = ctx;
	p->slots = calloc_lines(p->nr_slots, sizeof(*p->slots));
	if (!p->slots)
		goto out;
	for (size_t i = 0; i < p->nr_slots; i++)
		if (slot_open(p, &p->slots[i]))
			goto out;
	r = run_threads(p, jobs);
	for (size_t i = 0; !r && p->listed && i < p->nr_units; i++)
		p->listed[i] = (struct par_unit_join){ .joined = p->units[i].sealed,
						      .drop = p->units[i].drop,
						      .used_before = p->units[i].used_before };
	if (p->unit >= 0)
		fprintf(stderr, "auxrec: parallel decode of %zu bytes: %zu units, %zu joined, "
			"%zu decoded%s%s\n", p->chunk->size, p->nr_units, p->joins, p->decoded,
			p->take_over ? " (from the unit's join)" : "",
			p->chunk->nr_windows ? ", in windows" : "");
out:
	for (size_t i = 0; p->slots && i < p->nr_slots; i++) {
		if (p->slots[i].hook)
			h->close(ctx, p->slots[i].hook, p->slots[i].state);
		free(p->slots[i].ends.v);
	}
	free(p->units);
	free(p->slots);
	spin_cond_destroy(&p->cond);
	pthread_mutex_destroy(&p->lock);
	return r;
}
