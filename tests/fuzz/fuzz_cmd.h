/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fuzz_cmd.h - for the fuzz targets that run auxrec's commands on a file:
 * the input as a file (a memfd, read by path as /proc/self/fd/N), and a
 * command (cmd_dump(), cmd_export(), ...) run on an argv as main() would
 * run it, its stdout and stderr going to /dev/null.
 */
#ifndef AUXREC_FUZZ_CMD_H
#define AUXREC_FUZZ_CMD_H

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include "lib/util/util.h"

/* /dev/null as a stream, opened once; the first call also sets up what every run needs. */
static inline FILE *fuzz_devnull(void)
{
	static FILE *devnull;

	if (!devnull) {
		devnull = fopen("/dev/null", "w");
		if (!devnull)
			abort();
		/* no plugins: only the built-in decoders */
		setenv("AUXREC_PLUGIN_DIR", "/nonexistent", 1);
	}
	return devnull;
}

/*
 * The input written to a memfd (the same one each call, emptied first);
 * its path into path (at least 32 bytes).
 */
static inline void fuzz_input_file(const uint8_t *data, size_t size, char *path, size_t len)
{
	static int fd = -1;

	if (fd < 0 && (fd = memfd_create("fuzz_input", 0)) < 0)
		abort();
	if (ftruncate(fd, 0) < 0 || (size && pwrite(fd, data, size, 0) != (ssize_t)size))
		abort();
	snprintf(path, len, "/proc/self/fd/%d", fd);
}

/*
 * Runs cmd on the NULL-terminated argv (argv[0] the command's name, set as
 * cmd_name), its output and messages to /dev/null; getopt and the JSON
 * setting reset before and after. Returns cmd's exit status.
 */
static inline int fuzz_run_cmd(int (*cmd)(int argc, char **argv), char **argv)
{
	FILE *saved_out = stdout, *saved_err = stderr, *devnull = fuzz_devnull();
	int argc = 0, ret;

	while (argv[argc])
		argc++;
	optind = 0;	/* reset getopt between runs */
	json_output = false;
	cmd_name = argv[0];
	stdout = devnull;
	stderr = devnull;
	ret = cmd(argc, argv);
	fflush(devnull);
	stdout = saved_out;
	stderr = saved_err;
	json_output = false;
	return ret;
}

#endif
