/*
 * Ground-truth program: setjmp/longjmp across frames. longjmp leaves
 * several frames at once by an indirect jump (glibc mangles the saved
 * pointers), so no return ever comes back from the frames it abandons.
 */
#include <setjmp.h>
#include <stdio.h>

static jmp_buf env;
static volatile int depth_reached;

static void __attribute__((noinline)) dive(int depth, int limit)
{
	depth_reached = depth;
	if (depth == limit)
		longjmp(env, depth);
	dive(depth + 1, limit);
	depth_reached--;	/* not a tail call: a frame per level */
}

static int __attribute__((noinline)) attempt(int limit)
{
	volatile int got = setjmp(env);

	if (!got)
		dive(0, limit);
	return got;
}

int main(void)
{
	int i, sum = 0;

	for (i = 0; i < 40; i++)
		sum += attempt(i % 9);
	printf("%d %d\n", sum, depth_reached);
	return 0;
}
