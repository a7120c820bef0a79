// SPDX-License-Identifier: GPL-2.0
/*
 * version.c - `auxrec version` (and `auxrec --version`): the version, and
 * for `version` what this build decodes with: its decoders (built in or
 * the plugin file), the plugin ABI and directory, and each library with
 * its version and how it is linked, told at run time (see linked()), as
 * bug reports need it. OpenCSD is loaded to ask its version (CoreSight
 * decoding loads it on first use anyway).
 */
#include <dlfcn.h>
#include <getopt.h>
#include <link.h>
#include <stdio.h>
#include <string.h>
#include <elfutils/libdwfl.h>
#include <libunwind.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>
#include <traceevent/event-parse.h>
#include "builtin.h"
#include "decoders/cs_etm/cs_ocsd.h"
#include "decoders/decoder.h"
#include "lib/output/json.h"
#include "lib/util/util.h"

#ifndef AUXREC_TRACEEVENT_VERSION
#define AUXREC_TRACEEVENT_VERSION ""
#endif

#define STR(x)	#x
#define XSTR(x)	STR(x)

struct library {
	const char *name;
	const char *version;	/* "" when unknown */
	const void *fn;		/* one of its functions */
	const char *linked;	/* "static", "shared", "dlopen" */
	const char *file;	/* loaded on use: the shared object's name */
	const char *note;	/* why it is missing, or NULL */
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: auxrec version [--json]\n"
		"\n"
		"Print auxrec's version, its decoders (built in, or the plugin file they\n"
		"were loaded from), the decoder plugin ABI and directory, and the libraries\n"
		"it decodes and symbolizes with: each one's version and whether it is linked\n"
		"into auxrec (static), a shared object (shared) or loaded on first use\n"
		"(dlopen: OpenCSD, which this command loads to ask its version).\n"
		"The first line alone is what 'auxrec -V' prints.\n"
		"\n"
		"  -j, --json   one JSON document\n"
		"  -h, --help   this help\n");
}

/*
 * How the code at fn came into the process: the main program's (its link
 * map has no name) was linked from an archive; another object's is
 * shared. A library's shared object may be mapped for someone else's sake
 * (libunwind's brings liblzma's) while auxrec calls its own copy.
 */
static const char *linked(const void *fn)
{
	struct link_map *map = NULL;
	Dl_info info;

	if (!dladdr1(fn, &info, (void **)&map, RTLD_DL_LINKMAP) || !map)
		return "?";
	return map->l_name[0] ? "shared" : "static";
}

/* libs[]: the libraries, OpenCSD last (loaded here); returns how many. */
static size_t libraries(struct library *libs)
{
	/* UNW_VERSION_EXTRA may be defined empty */
	static char unwind_version[] = XSTR(UNW_VERSION_MAJOR) "." XSTR(UNW_VERSION_MINOR)
				       "." XSTR(UNW_VERSION_EXTRA);
	size_t len = strlen(unwind_version), n = 0;
	const struct cs_ocsd_api *ocsd;
	const char *why = NULL;

	if (unwind_version[len - 1] == '.')
		unwind_version[len - 1] = 0;

	libs[n++] = (struct library){ .name = "elfutils", .version = dwfl_version(NULL),
				      .fn = (const void *)dwfl_version };
	libs[n++] = (struct library){ .name = "libunwind", .version = unwind_version,
				      .fn = (const void *)unw_create_addr_space };
	libs[n++] = (struct library){ .name = "libtraceevent", .version = AUXREC_TRACEEVENT_VERSION,
				      .fn = (const void *)tep_alloc };
	libs[n++] = (struct library){ .name = "libzstd", .version = ZSTD_versionString(),
				      .fn = (const void *)ZSTD_versionString };
	libs[n++] = (struct library){ .name = "liblzma", .version = lzma_version_string(),
				      .fn = (const void *)lzma_version_string };
	libs[n++] = (struct library){ .name = "zlib", .version = zlibVersion(),
				      .fn = (const void *)zlibVersion };
	for (size_t i = 0; i < n; i++)
		libs[i].linked = linked(libs[i].fn);
	ocsd = cs_ocsd_api(&why);
	libs[n++] = (struct library){ .name = "OpenCSD",
				      .version = ocsd ? ocsd->ocsd_get_version_str() : "",
				      .file = AUXREC_OPENCSD_LIB, .linked = "dlopen",
				      .note = ocsd ? NULL : why };
	return n;
}

static void print_text(const struct library *libs, size_t n)
{
	const struct decoder_ops *d;
	const char *sep = "";

	printf("auxrec %s\n", AUXREC_VERSION);
	printf("decoders:");
	for (d = decoder_next(NULL); d; d = decoder_next(d)) {
		const char *path = decoder_plugin_path(d);

		printf("%s %s%s%s%s", sep, d->name, path ? " (plugin " : "", path ? path : "",
		       path ? ")" : "");
		sep = ",";
	}
	printf("\ndecoder plugins: ABI %d, from %s\n", DECODER_ABI_VERSION, decoder_plugin_dir());
	printf("libraries:\n");
	for (size_t i = 0; i < n; i++) {
		printf("  %-14s %-8s %s", libs[i].name, *libs[i].version ? libs[i].version : "?",
		       libs[i].linked);
		if (!strcmp(libs[i].linked, "dlopen"))
			printf(" (%s%s%s)", libs[i].file, libs[i].note ? ": " : "",
			       libs[i].note ? libs[i].note : "");
		printf("\n");
	}
}

static void print_json(const struct library *libs, size_t n)
{
	struct json_writer w;

	jw_init(&w, stdout, pretty_output);
	jw_object_start(&w);
	jw_kv_string(&w, "version", AUXREC_VERSION);
	jw_key(&w, "decoders");
	jw_array_start(&w);
	for (const struct decoder_ops *d = decoder_next(NULL); d; d = decoder_next(d)) {
		const char *path = decoder_plugin_path(d);

		jw_object_start(&w);
		jw_kv_string(&w, "pmu", d->name);
		jw_key(&w, "plugin");
		if (path)
			jw_string(&w, path);
		else
			jw_null(&w);
		jw_object_end(&w);
	}
	jw_array_end(&w);
	jw_kv_u64(&w, "plugin_abi", DECODER_ABI_VERSION);
	jw_kv_string(&w, "plugin_dir", decoder_plugin_dir());
	jw_key(&w, "libraries");
	jw_array_start(&w);
	for (size_t i = 0; i < n; i++) {
		jw_object_start(&w);
		jw_kv_string(&w, "name", libs[i].name);
		jw_key(&w, "version");
		if (*libs[i].version)
			jw_string(&w, libs[i].version);
		else
			jw_null(&w);
		jw_kv_string(&w, "linked", libs[i].linked);
		if (!strcmp(libs[i].linked, "dlopen")) {
			jw_kv_string(&w, "file", libs[i].file);
			jw_kv_bool(&w, "loaded", !libs[i].note);
			if (libs[i].note)
				jw_kv_string(&w, "error", libs[i].note);
		}
		jw_object_end(&w);
	}
	jw_array_end(&w);
	jw_object_end(&w);
	jw_end_line(&w);
}

int cmd_version(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct library libs[8];
	size_t n;
	int c;

	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json_output = true; break;
		case 'h': usage(stdout); return 0;
		default: return cmd_bad_option(usage, argv, "jh");
		}
	}
	if (optind < argc)
		return cmd_usage_error(usage, "unexpected argument '%s'", argv[optind]);
	n = libraries(libs);
	if (json_output)
		print_json(libs, n);
	else
		print_text(libs, n);
	return 0;
}
