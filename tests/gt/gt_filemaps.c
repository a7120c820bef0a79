// SPDX-License-Identifier: GPL-2.0
/*
 * gt_filemaps.c - the executable file mappings of a traced process and the
 * time each appeared (gt_filemaps.h), read from /proc/PID/maps after each
 * of its syscalls; those unmapped since stay listed.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/gt/gt_filemaps.h"

struct filemap {
	uint64_t start, len, pgoff, tsc;
	char *path;
};

static struct filemap *maps;
static size_t nr_maps;

/* Parses one /proc maps line into m (path borrowed from line): 1 if it is an executable file mapping. */
static int parse_line(char *line, struct filemap *m)
{
	unsigned long long lo, hi, off;
	char perm[8];
	int path_at = 0;

	if (sscanf(line, "%llx-%llx %7s %llx %*s %*s %n", &lo, &hi, perm, &off, &path_at) != 4 ||
	    !path_at || perm[2] != 'x' || line[path_at] != '/')
		return 0;
	line[strcspn(line, "\n")] = 0;
	*m = (struct filemap){ .start = lo, .len = hi - lo, .pgoff = off, .path = line + path_at };
	return 1;
}

static struct filemap *find(const struct filemap *m)
{
	for (size_t i = 0; i < nr_maps; i++)
		if (maps[i].start == m->start && maps[i].len == m->len &&
		    maps[i].pgoff == m->pgoff && !strcmp(maps[i].path, m->path))
			return &maps[i];
	return NULL;
}

static FILE *open_maps(pid_t pid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	return fopen(path, "r");
}

void gt_filemaps_scan(pid_t pid, uint64_t tsc)
{
	FILE *f = open_maps(pid);
	char line[4096];
	struct filemap m;

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (!parse_line(line, &m) || find(&m))
			continue;
		maps = realloc(maps, (nr_maps + 1) * sizeof(*maps));
		m.path = strdup(m.path);
		if (!maps || !m.path) {
			perror("gt-record: filemaps");
			exit(2);
		}
		m.tsc = tsc;
		maps[nr_maps++] = m;
	}
	fclose(f);
}

int gt_filemaps_write(const char *path)
{
	FILE *out = fopen(path, "w");

	if (!out)
		return -1;
	for (size_t i = 0; i < nr_maps; i++)
		fprintf(out, "%#" PRIx64 " %#" PRIx64 " %#" PRIx64 " %#" PRIx64 " %s\n",
			maps[i].start, maps[i].len, maps[i].pgoff, maps[i].tsc, maps[i].path);
	return fclose(out);
}
