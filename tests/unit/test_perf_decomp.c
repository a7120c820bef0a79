// SPDX-License-Identifier: GPL-2.0
/*
 * test_perf_decomp.c - records inside PERF_RECORD_COMPRESSED/COMPRESSED2
 * (lib/perf_data/perf_decomp.c) and their delivery by the perf.data reader: hand-made
 * zstd streams flushed mid-record like perf's, COMPRESSED2 padding, and bad
 * input (corrupt and truncated zstd, a data_size past the record, a record
 * decompressing past the limit; a file ending inside an inner record is
 * read to its end with a warning, as perf drops such a tail).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>
#include <cmocka.h>
#include "lib/perf_data/perf_data.h"
#include "lib/perf_data/perf_decomp.h"

/* Inner records: three of 16, 24 and 32 bytes, each filled with its index. */
static size_t make_inner(uint8_t *buf)
{
	size_t n = 0;

	for (int i = 0; i < 3; i++) {
		struct perf_event_header h = { .type = PERF_RECORD_COMM, .misc = i,
					       .size = 16 + 8 * i };

		memset(buf + n, 0x40 + i, h.size);
		memcpy(buf + n, &h, sizeof(h));
		n += h.size;
	}
	return n;
}

/*
 * perf's writer: one zstd stream, flushed (not ended) at the end of each
 * output record. Compresses src[0..cut) and src[cut..n) into two
 * COMPRESSED (or COMPRESSED2) records at out; returns their sizes.
 */
static void compress_two(const uint8_t *src, size_t n, size_t cut, bool v2, uint8_t *out,
			 size_t *sz1, size_t *sz2)
{
	ZSTD_CStream *cs = ZSTD_createCStream();
	size_t hdr = v2 ? 16 : 8, off = 0;

	assert_non_null(cs);
	assert_false(ZSTD_isError(ZSTD_initCStream(cs, 1)));
	for (int part = 0; part < 2; part++) {
		ZSTD_inBuffer in = { src + (part ? cut : 0), part ? n - cut : cut, 0 };
		ZSTD_outBuffer o = { out + off + hdr, 4096, 0 };
		struct perf_event_header h = { .type = v2 ? PERF_RECORD_COMPRESSED2 :
							    PERF_RECORD_COMPRESSED };
		uint64_t data_size;

		while (in.pos < in.size)
			assert_false(ZSTD_isError(ZSTD_compressStream(cs, &o, &in)));
		assert_int_equal(ZSTD_flushStream(cs, &o), 0);
		data_size = o.pos;
		h.size = hdr + (v2 ? (data_size + 7) / 8 * 8 : data_size);
		memset(out + off + hdr + data_size, 0, h.size - hdr - data_size);
		memcpy(out + off, &h, sizeof(h));
		if (v2)
			memcpy(out + off + 8, &data_size, 8);
		*(part ? sz2 : sz1) = h.size;
		off += h.size;
	}
	ZSTD_freeCStream(cs);
}

static void check_stream(bool v2)
{
	uint8_t src[72], out[2 * 4096 + 64] __attribute__((aligned(8)));
	const struct perf_event_header *h;
	size_t n = make_inner(src), sz1, sz2;
	struct pd_decomp *d = pd_decomp_new();
	char err[256];

	assert_int_equal(n, 72);
	/* the cut is inside the second record (16 + 24 bytes end at 40) */
	compress_two(src, n, 20, v2, out, &sz1, &sz2);
	assert_non_null(d);
	assert_int_equal(pd_decomp_feed(d, (const void *)out, 100, 0, err, sizeof(err)), 0);
	assert_int_equal(pd_decomp_next(d, &h, err, sizeof(err)), 1);
	assert_int_equal(h->size, 16);
	assert_int_equal(((const uint8_t *)h)[15], 0x40);
	assert_int_equal(pd_decomp_next(d, &h, err, sizeof(err)), 0);
	assert_int_equal(pd_decomp_pending(d), 4);
	assert_int_equal(pd_decomp_feed(d, (const void *)(out + sz1), 200, 0, err, sizeof(err)),
			 0);
	for (int i = 1; i < 3; i++) {
		assert_int_equal(pd_decomp_next(d, &h, err, sizeof(err)), 1);
		assert_int_equal(h->size, 16 + 8 * i);
		assert_int_equal(h->misc, i);
		assert_int_equal(((const uint8_t *)h)[h->size - 1], 0x40 + i);
	}
	assert_int_equal(pd_decomp_next(d, &h, err, sizeof(err)), 0);
	assert_int_equal(pd_decomp_pending(d), 0);
	pd_decomp_free(d);
}

static void test_split_records(void **state)
{
	check_stream(false);
}

static void test_compressed2(void **state)
{
	check_stream(true);
}

/* A COMPRESSED record holding DATA (len bytes) at out. */
static const struct perf_event_header *wrap(uint8_t *out, const void *data, size_t len)
{
	struct perf_event_header h = { .type = PERF_RECORD_COMPRESSED, .size = 8 + len };

	memcpy(out, &h, 8);
	memcpy(out + 8, data, len);
	return (const void *)out;
}

static void test_corrupt(void **state)
{
	static const uint8_t junk[32] = "this is not a zstd frame at all";
	uint8_t out[64] __attribute__((aligned(8)));
	const struct perf_event_header *h;
	struct pd_decomp *d = pd_decomp_new();
	char err[256] = "";

	assert_int_equal(pd_decomp_feed(d, wrap(out, junk, sizeof(junk)), 8, 0, err,
					sizeof(err)), 0);
	assert_int_equal(pd_decomp_next(d, &h, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "corrupt"));
	pd_decomp_free(d);
}

/* A frame cut inside its only block decompresses to nothing: an error. */
static void test_truncated(void **state)
{
	uint8_t src[72], frame[256], out[300] __attribute__((aligned(8)));
	size_t n = make_inner(src), fn = ZSTD_compress(frame, sizeof(frame), src, n, 1);
	const struct perf_event_header *h;
	struct pd_decomp *d = pd_decomp_new();
	char err[256] = "";

	assert_false(ZSTD_isError(fn));
	assert_int_equal(pd_decomp_feed(d, wrap(out, frame, fn - 6), 8, 0, err, sizeof(err)), 0);
	assert_int_equal(pd_decomp_next(d, &h, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "decompress to nothing"));
	pd_decomp_free(d);
}

/* COMPRESSED2 whose data_size is past its record; an inner size below 8. */
static void test_bad_sizes(void **state)
{
	uint64_t rec[4] = { 0 };
	struct perf_event_header h = { .type = PERF_RECORD_COMPRESSED2, .size = 32 };
	uint8_t bad[8] = { 1, 0, 0, 0, 0, 0, 4, 0 }, frame[64];
	uint8_t out[96] __attribute__((aligned(8)));
	const struct perf_event_header *in;
	struct pd_decomp *d = pd_decomp_new();
	uint64_t claim = 17;
	char err[256] = "";
	size_t fn;

	memcpy(rec, &h, 8);
	memcpy(&rec[1], &claim, 8);
	assert_int_equal(pd_decomp_feed(d, (const void *)rec, 8, 0, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "data_size 17 exceeds"));
	fn = ZSTD_compress(frame, sizeof(frame), bad, sizeof(bad), 1);
	assert_false(ZSTD_isError(fn));
	assert_int_equal(pd_decomp_feed(d, wrap(out, frame, fn), 8, 0, err, sizeof(err)), 0);
	assert_int_equal(pd_decomp_next(d, &in, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "less than its header"));
	pd_decomp_free(d);
}

/* SIZE bytes of RSIZE-byte records compressed into one COMPRESSED record at *out. */
static const struct perf_event_header *records_bomb(size_t size, uint16_t rsize, uint8_t **out)
{
	size_t bound = ZSTD_compressBound(size), fn;
	struct perf_event_header rh = { .type = PERF_RECORD_FINISHED_ROUND, .size = rsize };
	uint8_t *src = malloc(size), *frame = malloc(bound);

	*out = malloc(bound + 8);
	assert_non_null(src);
	assert_non_null(frame);
	assert_non_null(*out);
	memset(src, 0, size);
	for (size_t i = 0; i + rsize <= size; i += rsize)
		memcpy(src + i, &rh, sizeof(rh));
	/* as perf writes: a stream flushed, not ended (no content size) */
	{
		ZSTD_CStream *cs = ZSTD_createCStream();
		ZSTD_inBuffer in = { src, size, 0 };
		ZSTD_outBuffer o = { frame, bound, 0 };

		assert_false(ZSTD_isError(ZSTD_initCStream(cs, 1)));
		while (in.pos < in.size)
			assert_false(ZSTD_isError(ZSTD_compressStream(cs, &o, &in)));
		assert_int_equal(ZSTD_flushStream(cs, &o), 0);
		ZSTD_freeCStream(cs);
		fn = o.pos;
	}
	assert_true(fn < 65535 - 8);
	wrap(*out, frame, fn);
	free(src);
	free(frame);
	return (const void *)*out;
}

/*
 * A 44-byte stream that decodes to 150000 bytes: zstd takes all the input
 * in the first call and keeps what did not fit the window; every record
 * must still come out (a real perf -z file lost 266 of 4752 samples so).
 */
static void test_drain(void **state)
{
	uint8_t *out;
	const struct perf_event_header *h, *c = records_bomb(150000, 8, &out);
	struct pd_decomp *d = pd_decomp_new();
	char err[256] = "";
	size_t got = 0;
	int ret;

	assert_int_equal(pd_decomp_feed(d, c, 8, 0, err, sizeof(err)), 0);
	while ((ret = pd_decomp_next(d, &h, err, sizeof(err))) == 1)
		got += h->size;
	assert_int_equal(ret, 0);
	assert_int_equal(got, 150000);
	assert_int_equal(pd_decomp_pending(d), 0);
	pd_decomp_free(d);
	free(out);
}

/* 4 MiB of 8-byte records in a tiny frame, read with a 1 MiB limit. */
static void test_limit(void **state)
{
	uint8_t *out;
	const struct perf_event_header *h, *c = records_bomb(4 << 20, 8, &out);
	struct pd_decomp *d = pd_decomp_new();
	char err[256] = "";
	size_t got = 0;
	int ret;

	assert_int_equal(pd_decomp_feed(d, c, 8, 1 << 20, err, sizeof(err)), 0);
	while ((ret = pd_decomp_next(d, &h, err, sizeof(err))) == 1)
		got += h->size;
	assert_int_equal(ret, -EINVAL);
	assert_non_null(strstr(err, "more than 1048576 bytes"));
	assert_true(got <= 1 << 20);
	assert_true(got >= (1 << 20) - PD_DECOMP_WINDOW);
	pd_decomp_free(d);
	free(out);
}

/*
 * Through the reader: a file whose COMPRESSED records hold three records,
 * one of them cut between the two; then the same file without the second
 * COMPRESSED record ends inside a record: a warning naming it.
 */
static void test_reader(void **state)
{
	struct perf_event_attr attr = { .type = 1, .size = sizeof(attr) };
	uint8_t src[72], out[2 * 4096 + 64] __attribute__((aligned(8)));
	uint64_t second[4096 / 8 + 8];
	size_t n = make_inner(src), sz1, sz2;
	char path[64];
	uint64_t offs[8];
	uint32_t types[8];
	bool comp[8];
	struct pd_record rec;
	struct pd_reader *r;
	struct pd_writer *w;
	int ret, nr = 0;

	compress_two(src, n, 20, false, out, &sz1, &sz2);
	snprintf(path, sizeof(path), "/tmp/test_perf_decomp.%d", getpid());
	for (int pass = 0; pass < 2; pass++) {
		unlink(path);
		assert_int_equal(pd_writer_create(path, &w, NULL, 0), 0);
		assert_int_equal(pd_writer_add_attr(w, &attr, NULL, 0, "ev"), 0);
		assert_int_equal(pd_write_record(w, (const void *)out), 0);
		if (!pass) {	/* the writer takes an aligned record */
			memcpy(second, out + sz1, sz2);
			assert_int_equal(pd_write_record(w, (const void *)second), 0);
		}
		assert_int_equal(pd_write_finished_round(w), 0);
		assert_int_equal(pd_writer_finish(w), 0);
		assert_int_equal(pd_reader_open(path, &r, NULL, 0), 0);
		nr = 0;
		while ((ret = pd_reader_next(r, &rec)) > 0 && nr < 8) {
			offs[nr] = rec.offset;
			types[nr] = rec.hdr->type;
			comp[nr++] = rec.compressed;
		}
		if (!pass) {
			assert_int_equal(ret, 0);
			assert_int_equal(nr, 6);
			assert_int_equal(types[0], PERF_RECORD_COMPRESSED);
			assert_int_equal(types[1], PERF_RECORD_COMM);
			assert_true(comp[1] && offs[1] == offs[0]);
			assert_int_equal(types[2], PERF_RECORD_COMPRESSED);
			assert_int_equal(offs[2], offs[0] + sz1);
			assert_true(comp[3] && comp[4] && offs[3] == offs[2] && offs[4] == offs[2]);
			assert_true(types[5] == PERF_RECORD_FINISHED_ROUND && !comp[5]);
			assert_null(pd_reader_warning(r));
		} else {
			/* perf drops such a tail: the reader goes on and warns */
			assert_int_equal(ret, 0);
			assert_int_equal(nr, 3);
			assert_non_null(pd_reader_warning(r));
			assert_non_null(strstr(pd_reader_warning(r), "end inside a record"));
		}
		pd_reader_close(r);
	}
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_records),
		cmocka_unit_test(test_compressed2),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_bad_sizes),
		cmocka_unit_test(test_drain),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_reader),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
