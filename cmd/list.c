// SPDX-License-Identifier: GPL-2.0
/*
 * list.c - `auxrec list`: the PMUs that can write an AUX area, with their
 * format terms (bit ranges) and what auxrec knows of them.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "builtin.h"
#include "decoders/decoder.h"
#include "lib/record/evlist.h"
#include "lib/output/json.h"
#include "lib/record/pmu.h"
#include "lib/util/util.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: auxrec list [--all] [--json] [PMU...]\n"
		"\n"
		"List the PMUs that can write an AUX area (found in\n"
		"%s), with their format terms and bit ranges.\n"
		"\n"
		"  -a, --all    list every PMU, saying which can write an AUX area\n"
		"  -j, --json   one JSON document (an array of PMU objects)\n"
		"  -h, --help   this help\n",
		PMU_SYSFS_ROOT);
}

static const char *const field_names[] = { "config", "config1", "config2", "config3" };

static void format_bits(const struct pmu_format *f, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = 0;
	for (int i = 0; i < f->nr_ranges && off < len; i++) {
		if (f->ranges[i].lo == f->ranges[i].hi)
			off += snprintf(buf + off, len - off, "%s%d", i ? "," : "", f->ranges[i].lo);
		else
			off += snprintf(buf + off, len - off, "%s%d-%d", i ? "," : "",
					f->ranges[i].lo, f->ranges[i].hi);
	}
}

static const char *aux_state(int aux, const struct decoder_ops *dec)
{
	if (aux == 1)
		return "yes";
	if (aux == 0)
		return "no";
	return dec ? "yes (known PMU; probe not permitted)" : "unknown (probe not permitted)";
}

static void print_pmu_json(struct json_writer *w, const struct pmu *pmu, int aux,
			   const struct decoder_ops *dec)
{
	char bits[64];

	jw_object_start(w);
	jw_kv_string(w, "name", pmu->name);
	jw_kv_u64(w, "type", pmu->type);
	jw_key(w, "aux");
	if (aux < 0)
		jw_null(w);
	else
		jw_bool(w, aux);
	jw_kv_string(w, "description", dec ? dec->description : NULL);
	jw_kv_bool(w, "decoder", dec && dec->packets);
	jw_key(w, "terms");
	jw_array_start(w);
	for (int i = 0; i < pmu->nr_formats; i++) {
		const struct pmu_format *f = &pmu->formats[i];

		format_bits(f, bits, sizeof(bits));
		jw_object_start(w);
		jw_kv_string(w, "name", f->name);
		jw_kv_string(w, "field", field_names[f->field]);
		jw_kv_string(w, "bits", bits);
		jw_kv_u64(w, "width", pmu_format_width(f));
		jw_object_end(w);
	}
	jw_array_end(w);
	jw_object_end(w);
}

static void print_pmu_plain(const struct pmu *pmu, int aux, const struct decoder_ops *dec)
{
	char bits[64];

	printf("%s (type %u)%s%s\n", pmu->name, pmu->type, dec ? ": " : "",
	       dec ? dec->description : "");
	printf("  aux area: %s%s\n", aux_state(aux, dec),
	       dec && dec->packets ? ", decoder built in" : "");
	for (int i = 0; i < pmu->nr_formats; i++) {
		const struct pmu_format *f = &pmu->formats[i];

		format_bits(f, bits, sizeof(bits));
		printf("  %-16s %s:%s\n", f->name, field_names[f->field], bits);
	}
	if (dec && dec->default_terms) {
		char terms[256];

		dec->default_terms(pmu, terms, sizeof(terms));
		printf("  default terms: %s\n", terms);
	}
}

int cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all",  no_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *root = pmu_sysfs_root();
	struct json_writer w;
	bool all = false;
	char **names = NULL;
	int c, n, shown = 0, ret = 0;

	while ((c = getopt_long(argc, argv, "ajh", opts, NULL)) != -1) {
		switch (c) {
		case 'a': all = true; break;
		case 'j': json_output = true; break;
		case 'h': usage(stdout); return 0;
		default: return cmd_bad_option(usage, argv, "ajh");
		}
	}
	if (optind < argc) {
		names = argv + optind;
		n = argc - optind;
		all = true;
		for (int i = 0; i < n; i++) {
			char err[256] = "";
			struct pmu *pmu;

			if (pmu_open(root, names[i], &pmu, err, sizeof(err))) {
				p_err("no PMU '%s' in %s%s%s", names[i], root, *err ? ": " : "", err);
				return 1;
			}
			pmu_free(pmu);
		}
	} else {
		n = pmu_list_names(root, &names);
		if (n < 0) {
			p_err("cannot read %s: %s", root, strerror(-n));
			return 1;
		}
	}
	if (json_output) {
		jw_init(&w, stdout, pretty_output);
		jw_array_start(&w);
	}
	for (int i = 0; i < n; i++) {
		const struct decoder_ops *dec = decoder_find_by_name(names[i]);
		char err[256] = "";
		struct pmu *pmu;
		int aux;

		if (pmu_open(root, names[i], &pmu, err, sizeof(err))) {
			p_warn("skipping PMU %s: %s", names[i], *err ? err : "unreadable");
			continue;
		}
		/* a fixture tree (tests) has no kernel behind it to probe */
		aux = getenv("AUXREC_SYSFS_ROOT") ? -ENODEV : pmu_probe_aux(pmu->type);
		if (all || aux == 1 || (aux < 0 && dec)) {
			if (json_output)
				print_pmu_json(&w, pmu, aux, dec);
			else
				print_pmu_plain(pmu, aux, dec);
			shown++;
		}
		pmu_free(pmu);
	}
	if (json_output) {
		jw_array_end(&w);
		jw_end_line(&w);
	} else if (!shown && !ret) {
		printf("no PMU here can write an AUX area (intel_pt, intel_bts, arm_spe, cs_etm);\n"
		       "'auxrec list --all' shows every PMU\n");
	}
	if (optind >= argc)
		pmu_free_names(names, n);
	return ret;
}
