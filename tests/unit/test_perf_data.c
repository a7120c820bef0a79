// SPDX-License-Identifier: GPL-2.0
/*
 * test_perf_data.c - the perf.data writer and reader: a written file reads
 * back record for record with its attrs and features; truncated and
 * corrupted copies give one clean error (run under SANITIZE=1 for OOB);
 * held AUXTRACE payloads go out in order at the flush, and a write error
 * leaves only whole records.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>
#include <cmocka.h>
#include "lib/perf_data/perf_data.h"

static char path[64];
static uint8_t *file;
static size_t file_len;

static void write_sample_file(void)
{
	struct perf_event_attr attr = { .type = 10, .size = sizeof(attr) };
	struct perf_event_mmap_page pc = { .time_shift = 3, .time_mult = 7,
					   .cap_user_time_zero = 1 };
	uint64_t ids[2] = { 11, 12 }, priv[3] = { 1, 2, 3 };
	uint8_t payload[13] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13 };
	struct iovec iov[2] = { { payload, 5 }, { payload + 5, 8 } };
	struct pd_auxtrace_desc d = { .offset = 64, .reference = 5, .idx = 1, .tid = 7,
				      .cpu = 2 };
	/* COMM: header, pid/tid, an 8-byte name, a 16-byte sample id trailer */
	uint64_t comm_words[5];
	struct perf_rec_comm *comm = (void *)comm_words;
	struct pd_sample_id sid = { .pid = 7, .tid = 8, .time = 99, .id = 12 };
	struct pd_writer *w;
	char *argv[] = { "prog", "arg" };
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/test_perf_data.%d", getpid());
	unlink(path);
	assert_int_equal(pd_writer_create(path, &w, NULL, 0), 0);
	attr.sample_type = PERF_SAMPLE_TID | PERF_SAMPLE_ID;
	attr.sample_id_all = 1;
	assert_int_equal(pd_writer_add_attr(w, &attr, ids, 1, "ev0"), 0);
	assert_int_equal(pd_writer_add_ids(w, 0, ids + 1, 1), 0);
	pd_writer_set_cmdline(w, 2, argv);
	pd_writer_add_pmu_mapping(w, 10, "intel_pt");
	assert_int_equal(pd_write_auxtrace_info(w, 1, priv, 3), 0);
	assert_int_equal(pd_write_time_conv(w, &pc), 0);
	memset(comm_words, 0, sizeof(comm_words));
	comm->header.type = PERF_RECORD_COMM;
	comm->header.size = sizeof(comm_words);
	comm->pid = 7;
	strcpy(comm->comm, "x");
	pd_sample_id_write(&comm_words[3], attr.sample_type, &sid);
	assert_int_equal(pd_write_record(w, &comm->header), 0);
	assert_int_equal(pd_writer_checkpoint(w), 0);
	assert_int_equal(pd_write_auxtrace(w, iov, 2, &d), 0);
	assert_int_equal(pd_write_finished_round(w), 0);
	assert_int_equal(pd_writer_finish(w), 0);

	f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	file_len = ftell(f);
	rewind(f);
	free(file);
	file = malloc(file_len);
	assert_int_equal(fread(file, 1, file_len, f), file_len);
	fclose(f);
}

static void test_roundtrip(void **state)
{
	struct pd_reader *r;
	struct pd_record rec;
	struct pd_sample_id sid;
	uint32_t types[8];
	int n = 0, ret;
	const struct pd_features *f;

	write_sample_file();
	assert_int_equal(pd_reader_open(path, &r, NULL, 0), 0);
	assert_false(pd_reader_is_pipe(r));
	assert_int_equal(pd_reader_nr_attrs(r), 1);
	assert_int_equal(pd_reader_attr(r, 0)->nr_ids, 2);
	assert_int_equal(pd_reader_attr(r, 0)->ids[1], 12);
	assert_string_equal(pd_reader_attr(r, 0)->name, "ev0");
	while ((ret = pd_reader_next(r, &rec)) > 0 && n < 8) {
		types[n++] = rec.hdr->type;
		if (rec.hdr->type == PERF_RECORD_AUXTRACE) {
			const struct perf_rec_auxtrace *t = (const void *)rec.hdr;

			assert_int_equal(t->size, 16);		/* 13 padded to 16 */
			assert_int_equal(rec.payload_size, 16);
			assert_int_equal(rec.payload[12], 13);
			assert_int_equal(rec.payload[13], 0);
			assert_int_equal(t->cpu, 2);
		}
		if (rec.hdr->type == PERF_RECORD_COMM) {
			assert_int_equal(pd_reader_sample_id(r, rec.hdr, &sid), 0);
			assert_int_equal(sid.tid, 8);
			assert_int_equal(sid.id, 12);
		}
	}
	assert_int_equal(ret, 0);
	assert_int_equal(n, 5);
	assert_int_equal(types[0], PERF_RECORD_AUXTRACE_INFO);
	assert_int_equal(types[1], PERF_RECORD_TIME_CONV);
	assert_int_equal(types[2], PERF_RECORD_COMM);
	assert_int_equal(types[3], PERF_RECORD_AUXTRACE);
	assert_int_equal(types[4], PERF_RECORD_FINISHED_ROUND);
	f = pd_reader_features(r);
	assert_int_equal(f->nr_aux_index, 1);
	assert_int_equal(f->aux_index[0].size, sizeof(struct perf_rec_auxtrace));
	assert_int_equal(f->cmdline.nr, 2);
	assert_string_equal(f->cmdline.s[1], "arg");
	assert_non_null(f->str[HEADER_HOSTNAME]);
	assert_true(f->nr_cpus_online > 0);
	assert_true(f->nr_pmus >= 1);
	assert_string_equal(f->pmus[0].name, "intel_pt");
	for (size_t i = 0; i < pd_reader_nr_features(r); i++)
		assert_int_equal(pd_reader_feature(r, i)->err, 0);
	pd_reader_close(r);
}

/* Reads a modified copy to the end; returns the error (0: clean). */
static int read_copy(const uint8_t *buf, size_t len, int *nrec)
{
	char p2[80];
	struct pd_reader *r;
	struct pd_record rec;
	FILE *f;
	int ret, n = 0;

	snprintf(p2, sizeof(p2), "%s.copy", path);
	f = fopen(p2, "wb");
	fwrite(buf, 1, len, f);
	fclose(f);
	ret = pd_reader_open(p2, &r, NULL, 0);
	if (!ret) {
		for (int i = 0; i < 1000 && (ret = pd_reader_next(r, &rec)) > 0; i++)
			n++;
		if (ret < 0)
			assert_true(strlen(pd_reader_error(r)) > 0);
		for (size_t i = 0; i < pd_reader_nr_features(r); i++)
			pd_reader_feature(r, i);
		pd_reader_close(r);
	}
	unlink(p2);
	if (nrec)
		*nrec = n;
	return ret;
}

static void test_truncated(void **state)
{
	write_sample_file();
	for (size_t len = 0; len < file_len; len += 7)
		read_copy(file, len, NULL);
	assert_int_equal(read_copy(file, file_len, NULL), 0);
}

static void test_corrupt_bytes(void **state)
{
	uint8_t *copy = malloc(file_len);

	write_sample_file();
	srand(1);
	for (int i = 0; i < 400; i++) {
		memcpy(copy, file, file_len);
		for (int k = 0; k < 4; k++)
			copy[rand() % file_len] = rand();
		read_copy(copy, file_len, NULL);
	}
	free(copy);
}

static void test_bad_record_size(void **state)
{
	const struct perf_file_header *h;
	uint8_t *copy;
	struct perf_event_header eh;
	int n;

	write_sample_file();
	copy = malloc(file_len);
	memcpy(copy, file, file_len);
	h = (const void *)copy;
	/* second record: size 0 -> error after one record */
	memcpy(&eh, copy + h->data.offset, sizeof(eh));
	memset(copy + h->data.offset + eh.size + 6, 0, 2);
	assert_int_equal(read_copy(copy, file_len, &n), -EINVAL);
	assert_int_equal(n, 1);
	/* byte-swapped magic */
	memcpy(copy, file, file_len);
	for (int i = 0; i < 4; i++) {
		uint8_t t = copy[i];

		copy[i] = copy[7 - i];
		copy[7 - i] = t;
	}
	assert_int_equal(read_copy(copy, file_len, NULL), -ENOTSUP);
	free(copy);
}

static void test_symlink_refused(void **state)
{
	char link[80];
	struct pd_writer *w;
	char err[256];

	snprintf(link, sizeof(link), "%s.lnk", path);
	unlink(link);
	assert_int_equal(symlink("/tmp/nonexistent-target", link), 0);
	assert_int_equal(pd_writer_create(link, &w, err, sizeof(err)), -ELOOP);
	assert_non_null(strstr(err, "symbolic link"));
	unlink(link);
}

/*
 * Writes groups of a PERF_RECORD_LOST (lost = i) and an AUXTRACE whose
 * payload (in one or two pieces, patterned by i) is held: its memory is
 * overwritten right after each pd_writer_flush(), so a byte written later
 * than that shows. Records flushed every `every` groups (more than the
 * writer holds at once, in records and in pieces: its own flushes).
 * Returns pd_writer_finish().
 */
#define HELD_GROUPS 600

static size_t held_size(int i)
{
	return i % 25 == 3 ? 100 + i % 150 : 4100 + (i * 37) % 3000;	/* some copied */
}

static uint8_t held_byte(int i, size_t k)
{
	return (uint8_t)(i * 13 + k * 7);
}

static int write_held_file(int every)
{
	struct perf_event_attr attr = { .type = 10, .size = sizeof(attr) };
	uint64_t id = 11;
	uint8_t *pending[HELD_GROUPS];
	size_t pending_len[HELD_GROUPS];
	int nr_pending = 0, ret = 0;
	struct pd_writer *w;

	snprintf(path, sizeof(path), "/tmp/test_perf_data.%d", getpid());
	unlink(path);
	assert_int_equal(pd_writer_create(path, &w, NULL, 0), 0);
	assert_int_equal(pd_writer_add_attr(w, &attr, &id, 1, "ev0"), 0);
	for (int i = 0; i < HELD_GROUPS && !ret; i++) {
		uint64_t lost[3] = { 0, 11, i };
		struct perf_event_header *h = (void *)lost;
		size_t size = held_size(i), cut = i % 2 ? size / 3 : size;
		uint8_t *p = malloc(size);
		struct iovec iov[2] = { { p, cut }, { p + cut, size - cut } };
		struct pd_auxtrace_desc d = { .offset = i, .cpu = 0, .hold = true };

		h->type = PERF_RECORD_LOST;
		h->size = sizeof(lost);
		for (size_t k = 0; k < size; k++)
			p[k] = held_byte(i, k);
		pending[nr_pending] = p;
		pending_len[nr_pending++] = size;
		ret = pd_write_record(w, h);
		if (!ret)
			ret = pd_write_auxtrace(w, iov, 1 + (cut < size), &d);
		if (!ret && (i + 1) % every == 0)
			ret = pd_writer_flush(w);
		if (!ret && (i + 1) % every == 0) {
			for (int k = 0; k < nr_pending; k++) {
				memset(pending[k], 0xaa, pending_len[k]);
				free(pending[k]);
			}
			nr_pending = 0;
		}
	}
	ret = pd_writer_finish(w);
	for (int k = 0; k < nr_pending; k++)
		free(pending[k]);
	return ret;
}

/* Reads the held file back; returns the number of records, checks each. */
static int read_held_file(uint64_t *data_end)
{
	struct pd_reader *r;
	struct pd_record rec;
	const struct pd_features *f;
	size_t nr_aux = 0;
	int n = 0, ret;

	assert_int_equal(pd_reader_open(path, &r, NULL, 0), 0);
	*data_end = pd_reader_header(r)->data.offset;
	f = pd_reader_features(r);
	while ((ret = pd_reader_next(r, &rec)) > 0) {
		int i = n / 2;

		if (n % 2 == 0) {
			assert_int_equal(rec.hdr->type, PERF_RECORD_LOST);
			assert_int_equal(((const uint64_t *)rec.hdr)[2], i);
		} else {
			const struct perf_rec_auxtrace *t = (const void *)rec.hdr;
			size_t size = held_size(i);

			assert_int_equal(rec.hdr->type, PERF_RECORD_AUXTRACE);
			assert_int_equal(t->offset, i);
			assert_int_equal(t->size, (size + 7) & ~(size_t)7);
			for (size_t k = 0; k < size; k++)
				assert_int_equal(rec.payload[k], held_byte(i, k));
			for (size_t k = size; k < t->size; k++)
				assert_int_equal(rec.payload[k], 0);
			if (f->nr_aux_index) {
				assert_true(nr_aux < f->nr_aux_index);
				assert_int_equal(f->aux_index[nr_aux].file_offset, rec.offset);
			}
			nr_aux++;
			*data_end = rec.payload_offset + rec.payload_size;
		}
		if (n % 2 == 0)
			*data_end = rec.offset + rec.hdr->size;
		n++;
	}
	assert_int_equal(ret, 0);
	/* every index entry names a chunk that is in the file */
	if (f->nr_aux_index)
		assert_int_equal(f->nr_aux_index, nr_aux);
	pd_reader_close(r);
	return n;
}

static void test_held_in_order(void **state)
{
	static const int every[] = { 1, 10, 70, 300, HELD_GROUPS };
	uint64_t end;

	for (size_t k = 0; k < sizeof(every) / sizeof(every[0]); k++) {
		assert_int_equal(write_held_file(every[k]), 0);
		assert_int_equal(read_held_file(&end), 2 * HELD_GROUPS);
	}
}

/* A file size limit stops a flush inside a held payload: whole records stay. */
static void test_held_write_error(void **state)
{
	static const rlim_t limits[] = { 50001, 123457, 300000 };
	struct rlimit old, lim;

	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_IGN);
	for (size_t k = 0; k < sizeof(limits) / sizeof(limits[0]); k++) {
		uint64_t end, next;
		int n;

		lim = old;
		lim.rlim_cur = limits[k];
		assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
		assert_int_equal(write_held_file(70), -EFBIG);
		assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
		n = read_held_file(&end);
		assert_true(n > 0 && n < 2 * HELD_GROUPS);
		assert_true(end <= limits[k]);
		/* the first record left out would have crossed the limit */
		next = end + (n % 2 ? sizeof(struct perf_rec_auxtrace) +
			      ((held_size(n / 2) + 7) & ~(size_t)7) : 24);
		assert_true(next > limits[k]);
	}
	signal(SIGXFSZ, SIG_DFL);
}

static int teardown(void **state)
{
	char old[80];

	snprintf(old, sizeof(old), "%s.old", path);
	unlink(path);
	unlink(old);
	free(file);
	file = NULL;
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_corrupt_bytes),
		cmocka_unit_test(test_bad_record_size),
		cmocka_unit_test(test_symlink_refused),
		cmocka_unit_test(test_held_in_order),
		cmocka_unit_test(test_held_write_error),
	};

	return cmocka_run_group_tests(tests, NULL, teardown);
}
