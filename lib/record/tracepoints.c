// SPDX-License-Identifier: GPL-2.0
/*
 * tracepoints.c - tracepoint events recorded beside the AUX event (see
 * tracepoints.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "lib/util/util.h"
#include "tracepoints.h"

const char *tracefs_dir(void)
{
	static const char *const dirs[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	const char *env = getenv("AUXREC_TRACEFS");
	char path[4096];
	struct stat st;

	if (env && *env)
		return env;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/events", dirs[i]);
		if (!stat(path, &st) && S_ISDIR(st.st_mode))
			return dirs[i];
	}
	return NULL;
}

bool tracepoint_spec(const char *spec)
{
	return strchr(spec, ':') && !strchr(spec, '/');
}

/* A SUBSYS or NAME part: what tracefs directory names are made of. */
static bool name_ok(const char *s, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(s[i] == '_' || s[i] == '-' || (s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')))
			return false;
	return true;
}

static int read_id(const char *tracefs, const char *sys, const char *name, uint64_t *id,
		   char *err, size_t errlen)
{
	char path[4096], text[32];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/events/%s/%s/id", tracefs, sys, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;

		if (e == ENOENT)
			snprintf(err, errlen, "no tracepoint %s:%s (no %s; see %s/available_events)",
				 sys, name, path, tracefs);
		else if (e == EACCES || e == EPERM)
			snprintf(err, errlen, "cannot read %s: %s (tracefs is readable by root only, "
				 "unless its mode was changed)", path, strerror(e));
		else
			snprintf(err, errlen, "cannot read %s: %s", path, strerror(e));
		return -e;
	}
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	text[n > 0 ? n : 0] = 0;
	if (n > 0 && text[n - 1] == '\n')
		text[n - 1] = 0;
	if (n <= 0 || parse_u64(text, id)) {
		snprintf(err, errlen, "%s holds no tracepoint id", path);
		return -EINVAL;
	}
	return 0;
}

int tracepoints_add(struct tracepoints *t, const char *spec, char *err, size_t errlen)
{
	const char *colon = strchr(spec, ':');
	size_t n = t->nr + 1;
	struct td_event *ev;
	char **names;
	uint64_t *ids, id;
	char *sys, *name;
	int ret;

	if (!colon || !name_ok(spec, colon - spec) || !name_ok(colon + 1, strlen(colon + 1))) {
		snprintf(err, errlen, "bad tracepoint '%s' (SUBSYS:NAME, e.g. sched:sched_switch)",
			 spec);
		return -EINVAL;
	}
	if (!t->tracefs) {
		const char *dir = tracefs_dir();

		if (!dir) {
			snprintf(err, errlen, "no tracefs with events/ at /sys/kernel/tracing or "
				 "/sys/kernel/debug/tracing (mount -t tracefs nodev /sys/kernel/tracing)");
			return -ENOENT;
		}
		t->tracefs = strdup(dir);
		if (!t->tracefs)
			goto oom;
	}
	sys = strndup(spec, colon - spec);
	name = strdup(colon + 1);
	if (!sys || !name) {
		free(sys);
		free(name);
		goto oom;
	}
	ret = read_id(t->tracefs, sys, name, &id, err, errlen);
	if (ret) {
		free(sys);
		free(name);
		return ret;
	}
	ev = realloc(t->ev, n * sizeof(*ev));
	if (ev)
		t->ev = ev;
	names = realloc(t->names, n * sizeof(*names));
	if (names)
		t->names = names;
	ids = realloc(t->tp_id, n * sizeof(*ids));
	if (ids)
		t->tp_id = ids;
	if (!ev || !names || !ids || asprintf(&t->names[t->nr], "%s:%s", sys, name) < 0) {
		free(sys);
		free(name);
		goto oom;
	}
	t->ev[t->nr] = (struct td_event){ .system = sys, .name = name };
	t->tp_id[t->nr] = id;
	t->nr++;
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
	return -ENOMEM;
}

/* perf record's tracepoint attr, following the AUX event's */
static void setup_attr(struct perf_event_attr *a, const struct perf_event_attr *aux)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->type = PERF_TYPE_TRACEPOINT;
	a->sample_period = 1;
	a->sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_CPU |
			 PERF_SAMPLE_PERIOD | PERF_SAMPLE_RAW | PERF_SAMPLE_IDENTIFIER;
	a->read_format = aux->read_format;
	a->sample_id_all = 1;
	a->disabled = aux->disabled;
	a->inherit = aux->inherit;
	a->enable_on_exec = aux->enable_on_exec;
	a->exclude_guest = 1;
}

int tracepoints_open(struct tracepoints *t, const struct evlist *el, char *err, size_t errlen)
{
	size_t n = (size_t)t->nr * el->nr;

	if (!t->nr)
		return 0;
	setup_attr(&t->attr, &el->attr);
	t->fds = malloc(n * sizeof(*t->fds));
	t->ids = calloc(n, sizeof(*t->ids));
	if (!t->fds || !t->ids) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		t->fds[i] = -1;
	t->per = el->nr;
	for (int e = 0; e < t->nr; e++) {
		t->attr.config = t->tp_id[e];
		for (int i = 0; i < el->nr; i++) {
			int fd = sys_perf_event_open(&t->attr, el->tids[i], el->cpus[i], -1,
						     PERF_FLAG_FD_CLOEXEC);
			int *slot = &t->fds[(size_t)e * el->nr + i];

			if (fd < 0) {
				int saved = errno;

				evlist_explain_open_error(saved, t->names[e], el->tids[i],
							  el->cpus[i], err, errlen);
				return -saved;
			}
			*slot = fd;
			if (ioctl(fd, PERF_EVENT_IOC_SET_OUTPUT, el->fds[i]) < 0) {
				int saved = errno;

				snprintf(err, errlen, "cannot send %s into the AUX event's ring: %s",
					 t->names[e], strerror(saved));
				return -saved;
			}
			if (ioctl(fd, PERF_EVENT_IOC_ID, &t->ids[(size_t)e * el->nr + i]) < 0)
				t->ids[(size_t)e * el->nr + i] = 0;
		}
	}
	/* the formats now, while an error can still stop the recording cleanly */
	return tracing_data_build(t->tracefs, t->ev, t->nr, &t->tracing_data,
				  &t->tracing_data_len, err, errlen);
}

int tracepoints_enable(struct tracepoints *t, bool on)
{
	int ret = 0;

	for (size_t i = 0; i < (size_t)t->nr * t->per; i++)
		if (t->fds[i] >= 0 &&
		    ioctl(t->fds[i], on ? PERF_EVENT_IOC_ENABLE : PERF_EVENT_IOC_DISABLE, 0) < 0 &&
		    !ret)
			ret = -errno;
	return ret;
}

int tracepoints_write(struct tracepoints *t, struct pd_writer *w)
{
	int ret;

	if (!t->nr)
		return 0;
	for (int e = 0; e < t->nr; e++) {
		t->attr.config = t->tp_id[e];
		ret = pd_writer_add_attr(w, &t->attr, &t->ids[(size_t)e * t->per], t->per,
					 t->names[e]);
		if (ret < 0)
			return ret;
	}
	return pd_writer_set_tracing_data(w, t->tracing_data, t->tracing_data_len);
}

void tracepoints_free(struct tracepoints *t)
{
	for (size_t i = 0; t->fds && i < (size_t)t->nr * t->per; i++)
		if (t->fds[i] >= 0)
			close(t->fds[i]);
	for (int e = 0; e < t->nr; e++) {
		free((char *)t->ev[e].system);
		free((char *)t->ev[e].name);
		free(t->names[e]);
	}
	free(t->ev);
	free(t->names);
	free(t->tp_id);
	free(t->fds);
	free(t->ids);
	free(t->tracefs);
	free(t->tracing_data);
	memset(t, 0, sizeof(*t));
}
