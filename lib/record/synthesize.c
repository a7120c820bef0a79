// SPDX-License-Identifier: GPL-2.0
/*
 * synthesize.c - PERF_RECORD_COMM/FORK/MMAP2 for existing processes, from
 * /proc/PID/{comm,maps,task}, and the kernel's MMAP from /proc/kallsyms,
 * the way perf's synthetic-events.c makes them: names NUL-padded to 8
 * bytes, time 0, and the attr's sample_id trailer.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "lib/symbols/kallsyms.h"
#include "synthesize.h"

#define NAME_MAX_LEN 4096

struct synth {
	struct pd_writer *w;
	uint64_t sample_type;
	bool trailer;
	uint64_t id;
};

/* Writes fixed part + NUL-padded string + trailer as one record. */
static int put(struct synth *s, void *fixed, size_t fixed_len, const char *str,
	       uint32_t pid, uint32_t tid)
{
	static const uint8_t zeros[8];
	struct perf_event_header *h = fixed;
	uint8_t trailer[64];
	size_t slen = str ? strlen(str) + 1 : 0;
	size_t spad = str ? ((slen + 7) & ~(size_t)7) - slen : 0;
	size_t tlen = s->trailer ? pd_sample_id_size(s->sample_type) : 0;
	struct iovec iov[4] = {
		{ fixed, fixed_len }, { (void *)str, slen }, { (void *)zeros, spad },
		{ trailer, tlen },
	};

	if (s->trailer) {
		struct pd_sample_id sid = { .pid = pid, .tid = tid, .id = s->id,
					    .stream_id = s->id };

		pd_sample_id_write(trailer, s->sample_type, &sid);
	}
	h->size = fixed_len + slen + spad + tlen;
	return pd_write_recordv(s->w, iov, 4);
}

static char *read_comm(pid_t pid, pid_t tid)
{
	char path[64], *line = NULL;
	size_t cap = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/comm", pid, tid);
	f = fopen(path, "re");
	if (!f)
		return NULL;
	if (getline(&line, &cap, f) < 0) {
		free(line);
		line = NULL;
	} else {
		line[strcspn(line, "\n")] = 0;
	}
	fclose(f);
	return line;
}

static int synth_thread(struct synth *s, pid_t pid, pid_t tid)
{
	struct perf_rec_comm comm = { .header = { .type = PERF_RECORD_COMM } };
	char *name = read_comm(pid, tid);
	int err;

	if (!name)
		return -ESRCH;
	comm.pid = pid;
	comm.tid = tid;
	err = put(s, &comm, sizeof(comm), name, pid, tid);
	free(name);
	if (err || pid == tid)
		return err;
	{
		struct perf_rec_fork fork = { .header = { .type = PERF_RECORD_FORK } };

		fork.pid = pid;
		fork.ppid = pid;
		fork.tid = tid;
		fork.ptid = pid;
		err = put(s, &fork, sizeof(fork), NULL, pid, tid);
	}
	return err;
}

static int synth_maps(struct synth *s, pid_t pid)
{
	char path[64], *line = NULL;
	size_t cap = 0;
	int err = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "re");
	if (!f)
		return -ESRCH;
	while (!err && getline(&line, &cap, f) > 0) {
		struct perf_rec_mmap2 m;
		uint64_t start, end, pgoff, ino;
		unsigned int maj, min;
		char perms[8];
		int name_at = 0;
		char *name;

		if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %7s %" SCNx64 " %x:%x %" SCNu64 " %n",
			   &start, &end, perms, &pgoff, &maj, &min, &ino, &name_at) < 7)
			continue;
		if (strlen(perms) < 4 || perms[2] != 'x')
			continue;
		name = line + name_at;
		name[strcspn(name, "\n")] = 0;
		if (!*name)
			name = "//anon";
		if (strlen(name) >= NAME_MAX_LEN)
			continue;
		memset(&m, 0, sizeof(m));
		m.header.type = PERF_RECORD_MMAP2;
		m.header.misc = PERF_RECORD_MISC_USER;
		m.pid = m.tid = pid;
		m.start = start;
		m.len = end - start;
		m.pgoff = pgoff;
		m.maj = maj;
		m.min = min;
		m.ino = ino;
		m.prot = (perms[0] == 'r' ? PROT_READ : 0) | (perms[1] == 'w' ? PROT_WRITE : 0) |
			 PROT_EXEC;
		m.flags = perms[3] == 's' ? MAP_SHARED : MAP_PRIVATE;
		err = put(s, &m, sizeof(m), name, pid, pid);
	}
	free(line);
	fclose(f);
	return err;
}

static bool is_number(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

static struct synth synth_of(struct pd_writer *w, int attr_idx)
{
	const struct perf_event_attr *a = pd_writer_attr(w, attr_idx);
	struct synth s = { .w = w, .id = pd_writer_first_id(w, attr_idx) };

	if (a) {
		s.sample_type = a->sample_type;
		s.trailer = a->sample_id_all;
	}
	return s;
}

int synthesize_process(struct pd_writer *w, int attr_idx, pid_t pid)
{
	struct synth s = synth_of(w, attr_idx);
	struct dirent *de;
	char path[64];
	int err = 0, n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	d = opendir(path);
	if (!d)
		return -ESRCH;
	/* the leader first, as perf */
	err = synth_thread(&s, pid, pid);
	if (!err)
		n++;
	else if (err == -ESRCH)
		err = 0;
	while (!err && (de = readdir(d))) {
		if (!is_number(de->d_name) || atoi(de->d_name) == pid)
			continue;
		err = synth_thread(&s, pid, atoi(de->d_name));
		if (err == -ESRCH)
			err = 0;
		else if (!err)
			n++;
	}
	closedir(d);
	if (err)
		return err;
	if (!n)
		return -ESRCH;
	err = synth_maps(&s, pid);
	return err == -ESRCH ? 0 : err;
}

int synthesize_all_processes(struct pd_writer *w, int attr_idx)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int err = 0;

	if (!d)
		return -errno;
	while (!err && (de = readdir(d))) {
		if (!is_number(de->d_name))
			continue;
		err = synthesize_process(w, attr_idx, atoi(de->d_name));
		if (err == -ESRCH)
			err = 0;
	}
	closedir(d);
	return err;
}

struct text_range {
	uint64_t text, stext, etext;
};

static int text_range_add(void *ctx, const struct kallsyms_sym *sym)
{
	struct text_range *r = ctx;

	if (*sym->module)
		return 0;	/* a module's symbol of the same name */
	if (!strcmp(sym->name, "_text"))
		r->text = sym->addr;
	else if (!strcmp(sym->name, "_stext"))
		r->stext = sym->addr;
	else if (!strcmp(sym->name, "_etext"))
		r->etext = sym->addr;
	return r->text && r->etext;	/* nothing more wanted */
}

/* The addresses of _text (else _stext) and _etext in kallsyms; false when hidden. */
static bool kernel_text_range(const char *kallsyms, const char **ref, uint64_t *start,
			      uint64_t *end)
{
	struct text_range r = { 0 };

	if (kallsyms_for_each(kallsyms, text_range_add, &r) < 0)
		return false;
	*ref = r.text ? "_text" : "_stext";
	*start = r.text ? r.text : r.stext;
	*end = r.etext > *start ? r.etext : ~0ULL;
	return *start != 0;
}

int synthesize_kernel_mmap(struct pd_writer *w, int attr_idx, const char *kallsyms)
{
	struct synth s = synth_of(w, attr_idx);
	struct perf_rec_mmap m = { .header = { .type = PERF_RECORD_MMAP,
					       .misc = PERF_RECORD_MISC_KERNEL } };
	const char *ref;
	char name[64];
	uint64_t end;

	if (!kernel_text_range(kallsyms, &ref, &m.start, &end))
		return -ENOENT;
	snprintf(name, sizeof(name), "[kernel.kallsyms]%s", ref);
	m.pid = (uint32_t)-1;	/* perf's HOST_KERNEL_ID */
	m.len = end - m.start;
	m.pgoff = m.start;	/* the reference symbol's runtime address */
	return put(&s, &m, sizeof(m), name, (uint32_t)-1, 0);
}
