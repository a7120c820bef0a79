/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pmu.h - PMUs as sysfs describes them (/sys/bus/event_source/devices/NAME:
 * type, format/ and caps/ files, cpumask) and event specs "pmu/term=v,term/mods"
 * parsed against their format terms into a perf_event_attr.
 */
#ifndef AUXREC_PMU_H
#define AUXREC_PMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/perf_event.h>

#define PMU_SYSFS_ROOT "/sys/bus/event_source/devices"
#define PMU_MAX_RANGES 4

struct pmu_bit_range {
	uint8_t lo, hi;		/* inclusive */
};

struct pmu_format {
	char *name;
	int field;		/* 0: config, 1: config1, 2: config2, 3: config3 */
	int nr_ranges;
	struct pmu_bit_range ranges[PMU_MAX_RANGES];
};

struct pmu {
	char *name;
	char *dir;		/* sysfs directory of the PMU */
	uint32_t type;
	int nr_formats;
	struct pmu_format *formats;
};

/* Directory holding the PMUs: $AUXREC_SYSFS_ROOT when set (tests), else sysfs. */
const char *pmu_sysfs_root(void);

/*
 * Reads PMU NAME below ROOT. Returns 0, -ENOENT when there is no such PMU,
 * or another negative errno (with a message in err) when its files are bad.
 */
int pmu_open(const char *root, const char *name, struct pmu **out, char *err, size_t errlen);
void pmu_free(struct pmu *pmu);

/* Names of all PMUs below ROOT, sorted; returns the count or -errno. */
int pmu_list_names(const char *root, char ***names);
void pmu_free_names(char **names, int n);

/* Parses one format file's text ("config:0-7,32-35"). */
int pmu_parse_format(const char *text, struct pmu_format *fmt);
const struct pmu_format *pmu_find_format(const struct pmu *pmu, const char *name);
/* Width in bits of a format term. */
int pmu_format_width(const struct pmu_format *fmt);

/* Sets VALUE into the term's bits of attr->config/config1/config2. */
int pmu_format_apply(const struct pmu_format *fmt, uint64_t value, struct perf_event_attr *attr);

/*
 * Applies "term=v,term,config=0x..." to attr (flags without value mean 1).
 * The generic terms config, config1, config2 set whole words, period= the
 * sample period (perf's, for PMUs that sample such as arm_spe); "@NAME"
 * selects a sink as perf does for cs_etm (the hash in the PMU's
 * sinks/NAME file into config2's low 32 bits); name= sets
 * *name when name is non-NULL. On error writes one line to err naming the
 * bad term and the valid ones.
 */
int pmu_apply_terms(const struct pmu *pmu, const char *terms, struct perf_event_attr *attr,
		    char **name, bool skip_unknown, char *err, size_t errlen);

struct event_spec {
	struct pmu *pmu;
	struct perf_event_attr attr;
	char *name;		/* as given, or name= */
	char *terms;		/* the text between the slashes */
	bool user_terms;	/* the user gave any term */
};

/*
 * Parses "pmu/terms/mods" (mods: u = user only, k = kernel only) against
 * the PMU's sysfs formats. default_terms, when non-NULL and the PMU has them,
 * are applied first (terms the PMU lacks are skipped) and user terms
 * override them.
 */
int event_spec_parse(const char *root, const char *spec, const char *default_terms,
		     struct event_spec *out, char *err, size_t errlen);
void event_spec_free(struct event_spec *es);



/* Whether the term list ("a=1,b,c=2") names term NAME. */
bool pmu_terms_name(const char *terms, const char *name);

/* Reads a number from a file of the PMU's sysfs directory ("caps/mtc"). */
int pmu_read_number(const struct pmu *pmu, const char *file, int base, uint64_t *out);
/* attr->config-style word with every bit of term NAME set (0 when absent). */
uint64_t pmu_term_mask(const struct pmu *pmu, const char *name);
/* The word with only the lowest bit of term NAME set (perf's "tsc_bit"). */
uint64_t pmu_term_bit(const struct pmu *pmu, const char *name);
#endif
