// SPDX-License-Identifier: GPL-2.0
/*
 * test_sample_hold.c - lib/session/sample_hold.c: held samples are copies
 * (the reader's buffer may be reused), go in file order once an MMAP of
 * their process came, others stay, all go at the end, and a consumer's
 * non-zero return stops the hand-over with the rest kept.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "lib/session/sample_hold.h"

struct fake_sample {
	struct perf_event_header h;
	uint64_t tag;
};

struct seen {
	uint64_t tags[16];
	int nr;
	int stop_at;	/* fn returns 7 at this call (1-based), 0 never */
};

static int record_tag(void *ctx, const struct pd_record *rec)
{
	struct seen *s = ctx;

	s->tags[s->nr++] = ((const struct fake_sample *)rec->hdr)->tag;
	return s->nr == s->stop_at ? 7 : 0;
}

static void hold(struct sample_hold *h, uint64_t tag, int pid)
{
	struct fake_sample f = { .h = { .type = 9, .size = sizeof(f) }, .tag = tag };
	struct pd_record rec = { .offset = tag, .hdr = &f.h };

	assert_int_equal(sample_hold_add(h, &rec, pid), 0);
	memset(&f, 0xa5, sizeof(f));	/* the reader's buffer, reused */
}

static void test_ready_in_order(void **state)
{
	struct sample_hold h = { 0 };
	struct seen s = { 0 };

	(void)state;
	hold(&h, 1, 100);
	hold(&h, 2, 200);
	hold(&h, 3, 100);
	assert_int_equal(sample_hold_release(&h, false, record_tag, &s), 0);
	assert_int_equal(s.nr, 0);	/* nothing ready */
	sample_hold_mmap(&h, 100);
	sample_hold_mmap(&h, 100);	/* counted once */
	assert_int_equal(h.nr_ready, 2);
	assert_int_equal(sample_hold_release(&h, false, record_tag, &s), 0);
	assert_int_equal(s.nr, 2);
	assert_int_equal(s.tags[0], 1);
	assert_int_equal(s.tags[1], 3);
	assert_int_equal(h.nr, 1);
	assert_int_equal(sample_hold_release(&h, true, record_tag, &s), 0);
	assert_int_equal(s.nr, 3);
	assert_int_equal(s.tags[2], 2);
	assert_int_equal(h.nr, 0);
	sample_hold_free(&h);
}

static void test_stop_keeps_rest(void **state)
{
	struct sample_hold h = { 0 };
	struct seen s = { .stop_at = 2 };

	(void)state;
	for (uint64_t i = 1; i <= 4; i++)
		hold(&h, i, 5);
	sample_hold_mmap(&h, 5);
	assert_int_equal(sample_hold_release(&h, false, record_tag, &s), 7);
	assert_int_equal(s.nr, 2);
	assert_int_equal(h.nr, 2);	/* 3 and 4, still ready */
	assert_int_equal(h.nr_ready, 2);
	sample_hold_free(&h);	/* ASan: the copies kept are freed */
	assert_int_equal(h.nr, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ready_in_order),
		cmocka_unit_test(test_stop_keeps_rest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
