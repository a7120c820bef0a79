/* SPDX-License-Identifier: GPL-2.0 */
/*
 * decode_args.h - the options every decoding command (script, report)
 * takes, parsed in one place: the recording, where binaries and debug
 * files are, the kernel image, the progress line and JSON output; and the
 * selection of events by process, thread, CPU, name and time.
 */
#ifndef AUXREC_DECODE_ARGS_H
#define AUXREC_DECODE_ARGS_H

#include <getopt.h>
#include <stdio.h>
#include "lib/session/trace_decode.h"

/*
 * Their getopt_long entries (long-only ones use values 0x100 and up);
 * DECODE_FILE_OPTIONS for a command whose output is no JSON (export).
 */
#define DECODE_FILE_OPTIONS						\
	{ "input",       required_argument, NULL, 'i' },		\
	{ "symfs",       required_argument, NULL, 0x100 },		\
	{ "debug-dir",   required_argument, NULL, 0x101 },		\
	{ "vmlinux",     required_argument, NULL, 0x102 },		\
	{ "kallsyms",    required_argument, NULL, 0x106 },		\
	{ "progress",    no_argument,       NULL, 0x103 },		\
	{ "no-progress", no_argument,       NULL, 0x104 }
#define DECODE_LONG_OPTIONS						\
	DECODE_FILE_OPTIONS,						\
	{ "json",        no_argument,       NULL, 'j' },		\
	{ "jobs",        required_argument, NULL, 0x105 }
#define DECODE_SHORT_OPTIONS "i:j"

/* The selection of events (lib/session/event_filter.h), as perf script's. */
#define DECODE_FILTER_OPTIONS						\
	{ "pid",         required_argument, NULL, 0x107 },		\
	{ "tid",         required_argument, NULL, 0x108 },		\
	{ "cpu",         required_argument, NULL, 'C' },		\
	{ "comm",        required_argument, NULL, 0x109 },		\
	{ "time",        required_argument, NULL, 0x10a }
#define DECODE_FILTER_SHORT_OPTIONS "C:"

/* Their help lines: DECODE_FILE_HELP for DECODE_FILE_OPTIONS. */
#define DECODE_FILE_HELP						\
	"  -i, --input FILE    the recording (default auxrec.data; - for standard\n" \
	"                      input: perf record -o - | auxrec ... -i -)\n"	\
	"      --symfs DIR     look for the traced binaries below DIR\n"	\
	"      --debug-dir DIR look for debug files by build id in DIR/.build-id\n" \
	"                      (before /usr/lib/debug)\n"		\
	"      --vmlinux FILE  kernel symbols and code from FILE\n"	\
	"      --kallsyms FILE kernel symbols from FILE, a /proc/kallsyms text\n" \
	"      --progress      a progress line per second on stderr (default: one line\n" \
	"                      kept up to date when stderr is a terminal that the\n" \
	"                      output does not scroll)\n" \
	"      --no-progress   no progress line\n"
#define DECODE_HELP							\
	DECODE_FILE_HELP						\
	"      --jobs N        decode on N threads (default: one per CPU the process\n" \
	"                      may run on); the output is the same for any N\n"

#define DECODE_FILTER_HELP						\
	"      --pid PID,...   only the events of these processes\n"	\
	"      --tid TID,...   only the events of these threads\n"	\
	"  -C, --cpu CPUS      only the events of these CPUs' trace buffers (0-3,5;\n" \
	"                      a per-thread recording's events have none)\n" \
	"      --comm NAME,... only the events of threads of these names\n" \
	"      --time START,STOP  only the events from START to STOP, both included,\n" \
	"                      in seconds as the output shows them (10.5,12.25;\n" \
	"                      either may be left out)\n"

#define DECODE_MAX_JOBS 256

/*
 * Applies option c (as getopt_long returned it, with optarg) to o, or to
 * the global JSON setting; returns 1 when c is one of these options, 0
 * when it is not, -1 when its value is bad (--jobs: 1 to DECODE_MAX_JOBS),
 * after the usage error (the command's usage) is printed.
 */
int decode_arg(int c, const char *arg, struct trace_decode_opts *o, void (*usage)(FILE *out));

/*
 * Applies option c of DECODE_FILTER_OPTIONS to f, with the same returns as
 * decode_arg() (-1 also without memory, after an error line).
 */
int decode_filter_arg(int c, const char *arg, struct event_filter *f, void (*usage)(FILE *out));

/*
 * The usage error for an argument that is no option; a number after -j
 * (--json) is told that --jobs N sets the decode threads. Returns 1.
 */
int decode_extra_arg(const char *arg, void (*usage)(FILE *out));

/*
 * The decode threads of script and report without --jobs: one per CPU the
 * process may run on (usable_cpus(), at most DECODE_MAX_JOBS). Measured on
 * two cores, script's and report's --jobs 2 took 0.62-0.68 of the time of
 * --jobs 1, and less under load too (docs/testing.md, "Parallel decode").
 * Export's default is 1 where there are two CPUs or fewer (cmd/export.c).
 */
unsigned int decode_default_jobs(void);

#endif
