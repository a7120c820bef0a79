/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ring.h - one mmap of a perf event: the data ring and, next to it, the AUX
 * ring; draining both without losing an AUX byte.
 *
 * Draining reads data_head (acquire), hands every record to the consumer,
 * and for each PERF_RECORD_AUX hands over exactly its span of the AUX ring
 * (as one or two pieces when it wraps) before advancing aux_tail (release;
 * with hold_aux only when the consumer says it has written them).
 * AUX bytes whose PERF_RECORD_AUX never arrives (the data ring lost it) are
 * handed over as "recovered" spans: a span below the aux_head seen one drain
 * earlier that no record announced, a gap before the next announced span, and
 * at the final drain everything up to aux_head.
 */
#ifndef AUXREC_RING_H
#define AUXREC_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>
#include <linux/perf_event.h>

/* PERF_RECORD_AUX as the kernel writes it (sample_id trailer follows). */
struct perf_record_aux_layout {
	struct perf_event_header header;
	uint64_t aux_offset;
	uint64_t aux_size;
	uint64_t flags;
};

struct ring_stats {
	uint64_t records;
	uint64_t aux_records;		/* PERF_RECORD_AUX seen */
	uint64_t aux_bytes;		/* AUX bytes handed over, all spans */
	uint64_t aux_chunks;
	uint64_t truncated;		/* AUX records with PERF_AUX_FLAG_TRUNCATED */
	uint64_t partial, collision, overwrite;
	uint64_t lost_events;		/* sum of PERF_RECORD_LOST.lost */
	uint64_t lost_records;		/* PERF_RECORD_LOST records */
	uint64_t recovered_bytes;	/* AUX bytes without their AUX record */
	uint64_t recovered_chunks;
	uint64_t duplicate_bytes;	/* announced twice; skipped */
};

struct ring {
	int fd;
	int cpu;			/* -1 for a per-thread ring */
	int tid;			/* -1 for a per-cpu ring */
	uint32_t idx;			/* index in the event list's rings */
	struct perf_event_mmap_page *pc;
	uint8_t *data;
	uint64_t data_size;		/* power of two */
	uint8_t *aux;			/* NULL: no AUX ring */
	uint64_t aux_size;		/* power of two */
	size_t map_len, aux_map_len;
	bool mapped;			/* unmap in ring_unmap */

	uint64_t aux_next;		/* next AUX offset to hand over */
	uint64_t aux_given;		/* end of the bytes the consumer took (set
					 * when its aux() returned 0) */
	/*
	 * Set by the user: aux_tail does not move when the consumer's aux()
	 * returns but at ring_release_aux(), so the consumer may write the
	 * bytes later from the ring itself (no copy).
	 */
	bool hold_aux;
	uint64_t aux_head_seen;		/* aux_head of the previous drain */
	bool cut;			/* the last drain stopped at its AUX budget */
	bool last_aux_truncated;	/* the newest PERF_RECORD_AUX had TRUNCATED */
	/*
	 * Set by the user: contiguous spans of one drain go to the consumer's
	 * aux() as ONE span (aux is then the last record announcing part of
	 * it, or NULL if none did) at the end of the drain: one write per ring
	 * and drain instead of one per PERF_RECORD_AUX.
	 */
	bool merge_aux;
	/* merge_aux: spans handed over but not yet given to the consumer */
	uint64_t pend_off, pend_len;
	struct perf_record_aux_layout pend_rec;	/* the last record announcing part of it */
	bool pend_has_rec;
	uint8_t *bounce;		/* a record that wraps the data ring */
	/*
	 * Overwrite (snapshot) mode: the AUX area is mapped read-only and the
	 * PMU writes it round and round; draining passes the data ring's
	 * records on but hands no AUX bytes over (ring_snapshot() does).
	 */
	bool snapshot;
	bool snap_wrapped;		/* the area was seen wrapped once */
	uint64_t snap_prev_head;	/* aux_head at the previous snapshot */
	struct ring_stats stats;
};

/* The newest bytes of an overwrite-mode AUX area, as ring_snapshot() finds them. */
struct ring_snapshot_span {
	struct iovec iov[2];
	int n;
	uint64_t offset;		/* in the AUX stream (head - size, as perf) */
	uint64_t size;
};

struct ring_consumer {
	/* Every record, in ring order; hdr is contiguous. Nonzero stops the drain. */
	int (*record)(void *ctx, struct ring *r, const struct perf_event_header *hdr);
	/*
	 * An AUX span [offset, offset + size) in iov[0..n-1]; aux is the record
	 * that announced it, or NULL for a recovered span. The bytes must be
	 * copied before returning (aux_tail moves past them afterwards), or,
	 * with hold_aux, before ring_release_aux().
	 */
	int (*aux)(void *ctx, struct ring *r, const struct iovec *iov, int n,
		   uint64_t offset, uint64_t size, const struct perf_record_aux_layout *aux);
};

/*
 * Maps 1 + data_pages pages of fd, then aux_pages of AUX area (0: none).
 * Page counts must be powers of two. Returns 0 or -errno.
 */
int ring_mmap(struct ring *r, int fd, size_t data_pages, size_t aux_pages, bool aux_overwrite);
/* Sets up a ring over caller-owned memory (tests, simulations). */
int ring_init_memory(struct ring *r, struct perf_event_mmap_page *pc, uint8_t *data,
		     uint64_t data_size, uint8_t *aux, uint64_t aux_size);
void ring_unmap(struct ring *r);

/*
 * Drains what the kernel has published. With final set (the events are
 * disabled), AUX bytes up to aux_head that no record announced are handed
 * over as recovered. Returns 0, the consumer's nonzero value, or -EIO when
 * the ring holds a malformed record.
 */
int ring_drain(struct ring *r, const struct ring_consumer *c, void *ctx, bool final);
/*
 * The same, stopping before the next record once aux_budget AUX bytes were
 * handed over (the rest stays for the next call; nothing is taken for
 * lost while records remain).
 */
int ring_drain_some(struct ring *r, const struct ring_consumer *c, void *ctx, bool final,
		    uint64_t aux_budget);
/*
 * hold_aux: gives the kernel back the AUX bytes handed over (aux_tail,
 * release), also from inside the consumer's aux() once they are written.
 */
void ring_release_aux(struct ring *r);
/*
 * hold_aux: gives back the AUX bytes up to offset `end` (at most the end of
 * the span aux() is taking), for a consumer that wrote them from inside aux().
 */
void ring_release_aux_to(struct ring *r, uint64_t end);
/* hold_aux: how many AUX bytes were handed over and not yet released. */
uint64_t ring_aux_held(const struct ring *r);
/* AUX bytes the kernel wrote and was not given back: how full the area is. */
uint64_t ring_aux_fill(const struct ring *r);
/*
 * Overwrite mode, with the event disabled: the newest min(max, bytes the
 * area holds) bytes before aux_head, in span (pointing into the area).
 * Finds whether the area wrapped (a head the PMU keeps as an offset in the
 * area, as Intel PT does, says nothing of it): a head at or past the area's
 * size, a head behind the previous one, or any byte not zero after it (the
 * kernel hands the area out zeroed). Returns 1 with a span, 0 when nothing
 * was written since the previous snapshot.
 */
int ring_snapshot(struct ring *r, uint64_t max, struct ring_snapshot_span *span);
/* True when the kernel has published data or AUX bytes not yet drained. */
bool ring_has_data(const struct ring *r);

#endif
