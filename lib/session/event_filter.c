// SPDX-License-Identifier: GPL-2.0
/*
 * event_filter.c - the --pid, --tid, --cpu, --comm and --time selections
 * of the decoding commands (see event_filter.h): parsing their values,
 * and the test of an event's owner.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "lib/session/event_filter.h"
#include "lib/util/array_grow.h"
#include "lib/util/cpus.h"
#include "lib/util/util.h"

/* "N[,N...]" of non-negative ints into a new sorted array: the count or -errno. */
static int int_list_parse(const char *s, int **out)
{
	int *v = NULL;
	size_t n = 0, cap = 0;

	do {
		char *end;
		long x;

		if (!isdigit((unsigned char)*s))
			goto bad;
		errno = 0;
		x = strtol(s, &end, 10);
		if (errno || x > INT_MAX || (*end && *end != ',') || (*end == ',' && !end[1]))
			goto bad;
		if (ARRAY_GROW(v, cap, n + 1, 8)) {
			free(v);
			return -ENOMEM;
		}
		v[n++] = (int)x;
		s = *end ? end + 1 : end;
	} while (*s);
	if (n > INT_MAX)
		goto bad;
	qsort(v, n, sizeof(*v), cmp_int);
	*out = v;
	return (int)n;
bad:
	free(v);
	return -EINVAL;
}

/* Replaces the list *v of *nr with the one parse made of s. */
static int set_list(int **v, size_t *nr, const char *s, int (*parse)(const char *, int **))
{
	int *nv, n = parse(s, &nv);

	if (n < 0)
		return n;
	free(*v);
	*v = nv;
	*nr = (size_t)n;
	return 0;
}

int event_filter_pids(struct event_filter *f, const char *s)
{
	return set_list(&f->pids, &f->nr_pids, s, int_list_parse);
}

int event_filter_tids(struct event_filter *f, const char *s)
{
	return set_list(&f->tids, &f->nr_tids, s, int_list_parse);
}

int event_filter_cpus(struct event_filter *f, const char *s)
{
	return set_list(&f->cpus, &f->nr_cpus, s, cpu_list_parse);
}

static void free_strings(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int event_filter_comms(struct event_filter *f, const char *s)
{
	char **v = NULL;
	size_t n = 0, cap = 0;

	do {
		size_t len = strcspn(s, ",");

		if (!len || (s[len] == ',' && !s[len + 1])) {
			free_strings(v, n);
			return -EINVAL;
		}
		if (ARRAY_GROW(v, cap, n + 1, 4) || !(v[n] = strndup(s, len))) {
			free_strings(v, n);
			return -ENOMEM;
		}
		n++;
		s += len;
		s += *s == ',';
	} while (*s);
	free_strings(f->comms, f->nr_comms);
	f->comms = v;
	f->nr_comms = n;
	return 0;
}

/*
 * "SEC[.FRACTION]" (at most nine decimals), s[0..len), as perf reads
 * --time: nanoseconds in *ns, 0 or -EINVAL.
 */
static int parse_seconds(const char *s, size_t len, uint64_t *ns)
{
	uint64_t sec = 0, frac = 0;
	size_t i = 0, digits = 0;

	for (; i < len && isdigit((unsigned char)s[i]); i++, digits++) {
		if (sec > (UINT64_MAX / 1000000000u - 9) / 10)
			return -EINVAL;
		sec = sec * 10 + (uint64_t)(s[i] - '0');
	}
	if (!digits)
		return -EINVAL;
	if (i < len && s[i] == '.') {
		size_t places = 0;

		for (i++; i < len && isdigit((unsigned char)s[i]); i++) {
			if (++places > 9)
				return -EINVAL;
			frac = frac * 10 + (uint64_t)(s[i] - '0');
		}
		for (; places < 9; places++)
			frac *= 10;
	}
	if (i != len)
		return -EINVAL;
	*ns = sec * 1000000000u + frac;
	return 0;
}

int event_filter_time(struct event_filter *f, const char *s)
{
	const char *comma = strchr(s, ',');
	uint64_t start = 0, end = UINT64_MAX;

	if (!comma || strchr(comma + 1, ',') || (comma == s && !comma[1]))
		return -EINVAL;
	if (comma > s && parse_seconds(s, (size_t)(comma - s), &start))
		return -EINVAL;
	if (comma[1] && parse_seconds(comma + 1, strlen(comma + 1), &end))
		return -EINVAL;
	if (start > end)
		return -EINVAL;
	f->timed = true;
	f->time_start = start;
	f->time_end = end;
	return 0;
}

void event_filter_free(struct event_filter *f)
{
	free(f->pids);
	free(f->tids);
	free(f->cpus);
	free_strings(f->comms, f->nr_comms);
	memset(f, 0, sizeof(*f));
}

bool event_filter_set(const struct event_filter *f)
{
	return f->pids || f->tids || f->cpus || f->comms || f->timed;
}

static bool listed(const int *v, size_t nr, int x)
{
	return bsearch(&x, v, nr, sizeof(*v), cmp_int) != NULL;
}

bool event_filter_owner(const struct event_filter *f, int pid, int tid, int cpu,
			const char *comm)
{
	bool named = !f->comms;

	if ((f->pids && !listed(f->pids, f->nr_pids, pid)) ||
	    (f->tids && !listed(f->tids, f->nr_tids, tid)) ||
	    (f->cpus && !listed(f->cpus, f->nr_cpus, cpu)))
		return false;
	for (size_t i = 0; !named && comm && i < f->nr_comms; i++)
		named = !strcmp(f->comms[i], comm);
	return named;
}
