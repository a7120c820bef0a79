/* SPDX-License-Identifier: GPL-2.0 */
/*
 * builtin.h - the subcommand table type, the dispatcher and the entry point
 * of every subcommand (one file each in cmd/).
 *
 * Each entry point gets argv[0] == its own name and parses its options with
 * getopt_long. Every command answers -h/--help with its usage on stdout and
 * exit 0; a usage error prints one error line and the usage on stderr and
 * returns 1 (see cmd_usage_error()).
 */
#ifndef AUXREC_BUILTIN_H
#define AUXREC_BUILTIN_H

#include <stdio.h>

struct cmd {
	const char *name;
	int (*func)(int argc, char **argv);
	const char *summary;
};

/*
 * Runs the command named by argv[0] from the NULL-terminated table,
 * accepting an unambiguous prefix ("rec" for "record"). Returns the
 * command's exit status, or 1 after an error line for an unknown or
 * ambiguous name.
 */
int cmd_select(const struct cmd *cmds, int argc, char **argv);
const struct cmd *cmd_lookup(const struct cmd *cmds, const char *name, int *ambiguous);

/* Prints "auxrec CMD: MSG" and the command's usage to stderr; returns 1. */
int cmd_usage_error(void (*usage)(FILE *out), const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * For getopt_long()'s '?' (opterr is 0): "auxrec CMD: unknown option '--x'"
 * or "... option -i needs a value" and the usage to stderr; returns 1.
 */
int cmd_bad_option(void (*usage)(FILE *out), char *const argv[], const char *shortopts);
/* That line's text, without "auxrec CMD: ", into buf (for main()'s own options). */
void cmd_describe_bad_option(char *buf, size_t len, char *const argv[], const char *shortopts);

extern const struct cmd auxrec_commands[];
/* The whole command line, for the recording's HEADER_CMDLINE. */
extern int auxrec_argc;
extern char **auxrec_argv;

int cmd_record(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_dump(int argc, char **argv);
int cmd_script(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_version(int argc, char **argv);

#endif
