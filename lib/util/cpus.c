// SPDX-License-Identifier: GPL-2.0
/*
 * cpus.c - the CPUs this process may run on (see cpus.h).
 */
#include <errno.h>
#include <sched.h>
#include <unistd.h>
#include "lib/util/cpus.h"

/* CPUs of the affinity mask, in masks of up to 64 Ki CPUs; 0: unknown. */
static unsigned int affinity_cpus(void)
{
	for (int n = 1024; n <= 65536; n *= 4) {
		cpu_set_t *set = CPU_ALLOC(n);
		size_t size = CPU_ALLOC_SIZE(n);
		int count = 0, err;

		if (!set)
			return 0;
		err = sched_getaffinity(0, size, set) ? errno : 0;
		if (!err)
			count = CPU_COUNT_S(size, set);
		CPU_FREE(set);
		if (err != EINVAL)	/* EINVAL: the kernel's mask is larger */
			return count > 0 ? (unsigned int)count : 0;
	}
	return 0;
}

unsigned int usable_cpus(void)
{
	unsigned int n = affinity_cpus();
	long online;

	if (n)
		return n;
	online = sysconf(_SC_NPROCESSORS_ONLN);
	return online > 0 ? (unsigned int)online : 1;
}
