// SPDX-License-Identifier: GPL-2.0
/*
 * bts_record.c - the record side of Intel BTS: the six private words of
 * PERF_RECORD_AUXTRACE_INFO as perf's tools/perf/arch/x86/util/intel-bts.c
 * (intel_bts_info_fill) writes them, so that perf's decoder accepts
 * auxrec's recordings.
 */
#include <errno.h>
#include "intel_bts.h"
#include "lib/record/pmu.h"

int intel_bts_info_priv(const struct aux_record_ctx *ctx, uint64_t *priv, size_t max)
{
	const struct perf_event_mmap_page *pc = ctx->pc;
	bool time_zero = pc && pc->cap_user_time_zero && pc->time_mult;

	if (max < INTEL_BTS_PRIV_MAX)
		return -ENOSPC;
	memset(priv, 0, INTEL_BTS_PRIV_MAX * sizeof(*priv));
	priv[INTEL_BTS_PMU_TYPE] = ctx->pmu ? ctx->pmu->type : ctx->attr->type;
	if (time_zero) {
		priv[INTEL_BTS_TIME_SHIFT] = pc->time_shift;
		priv[INTEL_BTS_TIME_MULT] = pc->time_mult;
		priv[INTEL_BTS_TIME_ZERO] = pc->time_zero;
	}
	priv[INTEL_BTS_CAP_USER_TIME_ZERO] = time_zero;
	priv[INTEL_BTS_SNAPSHOT_MODE] = ctx->snapshot_mode;
	return INTEL_BTS_PRIV_MAX;
}
