// SPDX-License-Identifier: GPL-2.0
/*
 * pt_flow_time.c - the flow decoder's clock: TSC sets the time; TMA gives
 * the crystal clock (CTC) bits and the fast-counter offset at that TSC;
 * each MTC then advances the time by the CTC ticks since the previous
 * MTC (or TMA) times the TSC/CTC ratio. Follows libipt 2.0.5's choices:
 * MTCs between TSC and TMA are ignored, a first MTC without TMA only
 * primes the CTC, the high CTC bits a TMA lacks are estimated from the
 * next MTC, and one wrap-around of the MTC's CTC bits is corrected.
 */
#include "pt_flow_time.h"

#define MTC_BITS	8	/* ctc bits an mtc carries */
#define TMA_CTC_BITS	16

void flow_time_init(struct flow_time *t, uint8_t mtc_freq, uint32_t num,
		    uint32_t den)
{
	*t = (struct flow_time){
		.mtc_freq = mtc_freq,
		.ratio_num = num,
		.ratio_den = den,
	};
}

void flow_time_tsc(struct flow_time *t, uint64_t tsc)
{
	t->tsc = t->base = tsc;
	t->have_tsc = 1;
	t->have_tma = 0;
	t->have_mtc = 0;
	t->ctc = 0;
	t->lost_mtc = 0;
}

void flow_time_tma(struct flow_time *t, uint16_t ctc, uint16_t fc)
{
	unsigned int hi = t->mtc_freq + MTC_BITS;

	if (!t->have_tsc || t->have_tma || t->have_mtc || hi > 31)
		return;
	t->have_tma = 1;
	t->base -= fc;
	/* a tma with all the bits an mtc has counts as one */
	if (hi <= TMA_CTC_BITS)
		t->have_mtc = 1;
	t->ctc = ctc & ((1u << hi) - 1);
}

void flow_time_mtc(struct flow_time *t, uint8_t payload)
{
	uint32_t ctc = (uint32_t)payload << t->mtc_freq, last = t->ctc;
	unsigned int hi = t->mtc_freq + MTC_BITS;
	int had_mtc = t->have_mtc;

	if ((t->have_tsc && !t->have_tma) || hi > 31)
		return;
	t->have_mtc = 1;
	t->ctc = ctc;
	if (!had_mtc) {
		uint32_t lo_mask = (1u << TMA_CTC_BITS) - 1, top;

		if (!t->have_tma)
			return;
		/* the tma lacked the high bits: take them from this mtc */
		top = ctc & ~lo_mask;
		if ((ctc & lo_mask) < last) {
			top -= 1u << TMA_CTC_BITS;
			top &= ((1u << MTC_BITS) - 1) << t->mtc_freq;
		}
		last |= top;
	}
	if (ctc < last) {
		ctc += 1u << hi;
		if (ctc < last) {
			t->lost_mtc++;
			return;
		}
	}
	if (!t->ratio_num || !t->ratio_den)
		return;
	t->base += (uint64_t)(ctc - last) * t->ratio_num / t->ratio_den;
	t->tsc = t->base;
}
