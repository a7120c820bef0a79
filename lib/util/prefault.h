/* SPDX-License-Identifier: GPL-2.0 */
/*
 * prefault.h - memory handed out with its pages already mapped writable
 * (lib/util/prefault.c), for what decode threads fill while other threads
 * of the process run.
 *
 * Why: a fresh page that is read before it is written (a zeroed cache
 * looked up, then filled) maps the kernel's shared zero page, and its
 * first write replaces that mapping, which flushes the page from the TLB
 * of every CPU the process runs on: with two decode threads, an
 * inter-processor interrupt per page (docs/testing.md, "Parallel decode:
 * overhead of the threads").
 */
#ifndef AUXREC_PREFAULT_H
#define AUXREC_PREFAULT_H

#include <stddef.h>

/*
 * Maps the whole pages of [p, p + len) writable now, with one call where
 * the kernel can (MADV_POPULATE_WRITE, Linux 5.14); else nothing, as they
 * then fault in when used.
 */
void prefault_write(void *p, size_t len);

/* calloc(n, size) whose pages are mapped writable (prefault_write). */
void *calloc_prefaulted(size_t n, size_t size);

#endif
