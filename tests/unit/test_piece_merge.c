// SPDX-License-Identifier: GPL-2.0
/*
 * test_piece_merge.c - lib/session/piece_merge.c, streams of events
 * decoded on threads and written in time order by whichever stream has
 * the writer's turn: the output against a merge computed here (ties in
 * stream order, events of no time after the one before them), with
 * streams of very different speeds and lengths (one waits with a full
 * ring while the other catches up), empty streams, many streams, events
 * larger than a batch, write and writev, what is put among the events,
 * and stops: by the output, by a decode, and by a failed allocation.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include "lib/output/line_buf.h"
#include "lib/session/piece_merge.h"

#define MAX_STREAMS	9

struct ev {
	uint64_t time;		/* 0: none */
	size_t len;		/* of its text */
};

struct stream_spec {
	struct ev *ev;
	size_t n;
	unsigned int pause_every;	/* a short sleep every so many events (0: never) */
	size_t fail_at;			/* returns non-zero at this event (SIZE_MAX: never) */
	size_t nomem_at;		/* its buffer fails to grow here (SIZE_MAX: never) */
};

struct fixture {
	struct stream_spec s[MAX_STREAMS];
	size_t n;
	struct line_buf out;
	size_t writes, writevs;
	size_t stop_after;		/* the output says stop past these bytes (SIZE_MAX: never) */
	/* put among the events: "<T>" lines at these times */
	uint64_t *between;
	size_t nr_between, put_at;
};

/* An event's text: "S:I:T\n" padded with dots to its length. */
static void event_text(char *buf, size_t stream, size_t i, const struct ev *e)
{
	int n = snprintf(buf, e->len + 1, "%zu:%zu:%llu", stream, i, (unsigned long long)e->time);

	for (size_t k = (size_t)n; k + 1 < e->len; k++)
		buf[k] = '.';
	buf[e->len - 1] = '\n';
}

static int decode(void *ctx, size_t i, struct pm_stream *st)
{
	struct fixture *f = ctx;
	const struct stream_spec *s = &f->s[i];
	struct line_buf buf = { 0 };
	char *text = malloc(1 << 20);
	int ret = 0;

	assert_non_null(text);
	for (size_t k = 0; k < s->n && !ret; k++) {
		if (k == s->fail_at) {
			ret = 7;
			break;
		}
		if (s->pause_every && k % s->pause_every == 0)
			nanosleep(&(struct timespec){ .tv_nsec = 200000 }, NULL);
		event_text(text, i, k, &s->ev[k]);
		lb_mem(&buf, text, s->ev[k].len);
		if (k == s->nomem_at)
			buf.err = -ENOMEM;
		if (pm_event_end(st, &buf, s->ev[k].time))
			ret = 1;
	}
	if (!ret && pm_stream_flush(st, &buf))
		ret = 1;
	lb_free(&buf);
	free(text);
	return ret == 1 ? 0 : ret;	/* stopped by the merge: its value is the merge's */
}

static int out_write(void *ctx, const char *bytes, size_t len)
{
	struct fixture *f = ctx;

	f->writes++;
	lb_mem(&f->out, bytes, len);
	return f->out.len > f->stop_after ? 5 : 0;
}

static int out_writev(void *ctx, struct iovec *v, int n)
{
	struct fixture *f = ctx;

	assert_true(n >= 1 && n <= PM_IOV);
	f->writevs++;
	for (int i = 0; i < n; i++)
		lb_mem(&f->out, v[i].iov_base, v[i].iov_len);
	return f->out.len > f->stop_after ? 5 : 0;
}

static uint64_t out_next(void *ctx)
{
	struct fixture *f = ctx;

	return f->put_at < f->nr_between ? f->between[f->put_at] : UINT64_MAX;
}

static int out_put(void *ctx, uint64_t time)
{
	struct fixture *f = ctx;
	char line[32];

	while (f->put_at < f->nr_between && f->between[f->put_at] < time) {
		int n = snprintf(line, sizeof(line), "<%llu>\n",
				 (unsigned long long)f->between[f->put_at++]);

		lb_mem(&f->out, line, (size_t)n);
	}
	return 0;
}

/* The output the merge is to give: what each stream's events make, in order. */
static void expected(const struct fixture *f, struct line_buf *want)
{
	size_t pos[MAX_STREAMS] = { 0 }, put = 0;
	uint64_t key[MAX_STREAMS] = { 0 };
	char *text = malloc(1 << 20);

	assert_non_null(text);
	for (;;) {
		size_t best = SIZE_MAX;

		for (size_t i = 0; i < f->n; i++) {
			uint64_t k;

			if (pos[i] >= f->s[i].n)
				continue;
			k = f->s[i].ev[pos[i]].time ? f->s[i].ev[pos[i]].time : key[i];
			if (best == SIZE_MAX || k < (f->s[best].ev[pos[best]].time ?
						     f->s[best].ev[pos[best]].time : key[best]))
				best = i;
		}
		if (best == SIZE_MAX)
			break;
		if (f->s[best].ev[pos[best]].time)
			key[best] = f->s[best].ev[pos[best]].time;
		while (put < f->nr_between && f->between[put] < key[best]) {
			char line[32];
			int n = snprintf(line, sizeof(line), "<%llu>\n",
					 (unsigned long long)f->between[put++]);

			lb_mem(want, line, (size_t)n);
		}
		event_text(text, best, pos[best], &f->s[best].ev[pos[best]]);
		lb_mem(want, text, f->s[best].ev[pos[best]].len);
		pos[best]++;
	}
	free(text);
}

/* Stream i: n events, times rising by steps of 1..step from `from`, some 0. */
static void make_stream(struct fixture *f, size_t i, size_t n, uint64_t from, unsigned int step,
			unsigned int len, unsigned int seed)
{
	struct stream_spec *s = &f->s[i];
	uint64_t t = from;

	srand(seed);
	s->ev = calloc(n ? n : 1, sizeof(*s->ev));
	assert_non_null(s->ev);
	s->n = n;
	s->fail_at = SIZE_MAX;
	s->nomem_at = SIZE_MAX;
	for (size_t k = 0; k < n; k++) {
		t += 1 + (unsigned int)rand() % step;
		s->ev[k].time = rand() % 50 ? t : 0;
		s->ev[k].len = len ? len : 16 + (unsigned int)rand() % 300;
	}
	if (i + 1 > f->n)
		f->n = i + 1;
}

static void fixture_free(struct fixture *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->s[i].ev);
	lb_free(&f->out);
}

static int run(struct fixture *f, bool vectored)
{
	struct pm_output out = { .write = out_write };

	if (vectored)
		out.writev = out_writev;
	if (f->between) {
		out.next = out_next;
		out.put = out_put;
	}
	return pm_run(f->n, decode, &out, f);
}

/* Runs f both ways and compares the output with the merge computed here. */
static void check_merge(struct fixture *f)
{
	struct line_buf want = { 0 };

	expected(f, &want);
	for (int vectored = 0; vectored < 2; vectored++) {
		f->out.len = 0;
		f->put_at = 0;
		assert_int_equal(run(f, vectored), 0);
		assert_int_equal(f->out.len, want.len);
		assert_memory_equal(f->out.p, want.p, want.len);
	}
	assert_true(f->writevs > 0);
	lb_free(&want);
}

static void two_close_streams(void **state)
{
	struct fixture f = { .stop_after = SIZE_MAX };

	(void)state;
	make_stream(&f, 0, 200000, 0, 10, 0, 1);
	make_stream(&f, 1, 200000, 3, 10, 0, 2);
	check_merge(&f);
	fixture_free(&f);
}

/*
 * Stream 0's times all come after stream 1's: its ring fills and it
 * waits until stream 1 ends. Stream 1 is slow, and stream 2 is faster
 * than both and interleaves with each.
 */
static void one_far_ahead(void **state)
{
	struct fixture f = { .stop_after = SIZE_MAX };

	(void)state;
	make_stream(&f, 0, 100000, 10000000, 5, 0, 3);
	make_stream(&f, 1, 20000, 0, 100, 0, 4);
	make_stream(&f, 2, 150000, 0, 200, 0, 5);
	f.s[1].pause_every = 1000;
	check_merge(&f);
	fixture_free(&f);
}

static void many_streams_some_empty(void **state)
{
	struct fixture f = { .stop_after = SIZE_MAX };

	(void)state;
	for (size_t i = 0; i < MAX_STREAMS; i++)
		make_stream(&f, i, i % 3 == 1 ? 0 : 30000 + 1000 * i, i, 7 + (unsigned int)i, 0,
			    (unsigned int)i + 10);
	check_merge(&f);
	fixture_free(&f);
}

/* Equal times: in stream order. Events of no time stay after theirs. */
static void ties_and_untimed(void **state)
{
	struct fixture f = { .stop_after = SIZE_MAX };

	(void)state;
	make_stream(&f, 0, 50000, 0, 1, 40, 6);
	make_stream(&f, 1, 50000, 0, 1, 40, 6);
	check_merge(&f);
	fixture_free(&f);
}

/* Events of 300 KiB, more than a batch: a batch each. */
static void events_larger_than_a_batch(void **state)
{
	struct fixture f = { .stop_after = SIZE_MAX };

	(void)state;
	make_stream(&f, 0, 40, 0, 100, 300 << 10, 7);
	make_stream(&f, 1, 5000, 0, 2, 0, 8);
	check_merge(&f);
	fixture_free(&f);
}

static void one_stream(void **state)
{
	struct fixture f = { .stop_after = SIZE_MAX };

	(void)state;
	make_stream(&f, 0, 10000, 0, 3, 0, 9);
	check_merge(&f);
	fixture_free(&f);
}

/* Lines put among the events, before the first event of a later time. */
static void put_between(void **state)
{
	struct fixture f = { .stop_after = SIZE_MAX };
	uint64_t between[300];

	(void)state;
	for (size_t i = 0; i < 300; i++)
		between[i] = 5 + 3001 * i;
	f.between = between;
	f.nr_between = 300;
	make_stream(&f, 0, 80000, 0, 10, 0, 11);
	make_stream(&f, 1, 80000, 0, 10, 0, 12);
	check_merge(&f);
	fixture_free(&f);
}

/*
 * The output stops after 1 MiB: the merge returns its value, wrote what
 * came before in order, and the decodes stop well before their ends.
 */
static void output_stops(void **state)
{
	struct line_buf want = { 0 };

	(void)state;
	for (int vectored = 0; vectored < 2; vectored++) {
		struct fixture f = { .stop_after = 1 << 20 };

		make_stream(&f, 0, 200000, 0, 10, 0, 13);
		make_stream(&f, 1, 200000, 0, 10, 0, 14);
		want.len = 0;
		expected(&f, &want);
		assert_int_equal(run(&f, vectored), 5);
		assert_true(f.out.len > 1 << 20);
		assert_true(f.out.len < 8 << 20);
		assert_memory_equal(f.out.p, want.p, f.out.len);
		fixture_free(&f);
	}
	lb_free(&want);
}

/* A decode's non-zero stops the others, and is what the merge returns. */
static void decode_stops(void **state)
{
	struct fixture f = { .stop_after = SIZE_MAX };
	struct line_buf want = { 0 };

	(void)state;
	make_stream(&f, 0, 400000, 0, 10, 0, 15);
	make_stream(&f, 1, 400000, 0, 10, 0, 16);
	f.s[1].fail_at = 100000;
	expected(&f, &want);
	assert_int_equal(run(&f, true), 7);
	assert_true(f.out.len < want.len / 2);
	assert_memory_equal(f.out.p, want.p, f.out.len);
	lb_free(&want);
	fixture_free(&f);
}

static void out_of_memory(void **state)
{
	struct fixture f = { .stop_after = SIZE_MAX };

	(void)state;
	make_stream(&f, 0, 200000, 0, 10, 0, 17);
	make_stream(&f, 1, 200000, 0, 10, 0, 18);
	f.s[0].nomem_at = 50000;
	assert_int_equal(run(&f, false), -ENOMEM);
	fixture_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(two_close_streams),
		cmocka_unit_test(one_far_ahead),
		cmocka_unit_test(many_streams_some_empty),
		cmocka_unit_test(ties_and_untimed),
		cmocka_unit_test(events_larger_than_a_batch),
		cmocka_unit_test(one_stream),
		cmocka_unit_test(put_between),
		cmocka_unit_test(output_stops),
		cmocka_unit_test(decode_stops),
		cmocka_unit_test(out_of_memory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
