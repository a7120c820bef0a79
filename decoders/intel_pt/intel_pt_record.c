// SPDX-License-Identifier: GPL-2.0
/*
 * intel_pt_record.c - the record side of Intel PT: perf's default terms
 * chosen from the PMU's caps, and the private words of
 * PERF_RECORD_AUXTRACE_INFO in perf 6.1's layout (tools/perf/util/intel-pt.h),
 * so that perf's decoder accepts auxrec's recordings.
 */
#include <cpuid.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "decoders/decoder.h"
#include "intel_pt_record.h"
#include "lib/record/pmu.h"

/* perf's intel_pt_pick_bit(): the period bit closest to target from below */
static int pick_bit(uint64_t bits, int target)
{
	int pos, pick = -1;

	for (pos = 0; bits; bits >>= 1, pos++) {
		if (bits & 1) {
			if (pos <= target || pick < 0)
				pick = pos;
			if (pos >= target)
				break;
		}
	}
	return pick;
}

void intel_pt_default_terms(const struct pmu *pmu, char *buf, size_t len)
{
	uint64_t mtc = 1, mtc_periods = 0, psb_cyc = 1, psb_periods = 0;
	size_t pos = snprintf(buf, len, "tsc");

	if (pmu_read_number(pmu, "caps/mtc", 10, &mtc))
		mtc = 1;
	if (mtc && !pmu_read_number(pmu, "caps/mtc_periods", 16, &mtc_periods) && mtc_periods)
		pos += snprintf(buf + pos, len > pos ? len - pos : 0, ",mtc,mtc_period=%d",
				pick_bit(mtc_periods, 3));
	if (pmu_read_number(pmu, "caps/psb_cyc", 10, &psb_cyc))
		psb_cyc = 1;
	if (psb_cyc && mtc_periods && !pmu_read_number(pmu, "caps/psb_periods", 16, &psb_periods) &&
	    psb_periods)
		pos += snprintf(buf + pos, len > pos ? len - pos : 0, ",psb_period=%d",
				pick_bit(psb_periods, 3));
	if (pmu_find_format(pmu, "pt") && pmu_find_format(pmu, "branch"))
		snprintf(buf + pos, len > pos ? len - pos : 0, ",pt,branch");
}

int intel_pt_info_priv(const struct aux_record_ctx *ctx, uint64_t *priv, size_t max)
{
	const struct perf_event_mmap_page *pc = ctx->pc;
	unsigned int eax = 0, ebx = 0, ecx = 0, edx = 0;
	size_t flen = ctx->addr_filter ? strlen(ctx->addr_filter) : 0;
	size_t fwords = INTEL_PT_FILTER_WORDS(flen);
	uint64_t v;
	bool time_zero = pc && pc->cap_user_time_zero && pc->time_mult;

	if (max < INTEL_PT_PRIV_WORDS + fwords)
		return -ENOSPC;
	memset(priv, 0, INTEL_PT_PRIV_WORDS * sizeof(*priv));
	__get_cpuid(0x15, &eax, &ebx, &ecx, &edx);
	priv[INTEL_PT_PMU_TYPE] = ctx->attr->type;
	if (time_zero) {
		priv[INTEL_PT_TIME_SHIFT] = pc->time_shift;
		priv[INTEL_PT_TIME_MULT] = pc->time_mult;
		priv[INTEL_PT_TIME_ZERO] = pc->time_zero;
	}
	priv[INTEL_PT_CAP_USER_TIME_ZERO] = time_zero;
	priv[INTEL_PT_TSC_BIT] = pmu_term_bit(ctx->pmu, "tsc");
	priv[INTEL_PT_NORETCOMP_BIT] = pmu_term_bit(ctx->pmu, "noretcomp");
	priv[INTEL_PT_HAVE_SCHED_SWITCH] = ctx->have_sched_switch;
	priv[INTEL_PT_SNAPSHOT_MODE] = ctx->snapshot_mode;
	priv[INTEL_PT_PER_CPU_MMAPS] = ctx->per_cpu_mmaps;
	priv[INTEL_PT_MTC_BIT] = pmu_term_bit(ctx->pmu, "mtc");
	priv[INTEL_PT_MTC_FREQ_BITS] = pmu_term_mask(ctx->pmu, "mtc_period");
	priv[INTEL_PT_TSC_CTC_N] = ebx;
	priv[INTEL_PT_TSC_CTC_D] = eax;
	priv[INTEL_PT_CYC_BIT] = pmu_term_bit(ctx->pmu, "cyc");
	if (!pmu_read_number(ctx->pmu, "max_nonturbo_ratio", 10, &v))
		priv[INTEL_PT_MAX_NONTURBO_RATIO] = v;
	/* the address filter as perf writes it: its length, then the string, NUL-padded */
	priv[INTEL_PT_FILTER_STR_LEN] = flen;
	memset(priv + INTEL_PT_FILTER_STR_LEN + 1, 0, (fwords + 1) * sizeof(*priv));
	if (flen)
		memcpy(priv + INTEL_PT_FILTER_STR_LEN + 1, ctx->addr_filter, flen);
	/* after the filter string: caps/event_trace */
	if (!pmu_read_number(ctx->pmu, "caps/event_trace", 10, &v))
		priv[INTEL_PT_FILTER_STR_LEN + 1 + fwords] = v;
	return INTEL_PT_PRIV_WORDS + fwords;
}
