/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cache_line.h - the size of a cache line (x86-64's, and most AArch64
 * cores'), to align what one thread writes often away from what another
 * thread reads or writes: alignas(CACHE_LINE).
 */
#ifndef AUXREC_CACHE_LINE_H
#define AUXREC_CACHE_LINE_H

#define CACHE_LINE	64
/* bytes rounded up to whole lines: the size for aligned_alloc(CACHE_LINE, ...) */
#define CACHE_LINES(bytes)	(((bytes) + CACHE_LINE - 1) / CACHE_LINE * CACHE_LINE)

#endif
