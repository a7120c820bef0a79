// SPDX-License-Identifier: GPL-2.0
/*
 * spe_record.c - the record side of ARM SPE, as perf's
 * tools/perf/arch/arm64/util/arm-spe.c records it (arm_spe_recording_options
 * and arm_spe_info_fill):
 *  - the sampling interval: the PMU's caps/min_interval (4096 when the
 *    driver gives none) unless the user gave period=;
 *  - per CPU, the timestamp term ts_enable unless the user set it (per
 *    thread the samples are timeless, as with perf);
 *  - the sample bits DATA_SRC, and PHYS_ADDR with pa_enable: they tell a
 *    reader what the samples will hold;
 *  - a dummy:u tracking event carrying the sideband, with context switches
 *    when per CPU (the owner of a sample without a CONTEXT packet);
 *  - the two private words of PERF_RECORD_AUXTRACE_INFO (the PMU type and
 *    whether the AUX areas are per CPU: the original layout, which every
 *    perf reads).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "decoders/arm_spe/arm_spe.h"
#include "lib/record/pmu.h"

#define ARM_SPE_DEFAULT_INTERVAL	4096	/* perf's, without caps/min_interval */

int arm_spe_record_options(const struct record_options_ctx *ctx)
{
	struct perf_event_attr *aux = ctx->aux;
	const struct pmu_format *ts = pmu_find_format(ctx->pmu, "ts_enable");
	uint64_t interval;

	if (!pmu_terms_name(ctx->user_terms, "period")) {
		if (pmu_read_number(ctx->pmu, "caps/min_interval", 10, &interval) || !interval)
			interval = ARM_SPE_DEFAULT_INTERVAL;
		aux->sample_period = interval;
		aux->freq = 0;
	}
	if (ctx->per_cpu) {
		aux->sample_type |= PERF_SAMPLE_CPU;
		if (ts && !pmu_terms_name(ctx->user_terms, "ts_enable"))
			pmu_format_apply(ts, 1, aux);
	}
	aux->sample_type |= PERF_SAMPLE_DATA_SRC;
	if (aux->config & pmu_term_mask(ctx->pmu, "pa_enable"))
		aux->sample_type |= PERF_SAMPLE_PHYS_ADDR;

	ctx->track->context_switch = ctx->per_cpu;
	return 1;
}

int arm_spe_info_priv(const struct aux_record_ctx *ctx, uint64_t *priv, size_t max)
{
	if (max < ARM_SPE_V1_PRIV_MAX)
		return -ENOSPC;
	priv[ARM_SPE_V1_PMU_TYPE] = ctx->pmu ? ctx->pmu->type : ctx->attr->type;
	priv[ARM_SPE_V1_PER_CPU_MMAPS] = ctx->per_cpu_mmaps;
	return ARM_SPE_V1_PRIV_MAX;
}
