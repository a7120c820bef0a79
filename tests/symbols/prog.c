/* Test program for t-symbols.sh: a static function (only in .symtab), an
 * exported one (also in .dynsym with -rdynamic), lines marked for --srcline. */
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) static int static_helper(int x)
{
	volatile int y = x * 3;	/* LINE_STATIC */

	return y + 1;
}

__attribute__((noinline)) int exported_fn(int x)
{
	return static_helper(x) * 2;	/* LINE_EXPORTED */
}

int main(int argc, char **argv)
{
	printf("%d\n", exported_fn(argc > 1 ? atoi(argv[1]) : 1));
	return 0;
}
