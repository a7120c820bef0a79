// SPDX-License-Identifier: GPL-2.0
/*
 * piece_merge.c - pieces decoded on a thread each, their events written
 * in time order (see piece_merge.h).
 *
 * Each stream (piece) has a ring of PM_BATCHES batches: the bytes of some
 * events and, per event, its key (time) and where its bytes end. The
 * piece's thread renders into its renderer's buffer; a batch is handed
 * over by swapping that buffer's memory with the batch's (the renderer
 * goes on in the memory of a batch written out before), so no byte is
 * copied.
 *
 * There is no writer thread. Whichever stream hands a batch over (or
 * ends) takes the writer's turn when no other has it: it writes runs of
 * events, always of the stream whose head comes first, up to where
 * another's head does, for as long as every stream that has events left
 * has a head, gives the batches written out back, and goes back to its
 * decode. A stream waits only when its ring is full, for the others to
 * catch up. With a writer thread of its own, each hand-over woke a
 * sleeping thread: 1,263 context switches for 1 M events, at 40-50 us of
 * CPU each on the VMs measured (docs/testing.md, "Per-CPU decode without
 * a writer thread").
 *
 * With pm_output.writev, runs are not copied either: they go out where
 * they were rendered, many at once, before their batches are given back.
 */
#include <errno.h>
#include <pthread.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "lib/output/line_buf.h"
#include "lib/util/array_grow.h"
#include "lib/util/cache_line.h"
#include "lib/util/spin_wait.h"
#include "piece_merge.h"

/*
 * Per stream. A batch's memory is kept and used again, and stays under
 * 256 KiB: a line_buf that outgrows that goes to a 2 MiB mapping of its
 * own (line_buf.c), and on the VMs measured fresh memory costs more than
 * the decode. Batches handed over from 256 KiB each ended a little past
 * it: their ten huge pages took 30% of the time of a merge of 1 M events,
 * clearing pages. A batch is handed over from PM_BATCH_BYTES, which
 * leaves 16 KiB for the event that crosses it.
 */
#define PM_BATCHES	4
#define PM_BATCH_BYTES	(240u << 10)
/*
 * A stream that waits for space in its ring (it decodes ahead of another)
 * is woken once this many batches are free, not at each: woken at each,
 * it filled one and waited again, and the wake-ups took an eighth of the
 * time of the stream that gave the batches back.
 */
#define PM_WAKE_FREE	(PM_BATCHES / 2)

/*
 * What one thread writes is on cache lines of its own: a line the other
 * thread had just written costs a transfer between the cores for each
 * event (an atomic stop flag read per event next to the lock made the
 * merge 5 times the CPU time of one buffer after another's).
 */
struct pm_end {
	uint64_t key;		/* its time, or the one before it in its piece */
	size_t end;		/* of its bytes in the batch */
};

struct pm_batch {
	alignas(CACHE_LINE) struct line_buf buf;
	struct pm_end *ends;
	size_t nr, cap;
};

/*
 * The runs not written yet, with pm_output.writev: the batches they are
 * in are given back only once they are written.
 */
struct pm_pending {
	const struct pm_output *out;
	void *ctx;
	struct iovec v[PM_IOV];
	int n;
};

struct pm {
	alignas(CACHE_LINE) pm_decode_fn decode;
	void *ctx;
	struct pm_stream *v;
	size_t n;
	pthread_mutex_t lock;
	atomic_int stop;	/* the output stopped: decoders stop at their next batch */
	int err;		/* a stream's -errno (memory) (under lock) */
	int out_ret;		/* the output's non-zero (under lock) */
	bool writing;		/* a thread has the writer's turn (under lock) */
	/* the writer's */
	alignas(CACHE_LINE) struct pm_pending w;
};

struct pm_stream {
	alignas(CACHE_LINE) struct pm *m;
	size_t idx;
	pthread_t thread;
	struct spin_cond space;	/* a batch was given back (waits spin first) */
	size_t filled, taken;	/* batches handed over, given back (under m->lock) */
	bool done;		/* its decode returned (under m->lock) */
	bool waiting;		/* for space (under m->lock) */
	int ret;		/* decode's */
	/* the decoding thread's */
	alignas(CACHE_LINE) uint64_t last_key;
	struct pm_batch *fill;	/* b[filled % PM_BATCHES] */
	/* the writer's: its head is b[taken % PM_BATCHES].ends[pos] */
	alignas(CACHE_LINE) size_t pos;
	bool head;		/* the head batch is held (taken < filled) */
	bool finished;		/* done, and every event written */
	struct pm_batch b[PM_BATCHES];
};

/* Writes the pending runs: 0 or out's non-zero. */
static int flush_pending(struct pm_pending *w)
{
	int n = w->n;

	w->n = 0;
	return n ? w->out->writev(w->ctx, w->v, n) : 0;
}

/* Writes len bytes at p: with writev, once PM_IOV runs are pending. */
static int put_run(struct pm_pending *w, const char *p, size_t len)
{
	struct iovec *last = w->n ? &w->v[w->n - 1] : NULL;

	if (!w->out->writev)
		return w->out->write(w->ctx, p, len);
	if (last && (const char *)last->iov_base + last->iov_len == p) {
		last->iov_len += len;
		return 0;
	}
	w->v[w->n++] = (struct iovec){ .iov_base = (void *)p, .iov_len = len };
	return w->n == PM_IOV ? flush_pending(w) : 0;
}

static const struct pm_end *head_of(const struct pm_stream *st)
{
	return st->head ? &st->b[st->taken % PM_BATCHES].ends[st->pos] : NULL;
}

/*
 * Under m->lock, the writer's: gives back the head batches written out
 * and takes the next ones handed over. Returns whether every stream that
 * has events left has a head.
 */
static bool heads_locked(struct pm *m)
{
	bool all = true;

	for (size_t i = 0; i < m->n; i++) {
		struct pm_stream *st = &m->v[i];

		for (;;) {
			if (st->head && st->pos < st->b[st->taken % PM_BATCHES].nr)
				break;
			if (st->head) {	/* written out: back to the decoder */
				st->head = false;
				st->taken++;
				st->pos = 0;
				if (st->waiting && st->filled - st->taken <= PM_BATCHES - PM_WAKE_FREE)
					spin_wake_all(&st->space);
			}
			if (st->taken < st->filled) {
				st->head = true;
				continue;	/* may be empty: looked at again */
			}
			if (!st->done)
				all = false;
			else
				st->finished = true;
			break;
		}
	}
	return all;
}

/*
 * Whether every stream that has events left has a head with events left:
 * no lock needed (all of it is the writer's). A stream that ended is
 * passed over once written out, so the runs of the others do not each
 * take the lock.
 */
static bool heads_ready(const struct pm *m)
{
	for (size_t i = 0; i < m->n; i++) {
		const struct pm_stream *st = &m->v[i];

		if (st->finished)
			continue;
		if (!st->head || st->pos >= st->b[st->taken % PM_BATCHES].nr)
			return false;
	}
	return true;
}

/* Whether a (key, stream) comes before b's. */
static bool before(uint64_t ka, size_t ia, uint64_t kb, size_t ib)
{
	return ka < kb || (ka == kb && ia < ib);
}

/*
 * Writes the events of the earliest head up to where another head comes
 * first, or what the caller puts among them does, or its batch ends.
 * Returns 0, out's non-zero, or 1 when no stream has events left (*none
 * set).
 */
static int write_run(struct pm *m, bool *none)
{
	struct pm_pending *w = &m->w;
	const struct pm_output *out = w->out;
	uint64_t bar = UINT64_MAX;
	struct pm_stream *best = NULL;
	uint64_t k2 = UINT64_MAX;
	size_t i2 = SIZE_MAX;
	const struct pm_batch *b;
	size_t from, to;

	for (size_t i = 0; i < m->n; i++) {
		const struct pm_end *h = head_of(&m->v[i]);

		if (!h)
			continue;
		if (!best || before(h->key, i, head_of(best)->key, best->idx)) {
			if (best) {
				k2 = head_of(best)->key;
				i2 = best->idx;
			}
			best = &m->v[i];
		} else if (before(h->key, i, k2, i2)) {
			k2 = h->key;
			i2 = i;
		}
	}
	if (!best) {
		*none = true;
		return 1;
	}
	b = &best->b[best->taken % PM_BATCHES];
	if (out->next) {
		bar = out->next(w->ctx);
		if (b->ends[best->pos].key > bar) {
			int ret = flush_pending(w);

			if (!ret)
				ret = out->put(w->ctx, b->ends[best->pos].key);
			if (ret)
				return ret;
			bar = out->next(w->ctx);
		}
	}
	from = best->pos ? b->ends[best->pos - 1].end : 0;
	to = best->pos + 1;
	while (to < b->nr && before(b->ends[to].key, best->idx, k2, i2) && b->ends[to].key <= bar)
		to++;
	best->pos = to;
	return put_run(w, b->buf.p + from, b->ends[to - 1].end - from);
}

/* Under m->lock: stops the decodes, and wakes those waiting for space. */
static void stop_locked(struct pm *m)
{
	atomic_store(&m->stop, 1);
	for (size_t i = 0; i < m->n; i++)
		spin_wake_all(&m->v[i].space);
}

/*
 * Under m->lock (dropped while writing): when no thread has the writer's
 * turn, takes it and writes for as long as every stream that has events
 * left has a head, then hands it back. Whoever hands a batch over (or
 * ends) calls this, so a missing head is always someone's to write on.
 */
static void write_turn(struct pm *m)
{
	bool none = false;
	int ret = 0;

	if (m->writing || atomic_load(&m->stop))
		return;
	m->writing = true;
	/* a stop (memory, a decode's non-zero) stops the writing at its batch too */
	while (!ret && !none && !atomic_load(&m->stop) && heads_locked(m)) {
		pthread_mutex_unlock(&m->lock);
		do
			ret = write_run(m, &none);
		while (!ret && heads_ready(m));
		if (none)
			ret = 0;
		/* before their batches go back, and before another thread writes */
		if (!ret)
			ret = flush_pending(&m->w);
		pthread_mutex_lock(&m->lock);
	}
	m->writing = false;
	if (ret) {
		if (!m->out_ret)
			m->out_ret = ret;
		stop_locked(m);
	}
}

/*
 * Hands the batch being filled over with the bytes of buf, writes when
 * it can, and waits for the next batch to be free; false when the decode
 * is to stop.
 */
static bool hand_over(struct pm_stream *st, struct line_buf *buf)
{
	struct pm *m = st->m;
	struct pm_batch *b = st->fill;
	struct line_buf mem = b->buf;
	bool go;

	b->buf = *buf;
	*buf = (struct line_buf){ .p = mem.p, .cap = mem.cap };
	pthread_mutex_lock(&m->lock);
	st->filled++;
	write_turn(m);
	st->waiting = true;
	while (st->filled - st->taken == PM_BATCHES && !atomic_load(&m->stop))
		spin_wait(&st->space, &m->lock);
	st->waiting = false;
	go = !atomic_load(&m->stop);
	st->fill = &st->b[st->filled % PM_BATCHES];
	pthread_mutex_unlock(&m->lock);
	st->fill->nr = 0;
	return go;
}

static int stop_with(struct pm_stream *st, int err)
{
	struct pm *m = st->m;

	pthread_mutex_lock(&m->lock);
	if (!m->err)
		m->err = err;
	stop_locked(m);
	pthread_mutex_unlock(&m->lock);
	return 1;
}

int pm_event_end(struct pm_stream *st, struct line_buf *buf, uint64_t time)
{
	struct pm_batch *b = st->fill;
	size_t last = b->nr ? b->ends[b->nr - 1].end : 0;

	if (buf->err)
		return stop_with(st, -ENOMEM);
	if (buf->len == last)	/* nothing rendered: no event */
		return 0;
	if (time)
		st->last_key = time;
	if (ARRAY_GROW(b->ends, b->cap, b->nr + 1, 1024))
		return stop_with(st, -ENOMEM);
	b->ends[b->nr++] = (struct pm_end){ .key = st->last_key, .end = buf->len };
	if (buf->len >= PM_BATCH_BYTES && !hand_over(st, buf))
		return 1;
	return 0;
}

int pm_stream_flush(struct pm_stream *st, struct line_buf *buf)
{
	if (st->fill->nr && !hand_over(st, buf))
		return 1;
	return 0;
}

/* A stream's thread: its piece decoded, its last batch handed over. */
static void *stream_main(void *arg)
{
	struct pm_stream *st = arg;
	struct pm *m = st->m;

	st->ret = m->decode(m->ctx, st->idx, st);
	pthread_mutex_lock(&m->lock);
	if (st->ret)	/* its output stopped: the others' too, as one decode would */
		stop_locked(m);
	st->done = true;
	write_turn(m);	/* the others may have waited for this one's head */
	pthread_mutex_unlock(&m->lock);
	return NULL;
}

static void free_streams(struct pm_stream *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		spin_cond_destroy(&v[i].space);
		for (int k = 0; k < PM_BATCHES; k++) {
			lb_free(&v[i].b[k].buf);
			free(v[i].b[k].ends);
		}
	}
	free(v);
}

int pm_run(size_t n, pm_decode_fn decode, const struct pm_output *out, void *ctx)
{
	struct pm *m = aligned_alloc(CACHE_LINE, sizeof(*m));
	struct pm_stream *v = n <= SIZE_MAX / sizeof(*v) ?
			      aligned_alloc(CACHE_LINE, n * sizeof(*v)) : NULL;
	size_t started = 0;
	int ret = 0;

	if (!v || !m) {
		free(v);
		free(m);
		return -ENOMEM;
	}
	memset(m, 0, sizeof(*m));
	m->decode = decode;
	m->ctx = ctx;
	m->v = v;
	m->w.out = out;
	m->w.ctx = ctx;
	spin_mutex_init(&m->lock);
	for (size_t i = 0; i < n; i++) {
		memset(&v[i], 0, sizeof(v[i]));
		v[i].m = m;
		v[i].idx = i;
		v[i].fill = &v[i].b[0];
		spin_cond_init(&v[i].space);
	}
	/* the writer looks at the streams started: all of them, or it stops */
	pthread_mutex_lock(&m->lock);
	for (; started < n; started++)
		if (pthread_create(&v[started].thread, NULL, stream_main, &v[started]))
			break;
	m->n = started;
	if (started < n) {	/* nothing written yet: the caller decodes as usual */
		stop_locked(m);
		ret = -EAGAIN;
	}
	pthread_mutex_unlock(&m->lock);
	for (size_t i = 0; i < started; i++)
		pthread_join(v[i].thread, NULL);
	/* the last stream to end wrote what was left: this writes nothing then */
	pthread_mutex_lock(&m->lock);
	write_turn(m);
	pthread_mutex_unlock(&m->lock);
	if (!ret)
		ret = m->out_ret;
	for (size_t i = 0; !ret && i < started; i++)
		ret = v[i].ret;
	if (!ret && m->err)
		ret = m->err;
	pthread_mutex_destroy(&m->lock);
	free_streams(v, n);
	free(m);
	return ret;
}
