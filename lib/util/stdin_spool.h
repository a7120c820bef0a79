/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stdin_spool.h - standard input that can be read more than once: a pipe
 * is copied into an unlinked temporary file that takes its place as file
 * descriptor 0 (for commands that read a recording in two passes).
 */
#ifndef AUXREC_STDIN_SPOOL_H
#define AUXREC_STDIN_SPOOL_H

#include <stddef.h>

/*
 * Makes fd 0 a regular file at offset 0: as it is when it is one, else its
 * bytes copied to a file in $TMPDIR (default /tmp). 0, or -errno with err
 * set.
 */
int stdin_spool(char *err, size_t errlen);
/*
 * The same for a pipe some of whose bytes were read already: head (n bytes)
 * then the rest of fd 0 go to the file that takes its place.
 */
int stdin_spool_after(const void *head, size_t n, char *err, size_t errlen);

#endif
