// SPDX-License-Identifier: GPL-2.0
/*
 * workload.c - an AArch64 program whose symbols the ARM SPE tests use:
 * tests/perf/t-arm-spe.sh builds it with aarch64-linux-gnu-gcc and writes
 * SPE records as if sampled in its functions (a sequential sum, a pointer
 * chase, a store loop), loading and storing its global arrays. It also
 * runs under qemu-aarch64 and prints a checksum.
 */
#include <stdio.h>

#define N 4096

long table[N];
struct node { struct node *next; long pad[7]; } nodes[N];
char buffer[N * 8];

__attribute__((noinline)) long sum_table(void)
{
	long s = 0;

	for (int i = 0; i < N; i++)
		s += table[i];
	return s;
}

__attribute__((noinline)) long chase(int steps)
{
	struct node *p = &nodes[0];
	long n = 0;

	while (steps--) {
		p = p->next;
		n += (long)(p - nodes);
	}
	return n;
}

__attribute__((noinline)) void fill_buffer(char c)
{
	for (int i = 0; i < N * 8; i++)
		buffer[i] = c;
}

int main(void)
{
	for (int i = 0; i < N; i++) {
		table[i] = i;
		nodes[i].next = &nodes[(i * 5 + 1) % N];
	}
	fill_buffer('x');
	printf("%ld %ld\n", sum_table(), chase(100000));
	return 0;
}
