// SPDX-License-Identifier: GPL-2.0
/*
 * test_call_stack.c - lib/output/call_stack.c on hand-made event streams
 * (no maps: frames are named by address): nested calls and returns with
 * their times, depths and own instructions; recursion (returns matched by
 * call site); returns above the first frame (outer frames found late,
 * begun before the trace); the instruction clock of a trace without time;
 * a signal handler entered where tracing stopped asynchronously; frames
 * ended by an overflow; two threads; a return that matches nothing; stacks
 * seeded with the callers of a sampled stack, and the seed chosen by
 * thread, time and function; a stack with unknown callers seeded late, at
 * a trace stop, by a sample whose frames agree with the trace's; folded
 * stacks of stacks begun deeper than the thread's outermost level; a
 * thread that moves between CPUs, selected by CPU (its slices cut to its
 * spans there); thousands of threads whose events interleave, each found
 * by its tid (cs_thread_find() too, after a selection left some out).
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include "lib/output/call_stack.h"
#include "lib/output/export.h"

static void feed_tid(struct call_stacks *cs, int tid, unsigned int kind, unsigned int flags,
		     uint64_t from, uint64_t to, uint64_t insns, uint64_t time)
{
	struct decode_event ev = {
		.kind = kind, .branch = flags, .from = from, .to = to,
		.insn_count = insns, .time = time,
	};
	struct trace_event te = { .ev = &ev, .pid = 1, .tid = tid };

	assert_int_equal(cs_event(cs, &te), 0);
}

static void feed(struct call_stacks *cs, unsigned int kind, unsigned int flags, uint64_t from,
		 uint64_t to, uint64_t insns, uint64_t time)
{
	feed_tid(cs, 1, kind, flags, from, to, insns, time);
}

#define CALL	(BRANCH_F_BRANCH | BRANCH_F_CALL)
#define RET	(BRANCH_F_BRANCH | BRANCH_F_RETURN)
#define JMP	BRANCH_F_BRANCH

/* Slice i of th, in the order cs_walk_next() gives them. */
static struct cs_slice slice_at(const struct call_stacks *cs, const struct cs_thread *th, size_t i)
{
	const struct cs_slice *s = NULL;
	struct cs_walk w;

	assert_true(i < cs_nr_slices(th));
	cs_walk_start(&w, cs, th);
	for (size_t k = 0; k <= i; k++)
		assert_non_null(s = cs_walk_next(&w));
	return *s;
}

static uint32_t depth_at(const struct call_stacks *cs, const struct cs_thread *th, size_t i)
{
	struct cs_slice s = slice_at(cs, th, i);

	return cs_depth(th, &s);
}

static void expect(const struct call_stacks *cs, const struct cs_thread *th, size_t i,
		   const char *name, uint32_t depth, uint64_t start, uint64_t end, uint32_t flags)
{
	struct cs_slice s = slice_at(cs, th, i);

	assert_string_equal(cs_name(cs, s.name), name);
	assert_int_equal(cs_depth(th, &s), depth);
	assert_int_equal(s.start, start);
	assert_int_equal(s.end, end);
	assert_int_equal(s.flags, flags);
}

/* main at 0x1000 calls f (0x2000), which calls g (0x3000) twice. */
static void nested(void **unused)
{
	struct call_stacks cs;
	const struct cs_thread *th;

	assert_int_equal(cs_init(&cs), 0);
	feed(&cs, EVENT_TRACE_BEGIN, BRANCH_F_TRACE_BEGIN, 0, 0x1000, 0, 100);
	feed(&cs, EVENT_BRANCH, CALL, 0x1004, 0x2000, 2, 110);
	feed(&cs, EVENT_BRANCH, BRANCH_F_BRANCH | BRANCH_F_CONDITIONAL, 0x2008, 0x2010, 3, 115);
	feed(&cs, EVENT_BRANCH, CALL, 0x2010, 0x3000, 1, 120);
	feed(&cs, EVENT_BRANCH, RET, 0x3004, 0x2015, 4, 130);
	feed(&cs, EVENT_BRANCH, CALL, 0x2020, 0x3000, 2, 140);
	feed(&cs, EVENT_BRANCH, RET, 0x3004, 0x2025, 4, 150);
	feed(&cs, EVENT_BRANCH, RET, 0x2030, 0x1009, 3, 160);
	feed(&cs, EVENT_TRACE_END, BRANCH_F_TRACE_END, 0x1010, 0, 5, 170);
	assert_int_equal(cs_finish(&cs), 0);
	assert_int_equal(cs.clock, CS_CLOCK_TIME);
	assert_int_equal(cs.nr_threads, 1);
	th = &cs.threads[0];
	assert_int_equal(cs_nr_slices(th), 4);
	expect(&cs, th, 0, "0x1000", 0, 100, 170,
	       CS_SLICE_BEGAN_BEFORE | CS_SLICE_OPEN_AT_END | CS_SLICE_CALLERS_UNKNOWN);
	expect(&cs, th, 1, "0x2000", 1, 110, 160, 0);
	expect(&cs, th, 2, "0x3000", 2, 120, 130, 0);
	expect(&cs, th, 3, "0x3000", 2, 140, 150, 0);
	/* own instructions: main 2 + 5, f 3 + 1 + 2 + 3, g 4 and 4 */
	assert_int_equal(slice_at(&cs, th, 0).self_insns, 7);
	assert_int_equal(slice_at(&cs, th, 1).self_insns, 9);
	assert_int_equal(slice_at(&cs, th, 2).self_insns, 4);
	assert_int_equal(slice_at(&cs, th, 3).self_insns, 4);
	cs_free(&cs);
}

/*
 * Frames longer than 2^32 ns or running more than 2^32 instructions of
 * their own: their slices are kept whole (slice_store.h); one entered
 * more than 2^32 ns after the first is packed from a base of its own; all
 * come back in order.
 */
static void long_frames(void **unused)
{
	const uint64_t long_time = 5000000000ull, many = 6000000000ull;
	struct call_stacks cs;
	const struct cs_thread *th;

	assert_int_equal(cs_init(&cs), 0);
	feed(&cs, EVENT_TRACE_BEGIN, BRANCH_F_TRACE_BEGIN, 0, 0x1000, 0, 100);
	feed(&cs, EVENT_BRANCH, CALL, 0x1004, 0x2000, 2, 110);
	feed(&cs, EVENT_BRANCH, CALL, 0x2010, 0x3000, 1, 120);
	feed(&cs, EVENT_BRANCH, RET, 0x3004, 0x2015, many, 130);
	feed(&cs, EVENT_BRANCH, RET, 0x2030, 0x1009, 3, 110 + long_time);
	feed(&cs, EVENT_BRANCH, CALL, 0x1010, 0x2000, 1, 120 + long_time);
	feed(&cs, EVENT_BRANCH, RET, 0x2030, 0x1015, 1, 121 + long_time);
	feed(&cs, EVENT_TRACE_END, BRANCH_F_TRACE_END, 0x1020, 0, 5, 130 + long_time);
	assert_int_equal(cs_finish(&cs), 0);
	th = &cs.threads[0];
	assert_int_equal(cs_nr_slices(th), 4);
	expect(&cs, th, 0, "0x1000", 0, 100, 130 + long_time,
	       CS_SLICE_BEGAN_BEFORE | CS_SLICE_OPEN_AT_END | CS_SLICE_CALLERS_UNKNOWN);
	expect(&cs, th, 1, "0x2000", 1, 110, 110 + long_time, 0);
	expect(&cs, th, 2, "0x3000", 2, 120, 130, 0);
	expect(&cs, th, 3, "0x2000", 1, 120 + long_time, 121 + long_time, 0);
	assert_int_equal(slice_at(&cs, th, 2).self_insns, many);
	assert_int_equal(slice_at(&cs, th, 3).self_insns, 1);
	assert_int_equal(th->store.nr_wide, 3);
	assert_int_equal(th->store.nr_bases, 1);	/* 0 first, then 120 + long_time */
	cs_free(&cs);
}

/* f calls itself twice; each return goes to the frame of its own call site. */
static void recursion(void **unused)
{
	struct call_stacks cs;
	const struct cs_thread *th;

	assert_int_equal(cs_init(&cs), 0);
	feed(&cs, EVENT_TRACE_BEGIN, 0, 0, 0x1000, 0, 10);
	feed(&cs, EVENT_BRANCH, CALL, 0x1000, 0x2000, 1, 11);
	feed(&cs, EVENT_BRANCH, CALL, 0x2004, 0x2000, 1, 12);
	feed(&cs, EVENT_BRANCH, CALL, 0x2004, 0x2000, 1, 13);
	feed(&cs, EVENT_BRANCH, RET, 0x2020, 0x2009, 1, 14);
	feed(&cs, EVENT_BRANCH, RET, 0x2020, 0x2009, 1, 15);
	feed(&cs, EVENT_BRANCH, RET, 0x2020, 0x1005, 1, 16);
	assert_int_equal(cs_finish(&cs), 0);
	th = &cs.threads[0];
	assert_int_equal(cs_nr_slices(th), 4);
	expect(&cs, th, 1, "0x2000", 1, 11, 16, 0);
	expect(&cs, th, 2, "0x2000", 2, 12, 15, 0);
	expect(&cs, th, 3, "0x2000", 3, 13, 14, 0);
	cs_free(&cs);
}

/*
 * The trace starts in g: its return makes f the outermost frame, f's
 * return makes main so; all began before the trace and enclose g, and no
 * time means the instruction clock.
 */
static void returns_above_first_frame(void **unused)
{
	struct call_stacks cs;
	const struct cs_thread *th;

	assert_int_equal(cs_init(&cs), 0);
	feed(&cs, EVENT_TRACE_BEGIN, 0, 0, 0x3000, 0, 0);
	feed(&cs, EVENT_BRANCH, RET, 0x3004, 0x2015, 3, 0);
	feed(&cs, EVENT_BRANCH, CALL, 0x2020, 0x4000, 2, 0);
	feed(&cs, EVENT_BRANCH, RET, 0x4004, 0x2025, 1, 0);
	feed(&cs, EVENT_BRANCH, RET, 0x2030, 0x1009, 4, 0);
	feed(&cs, EVENT_BRANCH, JMP, 0x1010, 0x1000, 5, 0);
	assert_int_equal(cs_finish(&cs), 0);
	assert_int_equal(cs.clock, CS_CLOCK_INSNS);
	th = &cs.threads[0];
	assert_int_equal(cs_nr_slices(th), 4);
	/* pre-order: main (found last), f, g, then f's callee */
	expect(&cs, th, 0, "0x1009", 0, 0, 15,
	       CS_SLICE_BEGAN_BEFORE | CS_SLICE_OPEN_AT_END | CS_SLICE_CALLERS_UNKNOWN);
	expect(&cs, th, 1, "0x2015", 1, 0, 10, CS_SLICE_BEGAN_BEFORE);
	expect(&cs, th, 2, "0x3000", 2, 0, 3, CS_SLICE_BEGAN_BEFORE);
	expect(&cs, th, 3, "0x4000", 2, 5, 6, 0);
	cs_free(&cs);
}

/*
 * Tracing stops asynchronously at 0x1010 and resumes in a handler, which
 * returns to a trampoline (no frame of it: a jump) that resumes the
 * interrupted code; an interrupt that resumes in place is no frame.
 */
static void signal_handler(void **unused)
{
	struct call_stacks cs;
	const struct cs_thread *th;

	assert_int_equal(cs_init(&cs), 0);
	feed(&cs, EVENT_TRACE_BEGIN, 0, 0, 0x1000, 0, 10);
	feed(&cs, EVENT_BRANCH, CALL, 0x1004, 0x2000, 1, 11);
	feed(&cs, EVENT_TRACE_END, BRANCH_F_TRACE_END | BRANCH_F_ASYNC, 0x2004, 0, 1, 12);
	feed(&cs, EVENT_TRACE_BEGIN, BRANCH_F_TRACE_BEGIN, 0, 0x5000, 0, 20);
	feed(&cs, EVENT_BRANCH, RET, 0x5008, 0x6000, 2, 21);
	feed(&cs, EVENT_TRACE_END, BRANCH_F_TRACE_END | BRANCH_F_CALL | BRANCH_F_SYSCALLRET,
	     0x6004, 0, 2, 22);
	feed(&cs, EVENT_TRACE_BEGIN, BRANCH_F_TRACE_BEGIN, 0, 0x2004, 0, 30);
	feed(&cs, EVENT_TRACE_END, BRANCH_F_TRACE_END | BRANCH_F_ASYNC, 0x2006, 0, 1, 31);
	feed(&cs, EVENT_TRACE_BEGIN, BRANCH_F_TRACE_BEGIN, 0, 0x2006, 0, 40);
	feed(&cs, EVENT_BRANCH, RET, 0x2008, 0x1009, 1, 41);
	assert_int_equal(cs_finish(&cs), 0);
	th = &cs.threads[0];
	assert_int_equal(cs_nr_slices(th), 3);
	expect(&cs, th, 1, "0x2000", 1, 11, 41, 0);
	expect(&cs, th, 2, "0x5000", 2, 20, 30, CS_SLICE_ASYNC);
	assert_int_equal(slice_at(&cs, th, 2).self_insns, 4);
	cs_free(&cs);
}

/* An overflow ends the frames; the stack starts again where tracing resumes. */
static void overflow(void **unused)
{
	struct call_stacks cs;
	const struct cs_thread *th;

	assert_int_equal(cs_init(&cs), 0);
	feed(&cs, EVENT_TRACE_BEGIN, 0, 0, 0x1000, 0, 10);
	feed(&cs, EVENT_BRANCH, CALL, 0x1004, 0x2000, 1, 11);
	feed(&cs, EVENT_OVERFLOW, 0, 0, 0x3000, 0, 20);
	feed(&cs, EVENT_TRACE_BEGIN, 0, 0, 0x3000, 0, 21);
	feed(&cs, EVENT_BRANCH, CALL, 0x3004, 0x4000, 1, 22);
	feed(&cs, EVENT_BRANCH, RET, 0x4004, 0x3009, 1, 23);
	assert_int_equal(cs_finish(&cs), 0);
	th = &cs.threads[0];
	assert_int_equal(cs_nr_slices(th), 4);
	expect(&cs, th, 0, "0x1000", 0, 10, 20,
	       CS_SLICE_BEGAN_BEFORE | CS_SLICE_CUT | CS_SLICE_CALLERS_UNKNOWN);
	expect(&cs, th, 1, "0x2000", 1, 11, 20, CS_SLICE_CUT);
	expect(&cs, th, 2, "0x3000", 0, 21, 23,
	       CS_SLICE_BEGAN_BEFORE | CS_SLICE_OPEN_AT_END | CS_SLICE_CALLERS_UNKNOWN);
	expect(&cs, th, 3, "0x4000", 1, 22, 23, 0);
	cs_free(&cs);
}

/*
 * Outermost frames found by returns in two stacks (an overflow between):
 * each goes before the slices of its own stack, the second stack's in the
 * middle of the array; and after 100000 calls (the slices past 4 MiB, in
 * a huge-page mapping: lib/util/huge_array.c) the root still goes first
 * and every slice keeps its place in the pre-order.
 */
static void roots_in_two_stacks(void **unused)
{
	const size_t calls = 100000;
	struct call_stacks cs;
	const struct cs_thread *th;
	const struct cs_slice *s;
	struct cs_walk w;
	uint64_t t = 30;

	assert_int_equal(cs_init(&cs), 0);
	feed(&cs, EVENT_TRACE_BEGIN, 0, 0, 0x3000, 0, 10);
	feed(&cs, EVENT_BRANCH, RET, 0x3004, 0x2015, 1, 11);
	feed(&cs, EVENT_BRANCH, CALL, 0x2020, 0x4000, 1, 12);
	feed(&cs, EVENT_BRANCH, RET, 0x4004, 0x2025, 1, 13);
	feed(&cs, EVENT_OVERFLOW, 0, 0, 0x5000, 0, 20);
	feed(&cs, EVENT_TRACE_BEGIN, 0, 0, 0x5000, 0, 21);
	feed(&cs, EVENT_BRANCH, RET, 0x5004, 0x6009, 1, 22);
	for (size_t i = 0; i < calls; i++) {
		feed(&cs, EVENT_BRANCH, CALL, 0x6010, 0x7000, 1, t++);
		feed(&cs, EVENT_BRANCH, RET, 0x7004, 0x6015, 1, t++);
	}
	assert_int_equal(cs_finish(&cs), 0);
	th = &cs.threads[0];
	assert_int_equal(cs_nr_slices(th), 5 + calls);
	expect(&cs, th, 0, "0x2015", 0, 10, 20,
	       CS_SLICE_BEGAN_BEFORE | CS_SLICE_CUT | CS_SLICE_CALLERS_UNKNOWN);
	expect(&cs, th, 1, "0x3000", 1, 10, 11, CS_SLICE_BEGAN_BEFORE);
	expect(&cs, th, 2, "0x4000", 1, 12, 13, 0);
	expect(&cs, th, 3, "0x6009", 0, 21, t - 1,
	       CS_SLICE_BEGAN_BEFORE | CS_SLICE_OPEN_AT_END | CS_SLICE_CALLERS_UNKNOWN);
	expect(&cs, th, 4, "0x5000", 1, 21, 22, CS_SLICE_BEGAN_BEFORE);
	cs_walk_start(&w, &cs, th);
	for (size_t i = 0; i < 5; i++)
		assert_non_null(cs_walk_next(&w));
	for (size_t i = 0; i < calls; i++) {
		assert_non_null(s = cs_walk_next(&w));
		if (s->start != 30 + 2 * i || s->end != 31 + 2 * i || cs_depth(th, s) != 1 ||
		    s->seq != (int32_t)(3 + i))
			fail_msg("slice %zu: %llu-%llu", 5 + i, (unsigned long long)s->start,
				 (unsigned long long)s->end);
	}
	assert_null(cs_walk_next(&w));
	cs_free(&cs);
}

/*
 * Folded stacks across an overflow: the trace starts in g, whose return
 * makes f an outer frame (one level out); after the overflow the stack
 * begins afresh in h, one level deeper than the thread's outermost, with
 * no frame of its own above it: h is outermost in the folded stacks
 * (its callers are unknown), and k runs below it, not below f.
 */
static void folded_after_overflow(void **unused)
{
	struct call_stacks cs;
	char *text = NULL;
	size_t len = 0;
	FILE *out;

	assert_int_equal(cs_init(&cs), 0);
	feed(&cs, EVENT_TRACE_BEGIN, 0, 0, 0x3000, 0, 10);
	feed(&cs, EVENT_BRANCH, RET, 0x3004, 0x2015, 2, 11);
	feed(&cs, EVENT_OVERFLOW, 0, 0, 0x5000, 3, 20);
	feed(&cs, EVENT_TRACE_BEGIN, 0, 0, 0x5000, 0, 21);
	feed(&cs, EVENT_BRANCH, CALL, 0x5004, 0x6000, 4, 22);
	feed(&cs, EVENT_BRANCH, RET, 0x6004, 0x5009, 5, 23);
	assert_int_equal(cs_finish(&cs), 0);
	assert_int_equal(depth_at(&cs, &cs.threads[0], 2), 1);
	out = open_memstream(&text, &len);
	assert_non_null(out);
	assert_int_equal(export_folded(&cs, NULL, out), 0);
	fclose(out);
	assert_string_equal(text, "0x2015 3\n0x2015;0x3000 2\n0x5000 4\n0x5000;0x6000 5\n");
	free(text);
	cs_free(&cs);
}

/*
 * Folded stacks of stacks that begin deeper than the thread's outermost
 * level, before any frame above them is known: two stacks begun at level 0
 * and cut by errors, then a third whose returns find three outer frames
 * (the first two are at depth 3). The levels above them are unknown: each
 * is outermost, whatever the scratch memory of the walk held (the walk
 * read levels it never wrote; here the block it gets is primed, as a
 * damaged trace's export found it, with a frame of the second stack's
 * epoch, and the second stack came out below the first).
 */
static void folded_deep_starts(void **unused)
{
	struct call_stacks cs;
	char *text = NULL;
	size_t len = 0;
	uint32_t *prime;
	FILE *out;

	assert_int_equal(cs_init(&cs), 0);
	feed(&cs, EVENT_TRACE_BEGIN, 0, 0, 0x1000, 0, 10);
	feed(&cs, EVENT_ERROR, 0, 0, 0, 1, 11);
	feed(&cs, EVENT_TRACE_BEGIN, 0, 0, 0x2000, 0, 20);
	feed(&cs, EVENT_ERROR, 0, 0, 0, 2, 21);
	feed(&cs, EVENT_TRACE_BEGIN, 0, 0, 0x3000, 0, 30);
	feed(&cs, EVENT_BRANCH, RET, 0x3004, 0x4009, 3, 31);
	feed(&cs, EVENT_BRANCH, RET, 0x4010, 0x5009, 4, 32);
	feed(&cs, EVENT_BRANCH, RET, 0x5010, 0x6009, 5, 33);
	assert_int_equal(cs_finish(&cs), 0);
	assert_int_equal(cs_nr_slices(&cs.threads[0]), 6);
	assert_int_equal(depth_at(&cs, &cs.threads[0], 1), 3);
	out = open_memstream(&text, &len);
	assert_non_null(out);
	/* the walk's first block (64 frames of node, epoch): frames of node 1, epoch 1 */
	prime = malloc(64 * 2 * sizeof(*prime));
	assert_non_null(prime);
	for (size_t i = 0; i < 64 * 2; i++)
		prime[i] = 1;
	free(prime);
	assert_int_equal(export_folded(&cs, NULL, out), 0);
	fclose(out);
	assert_string_equal(text, "0x1000 1\n0x2000 2\n0x6009;0x5009 5\n0x6009;0x5009;0x4009 4\n"
			    "0x6009;0x5009;0x4009;0x3000 3\n");
	free(text);
	cs_free(&cs);
}

/* Two threads interleaved keep their own stacks; a stray return is a jump. */
static void threads_and_stray_return(void **unused)
{
	struct call_stacks cs;

	assert_int_equal(cs_init(&cs), 0);
	feed_tid(&cs, 1, EVENT_TRACE_BEGIN, 0, 0, 0x1000, 0, 10);
	feed_tid(&cs, 2, EVENT_TRACE_BEGIN, 0, 0, 0x7000, 0, 11);
	feed_tid(&cs, 1, EVENT_BRANCH, CALL, 0x1004, 0x2000, 1, 12);
	feed_tid(&cs, 2, EVENT_BRANCH, CALL, 0x7004, 0x8000, 1, 13);
	feed_tid(&cs, 1, EVENT_BRANCH, RET, 0x2004, 0x9999, 1, 14);	/* matches nothing */
	feed_tid(&cs, 2, EVENT_BRANCH, RET, 0x8004, 0x7009, 1, 15);
	feed_tid(&cs, 1, EVENT_BRANCH, RET, 0x2008, 0x1009, 1, 16);
	assert_int_equal(cs_finish(&cs), 0);
	assert_int_equal(cs.nr_threads, 2);
	assert_int_equal(cs.threads[0].tid, 1);
	assert_int_equal(cs_nr_slices(&cs.threads[0]), 2);
	expect(&cs, &cs.threads[0], 1, "0x2000", 1, 12, 16, 0);
	assert_int_equal(cs_nr_slices(&cs.threads[1]), 2);
	expect(&cs, &cs.threads[1], 1, "0x8000", 1, 13, 15, 0);
	cs_free(&cs);
}

/*
 * Any tid a damaged file gives is a thread's: -2, 0x7fffffff and INT_MIN
 * too (-2 was the "no thread cached" mark: a first event of tid -2 took
 * the cache's thread before any was made, NULL, said as no memory; found
 * by fuzz_export under UBSan).
 */
static void odd_tids(void **unused)
{
	static const int tids[] = { -2, 0x7fffffff, INT32_MIN, -1 };
	struct call_stacks cs;

	assert_int_equal(cs_init(&cs), 0);
	for (size_t i = 0; i < 4; i++) {
		feed_tid(&cs, tids[i], EVENT_TRACE_BEGIN, 0, 0, 0x1000, 0, 10 + i);
		feed_tid(&cs, tids[i], EVENT_BRANCH, CALL, 0x1004, 0x2000, 1, 20 + i);
	}
	for (size_t i = 0; i < 4; i++)
		feed_tid(&cs, tids[i], EVENT_BRANCH, RET, 0x2004, 0x1009, 1, 30 + i);
	assert_int_equal(cs_finish(&cs), 0);
	assert_int_equal(cs.nr_threads, 4);
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(cs.threads[i].tid, tids[i]);
		assert_int_equal(cs_nr_slices(&cs.threads[i]), 2);
		expect(&cs, &cs.threads[i], 1, "0x2000", 1, 20 + i, 30 + i, 0);
	}
	cs_free(&cs);
}

/*
 * The trace starts in g (0x3000) with a seed: g called from f (returns to
 * 0x2015), f from main (returns to 0x1009). The callers come first, named
 * by their return addresses - 1, and the trace's returns find them.
 */
static void seeded(void **unused)
{
	const uint64_t pcs[] = { 0x3000, 0x2015, 0x1009 };
	struct call_stacks cs;
	const struct cs_thread *th;
	const uint32_t seed = CS_SLICE_BEGAN_BEFORE | CS_SLICE_SEEDED;

	assert_int_equal(cs_init(&cs), 0);
	assert_int_equal(cs_add_seed(&cs, 1, 90, pcs, 1), -EINVAL);	/* no callers */
	assert_int_equal(cs_add_seed(&cs, 1, 90, pcs, 3), 0);
	feed(&cs, EVENT_TRACE_BEGIN, 0, 0, 0x3000, 0, 100);
	feed(&cs, EVENT_BRANCH, RET, 0x3004, 0x2015, 3, 110);
	feed(&cs, EVENT_BRANCH, RET, 0x2030, 0x1009, 4, 120);
	feed(&cs, EVENT_TRACE_END, BRANCH_F_TRACE_END, 0x1010, 0, 5, 130);
	assert_int_equal(cs_finish(&cs), 0);
	th = &cs.threads[0];
	assert_int_equal(cs_nr_slices(th), 3);
	expect(&cs, th, 0, "0x1008", 0, 100, 130, seed | CS_SLICE_OPEN_AT_END);
	expect(&cs, th, 1, "0x2014", 1, 100, 120, seed);
	expect(&cs, th, 2, "0x3000", 2, 100, 110, CS_SLICE_BEGAN_BEFORE);
	assert_int_equal(cs.seeds_used, 1);
	cs_free(&cs);
}

/*
 * Which seed: the thread's latest at or before the first event, and only
 * when sampled in the function the trace starts in; another thread's
 * seed is not taken.
 */
static void seed_choice(void **unused)
{
	const uint64_t early[] = { 0x3000, 0x2015 }, late[] = { 0x3000, 0x6015 };
	const uint64_t other_fn[] = { 0x7000, 0x2015 };
	struct call_stacks cs;

	assert_int_equal(cs_init(&cs), 0);
	assert_int_equal(cs_add_seed(&cs, 1, 40, late, 2), 0);
	assert_int_equal(cs_add_seed(&cs, 1, 50, early, 2), 0);
	assert_int_equal(cs_add_seed(&cs, 1, 200, late, 2), 0);
	assert_int_equal(cs_add_seed(&cs, 2, 50, early, 2), 0);
	assert_int_equal(cs_add_seed(&cs, 3, 50, other_fn, 2), 0);
	feed_tid(&cs, 1, EVENT_TRACE_BEGIN, 0, 0, 0x3000, 0, 100);
	feed_tid(&cs, 3, EVENT_TRACE_BEGIN, 0, 0, 0x3000, 0, 100);
	feed_tid(&cs, 4, EVENT_TRACE_BEGIN, 0, 0, 0x3000, 0, 100);
	assert_int_equal(cs_finish(&cs), 0);
	assert_int_equal(cs.nr_threads, 3);
	assert_int_equal(cs_nr_slices(&cs.threads[0]), 2);
	expect(&cs, &cs.threads[0], 0, "0x2014", 0, 100, 100,
	       CS_SLICE_BEGAN_BEFORE | CS_SLICE_SEEDED | CS_SLICE_OPEN_AT_END);
	assert_int_equal(cs_nr_slices(&cs.threads[1]), 1);	/* sampled in another function */
	expect(&cs, &cs.threads[1], 0, "0x3000", 0, 100, 100,
	       CS_SLICE_BEGAN_BEFORE | CS_SLICE_OPEN_AT_END | CS_SLICE_CALLERS_UNKNOWN);
	assert_int_equal(cs_nr_slices(&cs.threads[2]), 1);	/* no seed */
	assert_int_equal(cs.seeds_used, 1);
	cs_free(&cs);
}

/*
 * Thread tid: starts in f at 0x2024 (frames are named by address here: the
 * address the sample's return into f names it too), jumps back to call g,
 * which stops in a syscall at 0x3008.
 */
static void stop_in_syscall(struct call_stacks *cs, int tid)
{
	feed_tid(cs, tid, EVENT_TRACE_BEGIN, 0, 0, 0x2024, 0, 100);
	feed_tid(cs, tid, EVENT_BRANCH, JMP, 0x2026, 0x2018, 1, 105);
	feed_tid(cs, tid, EVENT_BRANCH, CALL, 0x2020, 0x3000, 2, 110);
	feed_tid(cs, tid, EVENT_TRACE_END, BRANCH_F_TRACE_END | BRANCH_F_SYSCALLRET | CALL, 0x3008,
		 0, 3, 120);
}

/*
 * No seed at the start: the callers are unknown until the trace stops in
 * the syscall, sampled just after it (0x300a) at time 125: g called from f
 * (0x2025), f from main (0x1009), main from _start (0x509). The trace
 * knows g and f there, their call site agrees: main and _start become
 * f's callers, which the later return to 0x1009 finds. Thread 2's sample
 * says g returns elsewhere in f (0x2045): it disagrees and is not used;
 * thread 3's was taken before its stop (a stale one): not used either.
 */
static void late_seed(void **unused)
{
	const uint64_t pcs[] = { 0x300a, 0x2025, 0x1009, 0x509 };
	const uint64_t wrong[] = { 0x300a, 0x2045, 0x1009, 0x509 };
	const uint32_t seed = CS_SLICE_BEGAN_BEFORE | CS_SLICE_SEEDED | CS_SLICE_OPEN_AT_END;
	const uint32_t unknown = CS_SLICE_BEGAN_BEFORE | CS_SLICE_OPEN_AT_END |
				 CS_SLICE_CALLERS_UNKNOWN;
	struct call_stacks cs;
	const struct cs_thread *th;

	assert_int_equal(cs_init(&cs), 0);
	assert_int_equal(cs_add_seed(&cs, 1, 125, pcs, 4), 0);
	assert_int_equal(cs_add_seed(&cs, 2, 125, wrong, 4), 0);
	assert_int_equal(cs_add_seed(&cs, 3, 115, pcs, 4), 0);
	stop_in_syscall(&cs, 1);
	feed(&cs, EVENT_TRACE_BEGIN, 0, 0, 0x300a, 0, 126);
	feed(&cs, EVENT_BRANCH, RET, 0x300c, 0x2025, 1, 128);
	feed(&cs, EVENT_BRANCH, RET, 0x2030, 0x1009, 2, 129);
	feed(&cs, EVENT_TRACE_END, BRANCH_F_TRACE_END, 0x1010, 0, 3, 130);
	stop_in_syscall(&cs, 2);
	stop_in_syscall(&cs, 3);
	assert_int_equal(cs_finish(&cs), 0);
	th = &cs.threads[0];
	assert_int_equal(cs_nr_slices(th), 4);
	expect(&cs, th, 0, "0x508", 0, 100, 130, seed);
	expect(&cs, th, 1, "0x1008", 1, 100, 130, seed);
	expect(&cs, th, 2, "0x2024", 2, 100, 129, CS_SLICE_BEGAN_BEFORE);
	expect(&cs, th, 3, "0x3000", 3, 110, 128, 0);
	for (int t = 1; t < 3; t++) {
		th = &cs.threads[t];
		assert_int_equal(cs_nr_slices(th), 2);
		expect(&cs, th, 0, "0x2024", 0, 100, 120, unknown);
	}
	assert_int_equal(cs.seeds_used, 1);
	cs_free(&cs);
}

/*
 * Thread 1 on CPU 0 enters main and f, moves to CPU 1 where f calls g,
 * and back to CPU 0 where f calls g again; selected by CPU (cs_select()).
 */
static void feed_moving(struct call_stacks *cs)
{
	struct decode_event ev = { 0 };
	struct trace_event te = { .ev = &ev, .pid = 1, .tid = 1 };
	static const struct {
		int cpu;
		unsigned int kind, flags;
		uint64_t from, to, insns, time;
	} v[] = {
		{ 0, EVENT_TRACE_BEGIN, BRANCH_F_TRACE_BEGIN, 0, 0x1000, 0, 100 },
		{ 0, EVENT_BRANCH, CALL, 0x1004, 0x2000, 2, 110 },
		{ 1, EVENT_BRANCH, CALL, 0x2010, 0x3000, 3, 200 },
		{ 1, EVENT_BRANCH, RET, 0x3004, 0x2015, 4, 210 },
		{ 0, EVENT_BRANCH, CALL, 0x2020, 0x3000, 5, 300 },
		{ 0, EVENT_BRANCH, RET, 0x3004, 0x2025, 6, 310 },
		{ 0, EVENT_TRACE_END, BRANCH_F_TRACE_END, 0x2030, 0, 7, 320 },
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		ev = (struct decode_event){ .kind = v[i].kind, .branch = v[i].flags,
					    .from = v[i].from, .to = v[i].to,
					    .insn_count = v[i].insns, .time = v[i].time };
		assert_int_equal(cs_event_cpu(cs, &te, v[i].cpu), 0);
	}
	assert_int_equal(cs_finish(cs), 0);
}

/* The stream of feed_moving() in cs, selected by CPU list cpus into f. */
static void moving_on(struct call_stacks *cs, struct event_filter *f, const char *cpus)
{
	assert_int_equal(event_filter_cpus(f, cpus), 0);
	assert_int_equal(cs_init(cs), 0);
	cs_select(cs, f);
	feed_moving(cs);
}

static void selected_cpus(void **unused)
{
	const uint32_t bb = CS_SLICE_BEGAN_BEFORE, open = CS_SLICE_OPEN_AT_END;
	const uint32_t main_flags = bb | open | CS_SLICE_CALLERS_UNKNOWN;
	struct event_filter f = { .nr_cpus = 0 };
	struct call_stacks cs;
	const struct cs_thread *th;

	/* CPU 0: two spans; the first call of g (on CPU 1) is in neither */
	moving_on(&cs, &f, "0");
	th = &cs.threads[0];
	assert_int_equal(cs_nr_slices(th), 5);
	expect(&cs, th, 0, "0x1000", 0, 100, 110, main_flags);
	expect(&cs, th, 1, "0x2000", 1, 110, 110, open);
	expect(&cs, th, 2, "0x1000", 0, 300, 320, main_flags);
	expect(&cs, th, 3, "0x2000", 1, 300, 320, bb | open);
	expect(&cs, th, 4, "0x3000", 2, 300, 310, 0);
	/* own instructions of the events on CPU 0 only: main 2, f 5 + 7, g 6 */
	assert_int_equal(slice_at(&cs, th, 0).self_insns + slice_at(&cs, th, 2).self_insns, 2);
	assert_int_equal(slice_at(&cs, th, 1).self_insns + slice_at(&cs, th, 3).self_insns, 12);
	assert_int_equal(slice_at(&cs, th, 4).self_insns, 6);
	cs_free(&cs);
	event_filter_free(&f);

	/* CPU 1: the first call of g, under main and f cut to its span */
	moving_on(&cs, &f, "1");
	th = &cs.threads[0];
	assert_int_equal(cs_nr_slices(th), 3);
	expect(&cs, th, 0, "0x1000", 0, 200, 210, main_flags);
	expect(&cs, th, 1, "0x2000", 1, 200, 210, bb | open);
	expect(&cs, th, 2, "0x3000", 2, 200, 210, 0);
	assert_int_equal(slice_at(&cs, th, 1).self_insns, 3);
	assert_int_equal(slice_at(&cs, th, 2).self_insns, 4);
	cs_free(&cs);
	event_filter_free(&f);

	/* CPU 2: the thread is left out */
	moving_on(&cs, &f, "2");
	assert_int_equal(cs.nr_threads, 0);
	cs_free(&cs);
	event_filter_free(&f);
}

/*
 * 3000 threads (tids 100, 107, ...: not their order of arrival) each call
 * f at 0x2000 + tid and return, their events interleaved: every thread
 * gets its own two slices, found again by tid.
 */
#define MANY_THREADS 3000

static int many_tid(int i)
{
	return 100 + 7 * ((i * 1237) % MANY_THREADS);
}

static void feed_many(struct call_stacks *cs, uint32_t cpu_of_odd)
{
	struct decode_event ev = { 0 };
	struct trace_event te = { .ev = &ev, .pid = 1 };
	static const struct {
		unsigned int kind, flags;
		uint64_t insns;
	} step[] = {
		{ EVENT_TRACE_BEGIN, BRANCH_F_TRACE_BEGIN, 0 },
		{ EVENT_BRANCH, CALL, 2 },
		{ EVENT_BRANCH, RET, 3 },
	};
	uint64_t time = 1000;

	for (size_t k = 0; k < sizeof(step) / sizeof(step[0]); k++)
		for (int i = 0; i < MANY_THREADS; i++) {
			uint64_t tid = (uint64_t)many_tid(i), f = 0x200000 + tid * 0x100;

			te.tid = (int)tid;
			ev = (struct decode_event){ .kind = step[k].kind, .branch = step[k].flags,
						    .insn_count = step[k].insns, .time = time++ };
			ev.from = k == 2 ? f + 4 : 0x1004;
			ev.to = k == 0 ? 0x1000 : k == 1 ? f : 0x1009;
			assert_int_equal(cs_event_cpu(cs, &te, (i & 1) ? (int)cpu_of_odd : 0), 0);
		}
	assert_int_equal(cs_finish(cs), 0);
}

static void many_threads(void **unused)
{
	struct event_filter f = { .nr_cpus = 0 };
	struct call_stacks cs;
	char name[32];

	assert_int_equal(cs_init(&cs), 0);
	feed_many(&cs, 1);
	assert_int_equal(cs.nr_threads, MANY_THREADS);
	for (int i = 0; i < MANY_THREADS; i++) {
		int tid = many_tid(i);
		ssize_t t = cs_thread_find(&cs, tid);

		assert_int_equal(t, i);
		assert_int_equal(cs.threads[t].tid, tid);
		assert_int_equal(cs_nr_slices(&cs.threads[t]), 2);
		snprintf(name, sizeof(name), "%#x", 0x200000 + tid * 0x100);
		expect(&cs, &cs.threads[t], 1, name, 1, 1000 + MANY_THREADS + i,
		       1000 + 2 * MANY_THREADS + i, 0);
	}
	assert_int_equal(cs_thread_find(&cs, 99), -1);
	cs_free(&cs);

	/* CPU 1 only: the odd ones are left, in their order, found by tid */
	assert_int_equal(event_filter_cpus(&f, "1"), 0);
	assert_int_equal(cs_init(&cs), 0);
	cs_select(&cs, &f);
	feed_many(&cs, 1);
	assert_int_equal(cs.nr_threads, MANY_THREADS / 2);
	for (int i = 0; i < MANY_THREADS; i++) {
		ssize_t t = cs_thread_find(&cs, many_tid(i));

		assert_int_equal(t, (i & 1) ? i / 2 : -1);
	}
	cs_free(&cs);
	event_filter_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nested),
		cmocka_unit_test(long_frames),
		cmocka_unit_test(recursion),
		cmocka_unit_test(returns_above_first_frame),
		cmocka_unit_test(signal_handler),
		cmocka_unit_test(overflow),
		cmocka_unit_test(roots_in_two_stacks),
		cmocka_unit_test(folded_after_overflow),
		cmocka_unit_test(folded_deep_starts),
		cmocka_unit_test(threads_and_stray_return),
		cmocka_unit_test(odd_tids),
		cmocka_unit_test(seeded),
		cmocka_unit_test(seed_choice),
		cmocka_unit_test(late_seed),
		cmocka_unit_test(selected_cpus),
		cmocka_unit_test(many_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
