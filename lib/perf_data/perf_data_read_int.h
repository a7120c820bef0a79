/* SPDX-License-Identifier: GPL-2.0 */
/*
 * perf_data_read_int.h - what the perf.data reader (perf_data_read.c)
 * shares with the directory merge (perf_data_dir.c): one file's records,
 * a reader of a header-less per-thread file, the reader's error.
 */
#ifndef AUXREC_PERF_DATA_READ_INT_H
#define AUXREC_PERF_DATA_READ_INT_H

#include "perf_data.h"

/* The next record of r's own file (not merged): as pd_reader_next(). */
int pd_reader_next_file(struct pd_reader *r, struct pd_record *rec);
/*
 * Opens PATH as records from offset 0 to its end (a perf.data directory's
 * data.N), read with the attrs and compression of MAIN. -errno and the
 * reason in err; -ENODATA when the file is empty.
 */
int pd_reader_open_records(const char *path, const struct pd_reader *main,
			   struct pd_reader **out, char *err, size_t errlen);
/* Sets r's (sticky) error; returns err. */
int pd_reader_fail(struct pd_reader *r, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Sets r's warning (the last one is kept). */
void pd_reader_warn(struct pd_reader *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ------------------------------------------------- perf_data_dir.c */

struct pd_dir;

/*
 * The data.N files of directory PATH, whose `data` main has read (its
 * HEADER_DIR_FORMAT said version 1). -errno and the reason in err.
 */
int pd_dir_open(const char *path, struct pd_reader *main, struct pd_dir **out, char *err,
		size_t errlen);
/*
 * The next record of the directory: the files' records merged by sample
 * time, each file's in its order (records without a time keep the place
 * after the one before them); ties go to `data`, then data.N by N. As
 * pd_reader_next(); an error is set on main.
 */
int pd_dir_next(struct pd_dir *d, struct pd_record *rec);
void pd_dir_free(struct pd_dir *d);

#endif
