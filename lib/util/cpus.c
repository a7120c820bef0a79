// SPDX-License-Identifier: GPL-2.0
/*
 * cpus.c - the CPUs this process may run on, and lists of CPUs given by
 * the user (see cpus.h).
 */
#include <ctype.h>
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <unistd.h>
#include "lib/util/array_grow.h"
#include "lib/util/cpus.h"
#include "lib/util/util.h"

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

int cpu_list_parse(const char *s, int **cpus)
{
	int *v = NULL, n = 0;
	size_t cap = 0;
	const char *p = s;

	while (*p) {
		char *end;
		long lo, hi;

		if (!isdigit((unsigned char)*p))
			goto bad;
		lo = hi = strtol(p, &end, 10);
		p = end;
		if (*p == '-') {
			p++;
			if (!isdigit((unsigned char)*p))
				goto bad;
			hi = strtol(p, &end, 10);
			p = end;
		}
		if (lo > hi || hi >= 4096)
			goto bad;
		for (long c = lo; c <= hi; c++) {
			if (ARRAY_GROW(v, cap, (size_t)n + 1, 16)) {
				free(v);
				return -ENOMEM;
			}
			v[n++] = c;
		}
		if (*p == ',')
			p++;
		else if (*p && *p != '\n')
			goto bad;
		else if (*p == '\n')
			break;
	}
	if (!n)
		goto bad;
	qsort(v, n, sizeof(*v), cmp_int);
	/* drop duplicates */
	{
		int m = 1;

		for (int i = 1; i < n; i++)
			if (v[i] != v[m - 1])
				v[m++] = v[i];
		n = m;
	}
	*cpus = v;
	return n;
bad:
	free(v);
	return -EINVAL;
}
