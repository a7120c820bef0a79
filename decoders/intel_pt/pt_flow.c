// SPDX-License-Identifier: GPL-2.0
/*
 * pt_flow.c - the Intel PT instruction-flow decoder: the packet-driven
 * state machine (sync at PSB, PSB+, TNT/TIP/FUP binding, enable/disable,
 * overflow, return compression, errors and resync) over the code cache of
 * pt_flow_block.c. Packets come from pt_pkt_decode(); this file never
 * parses packet bytes itself.
 *
 * Semantics follow libipt 2.0.5's block decoder:
 *  - each TNT bit is bound to the next conditional branch, or to a near
 *    ret (a compressed return: the bit must be 1 and the address comes
 *    from the call stack, pushed by every call except call-next-insn);
 *  - TIP binds to the next indirect branch, near ret or far transfer;
 *  - a FUP outside PSB+ is an asynchronous event at its IP: the flow runs
 *    up to it and the following TIP (interrupt) or TIP.PGD (disable)
 *    completes it; after PTW(ip), MODE.TSX or EXSTOP(ip) it binds to
 *    that packet instead;
 *  - OVF resets the flow and the return stack; one overflow event follows,
 *    with the time of the OVF: at the FUP that comes next (but for timing
 *    packets) with its IP, tracing on there, or at any other packet, or at
 *    the end, with no IP, tracing off (libipt's pt_qry_decode_ovf);
 *  - TIP.PGD without IP disables tracing at the next instruction that
 *    needs trace (a syscall under user-only filtering), with IP at the
 *    branch that reaches it;
 *  - MODE.EXEC outside PSB+ applies to the target of the next TIP/PGE.
 * Any mismatch becomes an error event and decoding resumes at the next
 * PSB, where libipt's packet decoder would.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "decoders/aux_window.h"
#include "pt_opcodes.h"
#include "pt_packet.h"
#include "pt_last_ip.h"
#include "pt_sync.h"
#include "pt_flow_block.h"
#include "pt_flow_time.h"
#include "pt_flow.h"

#define FLOW_STOPPED	1000	/* the callback asked to stop */
#define RETSTACK_SIZE	64	/* as libipt's pt_retstack */
#define WALK_GUARD	(1u << 20)	/* blocks walked without trace: a backstop */
#define SUMMED_MAX	1024	/* blocks with sums before a hand-over */
#define SUMS_BATCH	64	/* sums per cfg.sums() call */
#define PSB_HELD_MAX	8	/* timing packets a PSB+ holds back */
#define PSB_WALK_MAX	4096	/* blocks walked to a PSB's FUP, at most */

enum fup_bind {
	FUP_ASYNC,
	FUP_PTW,
	FUP_TSX,
	FUP_EXSTOP,
};

struct pt_flow {
	struct pt_flow_config cfg;
	struct flow_cache *cache;	/* the current image's: one of caches[] */
	struct flow_cache caches[PT_FLOW_IMAGES];	/* table NULL: not set up yet */
	uint64_t images[PT_FLOW_IMAGES];	/* whose code each holds */
	uint64_t used[PT_FLOW_IMAGES];		/* when each was last current */
	uint64_t image_switches;
	struct pt_flow_stats st;

	/*
	 * The trace: len bytes, in one buffer (buf; win.nr 0) or in windows,
	 * read through at (aux_window.h).
	 */
	const uint8_t *buf;
	size_t len;
	struct pt_windows win;
	struct aux_reader at;
	size_t pkt_off;		/* offset of the packet being handled */
	size_t sync_off;	/* offset of the last PSB synced at */

	struct pt_last_ip last_ip;
	int synced;		/* saw PSB+ since the last error */
	int in_psb;
	int fresh;		/* PSB+ found after a (re)sync: report it */
	int psb_fup;
	uint64_t psb_ip;
	/*
	 * A PSB met while the flow ran (psb_walk): the direct branches and
	 * straight code up to its FUP ran before it, and are walked at
	 * PSBEND with the time from before it; until then the timing
	 * packets of its PSB+ are held (psb_held, npsb_held), and with
	 * them the clock hook. psb_mode: the mode the flow ran in.
	 */
	int psb_walk;
	uint8_t psb_mode;
	unsigned int npsb_held;
	struct pt_packet psb_held[PSB_HELD_MAX];

	int enabled;
	uint8_t mode;		/* enum x86_mode */
	uint8_t next_mode;	/* mode.exec waiting for its tip */
	int mode_pending;
	uint64_t ip;
	uint64_t err_ip;	/* where the failing walk stopped */
	uint64_t count;		/* instructions since the last event */
	struct flow_time clock;
	uint64_t clock_next;	/* when to call cfg.clock again */

	int32_t hint;		/* block expected at ip, -1 unknown */
	int32_t link_from;	/* block whose successor link the hint is */
	uint8_t link_dir;

	uint64_t retstack[RETSTACK_SIZE];
	unsigned int rs_top, rs_n;

	uint8_t fup_bind;	/* enum fup_bind */
	int fup_pending;	/* async fup reached, waiting for tip/pgd */
	uint64_t fup_ip;
	uint8_t fup_kind;	/* kind of the pending fup's branch */
	uint8_t tsx_kind;
	uint64_t ptw_payload;
	int stop;		/* the callback's return value */
	int ovf_pending;	/* ovf seen, waiting for its fup */
	uint64_t ovf_tsc;	/* time and offset of that ovf */
	size_t ovf_off;

	/* decoding in ranges (pt_flow_decode_from, pt_flow_join) */
	size_t pos;		/* where decoding goes on */
	uint64_t delivered;	/* events handed to cfg.event */
	uint32_t epoch;		/* flow_forget()s: the return stack emptied */
	struct flow_marks *marks;	/* decoding alone from a split point */
	/*
	 * The newest mark's rs_max when it is of this epoch, else UINT_MAX:
	 * a push up to that depth changes no mark (marks_depth()), which a
	 * range's decode then does not look at on every call.
	 */
	unsigned int marks_rs_max;
	struct pt_flow *join;	/* the decoder to hand over to, or NULL */
	int joined;		/* handed over: join took the flow */
	uint64_t join_drop;	/* events of join's before the hand-over */
	/*
	 * Since it took the flow over (flow_hand_over, pt_flow_take_over):
	 * the return addresses at the bottom of the stack that were handed
	 * over (the rest are its own), whether it took over with its stack
	 * not emptied since, and whether it used what a hand-over gives
	 * (see pt_flow_used_before()).
	 */
	unsigned int rs_below;
	int borrowing;
	int used_before;
	/*
	 * What of the clock's calibration a hand-over may have given it
	 * (flow_time_may_borrow(); so while no calibration started anew
	 * since): clk_resets, clk_reads, clk_uses, clk_mtcs the clock's
	 * counts then.
	 */
	enum flow_time_borrow clk_borrow;
	uint32_t clk_resets, clk_reads, clk_uses, clk_mtcs;
	/*
	 * Whether a hand-over may have given it a cycles-to-TSC ratio (the
	 * mark it took over at had none: flow_time_hand_over()), and the
	 * clock's CYC and ratio counts at that mark.
	 */
	int clk_fcr_watch;
	uint32_t clk_fcr_cycs, clk_fcr_writes;

	/* folding (PT_FLOW_F_FOLD): plain branches held, see pt_flow.h */
	int folding;
	int fold_run;		/* the next plain branch may be held */
	int held;		/* held_ev is to be delivered */
	uint64_t last_tsc;	/* the time of the last branch delivered or held */
	struct pt_flow_event held_ev;

	/* counting (cfg.sums): the blocks of the current cache with sums */
	int counting;
	uint32_t nsummed;
	int32_t *summed;	/* SUMMED_MAX entries, NULL without cfg.sums */
};

static void marks_depth(struct pt_flow *f);
static void marks_underflow(struct pt_flow *f);
static int flow_at_psbend(struct pt_flow *f);
static int psb_release(struct pt_flow *f);

/* Events */

/*
 * Counting: hands the sums of the blocks over (zeroing them), in batches;
 * a non-zero answer stops the decode. Each batch counts as an event
 * delivered (a join drops a range's batches before it as its events).
 */
static int hand_over_sums(struct pt_flow *f)
{
	struct pt_flow_sum v[SUMS_BATCH];
	uint32_t k, n = 0;
	int r;

	for (k = 0; k < f->nsummed; k++) {
		struct flow_block *b = &f->cache->blocks[f->summed[k]];

		v[n++] = (struct pt_flow_sum){ .from = b->last_ip, .insns = b->sum_insns,
					       .branches = b->sum_branches };
		b->sum_insns = 0;
		b->sum_branches = 0;
		if (n < SUMS_BATCH && k + 1 < f->nsummed)
			continue;
		f->delivered++;
		r = f->cfg.sums(f->cfg.event_ctx, v, n);
		n = 0;
		if (r) {
			for (k++; k < f->nsummed; k++) {
				b = &f->cache->blocks[f->summed[k]];
				b->sum_insns = 0;
				b->sum_branches = 0;
			}
			f->nsummed = 0;
			f->stop = r;
			return -FLOW_STOPPED;
		}
	}
	f->nsummed = 0;
	return 0;
}

/* Hands an event to the callback as it is; a non-zero answer stops the decode. */
static int hand_over(struct pt_flow *f, const struct pt_flow_event *ev)
{
	int r;

	f->delivered++;
	r = f->cfg.event(f->cfg.event_ctx, ev);
	if (r) {
		f->stop = r;
		return -FLOW_STOPPED;
	}
	return 0;
}

/*
 * Folding: whether tsc is a time the host's events have (not 0 and not
 * before cfg.timed_tsc).
 */
static inline bool timed(const struct pt_flow *f, uint64_t tsc)
{
	return tsc && tsc >= f->cfg.timed_tsc;
}

/*
 * Hands an event to the callback, after the sums; the plain branches held
 * (folding) go with it, their instructions added to its count, unless it
 * steps back in time from them: then they go first, as the last of them.
 * Only a taken branch lets the plain branches after it be held.
 */
static int deliver(struct pt_flow *f, struct pt_flow_event *ev)
{
	if (f->nsummed && hand_over_sums(f))
		return -FLOW_STOPPED;
	if (f->held) {
		f->held = 0;
		if (!timed(f, f->held_ev.tsc) || ev->tsc >= f->held_ev.tsc)
			ev->insn_count += f->held_ev.insn_count;
		else if (hand_over(f, &f->held_ev))
			return -FLOW_STOPPED;
	}
	f->fold_run = ev->type == PT_FLOW_EV_BRANCH;
	f->last_tsc = ev->tsc;
	return hand_over(f, ev);
}

/* Folding: the plain branches held, with no event after them to go with. */
static inline int deliver_held(struct pt_flow *f)
{
	if (!f->held)
		return 0;
	f->held = 0;
	return hand_over(f, &f->held_ev);
}

static int emit(struct pt_flow *f, uint8_t type, uint8_t kind, uint64_t from,
		uint64_t to, uint64_t payload)
{
	struct pt_flow_event ev = {
		.type = type,
		.kind = kind,
		.mode = f->mode,
		.from = from,
		.to = to,
		.insn_count = f->count,
		.tsc = f->clock.tsc,
		.offset = f->cfg.aux_offset + f->pkt_off,
		.payload = payload,
	};

	f->count = 0;
	return deliver(f, &ev);
}

/*
 * Folding: whether a plain branch at time tsc may take the place of the
 * one held (or be held after the last event): its time does not step
 * back, nor appear where the last event had none.
 */
static inline bool fold_keeps_time(const struct pt_flow *f, uint64_t tsc)
{
	return timed(f, f->last_tsc) ? tsc >= f->last_tsc : !timed(f, tsc);
}

/* Folding: a plain branch from -> to, held or delivered (see pt_flow.h). */
static int fold_branch(struct pt_flow *f, uint8_t kind, uint64_t from, uint64_t to)
{
	uint64_t count = f->count;

	if (!f->fold_run || !fold_keeps_time(f, f->clock.tsc))
		return emit(f, PT_FLOW_EV_BRANCH, kind, from, to, 0);
	if (f->held)
		count += f->held_ev.insn_count;
	f->held_ev = (struct pt_flow_event){
		.type = PT_FLOW_EV_BRANCH,
		.kind = kind,
		.mode = f->mode,
		.from = from,
		.to = to,
		.insn_count = count,
		.tsc = f->clock.tsc,
		.offset = f->cfg.aux_offset + f->pkt_off,
	};
	f->held = 1;
	f->last_tsc = f->clock.tsc;
	f->count = 0;
	return 0;
}

/*
 * The taken branch ending block i, to `to`: an event, or when counting,
 * one more branch and the instructions since the last event in the
 * block's sums; when folding, a plain one may be held (fold_branch()).
 */
static inline int emit_block_branch(struct pt_flow *f, int32_t i, uint8_t kind, uint64_t to)
{
	struct flow_block *b = &f->cache->blocks[i];

	if (f->folding && (kind == PT_FLOW_K_JMP || kind == PT_FLOW_K_JCC))
		return fold_branch(f, kind, b->last_ip, to);
	if (!f->counting)
		return emit(f, PT_FLOW_EV_BRANCH, kind, b->last_ip, to, 0);
	if (!b->sum_branches) {
		if (f->nsummed == SUMMED_MAX && hand_over_sums(f))
			return -FLOW_STOPPED;
		f->summed[f->nsummed++] = i;
	}
	b->sum_branches++;
	b->sum_insns += f->count;
	f->count = 0;
	return 0;
}

static int emit_error(struct pt_flow *f, int err, uint64_t ip)
{
	struct pt_flow_event ev = {
		.type = PT_FLOW_EV_ERROR,
		.mode = f->mode,
		.err = err,
		.from = ip,
		.insn_count = f->count,
		.tsc = f->clock.tsc,
		.offset = f->cfg.aux_offset + f->pkt_off,
	};

	f->st.errors++;
	f->count = 0;
	return deliver(f, &ev);
}

/* INSN events for n instructions from ip (PT_FLOW_F_INSN only). */
static int emit_insns(struct pt_flow *f, uint64_t ip, uint32_t n)
{
	struct pt_flow_event ev = {
		.type = PT_FLOW_EV_INSN,
		.mode = f->mode,
		.insn_count = 1,
		.tsc = f->clock.tsc,
		.offset = f->cfg.aux_offset + f->pkt_off,
	};
	struct x86_insn insn;
	int r;

	while (n--) {
		r = flow_read_insn(f->cache, ip, f->mode, &insn);
		if (r < 0)
			return r;
		ev.from = ip;
		ev.to = ip + r;
		r = deliver(f, &ev);
		if (r)
			return r;
		ip = ev.to;
	}
	return 0;
}

static inline int consume(struct pt_flow *f, const struct flow_block *b,
			  uint32_t n)
{
	f->count += n;
	f->st.insns += n;
	f->st.block_runs++;
	if (f->cfg.flags & PT_FLOW_F_INSN)
		return emit_insns(f, b->start, n);
	return 0;
}

/* Return stack for compressed returns */

static inline void rs_push(struct pt_flow *f, uint64_t ip)
{
	f->retstack[f->rs_top] = ip;
	f->rs_top = (f->rs_top + 1) % RETSTACK_SIZE;
	if (f->rs_n < RETSTACK_SIZE)
		f->rs_n++;
	else if (f->rs_below)
		f->rs_below--;	/* the oldest was handed over */
	if (f->marks && f->rs_n > f->marks_rs_max)
		marks_depth(f);
}

static inline int rs_pop(struct pt_flow *f, uint64_t *ip)
{
	if (f->rs_n == f->rs_below) {	/* none of its own: 0 but after a hand-over */
		if (f->borrowing)
			f->used_before = 1;
		if (!f->rs_n) {
			if (f->marks)
				marks_underflow(f);
			return -PT_FLOW_ERR_BAD_RETCOMP;
		}
		f->rs_below--;
	}
	f->rs_top = (f->rs_top + RETSTACK_SIZE - 1) % RETSTACK_SIZE;
	f->rs_n--;
	*ip = f->retstack[f->rs_top];
	return 0;
}

/* Walking the code */

static inline void set_next(struct pt_flow *f, int32_t from, uint8_t dir,
			    uint64_t ip)
{
	f->ip = ip;
	if (from < 0) {
		f->hint = -1;
		f->link_from = -1;
		return;
	}
	f->hint = f->cache->blocks[from].succ[dir];
	f->link_from = from;	/* relinked when the hint misses */
	f->link_dir = dir;
}

static inline int32_t block_at_ip(struct pt_flow *f)
{
	int32_t i = f->hint;

	if (i >= 0) {
		const struct flow_block *b = &f->cache->blocks[i];

		if (b->start == f->ip && b->mode == f->mode) {
			f->st.cache_links++;
			return i;
		}
	}
	i = flow_cache_get(f->cache, f->ip, f->mode);
	if (i >= 0 && f->link_from >= 0)
		f->cache->blocks[f->link_from].succ[f->link_dir] = i;
	f->link_from = -1;
	return i;
}

/*
 * The n instructions of block b before stop: 0, or -PT_FLOW_ERR_FUP with
 * *ip the end of the one stop is inside of, or a negative read error.
 */
static int insns_before(struct pt_flow *f, const struct flow_block *b, uint64_t stop,
			uint32_t *n, uint64_t *ip)
{
	struct x86_insn insn;
	int r;

	*n = 0;
	for (*ip = b->start; *ip < stop; ++*n) {
		r = flow_read_insn(f->cache, *ip, f->mode, &insn);
		if (r < 0)
			return r;
		*ip += r;
	}
	return *ip == stop ? 0 : -PT_FLOW_ERR_FUP;
}

/* Steps single instructions from the block's start up to stop. */
static int walk_inside(struct pt_flow *f, const struct flow_block *b,
		       uint64_t stop)
{
	uint64_t ip;
	uint32_t n;
	int r;

	r = insns_before(f, b, stop, &n, &ip);
	if (r == -PT_FLOW_ERR_FUP)
		f->err_ip = ip;
	if (r < 0)
		return r;
	f->count += n;
	f->st.insns += n;
	if (f->cfg.flags & PT_FLOW_F_INSN) {
		r = emit_insns(f, b->start, n);
		if (r < 0)
			return r;
	}
	set_next(f, -1, 0, stop);
	return 0;
}

/*
 * Runs the flow from f->ip through straight-line code and direct jumps and
 * calls (reporting those) up to the next instruction that needs trace.
 * Returns 0 with *blk at the block ending in that instruction (not yet
 * executed), 1 when stop is given and the flow got there first, or a
 * negative error with f->err_ip at the failing instruction. Inlined into
 * walk() and walk_untraced(), so that the latter's loop has no stop tests.
 */
static inline __attribute__((always_inline)) int walk_to(struct pt_flow *f, const uint64_t *stop,
							 int32_t *blk)
{
	/*
	 * Without trace the next block depends on the ip alone, so an ip seen
	 * twice is an endless loop: Brent's cycle detection remembers the ip at
	 * every power-of-two step and finds it within two laps of the loop.
	 * A stop inside the loop is met on the first lap.
	 */
	uint64_t mark = f->ip;
	unsigned int guard = 0, lap = 0, power = 1;
	int r;

	for (;;) {
		const struct flow_block *b;
		int32_t i;

		if (stop && f->ip == *stop)
			return 1;
		if (guard && f->ip == mark) {
			f->err_ip = f->ip;
			return -PT_FLOW_ERR_LOOP;
		}
		if (++lap == power) {
			mark = f->ip;
			power <<= 1;
			lap = 0;
		}
		if (++guard > WALK_GUARD) {
			f->err_ip = f->ip;
			return -PT_FLOW_ERR_LOOP;
		}
		i = block_at_ip(f);
		if (i < 0)
			return i;
		b = &f->cache->blocks[i];
		if (stop && *stop > b->start && *stop <= b->last_ip) {
			r = walk_inside(f, b, *stop);
			return r < 0 ? r : 1;
		}
		if (b->err) {
			r = consume(f, b, b->ninsn);
			if (r < 0)
				return r;
			f->err_ip = b->last_ip;
			return -b->err;
		}
		switch (b->cls) {
		case X86_CLASS_OTHER:
		case X86_CLASS_PTWRITE:
			r = consume(f, b, b->ninsn);
			if (r < 0)
				return r;
			set_next(f, i, SUCC_NEXT, b->last_ip + b->last_len);
			continue;
		case X86_CLASS_JUMP:
		case X86_CLASS_CALL:
			if (!b->has_target)
				break;
			r = consume(f, b, b->ninsn);
			if (r < 0)
				return r;
			if (b->cls == X86_CLASS_CALL &&
			    b->target != b->last_ip + b->last_len)
				rs_push(f, b->last_ip + b->last_len);
			r = emit_block_branch(f, i, b->cls == X86_CLASS_CALL ? PT_FLOW_K_CALL :
					      PT_FLOW_K_JMP, b->target);
			if (r < 0)
				return r;
			set_next(f, i, SUCC_TAKEN, b->target);
			continue;
		default:
			break;
		}
		*blk = i;
		return 0;
	}
}

static int walk(struct pt_flow *f, const uint64_t *stop, int32_t *blk)
{
	return walk_to(f, stop, blk);
}

/* walk(f, NULL, blk) */
static int walk_untraced(struct pt_flow *f, int32_t *blk)
{
	return walk_to(f, NULL, blk);
}

/* Whether walk() stops at block b: it ends in an instruction that needs trace. */
static inline bool needs_trace(const struct flow_block *b)
{
	return !b->err && b->cls != X86_CLASS_OTHER && b->cls != X86_CLASS_PTWRITE &&
	       !((b->cls == X86_CLASS_JUMP || b->cls == X86_CLASS_CALL) && b->has_target);
}

/*
 * The linked block at f->ip ends in a direct call or jump to the linked
 * block that needs trace (a call of a function, the loop's jump back):
 * takes that branch as walk() would, which stops at the next block.
 * Returns 1 with *blk that block, 0 when walk() is needed (nothing
 * changed), or a negative error from handing sums over.
 */
static inline int direct_to_trace(struct pt_flow *f, const struct flow_block *b, int32_t *blk)
{
	int32_t i = f->hint, n = b->succ[SUCC_TAKEN];
	const struct flow_block *to;
	int r;

	if (!b->has_target || (b->cls != X86_CLASS_JUMP && b->cls != X86_CLASS_CALL) ||
	    n < 0 || (f->cfg.flags & PT_FLOW_F_INSN))
		return 0;
	to = &f->cache->blocks[n];
	/* a branch to its own block: walk() finds the endless loop */
	if (to->start != b->target || to->mode != f->mode || to->start == b->start ||
	    !needs_trace(to))
		return 0;
	f->st.cache_links += 2;
	consume(f, b, b->ninsn);
	if (b->cls == X86_CLASS_CALL && b->target != b->last_ip + b->last_len)
		rs_push(f, b->last_ip + b->last_len);
	r = emit_block_branch(f, i, b->cls == X86_CLASS_CALL ? PT_FLOW_K_CALL : PT_FLOW_K_JMP,
			      b->target);
	if (r < 0)
		return r;
	set_next(f, i, SUCC_TAKEN, b->target);
	*blk = n;
	return 1;
}

/*
 * walk(f, NULL, blk), first trying the linked block at f->ip: when it ends
 * in an instruction that needs trace (the usual case in a loop), walking
 * would stop right there; when it ends in a direct branch to one that
 * does, one step further.
 */
static inline int walk_to_trace(struct pt_flow *f, int32_t *blk)
{
	const struct flow_block *b;
	int r;

	if (f->hint >= 0) {
		b = &f->cache->blocks[f->hint];
		if (b->start == f->ip && b->mode == f->mode) {
			if (needs_trace(b)) {
				f->st.cache_links++;
				*blk = f->hint;
				return 0;
			}
			r = direct_to_trace(f, b, blk);
			if (r)
				return r < 0 ? r : 0;
		}
	}
	return walk_untraced(f, blk);
}

/*
 * The usual TNT bit: the linked block i is at ip and ends in a conditional
 * branch or a compressed return, which takes the bit as walk_to_trace()
 * and take_tnt() would. Returns 1 when it did, 0 when they are needed
 * (and nothing changed), or a negative error from handing sums over.
 */
static inline int linked_tnt(struct pt_flow *f, int32_t i, int taken)
{
	const struct flow_block *b = &f->cache->blocks[i];
	uint64_t to = 0;

	if (b->start != f->ip || b->mode != f->mode) {
		/*
		 * A return or indirect branch went elsewhere than last time:
		 * the block there, linked now, as walk() would find it first
		 */
		i = block_at_ip(f);
		if (i < 0)
			return 0;
		f->hint = i;
		b = &f->cache->blocks[i];
	}
	if (b->cls == X86_CLASS_COND_JUMP) {
		if (!taken) {
			to = b->last_ip + b->last_len;
			set_next(f, i, SUCC_NEXT, to);
		} else {
			to = b->target;
			set_next(f, i, SUCC_TAKEN, to);
		}
	} else if (b->cls == X86_CLASS_RETURN && taken && f->rs_n) {
		rs_pop(f, &to);
		set_next(f, i, SUCC_LAST, to);
	} else {
		return 0;
	}
	f->st.cache_links++;
	f->st.block_runs++;
	f->st.insns += b->ninsn;
	f->count += b->ninsn;
	f->err_ip = b->last_ip;
	if (!taken)
		return 1;
	return emit_block_branch(f, i, b->cls == X86_CLASS_RETURN ? PT_FLOW_K_RETURN :
				 PT_FLOW_K_JCC, to) < 0 ? -FLOW_STOPPED : 1;
}

/* Binds one TNT bit to the instruction ending block i. */
static int take_tnt(struct pt_flow *f, int32_t i, int taken)
{
	const struct flow_block *b = &f->cache->blocks[i];
	uint64_t next = b->last_ip + b->last_len, to = 0;
	int r;

	f->err_ip = b->last_ip;
	if (b->cls == X86_CLASS_COND_JUMP) {
		r = consume(f, b, b->ninsn);
		if (r < 0)
			return r;
		if (!taken) {
			set_next(f, i, SUCC_NEXT, next);
			return 0;
		}
		set_next(f, i, SUCC_TAKEN, b->target);
		return emit_block_branch(f, i, PT_FLOW_K_JCC, b->target);
	}
	if (b->cls != X86_CLASS_RETURN)
		return -PT_FLOW_ERR_NEED_TIP;
	if (!taken || rs_pop(f, &to) < 0)
		return -PT_FLOW_ERR_BAD_RETCOMP;
	r = consume(f, b, b->ninsn);
	if (r < 0)
		return r;
	set_next(f, i, SUCC_LAST, to);
	return emit_block_branch(f, i, PT_FLOW_K_RETURN, to);
}

static uint8_t far_kind(const struct flow_block *b)
{
	switch (b->kind) {
	case X86_KIND_SYSCALL:
	case X86_KIND_SYSENTER:
		return PT_FLOW_K_SYSCALL;
	case X86_KIND_SYSRET:
	case X86_KIND_SYSEXIT:
		return PT_FLOW_K_SYSRET;
	default:
		break;
	}
	switch (b->cls) {
	case X86_CLASS_CALL:
		return PT_FLOW_K_CALL;
	case X86_CLASS_RETURN:
		return PT_FLOW_K_RETURN;
	case X86_CLASS_JUMP:
		return PT_FLOW_K_JMP;
	case X86_CLASS_COND_JUMP:
		return PT_FLOW_K_JCC;
	case X86_CLASS_FAR_CALL:
		return PT_FLOW_K_FAR_CALL;
	case X86_CLASS_FAR_RETURN:
		return PT_FLOW_K_FAR_RETURN;
	case X86_CLASS_FAR_JUMP:
		return PT_FLOW_K_FAR_JMP;
	default:
		return PT_FLOW_K_NONE;
	}
}

static void apply_mode(struct pt_flow *f)
{
	if (f->mode_pending) {
		f->mode = f->next_mode;
		f->mode_pending = 0;
	}
}

/* Packet handlers */

static int on_tnt(struct pt_flow *f, uint64_t bits, unsigned int n)
{
	int32_t i;
	int r;

	if (!f->enabled || f->fup_pending) {
		f->err_ip = f->ip;
		return f->enabled ? -PT_FLOW_ERR_FUP : -PT_FLOW_ERR_DISABLED;
	}
	while (n--) {
		i = f->hint;
		r = i >= 0 && !(f->cfg.flags & PT_FLOW_F_INSN) ?
		    linked_tnt(f, i, (bits >> n) & 1) : 0;
		if (!r) {
			r = walk_to_trace(f, &i);
			if (r >= 0)
				r = take_tnt(f, i, (bits >> n) & 1);
		}
		if (r < 0)
			return r;
	}
	return 0;
}

static int on_tip(struct pt_flow *f, const struct pt_packet *pkt)
{
	const struct flow_block *b;
	uint64_t to = pt_last_ip_update(&f->last_ip, pkt);
	int32_t i;
	int r;

	f->err_ip = f->ip;
	if (!f->enabled)
		return -PT_FLOW_ERR_DISABLED;
	if (pkt->ip.ipc == PT_IPC_SUPPRESSED)
		return -PT_FLOW_ERR_NOIP;
	if (f->fup_pending) {
		f->fup_pending = 0;
		apply_mode(f);
		set_next(f, -1, 0, to);
		return emit(f, PT_FLOW_EV_BRANCH, f->fup_kind, f->fup_ip, to, 0);
	}
	r = walk_to_trace(f, &i);
	if (r < 0)
		return r;
	b = &f->cache->blocks[i];
	f->err_ip = b->last_ip;
	if (b->cls == X86_CLASS_COND_JUMP)
		return -PT_FLOW_ERR_NEED_TNT;
	r = consume(f, b, b->ninsn);
	if (r < 0)
		return r;
	if (b->cls == X86_CLASS_CALL)
		rs_push(f, b->last_ip + b->last_len);
	apply_mode(f);
	set_next(f, i, SUCC_LAST, to);
	return emit_block_branch(f, i, far_kind(b), to);
}

static int on_pge(struct pt_flow *f, const struct pt_packet *pkt)
{
	uint64_t to = pt_last_ip_update(&f->last_ip, pkt);

	f->err_ip = f->ip;
	if (pkt->ip.ipc == PT_IPC_SUPPRESSED)
		return -PT_FLOW_ERR_NOIP;
	f->fup_pending = 0;
	f->enabled = 1;
	f->count = 0;
	apply_mode(f);
	set_next(f, -1, 0, to);
	return emit(f, PT_FLOW_EV_TRACE_BEGIN, PT_FLOW_K_NONE, 0, to, 0);
}

static int on_pgd(struct pt_flow *f, const struct pt_packet *pkt)
{
	uint64_t to = 0, from;
	uint8_t kind = PT_FLOW_K_NONE;
	int32_t i;
	int r;

	if (pkt->ip.ipc != PT_IPC_SUPPRESSED)
		to = pt_last_ip_update(&f->last_ip, pkt);
	if (!f->enabled)
		return 0;
	if (f->fup_pending) {
		from = f->fup_ip;
		kind = f->fup_kind;
		f->fup_pending = 0;
	} else {
		r = walk(f, pkt->ip.ipc != PT_IPC_SUPPRESSED ? &to : NULL, &i);
		if (r < 0)
			return r;
		from = f->ip;
		if (r == 0) {
			const struct flow_block *b = &f->cache->blocks[i];

			r = consume(f, b, b->ninsn);
			if (r < 0)
				return r;
			from = b->last_ip;
			kind = far_kind(b);
		}
	}
	f->enabled = 0;
	apply_mode(f);
	set_next(f, -1, 0, 0);
	return emit(f, PT_FLOW_EV_TRACE_END, kind, from, to, 0);
}

static int on_fup(struct pt_flow *f, const struct pt_packet *pkt)
{
	uint64_t ip = pt_last_ip_update(&f->last_ip, pkt);
	uint8_t bind = f->fup_bind;
	int32_t i;
	int r;

	f->fup_bind = FUP_ASYNC;
	f->err_ip = f->ip;
	if (pkt->ip.ipc == PT_IPC_SUPPRESSED)
		return -PT_FLOW_ERR_NOIP;
	if (!f->enabled)
		return bind == FUP_ASYNC ? 0 : -PT_FLOW_ERR_DISABLED;
	if (f->fup_pending)
		return -PT_FLOW_ERR_FUP;
	r = walk(f, &ip, &i);
	if (r < 0)
		return r;
	if (r == 0) {
		f->err_ip = f->cache->blocks[i].last_ip;
		return f->cache->blocks[i].cls == X86_CLASS_COND_JUMP ?
			-PT_FLOW_ERR_NEED_TNT : -PT_FLOW_ERR_FUP;
	}
	switch (bind) {
	case FUP_PTW:
		return emit(f, PT_FLOW_EV_PTWRITE, PT_FLOW_K_NONE, ip, 0,
			    f->ptw_payload);
	case FUP_EXSTOP:
		return emit(f, PT_FLOW_EV_POWER, PT_FLOW_K_EXSTOP, ip, 0, 0);
	case FUP_TSX:
		r = emit(f, PT_FLOW_EV_TSX, f->tsx_kind, ip, 0, 0);
		if (r < 0 || f->tsx_kind != PT_FLOW_K_TX_ABORT)
			return r;
		f->fup_pending = 1;
		f->fup_ip = ip;
		f->fup_kind = PT_FLOW_K_TX_ABORT;
		return 0;
	default:
		f->fup_pending = 1;
		f->fup_ip = ip;
		f->fup_kind = PT_FLOW_K_ASYNC;
		return 0;
	}
}

static void set_exec_mode(struct pt_flow *f, const struct pt_packet *pkt)
{
	uint8_t m = pkt->exec.csl ? X86_MODE_64 :
		    pkt->exec.csd ? X86_MODE_32 : X86_MODE_16;

	if (f->in_psb || !f->enabled) {
		f->mode = m;
		f->mode_pending = 0;
	} else {
		f->next_mode = m;
		f->mode_pending = 1;
	}
}

/*
 * Whether walk(f, &stop, ...) gets from f->ip to stop without trace: only
 * straight code and direct jumps and calls lie between, no error, within
 * PSB_WALK_MAX blocks. Changes nothing but the code cache.
 */
static bool walk_clear_to(struct pt_flow *f, uint64_t stop)
{
	uint64_t ip = f->ip, end;
	uint32_t k;

	for (unsigned int n = 0; n < PSB_WALK_MAX; n++) {
		const struct flow_block *b;
		int32_t i;

		if (ip == stop)
			return true;
		i = flow_cache_get(f->cache, ip, f->mode);
		if (i < 0)
			return false;
		b = &f->cache->blocks[i];
		if (stop > b->start && stop <= b->last_ip)
			return !b->err && insns_before(f, b, stop, &k, &end) == 0;
		if (b->err)
			return false;
		switch (b->cls) {
		case X86_CLASS_OTHER:
		case X86_CLASS_PTWRITE:
			ip = b->last_ip + b->last_len;
			continue;
		case X86_CLASS_JUMP:
		case X86_CLASS_CALL:
			if (!b->has_target)
				return false;
			ip = b->target;
			continue;
		default:
			return false;
		}
	}
	return false;
}

/*
 * At the PSBEND of a PSB the flow ran into (psb_walk): the code from
 * where the flow is to the PSB's FUP ran before the PSB, and gets the
 * time from before it, when the way there is clear (walk_clear_to());
 * else it is walked at the next TNT or TIP, as it always was. Then the
 * PSB+'s timing packets apply.
 */
static int psb_walk_to_fup(struct pt_flow *f)
{
	uint64_t stop = f->psb_ip;
	int32_t i;
	int r = 0;

	if (f->psb_fup && f->enabled && f->mode == f->psb_mode && walk_clear_to(f, stop))
		r = walk(f, &stop, &i);
	if (r == -FLOW_STOPPED)
		return r;
	if (psb_release(f) < 0)
		return -FLOW_STOPPED;
	return r < 0 ? r : 0;
}

static int on_psbend(struct pt_flow *f)
{
	int r;

	if (f->psb_walk) {
		r = psb_walk_to_fup(f);
		if (r < 0)
			return r;
	}
	f->in_psb = 0;
	if (f->fresh) {
		f->fresh = 0;
		f->enabled = f->psb_fup;
		if (!f->psb_fup)
			return 0;
		set_next(f, -1, 0, f->psb_ip);
		return emit(f, PT_FLOW_EV_SYNC, PT_FLOW_K_NONE, 0, f->psb_ip, 0);
	}
	if (f->psb_fup && !f->enabled) {
		f->enabled = 1;
		set_next(f, -1, 0, f->psb_ip);
		return emit(f, PT_FLOW_EV_SYNC, PT_FLOW_K_NONE, 0, f->psb_ip, 0);
	}
	return 0;
}

/*
 * Whether MTC and CYC packets can be skipped: events need no time of
 * their own and clock() wants no time but a TSC packet's.
 */
static inline bool fine_time_unread(const struct pt_flow *f)
{
	return (f->cfg.flags & PT_FLOW_F_NO_TIME) && (!f->cfg.clock || f->clock_next == UINT64_MAX);
}

/* Timing packets: updates the clock. True when pkt was one. */
static bool on_clock_packet(struct pt_flow *f, const struct pt_packet *pkt)
{
	switch (pkt->type) {
	case PT_PKT_TSC:
		flow_time_tsc(&f->clock, pkt->tsc, f->in_psb);
		return true;
	case PT_PKT_CBR:
		flow_time_cbr(&f->clock, pkt->cbr_ratio, f->in_psb);
		return true;
	case PT_PKT_TMA:
		flow_time_tma(&f->clock, pkt->tma.ctc, pkt->tma.fc);
		return true;
	case PT_PKT_MTC:
		if (!fine_time_unread(f))
			flow_time_mtc(&f->clock, pkt->mtc_ctc);
		return true;
	case PT_PKT_CYC:
		if (!fine_time_unread(f))
			flow_time_cyc(&f->clock, pkt->cyc);
		return true;
	default:
		return false;
	}
}

/*
 * Tells cfg.clock the time when it asked for it (see pt_flow.h), the sums
 * so far handed over first: they belong to the image before.
 */
static int clock_hook(struct pt_flow *f, bool tsc_packet)
{
	uint64_t image;

	if (!f->cfg.clock || !f->clock.tsc || (!tsc_packet && f->clock.tsc < f->clock_next))
		return 0;
	if (f->nsummed && hand_over_sums(f))
		return -FLOW_STOPPED;
	if (f->held && deliver_held(f))
		return -FLOW_STOPPED;
	f->fold_run = 0;	/* the owner may change: its first branch goes as it is */
	image = pt_flow_image(f);
	f->clock_next = f->cfg.clock(f->cfg.clock_ctx, f->clock.tsc, &image);
	pt_flow_set_image(f, image);
	return 0;
}

/*
 * Timing packets, in or out of PSB+: the clock only. 1 when pkt was one,
 * 0 when not, -FLOW_STOPPED when handing sums over stopped the decode.
 */
static int on_time_packet(struct pt_flow *f, const struct pt_packet *pkt)
{
	if (!on_clock_packet(f, pkt))
		return 0;
	return clock_hook(f, pkt->type == PT_PKT_TSC) < 0 ? -FLOW_STOPPED : 1;
}

static inline bool is_time_packet(uint8_t type)
{
	return type == PT_PKT_TSC || type == PT_PKT_CBR || type == PT_PKT_TMA ||
	       type == PT_PKT_MTC || type == PT_PKT_CYC;
}

/*
 * The timing packets held in a PSB+ (psb_walk), applied in order as they
 * would have been where they came (an MTC nothing reads changes nothing,
 * as in on_packet()); no walk to the FUP follows. -FLOW_STOPPED when the
 * clock hook stopped the decode.
 */
static int psb_release(struct pt_flow *f)
{
	unsigned int n = f->npsb_held;
	int r = 0;

	f->psb_walk = 0;
	f->npsb_held = 0;
	for (unsigned int k = 0; k < n && r >= 0; k++) {
		const struct pt_packet *pkt = &f->psb_held[k];

		if (pkt->type == PT_PKT_MTC && fine_time_unread(f))
			continue;
		r = on_time_packet(f, pkt);
	}
	return r < 0 ? r : 0;
}

/* Packets inside PSB+: state only, no flow. */
static int on_psb_packet(struct pt_flow *f, const struct pt_packet *pkt)
{
	switch (pkt->type) {
	case PT_PKT_FUP:
		f->psb_ip = pt_last_ip_update(&f->last_ip, pkt);
		f->psb_fup = pkt->ip.ipc != PT_IPC_SUPPRESSED;
		return 0;
	case PT_PKT_MODE_EXEC:
		set_exec_mode(f, pkt);
		return 0;
	case PT_PKT_PSBEND:
		return on_psbend(f);
	case PT_PKT_TNT_8: case PT_PKT_TNT_64: case PT_PKT_TIP:
	case PT_PKT_TIP_PGE: case PT_PKT_TIP_PGD: case PT_PKT_PSB:
		f->err_ip = f->ip;
		return -PT_FLOW_ERR_FUP;
	default:
		return 0;
	}
}

static uint8_t tsx_kind(const struct pt_packet *pkt)
{
	if (pkt->tsx.abrt)
		return PT_FLOW_K_TX_ABORT;
	return pkt->tsx.intx ? PT_FLOW_K_TX_BEGIN : PT_FLOW_K_TX_COMMIT;
}

/* Forgets where the flow is, at an overflow or an error. */
static void flow_forget(struct pt_flow *f)
{
	f->in_psb = 0;
	f->enabled = 0;
	f->fup_pending = 0;
	f->fup_bind = FUP_ASYNC;
	f->mode_pending = 0;
	f->psb_walk = 0;
	f->npsb_held = 0;
	f->rs_n = 0;
	f->rs_below = 0;
	f->borrowing = 0;	/* nothing from before the hand-over is left */
	f->epoch++;
	f->marks_rs_max = UINT_MAX;	/* no mark is of the new epoch */
	set_next(f, -1, 0, 0);
}

/*
 * OVF, also inside PSB+ (it ends it): packets were lost, the flow state is
 * gone and returns are no longer compressed against calls before it. The
 * overflow event waits for the packet that tells where tracing resumes.
 */
static void on_ovf(struct pt_flow *f)
{
	flow_forget(f);
	f->ovf_pending = 1;
	f->ovf_tsc = f->clock.tsc;
	f->ovf_off = f->pkt_off;
}

/* The overflow event: tracing resumes at to, or is off (0). */
static int emit_overflow(struct pt_flow *f, uint64_t to)
{
	struct pt_flow_event ev = {
		.type = PT_FLOW_EV_OVERFLOW,
		.mode = f->mode,
		.to = to,
		.insn_count = f->count,
		.tsc = f->ovf_tsc,
		.offset = f->cfg.aux_offset + f->ovf_off,
	};

	f->ovf_pending = 0;
	f->count = 0;
	return deliver(f, &ev);
}

/*
 * The first packet after OVF but timing packets and padding: a FUP with
 * an IP is where tracing resumes (returns 1: consumed); anything else
 * means tracing was off when the overflow resolved (returns 0: handle
 * the packet as usual).
 */
static int resolve_ovf(struct pt_flow *f, const struct pt_packet *pkt)
{
	uint64_t ip;
	int r;

	if (pkt->type != PT_PKT_FUP || pkt->ip.ipc == PT_IPC_SUPPRESSED)
		return emit_overflow(f, 0);
	ip = pt_last_ip_update(&f->last_ip, pkt);
	f->enabled = 1;
	set_next(f, -1, 0, ip);
	r = emit_overflow(f, ip);
	return r < 0 ? r : 1;
}

static int on_packet(struct pt_flow *f, const struct pt_packet *pkt)
{
	int r;

	/* the flow packets of the flow, as the switch below takes them */
	if (!f->ovf_pending && !f->in_psb) {
		if (pkt->type == PT_PKT_TNT_8)
			return on_tnt(f, pkt->tnt.bits, pkt->tnt.count);
		if (pkt->type == PT_PKT_TIP)
			return on_tip(f, pkt);
	}
	/* in the PSB+ of a running flow, until PSBEND: see psb_walk */
	if (f->psb_walk && is_time_packet(pkt->type)) {
		if (f->npsb_held < PSB_HELD_MAX) {
			f->psb_held[f->npsb_held++] = *pkt;
			return 0;
		}
		if (psb_release(f) < 0)	/* too many: as they come, no walk */
			return -FLOW_STOPPED;
	}
	/* an MTC that nothing reads changes nothing, wherever it is */
	if (pkt->type == PT_PKT_MTC && fine_time_unread(f))
		return 0;
	if (pkt->type == PT_PKT_OVF) {
		if (f->psb_walk && psb_release(f) < 0)
			return -FLOW_STOPPED;
		if (f->ovf_pending) {
			r = emit_overflow(f, 0);
			if (r < 0)
				return r;
		}
		on_ovf(f);
		return 0;
	}
	if (f->ovf_pending) {
		if (pkt->type == PT_PKT_PAD || pkt->type == PT_PKT_MNT)
			return 0;
		r = on_time_packet(f, pkt);
		if (r)
			return r < 0 ? r : 0;
		r = resolve_ovf(f, pkt);
		if (r)
			return r < 0 ? r : 0;
	}
	if (pkt->type == PT_PKT_PSB) {
		pt_last_ip_reset(&f->last_ip);
		if (!f->in_psb) {
			/* the flow ran into it: the walk to its FUP is at PSBEND */
			f->psb_walk = f->synced && !f->fresh && f->enabled && !f->fup_pending &&
				      f->fup_bind == FUP_ASYNC && !f->mode_pending;
			f->psb_mode = f->mode;
			f->npsb_held = 0;
		}
		f->in_psb = 1;
		f->psb_fup = 0;
		f->sync_off = f->pkt_off;
		return 0;
	}
	r = on_time_packet(f, pkt);
	if (r)
		return r < 0 ? r : 0;
	if (f->in_psb)
		return on_psb_packet(f, pkt);

	switch (pkt->type) {
	case PT_PKT_TNT_8:
	case PT_PKT_TNT_64:
		return on_tnt(f, pkt->tnt.bits, pkt->tnt.count);
	case PT_PKT_TIP:
		return on_tip(f, pkt);
	case PT_PKT_TIP_PGE:
		return on_pge(f, pkt);
	case PT_PKT_TIP_PGD:
		return on_pgd(f, pkt);
	case PT_PKT_FUP:
		return on_fup(f, pkt);
	case PT_PKT_MODE_EXEC:
		set_exec_mode(f, pkt);
		return 0;
	case PT_PKT_MODE_TSX:
		f->fup_bind = FUP_TSX;
		f->tsx_kind = tsx_kind(pkt);
		return 0;
	case PT_PKT_PTW:
		if (pkt->ptw.ip) {
			f->fup_bind = FUP_PTW;
			f->ptw_payload = pkt->ptw.payload;
			return 0;
		}
		return emit(f, PT_FLOW_EV_PTWRITE, PT_FLOW_K_NONE, 0, 0,
			    pkt->ptw.payload);
	case PT_PKT_EXSTOP:
		if (pkt->exstop_ip) {
			f->fup_bind = FUP_EXSTOP;
			return 0;
		}
		return emit(f, PT_FLOW_EV_POWER, PT_FLOW_K_EXSTOP, 0, 0, 0);
	case PT_PKT_MWAIT:
		return emit(f, PT_FLOW_EV_POWER, PT_FLOW_K_MWAIT, 0, 0,
			    pkt->mwait.hints);
	case PT_PKT_PWRE:
		return emit(f, PT_FLOW_EV_POWER, PT_FLOW_K_PWRE, 0, 0,
			    pkt->pwre.state);
	case PT_PKT_PWRX:
		return emit(f, PT_FLOW_EV_POWER, PT_FLOW_K_PWRX, 0, 0,
			    pkt->pwrx.last);
	case PT_PKT_PIP:
		return emit(f, PT_FLOW_EV_PAGING, PT_FLOW_K_NONE, 0, 0,
			    pkt->pip.cr3);
	case PT_PKT_STOP:
		return emit(f, PT_FLOW_EV_STOP, PT_FLOW_K_NONE, 0, 0, 0);
	default:	/* pad, vmcs, mnt */
		return 0;
	}
}

/* Forgets the flow state after an error: decoding restarts at a PSB. */
static void flow_desync(struct pt_flow *f)
{
	flow_forget(f);
	f->synced = 0;
	f->count = 0;
	f->ovf_pending = 0;
}

/* The bytes at pos, and at least PT_PS_PSB after it (but at the end), are read through f->at. */
static void flow_window(struct pt_flow *f, size_t pos)
{
	aux_reader_at(&f->at, f->buf, f->len, f->win.v, f->win.nr, pos);
}

static ssize_t flow_sync_forward(const struct pt_flow *f, size_t from)
{
	return f->win.nr ? pt_sync_forward_windows(&f->win, from)
			 : pt_sync_forward(f->buf, f->len, from);
}

static ssize_t flow_sync_after_error(const struct pt_flow *f)
{
	return f->win.nr ? pt_sync_after_error_windows(&f->win, f->pkt_off, f->sync_off)
			 : pt_sync_after_error(f->buf, f->len, f->pkt_off, f->sync_off);
}

/*
 * Starts decoding the trace (buf[0..len), or w's windows when w is not
 * NULL) at start as a new piece of trace.
 */
static void flow_start(struct pt_flow *f, const uint8_t *buf, size_t len,
		       const struct pt_windows *w, size_t start)
{
	f->buf = buf;
	f->len = w ? w->len : len;
	f->win = w ? *w : (struct pt_windows){ 0 };
	f->at.idx = 0;
	flow_window(f, start);
	flow_desync(f);
	f->used_before = 0;
	f->clk_borrow = FLOW_BORROW_NONE;
	f->clk_fcr_watch = 0;
	f->sync_off = 0;
	/* a piece (maybe of another CPU) starts with no time until its TSC */
	flow_time_init(&f->clock, f->cfg.mtc_freq, f->cfg.tsc_ctc_num, f->cfg.tsc_ctc_den,
		       f->cfg.nom_freq);
	f->clock_next = 0;
	f->pos = start;
	f->fold_run = 0;
	f->held = 0;
}

/*
 * Decodes from f->pos up to the first packet boundary at or past end, or
 * until f->join took over the flow (f->joined). What ends the buffer (an
 * overflow still pending) comes when the decode reaches its end.
 */
static int flow_run(struct pt_flow *f, size_t end)
{
	const uint8_t *buf = f->at.base;
	size_t len = f->len, win_end = f->at.end;
	struct pt_packet pkt;
	ssize_t s;
	int r;

	while (f->pos < end) {
		if (!f->synced) {
			s = flow_sync_forward(f, f->pos);
			if (s < 0) {
				f->pos = len;
				break;
			}
			f->pos = (size_t)s;
			f->synced = 1;
			f->fresh = 1;
			if (f->pos >= end)
				break;
		}
		/* a window's end near: the next one holds the packet whole */
		if (f->pos + PT_PS_PSB > win_end && win_end < len) {
			flow_window(f, f->pos);
			buf = f->at.base;
			win_end = f->at.end;
		}
		f->pkt_off = f->pos;
		r = pt_pkt_decode_tnt8(buf[f->pos], &pkt);
		if (!r)
			r = pt_pkt_decode(buf + f->pos, win_end - f->pos, &pkt);
		if (r > 0) {
			f->st.packets++;
			f->pos += (size_t)r;
			r = on_packet(f, &pkt);
			if (r >= 0) {
				if (pkt.type == PT_PKT_PSBEND && (f->folding || f->marks || f->join)) {
					r = flow_at_psbend(f);
					if (r)
						return r < 0 ? f->stop : 0;
				}
				continue;
			}
			if (r == -FLOW_STOPPED)
				return f->stop;
			if (r == -ENOMEM)
				return r;
			/* with the time it had before a PSB+'s packets were held */
			if (f->psb_walk && psb_release(f) < 0)
				return f->stop;
			r = emit_error(f, -r, f->err_ip);
		} else {
			int err = r;

			r = f->ovf_pending ? emit_overflow(f, 0) : 0;
			if (!r && f->psb_walk)
				r = psb_release(f);
			if (!r)
				r = emit_error(f, err, f->ip);
		}
		if (r == -FLOW_STOPPED)
			return f->stop;
		flow_desync(f);
		s = flow_sync_after_error(f);
		if (s < 0 || (size_t)s <= f->sync_off)
			s = flow_sync_forward(f, f->pkt_off + 1);
		if (s < 0) {
			f->pos = len;
			break;
		}
		f->pos = (size_t)s;
		/* maybe back a few bytes, maybe far ahead */
		flow_window(f, f->pos);
		buf = f->at.base;
		win_end = f->at.end;
	}
	if (f->pos >= len && f->psb_walk && psb_release(f) < 0)	/* the end in PSB+ */
		return f->stop;
	if (f->pos >= len && f->ovf_pending && emit_overflow(f, 0) == -FLOW_STOPPED)
		return f->stop;
	if (f->nsummed && hand_over_sums(f))
		return f->stop;
	if (f->held && deliver_held(f))
		return f->stop;
	return 0;
}

/* Whether plain branches are folded: asked for, and neither counting nor with INSN events. */
static int fold_wanted(const struct pt_flow *f)
{
	return !f->counting && (f->cfg.flags & (PT_FLOW_F_FOLD | PT_FLOW_F_INSN)) == PT_FLOW_F_FOLD;
}

static int decode_all(struct pt_flow *f, const uint8_t *buf, size_t len,
		      const struct pt_windows *w)
{
	flow_start(f, buf, len, w, 0);
	f->counting = f->summed != NULL;
	f->folding = fold_wanted(f);
	return flow_run(f, f->len);
}

int pt_flow_decode(struct pt_flow *f, const uint8_t *buf, size_t len)
{
	return decode_all(f, buf, len, NULL);
}

int pt_flow_decode_windows(struct pt_flow *f, const struct pt_windows *w)
{
	return decode_all(f, NULL, 0, w);
}

struct pt_flow *pt_flow_new(const struct pt_flow_config *cfg)
{
	bool count = cfg && cfg->sums && !(cfg->flags & PT_FLOW_F_INSN);
	struct pt_flow *f;

	if (!cfg || !cfg->event || !cfg->image.read)
		return NULL;
	f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->cfg = *cfg;
	f->mode = X86_MODE_64;
	flow_time_init(&f->clock, cfg->mtc_freq, cfg->tsc_ctc_num,
		       cfg->tsc_ctc_den, cfg->nom_freq);
	f->cache = &f->caches[0];
	if (count)
		f->summed = malloc(SUMMED_MAX * sizeof(*f->summed));
	if (flow_cache_init(f->cache, &cfg->image) < 0 || (count && !f->summed)) {
		flow_cache_fini(f->cache);
		free(f->summed);
		free(f);
		return NULL;
	}
	flow_desync(f);
	return f;
}

void pt_flow_free(struct pt_flow *f)
{
	if (!f)
		return;
	for (int i = 0; i < PT_FLOW_IMAGES; i++)
		flow_cache_fini(&f->caches[i]);
	free(f->marks);
	free(f->summed);
	free(f);
}

uint64_t pt_flow_image(const struct pt_flow *f)
{
	return f->images[f->cache - f->caches];
}

/*
 * Switches to image's cache: the one that holds it, else the current one
 * if it holds nothing, else one not set up yet, else the least recently
 * used one, emptied (also when a new one fails to set up). Block indices
 * (the hint, the link to make) belong to the cache they came from: they
 * start over.
 */
void pt_flow_set_image(struct pt_flow *f, uint64_t image)
{
	int cur = (int)(f->cache - f->caches), pick = -1;

	if (f->images[cur] == image)
		return;
	f->used[cur] = ++f->image_switches;
	for (int i = 0; i < PT_FLOW_IMAGES && pick < 0; i++)
		if (f->caches[i].table && f->images[i] == image)
			pick = i;
	if (pick < 0 && !f->cache->nblocks)	/* nothing cached yet: it serves */
		pick = cur;
	for (int i = 0; i < PT_FLOW_IMAGES && pick < 0; i++)
		if (!f->caches[i].table && flow_cache_init(&f->caches[i], &f->cfg.image) == 0)
			pick = i;
	if (pick < 0) {
		pick = cur;
		for (int i = 0; i < PT_FLOW_IMAGES; i++)
			if (f->caches[i].table && f->used[i] < f->used[pick])
				pick = i;
		flow_cache_clear(&f->caches[pick]);
	}
	f->images[pick] = image;
	f->cache = &f->caches[pick];
	set_next(f, -1, 0, f->ip);
}

void pt_flow_get_stats(const struct pt_flow *f, struct pt_flow_stats *st)
{
	*st = f->st;
	st->blocks = 0;
	for (int i = 0; i < PT_FLOW_IMAGES; i++)
		st->blocks += f->caches[i].nblocks;
}

/*
 * Decoding in ranges. A decode started alone at a PSB (pt_flow_decode_from)
 * keeps a mark at each PSBEND: a copy of its state there and how many
 * events it had delivered. The decode that reached that PSB from before
 * (pt_flow_join) compares its state with the mark at each PSBEND it meets:
 * once they agree, both deliver the same events from there on, and the
 * later decoder takes over. They agree on everything but the return stack
 * below what the later one pushed itself: it gets those entries at the
 * hand-over, which is right as long as it never popped its stack empty
 * since the mark (there the earlier one would have popped an older
 * entry); a mark after which that happened is not taken. The clock is
 * handed over likewise (flow_time_same()).
 */
#define FLOW_MAX_MARKS	32	/* marks kept per range: joins come early */

struct flow_mark {
	size_t pos;		/* offset after the PSBEND */
	uint64_t delivered;	/* events up to and at it */
	uint32_t epoch;		/* of the return stack */
	unsigned int rs_max;	/* deepest return stack since */
	int popped_empty;	/* popped the empty stack since, same epoch */
	uint64_t image;		/* the code read then */
	struct pt_flow state;	/* its cache pointer is the decoder's */
};

struct flow_marks {
	unsigned int nr;
	struct flow_mark v[FLOW_MAX_MARKS];
};

/* The return stack got deeper: the marks of this epoch see it. */
static void marks_depth(struct pt_flow *f)
{
	for (unsigned int k = f->marks->nr; k-- > 0;) {
		struct flow_mark *m = &f->marks->v[k];

		if (m->epoch != f->epoch || m->rs_max >= f->rs_n)
			break;
		m->rs_max = f->rs_n;
	}
	f->marks_rs_max = f->rs_n;
}

static void marks_underflow(struct pt_flow *f)
{
	for (unsigned int k = f->marks->nr; k-- > 0;) {
		struct flow_mark *m = &f->marks->v[k];

		if (m->epoch != f->epoch || m->popped_empty)
			break;
		m->popped_empty = 1;
	}
}

/* The i-th return address from the top of f's stack. */
static uint64_t rs_at(const struct pt_flow *f, unsigned int i)
{
	return f->retstack[(f->rs_top + 2 * RETSTACK_SIZE - 1 - i) % RETSTACK_SIZE];
}

/*
 * What of a's calibration may still be what it took over: nothing once
 * the calibration started anew; once an MTC came, a decode not given
 * whether one was seen has seen one too: the CTC only.
 */
static enum flow_time_borrow clk_borrowed(const struct pt_flow *a)
{
	if (a->clock.cal_resets != a->clk_resets)
		return FLOW_BORROW_NONE;
	if (a->clk_borrow == FLOW_BORROW_CAL && a->clock.mtcs != a->clk_mtcs)
		return FLOW_BORROW_CTC;
	return a->clk_borrow;
}

/* a's ratio may be one a hand-over gave it, not yet set anew since */
static bool clk_fcr_lent(const struct pt_flow *a)
{
	return a->clk_fcr_watch && a->clock.fcr_writes == a->clk_fcr_writes;
}

/*
 * Whether a (decoding on) and b, the state of mark m, deliver the same events
 * from here: the same flow state, with b's return stack the top of a's.
 * Values that are only read under a condition are compared under it.
 * lenient: what was handed over to a (return addresses below its own, the
 * calibration CTC) taken as agreeing, whatever it is.
 */
static bool flow_same(const struct pt_flow *a, const struct flow_mark *m,
		      const struct pt_flow *now, bool lenient)
{
	const struct pt_flow *b = &m->state;
	struct flow_time clock = a->clock;
	unsigned int n = b->rs_n;

	if (lenient && a->borrowing && n > a->rs_n - a->rs_below)
		n = a->rs_n - a->rs_below;
	if (lenient)
		flow_time_lend(&clock, &b->clock, clk_borrowed(a));
	if (lenient && clk_fcr_lent(a)) {
		clock.cal.fcr = b->clock.cal.fcr;
		clock.cal.have_fcr = b->clock.cal.have_fcr;
	}
	if (a->rs_n < n || a->last_ip.ip != b->last_ip.ip || a->synced != b->synced ||
	    a->in_psb != b->in_psb || a->fresh != b->fresh || a->enabled != b->enabled ||
	    a->mode != b->mode || a->mode_pending != b->mode_pending ||
	    (a->mode_pending && a->next_mode != b->next_mode) || a->ip != b->ip ||
	    a->err_ip != b->err_ip || a->count != b->count ||
	    a->clock_next != b->clock_next || !flow_time_same(&clock, &b->clock, &now->clock) ||
	    a->fup_bind != b->fup_bind || a->fup_pending != b->fup_pending ||
	    a->ovf_pending != b->ovf_pending || a->sync_off != b->sync_off ||
	    pt_flow_image(a) != m->image)
		return false;
	if (a->in_psb && (a->psb_fup != b->psb_fup || a->psb_ip != b->psb_ip))
		return false;
	if (a->fup_pending && (a->fup_ip != b->fup_ip || a->fup_kind != b->fup_kind))
		return false;
	if ((a->fup_bind == FUP_TSX && a->tsx_kind != b->tsx_kind) ||
	    (a->fup_bind == FUP_PTW && a->ptw_payload != b->ptw_payload))
		return false;
	if (a->ovf_pending && (a->ovf_tsc != b->ovf_tsc || a->ovf_off != b->ovf_off))
		return false;
	for (unsigned int i = 0; i < n; i++)
		if (rs_at(a, i) != rs_at(b, i))
			return false;
	return true;
}

/*
 * f took the flow over at mark m, with `below` return addresses handed
 * over under its own: from here on it notes when it uses what a hand-over
 * gives (see pt_flow_used_before()), and it keeps no marks. Its stack
 * emptied since m (a new epoch), nothing is handed over under it.
 */
static void flow_took_over(struct pt_flow *f, const struct flow_mark *m, unsigned int below)
{
	f->rs_below = below;
	f->borrowing = f->epoch == m->epoch;
	f->used_before = 0;
	/* the calibration CTC is the hand-over's, and read by the next MTC */
	f->clk_borrow = flow_time_may_borrow(&f->clock, &m->state.clock);
	f->clk_resets = f->clock.cal_resets;
	f->clk_reads = f->clock.ctc_reads;
	f->clk_uses = f->clock.cal_uses;
	f->clk_mtcs = f->clock.mtcs;
	/* a ratio is given only where m had none: what it read of it since */
	f->clk_fcr_watch = !m->state.clock.cal.have_fcr;
	f->clk_fcr_cycs = m->state.clock.cycs;
	f->clk_fcr_writes = m->state.clock.fcr_writes;
	free(f->marks);
	f->marks = NULL;
}

/*
 * next takes over from f at mark m: f's return addresses below the ones
 * next had at m go under next's stack, but for those pushed out since
 * (the stack holds RETSTACK_SIZE) and all of them when next's stack was
 * emptied since (a new epoch).
 */
static void flow_hand_over(const struct pt_flow *f, struct pt_flow *next,
			   const struct flow_mark *m)
{
	unsigned int below = f->rs_n - m->state.rs_n, n = next->rs_n, k = 0;
	uint64_t v[RETSTACK_SIZE];

	if (next->epoch != m->epoch)
		below = 0;
	else if (below > RETSTACK_SIZE - m->rs_max)
		below = RETSTACK_SIZE - m->rs_max;
	for (unsigned int i = below; i-- > 0;)
		v[k++] = rs_at(f, m->state.rs_n + i);
	for (unsigned int i = n; i-- > 0;)
		v[k++] = rs_at(next, i);
	memcpy(next->retstack, v, k * sizeof(v[0]));
	next->rs_n = k;
	next->rs_top = k % RETSTACK_SIZE;
	/*
	 * What next may have been given is told from its own state, as a
	 * decode that takes over alone tells it (flow_took_over()), so that
	 * both say alike whether it used it.
	 */
	flow_time_hand_over(&next->clock, &f->clock, &m->state.clock);
	flow_took_over(next, m, k - n);	/* frees m */
}

/*
 * After a PSBEND: keeps a mark, or hands the flow over to f->join (1).
 * When counting, the sums so far are handed over first: they are the
 * range's before the mark, f's before the join. -FLOW_STOPPED when the
 * callback stopped it.
 */
static int flow_at_psbend(struct pt_flow *f)
{
	struct pt_flow *next = f->join;

	if (f->nsummed && hand_over_sums(f))
		return -FLOW_STOPPED;
	/*
	 * Folding: nothing held across a PSBEND, in every mode, and the next
	 * plain branch goes as it is: a range decoded alone from its PSB and
	 * the exact decode that walks into it then deliver the same events
	 * from here on (what is held and the last event's time are not in
	 * what a join compares), and one decode of the chunk delivers those
	 * of the decode in ranges.
	 */
	if (f->folding) {
		if (f->held && deliver_held(f))
			return -FLOW_STOPPED;
		f->fold_run = 0;
	}

	if (f->marks && f->marks->nr < FLOW_MAX_MARKS) {
		struct flow_mark *m = &f->marks->v[f->marks->nr++];

		m->pos = f->pos;
		m->delivered = f->delivered;
		m->epoch = f->epoch;
		m->rs_max = f->rs_n;
		m->popped_empty = 0;
		m->image = pt_flow_image(f);
		f->marks_rs_max = f->rs_n;
		m->state = *f;
	}
	if (!next || !next->marks)
		return 0;
	for (unsigned int k = 0; k < next->marks->nr; k++) {
		const struct flow_mark *m = &next->marks->v[k];

		if (m->pos != f->pos || m->popped_empty)
			continue;
		/* the answer lies in what was handed over to f */
		if (((f->borrowing && m->state.rs_n > f->rs_n - f->rs_below) ||
		     flow_time_same_reads_borrowed(&f->clock, &m->state.clock, &next->clock,
						   clk_borrowed(f)) ||
		     (clk_fcr_lent(f) &&
		      flow_time_same_reads_ratio(&m->state.clock, &next->clock))) &&
		    flow_same(f, m, next, true))
			f->used_before = 1;
		if (!flow_same(f, m, next, false))
			continue;
		f->joined = 1;
		f->join_drop = m->delivered;
		flow_hand_over(f, next, m);	/* frees the marks */
		return 1;
	}
	return 0;
}

static int decode_from(struct pt_flow *f, const uint8_t *buf, size_t len,
		       const struct pt_windows *w, size_t start, size_t end)
{
	if (!f->marks) {
		f->marks = malloc(sizeof(*f->marks));
		if (!f->marks)
			return -ENOMEM;
	}
	f->marks->nr = 0;
	f->marks_rs_max = UINT_MAX;
	f->delivered = 0;
	flow_start(f, buf, len, w, start);
	f->counting = f->summed != NULL;
	f->folding = fold_wanted(f);
	return flow_run(f, end);
}

int pt_flow_decode_from(struct pt_flow *f, const uint8_t *buf, size_t len, size_t start,
			size_t end)
{
	return decode_from(f, buf, len, NULL, start, end);
}

int pt_flow_decode_from_windows(struct pt_flow *f, const struct pt_windows *w, size_t start,
				size_t end)
{
	return decode_from(f, NULL, 0, w, start, end);
}

int pt_flow_join(struct pt_flow *f, struct pt_flow *next, size_t end, uint64_t *drop)
{
	int r;

	f->join = next;
	f->joined = 0;
	r = flow_run(f, end);
	f->join = NULL;
	if (r)
		return r < 0 ? r : -ECANCELED;
	if (!f->joined)
		return 0;
	*drop = f->join_drop;
	return 1;
}

int pt_flow_take_over(struct pt_flow *f, uint64_t drop)
{
	const struct flow_mark *m = NULL;

	/* the latest such mark: the calibration rule is the strictest there */
	for (unsigned int k = f->marks ? f->marks->nr : 0; !m && k-- > 0;)
		if (f->marks->v[k].delivered == drop && !f->marks->v[k].popped_empty)
			m = &f->marks->v[k];
	if (!m)
		return -EINVAL;
	flow_took_over(f, m, 0);
	return 0;
}

bool pt_flow_used_before(const struct pt_flow *f)
{
	/* a CYC read the ratio a hand-over gives before it was set anew */
	if (f->clk_fcr_watch &&
	    flow_time_fcr_read_since(&f->clock, f->clk_fcr_cycs, f->clk_fcr_writes))
		return true;
	/* an MTC calibrated from the CTC handed over (or after a new start) */
	switch (f->clk_borrow) {
	case FLOW_BORROW_CTC:
		return f->used_before || f->clock.ctc_reads != f->clk_reads;
	case FLOW_BORROW_CAL:
		/* with or without an MTC seen, the calibration was used */
		return f->used_before || f->clock.cal_uses != f->clk_uses;
	default:
		return f->used_before;
	}
}

static const char *const event_names[PT_FLOW_EV_NR] = {
	[PT_FLOW_EV_BRANCH] = "branch",
	[PT_FLOW_EV_TRACE_BEGIN] = "tr_strt",
	[PT_FLOW_EV_TRACE_END] = "tr_end",
	[PT_FLOW_EV_SYNC] = "sync",
	[PT_FLOW_EV_OVERFLOW] = "overflow",
	[PT_FLOW_EV_ERROR] = "error",
	[PT_FLOW_EV_PTWRITE] = "ptwrite",
	[PT_FLOW_EV_TSX] = "tsx",
	[PT_FLOW_EV_PAGING] = "paging",
	[PT_FLOW_EV_POWER] = "power",
	[PT_FLOW_EV_STOP] = "stop",
	[PT_FLOW_EV_INSN] = "insn",
};

static const char *const kind_names[PT_FLOW_K_NR] = {
	[PT_FLOW_K_NONE] = "none",
	[PT_FLOW_K_CALL] = "call",
	[PT_FLOW_K_RETURN] = "return",
	[PT_FLOW_K_JMP] = "jmp",
	[PT_FLOW_K_JCC] = "jcc",
	[PT_FLOW_K_FAR_CALL] = "far_call",
	[PT_FLOW_K_FAR_RETURN] = "far_return",
	[PT_FLOW_K_FAR_JMP] = "far_jmp",
	[PT_FLOW_K_SYSCALL] = "syscall",
	[PT_FLOW_K_SYSRET] = "sysret",
	[PT_FLOW_K_ASYNC] = "async",
	[PT_FLOW_K_TX_BEGIN] = "tx_begin",
	[PT_FLOW_K_TX_COMMIT] = "tx_commit",
	[PT_FLOW_K_TX_ABORT] = "tx_abort",
	[PT_FLOW_K_EXSTOP] = "exstop",
	[PT_FLOW_K_MWAIT] = "mwait",
	[PT_FLOW_K_PWRE] = "pwre",
	[PT_FLOW_K_PWRX] = "pwrx",
};

const char *pt_flow_event_name(unsigned int type)
{
	return type < PT_FLOW_EV_NR ? event_names[type] : "?";
}

const char *pt_flow_kind_name(unsigned int kind)
{
	return kind < PT_FLOW_K_NR ? kind_names[kind] : "?";
}

const char *pt_flow_errstr(int err)
{
	switch (err) {
	case PT_FLOW_ERR_NOMAP:
		return "no code at ip";
	case PT_FLOW_ERR_BAD_INSN:
		return "undecodable instruction";
	case PT_FLOW_ERR_NEED_TNT:
		return "tip or fup where a tnt bit was due";
	case PT_FLOW_ERR_NEED_TIP:
		return "tnt bit where a tip was due";
	case PT_FLOW_ERR_BAD_RETCOMP:
		return "bad compressed return";
	case PT_FLOW_ERR_NOIP:
		return "ip suppressed";
	case PT_FLOW_ERR_FUP:
		return "fup not bound";
	case PT_FLOW_ERR_LOOP:
		return "endless loop of direct branches";
	case PT_FLOW_ERR_DISABLED:
		return "flow packet while tracing is disabled";
	default:
		return err < 0 ? pt_errstr(-err) : "?";
	}
}
