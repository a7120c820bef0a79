/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cpus.h - how many CPUs this process may run on, which decides how many
 * threads a command starts (decode threads, helper threads); lists of CPUs
 * as the user writes them (record -C, the decoders' --cpu).
 */
#ifndef AUXREC_CPUS_H
#define AUXREC_CPUS_H

/*
 * The CPUs of the process's affinity mask (sched_getaffinity(): taskset,
 * cgroup cpusets), or, when the mask cannot be read, the online CPUs;
 * at least 1.
 */
unsigned int usable_cpus(void);

/*
 * Parses "0-3,5" into a sorted list of CPUs without duplicates (each below
 * 4096) in a new array *cpus; returns the count, -EINVAL for a bad list, or
 * -ENOMEM.
 */
int cpu_list_parse(const char *s, int **cpus);

#endif
