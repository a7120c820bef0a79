/* Ground-truth program: indirect calls through a function pointer table. */
#include <stdio.h>
#include <stdlib.h>

typedef long (*op_fn)(long, long);

static long __attribute__((noinline)) add(long a, long b) { return a + b; }
static long __attribute__((noinline)) sub(long a, long b) { return a - b; }
static long __attribute__((noinline)) mul(long a, long b) { return a * b % 1000003; }
static long __attribute__((noinline)) xr(long a, long b) { return a ^ b; }

static op_fn table[] = { add, sub, mul, xr };

static long __attribute__((noinline)) apply(op_fn *t, int i, long a, long b)
{
	return t[i & 3](a, b);
}

int main(int argc, char **argv)
{
	volatile int n = argc > 1 ? atoi(argv[1]) : 3000;
	long acc = 1;
	int i;

	for (i = 0; i < n; i++)
		acc = apply(table, i * 7 + (int)(acc & 1), acc, i + 1);
	printf("%ld\n", acc);
	return 0;
}
