// SPDX-License-Identifier: GPL-2.0
/*
 * pt_flow_time.c - the flow decoder's clock: TSC sets the time; TMA gives
 * the crystal clock (CTC) bits and the fast-counter offset at that TSC;
 * each MTC then advances the time by the CTC ticks since the previous
 * MTC (or TMA) times the TSC/CTC ratio. Follows libipt 2.0.5's choices:
 * MTCs between TSC and TMA are ignored, a first MTC without TMA only
 * primes the CTC, the high CTC bits a TMA lacks are estimated from the
 * next MTC, and one wrap-around of the MTC's CTC bits is corrected.
 *
 * CYC packets count core cycles; with a cycles-to-TSC ratio (fcr) each
 * adds cyc * fcr to the time since the last TSC/MTC, which reset it. As
 * in libipt's pt_time_cal, fcr comes from CBR (nom_freq / cbr), from the
 * cycles counted between two MTCs (or, without MTCs, two TSCs in PSB+),
 * whichever came last; a CBR outside PSB+ restarts the calibration, and a
 * CYC without a ratio is lost. A first CYC after MTCs without cycles
 * drops the cycles the ratio puts in the earlier MTC periods. libipt's
 * SKL168 and SKD007 workarounds are not done (its default config has no
 * errata enabled).
 */
#include "pt_flow_time.h"

#define MTC_BITS	8	/* ctc bits an mtc carries */
#define TMA_CTC_BITS	16
#define TSC_BITS	56

void flow_time_init(struct flow_time *t, uint8_t mtc_freq, uint32_t num,
		    uint32_t den, uint8_t nom_freq)
{
	*t = (struct flow_time){
		.mtc_freq = mtc_freq,
		.nom_freq = nom_freq,
		.ratio_num = num,
		.ratio_den = den,
	};
}

/* ctc - last with one wrap-around corrected; -1 if it wrapped more */
static int ctc_delta(const struct flow_time *t, uint32_t ctc, uint32_t last,
		     uint32_t *delta)
{
	if (ctc < last) {
		ctc += 1u << (t->mtc_freq + MTC_BITS);
		if (ctc < last)
			return -1;
	}
	*delta = ctc - last;
	return 0;
}

/* ctc ticks in tsc ticks; -1 without a ratio */
static int ctc_to_tsc(const struct flow_time *t, uint64_t ctc, uint64_t *fc)
{
	if (!t->ratio_num || !t->ratio_den)
		return -1;
	*fc = ctc * t->ratio_num / t->ratio_den;
	return 0;
}

/* Calibration */

static void tcal_set(struct flow_time *t, uint64_t fcr)
{
	t->cal.fcr = fcr;
	t->cal.have_fcr = 1;
	t->fcr_writes++;
	t->cycs_at_write = t->cycs;
}

static void tcal_cbr(struct flow_time *t, uint8_t cbr)
{
	if (!t->nom_freq || !cbr)
		return;
	tcal_set(t, ((uint64_t)t->nom_freq << FLOW_FCR_SHIFT) / cbr);
}

/* A TSC in PSB+ calibrates from the cycles since the previous TSC. */
static void tcal_header_tsc(struct flow_time *t, uint64_t tsc)
{
	struct flow_tcal *c = &t->cal;
	uint64_t last = c->tsc, cyc = c->cyc_tsc, delta;

	c->tsc = tsc;
	c->cyc_tsc = 0;
	if (!last || !cyc)
		return;
	t->cal_uses++;
	if (c->have_mtc)	/* mtc is preferred */
		return;
	t->unprimed_reads++;
	if (tsc < last) {
		tsc += 1ull << TSC_BITS;
		if (tsc < last)
			return;
	}
	delta = tsc - last;
	if (delta & ~(~0ull >> FLOW_FCR_SHIFT))
		return;
	tcal_set(t, (delta << FLOW_FCR_SHIFT) / cyc);
}

static void tcal_mtc(struct flow_time *t, uint32_t ctc)
{
	struct flow_tcal *c = &t->cal;
	uint32_t last = c->ctc, delta;
	uint64_t cyc = c->cyc_mtc, fc;

	t->mtcs++;
	if (cyc)
		t->cal_uses++;
	if (!c->have_mtc) {
		if (cyc)
			t->unprimed_reads++;
		c->cyc_mtc = 0;
		c->ctc = ctc;
		c->have_mtc = 1;
		return;
	}
	/* no cycles: spread the next ones over both periods */
	if (!cyc)
		return;
	t->ctc_reads++;
	c->cyc_mtc = 0;
	c->ctc = ctc;
	c->lost_mtc++;
	if (ctc_delta(t, ctc, last, &delta) < 0 ||
	    ctc_to_tsc(t, delta, &fc) < 0 ||
	    (fc & ~(~0ull >> FLOW_FCR_SHIFT)))
		return;
	tcal_set(t, (fc << FLOW_FCR_SHIFT) / cyc);
	c->lost_mtc = 0;
}

/* Time */

void flow_time_tsc(struct flow_time *t, uint64_t tsc, int in_psb)
{
	if (in_psb) {
		tcal_header_tsc(t, tsc);
	} else {
		/* may follow lost time: only a reference for the next */
		t->cal.tsc = tsc;
		t->cal.cyc_tsc = 0;
	}
	t->tsc = t->base = tsc;
	t->fc = 0;
	t->have_tsc = 1;
	t->have_tma = 0;
	t->have_mtc = 0;
	t->ctc = 0;
	t->lost_mtc = 0;
	t->lost_cyc = 0;
}

void flow_time_cbr(struct flow_time *t, uint8_t ratio, int in_psb)
{
	/* outside PSB+ the frequency changed: calibrate anew */
	if (!in_psb) {
		t->cal = (struct flow_tcal){ 0 };
		t->cal_resets++;
		t->fcr_writes++;
		t->cycs_at_write = t->cycs;
	}
	tcal_cbr(t, ratio);
	if (ratio) {
		t->cbr = ratio;
		t->have_cbr = 1;
	}
}

void flow_time_tma(struct flow_time *t, uint16_t ctc, uint16_t fc)
{
	unsigned int hi = t->mtc_freq + MTC_BITS;

	if (!t->have_tsc || t->have_tma || t->have_mtc || hi > 31)
		return;
	t->have_tma = 1;
	t->base -= fc;
	t->fc += fc;
	/* a tma with all the bits an mtc has counts as one */
	if (hi <= TMA_CTC_BITS)
		t->have_mtc = 1;
	t->ctc = t->ctc_cyc = ctc & ((1u << hi) - 1);
}

void flow_time_mtc(struct flow_time *t, uint8_t payload)
{
	uint32_t ctc = (uint32_t)payload << t->mtc_freq, last = t->ctc, delta;
	unsigned int hi = t->mtc_freq + MTC_BITS;
	int had_mtc = t->have_mtc;
	uint64_t fc;

	if (hi > 31)
		return;
	tcal_mtc(t, ctc);
	if (t->have_tsc && !t->have_tma)
		return;
	/* cycles (or lost ones) since the last reset: they end here */
	if (t->fc || t->lost_cyc || !had_mtc)
		t->ctc_cyc = ctc;
	t->have_mtc = 1;
	t->fc = 0;
	t->ctc = ctc;
	t->lost_cyc = 0;
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
	if (ctc_delta(t, ctc, last, &delta) < 0) {
		t->lost_mtc++;
		return;
	}
	if (ctc_to_tsc(t, delta, &fc) < 0)
		return;
	t->base += fc;
	t->tsc = t->base;
}

/*
 * The first CYC after a reset may span MTC periods that had no CYC: drop
 * the cycles the ratio attributes to those periods (all, if fewer).
 */
static int adjust_cyc(const struct flow_time *t, uint64_t fcr, uint64_t *cyc)
{
	uint32_t delta;
	uint64_t fc, old;

	if (t->ctc == t->ctc_cyc)
		return 0;
	if (ctc_delta(t, t->ctc, t->ctc_cyc, &delta) < 0 ||
	    ctc_to_tsc(t, delta, &fc) < 0)
		return -1;
	old = (fc << FLOW_FCR_SHIFT) / fcr;
	*cyc = *cyc > old ? *cyc - old : 0;
	return 0;
}

void flow_time_cyc(struct flow_time *t, uint64_t cyc)
{
	uint64_t fcr = t->cal.fcr;

	t->cycs++;
	t->cal.cyc_mtc += cyc;
	t->cal.cyc_tsc += cyc;
	if (!t->cal.have_fcr || !fcr) {
		t->lost_cyc++;
		return;
	}
	if (!t->fc && adjust_cyc(t, fcr, &cyc) < 0)
		return;
	t->fc += (cyc * fcr) >> FLOW_FCR_SHIFT;
	t->tsc = t->base + t->fc;
}

/*
 * How a's calibration and b's, taken at the same point, may differ when
 * b's decode (now now) still gives a's times from there on.
 */
enum tcal_slack {
	TCAL_EXACT,
	/* both have a CTC, not the same, and now did not calibrate from it since */
	TCAL_ANY_CTC,
	/*
	 * a had an MTC and b none, neither counted cycles since: b's first MTC
	 * only primes the CTC where a's would not calibrate (no cycles), and
	 * now met no MTC or PSB+ TSC after cycles while it had none, nor
	 * calibrated from its CTC since. Then they differ in cal.ctc and
	 * cal.have_mtc only (and cal.lost_mtc, never read), which
	 * flow_time_hand_over() gives now from a.
	 */
	TCAL_UNPRIMED,
};

static enum tcal_slack tcal_slack(const struct flow_time *a, const struct flow_time *b,
				  const struct flow_time *now)
{
	if (now->ctc_reads != b->ctc_reads)
		return TCAL_EXACT;
	if (a->cal.have_mtc && b->cal.have_mtc)
		return TCAL_ANY_CTC;
	if (a->cal.have_mtc && !a->cal.cyc_mtc && !b->cal.cyc_mtc &&
	    now->unprimed_reads == b->unprimed_reads)
		return TCAL_UNPRIMED;
	return TCAL_EXACT;
}

bool flow_time_fcr_read_since(const struct flow_time *t, uint32_t cycs, uint32_t fcr_writes)
{
	/* a ratio set since before any CYC: the last one came before them all */
	return t->cycs != cycs && (t->fcr_writes == fcr_writes || t->cycs_at_write != cycs);
}

/*
 * Whether a's ratio and b's may differ: b had none, and b's decode (now
 * now) read none since; a ratio is only ever read by a CYC, and set anew
 * without reading the one before.
 */
static bool ratio_slack(const struct flow_time *b, const struct flow_time *now)
{
	return !b->cal.have_fcr && !flow_time_fcr_read_since(now, b->cycs, b->fcr_writes);
}

static bool tcal_same(const struct flow_tcal *a, const struct flow_tcal *b,
		      enum tcal_slack slack, bool any_ratio)
{
	/* a CTC no MTC set is never read: b's first MTC sets it, as a's does */
	return (any_ratio || (a->fcr == b->fcr && a->have_fcr == b->have_fcr)) &&
	       a->tsc == b->tsc && a->cyc_tsc == b->cyc_tsc && a->cyc_mtc == b->cyc_mtc &&
	       (slack != TCAL_EXACT || ((a->ctc == b->ctc || !a->have_mtc) &&
					a->have_mtc == b->have_mtc)) &&
	       (slack == TCAL_UNPRIMED || a->lost_mtc == b->lost_mtc);
}

bool flow_time_same(const struct flow_time *a, const struct flow_time *b,
		    const struct flow_time *now)
{
	return a->tsc == b->tsc && a->base == b->base && a->fc == b->fc && a->ctc == b->ctc &&
	       a->ctc_cyc == b->ctc_cyc && a->have_tsc == b->have_tsc &&
	       a->have_tma == b->have_tma && a->have_mtc == b->have_mtc &&
	       a->have_cbr == b->have_cbr && a->cbr == b->cbr && a->lost_mtc == b->lost_mtc &&
	       a->lost_cyc == b->lost_cyc &&
	       tcal_same(&a->cal, &b->cal, tcal_slack(a, b, now), ratio_slack(b, now)) &&
	       a->mtc_freq == b->mtc_freq && a->nom_freq == b->nom_freq &&
	       a->ratio_num == b->ratio_num && a->ratio_den == b->ratio_den;
}

bool flow_time_hand_over(struct flow_time *now, const struct flow_time *a,
			 const struct flow_time *b)
{
	bool lend_ratio = ratio_slack(b, now) && now->fcr_writes == b->fcr_writes &&
			  a->cal.have_fcr;

	/*
	 * Where b's calibration was taken for a's (tcal_slack()), a's: unless
	 * now's started anew since, the same as a's would have.
	 */
	if (tcal_slack(a, b, now) != TCAL_EXACT && now->cal_resets == b->cal_resets) {
		now->cal.ctc = a->cal.ctc;
		now->cal.have_mtc = a->cal.have_mtc;
		now->cal.lost_mtc = a->cal.lost_mtc;
	}
	/* b had no ratio and now none since: a's, unless now set its own */
	if (lend_ratio) {
		now->cal.fcr = a->cal.fcr;
		now->cal.have_fcr = 1;
	}
	return lend_ratio;
}

bool flow_time_same_reads_ratio(const struct flow_time *b, const struct flow_time *now)
{
	return !ratio_slack(b, now);
}

enum flow_time_borrow flow_time_may_borrow(const struct flow_time *now,
					   const struct flow_time *b)
{
	/* flow_time_hand_over() gives now nothing unless tcal_slack() allows it */
	if (now->cal_resets != b->cal_resets || now->ctc_reads != b->ctc_reads)
		return FLOW_BORROW_NONE;
	return b->cal.have_mtc ? FLOW_BORROW_CTC : FLOW_BORROW_CAL;
}

bool flow_time_same_reads_borrowed(const struct flow_time *a, const struct flow_time *b,
				   const struct flow_time *now, enum flow_time_borrow k)
{
	switch (k) {
	case FLOW_BORROW_CTC:
		/* a's CTC is compared only where both must agree on it */
		return a->cal.have_mtc && tcal_slack(a, b, now) == TCAL_EXACT;
	case FLOW_BORROW_CAL: {
		/* the answer with and without an MTC seen before, whatever a's CTC */
		struct flow_time none = *a, seen = *a;

		flow_time_lend(&none, b, k);
		flow_time_lend(&seen, b, k);
		none.cal.have_mtc = 0;
		seen.cal.have_mtc = 1;
		return flow_time_same(&none, b, now) != flow_time_same(&seen, b, now);
	}
	default:
		return false;
	}
}

void flow_time_lend(struct flow_time *a, const struct flow_time *b, enum flow_time_borrow k)
{
	if (k == FLOW_BORROW_NONE)
		return;
	a->cal.ctc = b->cal.ctc;
	if (k == FLOW_BORROW_CAL) {
		a->cal.have_mtc = b->cal.have_mtc;
		a->cal.lost_mtc = b->cal.lost_mtc;
	}
}
