/*
 * Ground-truth program for the end-to-end script test: the loop count comes
 * from argv, so the same static binary is single-stepped briefly on the host
 * (its trace replayed by the test PMU) and runs long enough in the guest for
 * the replay to happen while it is traced.
 */
#include <stdlib.h>

static int __attribute__((noinline)) mix(int i, int acc)
{
	if (i % 3 == 0)
		return acc * 7 + i;
	if (i % 3 == 1)
		return acc ^ (i << 3);
	return acc - i;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 20;
	volatile int acc = 1;

	for (long i = 0; i < n; i++)
		for (int j = 0; j < 8; j++)
			acc = mix((int)(i + j), acc);
	return acc == 42;
}
