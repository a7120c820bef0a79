/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mapped_files.h - the files auxrec maps to read them (a perf.data, the
 * binaries whose code and symbols it reads), so that a file made shorter
 * while it is read (truncated, or rewritten in place as cp does over a
 * binary) ends the process with one line naming it, not "Bus error": the
 * pages past its new end fault with SIGBUS on the next read.
 */
#ifndef AUXREC_MAPPED_FILES_H
#define AUXREC_MAPPED_FILES_H

#include <stddef.h>

/*
 * Installs the SIGBUS handler (once; before any other handler that hands
 * faults it does not own to the one before it, as cs_tree's does). A fault
 * in a mapping of mapped_file_add() prints "auxrec: error: PATH got
 * shorter while it was read ..." and exits with status 1; any other takes
 * the default action.
 */
void mapped_files_guard(void);

/*
 * Notes len bytes at start mapped from path. Returns a handle for
 * mapped_file_remove(), or -1 when the table is full or memory short (the
 * mapping is then not named: a fault in it takes the default action).
 */
int mapped_file_add(const void *start, size_t len, const char *path);

/* Forgets the mapping of handle h (from mapped_file_add(); -1: none), before its munmap(). */
void mapped_file_remove(int h);

#endif
