// SPDX-License-Identifier: GPL-2.0
/*
 * test_perf_data.c - the perf.data writer and reader: a written file reads
 * back record for record with its attrs and features; truncated and
 * corrupted copies give one clean error (run under SANITIZE=1 for OOB).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "perf_data.h"

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
	};

	return cmocka_run_group_tests(tests, NULL, teardown);
}
