/* Ground-truth program: deep recursion (calls and returns). */
#include <stdio.h>

static int __attribute__((noinline)) fib(int n)
{
	return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static int __attribute__((noinline)) ack(int m, int n)
{
	if (!m)
		return n + 1;
	if (!n)
		return ack(m - 1, 1);
	return ack(m - 1, ack(m, n - 1));
}

int main(void)
{
	volatile int a = 17, b = 2, c = 3;

	printf("%d %d\n", fib(a), ack(b, c));
	return 0;
}
