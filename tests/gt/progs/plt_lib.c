/*
 * The shared library of the ground-truth program plt.c, built twice by
 * tests/gt/progs.sh: as libgtplt.so, which plt links and calls through its
 * PLT, and with -DGT_DL as libgtdl.so, which plt dlopen()s. Its global
 * functions call each other through the library's own PLT (default
 * symbol interposition) and call back into the program.
 */
#ifdef GT_DL
#define GT_NAME(x) dl_##x
#else
#define GT_NAME(x) x
#endif

int GT_NAME(lib_helper)(int x);

int GT_NAME(lib_helper)(int x)
{
	return (x * 73 + 11) % 10007;
}

int GT_NAME(lib_mix)(int x, int (*cb)(int))
{
	int i, acc = x;

	for (i = 0; i < 4; i++)
		acc = GT_NAME(lib_helper)(acc) + cb(i);
	return acc;
}
