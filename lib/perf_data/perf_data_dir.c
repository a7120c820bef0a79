// SPDX-License-Identifier: GPL-2.0
/*
 * perf_data_dir.c - a perf.data directory (`perf record --threads`, perf
 * >= 5.17, HEADER_DIR_FORMAT version 1): `data` holds the header and the
 * main records, data.N the records of the rings thread N read, each file
 * in time order per ring. perf reads them all into its ordered events
 * (util/session.c __perf_session__process_dir_events); here the files are
 * merged as they are read, by the sample time of each file's next record,
 * so that sideband (MMAP, COMM, SWITCH) from one file and AUX data from
 * another come in the order they happened.
 */
#include <dirent.h>
#include <fcntl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "perf_data_read_int.h"

#define MAX_DIR_FILES	4096

struct dir_stream {
	struct pd_reader *r;		/* NULL: the main reader */
	char name[32];			/* "data.N" */
	unsigned long n;
	struct pd_record next;		/* read, not yet handed out */
	bool has_next;
	uint64_t key;			/* time of next, or of the record before */
};

struct pd_dir {
	struct pd_reader *main;
	struct dir_stream *s;
	size_t nr;
	bool started;
	ssize_t taken;			/* stream whose next was handed out, -1 */
};

static int cmp_stream(const void *a, const void *b)
{
	const struct dir_stream *x = a, *y = b;

	return x->n < y->n ? -1 : x->n > y->n;
}

/* "data.N" with N decimal: N; else -1. */
static long data_file_number(const char *name)
{
	char *end;
	long n;

	if (strncmp(name, "data.", 5) || name[5] < '0' || name[5] > '9')
		return -1;
	n = strtol(name + 5, &end, 10);
	return *end || n < 0 ? -1 : n;
}

int pd_dir_open(const char *path, struct pd_reader *main, struct pd_dir **out, char *err,
		size_t errlen)
{
	struct pd_dir *d = calloc(1, sizeof(*d));
	DIR *dir = opendir(path);
	struct dirent *e;
	int ret = 0;

	*out = NULL;
	if (!d || !dir) {
		ret = d ? -errno : -ENOMEM;
		snprintf(err, errlen, "cannot read directory %s: %s", path, strerror(-ret));
		goto fail;
	}
	d->main = main;
	d->taken = -1;
	d->s = calloc(MAX_DIR_FILES + 1, sizeof(*d->s));
	if (!d->s) {
		ret = -ENOMEM;
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	d->nr = 1;			/* s[0]: `data` */
	while ((e = readdir(dir))) {
		long n = data_file_number(e->d_name);

		struct stat st;

		if (n < 0 || strlen(e->d_name) >= sizeof(d->s[0].name))
			continue;	/* not perf's data.N */
		/* as perf: only regular files (a FIFO would block the open) */
		if (fstatat(dirfd(dir), e->d_name, &st, 0) || !S_ISREG(st.st_mode))
			continue;
		if (d->nr > MAX_DIR_FILES) {
			ret = -EFBIG;
			snprintf(err, errlen, "%s holds more than %d data.N files", path,
				 MAX_DIR_FILES);
			goto fail;
		}
		d->s[d->nr].n = n;
		strcpy(d->s[d->nr++].name, e->d_name);
	}
	qsort(d->s + 1, d->nr - 1, sizeof(*d->s), cmp_stream);
	for (size_t i = 1; i < d->nr; i++) {
		char file[4096];

		snprintf(file, sizeof(file), "%s/%s", path, d->s[i].name);
		ret = pd_reader_open_records(file, main, &d->s[i].r, err, errlen);
		if (ret == -ENODATA) {	/* empty: a thread that read nothing */
			memmove(&d->s[i], &d->s[i + 1], (d->nr - i - 1) * sizeof(*d->s));
			d->nr--;
			i--;
			ret = 0;
		} else if (ret) {
			goto fail;
		}
	}
	closedir(dir);
	*out = d;
	return 0;
fail:
	if (dir)
		closedir(dir);
	pd_dir_free(d);
	return ret;
}

void pd_dir_free(struct pd_dir *d)
{
	if (!d)
		return;
	for (size_t i = 1; d->s && i < d->nr; i++)
		pd_reader_close(d->s[i].r);
	free(d->s);
	free(d);
}

/* Reads stream s's next record and its key; 0 or -errno (set on main). */
static int refill(struct pd_dir *d, struct dir_stream *s)
{
	struct pd_sample_id sid;
	int ret;

	ret = s->r ? pd_reader_next(s->r, &s->next) : pd_reader_next_file(d->main, &s->next);
	if (ret < 0) {
		if (s->r)
			pd_reader_fail(d->main, ret, "%s: %s", s->name, pd_reader_error(s->r));
		return ret;
	}
	s->has_next = ret == 1;
	if (!s->has_next) {
		if (s->r && pd_reader_warning(s->r))
			pd_reader_warn(d->main, "%s: %s", s->name, pd_reader_warning(s->r));
		return 0;
	}
	s->next.file = s->r ? s->name : NULL;
	if (!pd_reader_sample_id(d->main, s->next.hdr, &sid) &&
	    (sid.sample_type & PERF_SAMPLE_TIME))
		s->key = sid.time;
	return 0;
}

int pd_dir_next(struct pd_dir *d, struct pd_record *rec)
{
	struct dir_stream *min = NULL;
	int ret;

	if (!d->started) {
		d->started = true;
		for (size_t i = 0; i < d->nr; i++) {
			ret = refill(d, &d->s[i]);
			if (ret)
				return ret;
		}
	} else if (d->taken >= 0) {
		ret = refill(d, &d->s[d->taken]);
		if (ret)
			return ret;
	}
	d->taken = -1;
	for (size_t i = 0; i < d->nr; i++)
		if (d->s[i].has_next && (!min || d->s[i].key < min->key))
			min = &d->s[i];
	if (!min)
		return 0;
	*rec = min->next;
	d->taken = min - d->s;
	return 1;
}
