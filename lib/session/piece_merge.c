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
 * copied. The calling thread keeps a head (batch and event) per stream,
 * writes the run of events of the stream whose head comes first, up to
 * where another stream's head comes first, and takes the lock only to
 * give a batch back or wait for one.
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
#include "piece_merge.h"

#define PM_BATCHES	4		/* per stream: one written, three filled ahead */
#define PM_BATCH_BYTES	(256u << 10)	/* a batch is handed over from this size */
/*
 * A stream wakes the writer only once it holds this many batches (or its
 * ring is full, or it ends): the writer of a decode that outruns it slept
 * and was woken at each batch, 2,700 times for 660 MB of JSON, and on the
 * VMs measured a wake-up costs 40-50 us of the writer's CPU
 * (docs/testing.md, "Buffers merged by time on threads").
 */
#define PM_WAKE_AT	3
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

struct pm {
	alignas(CACHE_LINE) pm_decode_fn decode;
	void *ctx;
	pthread_mutex_t lock;
	pthread_cond_t ready;	/* a batch was handed over, or a stream ended */
	atomic_int stop;	/* the output stopped: decoders stop at their next batch */
	int err;		/* a stream's -errno (memory) */
};

struct pm_stream {
	alignas(CACHE_LINE) struct pm *m;
	size_t idx;
	pthread_t thread;
	pthread_cond_t space;	/* a batch was given back */
	size_t filled, taken;	/* batches handed over, given back (under m->lock) */
	bool done;		/* its decode returned (under m->lock) */
	int ret;		/* decode's */
	/* the decoding thread's */
	alignas(CACHE_LINE) uint64_t last_key;
	struct pm_batch *fill;	/* b[filled % PM_BATCHES] */
	/* the calling thread's: its head is b[taken % PM_BATCHES].ends[pos] */
	alignas(CACHE_LINE) size_t pos;
	bool head;		/* the head batch is held (taken < filled) */
	struct pm_batch b[PM_BATCHES];
};

/*
 * Hands the batch being filled over with the bytes of buf, and waits for
 * the next one to be free; false when the decode is to stop.
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
	if (st->filled - st->taken >= PM_WAKE_AT)
		pthread_cond_signal(&m->ready);
	while (st->filled - st->taken == PM_BATCHES && !atomic_load(&m->stop))
		pthread_cond_wait(&st->space, &m->lock);
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
	atomic_store(&m->stop, 1);
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

/* A stream's thread: its piece decoded, its last batch handed over. */
static void *stream_main(void *arg)
{
	struct pm_stream *st = arg;
	struct pm *m = st->m;

	st->ret = m->decode(m->ctx, st->idx, st);
	pthread_mutex_lock(&m->lock);
	if (st->ret)	/* its output stopped: the others' too, as one decode would */
		atomic_store(&m->stop, 1);
	st->done = true;
	pthread_cond_signal(&m->ready);
	pthread_mutex_unlock(&m->lock);
	return NULL;
}

int pm_stream_flush(struct pm_stream *st, struct line_buf *buf)
{
	if (st->fill->nr && !hand_over(st, buf))
		return 1;
	return 0;
}

/*
 * The head of every stream that has events left, waiting for those whose
 * next batch is not there yet; gives back batches written out.
 */
static void take_heads(struct pm *m, struct pm_stream *v, size_t n)
{
	bool locked = false;

	for (size_t i = 0; i < n; i++) {
		struct pm_stream *st = &v[i];

		for (;;) {
			if (st->head && st->pos < st->b[st->taken % PM_BATCHES].nr)
				break;
			if (!locked) {
				pthread_mutex_lock(&m->lock);
				locked = true;
			}
			if (st->head) {	/* written out: back to the decoder */
				st->head = false;
				st->taken++;
				st->pos = 0;
				pthread_cond_signal(&st->space);
			}
			if (st->taken < st->filled) {
				st->head = true;
				continue;	/* may be empty: looked at again */
			}
			if (st->done || atomic_load(&m->stop))
				break;
			pthread_cond_wait(&m->ready, &m->lock);
		}
	}
	if (locked)
		pthread_mutex_unlock(&m->lock);
}

static const struct pm_end *head_of(const struct pm_stream *st)
{
	return st->head ? &st->b[st->taken % PM_BATCHES].ends[st->pos] : NULL;
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
static int write_run(struct pm_stream *v, size_t n, const struct pm_output *out, void *ctx,
		     bool *none)
{
	uint64_t bar = UINT64_MAX;
	struct pm_stream *best = NULL;
	uint64_t k2 = UINT64_MAX;
	size_t i2 = SIZE_MAX;
	const struct pm_batch *b;
	size_t from, to;

	for (size_t i = 0; i < n; i++) {
		const struct pm_end *h = head_of(&v[i]);

		if (!h)
			continue;
		if (!best || before(h->key, i, head_of(best)->key, best->idx)) {
			if (best) {
				k2 = head_of(best)->key;
				i2 = best->idx;
			}
			best = &v[i];
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
		bar = out->next(ctx);
		if (b->ends[best->pos].key > bar) {
			int ret = out->put(ctx, b->ends[best->pos].key);

			if (ret)
				return ret;
			bar = out->next(ctx);
		}
	}
	from = best->pos ? b->ends[best->pos - 1].end : 0;
	to = best->pos + 1;
	while (to < b->nr && before(b->ends[to].key, best->idx, k2, i2) && b->ends[to].key <= bar)
		to++;
	best->pos = to;
	return out->write(ctx, b->buf.p + from, b->ends[to - 1].end - from);
}

static void stop_all(struct pm *m, struct pm_stream *v, size_t n)
{
	pthread_mutex_lock(&m->lock);
	atomic_store(&m->stop, 1);
	for (size_t i = 0; i < n; i++)
		pthread_cond_signal(&v[i].space);
	pthread_mutex_unlock(&m->lock);
}

static void free_streams(struct pm_stream *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		pthread_cond_destroy(&v[i].space);
		for (int k = 0; k < PM_BATCHES; k++) {
			lb_free(&v[i].b[k].buf);
			free(v[i].b[k].ends);
		}
	}
	free(v);
}

int pm_run(size_t n, pm_decode_fn decode, const struct pm_output *out, void *ctx)
{
	struct pm m = { .decode = decode, .ctx = ctx };
	struct pm_stream *v = n <= SIZE_MAX / sizeof(*v) ?
			      aligned_alloc(CACHE_LINE, n * sizeof(*v)) : NULL;
	size_t started = 0;
	bool none = false;
	int ret = 0;

	if (!v)
		return -ENOMEM;
	pthread_mutex_init(&m.lock, NULL);
	pthread_cond_init(&m.ready, NULL);
	for (size_t i = 0; i < n; i++) {
		memset(&v[i], 0, sizeof(v[i]));
		v[i].m = &m;
		v[i].idx = i;
		v[i].fill = &v[i].b[0];
		pthread_cond_init(&v[i].space, NULL);
	}
	for (; started < n; started++)
		if (pthread_create(&v[started].thread, NULL, stream_main, &v[started]))
			break;
	if (started < n) {	/* nothing written yet: the caller decodes as usual */
		stop_all(&m, v, n);
		ret = -EAGAIN;
	}
	while (!ret) {
		take_heads(&m, v, started);
		if (atomic_load(&m.stop))
			break;
		ret = write_run(v, started, out, ctx, &none);
		if (none)
			ret = 0;
		if (none || ret)
			break;
	}
	if (ret)
		stop_all(&m, v, started);
	for (size_t i = 0; i < started; i++)
		pthread_join(v[i].thread, NULL);
	for (size_t i = 0; !ret && i < started; i++)
		ret = v[i].ret;
	if (!ret && m.err)
		ret = m.err;
	pthread_cond_destroy(&m.ready);
	pthread_mutex_destroy(&m.lock);
	free_streams(v, n);
	return ret;
}
