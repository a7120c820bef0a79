// SPDX-License-Identifier: GPL-2.0
/*
 * spin_wait.c - a condition variable whose waiters spin before they sleep
 * (see spin_wait.h).
 */
#include <sched.h>
#include <time.h>
#include "spin_wait.h"

int spin_mutex_init(pthread_mutex_t *m)
{
#ifdef PTHREAD_ADAPTIVE_MUTEX_INITIALIZER_NP
	pthread_mutexattr_t a;
	int r = pthread_mutexattr_init(&a);

	if (!r)
		r = pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ADAPTIVE_NP);
	if (!r)
		r = pthread_mutex_init(m, &a);
	pthread_mutexattr_destroy(&a);
	return r;
#else
	return pthread_mutex_init(m, NULL);
#endif
}

int spin_cond_init(struct spin_cond *c)
{
	atomic_init(&c->gen, 0);
	return pthread_cond_init(&c->cond, NULL);
}

void spin_cond_destroy(struct spin_cond *c)
{
	pthread_cond_destroy(&c->cond);
}

void spin_wake_all(struct spin_cond *c)
{
	atomic_fetch_add_explicit(&c->gen, 1, memory_order_release);
	pthread_cond_broadcast(&c->cond);
}

static void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__) || defined(__arm__)
	__asm__ __volatile__("yield");
#endif
}

static long long now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* Whether c's count moved on from gen within SPIN_WAIT_NS */
static int spin(struct spin_cond *c, unsigned int gen)
{
	long long until = now_ns() + SPIN_WAIT_NS;

	for (unsigned int i = 1;; i++) {
		if (atomic_load_explicit(&c->gen, memory_order_acquire) != gen)
			return 1;
		cpu_relax();
		if (i % 64)
			continue;
		if (now_ns() > until)
			return 0;
		sched_yield();
	}
}

void spin_wait(struct spin_cond *c, pthread_mutex_t *lock)
{
	unsigned int gen = atomic_load_explicit(&c->gen, memory_order_relaxed);
	int moved;

	pthread_mutex_unlock(lock);
	moved = spin(c, gen);
	pthread_mutex_lock(lock);
	/* the count moves with lock held: unmoved now, the broadcast is to come */
	if (!moved && atomic_load_explicit(&c->gen, memory_order_relaxed) == gen)
		pthread_cond_wait(&c->cond, lock);
}
