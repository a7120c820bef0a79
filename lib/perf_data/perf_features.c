// SPDX-License-Identifier: GPL-2.0
/*
 * perf_features.c - the header features auxrec writes at the end of a
 * recording, each built from this machine (uname, /proc, sysfs) or from
 * the session (attrs, auxtrace index, files seen in MMAP records), in the
 * encodings of perf 6.1's header.c. Also the table of mmapped files whose
 * build ids go into HEADER_BUILD_ID.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include "lib/symbols/build_id.h"
#include "perf_data_int.h"
#include "lib/record/pmu.h"

/* ------------------------------------------------ files seen in mmaps */

static uint64_t str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (uint8_t)*s++) * 1099511628211ULL;
	return h;
}

static int dso_insert(struct pd_writer *w, const char *name)
{
	size_t i;

	if ((w->nr_dsos + 1) * 2 > w->cap_dsos) {
		size_t cap = w->cap_dsos ? 2 * w->cap_dsos : 64;
		char **t = calloc(cap, sizeof(*t));

		if (!t)
			return -ENOMEM;
		for (size_t j = 0; j < w->cap_dsos; j++) {
			if (!w->dsos[j])
				continue;
			for (i = str_hash(w->dsos[j]) & (cap - 1); t[i]; i = (i + 1) & (cap - 1))
				;
			t[i] = w->dsos[j];
		}
		free(w->dsos);
		w->dsos = t;
		w->cap_dsos = cap;
	}
	for (i = str_hash(name) & (w->cap_dsos - 1); w->dsos[i]; i = (i + 1) & (w->cap_dsos - 1))
		if (!strcmp(w->dsos[i], name))
			return 0;
	w->dsos[i] = strdup(name);
	if (!w->dsos[i])
		return -ENOMEM;
	w->nr_dsos++;
	return 0;
}

void pd_writer_note_mmap(struct pd_writer *w, const struct perf_event_header *hdr)
{
	const char *name;
	size_t off, max;

	if (hdr->type == PERF_RECORD_MMAP2) {
		const struct perf_rec_mmap2 *m = (const void *)hdr;

		off = offsetof(struct perf_rec_mmap2, filename);
		if (hdr->size <= off || !(m->prot & PROT_EXEC))
			return;
	} else {
		off = offsetof(struct perf_rec_mmap, filename);
		if (hdr->size <= off || (hdr->misc & PERF_RECORD_MISC_MMAP_DATA))
			return;
	}
	name = (const char *)hdr + off;
	max = hdr->size - off;
	if (name[0] != '/' || !memchr(name, 0, max))
		return;
	dso_insert(w, name);
}

/* --------------------------------------------------------- features */

static int feat_build_id(const struct pd_writer *w, struct pd_buf *b)
{
	static const uint8_t zeros[PERF_NAME_ALIGN];

	for (size_t i = 0; i < w->cap_dsos; i++) {
		struct perf_rec_build_id e;
		size_t olen, len;
		uint8_t id[20];
		int n;

		if (!w->dsos[i])
			continue;
		n = build_id_read(w->dsos[i], id, sizeof(id));
		if (n <= 0)
			continue;
		olen = strlen(w->dsos[i]) + 1;
		len = (olen + PERF_NAME_ALIGN - 1) & ~(size_t)(PERF_NAME_ALIGN - 1);
		memset(&e, 0, sizeof(e));
		e.header.misc = PERF_RECORD_MISC_USER | PERF_RECORD_MISC_BUILD_ID_SIZE;
		e.header.size = sizeof(e) + len;
		e.pid = -1;		/* perf's HOST_KERNEL_ID: the host machine */
		memcpy(e.build_id, id, n);
		e.size = n;
		pd_buf_add(b, &e, sizeof(e));
		pd_buf_add(b, w->dsos[i], olen);
		pd_buf_add(b, zeros, len - olen);
	}
	return b->len ? 0 : -ENOENT;
}

static int feat_uname(unsigned int feat, struct pd_buf *b)
{
	struct utsname u;

	if (uname(&u))
		return -errno;
	pd_buf_add_string(b, feat == HEADER_HOSTNAME ? u.nodename :
			     feat == HEADER_OSRELEASE ? u.release : u.machine);
	return 0;
}

/* Highest number in a sysfs cpu list like "0-3,5". */
static int cpu_list_max(const char *s)
{
	int max = -1;

	while (*s) {
		char *end;
		long v = strtol(s, &end, 10);

		if (end == s)
			break;
		if (v > max)
			max = v;
		s = end;
		while (*s == '-' || *s == ',' || *s == '\n')
			s++;
	}
	return max;
}

static char *read_line(const char *path)
{
	char *line = NULL;
	size_t cap = 0;
	FILE *f = fopen(path, "re");
	ssize_t n;

	if (!f)
		return NULL;
	n = getline(&line, &cap, f);
	fclose(f);
	if (n <= 0) {
		free(line);
		return NULL;
	}
	line[strcspn(line, "\n")] = 0;
	return line;
}

static uint32_t nr_cpus_present(void)
{
	char *s = read_line("/sys/devices/system/cpu/present");
	int max = s ? cpu_list_max(s) : -1;

	free(s);
	if (max < 0)
		return sysconf(_SC_NPROCESSORS_CONF);
	return max + 1;
}

static int feat_nrcpus(struct pd_buf *b)
{
	long online = sysconf(_SC_NPROCESSORS_ONLN);

	if (online < 0)
		return -EINVAL;
	pd_buf_add_u32(b, nr_cpus_present());
	pd_buf_add_u32(b, online);
	return 0;
}

/* Value of the first "key\t: value" line of /proc/cpuinfo. */
static char *cpuinfo_value(const char *key)
{
	char *line = NULL, *val = NULL;
	size_t cap = 0, klen = strlen(key);
	FILE *f = fopen("/proc/cpuinfo", "re");

	if (!f)
		return NULL;
	while (getline(&line, &cap, f) > 0) {
		char *p;

		if (strncmp(line, key, klen) || (line[klen] != '\t' && line[klen] != ' ' &&
						 line[klen] != ':'))
			continue;
		p = strchr(line, ':');
		if (!p)
			continue;
		for (p++; *p == ' ' || *p == '\t'; p++)
			;
		p[strcspn(p, "\n")] = 0;
		val = strdup(p);
		break;
	}
	free(line);
	fclose(f);
	return val;
}

static int feat_cpudesc(struct pd_buf *b)
{
	char *v = cpuinfo_value("model name");
	char *d, *s;

	if (!v)
		v = cpuinfo_value("cpu model");
	if (!v)
		return -ENOENT;
	/* squeeze runs of blanks, like perf */
	for (s = d = v; *s; s++)
		if (!(*s == ' ' && d > v && d[-1] == ' '))
			*d++ = *s;
	*d = 0;
	pd_buf_add_string(b, v);
	free(v);
	return 0;
}

/* x86: "GenuineIntel,6,85,4" (vendor,family,model,stepping), as perf. */
static int feat_cpuid(struct pd_buf *b)
{
	char *vendor = cpuinfo_value("vendor_id");
	char *fam = cpuinfo_value("cpu family");
	char *model = cpuinfo_value("model");
	char *step = cpuinfo_value("stepping");
	char buf[128];
	int err = -ENOENT;

	if (vendor && fam && model && step) {
		snprintf(buf, sizeof(buf), "%s,%s,%s,%s", vendor, fam, model, step);
		pd_buf_add_string(b, buf);
		err = 0;
	}
	free(vendor);
	free(fam);
	free(model);
	free(step);
	return err;
}

static int feat_total_mem(struct pd_buf *b)
{
	char *line = NULL;
	size_t cap = 0;
	unsigned long long kb = 0;
	FILE *f = fopen("/proc/meminfo", "re");
	int err = -ENOENT;

	if (!f)
		return -errno;
	while (getline(&line, &cap, f) > 0) {
		if (sscanf(line, "MemTotal: %llu", &kb) == 1) {
			pd_buf_add_u64(b, kb);
			err = 0;
			break;
		}
	}
	free(line);
	fclose(f);
	return err;
}

/* The executable's path, then argv[1..]: what perf writes. */
static int feat_cmdline(const struct pd_writer *w, struct pd_buf *b)
{
	char exe[4096];
	ssize_t n;

	if (!w->nr_cmdline)
		return -ENOENT;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0) {
		snprintf(exe, sizeof(exe), "%s", w->cmdline[0]);
		n = strlen(exe);
	}
	exe[n] = 0;
	pd_buf_add_u32(b, w->nr_cmdline);
	pd_buf_add_string(b, exe);
	for (int i = 1; i < w->nr_cmdline; i++)
		pd_buf_add_string(b, w->cmdline[i]);
	return 0;
}

static int feat_event_desc(const struct pd_writer *w, struct pd_buf *b)
{
	if (!w->nr_attrs)
		return -ENOENT;
	pd_buf_add_u32(b, w->nr_attrs);
	pd_buf_add_u32(b, sizeof(struct perf_event_attr));
	for (size_t i = 0; i < w->nr_attrs; i++) {
		const struct pd_wattr *a = &w->attrs[i];

		pd_buf_add(b, &a->attr, sizeof(a->attr));
		pd_buf_add_u32(b, a->nr_ids);
		pd_buf_add_string(b, a->name);
		pd_buf_add(b, a->ids, a->nr_ids * sizeof(uint64_t));
	}
	return 0;
}

static char *cpu_file(int cpu, const char *file)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/topology/%s", cpu, file);
	return read_line(path);
}

/* Adds s to the list unless there; takes ownership. */
static void list_add_unique(char ***list, uint32_t *nr, char *s)
{
	char **l;

	if (!s)
		return;
	for (uint32_t i = 0; i < *nr; i++) {
		if (!strcmp((*list)[i], s)) {
			free(s);
			return;
		}
	}
	l = realloc(*list, (*nr + 1) * sizeof(*l));
	if (!l) {
		free(s);
		return;
	}
	l[(*nr)++] = s;
	*list = l;
}

static void add_list(struct pd_buf *b, char **l, uint32_t nr)
{
	pd_buf_add_u32(b, nr);
	for (uint32_t i = 0; i < nr; i++) {
		pd_buf_add_string(b, l[i]);
		free(l[i]);
	}
	free(l);
}

static int read_int_file(int cpu, const char *file)
{
	char *s = cpu_file(cpu, file);
	int v = s ? atoi(s) : -1;

	free(s);
	return v;
}

/* Revision 2 of perf's layout: sockets, threads, per-cpu core and socket ids. */
static int feat_cpu_topology(struct pd_buf *b)
{
	uint32_t nr = nr_cpus_present(), nsock = 0, nthr = 0;
	char **sock = NULL, **thr = NULL;

	for (uint32_t cpu = 0; cpu < nr; cpu++) {
		char *s = cpu_file(cpu, "package_cpus_list");

		if (!s)
			s = cpu_file(cpu, "core_siblings_list");
		list_add_unique(&sock, &nsock, s);
		s = cpu_file(cpu, "core_cpus_list");
		if (!s)
			s = cpu_file(cpu, "thread_siblings_list");
		list_add_unique(&thr, &nthr, s);
	}
	if (!nsock || !nthr) {
		add_list(b, sock, nsock);
		add_list(b, thr, nthr);
		return -ENOENT;
	}
	add_list(b, sock, nsock);
	add_list(b, thr, nthr);
	for (uint32_t cpu = 0; cpu < nr; cpu++) {
		pd_buf_add_u32(b, read_int_file(cpu, "core_id"));
		pd_buf_add_u32(b, read_int_file(cpu, "physical_package_id"));
	}
	return 0;
}

static int feat_pmu_mappings(const struct pd_writer *w, struct pd_buf *b)
{
	const char *root = pmu_sysfs_root();
	struct pd_buf body = { 0 };
	uint32_t nr = 0;
	char **names = NULL;
	int n = pmu_list_names(root, &names);

	for (size_t i = 0; i < w->nr_pmus; i++) {
		pd_buf_add_u32(&body, w->pmus[i].type);
		pd_buf_add_string(&body, w->pmus[i].name);
		nr++;
	}
	for (int i = 0; i < n; i++) {
		char path[4096], *s;
		bool dup = false;

		for (size_t j = 0; j < w->nr_pmus; j++)
			dup |= !strcmp(w->pmus[j].name, names[i]);
		snprintf(path, sizeof(path), "%s/%s/type", root, names[i]);
		s = read_line(path);
		if (s && !dup) {
			pd_buf_add_u32(&body, strtoul(s, NULL, 0));
			pd_buf_add_string(&body, names[i]);
			nr++;
		}
		free(s);
	}
	if (n > 0)
		pmu_free_names(names, n);
	if (nr) {
		pd_buf_add_u32(b, nr);
		pd_buf_add(b, body.p, body.len);
	}
	pd_buf_free(&body);
	return nr ? 0 : -ENOENT;
}

static int feat_auxtrace(const struct pd_writer *w, struct pd_buf *b)
{
	if (!w->nr_aux_index && !w->auxtrace_info)
		return -ENOENT;
	pd_buf_add_u64(b, w->nr_aux_index);
	pd_buf_add(b, w->aux_index, w->nr_aux_index * sizeof(*w->aux_index));
	return 0;
}

/* Only when an event uses attr.clockid: that clock's resolution in ns. */
static int feat_clockid(const struct pd_writer *w, struct pd_buf *b)
{
	for (size_t i = 0; i < w->nr_attrs; i++) {
		struct timespec ts;

		if (!w->attrs[i].attr.use_clockid)
			continue;
		if (clock_getres(w->attrs[i].attr.clockid, &ts))
			return -errno;
		pd_buf_add_u64(b, ts.tv_sec * 1000000000ULL + ts.tv_nsec);
		return 0;
	}
	return -ENOENT;
}

int pd_feature_build(const struct pd_writer *w, unsigned int feat, struct pd_buf *b)
{
	switch (feat) {
	case HEADER_TRACING_DATA:
		if (!w->tracing_data)
			return -ENOENT;
		pd_buf_add(b, w->tracing_data, w->tracing_data_len);
		return 0;
	case HEADER_BUILD_ID:		return feat_build_id(w, b);
	case HEADER_HOSTNAME:
	case HEADER_OSRELEASE:
	case HEADER_ARCH:		return feat_uname(feat, b);
	case HEADER_VERSION:
		pd_buf_add_string(b, "auxrec " AUXREC_VERSION);
		return 0;
	case HEADER_NRCPUS:		return feat_nrcpus(b);
	case HEADER_CPUDESC:		return feat_cpudesc(b);
	case HEADER_CPUID:		return feat_cpuid(b);
	case HEADER_TOTAL_MEM:		return feat_total_mem(b);
	case HEADER_CMDLINE:		return feat_cmdline(w, b);
	case HEADER_EVENT_DESC:		return feat_event_desc(w, b);
	case HEADER_CPU_TOPOLOGY:	return feat_cpu_topology(b);
	case HEADER_PMU_MAPPINGS:	return feat_pmu_mappings(w, b);
	case HEADER_AUXTRACE:		return feat_auxtrace(w, b);
	case HEADER_CLOCKID:		return feat_clockid(w, b);
	}
	return -ENOENT;
}
