/* SPDX-License-Identifier: GPL-2.0 */
/*
 * synthesize.h - records for processes that existed before recording:
 * COMM and FORK for each thread and MMAP2 for each executable mapping,
 * and the kernel's MMAP, read from /proc like perf's synthetic-events.c.
 */
#ifndef AUXREC_SYNTHESIZE_H
#define AUXREC_SYNTHESIZE_H

#include <sys/types.h>
#include "lib/perf_data/perf_data.h"

/*
 * Writes COMM (each thread), FORK (each thread but the leader) and MMAP2
 * (each executable mapping) of process PID, each with the sample_id
 * trailer of attr ATTR_IDX (with its first id) when it has sample_id_all.
 * Returns 0, -ESRCH when the process is gone, or a write error.
 */
int synthesize_process(struct pd_writer *w, int attr_idx, pid_t pid);
/* synthesize_process() for every process in /proc; vanished ones are skipped. */
int synthesize_all_processes(struct pd_writer *w, int attr_idx);
/*
 * perf's kernel map (perf_event__synthesize_kernel_mmap): a kernel-mode
 * PERF_RECORD_MMAP of pid -1 named "[kernel.kallsyms]_text" from _text to
 * _etext, its pgoff the runtime address of _text, read from KALLSYMS
 * (/proc/kallsyms). A decoder relocates a vmlinux by it (KASLR).
 * Returns 0, -ENOENT when kallsyms is unreadable or hides addresses, or a
 * write error.
 */
int synthesize_kernel_mmap(struct pd_writer *w, int attr_idx, const char *kallsyms);

#endif
