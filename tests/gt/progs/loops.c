/* Ground-truth program: nested loops and a switch (a jump table). */
#include <stdio.h>

static int __attribute__((noinline)) step(int i, int acc)
{
	switch (i % 7) {
	case 0: return acc + 3;
	case 1: return acc ^ i;
	case 2: return acc * 3 + 1;
	case 3: return acc - i;
	case 4: return acc >> 1;
	case 5: return acc + (i << 2);
	default: return acc | 1;
	}
}

int main(int argc, char **argv)
{
	volatile int n = 40;
	int acc = argc, i, j;

	for (i = 0; i < n; i++)
		for (j = 0; j < i; j++)
			acc = step(i + j, acc);
	printf("%d\n", acc);
	return 0;
}
