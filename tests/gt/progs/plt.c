/*
 * Ground-truth program (dynamic PIE, lazy binding): calls through the PLT
 * into a shared library (libgtplt.so, tests/gt/progs/plt_lib.c), the
 * library calling back into the program, and the same code dlopen()ed as
 * libgtdl.so and called through a pointer from dlsym(). The first call
 * through each PLT slot goes through the dynamic linker's resolver.
 * The dlopen()ed library is dlclose()d before main returns, its code
 * unmapped: gt-record keeps its code and its mapping all the same (the
 * library's destructors run traced before the munmap()).
 */
#include <dlfcn.h>
#include <stdio.h>

int lib_mix(int x, int (*cb)(int));

static int __attribute__((noinline)) callback(int i)
{
	return i * 3 + 1;
}

int main(void)
{
	int (*dl_mix)(int, int (*)(int));
	void *dl;
	int i, acc = 1;

	for (i = 0; i < 20; i++)
		acc = lib_mix(acc, callback);
	dl = dlopen("libgtdl.so", RTLD_NOW | RTLD_LOCAL);
	if (!dl) {
		fprintf(stderr, "plt: %s\n", dlerror());
		return 1;
	}
	*(void **)&dl_mix = dlsym(dl, "dl_lib_mix");
	if (!dl_mix) {
		fprintf(stderr, "plt: %s\n", dlerror());
		return 1;
	}
	for (i = 0; i < 20; i++)
		acc = dl_mix(acc, callback);
	if (dlclose(dl)) {
		fprintf(stderr, "plt: %s\n", dlerror());
		return 1;
	}
	printf("%d\n", acc);
	return 0;
}
