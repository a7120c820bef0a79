/* SPDX-License-Identifier: GPL-2.0 */
/*
 * temp_file.h - unlinked temporary files, for what auxrec keeps only while
 * it runs (a piped standard input, a long trace joined for its decoder):
 * in $TMPDIR, else a directory the caller names; made with O_TMPFILE where
 * the file system has it, else as a named file unlinked at once. Nothing
 * is left behind, whatever ends the process.
 */
#ifndef AUXREC_TEMP_FILE_H
#define AUXREC_TEMP_FILE_H

/* $TMPDIR when it is set and not empty, else fallback. */
const char *temp_file_dir(const char *fallback);

/*
 * A new unlinked file in dir, read-write, close-on-exec (a named one is
 * DIR/STEM.XXXXXX for the moment it exists): its fd, or -1 with errno set.
 */
int temp_file_open(const char *dir, const char *stem);

#endif
