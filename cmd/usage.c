// SPDX-License-Identifier: GPL-2.0
/*
 * usage.c - usage errors of the subcommands: one line saying what was wrong
 * ("auxrec CMD: ..."), then the command's usage, status 1; getopt_long()'s
 * '?' told as the option it was about.
 */
#include <getopt.h>
#include <stdarg.h>
#include <string.h>
#include "builtin.h"
#include "lib/util/util.h"

int cmd_usage_error(void (*cmd_usage)(FILE *out), const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "auxrec %s: ", cmd_name ? cmd_name : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (cmd_usage) {
		fputc('\n', stderr);
		cmd_usage(stderr);
	}
	return 1;
}

/* What getopt_long() returned '?' for: an unknown option, or one without its value. */
void cmd_describe_bad_option(char *buf, size_t len, char *const argv[], const char *shortopts)
{
	const char *arg = optind > 0 ? argv[optind - 1] : "";
	int n = (int)strcspn(arg, "=");

	if (optopt && !(arg[0] == '-' && arg[1] == '-')) {	/* a short one */
		const char *known = optopt != ':' ? strchr(shortopts, optopt) : NULL;

		snprintf(buf, len, known ? "option -%c needs a value" : "unknown option -%c", optopt);
	} else if (optopt) {
		snprintf(buf, len, "option '%.*s' needs a value", n, arg);
	} else {
		snprintf(buf, len, "unknown or ambiguous option '%.*s'", n, arg);
	}
}

int cmd_bad_option(void (*cmd_usage)(FILE *out), char *const argv[], const char *shortopts)
{
	char what[256];

	cmd_describe_bad_option(what, sizeof(what), argv, shortopts);
	return cmd_usage_error(cmd_usage, "%s", what);
}
