// SPDX-License-Identifier: GPL-2.0
/*
 * ring.c - mmap and drain of the data ring and the AUX ring of one event
 * (see ring.h for the rules that keep every AUX byte).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "ring.h"

#define MAX_RECORD_SIZE 65536	/* header.size is a u16 */

static uint64_t load_acquire(const __u64 *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void store_release(__u64 *p, uint64_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static int ring_alloc_bounce(struct ring *r)
{
	r->bounce = malloc(MAX_RECORD_SIZE);
	return r->bounce ? 0 : -ENOMEM;
}

int ring_init_memory(struct ring *r, struct perf_event_mmap_page *pc, uint8_t *data,
		     uint64_t data_size, uint8_t *aux, uint64_t aux_size)
{
	memset(r, 0, sizeof(*r));
	r->fd = -1;
	r->cpu = -1;
	r->tid = -1;
	r->pc = pc;
	r->data = data;
	r->data_size = data_size;
	r->aux = aux;
	r->aux_size = aux_size;
	r->aux_next = aux ? pc->aux_tail : 0;
	r->aux_given = r->aux_next;
	r->aux_head_seen = r->aux_next;
	return ring_alloc_bounce(r);
}

int ring_mmap(struct ring *r, int fd, size_t data_pages, size_t aux_pages, bool aux_overwrite)
{
	size_t page = sysconf(_SC_PAGESIZE);
	void *base, *aux = NULL;
	int ret;

	memset(r, 0, sizeof(*r));
	r->fd = fd;
	r->cpu = -1;
	r->tid = -1;
	r->map_len = (1 + data_pages) * page;
	/*
	 * MAP_POPULATE: every page is mapped now, so that draining never takes
	 * a page fault per page of a ring on its first pass (2,048 of them for
	 * two 4M AUX areas, each a trap into the kernel while trace is coming).
	 */
	base = mmap(NULL, r->map_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, 0);
	if (base == MAP_FAILED)
		return -errno;
	r->pc = base;
	r->data = (uint8_t *)base + page;
	r->data_size = data_pages * page;
	r->mapped = true;
	if (aux_pages) {
		r->pc->aux_offset = r->map_len;
		r->pc->aux_size = aux_pages * page;
		/* PROT_WRITE makes the kernel respect aux_tail; read-only is overwrite mode */
		aux = mmap(NULL, r->pc->aux_size, aux_overwrite ? PROT_READ : PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_POPULATE, fd, r->pc->aux_offset);
		if (aux == MAP_FAILED) {
			ret = -errno;
			munmap(base, r->map_len);
			r->mapped = false;
			return ret;
		}
		r->aux = aux;
		r->aux_size = r->pc->aux_size;
		r->aux_map_len = r->aux_size;
	}
	return ring_alloc_bounce(r);
}

void ring_unmap(struct ring *r)
{
	if (r->mapped) {
		if (r->aux)
			munmap(r->aux, r->aux_map_len);
		munmap(r->pc, r->map_len);
	}
	free(r->bounce);
	r->bounce = NULL;
	r->mapped = false;
	r->aux = NULL;
	r->pc = NULL;
}

/* Gives AUX bytes [offset, offset + size) to the consumer, then frees them. */
static int ring_give_aux(struct ring *r, const struct ring_consumer *c, void *ctx,
			 uint64_t offset, uint64_t size, const struct perf_record_aux_layout *aux)
{
	uint64_t start = offset & (r->aux_size - 1);
	struct iovec iov[2];
	int n = 1, ret;

	iov[0].iov_base = r->aux + start;
	if (start + size > r->aux_size) {
		iov[0].iov_len = r->aux_size - start;
		iov[1].iov_base = r->aux;
		iov[1].iov_len = size - iov[0].iov_len;
		n = 2;
	} else {
		iov[0].iov_len = size;
	}
	ret = c->aux ? c->aux(ctx, r, iov, n, offset, size, aux) : 0;
	if (ret)
		return ret;
	r->aux_given = offset + size;	/* the consumer may release it (hold_aux) */
	r->stats.aux_chunks++;
	if (!r->hold_aux)
		store_release(&r->pc->aux_tail, r->aux_given);
	return 0;
}

uint64_t ring_aux_held(const struct ring *r)
{
	return r->aux ? r->aux_given - r->pc->aux_tail : 0;
}

void ring_release_aux(struct ring *r)
{
	if (r->aux && r->pc->aux_tail != r->aux_given)
		store_release(&r->pc->aux_tail, r->aux_given);
}

void ring_release_aux_to(struct ring *r, uint64_t end)
{
	if (r->aux && end - r->pc->aux_tail <= r->aux_size && end != r->pc->aux_tail)
		store_release(&r->pc->aux_tail, end);
}

/* merge_aux: gives the pending span to the consumer. */
static int ring_flush_aux(struct ring *r, const struct ring_consumer *c, void *ctx)
{
	int ret;

	if (!r->pend_len)
		return 0;
	ret = ring_give_aux(r, c, ctx, r->pend_off, r->pend_len,
			    r->pend_has_rec ? &r->pend_rec : NULL);
	if (ret)
		return ret;
	r->pend_len = 0;
	r->pend_has_rec = false;
	return 0;
}

/* Hands AUX bytes [offset, offset + size) over: to the consumer, or to the pending span. */
static int ring_hand_aux(struct ring *r, const struct ring_consumer *c, void *ctx,
			 uint64_t offset, uint64_t size, const struct perf_record_aux_layout *aux)
{
	int ret;

	if (r->merge_aux) {
		if (r->pend_len && (offset != r->pend_off + r->pend_len ||
				    r->pend_len + size > r->aux_size)) {
			ret = ring_flush_aux(r, c, ctx);
			if (ret)
				return ret;
		}
		if (!r->pend_len)
			r->pend_off = offset;
		r->pend_len += size;
		if (aux) {
			r->pend_rec = *aux;
			r->pend_has_rec = true;
		}
	} else {
		ret = ring_give_aux(r, c, ctx, offset, size, aux);
		if (ret)
			return ret;
	}
	r->stats.aux_bytes += size;
	if (!aux) {
		r->stats.recovered_bytes += size;
		r->stats.recovered_chunks++;
	}
	r->aux_next = offset + size;
	return 0;
}

/* Hands over the unannounced bytes [aux_next, upto), never more than the ring holds. */
static int ring_recover_aux(struct ring *r, const struct ring_consumer *c, void *ctx,
			    uint64_t upto)
{
	uint64_t size;

	if (upto <= r->aux_next)
		return 0;
	size = upto - r->aux_next;
	if (size > r->aux_size) {	/* overwritten: only the last ring-full is there */
		r->aux_next = upto - r->aux_size;
		size = r->aux_size;
	}
	return ring_hand_aux(r, c, ctx, r->aux_next, size, NULL);
}

static int ring_handle_aux_record(struct ring *r, const struct ring_consumer *c, void *ctx,
				  const struct perf_record_aux_layout *rec)
{
	uint64_t off = rec->aux_offset, size = rec->aux_size, end = off + size;
	uint64_t f = rec->flags;
	int ret;

	r->stats.aux_records++;
	r->stats.truncated += !!(f & PERF_AUX_FLAG_TRUNCATED);
	r->last_aux_truncated = !!(f & PERF_AUX_FLAG_TRUNCATED);
	r->stats.overwrite += !!(f & PERF_AUX_FLAG_OVERWRITE);
	r->stats.partial += !!(f & PERF_AUX_FLAG_PARTIAL);
	r->stats.collision += !!(f & PERF_AUX_FLAG_COLLISION);
	if (!size || !r->aux || size > r->aux_size || r->snapshot)
		return 0;
	if (off > r->aux_next) {	/* the spans before this one lost their record */
		ret = ring_recover_aux(r, c, ctx, off);
		if (ret)
			return ret;
	}
	if (end <= r->aux_next) {
		r->stats.duplicate_bytes += size;
		return 0;
	}
	if (off < r->aux_next) {	/* partly handed over already */
		r->stats.duplicate_bytes += r->aux_next - off;
		off = r->aux_next;
	}
	return ring_hand_aux(r, c, ctx, off, end - off, rec);
}

uint64_t ring_aux_fill(const struct ring *r)
{
	return r->aux ? load_acquire(&r->pc->aux_head) - r->pc->aux_tail : 0;
}

bool ring_has_data(const struct ring *r)
{
	if (load_acquire(&r->pc->data_head) != r->pc->data_tail)
		return true;
	return r->aux && !r->snapshot && load_acquire(&r->pc->aux_head) != r->aux_next;
}

/* Any byte not zero in [from, aux_size): written before the last wrap. */
static bool ring_aux_dirty_after(const struct ring *r, uint64_t from)
{
	for (uint64_t i = from; i < r->aux_size; i++)
		if (r->aux[i])
			return true;
	return false;
}

int ring_snapshot(struct ring *r, uint64_t max, struct ring_snapshot_span *span)
{
	uint64_t head = load_acquire(&r->pc->aux_head);
	uint64_t head_off = head & (r->aux_size - 1), size;

	if (!r->aux)
		return 0;
	if (!r->snap_wrapped)
		r->snap_wrapped = head >= r->aux_size || head < r->snap_prev_head ||
				  ring_aux_dirty_after(r, head_off);
	if (head == r->snap_prev_head)
		return 0;
	r->snap_prev_head = head;
	size = r->snap_wrapped ? r->aux_size : head_off;
	if (size > max)
		size = max;
	if (!size)
		return 0;
	/* an offset-style head that wrapped counts from one area further, as perf */
	if (r->snap_wrapped && head < r->aux_size)
		head += r->aux_size;
	span->offset = head - size;
	span->size = size;
	if (size > head_off) {
		span->iov[0].iov_base = r->aux + r->aux_size - (size - head_off);
		span->iov[0].iov_len = size - head_off;
		span->iov[1].iov_base = r->aux;
		span->iov[1].iov_len = head_off;
		span->n = head_off ? 2 : 1;
	} else {
		span->iov[0].iov_base = r->aux + head_off - size;
		span->iov[0].iov_len = size;
		span->n = 1;
	}
	r->stats.aux_bytes += size;
	r->stats.aux_chunks++;
	return 1;
}

int ring_drain(struct ring *r, const struct ring_consumer *c, void *ctx, bool final)
{
	return ring_drain_some(r, c, ctx, final, UINT64_MAX);
}

int ring_drain_some(struct ring *r, const struct ring_consumer *c, void *ctx, bool final,
		    uint64_t aux_budget)
{
	uint64_t aux_head = r->aux ? load_acquire(&r->pc->aux_head) : 0;
	uint64_t head = load_acquire(&r->pc->data_head);
	uint64_t tail = r->pc->data_tail;
	uint64_t mask = r->data_size - 1;
	uint64_t aux_start = r->aux_next;
	int ret = 0;

	r->cut = false;
	while (tail < head) {
		uint64_t off = tail & mask;
		const struct perf_event_header *hdr = (const void *)(r->data + off);
		size_t size = hdr->size;

		if (size < sizeof(*hdr) || size > head - tail) {
			ret = -EIO;
			break;
		}
		if (off + size > r->data_size) {
			size_t first = r->data_size - off;

			memcpy(r->bounce, r->data + off, first);
			memcpy(r->bounce + first, r->data, size - first);
			hdr = (const void *)r->bounce;
		}
		r->stats.records++;
		if (hdr->type == PERF_RECORD_LOST && size >= 24) {
			r->stats.lost_records++;
			r->stats.lost_events += ((const uint64_t *)hdr)[2];
		}
		ret = c->record ? c->record(ctx, r, hdr) : 0;
		if (!ret && hdr->type == PERF_RECORD_AUX && size >= sizeof(struct perf_record_aux_layout))
			ret = ring_handle_aux_record(r, c, ctx, (const void *)hdr);
		if (ret)
			break;
		tail += size;
		if (tail < head && r->aux_next - aux_start >= aux_budget) {
			r->cut = true;
			break;
		}
	}
	store_release(&r->pc->data_tail, tail);
	/* stopped by the budget: records still to come announce the bytes after */
	if (!ret && r->aux && !r->snapshot && tail == head) {
		/*
		 * Bytes below the aux_head of the previous drain have had their AUX
		 * record published by now (the kernel writes it before moving
		 * aux_head); those still not handed over lost their record.
		 */
		ret = ring_recover_aux(r, c, ctx,
				       final ? load_acquire(&r->pc->aux_head) : r->aux_head_seen);
		r->aux_head_seen = aux_head;
	}
	/* what was handed over goes out even when a malformed record stopped the drain */
	if (r->merge_aux && (!ret || ret == -EIO)) {
		int fret = ring_flush_aux(r, c, ctx);

		if (!ret)
			ret = fret;
	}
	return ret;
}
