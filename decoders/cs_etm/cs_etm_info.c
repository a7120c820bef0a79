// SPDX-License-Identifier: GPL-2.0
/*
 * cs_etm_info.c - PERF_RECORD_AUXTRACE_INFO of cs_etm, read and written
 * as perf lays it out (tools/perf/util/cs-etm.h and cs_etm__create_meta_blk):
 *
 *	version, (pmu_type << 32) | nr_cpu, snapshot,
 *	then nr_cpu blocks: magic, cpu, [nr_params (version >= 1)], params...
 *
 * A version 0 block has a fixed count of parameters by its magic (4 for
 * ETMv3/PTM, 7 for ETMv4; ETE did not exist). A version 1 block says how
 * many follow; extra ones (newer perf's TS_SOURCE) are skipped, missing
 * ones read as zero. Header versions above 1 are refused as perf 6.1
 * refuses them. The trace ID of a block is the low 7 bits of its trace ID
 * register; two blocks with one trace ID are refused (perf: -EINVAL).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "cs_etm.h"

/* perf's test of ETMIDR for a PTM (cs_etm__get_v7_protocol_version) */
#define ETMIDR_PTM_VERSION	0x300

static int fixed_params(uint64_t magic)
{
	if (magic == CS_MAGIC_ETMV3)
		return CS_V3_NR_PARAMS;
	if (magic == CS_MAGIC_ETMV4)
		return CS_V4_NR_PARAMS;
	return -1;	/* ETE has no version 0 form */
}

static int block_protocol(struct cs_cpu_info *c)
{
	switch (c->magic) {
	case CS_MAGIC_ETMV3:
		c->protocol = (c->param[CS_V3_ETMIDR] & ETMIDR_PTM_VERSION) == ETMIDR_PTM_VERSION ?
			      CS_PROTO_PTM : CS_PROTO_ETMV3;
		c->trace_id = c->param[CS_V3_TRACEIDR] & 0x7f;
		return 0;
	case CS_MAGIC_ETMV4:
	case CS_MAGIC_ETE:
		c->protocol = c->magic == CS_MAGIC_ETE ? CS_PROTO_ETE : CS_PROTO_ETMV4;
		c->trace_id = c->param[CS_V4_TRCTRACEIDR] & 0x7f;
		return 0;
	default:
		return -EINVAL;
	}
}

/* One block at priv[*pos]; advances *pos past it. */
static int parse_block(const uint64_t *priv, size_t nr, size_t *pos, uint64_t version,
		       struct cs_cpu_info *c, const char **why)
{
	size_t i = *pos, common = version ? 3 : 2;
	int fixed;
	uint64_t n;

	if (i + common > nr) {
		*why = "CPU block cut short";
		return -EINVAL;
	}
	c->magic = priv[i];
	c->cpu = (int32_t)priv[i + 1];
	fixed = fixed_params(c->magic);
	if (c->magic != CS_MAGIC_ETE && fixed < 0) {
		*why = "unknown tracer magic in a CPU block";
		return -EINVAL;
	}
	if (!version && fixed < 0) {
		*why = "ETE block in a version 0 header";
		return -EINVAL;
	}
	n = version ? priv[i + 2] : (uint64_t)fixed;
	if (n > nr - i - common) {
		*why = "CPU block parameters past the record";
		return -EINVAL;
	}
	c->nr_params = n;
	for (uint64_t k = 0; k < n && k < CS_MAX_PARAMS; k++)
		c->param[k] = priv[i + common + k];
	*pos = i + common + n;
	if (block_protocol(c)) {
		*why = "unknown tracer magic in a CPU block";
		return -EINVAL;
	}
	return 0;
}

int cs_etm_info_parse(const uint64_t *priv, size_t nr, struct cs_etm_info *info,
		      const char **why)
{
	size_t pos = CS_HDR_WORDS;
	uint32_t n;

	memset(info, 0, sizeof(*info));
	if (!priv || nr < CS_HDR_WORDS) {
		*why = "AUXTRACE_INFO shorter than the cs_etm header";
		return -EINVAL;
	}
	info->version = priv[CS_HDR_VERSION];
	if (info->version > CS_HDR_VERSION_MAX) {
		*why = "unsupported cs_etm header version";
		return -EINVAL;
	}
	info->pmu_type = priv[CS_HDR_PMU_TYPE_CPUS] >> 32;
	info->snapshot = priv[CS_HDR_SNAPSHOT] != 0;
	n = (uint32_t)priv[CS_HDR_PMU_TYPE_CPUS];
	if (!n || n > CS_MAX_CPUS) {
		*why = "bad number of CPU blocks";
		return -EINVAL;
	}
	info->cpus = calloc(n, sizeof(*info->cpus));
	if (!info->cpus) {
		*why = "out of memory";
		return -ENOMEM;
	}
	for (info->nr_cpus = 0; info->nr_cpus < n; info->nr_cpus++) {
		struct cs_cpu_info *c = &info->cpus[info->nr_cpus];

		if (parse_block(priv, nr, &pos, info->version, c, why))
			return -EINVAL;
		for (uint32_t j = 0; j < info->nr_cpus; j++) {
			if (info->cpus[j].trace_id == c->trace_id) {
				*why = "two CPU blocks with one trace ID";
				return -EINVAL;
			}
		}
	}
	if (pos != nr) {
		*why = "words left after the CPU blocks";
		return -EINVAL;
	}
	return 0;
}

void cs_etm_info_free(struct cs_etm_info *info)
{
	free(info->cpus);
	info->cpus = NULL;
	info->nr_cpus = 0;
}

const struct cs_cpu_info *cs_etm_info_by_trace_id(const struct cs_etm_info *info, uint8_t id)
{
	for (uint32_t i = 0; i < info->nr_cpus; i++)
		if (info->cpus[i].trace_id == id)
			return &info->cpus[i];
	return NULL;
}

const struct cs_cpu_info *cs_etm_info_by_cpu(const struct cs_etm_info *info, int32_t cpu)
{
	for (uint32_t i = 0; i < info->nr_cpus; i++)
		if (info->cpus[i].cpu == cpu)
			return &info->cpus[i];
	return NULL;
}

int cs_etm_info_write(const struct cs_etm_info *info, uint64_t *priv, size_t max)
{
	size_t pos = CS_HDR_WORDS;

	if (max < CS_HDR_WORDS)
		return -ENOSPC;
	priv[CS_HDR_VERSION] = CS_HDR_VERSION_MAX;
	priv[CS_HDR_PMU_TYPE_CPUS] = (uint64_t)info->pmu_type << 32 | info->nr_cpus;
	priv[CS_HDR_SNAPSHOT] = info->snapshot;
	for (uint32_t i = 0; i < info->nr_cpus; i++) {
		const struct cs_cpu_info *c = &info->cpus[i];
		uint32_t n = c->magic == CS_MAGIC_ETMV3 ? CS_V3_NR_PARAMS :
			     c->magic == CS_MAGIC_ETE ? CS_ETE_NR_PARAMS : CS_V4_NR_PARAMS;

		if (pos + 3 + n > max)
			return -ENOSPC;
		priv[pos++] = c->magic;
		priv[pos++] = (uint64_t)(int64_t)c->cpu;
		priv[pos++] = n;
		for (uint32_t k = 0; k < n; k++)
			priv[pos++] = c->param[k];
	}
	return pos;
}
