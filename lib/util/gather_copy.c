// SPDX-License-Identifier: GPL-2.0
/*
 * gather_copy.c - segments copied one after another into one buffer, on
 * several threads when large (gather_copy.h).
 *
 * Why threads for a copy: the destination is fresh memory, and on the
 * virtual machines measured its first touch (the kernel zeroing a huge
 * page, the hypervisor backing it) costs more than the copy itself: 5 to
 * 24 ms for the 37 MB of the parallel bench's two AUXTRACE records, on one
 * thread before any decoding could start (docs/testing.md, "The serial
 * copy of a piece"). Those faults are taken per CPU, so N threads that
 * each copy a part of the destination take about 1/N of that time.
 */
#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>
#include "lib/util/gather_copy.h"

#define MAX_THREADS	64
#define PART_ALIGN	((size_t)2 << 20)	/* parts start on huge page boundaries */

struct part {
	uint8_t *dst;
	const struct gather_seg *segs;
	size_t nr;
	size_t from, to;	/* bytes of the concatenation */
};

/* n bytes of g from its byte `at` on to dst: from its file, or from g->p. */
static void copy_seg(uint8_t *dst, const struct gather_seg *g, size_t at, size_t n)
{
	size_t got = 0;

	while (g->fd >= 0 && got < n) {
		ssize_t k = pread(g->fd, dst + got, n - got, (off_t)(g->off + at + got));

		if (k <= 0)
			break;	/* error or end of file: the rest from the mapping */
		got += (size_t)k;
	}
	if (got < n)
		memcpy(dst + got, g->p + at + got, n - got);
}

/* Copies bytes [from, to) of the concatenation of the segments to dst + from. */
static void copy_part(const struct part *w)
{
	size_t at = 0;

	for (size_t i = 0; i < w->nr && at < w->to; i++) {
		size_t a = w->from > at ? w->from - at : 0;
		size_t b = w->to - at < w->segs[i].n ? w->to - at : w->segs[i].n;

		if (a < b)
			copy_seg(w->dst + at + a, &w->segs[i], a, b - a);
		at += w->segs[i].n;
	}
}

static void *part_thread(void *arg)
{
	copy_part(arg);
	return NULL;
}

void gather_copy(uint8_t *dst, const struct gather_seg *segs, size_t nr, unsigned int threads)
{
	struct part parts[MAX_THREADS];
	pthread_t tids[MAX_THREADS];
	bool started[MAX_THREADS] = { false };
	size_t total = 0, per, n;

	for (size_t i = 0; i < nr; i++)
		total += segs[i].n;
	n = threads < 1 ? 1 : threads > MAX_THREADS ? MAX_THREADS : threads;
	if (n > total / GATHER_PART)
		n = total / GATHER_PART ? total / GATHER_PART : 1;
	per = (total / n + PART_ALIGN - 1) & ~(PART_ALIGN - 1);
	for (size_t k = 0; k < n; k++) {
		size_t from = k * per < total ? k * per : total;
		size_t to = k + 1 == n || (k + 1) * per > total ? total : (k + 1) * per;

		parts[k] = (struct part){ .dst = dst, .segs = segs, .nr = nr, .from = from, .to = to };
	}
	for (size_t k = 1; k < n; k++)
		started[k] = !pthread_create(&tids[k], NULL, part_thread, &parts[k]);
	copy_part(&parts[0]);
	for (size_t k = 1; k < n; k++) {
		if (started[k])
			pthread_join(tids[k], NULL);
		else
			copy_part(&parts[k]);
	}
}
