// SPDX-License-Identifier: GPL-2.0
/*
 * zstd_blocks.c - blocks compressed on two threads, frames out in order
 * (see zstd_blocks.h).
 *
 * A ring of ZB_SLOTS slots, each a block on its way: filled (put, not yet
 * compressed), busy (being compressed by one thread), done (its frame
 * made), empty. A helper thread compresses the oldest filled block; the
 * calling thread puts blocks, and when the ring is full compresses the
 * oldest filled one itself (or waits for the helper), so the two share
 * the compression while the caller also makes the blocks. Done frames go
 * to out() on the calling thread in block order. Blocks are few (hundreds
 * of KiB each): one mutex guards the slots' states.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <zstd.h>
#include "lib/output/zstd_blocks.h"
#include "lib/util/spin_wait.h"

#define ZB_SLOTS	4

enum { ZB_EMPTY, ZB_FILLED, ZB_BUSY, ZB_DONE };

struct zb_slot {
	int state;
	int err;			/* of its compression */
	uint8_t *raw;			/* the block */
	size_t raw_len, raw_cap;
	uint8_t *frame;			/* its frame, when done */
	size_t frame_len, frame_cap;
};

struct zstd_blocks {
	int level;
	zstd_frame_fn out;
	void *ctx;
	int err;			/* the first error */
	ZSTD_CCtx *cctx[2];		/* the calling thread's, the helper's */
	bool threaded, stop;
	pthread_t thread;
	pthread_mutex_t lock;
	/* a block to compress, a frame made: waits spin first (spin_wait.h) */
	struct spin_cond filled, done;
	size_t head, tail;		/* blocks put, blocks handed out */
	struct zb_slot slot[ZB_SLOTS];
};

/* The oldest filled slot, or NULL. With the lock held. */
static struct zb_slot *oldest_filled(struct zstd_blocks *z)
{
	for (size_t i = z->tail; i < z->head; i++)
		if (z->slot[i % ZB_SLOTS].state == ZB_FILLED)
			return &z->slot[i % ZB_SLOTS];
	return NULL;
}

/* Compresses busy slot s with cctx, the lock released meanwhile. */
static void compress(struct zstd_blocks *z, struct zb_slot *s, ZSTD_CCtx *cctx)
{
	size_t bound = ZSTD_compressBound(s->raw_len), n;
	int err = 0;

	pthread_mutex_unlock(&z->lock);
	if (s->frame_cap < bound) {
		/*
		 * The old frame was handed out: nothing to copy (realloc()
		 * would, a block's worth each time a block is a few bytes
		 * longer than the last), and room for blocks an eighth longer.
		 */
		free(s->frame);
		s->frame_cap = bound + bound / 8;
		s->frame = malloc(s->frame_cap);
		if (!s->frame)
			s->frame_cap = 0;
	}
	if (s->frame_cap < bound) {
		err = -ENOMEM;
	} else {
		n = ZSTD_compressCCtx(cctx, s->frame, s->frame_cap, s->raw, s->raw_len, z->level);
		if (ZSTD_isError(n))
			err = -ENOMEM;
		else
			s->frame_len = n;
	}
	pthread_mutex_lock(&z->lock);
	s->err = err;
	s->state = ZB_DONE;
	spin_wake_all(&z->done);
}

static void *helper(void *arg)
{
	struct zstd_blocks *z = arg;
	struct zb_slot *s;

	pthread_mutex_lock(&z->lock);
	for (;;) {
		while (!z->stop && !(s = oldest_filled(z)))
			spin_wait(&z->filled, &z->lock);
		if (z->stop)
			break;
		s->state = ZB_BUSY;
		compress(z, s, z->cctx[1]);
	}
	pthread_mutex_unlock(&z->lock);
	return NULL;
}

/* Hands the done frames at the ring's front out, in order. With the lock held. */
static void hand_out(struct zstd_blocks *z)
{
	while (z->tail < z->head && z->slot[z->tail % ZB_SLOTS].state == ZB_DONE) {
		struct zb_slot *s = &z->slot[z->tail % ZB_SLOTS];

		if (!z->err)
			z->err = s->err ? s->err : z->out(z->ctx, s->frame, s->frame_len);
		s->state = ZB_EMPTY;
		z->tail++;
	}
}

/*
 * Makes progress towards an empty ring (all: until it is) or a free slot:
 * the oldest filled block compressed here, else a wait for the helper.
 * With the lock held.
 */
static void make_room(struct zstd_blocks *z, bool all)
{
	for (;;) {
		struct zb_slot *s;

		hand_out(z);
		if (all ? z->tail == z->head : z->head - z->tail < ZB_SLOTS)
			return;
		s = oldest_filled(z);
		if (s) {
			s->state = ZB_BUSY;
			compress(z, s, z->cctx[0]);
		} else {
			spin_wait(&z->done, &z->lock);
		}
	}
}

struct zstd_blocks *zstd_blocks_start(int level, zstd_frame_fn out, void *ctx, bool threaded)
{
	struct zstd_blocks *z = calloc(1, sizeof(*z));

	if (!z)
		return NULL;
	z->level = level;
	z->out = out;
	z->ctx = ctx;
	z->cctx[0] = ZSTD_createCCtx();
	z->cctx[1] = ZSTD_createCCtx();
	spin_mutex_init(&z->lock);
	spin_cond_init(&z->filled);
	spin_cond_init(&z->done);
	if (!z->cctx[0] || !z->cctx[1]) {
		z->err = -ENOMEM;
		zstd_blocks_end(z);
		return NULL;
	}
	z->threaded = threaded && !pthread_create(&z->thread, NULL, helper, z);
	return z;
}

int zstd_blocks_put(struct zstd_blocks *z, uint8_t **buf, size_t len, size_t *cap)
{
	struct zb_slot *s;
	uint8_t *p;
	size_t c;
	int err;

	pthread_mutex_lock(&z->lock);
	make_room(z, false);
	s = &z->slot[z->head++ % ZB_SLOTS];
	p = s->raw;
	c = s->raw_cap;
	s->raw = *buf;
	s->raw_cap = *cap;
	s->raw_len = len;
	s->state = ZB_FILLED;
	*buf = p;
	*cap = c;
	if (z->threaded)
		spin_wake_all(&z->filled);
	else
		make_room(z, true);
	hand_out(z);
	err = z->err;
	pthread_mutex_unlock(&z->lock);
	return err;
}

int zstd_blocks_end(struct zstd_blocks *z)
{
	int err;

	pthread_mutex_lock(&z->lock);
	make_room(z, true);
	z->stop = true;
	spin_wake_all(&z->filled);
	pthread_mutex_unlock(&z->lock);
	if (z->threaded)
		pthread_join(z->thread, NULL);
	err = z->err;
	for (size_t i = 0; i < ZB_SLOTS; i++) {
		free(z->slot[i].raw);
		free(z->slot[i].frame);
	}
	ZSTD_freeCCtx(z->cctx[0]);
	ZSTD_freeCCtx(z->cctx[1]);
	spin_cond_destroy(&z->filled);
	spin_cond_destroy(&z->done);
	pthread_mutex_destroy(&z->lock);
	free(z);
	return err;
}
