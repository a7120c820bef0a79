// SPDX-License-Identifier: GPL-2.0
/*
 * test_gather_copy.c - lib/util/gather_copy.c: segments of many sizes
 * (empty ones, ones smaller than a part, ones spanning several parts) come
 * out one after another, byte for byte, on 1 to 7 threads, and a total
 * below one part is copied by the caller alone. Segments with a file are
 * read from it (what their mapping holds is not used), and a file shorter
 * than its segments gives the rest from the mapping.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "lib/util/gather_copy.h"

/*
 * Copies segments cut at the given sizes from mapped (their p) and, with
 * fd >= 0, from that file at base onwards, compared with want.
 */
static void check_cut_from(const uint8_t *want, const uint8_t *mapped, int fd, uint64_t base,
			   const size_t *sizes, size_t nr, unsigned int threads)
{
	struct gather_seg segs[16];
	size_t total = 0;
	uint8_t *dst;
	const uint8_t *src = want;

	assert_true(nr <= 16);
	for (size_t i = 0; i < nr; i++) {
		segs[i] = (struct gather_seg){ .p = mapped + total, .n = sizes[i],
					       .fd = fd, .off = base + total };
		total += sizes[i];
	}
	dst = malloc(total + 64);
	assert_non_null(dst);
	memset(dst, 0xa5, total + 64);
	gather_copy(dst, segs, nr, threads);
	assert_memory_equal(dst, src, total);
	for (size_t i = total; i < total + 64; i++)
		assert_int_equal(dst[i], 0xa5);	/* nothing written past the end */
	free(dst);
}

/* Copies segments cut from src at the given sizes, compared with src. */
static void check_cut(const uint8_t *src, const size_t *sizes, size_t nr, unsigned int threads)
{
	check_cut_from(src, src, -1, 0, sizes, nr, threads);
}

static void test_segments_in_order(void **state)
{
	const size_t mib = (size_t)1 << 20;
	const size_t cuts[][6] = {
		{ 37 * mib + 3, 0, 0, 0, 0, 0 },			/* one segment */
		{ 18 * mib + 5, 18 * mib - 1, 0, 0, 0, 0 },		/* two, as perf writes */
		{ 1, 0, 9 * mib + 7, 3, 11 * mib, 4096 },		/* empty and tiny ones */
		{ 5 * mib, 5 * mib, 5 * mib, 5 * mib, 5 * mib, 5 * mib },
	};
	size_t total = 40 * mib;
	uint8_t *src = malloc(total);

	(void)state;
	assert_non_null(src);
	for (size_t i = 0; i < total; i++)
		src[i] = (uint8_t)(i * 131 + (i >> 13));
	for (size_t c = 0; c < sizeof(cuts) / sizeof(cuts[0]); c++) {
		size_t nr = 6;

		while (nr > 1 && !cuts[c][nr - 1])
			nr--;
		for (unsigned int threads = 1; threads <= 7; threads++)
			check_cut(src, cuts[c], nr, threads);
	}
	free(src);
}

static void test_small_total(void **state)
{
	const size_t sizes[] = { 100, 0, GATHER_PART - 200, 7 };
	uint8_t *src = malloc(GATHER_PART);

	(void)state;
	assert_non_null(src);
	for (size_t i = 0; i < GATHER_PART; i++)
		src[i] = (uint8_t)(i ^ (i >> 8));
	check_cut(src, sizes, 4, 4);
	check_cut(src, sizes, 0, 2);	/* nothing at all */
	free(src);
}

/* A temporary file holding `base` zero bytes, then n bytes of src. */
static int file_of(const uint8_t *src, size_t n, uint64_t base)
{
	char path[] = "/tmp/test_gather_copy.XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(ftruncate(fd, (off_t)base), 0);
	assert_int_equal(pwrite(fd, src, n, (off_t)base), (ssize_t)n);
	return fd;
}

static void test_segments_from_file(void **state)
{
	const size_t mib = (size_t)1 << 20;
	const size_t sizes[] = { 3 * mib + 5, 0, 4 * mib - 1, 7, 2 * mib };
	const size_t total = 9 * mib + 11;
	const uint64_t base = 12345;
	uint8_t *src = malloc(total), *other = malloc(total);
	int fd;

	(void)state;
	assert_non_null(src);
	assert_non_null(other);
	for (size_t i = 0; i < total; i++) {
		src[i] = (uint8_t)(i * 7 + (i >> 11));
		other[i] = (uint8_t)~src[i];
	}
	/* the file's bytes, not the mapping's */
	fd = file_of(src, total, base);
	for (unsigned int threads = 1; threads <= 5; threads += 2)
		check_cut_from(src, other, fd, base, sizes, 5, threads);
	close(fd);
	/* a file cut short: the rest from the mapping */
	fd = file_of(src, 5 * mib, base);
	memcpy(other, src, total);
	memset(other, 0, 5 * mib);
	for (unsigned int threads = 1; threads <= 5; threads += 2)
		check_cut_from(src, other, fd, base, sizes, 5, threads);
	close(fd);
	/* a descriptor that cannot be read: all from the mapping */
	check_cut_from(src, src, 1 << 20, base, sizes, 5, 3);
	free(src);
	free(other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_segments_in_order),
		cmocka_unit_test(test_small_total),
		cmocka_unit_test(test_segments_from_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
