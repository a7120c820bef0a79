// SPDX-License-Identifier: GPL-2.0
/*
 * gt_start.c - the stack sample and the true stack where a late trace
 * begins (see gt_start.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include "gt_start.h"

static void fail(const char *what)
{
	fprintf(stderr, "gt-record: --start: %s: %s\n", what, strerror(errno));
	exit(2);
}

/* The end of pid's mapping that holds addr, or 0. */
static uint64_t mapping_end(pid_t pid, uint64_t addr)
{
	char path[64], line[512];
	unsigned long long lo, hi;
	uint64_t end = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "r");
	if (!f)
		fail(path);
	while (!end && fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx-%llx", &lo, &hi) == 2 && addr >= lo && addr < hi)
			end = hi;
	fclose(f);
	return end;
}

static uint8_t *put(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
	return p + 8;
}

void gt_start_capture(pid_t pid, struct gt_start_sample *s)
{
	struct user_regs_struct r;
	/* perf_regs.h order: AX BX CX DX SI DI BP SP IP FLAGS CS SS (DS ES FS GS) R8..R15 */
	uint64_t regs[24];
	uint64_t end, dyn;
	char path[64];
	uint8_t *p;
	int mem;

	if (ptrace(PTRACE_GETREGS, pid, NULL, &r) < 0)
		fail("PTRACE_GETREGS");
	memset(regs, 0, sizeof(regs));
	regs[0] = r.rax; regs[1] = r.rbx; regs[2] = r.rcx; regs[3] = r.rdx;
	regs[4] = r.rsi; regs[5] = r.rdi; regs[6] = r.rbp; regs[7] = r.rsp;
	regs[8] = r.rip; regs[9] = r.eflags; regs[10] = r.cs; regs[11] = r.ss;
	regs[16] = r.r8; regs[17] = r.r9; regs[18] = r.r10; regs[19] = r.r11;
	regs[20] = r.r12; regs[21] = r.r13; regs[22] = r.r14; regs[23] = r.r15;
	s->ip = r.rip;
	s->len = 8 + 8 * (size_t)__builtin_popcountll(GT_SAMPLE_REGS_MASK) + 8 +
		 GT_SAMPLE_STACK + 8;
	s->body = calloc(1, s->len);
	if (!s->body)
		fail("calloc");
	p = put(s->body, PERF_SAMPLE_REGS_ABI_64);
	for (int i = 0; i < 24; i++)
		if (GT_SAMPLE_REGS_MASK & (1ULL << i))
			p = put(p, regs[i]);
	p = put(p, GT_SAMPLE_STACK);
	end = mapping_end(pid, r.rsp);
	dyn = end > r.rsp ? end - r.rsp : 0;
	if (dyn > GT_SAMPLE_STACK)
		dyn = GT_SAMPLE_STACK;
	snprintf(path, sizeof(path), "/proc/%d/mem", pid);
	mem = open(path, O_RDONLY);
	if (mem < 0 || pread(mem, p, dyn, (off_t)r.rsp) != (ssize_t)dyn)
		fail(path);
	close(mem);
	put(p + GT_SAMPLE_STACK, dyn);
}

void gt_start_write_stack(const char *path, const uint64_t *ips, size_t cut,
			  int (*decode)(uint64_t ip, uint8_t *len, int *is_call, int *is_ret))
{
	struct frame { uint64_t entry, resume; } *fr = calloc(cut + 1, sizeof(*fr));
	size_t n = 1;
	FILE *f;

	if (!fr)
		fail("calloc");
	fr[0].entry = ips[0];
	for (size_t i = 0; i < cut; i++) {
		int is_call, is_ret;
		uint8_t len;

		if (decode(ips[i], &len, &is_call, &is_ret))
			continue;
		if (is_call) {
			fr[n - 1].resume = ips[i] + len;
			fr[n++] = (struct frame){ .entry = ips[i + 1] };
		} else if (is_ret) {
			for (size_t k = n - 1; k-- > 0;) {
				if (fr[k].resume == ips[i + 1]) {
					n = k + 1;
					break;
				}
			}
		}
	}
	fr[n - 1].resume = ips[cut];
	f = fopen(path, "w");
	if (!f)
		fail(path);
	for (size_t k = 0; k < n; k++)
		fprintf(f, "%#llx %#llx\n", (unsigned long long)fr[k].entry,
			(unsigned long long)fr[k].resume);
	if (fclose(f))
		fail(path);
	free(fr);
}
