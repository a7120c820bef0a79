/*
 * export-prog.c - the program of the export seeds (tests/fuzz/export-prog,
 * its build, 9 KB with its .eh_frame; named by a relative path: the fuzz
 * targets run in the top directory), whose calls, returns and recursion
 * make call stacks. Built and traced (tests/gt/gt-record, single-stepped,
 * encoded as Intel PT; the second from its 3000th instruction, with a
 * stack sample there) with:
 *   gcc -O1 -static -nostdlib -no-pie -Wl,--build-id=none -o export-prog export-prog.c
 *   strip --strip-debug export-prog
 *   gt-record /tmp/rec -- ./export-prog
 *   gt-record --start 3000 /tmp/srec -- ./export-prog
 * and wrapped by pd-gen (tests/tools; LOAD: gt_prog_load of tests/gt/progs.sh,
 * 0x401000 0x9f 0x1000) into tests/fuzz/corpus/export/export-prog*.data:
 *   pd-gen --gt-clock export-prog.data /tmp/rec.pt tests/fuzz/export-prog LOAD
 *   pd-gen export-prog-rc.data /tmp/rec-rc.pt tests/fuzz/export-prog LOAD
 *   pd-gen --gt-clock --cpu-wide --task-switch --thread 4243:/tmp/rec-rc.pt \
 *       export-prog-cpu-wide.data /tmp/rec-rc.pt tests/fuzz/export-prog LOAD
 *   pd-gen --stack-sample /tmp/srec.sample export-prog-seeded.data /tmp/srec-rc.pt \
 *       tests/fuzz/export-prog LOAD
 * The first is cut into 3 units by --jobs 2 with AUXREC_PAR_UNIT=256; the
 * last seeds its thread's first stack by unwinding the sample (its
 * outermost caller 0x0: _start has none).
 */
static volatile int sink;

__attribute__((noinline)) static int leaf(int x) { sink += x; return x & 1; }
__attribute__((noinline)) static int rec(int n) { return n ? rec(n - 1) + leaf(n) : 0; }
__attribute__((noinline)) static void work(int n)
{
	for (int i = 0; i < n; i++)
		sink += i & 2 ? rec(3) : leaf(i);
}

void _start(void)
{
	work(300);
	__asm__ volatile("mov $60, %eax; xor %edi, %edi; syscall");
	__builtin_unreachable();
}
