// SPDX-License-Identifier: GPL-2.0
/*
 * evlist.c - opening the recording's events per cpu or per thread, mapping
 * their rings, a tracking event next to each writing into its ring,
 * enabling and disabling them; cpu and thread lists; turning
 * perf_event_open errors into advice.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "lib/util/array_grow.h"
#include "evlist.h"
#include "lib/util/cpus.h"
#include "lib/util/util.h"

int sys_perf_event_open(struct perf_event_attr *attr, pid_t pid, int cpu, int group,
			unsigned long flags)
{
	return syscall(__NR_perf_event_open, attr, pid, cpu, group, flags);
}

int cpu_list_online(int **cpus)
{
	char buf[4096];
	FILE *f = fopen("/sys/devices/system/cpu/online", "re");
	size_t n;

	if (!f)
		return -errno;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	return cpu_list_parse(buf, cpus);
}

int thread_list(pid_t pid, int **tids)
{
	char path[64];
	DIR *d;
	struct dirent *de;
	int *v = NULL, n = 0;
	size_t cap = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	d = opendir(path);
	if (!d)
		return errno == ENOENT ? -ESRCH : -errno;
	while ((de = readdir(d))) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		if (ARRAY_GROW(v, cap, (size_t)n + 1, 16)) {
			free(v);
			closedir(d);
			return -ENOMEM;
		}
		v[n++] = atoi(de->d_name);
	}
	closedir(d);
	if (!n) {
		free(v);
		return -ESRCH;
	}
	qsort(v, n, sizeof(*v), cmp_int);
	*tids = v;
	return n;
}

static int read_int_file(const char *path, int *out)
{
	FILE *f = fopen(path, "re");
	int ok;

	if (!f)
		return -errno;
	ok = fscanf(f, "%d", out) == 1;
	fclose(f);
	return ok ? 0 : -EINVAL;
}

void evlist_explain_open_error(int err, const char *pmu, pid_t pid, int cpu, char *buf, size_t len)
{
	int paranoid = 2;

	switch (err) {
	case EACCES:
	case EPERM:
		read_int_file("/proc/sys/kernel/perf_event_paranoid", &paranoid);
		snprintf(buf, len, "cannot open %s: permission denied (kernel.perf_event_paranoid is %d; "
			 "%s needs CAP_PERFMON or CAP_SYS_ADMIN, or perf_event_paranoid <= %d)",
			 pmu, paranoid, pid == -1 ? "a cpu-wide recording" : "tracing another user's process",
			 pid == -1 ? 0 : 1);
		break;
	case ESRCH:
		snprintf(buf, len, "cannot open %s: no process with pid %d", pmu, pid);
		break;
	case ENOENT:
	case ENODEV:
		snprintf(buf, len, "cannot open %s on cpu %d: the PMU does not support this event "
			 "(cpu offline or not in the PMU's cpumask?)", pmu, cpu);
		break;
	case EINVAL:
		snprintf(buf, len, "cannot open %s: invalid event configuration "
			 "(a term value the PMU rejects, or per-thread mode with inherit)", pmu);
		break;
	case EOPNOTSUPP:
		snprintf(buf, len, "cannot open %s: an option is not supported by this PMU "
			 "(try without -a/-C or without user/kernel filtering)", pmu);
		break;
	case EBUSY:
		snprintf(buf, len, "cannot open %s: the PMU is busy (another recording uses it)", pmu);
		break;
	case EMFILE:
		snprintf(buf, len, "cannot open %s: too many open files (raise 'ulimit -n')", pmu);
		break;
	default:
		snprintf(buf, len, "cannot open %s: %s", pmu, strerror(err));
	}
}

static int evlist_alloc(struct evlist *el, int n)
{
	el->fds = malloc(n * sizeof(int));
	el->ids = calloc(n, sizeof(uint64_t));
	el->cpus = malloc(n * sizeof(int));
	el->tids = malloc(n * sizeof(int));
	el->rings = calloc(n, sizeof(struct ring));
	if (!el->fds || !el->ids || !el->cpus || !el->tids || !el->rings)
		return -ENOMEM;
	return 0;
}

int evlist_open(struct evlist *el, const struct perf_event_attr *attr, const int *cpus,
		int nr_cpus, const int *tids, int nr_tids, pid_t single_pid,
		const char *pmu_name, char *err, size_t errlen)
{
	int n = nr_cpus ? nr_cpus : nr_tids, ret;

	memset(el, 0, sizeof(*el));
	el->attr = *attr;
	ret = evlist_alloc(el, n);
	if (ret)
		return ret;
	for (int i = 0; i < n; i++) {
		int cpu = nr_cpus ? cpus[i] : -1;
		int tid = nr_cpus ? single_pid : tids[i];
		int fd = sys_perf_event_open(&el->attr, tid, cpu, -1, PERF_FLAG_FD_CLOEXEC);

		/* kernels before 6.0 do not know PERF_FORMAT_LOST */
		if (fd < 0 && errno == EINVAL && !i && (el->attr.read_format & PERF_FORMAT_LOST)) {
			el->attr.read_format &= ~(uint64_t)PERF_FORMAT_LOST;
			fd = sys_perf_event_open(&el->attr, tid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
		}
		if (fd < 0) {
			ret = -errno;
			evlist_explain_open_error(errno, pmu_name, tid, cpu, err, errlen);
			goto fail;
		}
		el->fds[el->nr] = fd;
		el->cpus[el->nr] = cpu;
		el->tids[el->nr] = tid;
		if (ioctl(fd, PERF_EVENT_IOC_ID, &el->ids[el->nr]) < 0)
			el->ids[el->nr] = 0;
		el->nr++;
	}
	return 0;
fail:
	evlist_close(el);
	return ret;
}

int evlist_mmap(struct evlist *el, size_t data_pages, size_t aux_pages, const char *pmu_name,
		char *err, size_t errlen)
{
	for (int i = 0; i < el->nr; i++) {
		int ret = ring_mmap(&el->rings[i], el->fds[i], data_pages, aux_pages,
				    el->aux_overwrite);

		if (ret) {
			if (ret == -EOPNOTSUPP)
				snprintf(err, errlen, "PMU %s cannot write an AUX area (see 'auxrec list')",
					 pmu_name);
			else if (ret == -EPERM || ret == -ENOMEM)
				snprintf(err, errlen, "cannot map %zu+%zu pages for %s: %s (perf_event_mlock_kb "
					 "limits unprivileged users; try a smaller -m)", data_pages, aux_pages,
					 pmu_name, strerror(-ret));
			else
				snprintf(err, errlen, "cannot map the rings of %s: %s", pmu_name, strerror(-ret));
			return ret;
		}
		el->rings[i].cpu = el->cpus[i];
		el->rings[i].tid = el->tids[i];
		el->rings[i].idx = i;
		el->rings[i].snapshot = el->aux_overwrite && aux_pages;
	}
	el->mapped = true;
	return 0;
}

int evlist_open_tracking(struct evlist *el, const struct perf_event_attr *attr, char *err,
			 size_t errlen)
{
	el->track_attr = *attr;
	el->track_fds = malloc(el->nr * sizeof(int));
	el->track_ids = calloc(el->nr, sizeof(uint64_t));
	if (!el->track_fds || !el->track_ids) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (int i = 0; i < el->nr; i++)
		el->track_fds[i] = -1;
	for (int i = 0; i < el->nr; i++) {
		int fd = sys_perf_event_open(&el->track_attr, el->tids[i], el->cpus[i], -1,
					     PERF_FLAG_FD_CLOEXEC);

		if (fd < 0) {
			int e = errno;

			evlist_explain_open_error(e, "the tracking (dummy) event", el->tids[i],
						  el->cpus[i], err, errlen);
			return -e;
		}
		el->track_fds[i] = fd;
		if (ioctl(fd, PERF_EVENT_IOC_SET_OUTPUT, el->fds[i]) < 0) {
			int e = errno;

			snprintf(err, errlen, "cannot send the tracking event's records to the "
				 "ring of cpu %d tid %d: %s", el->cpus[i], el->tids[i], strerror(e));
			return -e;
		}
		if (ioctl(fd, PERF_EVENT_IOC_ID, &el->track_ids[i]) < 0)
			el->track_ids[i] = 0;
	}
	return 0;
}

static int ioctl_all(const int *fds, int nr, unsigned long req)
{
	int ret = 0;

	for (int i = 0; fds && i < nr; i++)
		if (ioctl(fds[i], req, 0) < 0 && !ret)
			ret = -errno;
	return ret;
}

static int evlist_ioctl(struct evlist *el, unsigned long req)
{
	int ret = ioctl_all(el->fds, el->nr, req);
	int track = ioctl_all(el->track_fds, el->nr, req);

	return ret ? ret : track;
}

uint64_t evlist_kernel_lost(const struct evlist *el)
{
	uint64_t total = 0;

	if (!(el->attr.read_format & PERF_FORMAT_LOST))
		return 0;
	for (int i = 0; i < el->nr; i++) {
		uint64_t v[3];	/* value, id, lost */

		if (read(el->fds[i], v, sizeof(v)) == sizeof(v))
			total += v[2];
	}
	return total;
}

int evlist_enable(struct evlist *el) { return evlist_ioctl(el, PERF_EVENT_IOC_ENABLE); }
int evlist_disable(struct evlist *el) { return evlist_ioctl(el, PERF_EVENT_IOC_DISABLE); }

int evlist_pause_aux(struct evlist *el, bool pause)
{
	return ioctl_all(el->fds, el->nr, pause ? PERF_EVENT_IOC_DISABLE : PERF_EVENT_IOC_ENABLE);
}

void evlist_close(struct evlist *el)
{
	for (int i = 0; el->track_fds && i < el->nr; i++)
		if (el->track_fds[i] >= 0)
			close(el->track_fds[i]);
	free(el->track_fds);
	free(el->track_ids);
	for (int i = 0; i < el->nr; i++) {
		if (el->rings)
			ring_unmap(&el->rings[i]);
		close(el->fds[i]);
	}
	free(el->fds);
	free(el->ids);
	free(el->cpus);
	free(el->tids);
	free(el->rings);
	memset(el, 0, sizeof(*el));
}

int pmu_probe_aux(uint32_t type)
{
	struct perf_event_attr attr = {
		.size = sizeof(attr), .type = type, .disabled = 1, .exclude_kernel = 1,
	};
	struct ring r;
	int fd, ret;

	fd = sys_perf_event_open(&attr, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
	if (fd < 0) {
		attr.exclude_kernel = 0;
		fd = sys_perf_event_open(&attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	}
	if (fd < 0)
		return -errno;
	ret = ring_mmap(&r, fd, 1, 4, false);
	if (!ret) {
		ring_unmap(&r);
		ret = 1;
	} else if (ret == -EOPNOTSUPP || ret == -EINVAL) {
		ret = 0;
	}
	close(fd);
	return ret;
}
