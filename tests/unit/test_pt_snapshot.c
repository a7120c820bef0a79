// SPDX-License-Identifier: GPL-2.0
/*
 * test_pt_snapshot.c - lib/util/snapshot_overlap.c and
 * decoders/intel_pt/pt_snapshot.c: the overlap of two snapshots of one AUX
 * area (the newest bytes of a stream, taken twice) is exactly what they
 * share, whatever the sizes, the longest one when the data repeats, none
 * under 16 bytes; the zeros perf pads a chunk with are told from trace by
 * the next snapshot; areas are tracked apart; a packet the previous
 * snapshot cut is where its seam ends.
 */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "decoders/intel_pt/pt_snapshot.h"
#include "lib/util/snapshot_overlap.h"

#define STREAM 20000
static uint8_t stream[STREAM];

static void fill_stream(void)
{
	uint32_t x = 12345;

	for (size_t i = 0; i < STREAM; i++) {
		x = x * 1103515245 + 12345;
		stream[i] = (uint8_t)(x >> 16);
	}
}

/* snapshot = stream[end - len, end) */
static size_t overlap_of(size_t end1, size_t len1, size_t end2, size_t len2)
{
	return snapshot_overlap(stream + end1 - len1, len1, stream + end2 - len2, len2);
}

static void test_overlap_exact(void **state)
{
	(void)state;
	fill_stream();
	/* 4096-byte snapshots 1000 bytes apart share 3096 */
	assert_int_equal(overlap_of(8000, 4096, 9000, 4096), 3096);
	/* a smaller second snapshot inside the first's span */
	assert_int_equal(overlap_of(8000, 4096, 8100, 500), 400);
	/* a larger second one: the first was taken before the area wrapped */
	assert_int_equal(overlap_of(1000, 1000, 6000, 6000), 1000);
	assert_int_equal(overlap_of(1000, 1000, 7000, 6500), 500);
	/* adjacent, apart, same end */
	assert_int_equal(overlap_of(8000, 4096, 12096, 4096), 0);
	assert_int_equal(overlap_of(8000, 4096, 15000, 4096), 0);
	assert_int_equal(overlap_of(8000, 4096, 8000, 4096), 4096);
	/* overlaps shorter than the 256-byte needle, and under 16 bytes */
	assert_int_equal(overlap_of(8000, 4096, 12000, 4096), 96);
}

static void test_overlap_short_not_counted(void **state)
{
	(void)state;
	fill_stream();
	assert_int_equal(overlap_of(8000, 4096, 12081, 4096), 0);
	assert_int_equal(overlap_of(8000, 4096, 12080, 4096), 16);
}

static void test_overlap_repeating_data(void **state)
{
	uint8_t a[1024], b[1024];

	(void)state;
	/* all zeros (PAD): the longest overlap is everything */
	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	assert_int_equal(snapshot_overlap(a, sizeof(a), b, 600), 600);
	assert_int_equal(snapshot_overlap(a, 600, b, sizeof(b)), 600);
}

/* the chunk of a snapshot at stream offset off */
static struct aux_chunk chunk_at(uint32_t idx, const uint8_t *data, size_t len, uint64_t off)
{
	return (struct aux_chunk){ .data = data, .size = len, .aux_offset = off, .idx = idx };
}

/* the overlap of cur (at stream offset off) with the previous snapshot of area idx; kept */
static size_t seam_of(struct pt_snapshot_prev *p, uint32_t idx, const uint8_t *cur, size_t len,
		      uint64_t off, struct pt_snapshot_seam *seam)
{
	struct aux_chunk c = chunk_at(idx, cur, len, off);

	pt_snapshot_seam(p, &c, seam);
	pt_snapshot_keep(p, &c, 0);
	return seam->overlap;
}

/* The longest k whose last k bytes of prev are cur's first k, by trying each. */
static size_t overlap_brute(const uint8_t *prev, size_t prev_len, const uint8_t *cur,
			    size_t cur_len)
{
	for (size_t k = prev_len < cur_len ? prev_len : cur_len; k >= 16; k--)
		if (!memcmp(prev + prev_len - k, cur, k))
			return k;
	return 0;
}

/*
 * Bytes that repeat with a short period (a loop's trace without time),
 * each needle match a candidate that fails late: past its budget the
 * search goes linear (overlap_kmp) and must give what trying each k gives.
 */
static void test_overlap_repeating_fails_late(void **state)
{
	enum { LEN = 8192 };
	static uint8_t prev[LEN], cur[LEN];
	unsigned int seed = 7;

	(void)state;
	for (int round = 0; round < 40; round++) {
		size_t period = 1 + round % 23, differ = LEN / 2 + (size_t)(rand_r(&seed) % (LEN / 2));
		size_t phase = (size_t)rand_r(&seed) % period, prefix = (size_t)rand_r(&seed) % 2048;

		for (size_t i = 0; i < LEN; i++) {
			prev[i] = i < prefix ? (uint8_t)rand_r(&seed) : (uint8_t)(0x40 + i % period);
			cur[i] = (uint8_t)(0x40 + (i + phase + LEN) % period);
		}
		if (round % 2)
			cur[differ] ^= 0x80;	/* every long candidate fails there */
		assert_int_equal(snapshot_overlap(prev, LEN, cur, LEN),
				 overlap_brute(prev, LEN, cur, LEN));
		assert_int_equal(snapshot_overlap(prev, LEN, cur, LEN / 3),
				 overlap_brute(prev, LEN, cur, LEN / 3));
	}
}

static void test_seam_per_area(void **state)
{
	struct pt_snapshot_prev p = { 0 };
	struct pt_snapshot_seam seam;

	(void)state;
	fill_stream();
	assert_int_equal(seam_of(&p, 3, stream + 1000, 4000, 1000, &seam), 0);
	assert_int_equal(seam_of(&p, 0, stream + 1500, 4000, 1500, &seam), 0);	/* another area */
	assert_int_equal(seam_of(&p, 3, stream + 2000, 4000, 2000, &seam), 3000);
	assert_int_equal(seam.prev_len, 4000);
	assert_int_equal(seam_of(&p, 0, stream + 5000, 4000, 5000, &seam), 500);
	assert_int_equal(seam_of(&p, 3, stream + 9000, 4000, 9000, &seam), 0);
	pt_snapshot_free(&p);
}

/* a chunk padded with zeros to 8 bytes: the next one has data there */
static void test_seam_after_padding(void **state)
{
	struct pt_snapshot_prev p = { 0 };
	struct pt_snapshot_seam seam;
	uint8_t padded[440];
	size_t overlap;

	(void)state;
	fill_stream();
	stream[432] = 0x5a;	/* not zero, so only padding is taken off */
	stream[433] = 0x11;	/* the next snapshot's byte where padding was */
	memcpy(padded, stream, 433);
	memset(padded + 433, 0, 7);
	assert_int_equal(snapshot_padding(padded, sizeof(padded), stream, 8272, &overlap), 7);
	assert_int_equal(overlap, 433);
	/* zeros the next snapshot has too are trace, not padding */
	stream[433] = 0;
	assert_int_equal(snapshot_padding(padded, sizeof(padded), stream, 8272, &overlap), 6);
	assert_int_equal(overlap, 434);
	stream[433] = 0x11;
	assert_int_equal(seam_of(&p, 0, padded, sizeof(padded), 0, &seam), 0);
	assert_int_equal(seam_of(&p, 0, stream, 8272, 0, &seam), 433);
	assert_int_equal(seam.prev_len, 433);
	/* no overlap: nothing is known of the padding */
	assert_int_equal(snapshot_padding(padded, sizeof(padded), stream + 9000, 4000, &overlap), 0);
	assert_int_equal(overlap, 0);
	pt_snapshot_free(&p);
}

/* a snapshot that cut a packet: the seam says where its decode ended */
static void test_seam_cut_packet(void **state)
{
	struct pt_snapshot_prev p = { 0 };
	struct pt_snapshot_seam seam;
	struct aux_chunk a = chunk_at(1, stream + 1000, 3003, 1000);
	struct aux_chunk b = chunk_at(1, stream + 3000, 4000, 3000);
	struct aux_chunk c = chunk_at(1, stream + 5000, 4000, 5000);

	(void)state;
	fill_stream();

	pt_snapshot_keep(&p, &a, 2);	/* [1000, 4003), 2 bytes cut */
	pt_snapshot_seam(&p, &b, &seam);
	assert_int_equal(seam.overlap, 1003);
	assert_int_equal(seam.prev_len, 3003);
	assert_int_equal(seam.cut, 2);
	assert_memory_equal(seam.prev, stream + 1000, 3003);
	/* keeping the next one forgets the cut */
	pt_snapshot_keep(&p, &b, 0);
	pt_snapshot_seam(&p, &c, &seam);
	assert_int_equal(seam.overlap, 2000);
	assert_int_equal(seam.cut, 0);
	pt_snapshot_free(&p);
}

/*
 * A looping program's Intel PT trace: every 512 bytes a PSB+ (PSB, a TSC
 * of a later time each, PSBEND), between them the same 4 TNT bytes over
 * and over. timed 0: no TSC in the PSB+ (TSC off).
 */
#define PSB_EVERY 512
static uint8_t pt[16384];

static void fill_pt(bool timed)
{
	static const uint8_t body[4] = { 0x06, 0x0a, 0x12, 0x22 };
	size_t i = 0;

	for (uint64_t tsc = 0x1000; i < sizeof(pt); tsc += 0x777) {
		size_t end = i + PSB_EVERY;

		for (int k = 0; k < 8; k++) {
			pt[i++] = 0x02;
			pt[i++] = 0x82;
		}
		if (timed) {
			pt[i++] = 0x19;
			for (int k = 0; k < 7; k++)
				pt[i++] = (uint8_t)(tsc >> (8 * k));
		}
		pt[i++] = 0x02;
		pt[i++] = 0x23;
		for (size_t k = 0; i < end && i < sizeof(pt); k++)
			pt[i++] = body[k % 4];
	}
}

static void test_continues_rule(void **state)
{
	(void)state;
	assert_false(snapshot_continues(0, true, SNAPSHOT_CLOCK_INSIDE));
	assert_true(snapshot_continues(100, true, SNAPSHOT_CLOCK_OUTSIDE));
	assert_true(snapshot_continues(100, false, SNAPSHOT_CLOCK_INSIDE));
	assert_true(snapshot_continues(100, false, SNAPSHOT_CLOCK_NONE));
	assert_false(snapshot_continues(100, false, SNAPSHOT_CLOCK_OUTSIDE));
}

/* the seam the offsets give, when the bytes are equal there */
static void test_seam_at_offset(void **state)
{
	size_t overlap;
	bool at;

	(void)state;
	fill_stream();
	/* [1000, 5000) then [4700, 8700) */
	assert_int_equal(snapshot_seam(stream + 1000, 4000, 1000, stream + 4700, 4000, 4700,
				       &overlap, &at), 0);
	assert_int_equal(overlap, 300);
	assert_true(at);
	/*
	 * an Intel PT head, an offset in an area of 8192 bytes: the first
	 * written one area further (wrapped), the next at its head, which
	 * passed the area's end between them
	 */
	assert_int_equal(snapshot_seam(stream + 1000, 4000, 1000 + 8192, stream + 4700, 4000,
				       4700, &overlap, &at), 0);
	assert_int_equal(overlap, 300);
	assert_true(at);
	/* 7000 bytes off is no area's size; before the first's end: the bytes decide */
	assert_int_equal(snapshot_seam(stream + 1000, 4000, 1000 + 7000, stream + 4700, 4000,
				       4700, &overlap, &at), 0);
	assert_int_equal(overlap, 300);
	assert_false(at);
	assert_int_equal(snapshot_seam(stream + 1000, 4000, 1000, stream + 4700, 4000,
				       4700 - 8192, &overlap, &at), 0);
	assert_int_equal(overlap, 300);
	assert_false(at);
	/* offsets that give bytes not equal, and under 16 bytes: not taken */
	assert_int_equal(snapshot_seam(stream + 1000, 4000, 1000, stream + 4700, 4000, 4701,
				       &overlap, &at), 0);
	assert_false(at);
	assert_int_equal(overlap, 300);
	snapshot_seam(stream + 1000, 4000, 1000, stream + 4990, 4000, 4990, &overlap, &at);
	assert_int_equal(overlap, 0);
	assert_false(at);
}

static void test_clock(void **state)
{
	(void)state;
	fill_pt(true);
	/* [0, 1100): the TSC at 1040 lies in the last 60 bytes, not in the last 59 */
	assert_int_equal(pt_snapshot_clock(pt, 1100, 70), SNAPSHOT_CLOCK_INSIDE);
	assert_int_equal(pt_snapshot_clock(pt, 1100, 60), SNAPSHOT_CLOCK_INSIDE);
	assert_int_equal(pt_snapshot_clock(pt, 1100, 59), SNAPSHOT_CLOCK_OUTSIDE);
	assert_int_equal(pt_snapshot_clock(pt + 200, 900, 59), SNAPSHOT_CLOCK_OUTSIDE);
	/* no PSB before the overlap: read from the one in it */
	assert_int_equal(pt_snapshot_clock(pt + 600, 500, 500), SNAPSHOT_CLOCK_INSIDE);
	/* no PSB at all, or no TSC */
	assert_int_equal(pt_snapshot_clock(pt + 30, 400, 100), SNAPSHOT_CLOCK_NONE);
	fill_pt(false);
	assert_int_equal(pt_snapshot_clock(pt, 1100, 70), SNAPSHOT_CLOCK_NONE);
}

/* seam of pt[b, b + blen) at offset boff after pt[a, a + alen) at offset aoff */
static size_t pt_seam(size_t a, size_t alen, uint64_t aoff, size_t b, size_t blen, uint64_t boff)
{
	struct pt_snapshot_prev p = { 0 };
	struct pt_snapshot_seam seam;
	struct aux_chunk prev = chunk_at(0, pt + a, alen, aoff);
	struct aux_chunk cur = chunk_at(0, pt + b, blen, boff);

	pt_snapshot_keep(&p, &prev, 0);
	pt_snapshot_seam(&p, &cur, &seam);
	pt_snapshot_free(&p);
	return seam.overlap;
}

/*
 * A snapshot ending in the loop's TNT bytes and one after a gap that
 * starts with them: equal bytes, but no continuation.
 */
static void test_seam_chance_match(void **state)
{
	size_t overlap;

	(void)state;
	fill_pt(true);
	/* [1000, 3000) and [3100, 5100): 3100 is 1000 + 4 * 525, same phase */
	overlap = snapshot_overlap(pt + 1000, 2000, pt + 3100, 2000);
	assert_true(overlap >= 16);
	assert_int_equal(pt_seam(1000, 2000, 1000, 3100, 2000, 3100), 0);
	/* offsets that said so would be believed (exact where they are positions) */
	assert_int_equal(pt_seam(1000, 2000, 1000, 3100, 2000, 3000 - overlap), overlap);
	/* without TSC nothing tells: the bytes decide, as perf's content match */
	fill_pt(false);
	overlap = snapshot_overlap(pt + 1000, 2000, pt + 3100, 2000);
	assert_true(overlap >= 16);
	assert_int_equal(pt_seam(1000, 2000, 1000, 3100, 2000, 3100), overlap);
}

/*
 * A true continuation whose offsets tell nothing (neither its position
 * nor one area off): a TSC in the overlap tells it; without one it is
 * taken for a gap.
 */
static void test_seam_tsc_inside(void **state)
{
	(void)state;
	fill_pt(true);
	/* [1000, 3000), [2500, 4500): 500 bytes shared, the PSB+ at 2560 in them */
	assert_int_equal(pt_seam(1000, 2000, 1000, 2500, 2000, 2500 + 100000), 500);
	assert_int_equal(pt_seam(1000, 2000, 1000, 2500, 2000, 2500), 500);
	/* [1000, 3000), [2980, 4980): 20 bytes of TNT shared (92 equal) */
	assert_int_equal(pt_seam(1000, 2000, 1000, 2980, 2000, 2980), 20);
	assert_int_equal(pt_seam(1000, 2000, 1000, 2980, 2000, 2980 + 100000), 0);
	/* one area (4096) off: the head passed the area's end, the offsets tell */
	assert_int_equal(pt_seam(1000, 2000, 1000 + 4096, 2980, 2000, 2980), 20);
	assert_int_equal(pt_seam(1000, 2000, 1000 + 5000, 2980, 2000, 2980), 0);
}

/* the flag the session sets, weighed as the seam is */
static void test_continued_flag(void **state)
{
	struct aux_chunk c;

	(void)state;
	fill_pt(true);
	c = chunk_at(0, pt + 1000, 2000, 1000);
	assert_false(pt_snapshot_continued(&c));
	c.flags = AUX_CHUNK_F_CONTINUED;
	c.next_overlap = 500;	/* holds the PSB+ at 2560 */
	assert_true(pt_snapshot_continued(&c));
	c.next_overlap = 20;
	assert_false(pt_snapshot_continued(&c));
	c.flags |= AUX_CHUNK_F_AT_OFFSET;
	assert_true(pt_snapshot_continued(&c));
	fill_pt(false);
	c.flags = AUX_CHUNK_F_CONTINUED;
	assert_true(pt_snapshot_continued(&c));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_overlap_exact),
		cmocka_unit_test(test_overlap_short_not_counted),
		cmocka_unit_test(test_overlap_repeating_data),
		cmocka_unit_test(test_overlap_repeating_fails_late),
		cmocka_unit_test(test_seam_per_area),
		cmocka_unit_test(test_seam_after_padding),
		cmocka_unit_test(test_seam_cut_packet),
		cmocka_unit_test(test_continues_rule),
		cmocka_unit_test(test_seam_at_offset),
		cmocka_unit_test(test_clock),
		cmocka_unit_test(test_seam_chance_match),
		cmocka_unit_test(test_seam_tsc_inside),
		cmocka_unit_test(test_continued_flag),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
