/* A tiny "vmlinux" for t-symbols.sh: linked with .text at a kernel address. */
__attribute__((noinline)) int kfunc_a(int x)
{
	return x * 7 + 1;
}

void _start(void)
{
	volatile int r = kfunc_a(3);

	(void)r;
	for (;;)
		;
}
