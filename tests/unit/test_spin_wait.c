// SPDX-License-Identifier: GPL-2.0
/*
 * test_spin_wait.c - lib/util/spin_wait.c: a waiter wakes for a
 * spin_wake_all() made while it spins, for one made after it went to
 * sleep (no wake-up lost between the spin and the sleep), and two threads
 * on one CPU hand a token to each other (the spinner yields that CPU).
 */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include "lib/util/spin_wait.h"

struct shared {
	pthread_mutex_t lock;
	struct spin_cond cond;
	int value;		/* what the waiter waits for, under lock */
	long long delay_ns;	/* the waker's sleep before it sets value */
};

static long long now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void init(struct shared *s, long long delay_ns)
{
	assert_int_equal(spin_mutex_init(&s->lock), 0);
	assert_int_equal(spin_cond_init(&s->cond), 0);
	s->value = 0;
	s->delay_ns = delay_ns;
}

static void fini(struct shared *s)
{
	spin_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->lock);
}

static void *waker(void *arg)
{
	struct shared *s = arg;
	struct timespec d = { .tv_sec = s->delay_ns / 1000000000LL,
			      .tv_nsec = s->delay_ns % 1000000000LL };

	nanosleep(&d, NULL);
	pthread_mutex_lock(&s->lock);
	s->value = 1;
	spin_wake_all(&s->cond);
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

/* Waits for value as the users do; the nanoseconds it took. */
static long long wait_value(struct shared *s)
{
	long long t0 = now_ns();

	pthread_mutex_lock(&s->lock);
	while (!s->value)
		spin_wait(&s->cond, &s->lock);
	pthread_mutex_unlock(&s->lock);
	return now_ns() - t0;
}

static void woken(long long delay_ns)
{
	struct shared s;
	pthread_t t;
	long long took;

	init(&s, delay_ns);
	assert_int_equal(pthread_create(&t, NULL, waker, &s), 0);
	took = wait_value(&s);
	pthread_join(t, NULL);
	assert_int_equal(s.value, 1);
	/* it waited for the waker, and not for ever (a second is plenty) */
	assert_true(took >= delay_ns);
	assert_true(took < delay_ns + 1000000000LL);
	fini(&s);
}

/* A wake-up within the spin */
static void wake_while_spinning(void **state)
{
	(void)state;
	woken(SPIN_WAIT_NS / 10);
}

/* A wake-up after the spin gave up: the sleep gets it */
static void wake_while_asleep(void **state)
{
	(void)state;
	woken(SPIN_WAIT_NS * 20);
}

/* Already there: no wait at all */
static void no_wait(void **state)
{
	struct shared s;

	(void)state;
	init(&s, 0);
	s.value = 1;
	assert_true(wait_value(&s) < SPIN_WAIT_NS);
	fini(&s);
}

#define ROUNDS	200

struct ping {
	struct shared s;
	int turn;		/* 0 or 1: whose turn, under s.lock */
	int cpu;		/* both threads run on it */
};

static void *player(void *arg)
{
	struct ping *p = arg;
	cpu_set_t one;
	int me;

	CPU_ZERO(&one);
	CPU_SET(p->cpu, &one);
	sched_setaffinity(0, sizeof(one), &one);
	pthread_mutex_lock(&p->s.lock);
	me = p->turn;	/* the second starts once the first has moved */
	for (int i = 0; i < ROUNDS; i++) {
		while (p->turn != me)
			spin_wait(&p->s.cond, &p->s.lock);
		p->turn = !me;
		spin_wake_all(&p->s.cond);
	}
	pthread_mutex_unlock(&p->s.lock);
	return NULL;
}

/*
 * Two threads on one CPU pass the turn back and forth: a spinner that
 * did not yield would hold the CPU for its whole spin each time (200
 * rounds of a millisecond or more), or for ever where the kernel lets it.
 */
static void one_cpu_ping_pong(void **state)
{
	struct ping p = { .turn = 0, .cpu = sched_getcpu() };
	pthread_t a, b;
	long long t0 = now_ns();

	(void)state;
	init(&p.s, 0);
	assert_true(p.cpu >= 0);
	assert_int_equal(pthread_create(&a, NULL, player, &p), 0);
	/* the second player's side: the turn it waits for */
	for (int moved = 0; !moved && now_ns() - t0 < 1000000000LL;) {
		pthread_mutex_lock(&p.s.lock);
		moved = p.turn != 0;
		pthread_mutex_unlock(&p.s.lock);
		if (!moved)
			usleep(100);
	}
	/* a has made its first move (turn 1): b plays side 1 */
	assert_int_equal(pthread_create(&b, NULL, player, &p), 0);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	assert_true(now_ns() - t0 < (long long)ROUNDS * SPIN_WAIT_NS / 2);
	fini(&p.s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(wake_while_spinning),
		cmocka_unit_test(wake_while_asleep),
		cmocka_unit_test(no_wait),
		cmocka_unit_test(one_cpu_ping_pong),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
