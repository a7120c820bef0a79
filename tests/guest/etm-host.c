// SPDX-License-Identifier: GPL-2.0
/*
 * etm-host.c - in the x86 guest, the process that "runs" an AArch64
 * program for the cs_etm tests: it maps the executable PT_LOAD of an
 * AArch64 ELF (a static program linked away from x86's 0x400000) at its
 * link address, read and execute, from the file itself, so that the
 * kernel and a recorder see an executable mapping of the ELF (MMAP2 with
 * its path) in this process, then spins on the CPU for SECONDS so that a
 * PMU replaying that program's ETM trace (the auxtest module as cs_etm)
 * emits it while this process is traced. Its pid is what the trace's
 * context ID packets must carry. It prints the TSC when it starts to
 * spin, a base for the trace's timestamps (etm-gen --timestamps=BASE).
 *
 * Usage: etm-host ELF SECONDS
 */
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>

static int fail(const char *what, const char *why)
{
	fprintf(stderr, "etm-host: %s: %s\n", what, why);
	return 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	volatile unsigned long spins = 0;
	double end;
	int fd, i;

	if (argc != 3)
		return fail("usage", "etm-host ELF SECONDS");
	fd = open(argv[1], O_RDONLY);
	if (fd < 0 || pread(fd, &eh, sizeof(eh), 0) != sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_machine != EM_AARCH64)
		return fail(argv[1], "not an AArch64 ELF64 file");
	for (i = 0; i < eh.e_phnum; i++) {
		off_t at = eh.e_phoff + (off_t)i * eh.e_phentsize;
		uint64_t skew;
		void *p;

		if (pread(fd, &ph, sizeof(ph), at) != sizeof(ph))
			return fail(argv[1], "short program header table");
		if (ph.p_type != PT_LOAD || !(ph.p_flags & PF_X))
			continue;
		skew = ph.p_vaddr & 4095;
		p = mmap((void *)(ph.p_vaddr - skew), ph.p_filesz + skew, PROT_READ | PROT_EXEC,
			 MAP_PRIVATE | MAP_FIXED_NOREPLACE, fd, ph.p_offset - skew);
		if (p != (void *)(ph.p_vaddr - skew))
			return fail(argv[1], "cannot map the executable segment at its address");
		break;
	}
	if (i == eh.e_phnum)
		return fail(argv[1], "no executable PT_LOAD");
	printf("%llu\n", (unsigned long long)__rdtsc());
	fflush(stdout);
	end = now() + atof(argv[2]);
	while (now() < end)
		spins++;
	return 0;
}
