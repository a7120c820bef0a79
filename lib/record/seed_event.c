// SPDX-License-Identifier: GPL-2.0
/*
 * seed_event.c - the stack-sampling companion events of record
 * --seed-stacks (see seed_event.h). The attr is perf's --call-graph dwarf
 * one on the context-switches event: PERF_SAMPLE_CALLCHAIN without user
 * entries, PERF_SAMPLE_REGS_USER with every x86-64 register perf unwinds
 * with (all but the segment registers DS, ES, FS, GS) and
 * PERF_SAMPLE_STACK_USER. The switch happens in the kernel, so the event
 * must not exclude it; its samples carry the user state all the same.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <asm/perf_regs.h>
#include "lib/record/seed_event.h"

/* perf's PERF_REGS_MASK for x86-64 (tools/perf/arch/x86/include/perf_regs.h) */
#define SEED_REGS_MASK	(((1ULL << PERF_REG_X86_64_MAX) - 1) & \
			 ~((1ULL << PERF_REG_X86_DS) | (1ULL << PERF_REG_X86_ES) | \
			   (1ULL << PERF_REG_X86_FS) | (1ULL << PERF_REG_X86_GS)))

static void seed_attr(struct perf_event_attr *a, const struct perf_event_attr *aux,
		      uint32_t stack_size)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->type = PERF_TYPE_SOFTWARE;
	a->config = PERF_COUNT_SW_CONTEXT_SWITCHES;
	a->sample_period = 1;
	a->sample_type = PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_IP | PERF_SAMPLE_TID |
			 PERF_SAMPLE_TIME | PERF_SAMPLE_CPU | PERF_SAMPLE_CALLCHAIN |
			 PERF_SAMPLE_REGS_USER | PERF_SAMPLE_STACK_USER;
	a->read_format = PERF_FORMAT_ID;
	a->sample_regs_user = SEED_REGS_MASK;
	a->sample_stack_user = stack_size;
	a->exclude_callchain_user = 1;
	a->exclude_callchain_kernel = 1;
	a->exclude_hv = 1;
	a->sample_id_all = 1;
	a->disabled = 1;
	a->inherit = aux->inherit;
	a->enable_on_exec = aux->enable_on_exec;
}

int seed_event_open(struct evlist *seed, const struct evlist *aux, uint32_t stack_size,
		    char *err, size_t errlen)
{
	bool per_cpu = aux->nr && aux->cpus[0] >= 0;
	struct perf_event_attr a;
	int ret;

	seed_attr(&a, &aux->attr, stack_size);
	ret = evlist_open(seed, &a, per_cpu ? aux->cpus : NULL, per_cpu ? aux->nr : 0,
			  per_cpu ? NULL : aux->tids, per_cpu ? 0 : aux->nr,
			  per_cpu ? aux->tids[0] : -1, SEED_EVENT_NAME, err, errlen);
	if (ret)
		return ret;
	for (int i = 0; i < seed->nr; i++) {
		if (ioctl(seed->fds[i], PERF_EVENT_IOC_SET_OUTPUT, aux->fds[i]) < 0) {
			ret = -errno;
			snprintf(err, errlen, "--seed-stacks: cannot send the samples into the "
				 "data ring of the trace: %s", strerror(errno));
			evlist_close(seed);
			return ret;
		}
	}
	return 0;
}
