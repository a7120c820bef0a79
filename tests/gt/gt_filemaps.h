/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gt_filemaps.h - the executable file mappings of a traced process as
 * gt-record saw them appear: each with the trace time (TSC) of its first
 * sighting, 0 for those present at exec, so that a perf.data can carry one
 * PERF_RECORD_MMAP2 per mapping at the time the kernel would have written
 * it (a library mapped by ld.so or dlopen() mid-run comes after its mmap()).
 */
#ifndef AUXREC_GT_FILEMAPS_H
#define AUXREC_GT_FILEMAPS_H

#include <stdint.h>
#include <sys/types.h>

/* Notes the executable file mappings of pid not seen before, at time tsc. */
void gt_filemaps_scan(pid_t pid, uint64_t tsc);
/*
 * Writes "START LEN PGOFF TSC PATH" lines of every mapping noted, in the
 * order they appeared (by TSC), to path: also those gone before the end (a
 * library dlclose()d), as perf.data keeps the MMAP2 of each. Returns 0,
 * or -1 with errno set.
 */
int gt_filemaps_write(const char *path);

#endif
