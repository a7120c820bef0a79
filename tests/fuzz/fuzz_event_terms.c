// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_event_terms.c - libFuzzer target for the event/term parser: the
 * input is split at its first newline into an event spec and default
 * terms, parsed with event_spec_parse() against the fixture sysfs tree
 * tests/data/sysfs ($AUXREC_SYSFS_ROOT when set), and the whole input is
 * also parsed as a sysfs format file (pmu_parse_format) whose bits are
 * then set with pmu_format_apply().
 *
 * fuzz-sources: lib/record/pmu.c lib/util/array_grow.c lib/util/util.c lib/output/json.c lib/util/progress.c
 * fuzz-max-len: 512
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/record/pmu.h"

static const char *root;

static void check_attr(const struct perf_event_attr *attr, const struct pmu *pmu)
{
	if (attr->size != sizeof(*attr) || attr->type != pmu->type)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pmu_format fmt;
	struct event_spec es;
	char *text, *nl, err[512];
	int ret;

	if (!root) {
		root = getenv("AUXREC_SYSFS_ROOT");
		if (!root)
			root = "tests/data/sysfs";
	}
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;

	memset(&fmt, 0, sizeof(fmt));
	if (!pmu_parse_format(text, &fmt)) {
		struct perf_event_attr attr;
		uint64_t v = 0;
		int w = pmu_format_width(&fmt);

		if (w < 0 || fmt.nr_ranges < 0 || fmt.nr_ranges > PMU_MAX_RANGES)
			abort();
		memcpy(&v, data, size < sizeof(v) ? size : sizeof(v));
		memset(&attr, 0, sizeof(attr));
		pmu_format_apply(&fmt, v, &attr);
		pmu_format_apply(&fmt, w < 64 ? v & ((1ULL << w) - 1) : v, &attr);
	}
	free(fmt.name);

	nl = strchr(text, '\n');
	if (nl)
		*nl = 0;
	err[0] = 0;
	ret = event_spec_parse(root, text, nl ? nl + 1 : NULL, &es, err, sizeof(err));
	if (!ret) {
		check_attr(&es.attr, es.pmu);
		event_spec_free(&es);
	} else if (ret != -ENOMEM && !err[0]) {
		abort();	/* every failure explains itself */
	}
	free(text);
	return 0;
}
