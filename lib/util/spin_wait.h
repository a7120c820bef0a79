/* SPDX-License-Identifier: GPL-2.0 */
/*
 * spin_wait.h - waiting on a condition variable with a short spin first
 * (lib/util/spin_wait.c), for threads that hand each other work often:
 * the parallel decode's pool, the call-stack pipe, the zstd helper, the
 * merge of per-CPU buffers.
 *
 * Why: on the VMs measured, a thread asleep on a condition woke 0.2 to
 * 4 ms after the broadcast (its idle vCPU's wake-up), while what it waited
 * for (a decode unit) took 0.07 ms: a parallel decode's few waits cost
 * it up to a tenth of its time (docs/testing.md, "Waits that spin").
 */
#ifndef AUXREC_SPIN_WAIT_H
#define AUXREC_SPIN_WAIT_H

#include <pthread.h>
#include <stdatomic.h>

/*
 * What the waiters of a condition spin on: the wakers' count, raised by
 * spin_wake_all() with the mutex held.
 */
struct spin_cond {
	pthread_cond_t cond;
	atomic_uint gen;
};

/*
 * A mutex for sections of a few microseconds that threads take in turn:
 * one that spins a little before it sleeps where the C library has it
 * (glibc's adaptive mutex), as a sleeper pays for the wake-up above.
 */
int spin_mutex_init(pthread_mutex_t *m);

int spin_cond_init(struct spin_cond *c);
void spin_cond_destroy(struct spin_cond *c);

/* Wakes every waiter of c; the mutex they wait with held. */
void spin_wake_all(struct spin_cond *c);

/*
 * Waits for a spin_wake_all() of c, lock held on entry and return (let
 * go meanwhile): spins up to SPIN_WAIT_NS, yielding the CPU now and then
 * (so a thread sharing it runs), then sleeps on c. As with
 * pthread_cond_wait(), the caller looks at what it waits for again.
 */
void spin_wait(struct spin_cond *c, pthread_mutex_t *lock);

/* nanoseconds a waiter spins before it sleeps */
#define SPIN_WAIT_NS	1000000

#endif
