/* SPDX-License-Identifier: GPL-2.0 */
/*
 * file_memory.h - large buffers in an unlinked temporary file, mapped
 * shared: pages the kernel can write back to disk and drop under memory
 * pressure, where anonymous memory of the same size would have to stay in
 * RAM (or swap). For what can be gigabytes: an AUX buffer's trace joined
 * into one piece for its decoder (lib/session/session.c).
 *
 * The directory is $TMPDIR, else /var/tmp (kept on disk where /tmp may be
 * a tmpfs). The file's blocks are allocated before it is mapped, so that a
 * full disk fails the allocation instead of a later write to the mapping.
 */
#ifndef AUXREC_FILE_MEMORY_H
#define AUXREC_FILE_MEMORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The directory temporary files are made in. */
const char *file_memory_dir(void);

/*
 * Whether a temporary file can be made there now; when not, *why gets the
 * cause (an errno). For a caller that must decide before it needs one.
 */
bool file_memory_usable(int *why);

/*
 * Whether the directory has room for files of `total` bytes in all, the
 * largest of `largest` bytes (the free blocks, and the process's file size
 * limit); when not, *why gets the cause (an errno). A check before the
 * files are made, which may come much later.
 */
bool file_memory_has_room(uint64_t total, uint64_t largest, int *why);

/*
 * size bytes (> 0), zeroed, in a new temporary file; NULL with errno set
 * (EFBIG past the file size limit, rather than SIGXFSZ).
 */
void *file_memory_alloc(size_t size);

/* Unmaps p, of size bytes, from file_memory_alloc(): its file goes with it. */
void file_memory_free(void *p, size_t size);

#endif
