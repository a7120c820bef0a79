// SPDX-License-Identifier: GPL-2.0
/*
 * auxrec.c - main(): global options, the subcommand table, `auxrec help`,
 * `auxrec --version`, and the prefix-matching dispatcher.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "builtin.h"
#include "lib/util/mapped_files.h"
#include "lib/util/util.h"

int auxrec_argc;
char **auxrec_argv;

static int cmd_help(int argc, char **argv);

const struct cmd auxrec_commands[] = {
	{ "record",  cmd_record,  "record AUX-area traces of any AUX PMU into perf.data" },
	{ "script",  cmd_script,  "decode a recording's trace into branches and events" },
	{ "report",  cmd_report,  "show where a trace's instructions and branches went" },
	{ "export",  cmd_export,  "write a trace's call stacks for timeline and flame-graph viewers" },
	{ "dump",    cmd_dump,    "print every record, feature and AUX packet of a recording" },
	{ "list",    cmd_list,    "list the PMUs that can write an AUX area, with their terms" },
	{ "help",    cmd_help,    "show help for auxrec or one command" },
	{ "version", cmd_version, "print the version, decoders and libraries" },
	{ NULL, NULL, NULL }
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: auxrec [OPTIONS] COMMAND [ARGS]\n"
		"\n"
		"Record and decode Linux perf AUX-area hardware traces.\n"
		"\n"
		"Options:\n"
		"  -j, --json       JSON output where the command prints data\n"
		"  -p, --pretty     pretty-printed JSON documents (implies --json;\n"
		"                   JSON Lines streams stay one object per line)\n"
		"  -v, --verbose    more messages (repeat for more)\n"
		"  -V, --version    print the version and exit\n"
		"  -h, --help       this help\n"
		"\n"
		"Commands:\n");
	for (const struct cmd *c = auxrec_commands; c->name; c++)
		fprintf(out, "  %-10s %s\n", c->name, c->summary);
	fprintf(out,
		"\n"
		"Commands may be abbreviated to an unambiguous prefix (auxrec rec).\n"
		"'auxrec help COMMAND' or 'auxrec COMMAND --help' shows a command's options.\n");
}

static int cmd_help(int argc, char **argv)
{
	const struct cmd *c;
	char *sub[] = { NULL, "--help", NULL };
	int ambiguous = 0;

	if (argc < 2) {
		usage(stdout);
		return 0;
	}
	c = cmd_lookup(auxrec_commands, argv[1], &ambiguous);
	if (!c) {
		cmd_name = "help";
		p_err("no command '%s'%s (see 'auxrec --help')", argv[1],
		      ambiguous ? " (ambiguous prefix)" : "");
		return 1;
	}
	if (c->func == cmd_help) {
		usage(stdout);
		return 0;
	}
	sub[0] = (char *)c->name;
	optind = 0;
	return c->func(2, sub);
}

const struct cmd *cmd_lookup(const struct cmd *cmds, const char *name, int *ambiguous)
{
	const struct cmd *found = NULL;
	size_t len = strlen(name);

	*ambiguous = 0;
	if (!len)
		return NULL;
	for (const struct cmd *c = cmds; c->name; c++) {
		if (!strcmp(c->name, name))
			return c;
		if (!strncmp(c->name, name, len)) {
			if (found)
				*ambiguous = 1;
			found = c;
		}
	}
	return *ambiguous ? NULL : found;
}

int cmd_select(const struct cmd *cmds, int argc, char **argv)
{
	int ambiguous;
	const struct cmd *c = cmd_lookup(cmds, argv[0], &ambiguous);

	if (!c) {
		p_err("%s command '%s' (see 'auxrec --help')",
		      ambiguous ? "ambiguous" : "unknown", argv[0]);
		return 1;
	}
	cmd_name = c->name;
	argv[0] = (char *)c->name;
	optind = 0;	/* glibc: full re-initialisation of getopt */
	return c->func(argc, argv);
}

/*
 * A command's output that did not all reach stdout (a full disk, a closed
 * stdout) is an error, said once: commands that write as they go (dump,
 * list, the help texts) leave it to here; the others say it themselves
 * and return 1.
 */
static int output_checked(int ret)
{
	int err;

	if (ret)
		return ret;
	err = stream_flush(stdout);
	if (!err)
		return 0;
	p_err("cannot write the output: %s", strerror(-err));
	return 1;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json",    no_argument, NULL, 'j' },
		{ "pretty",  no_argument, NULL, 'p' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "help",    no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	auxrec_argc = argc;
	auxrec_argv = argv;
	mapped_files_guard();
	opterr = 0;	/* cmd_bad_option() says what was wrong, in one line */
	while ((c = getopt_long(argc, argv, "+jpvVh", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json_output = true; break;
		case 'p': json_output = pretty_output = true; break;
		case 'v': verbose++; break;
		case 'V': printf("auxrec %s\n", AUXREC_VERSION); return output_checked(0);
		case 'h': usage(stdout); return output_checked(0);
		default: {
			char what[256];

			cmd_describe_bad_option(what, sizeof(what), argv, "jpvVh");
			fprintf(stderr, "auxrec: %s\n\n", what);
			usage(stderr);
			return 1;
		}
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 1;
	}
	return output_checked(cmd_select(auxrec_commands, argc - optind, argv + optind));
}
