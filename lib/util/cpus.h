/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cpus.h - how many CPUs this process may run on, which decides how many
 * threads a command starts (decode threads, helper threads).
 */
#ifndef AUXREC_CPUS_H
#define AUXREC_CPUS_H

/*
 * The CPUs of the process's affinity mask (sched_getaffinity(): taskset,
 * cgroup cpusets), or, when the mask cannot be read, the online CPUs;
 * at least 1.
 */
unsigned int usable_cpus(void);

#endif
