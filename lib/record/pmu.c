// SPDX-License-Identifier: GPL-2.0
/*
 * pmu.c - sysfs PMU discovery and "pmu/term=value,.../" parsing into a
 * perf_event_attr, following the kernel's format attribute syntax
 * ("config1:0-7,32-35").
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/util/array_grow.h"
#include "pmu.h"
#include "lib/util/util.h"

const char *pmu_sysfs_root(void)
{
	const char *root = getenv("AUXREC_SYSFS_ROOT");

	return root && *root ? root : PMU_SYSFS_ROOT;
}

static char *read_small_file(const char *path)
{
	char buf[4096];
	size_t n;
	FILE *f = fopen(path, "re");

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	while (n && isspace((unsigned char)buf[n - 1]))
		buf[--n] = 0;
	return strdup(buf);
}

int pmu_parse_format(const char *text, struct pmu_format *fmt)
{
	const char *p = text;
	char *end;

	fmt->nr_ranges = 0;
	if (!strncmp(p, "config3:", 8)) {
		fmt->field = 3; p += 8;
	} else if (!strncmp(p, "config2:", 8)) {
		fmt->field = 2; p += 8;
	} else if (!strncmp(p, "config1:", 8)) {
		fmt->field = 1; p += 8;
	} else if (!strncmp(p, "config:", 7)) {
		fmt->field = 0; p += 7;
	} else {
		return -EINVAL;
	}
	for (;;) {
		unsigned long lo, hi;

		if (!isdigit((unsigned char)*p))
			return -EINVAL;
		lo = strtoul(p, &end, 10);
		hi = lo;
		p = end;
		if (*p == '-') {
			p++;
			if (!isdigit((unsigned char)*p))
				return -EINVAL;
			hi = strtoul(p, &end, 10);
			p = end;
		}
		if (lo > hi || hi > 63 || fmt->nr_ranges == PMU_MAX_RANGES)
			return -EINVAL;
		fmt->ranges[fmt->nr_ranges].lo = lo;
		fmt->ranges[fmt->nr_ranges].hi = hi;
		fmt->nr_ranges++;
		if (*p != ',')
			break;
		p++;
	}
	while (isspace((unsigned char)*p))
		p++;
	return *p ? -EINVAL : 0;
}

int pmu_format_width(const struct pmu_format *fmt)
{
	int w = 0;

	for (int i = 0; i < fmt->nr_ranges; i++)
		w += fmt->ranges[i].hi - fmt->ranges[i].lo + 1;
	return w;
}

static __u64 *attr_field(struct perf_event_attr *attr, int field)
{
	switch (field) {
	case 0: return &attr->config;
	case 1: return &attr->config1;
	case 2: return &attr->config2;
	default: return NULL;	/* config3 needs a newer perf_event_attr */
	}
}

int pmu_format_apply(const struct pmu_format *fmt, uint64_t value, struct perf_event_attr *attr)
{
	__u64 *word = attr_field(attr, fmt->field);
	int width = pmu_format_width(fmt);

	if (!word)
		return -EOPNOTSUPP;
	if (width < 64 && (value >> width))
		return -ERANGE;
	for (int i = 0; i < fmt->nr_ranges; i++) {
		int lo = fmt->ranges[i].lo, n = fmt->ranges[i].hi - lo + 1;
		uint64_t mask = n == 64 ? ~0ULL : ((1ULL << n) - 1);

		*word = (*word & ~(mask << lo)) | ((value & mask) << lo);
		value = n == 64 ? 0 : value >> n;
	}
	return 0;
}

const struct pmu_format *pmu_find_format(const struct pmu *pmu, const char *name)
{
	for (int i = 0; i < pmu->nr_formats; i++)
		if (!strcmp(pmu->formats[i].name, name))
			return &pmu->formats[i];
	return NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names of the entries of DIR (no dot files). */
static int list_dir(const char *dir, char ***names)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **v = NULL;
	int n = 0;
	size_t cap = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (ARRAY_GROW(v, cap, (size_t)n + 1, 16))
			goto nomem;
		if (!(v[n] = strdup(de->d_name)))
			goto nomem;
		n++;
	}
	closedir(d);
	if (n)
		qsort(v, n, sizeof(*v), cmp_str);
	*names = v;
	return n;
nomem:
	closedir(d);
	pmu_free_names(v, n);
	return -ENOMEM;
}

int pmu_list_names(const char *root, char ***names)
{
	return list_dir(root, names);
}

void pmu_free_names(char **names, int n)
{
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static int valid_pmu_name(const char *name)
{
	if (!*name || strlen(name) > 255 || name[0] == '.')
		return 0;
	return !strchr(name, '/');
}

int pmu_open(const char *root, const char *name, struct pmu **out, char *err, size_t errlen)
{
	struct pmu *pmu;
	char *path = NULL, *text;
	char **fnames = NULL;
	int n, ret = -ENOMEM;
	uint64_t type;

	*out = NULL;
	if (!valid_pmu_name(name))
		return -ENOENT;
	pmu = calloc(1, sizeof(*pmu));
	if (!pmu || !(pmu->name = strdup(name)) ||
	    asprintf(&pmu->dir, "%s/%s", root, name) < 0) {
		if (pmu)
			pmu->dir = NULL;
		goto fail;
	}
	if (asprintf(&path, "%s/type", pmu->dir) < 0)
		goto fail;
	text = read_small_file(path);
	if (!text) {
		ret = -ENOENT;
		goto fail;
	}
	if (parse_u64(text, &type) || type > UINT32_MAX) {
		snprintf(err, errlen, "%s: bad PMU type '%s'", path, text);
		free(text);
		ret = -EINVAL;
		goto fail;
	}
	free(text);
	pmu->type = type;
	free(path);
	path = NULL;

	if (asprintf(&path, "%s/format", pmu->dir) < 0)
		goto fail;
	n = list_dir(path, &fnames);
	if (n < 0)
		n = 0;	/* a PMU without format terms is valid */
	pmu->formats = calloc(n ? n : 1, sizeof(*pmu->formats));
	if (!pmu->formats)
		goto fail_names;
	for (int i = 0; i < n; i++) {
		struct pmu_format *f = &pmu->formats[pmu->nr_formats];
		char *fpath;

		if (asprintf(&fpath, "%s/%s", path, fnames[i]) < 0)
			goto fail_names;
		text = read_small_file(fpath);
		if (!text || pmu_parse_format(text, f)) {
			snprintf(err, errlen, "%s: bad format '%s'", fpath, text ? text : "(unreadable)");
			free(text);
			free(fpath);
			ret = -EINVAL;
			goto fail_names;
		}
		free(text);
		free(fpath);
		f->name = fnames[i];
		fnames[i] = NULL;
		pmu->nr_formats++;
	}
	pmu_free_names(fnames, n);
	free(path);
	*out = pmu;
	return 0;
fail_names:
	pmu_free_names(fnames, n);
fail:
	free(path);
	pmu_free(pmu);
	return ret;
}

void pmu_free(struct pmu *pmu)
{
	if (!pmu)
		return;
	for (int i = 0; i < pmu->nr_formats; i++)
		free(pmu->formats[i].name);
	free(pmu->formats);
	free(pmu->name);
	free(pmu->dir);
	free(pmu);
}

static void valid_terms(const struct pmu *pmu, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = 0;
	for (int i = 0; i < pmu->nr_formats && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%s", i ? ", " : "", pmu->formats[i].name);
	if (off < len)
		snprintf(buf + off, len - off, "%sconfig, config1, config2, period, name",
			 pmu->nr_formats ? ", " : "");
}

/*
 * "@NAME": perf's sink selection (its driver config term, which only
 * cs_etm uses): the hash in the PMU's sinks/NAME file goes into the low 32
 * bits of config2 (tools/perf/arch/arm/util/cs-etm.c, cs_etm_set_sink_attr).
 */
static int apply_sink(const struct pmu *pmu, const char *sink, struct perf_event_attr *attr,
		      char *err, size_t errlen)
{
	char *file = NULL, *dir = NULL, **names = NULL, list[512] = "";
	uint64_t hash;
	int ret = -EINVAL, n = 0;

	if (*sink && !strchr(sink, '/') && sink[0] != '.' && asprintf(&file, "sinks/%s", sink) >= 0)
		ret = pmu_read_number(pmu, file, 16, &hash);
	free(file);
	if (!ret) {
		attr->config2 = (attr->config2 & ~0xffffffffULL) | (uint32_t)hash;
		return 0;
	}
	if (asprintf(&dir, "%s/sinks", pmu->dir) >= 0)
		n = list_dir(dir, &names);
	free(dir);
	for (int i = 0, o = 0; i < n && o < (int)sizeof(list); i++)
		o += snprintf(list + o, sizeof(list) - o, "%s%s", i ? ", " : "", names[i]);
	if (n > 0)
		pmu_free_names(names, n);
	snprintf(err, errlen, "no sink '%s' for PMU %s (%s%s)", sink, pmu->name,
		 n > 0 ? "sinks: " : "it has no sinks", list);
	return -EINVAL;
}

static int apply_one_term(const struct pmu *pmu, char *term, struct perf_event_attr *attr,
			  char **name, bool skip_unknown, char *err, size_t errlen)
{
	char *eq = strchr(term, '=');
	const char *val = eq ? eq + 1 : "1";
	const struct pmu_format *fmt;
	uint64_t v;

	if (term[0] == '@')
		return apply_sink(pmu, term + 1, attr, err, errlen);
	if (eq)
		*eq = 0;
	if (!*term) {
		snprintf(err, errlen, "empty term in %s event", pmu->name);
		return -EINVAL;
	}
	if (!strcmp(term, "name")) {
		if (!eq || !*val) {
			snprintf(err, errlen, "term 'name' needs a value");
			return -EINVAL;
		}
		if (name) {
			free(*name);
			*name = strdup(val);
		}
		return 0;
	}
	if (parse_u64(val, &v)) {
		snprintf(err, errlen, "term '%s' of %s: '%s' is not a number", term, pmu->name, val);
		return -EINVAL;
	}
	if (!strcmp(term, "config") || !strcmp(term, "config1") || !strcmp(term, "config2")) {
		*attr_field(attr, term[6] ? term[6] - '0' : 0) = v;
		return 0;
	}
	fmt = pmu_find_format(pmu, term);
	if (!fmt && !strcmp(term, "period")) {
		if (!v) {
			snprintf(err, errlen, "term 'period' of %s must be above 0", pmu->name);
			return -EINVAL;
		}
		attr->sample_period = v;
		attr->freq = 0;
		return 0;
	}
	if (!fmt) {
		char terms[1024];

		if (skip_unknown)
			return 0;
		valid_terms(pmu, terms, sizeof(terms));
		snprintf(err, errlen, "unknown term '%s' for PMU %s (valid terms: %s)",
			 term, pmu->name, terms);
		return -EINVAL;
	}
	switch (pmu_format_apply(fmt, v, attr)) {
	case 0:
		return 0;
	case -ERANGE:
		snprintf(err, errlen, "term '%s' of %s: value %s does not fit in %d bit%s",
			 term, pmu->name, val, pmu_format_width(fmt),
			 pmu_format_width(fmt) == 1 ? "" : "s");
		return -ERANGE;
	default:
		snprintf(err, errlen, "term '%s' of %s: config3 is not supported", term, pmu->name);
		return -EOPNOTSUPP;
	}
}

bool pmu_terms_name(const char *terms, const char *name)
{
	size_t n = strlen(name);

	for (const char *t = terms; t && *t; t = strchr(t, ',') ? strchr(t, ',') + 1 : NULL)
		if (!strncmp(t, name, n) && (!t[n] || t[n] == ',' || t[n] == '='))
			return true;
	return false;
}

int pmu_apply_terms(const struct pmu *pmu, const char *terms, struct perf_event_attr *attr,
		    char **name, bool skip_unknown, char *err, size_t errlen)
{
	char *copy = strdup(terms ? terms : ""), *save = NULL, *t;
	int ret = 0;

	if (!copy)
		return -ENOMEM;
	for (t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		ret = apply_one_term(pmu, t, attr, name, skip_unknown, err, errlen);
		if (ret)
			break;
	}
	free(copy);
	return ret;
}

int event_spec_parse(const char *root, const char *spec, const char *default_terms,
		     struct event_spec *out, char *err, size_t errlen)
{
	const char *slash = strchr(spec, '/'), *close, *mods;
	char *pmu_name;
	int ret;

	memset(out, 0, sizeof(*out));
	if (!slash) {
		slash = spec + strlen(spec);
		close = slash;
		mods = slash;
	} else {
		close = strchr(slash + 1, '/');
		if (!close) {
			snprintf(err, errlen, "bad event '%s': missing closing '/' (use pmu/terms/)", spec);
			return -EINVAL;
		}
		mods = close + 1;
	}
	pmu_name = strndup(spec, slash - spec);
	if (!pmu_name)
		return -ENOMEM;
	ret = pmu_open(root, pmu_name, &out->pmu, err, errlen);
	if (ret == -ENOENT)
		snprintf(err, errlen, "cannot open %s: PMU not found (see 'auxrec list')", pmu_name);
	free(pmu_name);
	if (ret)
		return ret;

	out->attr.size = sizeof(out->attr);
	out->attr.type = out->pmu->type;
	out->terms = *slash ? strndup(slash + 1, close - slash - 1) : strdup("");
	out->name = strdup(spec);
	if (!out->terms || !out->name) {
		ret = -ENOMEM;
		goto fail;
	}
	out->user_terms = *out->terms != 0;
	if (default_terms) {
		ret = pmu_apply_terms(out->pmu, default_terms, &out->attr, NULL, true, err, errlen);
		if (ret)
			goto fail;
	}
	ret = pmu_apply_terms(out->pmu, out->terms, &out->attr, &out->name, false, err, errlen);
	if (ret)
		goto fail;
	for (; *mods; mods++) {
		switch (*mods) {
		case 'u': out->attr.exclude_kernel = 1; out->attr.exclude_hv = 1; break;
		case 'k': out->attr.exclude_user = 1; break;
		default:
			snprintf(err, errlen, "bad event modifier '%c' in '%s' (valid: u, k)", *mods, spec);
			ret = -EINVAL;
			goto fail;
		}
	}
	return 0;
fail:
	event_spec_free(out);
	return ret;
}

void event_spec_free(struct event_spec *es)
{
	pmu_free(es->pmu);
	free(es->name);
	free(es->terms);
	memset(es, 0, sizeof(*es));
}

int pmu_read_number(const struct pmu *pmu, const char *file, int base, uint64_t *out)
{
	char *path, *text, *end;
	unsigned long long v;

	if (asprintf(&path, "%s/%s", pmu->dir, file) < 0)
		return -ENOMEM;
	text = read_small_file(path);
	free(path);
	if (!text)
		return -ENOENT;
	errno = 0;
	v = strtoull(text, &end, base);
	if (errno || end == text || *end) {
		free(text);
		return -EINVAL;
	}
	free(text);
	*out = v;
	return 0;
}

uint64_t pmu_term_mask(const struct pmu *pmu, const char *name)
{
	const struct pmu_format *f = pmu_find_format(pmu, name);
	struct perf_event_attr attr = { 0 };

	if (!f || f->field != 0)
		return 0;
	pmu_format_apply(f, pmu_format_width(f) == 64 ? ~0ULL : (1ULL << pmu_format_width(f)) - 1,
			 &attr);
	return attr.config;
}

uint64_t pmu_term_bit(const struct pmu *pmu, const char *name)
{
	uint64_t m = pmu_term_mask(pmu, name);

	return m & -m;
}
