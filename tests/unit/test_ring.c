// SPDX-License-Identifier: GPL-2.0
/*
 * test_ring.c - the drain logic of lib/record/ring.c on a simulated kernel writer:
 * records that wrap the data ring, AUX spans that wrap the AUX ring, lost
 * AUX records recovered from aux_head, duplicates, malformed records, and
 * spans held in the ring until the consumer releases them (hold_aux).
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "lib/record/ring.h"

#define DATA_SIZE 256
#define AUX_SIZE 1024

struct sim {
	struct perf_event_mmap_page pc;
	uint8_t data[DATA_SIZE];
	uint8_t aux[AUX_SIZE];
	uint64_t aux_written;	/* bytes the "PMU" produced */
	struct ring r;
	/* what the consumer saw */
	uint8_t got[1 << 16];
	uint64_t got_len;
	uint64_t next_offset;	/* spans must arrive contiguous */
	int records, aux_records_seen, recovered, contiguous_errors;
	uint64_t last_flags;
	/* hold_aux: spans handed over but not yet copied */
	struct iovec held[64];
	int nr_held;
};

static uint8_t pattern_byte(uint64_t i)
{
	return (uint8_t)(i * 131 + (i >> 8));
}

/* The kernel side: put a record into the data ring (with wrap). */
static void sim_put_record(struct sim *s, const void *rec, size_t size)
{
	uint64_t head = s->pc.data_head;

	assert_true(head + size - s->pc.data_tail <= DATA_SIZE);
	for (size_t i = 0; i < size; i++)
		s->data[(head + i) % DATA_SIZE] = ((const uint8_t *)rec)[i];
	__atomic_store_n(&s->pc.data_head, head + size, __ATOMIC_RELEASE);
}

/* The PMU side: write n bytes into AUX, optionally announce them. */
static void sim_put_aux(struct sim *s, uint64_t n, bool announce, uint64_t flags)
{
	uint64_t off = s->aux_written;
	struct perf_record_aux_layout rec = {
		.header = { .type = PERF_RECORD_AUX, .size = sizeof(rec) },
		.aux_offset = off, .aux_size = n, .flags = flags,
	};

	assert_true(off + n - s->pc.aux_tail <= AUX_SIZE);
	for (uint64_t i = 0; i < n; i++)
		s->aux[(off + i) % AUX_SIZE] = pattern_byte(off + i);
	s->aux_written += n;
	if (announce)
		sim_put_record(s, &rec, sizeof(rec));
	__atomic_store_n(&s->pc.aux_head, s->aux_written, __ATOMIC_RELEASE);
}

static void sim_put_comm(struct sim *s, size_t size)
{
	uint8_t buf[128] = { 0 };
	struct perf_event_header *h = (void *)buf;

	h->type = PERF_RECORD_COMM;
	h->size = size;
	for (size_t i = sizeof(*h); i < size; i++)
		buf[i] = (uint8_t)i;
	sim_put_record(s, buf, size);
}

static int on_record(void *ctx, struct ring *r, const struct perf_event_header *hdr)
{
	struct sim *s = ctx;

	s->records++;
	if (hdr->type == PERF_RECORD_COMM)
		for (size_t i = sizeof(*hdr); i < hdr->size; i++)
			if (((const uint8_t *)hdr)[i] != (uint8_t)i)
				fail_msg("record payload corrupted at %zu", i);
	return 0;
}

static int on_aux(void *ctx, struct ring *r, const struct iovec *iov, int n,
		  uint64_t offset, uint64_t size, const struct perf_record_aux_layout *aux)
{
	struct sim *s = ctx;
	uint64_t total = 0;

	if (offset != s->next_offset)
		s->contiguous_errors++;
	for (int i = 0; i < n; i++) {
		memcpy(s->got + s->got_len + total, iov[i].iov_base, iov[i].iov_len);
		total += iov[i].iov_len;
	}
	assert_int_equal(total, size);
	s->got_len += size;
	s->next_offset = offset + size;
	if (aux) {
		s->aux_records_seen++;
		s->last_flags = aux->flags;
	} else {
		s->recovered++;
	}
	return 0;
}

static const struct ring_consumer consumer = { on_record, on_aux };

/* hold_aux: notes where the span is; sim_copy_held() copies it later. */
static int on_aux_held(void *ctx, struct ring *r, const struct iovec *iov, int n,
		       uint64_t offset, uint64_t size, const struct perf_record_aux_layout *aux)
{
	struct sim *s = ctx;

	if (offset != s->next_offset)
		s->contiguous_errors++;
	s->next_offset = offset + size;
	for (int i = 0; i < n; i++) {
		assert_true(s->nr_held < 64);
		s->held[s->nr_held++] = iov[i];
	}
	return 0;
}

static void sim_copy_held(struct sim *s)
{
	for (int i = 0; i < s->nr_held; i++) {
		memcpy(s->got + s->got_len, s->held[i].iov_base, s->held[i].iov_len);
		s->got_len += s->held[i].iov_len;
	}
	s->nr_held = 0;
}

static const struct ring_consumer held_consumer = { on_record, on_aux_held };

/*
 * hold_aux, a consumer that writes each span inside aux() (as auxrec record
 * does once much is held): gives it back there with ring_release_aux_to().
 */
static int on_aux_written(void *ctx, struct ring *r, const struct iovec *iov, int n,
			  uint64_t offset, uint64_t size, const struct perf_record_aux_layout *aux)
{
	struct sim *s = ctx;

	for (int i = 0; i < n; i++) {
		memcpy(s->got + s->got_len, iov[i].iov_base, iov[i].iov_len);
		s->got_len += iov[i].iov_len;
	}
	ring_release_aux_to(r, offset + size);
	/* the span is given back at once: the kernel may reuse it now */
	if (s->pc.aux_tail != offset + size)
		s->contiguous_errors++;
	s->next_offset = offset + size;
	return 0;
}

static const struct ring_consumer written_consumer = { on_record, on_aux_written };

static struct sim *sim_new(void)
{
	struct sim *s = calloc(1, sizeof(*s));

	assert_non_null(s);
	assert_int_equal(ring_init_memory(&s->r, &s->pc, s->data, DATA_SIZE, s->aux, AUX_SIZE), 0);
	return s;
}

static void sim_free(struct sim *s)
{
	ring_unmap(&s->r);
	free(s);
}

static void assert_got_all(struct sim *s)
{
	assert_int_equal(s->got_len, s->aux_written);
	for (uint64_t i = 0; i < s->got_len; i++)
		if (s->got[i] != pattern_byte(i))
			fail_msg("AUX byte %llu wrong", (unsigned long long)i);
	assert_int_equal(s->contiguous_errors, 0);
	assert_int_equal(s->pc.aux_tail, s->aux_written);
	assert_int_equal(s->pc.data_tail, s->pc.data_head);
}

/* Many rounds: records and spans wrap both rings at every alignment. */
static void test_wrap_everything(void **state)
{
	struct sim *s = sim_new();

	for (int round = 0; round < 200; round++) {
		sim_put_comm(s, 8 + 8 * (round % 11));
		sim_put_aux(s, 1 + (round * 37) % 300, true, round % 7 == 0 ? PERF_AUX_FLAG_TRUNCATED : 0);
		if (round % 3 == 0)
			sim_put_comm(s, 48);
		assert_int_equal(ring_drain(&s->r, &consumer, s, false), 0);
	}
	assert_int_equal(ring_drain(&s->r, &consumer, s, true), 0);
	assert_got_all(s);
	assert_int_equal(s->recovered, 0);
	assert_int_equal(s->aux_records_seen, 200);
	assert_int_equal(s->r.stats.truncated, 29);
	sim_free(s);
}

/*
 * hold_aux: aux_tail stays until ring_release_aux(), so the PMU (which
 * never writes past aux_tail) cannot overwrite spans handed over but not
 * yet copied; copied after the drain, every byte is right.
 */
static void test_release_inside_aux(void **state)
{
	for (int merge = 0; merge < 2; merge++) {
		struct sim *s = sim_new();

		s->r.hold_aux = true;
		s->r.merge_aux = merge;
		for (int round = 0; round < 100; round++) {
			sim_put_aux(s, 1 + (round * 97) % 400, true, 0);
			sim_put_aux(s, 1 + (round * 31) % 300, true, 0);
			assert_int_equal(ring_drain(&s->r, &written_consumer, s, false), 0);
			assert_int_equal(s->contiguous_errors, 0);
			assert_int_equal(ring_aux_held(&s->r), 0);
		}
		assert_int_equal(ring_drain(&s->r, &written_consumer, s, true), 0);
		assert_int_equal(s->pc.aux_tail, s->aux_written);
		assert_got_all(s);
		sim_free(s);
	}
}

static void test_hold_aux(void **state)
{
	struct sim *s = sim_new();

	s->r.hold_aux = true;
	for (int round = 0; round < 200; round++) {
		uint64_t tail = s->pc.aux_tail;

		sim_put_aux(s, 1 + (round * 53) % 400, true, 0);
		if (round % 2)
			sim_put_aux(s, 1 + (round * 29) % 300, round % 4 == 1, 0);
		/* how full the area is: all the PMU wrote since the last release */
		assert_int_equal(ring_aux_fill(&s->r), s->aux_written - tail);
		assert_int_equal(ring_drain(&s->r, &held_consumer, s, round % 50 == 49), 0);
		assert_int_equal(ring_aux_fill(&s->r), s->aux_written - tail);
		assert_int_equal(s->pc.aux_tail, tail);
		assert_int_equal(ring_aux_held(&s->r), s->next_offset - tail);
		sim_copy_held(s);
		ring_release_aux(&s->r);
		assert_int_equal(s->pc.aux_tail, s->next_offset);
		assert_int_equal(ring_aux_held(&s->r), 0);
		/* what is not handed over yet (a span not announced) stays */
		assert_int_equal(ring_aux_fill(&s->r), s->aux_written - s->next_offset);
	}
	assert_int_equal(ring_drain(&s->r, &held_consumer, s, true), 0);
	sim_copy_held(s);
	ring_release_aux(&s->r);
	assert_got_all(s);
	sim_free(s);
}

/* A span whose record was lost is handed over before the next announced one. */
static void test_lost_record_gap(void **state)
{
	struct sim *s = sim_new();

	sim_put_aux(s, 100, true, 0);
	sim_put_aux(s, 200, false, 0);		/* record lost */
	sim_put_aux(s, 50, true, 0);
	assert_int_equal(ring_drain(&s->r, &consumer, s, false), 0);
	assert_got_all(s);
	assert_int_equal(s->recovered, 1);
	assert_int_equal(s->r.stats.recovered_bytes, 200);
	sim_free(s);
}

/* The last span lost its record: recovered on the next drain, not the same one. */
static void test_lost_record_tail(void **state)
{
	struct sim *s = sim_new();

	sim_put_aux(s, 100, true, 0);
	sim_put_aux(s, 300, false, 0);
	assert_int_equal(ring_drain(&s->r, &consumer, s, false), 0);
	assert_int_equal(s->got_len, 100);	/* record may still be in flight */
	assert_int_equal(ring_drain(&s->r, &consumer, s, false), 0);
	assert_got_all(s);
	assert_int_equal(s->recovered, 1);
	sim_free(s);
}

/*
 * A drain with a budget stops at the first record after that many AUX bytes:
 * the rest comes with the next drains, and a span whose record is still
 * unread is not taken for lost (recovered) meanwhile; a lost one is still
 * found once a drain reads every record.
 */
static void test_drain_budget(void **state)
{
	struct sim *s = sim_new();
	int drains = 0;

	for (int i = 0; i < 4; i++)
		sim_put_aux(s, 100, true, 0);
	sim_put_aux(s, 60, false, 0);		/* record lost */
	sim_put_aux(s, 40, true, 0);
	assert_int_equal(ring_drain_some(&s->r, &consumer, s, false, 150), 0);
	assert_int_equal(s->got_len, 200);	/* two spans: 150 reached at the second */
	assert_true(s->r.cut);
	assert_int_equal(s->recovered, 0);
	while (s->r.pc->data_tail != s->r.pc->data_head && drains++ < 10)
		assert_int_equal(ring_drain_some(&s->r, &consumer, s, false, 150), 0);
	assert_int_equal(drains, 2);		/* 200 more, then the last 100 */
	assert_false(s->r.cut);			/* the last one read every record */
	assert_got_all(s);
	assert_int_equal(s->recovered, 1);	/* the 60 bytes, before the last span */
	assert_int_equal(s->r.stats.recovered_bytes, 60);
	sim_free(s);
}

/* At the final drain every byte up to aux_head is handed over at once. */
static void test_final_drain(void **state)
{
	struct sim *s = sim_new();

	sim_put_aux(s, 700, false, 0);
	assert_int_equal(ring_drain(&s->r, &consumer, s, true), 0);
	assert_got_all(s);
	sim_free(s);
}

/* A record announced twice is handed over once. */
static void test_duplicate_record(void **state)
{
	struct sim *s = sim_new();
	struct perf_record_aux_layout rec = {
		.header = { .type = PERF_RECORD_AUX, .size = sizeof(rec) },
		.aux_offset = 0, .aux_size = 64,
	};

	sim_put_aux(s, 64, true, 0);
	sim_put_record(s, &rec, sizeof(rec));
	assert_int_equal(ring_drain(&s->r, &consumer, s, true), 0);
	assert_got_all(s);
	assert_int_equal(s->r.stats.duplicate_bytes, 64);
	sim_free(s);
}

/* A record with size 0 must not loop forever. */
static void test_malformed_record(void **state)
{
	struct sim *s = sim_new();
	struct perf_event_header h = { .type = PERF_RECORD_COMM, .size = 0 };
	uint8_t pad[8] = { 0 };

	memcpy(pad, &h, sizeof(h));
	sim_put_record(s, pad, 8);
	assert_int_equal(ring_drain(&s->r, &consumer, s, false), -EIO);
	sim_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wrap_everything),
		cmocka_unit_test(test_hold_aux),
		cmocka_unit_test(test_release_inside_aux),
		cmocka_unit_test(test_lost_record_gap),
		cmocka_unit_test(test_lost_record_tail),
		cmocka_unit_test(test_final_drain),
		cmocka_unit_test(test_drain_budget),
		cmocka_unit_test(test_duplicate_record),
		cmocka_unit_test(test_malformed_record),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
