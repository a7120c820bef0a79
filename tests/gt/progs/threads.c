/*
 * Ground-truth program: three pthreads, each with its own call pattern
 * (recursion, indirect calls through a table, a loop of leaf calls with a
 * syscall now and then so that gt-record's schedule switches threads),
 * joined by main, which sums their results.
 */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/syscall.h>

static int __attribute__((noinline)) fib(int n)
{
	return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static int __attribute__((noinline)) add(int a, int b) { return a + b; }
static int __attribute__((noinline)) sub(int a, int b) { return a - b; }
static int __attribute__((noinline)) mul(int a, int b) { return a * b; }

static int (*const ops[])(int, int) = { add, sub, mul };

static int __attribute__((noinline)) leaf(int x)
{
	return x * 3 + 1;
}

static void *recursive(void *arg)
{
	return (void *)(long)fib((int)(long)arg);
}

static void *indirect(void *arg)
{
	volatile int n = (int)(long)arg;
	int acc = 1;

	for (int i = 0; i < n; i++)
		acc = ops[i % 3](acc, i + 1);
	return (void *)(long)acc;
}

static void *looping(void *arg)
{
	volatile int n = (int)(long)arg;
	int acc = 0;

	for (int i = 0; i < n; i++) {
		acc += leaf(i);
		if (i % 16 == 0)
			syscall(SYS_getpid);	/* a syscall: the schedule may switch */
	}
	return (void *)(long)acc;
}

int main(void)
{
	void *(*const fn[])(void *) = { recursive, indirect, looping };
	const long arg[] = { 12, 60, 64 };
	pthread_t t[3];
	long sum = 0;

	for (int i = 0; i < 3; i++)
		if (pthread_create(&t[i], NULL, fn[i], (void *)arg[i]))
			return 1;
	for (int i = 0; i < 3; i++) {
		void *r;

		pthread_join(t[i], &r);
		sum += (long)r;
	}
	printf("%ld\n", sum);
	return 0;
}
