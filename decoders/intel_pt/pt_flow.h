/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pt_flow.h - the Intel PT instruction-flow decoder: reconstructs the
 * executed control flow from packets (pt_packet.h) and the traced code,
 * which the caller supplies through a memory-read callback. It reports one
 * event per taken branch (like `perf script --itrace=b`), per trace
 * enable/disable, overflow, ptwrite, power event and decode error, and
 * optionally per instruction. Events carry the time of the packet that
 * produced them (TSC, refined by MTC and CYC). Semantics follow libipt
 * 2.0.5's block decoder; errors become events and decoding resumes at the
 * next PSB.
 */
#ifndef AUXREC_PT_FLOW_H
#define AUXREC_PT_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "pt_sync.h"

/*
 * Code of the traced program. read() copies up to len bytes of code at ip
 * into buf and returns the count (fewer at the end of a mapping, 0 or
 * negative when nothing is mapped at ip).
 */
struct pt_flow_image {
	int (*read)(void *ctx, uint64_t ip, uint8_t *buf, size_t len);
	void *ctx;
};

enum pt_flow_event_type {
	PT_FLOW_EV_BRANCH,	/* a taken branch: from -> to, see kind */
	PT_FLOW_EV_TRACE_BEGIN,	/* tip.pge: to = first ip */
	PT_FLOW_EV_TRACE_END,	/* tip.pgd: from = where it stopped */
	PT_FLOW_EV_SYNC,	/* (re)synchronized at a psb, tracing on at to */
	PT_FLOW_EV_OVERFLOW,	/* ovf: trace lost, resumes at to (0: off) */
	PT_FLOW_EV_ERROR,	/* err says why; decoding resumes at next psb */
	PT_FLOW_EV_PTWRITE,	/* payload; from = ip of the ptwrite, or 0 */
	PT_FLOW_EV_TSX,		/* mode.tsx: kind is tx_begin/commit/abort */
	PT_FLOW_EV_PAGING,	/* pip: payload = cr3 */
	PT_FLOW_EV_POWER,	/* exstop, mwait, pwre, pwrx: see kind */
	PT_FLOW_EV_STOP,	/* stop: tracing stopped (buffer full, ...) */
	PT_FLOW_EV_INSN,	/* one instruction at from (PT_FLOW_F_INSN) */
	PT_FLOW_EV_NR
};

/* What kind of branch or event detail. */
enum pt_flow_kind {
	PT_FLOW_K_NONE,
	PT_FLOW_K_CALL,
	PT_FLOW_K_RETURN,	/* near return (compressed or from tip) */
	PT_FLOW_K_JMP,		/* direct or indirect near jump */
	PT_FLOW_K_JCC,		/* taken conditional branch, loop, jrcxz */
	PT_FLOW_K_FAR_CALL,	/* lcall, int*, vmcall */
	PT_FLOW_K_FAR_RETURN,	/* lret, iret, vmlaunch/vmresume */
	PT_FLOW_K_FAR_JMP,
	PT_FLOW_K_SYSCALL,	/* syscall, sysenter */
	PT_FLOW_K_SYSRET,	/* sysret, sysexit */
	PT_FLOW_K_ASYNC,	/* interrupt, exception: fup + tip */
	PT_FLOW_K_TX_BEGIN,
	PT_FLOW_K_TX_COMMIT,
	PT_FLOW_K_TX_ABORT,	/* also a branch: fup -> abort handler */
	PT_FLOW_K_EXSTOP,
	PT_FLOW_K_MWAIT,
	PT_FLOW_K_PWRE,
	PT_FLOW_K_PWRX,
	PT_FLOW_K_NR
};

/* Error events' err: packet errors are -PT_ERR_* of pt_packet.h. */
enum pt_flow_error {
	PT_FLOW_ERR_NOMAP = 100,	/* no code at ip */
	PT_FLOW_ERR_BAD_INSN,		/* undecodable instruction at ip */
	PT_FLOW_ERR_NEED_TNT,		/* tip/fup where a tnt bit was due */
	PT_FLOW_ERR_NEED_TIP,		/* tnt bit where a tip was due */
	PT_FLOW_ERR_BAD_RETCOMP,	/* compressed ret: no call or bit 0 */
	PT_FLOW_ERR_NOIP,		/* tip with suppressed ip */
	PT_FLOW_ERR_FUP,		/* fup not reached or not bound */
	PT_FLOW_ERR_LOOP,		/* endless direct-branch loop */
	PT_FLOW_ERR_DISABLED,		/* flow packet while tracing is off */
};

struct pt_flow_event {
	uint8_t type;		/* enum pt_flow_event_type */
	uint8_t kind;		/* enum pt_flow_kind */
	uint8_t mode;		/* enum x86_mode of the code at from */
	int err;		/* error events */
	uint64_t from, to;	/* 0 when unknown or not applicable */
	uint64_t insn_count;	/* instructions since the previous event,
				 * including the one at from if it executed */
	uint64_t tsc;		/* time from tsc, tma, mtc and cyc packets */
	uint64_t offset;	/* aux offset of the packet behind the event */
	uint64_t payload;	/* ptwrite, pip cr3, power hints */
};

/* Returning non-zero from the callback stops pt_flow_decode(). */
typedef int (*pt_flow_event_fn)(void *ctx, const struct pt_flow_event *ev);

/*
 * Counting: the taken branches that left from since the last hand-over,
 * and the sum of the insn_count their events would have carried.
 */
struct pt_flow_sum {
	uint64_t from;
	uint64_t insns;
	uint64_t branches;
};

/* Returning non-zero stops pt_flow_decode(), as for events. */
typedef int (*pt_flow_sum_fn)(void *ctx, const struct pt_flow_sum *v, size_t nr);

#define PT_FLOW_F_INSN	0x1	/* an INSN event per instruction as well */
/*
 * Events need no time of their own: MTC and CYC packets are skipped while
 * clock() (if any) has said UINT64_MAX, so events get the time of the last
 * TSC packet; clock() is called as without the flag.
 */
#define PT_FLOW_F_NO_TIME	0x2
/*
 * Plain branches folded, for a consumer of call stacks: a taken branch of
 * kind PT_FLOW_K_JMP or PT_FLOW_K_JCC may be held instead of delivered;
 * the instructions of those held go with the next event, added to its
 * insn_count. Not every plain branch is held: the first after any event
 * but a taken branch (and after the start of a pt_flow_decode() call or a
 * clock() call) is delivered, and so is one whose time steps back from the
 * last event's, or that has a time (tsc >= cfg.timed_tsc) where the last
 * event had none. Where no event follows (a clock() call, the end of
 * pt_flow_decode()) or the next one steps back in time from them, the
 * last held is delivered, with the instructions of all; so it is at each
 * PSBEND, after which the first plain branch is delivered again (where a
 * join may be taken: pt_flow_decode_from() and pt_flow_join() fold too,
 * and deliver what one decode of the chunk would). So the events
 * delivered have the latest time and the first one of all. Ignored with
 * PT_FLOW_F_INSN and with cfg.sums.
 */
#define PT_FLOW_F_FOLD		0x4

struct pt_flow_config {
	struct pt_flow_image image;
	pt_flow_event_fn event;
	void *event_ctx;
	unsigned int flags;	/* PT_FLOW_F_* */
	uint64_t aux_offset;	/* added to event offsets */
	/*
	 * Timing: IA32_RTIT_CTL.MTCFreq and the TSC/CTC ratio of CPUID leaf
	 * 0x15 (EBX / EAX). With a zero ratio only TSC packets set the time.
	 * nom_freq is the max non-turbo ratio (MSR_PLATFORM_INFO[15:8], as
	 * libipt's pt_config.nom_freq): with CBR it gives CYC packets' TSC
	 * ticks per cycle, nom_freq / cbr; without it (0) the ratio comes
	 * from cycles counted between MTCs or TSCs only.
	 */
	uint8_t mtc_freq;
	uint8_t nom_freq;
	uint32_t tsc_ctc_num, tsc_ctc_den;
	/*
	 * Optional: called with the trace time (TSC ticks) at every TSC
	 * packet and whenever the time reaches the value it returned last
	 * (UINT64_MAX: only at TSC packets); the first timing packet of each
	 * pt_flow_decode() call reaches it. *image (the current one when
	 * called) names the code from now on: see pt_flow_set_image().
	 */
	uint64_t (*clock)(void *ctx, uint64_t tsc, uint64_t *image);
	void *clock_ctx;
	/*
	 * Optional, counting: a taken branch that ends a block (every branch
	 * but an asynchronous one: FUP + TIP) is no event; it adds one branch
	 * and the event's insn_count to the sums of its source address, which
	 * go to sums(event_ctx, ...) before any other event, before each
	 * clock() call and when a decode returns, so that what the consumer
	 * knows then (the owner of the code) holds for them as it would for
	 * the events. Ignored with PT_FLOW_F_INSN. In pt_flow_decode_from()
	 * and pt_flow_join() also at each PSBEND, and each sums() call counts
	 * as one event (for *drop).
	 */
	pt_flow_sum_fn sums;
	/*
	 * PT_FLOW_F_FOLD: the first TSC value for which the host's events have
	 * a time (below it, and at 0, they have none); UINT64_MAX: never.
	 */
	uint64_t timed_tsc;
};

struct pt_flow_stats {
	uint64_t packets;
	uint64_t insns;
	uint64_t blocks;	/* distinct blocks decoded */
	uint64_t block_runs;	/* blocks walked */
	uint64_t cache_links;	/* walks that used a cached successor */
	uint64_t errors;
};

struct pt_flow;

/* A decoder; NULL on allocation failure or a config without callbacks. */
struct pt_flow *pt_flow_new(const struct pt_flow_config *cfg);
void pt_flow_free(struct pt_flow *flow);

/*
 * Decodes buf[0..len), one contiguous piece of trace, from its first PSB.
 * Returns 0, the callback's non-zero value when it stopped the decode, or
 * -ENOMEM. Trace errors do not fail the call: they become error events.
 */
int pt_flow_decode(struct pt_flow *flow, const uint8_t *buf, size_t len);
/* The same of a trace in windows (pt_sync.h): the same events. */
int pt_flow_decode_windows(struct pt_flow *flow, const struct pt_windows *w);

/*
 * Parallel decode: the same trace in ranges on several decoders.
 * pt_flow_decode_from() decodes buf[0..len) from start, a PSB (see
 * pt_sync_forward()), as pt_flow_decode() would a buffer starting there,
 * up to the first packet boundary at or past end, keeping what a join
 * needs. pt_flow_join() goes on with flow, a decoder that stopped at the
 * end of its range, up to end, until it is where next (decoded from that
 * end's PSB) delivers the same events as flow would: then next takes the
 * flow over (its state becomes what flow's would be), *drop gets the
 * number of next's events before that point, and it returns 1. Returns 0
 * when end came first (always, with next NULL), -ECANCELED when the
 * callback stopped the decode, or -ENOMEM. flow then delivered the events
 * up to where it stopped.
 */
int pt_flow_decode_from(struct pt_flow *flow, const uint8_t *buf, size_t len, size_t start,
			size_t end);
int pt_flow_decode_from_windows(struct pt_flow *flow, const struct pt_windows *w, size_t start,
				size_t end);
int pt_flow_join(struct pt_flow *flow, struct pt_flow *next, size_t end, uint64_t *drop);

/*
 * Bounded decode units. pt_flow_take_over(): flow, which decoded a range
 * alone, takes the flow over as pt_flow_join() would hand it over at the
 * point where flow had delivered drop events, but with nothing handed
 * over (no return addresses from before, its own clock calibration);
 * -EINVAL when it has no such point to be joined at. pt_flow_used_before():
 * whether flow, since it last took the flow over (either way), used
 * anything a hand-over gives: a return popped from below its own, a join
 * whose answer lay in the return addresses below its own, or a clock that
 * still had the calibration a hand-over replaces. When it did not, the
 * events it delivered and where it handed the flow on are the same with
 * or without the hand-over; false when it never took the flow over.
 */
int pt_flow_take_over(struct pt_flow *flow, uint64_t drop);
bool pt_flow_used_before(const struct pt_flow *flow);

/*
 * The code read through cfg.image is image's from here on (an identifier:
 * e.g. a process after a context switch). The decoder keeps the code it
 * cached for the last PT_FLOW_IMAGES images and takes it up again when an
 * image comes back; a new one starts with an empty cache. A new decoder's
 * image is 0.
 */
#define PT_FLOW_IMAGES 8
void pt_flow_set_image(struct pt_flow *flow, uint64_t image);
uint64_t pt_flow_image(const struct pt_flow *flow);

void pt_flow_get_stats(const struct pt_flow *flow, struct pt_flow_stats *st);

/* "branch", "tr_strt", ...; "call", "jcc", ... ; "?" out of range. */
const char *pt_flow_event_name(unsigned int type);
const char *pt_flow_kind_name(unsigned int kind);
const char *pt_flow_errstr(int err);

#endif
