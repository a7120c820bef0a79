// SPDX-License-Identifier: GPL-2.0
/*
 * cs_record.c - the record side of cs_etm: PERF_RECORD_AUXTRACE_INFO as
 * perf 6.1 on arm64 fills it (tools/perf/arch/arm/util/cs-etm.c,
 * cs_etm_info_fill): header version 1, the PMU type and CPU count, then a
 * block per CPU of the PMU's sysfs directory (its cpuN entries: the CPUs
 * with a tracer, which perf takes as the online ones), whose kind its
 * files say:
 *
 *  - ETE when cpuN/mgmt/trcdevarch has ARCHVER 5 and ARCHPART 0xa13;
 *  - ETMv4 when cpuN/trcidr/trcidr0 reads;
 *  - else ETMv3/PTM (cpuN/mgmt/etmccer, etmidr).
 *
 * The ID registers are the sysfs files' hex values, the trace ID perf's
 * legacy one (0x10 + 2 * cpu, CORESIGHT_LEGACY_CPU_TRACE_ID), and
 * TRCCONFIGR the event's options mapped to the register's bits as perf
 * maps them (cycacc, contextid, timestamp, retstack, contextid2, branch
 * broadcast); ETMv3's ETMCR is the event's config itself.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cs_etm.h"
#include "lib/record/pmu.h"
#include "lib/util/util.h"

/* perf's ETM_OPT_* (attr.config bits) and ETM4_CFG_BIT_* (TRCCONFIGR bits) */
static const struct { uint8_t opt, cfg; } etm4_config_map[] = {
	{ 8, 3 },	/* branch broadcast */
	{ 12, 4 },	/* cycacc */
	{ 14, 6 },	/* contextid (CONTEXTIDR_EL1) */
	{ 28, 11 },	/* timestamp */
	{ 29, 12 },	/* retstack */
};
#define ETM_OPT_CTXTID2		15
#define ETM4_CFG_VMID		(1u << 7 | 1u << 15)	/* VMID and VMID_OPT */
#define TRACE_ID_SEED		0x10

static uint64_t etm4_configr(uint64_t config)
{
	uint64_t r = 0;

	for (size_t i = 0; i < sizeof(etm4_config_map) / sizeof(etm4_config_map[0]); i++)
		if (config & 1ull << etm4_config_map[i].opt)
			r |= 1ull << etm4_config_map[i].cfg;
	if (config & 1ull << ETM_OPT_CTXTID2)
		r |= ETM4_CFG_VMID;
	return r;
}

/* cpuN/FILE of the PMU as a hex number, 0 when it cannot be read (as perf). */
static uint64_t cpu_reg(const struct pmu *pmu, int cpu, const char *file, bool *ok)
{
	char path[64];
	uint64_t v = 0;
	int ret;

	snprintf(path, sizeof(path), "cpu%d/%s", cpu, file);
	ret = pmu_read_number(pmu, path, 16, &v);
	if (ok)
		*ok = !ret;
	return ret ? 0 : v;
}

static void fill_block(const struct aux_record_ctx *ctx, int cpu, struct cs_cpu_info *c)
{
	const struct pmu *pmu = ctx->pmu;
	uint64_t devarch = cpu_reg(pmu, cpu, "mgmt/trcdevarch", NULL);
	bool etm4;

	memset(c, 0, sizeof(*c));
	c->cpu = cpu;
	cpu_reg(pmu, cpu, "trcidr/trcidr0", &etm4);
	if (((devarch >> 12) & 0xf) == 5 && (devarch & 0xfff) == 0xa13)
		c->magic = CS_MAGIC_ETE;
	else
		c->magic = etm4 ? CS_MAGIC_ETMV4 : CS_MAGIC_ETMV3;
	if (c->magic == CS_MAGIC_ETMV3) {
		c->param[CS_V3_ETMCR] = ctx->attr->config;
		c->param[CS_V3_TRACEIDR] = TRACE_ID_SEED + 2 * cpu;
		c->param[CS_V3_ETMCCER] = cpu_reg(pmu, cpu, "mgmt/etmccer", NULL);
		c->param[CS_V3_ETMIDR] = cpu_reg(pmu, cpu, "mgmt/etmidr", NULL);
		return;
	}
	c->param[CS_V4_TRCCONFIGR] = etm4_configr(ctx->attr->config);
	c->param[CS_V4_TRCTRACEIDR] = TRACE_ID_SEED + 2 * cpu;
	c->param[CS_V4_TRCIDR0] = cpu_reg(pmu, cpu, "trcidr/trcidr0", NULL);
	c->param[CS_V4_TRCIDR1] = cpu_reg(pmu, cpu, "trcidr/trcidr1", NULL);
	c->param[CS_V4_TRCIDR2] = cpu_reg(pmu, cpu, "trcidr/trcidr2", NULL);
	c->param[CS_V4_TRCIDR8] = cpu_reg(pmu, cpu, "trcidr/trcidr8", NULL);
	c->param[CS_V4_TRCAUTHSTATUS] = cpu_reg(pmu, cpu, "mgmt/trcauthstatus", NULL);
	if (c->magic == CS_MAGIC_ETE)
		c->param[CS_ETE_TRCDEVARCH] = devarch;
}

/* The CPUs of the PMU's cpuN entries, sorted; returns the count or -errno. */
static int tracer_cpus(const struct pmu *pmu, int *cpus, int max)
{
	DIR *d = opendir(pmu->dir);
	struct dirent *de;
	int n = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d)) && n < max) {
		char *end;
		long cpu;

		if (strncmp(de->d_name, "cpu", 3) || !de->d_name[3])
			continue;
		cpu = strtol(de->d_name + 3, &end, 10);
		if (!*end && cpu >= 0 && cpu < CS_MAX_CPUS)
			cpus[n++] = cpu;
	}
	closedir(d);
	qsort(cpus, n, sizeof(*cpus), cmp_int);
	return n;
}

int cs_etm_info_priv(const struct aux_record_ctx *ctx, uint64_t *priv, size_t max)
{
	static int cpus[CS_MAX_CPUS];
	struct cs_etm_info info = { .snapshot = ctx->snapshot_mode };
	int n, ret;

	if (!ctx->pmu)
		return -EINVAL;
	n = tracer_cpus(ctx->pmu, cpus, CS_MAX_CPUS);
	if (n <= 0)
		return n ? n : -ENODEV;
	info.pmu_type = ctx->pmu->type;
	info.nr_cpus = n;
	info.cpus = calloc(n, sizeof(*info.cpus));
	if (!info.cpus)
		return -ENOMEM;
	for (int i = 0; i < n; i++)
		fill_block(ctx, cpus[i], &info.cpus[i]);
	ret = cs_etm_info_write(&info, priv, max);
	cs_etm_info_free(&info);
	return ret;
}
