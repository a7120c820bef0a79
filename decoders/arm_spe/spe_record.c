// SPDX-License-Identifier: GPL-2.0
/*
 * spe_record.c - the record side of ARM SPE, as perf's
 * tools/perf/arch/arm64/util/arm-spe.c records it: the two private words
 * of PERF_RECORD_AUXTRACE_INFO (the PMU type and whether the AUX areas
 * are per CPU: the original layout, which every perf reads), and the
 * timestamp term ts_enable (perf sets it for per-CPU recordings only;
 * auxrec always, since it decodes the times of a per-thread recording as
 * well).
 *
 * The sampling interval is left to the driver: auxrec opens the event
 * with sample_period 1 and the kernel's arm_spe_pmu raises any period
 * below caps/min_interval to it (arm_spe_event_sanitise_period()), which
 * is the period perf asks for.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "decoders/arm_spe/arm_spe.h"
#include "lib/record/pmu.h"

void arm_spe_default_terms(const struct pmu *pmu, char *buf, size_t len)
{
	if (len)
		*buf = 0;
	if (pmu_find_format(pmu, "ts_enable"))
		snprintf(buf, len, "ts_enable");
}

int arm_spe_info_priv(const struct aux_record_ctx *ctx, uint64_t *priv, size_t max)
{
	if (max < ARM_SPE_V1_PRIV_MAX)
		return -ENOSPC;
	priv[ARM_SPE_V1_PMU_TYPE] = ctx->pmu ? ctx->pmu->type : ctx->attr->type;
	priv[ARM_SPE_V1_PER_CPU_MMAPS] = ctx->per_cpu_mmaps;
	return ARM_SPE_V1_PRIV_MAX;
}
