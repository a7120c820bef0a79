// SPDX-License-Identifier: GPL-2.0
/*
 * decode_args.c - the options shared by the decoding commands (see
 * decode_args.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/builtin.h"
#include "cmd/decode_args.h"
#include "lib/util/cpus.h"
#include "lib/util/util.h"

/* --jobs N: 1 to DECODE_MAX_JOBS */
static int parse_jobs(const char *arg, unsigned int *jobs)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-' || !n || n > DECODE_MAX_JOBS)
		return -1;
	*jobs = (unsigned int)n;
	return 1;
}

unsigned int decode_default_jobs(void)
{
	unsigned int n = usable_cpus();

	return n > DECODE_MAX_JOBS ? DECODE_MAX_JOBS : n;
}

int decode_arg(int c, const char *arg, struct trace_decode_opts *o, void (*usage)(FILE *out))
{
	switch (c) {
	case 0x105:
		if (parse_jobs(arg, &o->jobs) < 0) {
			cmd_usage_error(usage, "bad --jobs '%s' (1 to %d)", arg, DECODE_MAX_JOBS);
			return -1;
		}
		break;
	case 'i': o->path = arg; break;
	case 0x100: o->symfs = arg; break;
	case 0x101: o->debug_dir = arg; break;
	case 0x102: o->vmlinux = arg; break;
	case 0x106: o->kallsyms = arg; break;
	case 0x103: o->progress = PROGRESS_ALWAYS; break;
	case 0x104: o->progress = PROGRESS_NEVER; break;
	case 'j': json_output = true; break;
	default: return 0;
	}
	return 1;
}

int decode_filter_arg(int c, const char *arg, struct event_filter *f, void (*usage)(FILE *out))
{
	static const struct {
		int c;
		int (*parse)(struct event_filter *f, const char *s);
		const char *name, *form;
	} opts[] = {
		{ 0x107, event_filter_pids,  "pid",  "process ids, comma-separated" },
		{ 0x108, event_filter_tids,  "tid",  "thread ids, comma-separated" },
		{ 'C',   event_filter_cpus,  "cpu",  "CPUs as 0-3,5" },
		{ 0x109, event_filter_comms, "comm", "thread names, comma-separated" },
		{ 0x10a, event_filter_time,  "time", "START,STOP in seconds, e.g. 10.5,12.25" },
	};
	int err;

	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		if (opts[i].c != c)
			continue;
		err = opts[i].parse(f, arg);
		if (err == -ENOMEM) {
			p_err("%s", strerror(ENOMEM));
			return -1;
		}
		if (err) {
			cmd_usage_error(usage, "bad --%s '%s' (%s)", opts[i].name, arg, opts[i].form);
			return -1;
		}
		return 1;
	}
	return 0;
}

int decode_extra_arg(const char *arg, void (*usage)(FILE *out))
{
	/* make's and xargs' -j N: here -j is --json */
	if (json_output && arg[0] && strspn(arg, "0123456789") == strlen(arg))
		return cmd_usage_error(usage, "unexpected argument '%s' (-j is --json; "
				       "--jobs %s decodes on %s threads)", arg, arg, arg);
	return cmd_usage_error(usage, "unexpected argument '%s'", arg);
}
