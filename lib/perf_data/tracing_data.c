// SPDX-License-Identifier: GPL-2.0
/*
 * tracing_data.c - writing and splitting perf.data's tracing data (the
 * tracepoint formats of HEADER_TRACING_DATA); see tracing_data.h.
 */
#include <byteswap.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "perf_data_int.h"
#include "tracing_data.h"

#define TD_MAGIC	"\x17\x08\x44tracing"
#define TD_MAGIC_LEN	10
#define TD_VERSION	"0.6"

/* ------------------------------------------------------------------ parse */

struct td_cur {
	const uint8_t *p;
	size_t n, off;
	bool swap;
	char *err;
	size_t errlen;
	bool bad;
};

static void td_bad(struct td_cur *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void td_bad(struct td_cur *c, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (c->bad)
		return;
	c->bad = true;
	va_start(ap, fmt);
	n = vsnprintf(c->err, c->errlen, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < c->errlen)
		snprintf(c->err + n, c->errlen - n, " at byte %zu of %zu", c->off, c->n);
}

static bool td_need(struct td_cur *c, uint64_t len, const char *what)
{
	if (c->bad)
		return false;
	if (len > c->n - c->off) {
		td_bad(c, "%s of %llu bytes runs past the end", what, (unsigned long long)len);
		return false;
	}
	return true;
}

static uint32_t td_u32(struct td_cur *c, const char *what)
{
	uint32_t v;

	if (!td_need(c, 4, what))
		return 0;
	memcpy(&v, c->p + c->off, 4);
	c->off += 4;
	return c->swap ? bswap_32(v) : v;
}

static uint64_t td_u64(struct td_cur *c, const char *what)
{
	uint64_t v;

	if (!td_need(c, 8, what))
		return 0;
	memcpy(&v, c->p + c->off, 8);
	c->off += 8;
	return c->swap ? bswap_64(v) : v;
}

/* LEN bytes of text (a file's contents) */
static struct td_text td_text(struct td_cur *c, uint64_t len, const char *what)
{
	struct td_text t = { "", 0 };

	if (!td_need(c, len, what))
		return t;
	t.p = (const char *)c->p + c->off;
	t.len = len;
	c->off += len;
	return t;
}

/* a NUL-terminated string of at most MAX bytes */
static const char *td_string(struct td_cur *c, size_t max, const char *what)
{
	const char *s = (const char *)c->p + c->off;
	size_t room = c->n - c->off;
	const char *end;

	if (c->bad)
		return NULL;
	end = memchr(s, 0, room < max ? room : max);
	if (!end) {
		td_bad(c, "%s without its terminating NUL", what);
		return NULL;
	}
	c->off += end - s + 1;
	return s;
}

static void td_expect(struct td_cur *c, const char *tag)
{
	size_t len = strlen(tag) + 1;

	if (!td_need(c, len, tag))
		return;
	if (memcmp(c->p + c->off, tag, len)) {
		td_bad(c, "no '%s' tag", tag);
		return;
	}
	c->off += len;
}

static int td_add_format(struct tracing_data *td, const char *system, struct td_text text)
{
	struct td_format *f = realloc(td->formats, (td->nr_formats + 1) * sizeof(*f));

	if (!f)
		return -ENOMEM;
	td->formats = f;
	f[td->nr_formats].system = system;
	f[td->nr_formats].text = text;
	td->nr_formats++;
	return 0;
}

/* COUNT formats of one system (sizes u64), as both sections hold them */
static int td_formats(struct td_cur *c, struct tracing_data *td, const char *system,
		      uint32_t count)
{
	/* each format takes at least its 8-byte size: a count beyond that is damage */
	if (count > (c->n - c->off) / 8) {
		td_bad(c, "%u formats of system %s cannot fit", count, system);
		return 0;
	}
	for (uint32_t i = 0; i < count && !c->bad; i++) {
		uint64_t size = td_u64(c, "format size");
		struct td_text t = td_text(c, size, "format");

		if (!c->bad && td_add_format(td, system, t))
			return -ENOMEM;
	}
	return 0;
}

static int td_systems(struct td_cur *c, struct tracing_data *td)
{
	uint32_t nr = td_u32(c, "number of systems");

	if (nr > (c->n - c->off) / 6) {	/* "x\0" and a u32 count at least */
		td_bad(c, "%u event systems cannot fit", nr);
		return 0;
	}
	td->systems = calloc(nr ? nr : 1, sizeof(*td->systems));
	if (!td->systems)
		return -ENOMEM;
	for (uint32_t i = 0; i < nr && !c->bad; i++) {
		const char *name = td_string(c, 256, "system name");

		if (!name)
			break;
		td->systems[i] = strdup(name);
		if (!td->systems[i])
			return -ENOMEM;
		td->nr_systems++;
		if (td_formats(c, td, td->systems[i], td_u32(c, "number of formats")))
			return -ENOMEM;
	}
	return 0;
}

int tracing_data_parse(const void *buf, size_t len, struct tracing_data *td, char *err,
		       size_t errlen)
{
	struct td_cur c = { .p = buf, .n = len, .err = err, .errlen = errlen };
	const char *version;
	int ret = 0;

	memset(td, 0, sizeof(*td));
	if (len < TD_MAGIC_LEN || memcmp(buf, TD_MAGIC, TD_MAGIC_LEN)) {
		td_bad(&c, "no tracing data magic");
		return -EINVAL;
	}
	c.off = TD_MAGIC_LEN;
	version = td_string(&c, sizeof(td->version), "version");
	if (version)
		strcpy(td->version, version);
	if (td_need(&c, 6, "endianness, long and page size")) {
		uint8_t endian = c.p[c.off];

		td->big_endian = endian;
		td->long_size = c.p[c.off + 1];
		if (endian > 1 || (td->long_size != 4 && td->long_size != 8))
			td_bad(&c, "bad endianness %u or long size %u", endian, td->long_size);
		c.off += 2;
		c.swap = td->big_endian != (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__);
		td->page_size = td_u32(&c, "page size");
	}
	td_expect(&c, "header_page");
	td->header_page = td_text(&c, td_u64(&c, "header_page size"), "header_page");
	td_expect(&c, "header_event");
	td->header_event = td_text(&c, td_u64(&c, "header_event size"), "header_event");
	ret = td_formats(&c, td, "ftrace", td_u32(&c, "number of ftrace formats"));
	if (!ret)
		ret = td_systems(&c, td);
	td->kallsyms = td_text(&c, td_u32(&c, "kallsyms size"), "kallsyms");
	td->printk = td_text(&c, td_u32(&c, "printk formats size"), "printk formats");
	if (strtod(td->version, NULL) >= 0.6)
		td->cmdlines = td_text(&c, td_u64(&c, "saved cmdlines size"), "saved cmdlines");
	else
		td->cmdlines = (struct td_text){ "", 0 };	/* none before 0.6 */
	td->size = c.off;
	if (ret || c.bad) {
		tracing_data_free(td);
		return ret ? ret : -EINVAL;
	}
	return 0;
}

void tracing_data_free(struct tracing_data *td)
{
	for (size_t i = 0; i < td->nr_systems; i++)
		free(td->systems[i]);
	free(td->systems);
	free(td->formats);
	memset(td, 0, sizeof(*td));
}

/* ------------------------------------------------------------------ build */

/* Appends the contents of DIR/NAME after a SIZE_BYTES size field; -errno. */
static int td_add_file(struct pd_buf *b, const char *dir, const char *name, int size_bytes,
		       bool optional, char *err, size_t errlen)
{
	char path[4096], chunk[8192];
	size_t at = b->len;
	uint64_t size = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (optional && errno == ENOENT) {
			pd_buf_add(b, &size, size_bytes);
			return 0;
		}
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
		return -errno;
	}
	pd_buf_add(b, &size, size_bytes);	/* filled in below: tracefs files have no size */
	while ((n = read(fd, chunk, sizeof(chunk))) > 0) {
		pd_buf_add(b, chunk, n);
		size += n;
	}
	if (n < 0) {
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
		close(fd);
		return -EIO;
	}
	close(fd);
	if (b->oom) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (size_bytes == 4) {
		uint32_t s32 = size;

		memcpy(b->p + at, &s32, 4);
	} else {
		memcpy(b->p + at, &size, 8);
	}
	return 0;
}

static bool same_system(const struct td_event *a, const struct td_event *b)
{
	return !strcmp(a->system, b->system);
}

/* Whether events[i] is the first of its system. */
static bool first_of_system(const struct td_event *events, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (same_system(&events[j], &events[i]))
			return false;
	return true;
}

/* Whether events[i] is not named before it (an event sampled twice). */
static bool first_mention(const struct td_event *events, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (same_system(&events[j], &events[i]) && !strcmp(events[j].name, events[i].name))
			return false;
	return true;
}

int tracing_data_build(const char *tracefs, const struct td_event *events, size_t nr,
		       uint8_t **out, size_t *len, char *err, size_t errlen)
{
	struct pd_buf b = { 0 };
	uint8_t endian = __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__, long_size = sizeof(long);
	uint32_t page_size = sysconf(_SC_PAGESIZE), nr_systems = 0, zero = 0;
	char events_dir[4096], name[512];
	int ret;

	snprintf(events_dir, sizeof(events_dir), "%s/events", tracefs);
	pd_buf_add(&b, TD_MAGIC, TD_MAGIC_LEN);
	pd_buf_add(&b, TD_VERSION, sizeof(TD_VERSION));
	pd_buf_add(&b, &endian, 1);
	pd_buf_add(&b, &long_size, 1);
	pd_buf_add_u32(&b, page_size);
	pd_buf_add(&b, "header_page", 12);
	ret = td_add_file(&b, events_dir, "header_page", 8, false, err, errlen);
	pd_buf_add(&b, "header_event", 13);
	if (!ret)
		ret = td_add_file(&b, events_dir, "header_event", 8, false, err, errlen);
	pd_buf_add_u32(&b, 0);		/* ftrace formats: none sampled */
	/* systems in order of first mention, each event once, as perf's readdir does */
	for (size_t i = 0; i < nr; i++)
		nr_systems += first_of_system(events, i);
	pd_buf_add_u32(&b, nr_systems);
	for (size_t i = 0; i < nr && !ret; i++) {
		uint32_t count = 0;

		if (!first_of_system(events, i))
			continue;	/* written with its system's first event */
		for (size_t j = i; j < nr; j++)
			count += same_system(&events[j], &events[i]) && first_mention(events, j);
		pd_buf_add(&b, events[i].system, strlen(events[i].system) + 1);
		pd_buf_add_u32(&b, count);
		for (size_t j = i; j < nr && !ret; j++) {
			if (!same_system(&events[j], &events[i]) || !first_mention(events, j))
				continue;
			snprintf(name, sizeof(name), "%s/%s/format", events[j].system,
				 events[j].name);
			ret = td_add_file(&b, events_dir, name, 8, false, err, errlen);
		}
	}
	pd_buf_add(&b, &zero, 4);	/* kallsyms */
	if (!ret)
		ret = td_add_file(&b, tracefs, "printk_formats", 4, true, err, errlen);
	if (!ret)
		ret = td_add_file(&b, tracefs, "saved_cmdlines", 8, true, err, errlen);
	if (!ret && b.oom) {
		snprintf(err, errlen, "out of memory");
		ret = -ENOMEM;
	}
	if (ret) {
		pd_buf_free(&b);
		return ret;
	}
	*out = b.p;
	*len = b.len;
	return 0;
}
