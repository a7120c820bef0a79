/* SPDX-License-Identifier: GPL-2.0 */
/*
 * intel_pt_record.h - Intel PT's record-side operations and perf 6.1's
 * AUXTRACE_INFO private word indexes.
 */
#ifndef AUXREC_INTEL_PT_RECORD_H
#define AUXREC_INTEL_PT_RECORD_H

#include <stddef.h>
#include <stdint.h>

struct pmu;
struct aux_record_ctx;

enum intel_pt_info_word {
	INTEL_PT_PMU_TYPE,
	INTEL_PT_TIME_SHIFT,
	INTEL_PT_TIME_MULT,
	INTEL_PT_TIME_ZERO,
	INTEL_PT_CAP_USER_TIME_ZERO,
	INTEL_PT_TSC_BIT,
	INTEL_PT_NORETCOMP_BIT,
	INTEL_PT_HAVE_SCHED_SWITCH,
	INTEL_PT_SNAPSHOT_MODE,
	INTEL_PT_PER_CPU_MMAPS,
	INTEL_PT_MTC_BIT,
	INTEL_PT_MTC_FREQ_BITS,
	INTEL_PT_TSC_CTC_N,
	INTEL_PT_TSC_CTC_D,
	INTEL_PT_CYC_BIT,
	INTEL_PT_MAX_NONTURBO_RATIO,
	INTEL_PT_FILTER_STR_LEN,
	INTEL_PT_PRIV_MAX,
};

/* the words above plus event_trace after an empty filter string */
#define INTEL_PT_PRIV_WORDS (INTEL_PT_PRIV_MAX + 1)
/* the filter string's words in AUXTRACE_INFO: with its NUL, rounded up to 8 bytes (perf) */
#define INTEL_PT_FILTER_WORDS(len) ((len) ? ((len) + 1 + 7) / 8 : 0)

void intel_pt_default_terms(const struct pmu *pmu, char *buf, size_t len);
int intel_pt_info_priv(const struct aux_record_ctx *ctx, uint64_t *priv, size_t max);

#endif
