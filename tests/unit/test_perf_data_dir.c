// SPDX-License-Identifier: GPL-2.0
/*
 * test_perf_data_dir.c - perf.data directories (lib/perf_data/perf_data_dir.c): a
 * hand-made `data` (one attr with sample_id_all and PERF_SAMPLE_TIME,
 * HEADER_DIR_FORMAT) and data.N files whose records come merged by time,
 * each file's in its order, untimed records behind the one before them,
 * ties to the lower file; empty files skipped; a cut data.N and an
 * unknown version give one error naming them.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "lib/perf_data/perf_data.h"

static char dir[64];

/* A FINISHED_ROUND-sized record of TYPE with a sample_id trailer of TIME. */
static size_t put_rec(uint8_t *p, uint32_t type, uint64_t time)
{
	struct perf_event_header h = { .type = type, .size = 16 };

	memcpy(p, &h, 8);
	memcpy(p + 8, &time, 8);
	return 16;
}

static void write_file(const char *name, const void *p, size_t n)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, n, f), n);
	fclose(f);
}

/* `data`: header, one attr, DATA (n bytes), the dir_format feature = VERSION. */
static void write_main(const uint8_t *data, size_t n, uint64_t version)
{
	uint8_t buf[1024] = { 0 };
	struct perf_file_header h = { .magic = PERF_MAGIC2, .size = sizeof(h) };
	struct perf_file_attr a = { 0 };
	size_t off = sizeof(h);
	struct perf_file_section s;

	a.attr.size = sizeof(a.attr);
	a.attr.type = PERF_TYPE_SOFTWARE;
	a.attr.sample_type = PERF_SAMPLE_TIME;
	a.attr.sample_id_all = 1;
	h.attr_size = sizeof(a);
	h.attrs = (struct perf_file_section){ off, sizeof(a) };
	memcpy(buf + off, &a, sizeof(a));
	off += sizeof(a);
	h.data = (struct perf_file_section){ off, n };
	memcpy(buf + off, data, n);
	off += n;
	h.features[0] = 1ULL << HEADER_DIR_FORMAT;
	s = (struct perf_file_section){ off + 16, 8 };
	memcpy(buf + off, &s, 16);
	memcpy(buf + off + 16, &version, 8);
	off += 24;
	memcpy(buf, &h, sizeof(h));
	write_file("data", buf, off);
}

static void make_dir(void)
{
	uint8_t m[64], d0[128], d1[128];
	size_t nm = 0, n0 = 0, n1 = 0;
	char path[128];

	snprintf(dir, sizeof(dir), "/tmp/test_perf_data_dir.%d", getpid());
	mkdir(dir, 0700);
	/* data: an untimed record (AUXTRACE_INFO-like), one at time 0 */
	nm += put_rec(m + nm, PERF_RECORD_FINISHED_INIT, 0);
	nm += put_rec(m + nm, PERF_RECORD_COMM, 0);
	/* data.0: 10, untimed, 30; data.1: 10, 20, 40; data.2: empty */
	n0 += put_rec(d0 + n0, PERF_RECORD_MMAP, 10);
	n0 += put_rec(d0 + n0, PERF_RECORD_FINISHED_ROUND, 0);
	n0 += put_rec(d0 + n0, PERF_RECORD_MMAP, 30);
	n1 += put_rec(d1 + n1, PERF_RECORD_COMM, 10);
	n1 += put_rec(d1 + n1, PERF_RECORD_COMM, 20);
	n1 += put_rec(d1 + n1, PERF_RECORD_COMM, 40);
	write_main(m, nm, PERF_DIR_VERSION);
	write_file("data.0", d0, n0);
	write_file("data.1", d1, n1);
	write_file("data.2", d1, 0);
	/* not regular files: skipped, as perf does (a FIFO would block) */
	snprintf(path, sizeof(path), "%s/data.3", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	snprintf(path, sizeof(path), "%s/data.7", dir);
	assert_int_equal(mkdir(path, 0700), 0);
}

static void remove_dir(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

static void test_merge(void **state)
{
	static const struct { const char *file; uint32_t type; uint64_t offset; } want[] = {
		{ NULL, PERF_RECORD_FINISHED_INIT, 0 }, { NULL, PERF_RECORD_COMM, 0 },
		{ "data.0", PERF_RECORD_MMAP, 0 }, { "data.0", PERF_RECORD_FINISHED_ROUND, 16 },
		{ "data.1", PERF_RECORD_COMM, 0 }, { "data.1", PERF_RECORD_COMM, 16 },
		{ "data.0", PERF_RECORD_MMAP, 32 }, { "data.1", PERF_RECORD_COMM, 32 },
	};
	struct pd_record rec;
	struct pd_reader *r;
	size_t i = 0;
	int ret;

	alarm(20);	/* a blocking open of the FIFO fails the test, not CI */
	make_dir();
	assert_int_equal(pd_reader_open(dir, &r, NULL, 0), 0);
	assert_true(pd_reader_is_dir(r));
	while ((ret = pd_reader_next(r, &rec)) == 1) {
		assert_true(i < sizeof(want) / sizeof(want[0]));
		assert_int_equal(rec.hdr->type, want[i].type);
		if (want[i].file) {
			assert_non_null(rec.file);
			assert_string_equal(rec.file, want[i].file);
			assert_int_equal(rec.offset, want[i].offset);
		} else {
			assert_null(rec.file);
		}
		i++;
	}
	assert_int_equal(ret, 0);
	assert_int_equal(i, sizeof(want) / sizeof(want[0]));
	pd_reader_close(r);
	remove_dir();
}

static void test_damaged(void **state)
{
	char path[128], err[512];
	struct pd_record rec;
	struct pd_reader *r;
	int ret;

	make_dir();
	snprintf(path, sizeof(path), "%s/data.1", dir);
	assert_int_equal(truncate(path, 40), 0);
	assert_int_equal(pd_reader_open(dir, &r, NULL, 0), 0);
	while ((ret = pd_reader_next(r, &rec)) == 1)
		;
	assert_int_equal(ret, -EINVAL);
	assert_non_null(strstr(pd_reader_error(r), "data.1: "));
	assert_non_null(strstr(pd_reader_error(r), "offset 32"));
	pd_reader_close(r);
	write_main((const uint8_t *)"", 0, 2);
	assert_int_equal(pd_reader_open(dir, &r, err, sizeof(err)), -ENOTSUP);
	assert_non_null(strstr(err, "version 2 is not supported"));
	remove_dir();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_damaged),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
