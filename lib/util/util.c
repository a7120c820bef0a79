// SPDX-License-Identifier: GPL-2.0
/*
 * util.c - error printing (p_err/p_warn/p_info) and small parsers shared by
 * the commands.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/output/json.h"
#include "progress.h"
#include "util.h"

bool json_output;
bool pretty_output;
int verbose;
const char *cmd_name;

static void vprint_prefixed(const char *kind, const char *fmt, va_list ap)
{
	progress_clear();
	fputs("auxrec", stderr);
	if (cmd_name)
		fprintf(stderr, " %s", cmd_name);
	fputs(": ", stderr);
	if (kind)
		fprintf(stderr, "%s: ", kind);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int write_errno(void)
{
	return errno ? -errno : -EIO;
}

int stream_flush(FILE *f)
{
	if (fflush(f))
		return write_errno();
	return ferror(f) ? -EIO : 0;
}

void p_err(const char *fmt, ...)
{
	va_list ap, again;

	va_start(ap, fmt);
	va_copy(again, ap);
	if (json_output) {
		struct json_writer w;
		char *msg = NULL;

		if (vasprintf(&msg, fmt, ap) < 0)
			msg = NULL;
		fflush(stdout);
		jw_init(&w, stdout, false);
		jw_object_start(&w);
		jw_kv_string(&w, "error", msg ? msg : fmt);
		jw_object_end(&w);
		jw_end_line(&w);
		free(msg);
		if (stream_flush(stdout))	/* the output failed: say it on stderr */
			vprint_prefixed(NULL, fmt, again);
	} else {
		vprint_prefixed(NULL, fmt, ap);
	}
	va_end(again);
	va_end(ap);
}

void p_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint_prefixed("warning", fmt, ap);
	va_end(ap);
}

void p_info(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	va_start(ap, fmt);
	vprint_prefixed(NULL, fmt, ap);
	va_end(ap);
}

const char *fmt_size(char *buf, size_t len, uint64_t bytes)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	double v = bytes;
	int u = -1;

	if (bytes < 1024) {
		snprintf(buf, len, "%llu B", (unsigned long long)bytes);
		return buf;
	}
	while (v >= 1024 && u < 3) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, "%.1f %s", v, units[u]);
	return buf;
}

int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

int parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end)
		return -EINVAL;
	*out = v;
	return 0;
}

int parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	int shift = 0;

	if (!s || !*s || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -EINVAL;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	}
	if (*end == 'B' || *end == 'b')
		end++;
	if (*end || (shift && v > (~0ULL >> shift)))
		return -EINVAL;
	*out = v << shift;
	return 0;
}
