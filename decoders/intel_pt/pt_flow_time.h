/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pt_flow_time.h - the flow decoder's clock (internal to pt_flow*.c): the
 * time of the trace position from TSC, TMA and MTC packets, with the
 * semantics of libipt 2.0.5's pt_time (CYC refinement is not done yet).
 */
#ifndef AUXREC_PT_FLOW_TIME_H
#define AUXREC_PT_FLOW_TIME_H

#include <stdint.h>

struct flow_time {
	uint64_t tsc;		/* the current estimate */
	uint64_t base;		/* tsc at the last ctc tick seen */
	uint32_t ctc;		/* ctc bits of the last mtc/tma */
	uint8_t have_tsc, have_tma, have_mtc;
	uint32_t lost_mtc;	/* mtcs that could not be placed */
	/* configuration */
	uint8_t mtc_freq;	/* IA32_RTIT_CTL.MTCFreq */
	uint32_t ratio_num;	/* tsc/ctc ratio: CPUID.15H:EBX */
	uint32_t ratio_den;	/*		  CPUID.15H:EAX */
};

void flow_time_init(struct flow_time *t, uint8_t mtc_freq, uint32_t num,
		    uint32_t den);
void flow_time_tsc(struct flow_time *t, uint64_t tsc);
void flow_time_tma(struct flow_time *t, uint16_t ctc, uint16_t fc);
void flow_time_mtc(struct flow_time *t, uint8_t ctc);

#endif
