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

/* the overlap of cur with the previous snapshot of area idx; cur is kept */
static size_t seam_of(struct pt_snapshot_prev *p, uint32_t idx, const uint8_t *cur, size_t len,
		      struct pt_snapshot_seam *seam)
{
	pt_snapshot_seam(p, idx, cur, len, seam);
	pt_snapshot_keep(p, idx, cur, len, 0);
	return seam->overlap;
}

static void test_seam_per_area(void **state)
{
	struct pt_snapshot_prev p = { 0 };
	struct pt_snapshot_seam seam;

	(void)state;
	fill_stream();
	assert_int_equal(seam_of(&p, 3, stream + 1000, 4000, &seam), 0);
	assert_int_equal(seam_of(&p, 0, stream + 1500, 4000, &seam), 0);	/* another area */
	assert_int_equal(seam_of(&p, 3, stream + 2000, 4000, &seam), 3000);
	assert_int_equal(seam.prev_len, 4000);
	assert_int_equal(seam_of(&p, 0, stream + 5000, 4000, &seam), 500);
	assert_int_equal(seam_of(&p, 3, stream + 9000, 4000, &seam), 0);
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
	assert_int_equal(seam_of(&p, 0, padded, sizeof(padded), &seam), 0);
	assert_int_equal(seam_of(&p, 0, stream, 8272, &seam), 433);
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

	(void)state;
	fill_stream();
	pt_snapshot_keep(&p, 1, stream + 1000, 3003, 2);	/* [1000, 4003), 2 bytes cut */
	pt_snapshot_seam(&p, 1, stream + 3000, 4000, &seam);
	assert_int_equal(seam.overlap, 1003);
	assert_int_equal(seam.prev_len, 3003);
	assert_int_equal(seam.cut, 2);
	assert_memory_equal(seam.prev, stream + 1000, 3003);
	/* keeping the next one forgets the cut */
	pt_snapshot_keep(&p, 1, stream + 3000, 4000, 0);
	pt_snapshot_seam(&p, 1, stream + 5000, 4000, &seam);
	assert_int_equal(seam.overlap, 2000);
	assert_int_equal(seam.cut, 0);
	pt_snapshot_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_overlap_exact),
		cmocka_unit_test(test_overlap_short_not_counted),
		cmocka_unit_test(test_overlap_repeating_data),
		cmocka_unit_test(test_seam_per_area),
		cmocka_unit_test(test_seam_after_padding),
		cmocka_unit_test(test_seam_cut_packet),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
