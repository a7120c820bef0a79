/*
 * Ground-truth program (built -O2): sibling calls (a call in tail position
 * compiled to a jmp, so the callee returns to its caller's caller) and
 * mutual recursion, both in tail position (is_even/is_odd: jumps) and not
 * (Hofstadter's female and male sequences: calls and returns).
 */
#include <stdio.h>

static int __attribute__((noinline)) is_odd(unsigned n);

static int __attribute__((noinline)) is_even(unsigned n)
{
	if (!n)
		return 1;
	__asm__ volatile("" ::: "memory");	/* keep the call a sibling call */
	return is_odd(n - 1);
}

static int __attribute__((noinline)) is_odd(unsigned n)
{
	if (!n)
		return 0;
	__asm__ volatile("" ::: "memory");
	return is_even(n - 1);
}

static int __attribute__((noinline)) male(int n);

static int __attribute__((noinline)) female(int n)
{
	return n ? n - male(female(n - 1)) : 1;
}

static int __attribute__((noinline)) male(int n)
{
	return n ? n - female(male(n - 1)) : 0;
}

static long __attribute__((noinline)) leaf(long x)
{
	return x * 2654435761u % 1000003;
}

/* each calls the next in tail position: one return for the whole chain */
static long __attribute__((noinline)) chain3(long x)
{
	return leaf(x + 3);
}

static long __attribute__((noinline)) chain2(long x)
{
	return chain3(x ^ 2);
}

static long __attribute__((noinline)) chain1(long x)
{
	return chain2(x * 5);
}

int main(int argc, char **argv)
{
	volatile unsigned n = 300;
	long acc = argc;
	int i;

	for (i = 0; i < 200; i++)
		acc += chain1(acc + i);
	printf("%d %d %d %d %ld\n", is_even(n), is_odd(n + 7), female(14), male(13), acc);
	return 0;
}
