/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pt_flow_time.h - the flow decoder's clock (internal to pt_flow*.c): the
 * time of the trace position from TSC, TMA and MTC packets, refined by CYC
 * packets through a calibrated cycles-to-TSC ratio, with the semantics of
 * libipt 2.0.5's pt_time and pt_time_cal.
 */
#ifndef AUXREC_PT_FLOW_TIME_H
#define AUXREC_PT_FLOW_TIME_H

#include <stdbool.h>
#include <stdint.h>

/* fcr, the TSC ticks per core cycle, is a fixed-point value: << 8 */
#define FLOW_FCR_SHIFT	8

/* Calibration of the cycles-to-TSC ratio (libipt's pt_time_cal). */
struct flow_tcal {
	uint64_t fcr;		/* tsc ticks per cycle << FLOW_FCR_SHIFT */
	uint64_t tsc;		/* the last tsc */
	uint64_t cyc_tsc;	/* cycles since the last tsc */
	uint64_t cyc_mtc;	/* cycles since the last mtc used */
	uint32_t ctc;		/* ctc of the last mtc used */
	uint32_t lost_mtc;	/* mtcs that could not calibrate */
	uint8_t have_fcr, have_mtc;
};

struct flow_time {
	uint64_t tsc;		/* the current estimate */
	uint64_t base;		/* tsc at the last ctc tick seen */
	uint64_t fc;		/* tsc ticks since base (tma fc, cyc) */
	uint32_t ctc;		/* ctc bits of the last mtc/tma */
	uint32_t ctc_cyc;	/* ctc when fc was last cleared by cycles */
	uint8_t have_tsc, have_tma, have_mtc, have_cbr;
	uint8_t cbr;		/* the last core:bus ratio */
	uint32_t lost_mtc;	/* mtcs that could not be placed */
	uint32_t lost_cyc;	/* cycs without a ratio since tsc/mtc */
	uint32_t ctc_reads;	/* mtcs that calibrated from cal.ctc */
	uint32_t cal_resets;	/* calibrations started anew */
	/* without an mtc seen: mtcs and PSB+ tscs after cycles (see tcal_slack) */
	uint32_t unprimed_reads;
	/* mtcs and PSB+ tscs after cycles, with an mtc seen or not; and mtcs */
	uint32_t cal_uses, mtcs;
	/* cycs seen; ratios set or reset (fcr_writes), cycs at the last one */
	uint32_t cycs, fcr_writes, cycs_at_write;
	struct flow_tcal cal;
	/* configuration */
	uint8_t mtc_freq;	/* IA32_RTIT_CTL.MTCFreq */
	uint8_t nom_freq;	/* max non-turbo ratio: tsc = cyc * it / cbr */
	uint32_t ratio_num;	/* tsc/ctc ratio: CPUID.15H:EBX */
	uint32_t ratio_den;	/*		  CPUID.15H:EAX */
};

void flow_time_init(struct flow_time *t, uint8_t mtc_freq, uint32_t num,
		    uint32_t den, uint8_t nom_freq);
/* in_psb: the packet is in PSB+ (libipt's "header" variants) */
void flow_time_tsc(struct flow_time *t, uint64_t tsc, int in_psb);
void flow_time_cbr(struct flow_time *t, uint8_t ratio, int in_psb);
void flow_time_tma(struct flow_time *t, uint16_t ctc, uint16_t fc);
void flow_time_mtc(struct flow_time *t, uint8_t ctc);
void flow_time_cyc(struct flow_time *t, uint64_t cyc);
/*
 * Parallel decode: a, a clock decoding on, and b, the clock of a decode
 * started later, as it was at a point, give the same times from there on
 * if every field is equal but the calibration's CTC state, where b's
 * decode, whose clock is now now, never used it since in a way a's would
 * not have: both had a CTC (it is read only once cycles are counted), or
 * b had none yet and no cycles were counted on either side; and but the
 * cycles-to-TSC ratio, where b had none and now read none since (no CYC
 * before the ratio was set anew). Then flow_time_hand_over() gives now
 * a's, and now is a's from there on.
 */
bool flow_time_same(const struct flow_time *a, const struct flow_time *b,
		    const struct flow_time *now);
/*
 * What a hand-over at b's point (flow_time_hand_over()) may give a later
 * decode's clock, told by that clock's own history since b (now), so that
 * a decode that took the flow over with nothing handed over tells it the
 * same: nothing (it read or reset its calibration since), the calibration
 * CTC (b had one), or the CTC, whether an MTC was seen and the MTCs lost
 * (b had none yet).
 */
enum flow_time_borrow { FLOW_BORROW_NONE, FLOW_BORROW_CTC, FLOW_BORROW_CAL };
enum flow_time_borrow flow_time_may_borrow(const struct flow_time *now,
					   const struct flow_time *b);
/*
 * Whether flow_time_same(a, b, now) depends on what a borrow of kind k
 * gave a (its answer could differ had a not been given it).
 */
bool flow_time_same_reads_borrowed(const struct flow_time *a, const struct flow_time *b,
				   const struct flow_time *now, enum flow_time_borrow k);
/* a with what a borrow of kind k gave it taken from b: a lenient comparison. */
void flow_time_lend(struct flow_time *a, const struct flow_time *b, enum flow_time_borrow k);
/* Returns whether it gave now a's ratio (b had none, now none since). */
bool flow_time_hand_over(struct flow_time *now, const struct flow_time *a,
			 const struct flow_time *b);
/*
 * Whether t read its ratio (a CYC came) while the ratio was still the one
 * it had when its counters were cycs and fcr_writes (flow_time.cycs and
 * .fcr_writes then). May say yes when a CYC came between two later ratios.
 */
bool flow_time_fcr_read_since(const struct flow_time *t, uint32_t cycs, uint32_t fcr_writes);
/*
 * Whether flow_time_same(a, b, now) compares a's ratio with b's (it does
 * not where b had none and now read none since), so that its answer may
 * depend on a ratio a was given.
 */
bool flow_time_same_reads_ratio(const struct flow_time *b, const struct flow_time *now);

#endif
