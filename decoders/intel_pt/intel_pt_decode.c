// SPDX-License-Identifier: GPL-2.0
/*
 * intel_pt_decode.c - Intel PT's decode operations: runs the flow decoder
 * (pt_flow.c) over a chunk, with the timing settings of the recording
 * (MTC period from the attr, TSC/CTC ratio from AUXTRACE_INFO), and turns
 * its events into typed events (decoders/event.h) with perf-clock times.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "decoders/decoder.h"
#include "intel_pt_decode.h"
#include "intel_pt_record.h"
#include "pt_flow.h"
#include "pt_packet.h"
#include "pt_snapshot.h"
#include "pt_sync.h"
#include "lib/util/tsc.h"

struct pt_decode {
	struct decode_opts opts;
	struct tsc_conv tc;	/* the recording's TIME_CONV */
	struct pt_flow *flow;
	uint64_t chunk_offset;	/* AUX offset of the chunk being decoded */
	uint64_t last_tsc, last_time;	/* events come in runs of one time */
	/*
	 * Snapshot mode (AUXTRACE_INFO): a snapshot that overlaps the previous
	 * one of its area is decoded on from where that one's decode ended:
	 * the buffer joined holds that one's bytes from a PSB before there,
	 * then the snapshot's new bytes; events of its first skip_below bytes
	 * were given with the previous snapshot.
	 */
	bool snapshot;
	uint64_t skip_below;
	struct pt_snapshot_prev snap_prev;
	uint8_t *joined;
	size_t joined_cap;
	/* 1 + the offset of a packet the chunk's end cut (its error event), or 0 */
	uint64_t cut_end;
	/*
	 * The snapshot being decoded (its own bytes), the length of the
	 * buffer decoded for it (joined or not), and whether the next
	 * snapshot of its area continues it (AUX_CHUNK_F_CONTINUED, and
	 * pt_snapshot_continued() does not take it for a chance match).
	 */
	const uint8_t *snap_data;
	size_t snap_size, snap_len;
	bool snap_continued;
	/*
	 * The event handed to the host, made here rather than on the stack:
	 * on_flow_event() then keeps nothing across the host's call, which
	 * it makes last (a jump: no registers saved and restored per event).
	 */
	struct decode_event ev;
};

/*
 * A packet cut at offset off of the buffer decoded for a snapshot is no
 * loss when the next snapshot of the area continues this one and this one
 * has a PSB before the packet: the next decode starts at that PSB and goes
 * on over the seam (decode_snapshot), the packet whole, its events given
 * then. Else the trace after the cut is lost until the next snapshot's
 * first PSB, and the cut is an error.
 */
static bool cut_continued(const struct pt_decode *d, uint64_t off)
{
	uint64_t before = d->snap_len - off;	/* bytes from the cut to the end */

	return d->snapshot && d->snap_continued && off <= d->snap_len &&
	       before <= d->snap_size &&
	       pt_sync_backward(d->snap_data, d->snap_size, d->snap_size - before) >= 0;
}

/* d->last_time made the perf time of tsc (converted once per run of one TSC). */
static void set_time(struct pt_decode *d, uint64_t tsc)
{
	if (tsc != d->last_tsc) {
		d->last_tsc = tsc;
		d->last_time = tsc_to_perf_time(&d->tc, tsc);
	}
}

/* The typed event of each flow event type. */
static const uint8_t event_kind_of[PT_FLOW_EV_NR] = {
	[PT_FLOW_EV_BRANCH] = EVENT_BRANCH,
	[PT_FLOW_EV_TRACE_BEGIN] = EVENT_TRACE_BEGIN,
	[PT_FLOW_EV_TRACE_END] = EVENT_TRACE_END,
	[PT_FLOW_EV_SYNC] = EVENT_SYNC,
	[PT_FLOW_EV_OVERFLOW] = EVENT_OVERFLOW,
	[PT_FLOW_EV_ERROR] = EVENT_ERROR,
	[PT_FLOW_EV_PTWRITE] = EVENT_PTWRITE,
	[PT_FLOW_EV_TSX] = EVENT_TSX,
	[PT_FLOW_EV_PAGING] = EVENT_PAGING,
	[PT_FLOW_EV_POWER] = EVENT_POWER,
	[PT_FLOW_EV_STOP] = EVENT_STOP,
	[PT_FLOW_EV_INSN] = EVENT_INSN,
};

/* The branch flags of each branch kind, as perf's intel-pt decoder sets them. */
static const uint16_t branch_flags_of[PT_FLOW_K_NR] = {
	[PT_FLOW_K_CALL] = BRANCH_F_BRANCH | BRANCH_F_CALL,
	[PT_FLOW_K_RETURN] = BRANCH_F_BRANCH | BRANCH_F_RETURN,
	[PT_FLOW_K_JMP] = BRANCH_F_BRANCH,
	[PT_FLOW_K_JCC] = BRANCH_F_BRANCH | BRANCH_F_CONDITIONAL,
	[PT_FLOW_K_FAR_CALL] = BRANCH_F_BRANCH | BRANCH_F_CALL | BRANCH_F_FAR,
	[PT_FLOW_K_FAR_RETURN] = BRANCH_F_BRANCH | BRANCH_F_RETURN | BRANCH_F_FAR,
	[PT_FLOW_K_FAR_JMP] = BRANCH_F_BRANCH | BRANCH_F_FAR,
	[PT_FLOW_K_SYSCALL] = BRANCH_F_BRANCH | BRANCH_F_CALL | BRANCH_F_SYSCALLRET,
	[PT_FLOW_K_SYSRET] = BRANCH_F_BRANCH | BRANCH_F_RETURN | BRANCH_F_SYSCALLRET,
	[PT_FLOW_K_ASYNC] = BRANCH_F_BRANCH | BRANCH_F_ASYNC,
	[PT_FLOW_K_TX_ABORT] = BRANCH_F_BRANCH | BRANCH_F_TX_ABORT,
};

/* The detail of tsx and power events. */
static const uint8_t detail_of[PT_FLOW_K_NR] = {
	[PT_FLOW_K_TX_BEGIN] = EVENT_DETAIL_TX_BEGIN,
	[PT_FLOW_K_TX_COMMIT] = EVENT_DETAIL_TX_COMMIT,
	[PT_FLOW_K_TX_ABORT] = EVENT_DETAIL_TX_ABORT,
	[PT_FLOW_K_EXSTOP] = EVENT_DETAIL_EXSTOP,
	[PT_FLOW_K_MWAIT] = EVENT_DETAIL_MWAIT,
	[PT_FLOW_K_PWRE] = EVENT_DETAIL_PWRE,
	[PT_FLOW_K_PWRX] = EVENT_DETAIL_PWRX,
};

static const uint16_t trace_flags_of[PT_FLOW_EV_NR] = {
	[PT_FLOW_EV_TRACE_BEGIN] = BRANCH_F_TRACE_BEGIN,
	[PT_FLOW_EV_TRACE_END] = BRANCH_F_TRACE_END,
};

/*
 * v, through a register the compiler cannot see into: fields of the flow
 * event are read one by one, not as one 16-byte load over the 8-byte
 * stores that pt_flow has just made, which the CPU cannot forward (a
 * stall per event that showed as a tenth of `auxrec script`'s time).
 */
static inline uint64_t scalar(uint64_t v)
{
	__asm__("" : "+r"(v));
	return v;
}

/*
 * The typed event of fe (of type `type`) at time d->last_time, with error
 * text `error`, to the host: made in d->ev and handed over by the last
 * call, so that the event's common path saves and restores no registers.
 */
static inline __attribute__((always_inline)) int
hand_event(struct pt_decode *d, const struct pt_flow_event *fe, uint8_t type, const char *error)
{
	struct decode_event *ev = &d->ev;

	*ev = (struct decode_event){
		.kind = event_kind_of[type],
		.from = scalar(fe->from),
		.to = scalar(fe->to),
		.insn_count = fe->insn_count,
		.time = d->last_time,
		.aux_offset = d->chunk_offset + fe->offset,
		.payload = fe->payload,
		.error = error,
	};
	if (type == PT_FLOW_EV_TSX || type == PT_FLOW_EV_POWER)
		ev->detail = detail_of[fe->kind];
	else
		ev->branch = branch_flags_of[fe->kind] | trace_flags_of[type];
	return d->opts.event(d->opts.event_ctx, ev);
}

/* on_flow_event() of an error, a new TSC or a snapshot's overlap. */
static __attribute__((noinline)) int on_rare_event(struct pt_decode *d,
						   const struct pt_flow_event *fe, uint8_t type)
{
	if (type == PT_FLOW_EV_ERROR && fe->err == -PT_ERR_NEED_MORE) {
		d->cut_end = fe->offset + 1;
		if (cut_continued(d, fe->offset))
			return 0;	/* decoded whole with the next snapshot */
	}
	if (fe->offset < d->skip_below)
		return 0;	/* decoded from the previous snapshot */
	set_time(d, fe->tsc);
	return hand_event(d, fe, type, type == PT_FLOW_EV_ERROR ? pt_flow_errstr(fe->err) : NULL);
}

static int on_flow_event(void *ctx, const struct pt_flow_event *fe)
{
	struct pt_decode *d = ctx;
	/*
	 * The type alone, by a byte load (with err, the compiler loads 8
	 * bytes over pt_flow's byte and int stores: no store forwards to it,
	 * and it waits for every older store to reach the cache, the records
	 * of the event before too: a tenth of a threaded export's time).
	 */
	uint8_t type = (uint8_t)scalar(fe->type);

	if (type == PT_FLOW_EV_ERROR || fe->offset < d->skip_below || fe->tsc != d->last_tsc)
		return on_rare_event(d, fe, type);
	return hand_event(d, fe, type, NULL);
}

/*
 * Counting: the flow decoder's sums of taken branches, to the host's, a
 * call for each (its batches are no bigger: a call is an event to a join).
 */
static int on_flow_sums(void *ctx, const struct pt_flow_sum *v, size_t nr)
{
	struct pt_decode *d = ctx;
	struct branch_sum sums[64];
	size_t n;
	int r;

	for (; nr; v += n, nr -= n) {
		n = nr < 64 ? nr : 64;
		for (size_t k = 0; k < n; k++)
			sums[k] = (struct branch_sum){ .from = v[k].from, .insns = v[k].insns,
						       .branches = v[k].branches };
		r = d->opts.count(d->opts.event_ctx, sums, n);
		if (r)
			return r;
	}
	return 0;
}

/* The trace's clock reached tsc: asks the host whose code runs now. */
static uint64_t on_clock(void *ctx, uint64_t tsc, uint64_t *image)
{
	struct pt_decode *d = ctx;
	uint64_t t = tsc_to_perf_time(&d->tc, tsc), next;

	if (!t)
		return UINT64_MAX;
	next = d->opts.reached(d->opts.read_ctx, t, image);
	return perf_time_to_tsc(&d->tc, next);
}

static int read_code(void *ctx, uint64_t ip, uint8_t *buf, size_t len)
{
	struct pt_decode *d = ctx;

	return d->opts.read_code(d->opts.read_ctx, ip, buf, len);
}

void *intel_pt_decode_begin(const struct decode_opts *opts)
{
	struct pt_decode *d = calloc(1, sizeof(*d));
	struct pt_flow_config cfg = { 0 };

	if (!d)
		return NULL;
	d->opts = *opts;
	d->tc = (struct tsc_conv){ .time_shift = opts->time_shift, .time_mult = opts->time_mult,
				   .time_zero = opts->time_zero };
	cfg.image.read = read_code;
	cfg.image.ctx = d;
	cfg.event = on_flow_event;
	cfg.event_ctx = d;
	cfg.flags = (opts->insns ? PT_FLOW_F_INSN : 0) | (opts->no_time ? PT_FLOW_F_NO_TIME : 0);
	if (opts->reached && tsc_conv_valid(&d->tc)) {
		cfg.clock = on_clock;
		cfg.clock_ctx = d;
	}
	if (opts->attr)
		cfg.mtc_freq = (opts->attr->config >> 14) & 0xf;	/* mtc_period */
	if (opts->nr_priv > INTEL_PT_TSC_CTC_D) {
		cfg.tsc_ctc_num = opts->info_priv[INTEL_PT_TSC_CTC_N];
		cfg.tsc_ctc_den = opts->info_priv[INTEL_PT_TSC_CTC_D];
	}
	if (opts->nr_priv > INTEL_PT_MAX_NONTURBO_RATIO &&
	    opts->info_priv[INTEL_PT_MAX_NONTURBO_RATIO] <= UINT8_MAX)
		cfg.nom_freq =
			(uint8_t)opts->info_priv[INTEL_PT_MAX_NONTURBO_RATIO];
	d->snapshot = opts->nr_priv > INTEL_PT_SNAPSHOT_MODE &&
		      opts->info_priv[INTEL_PT_SNAPSHOT_MODE];
	/* snapshots drop the events of bytes decoded before: events then */
	if (opts->count && !d->snapshot)
		cfg.sums = on_flow_sums;
	if (opts->fold_branches && !d->snapshot) {
		cfg.flags |= PT_FLOW_F_FOLD;
		/* the first TSC with a perf time: 0 means none (tsc_to_perf_time) */
		cfg.timed_tsc = tsc_conv_valid(&d->tc) ? perf_time_to_tsc(&d->tc, 1) : UINT64_MAX;
	}
	d->flow = pt_flow_new(&cfg);
	if (!d->flow) {
		free(d);
		return NULL;
	}
	return d;
}

static struct pt_windows windows_of(const struct aux_chunk *chunk)
{
	return (struct pt_windows){ .v = chunk->windows, .nr = chunk->nr_windows,
				    .len = chunk->size };
}

/* A chunk, or a range of one, starts: the owner is the chunk's again. */
static void start_chunk(struct pt_decode *d, const struct aux_chunk *chunk)
{
	d->chunk_offset = chunk->aux_offset;
	d->cut_end = 0;
	d->skip_below = 0;
	if (d->opts.reached) {
		uint64_t image = pt_flow_image(d->flow);

		d->opts.reached(d->opts.read_ctx, 0, &image);
		pt_flow_set_image(d->flow, image);
	}
}

/*
 * A snapshot: when it overlaps the previous one of its area, the bytes
 * to decode are the previous one's from its last PSB before the first
 * byte not decoded (its end, or a packet it cut), then the snapshot's
 * new bytes: one stretch of the trace, decoded on with nothing lost
 * between them and nothing given twice. Else the snapshot alone.
 */
static int decode_snapshot(struct pt_decode *d, const struct aux_chunk *chunk)
{
	struct pt_snapshot_seam seam;
	const uint8_t *buf = chunk->data;
	size_t len = chunk->size, from, fresh;
	ssize_t psb;
	int ret;

	pt_snapshot_seam(&d->snap_prev, chunk, &seam);
	from = seam.prev_len - seam.cut;
	psb = seam.overlap ? pt_sync_backward(seam.prev, seam.prev_len, from) : -1;
	if (psb >= 0) {
		fresh = chunk->size - seam.overlap;
		len = seam.prev_len - (size_t)psb + fresh;
		if (len > d->joined_cap) {
			uint8_t *nb = realloc(d->joined, len);

			if (!nb)
				return -ENOMEM;
			d->joined = nb;
			d->joined_cap = len;
		}
		memcpy(d->joined, seam.prev + psb, seam.prev_len - (size_t)psb);
		memcpy(d->joined + seam.prev_len - psb, chunk->data + seam.overlap, fresh);
		buf = d->joined;
		d->skip_below = from - (size_t)psb;
		/* offsets in the buffer joined, as the snapshot's (modulo 2^64) */
		d->chunk_offset = chunk->aux_offset + seam.overlap - (seam.prev_len - (size_t)psb);
	} else if (seam.overlap) {
		d->skip_below = seam.overlap > seam.cut ? seam.overlap - seam.cut : 0;
	}
	d->snap_data = chunk->data;
	d->snap_size = chunk->size;
	d->snap_len = len;
	d->snap_continued = pt_snapshot_continued(chunk);
	ret = pt_flow_decode(d->flow, buf, len);
	/* the joined buffer ends as the snapshot does */
	pt_snapshot_keep(&d->snap_prev, chunk, d->cut_end ? len - (d->cut_end - 1) : 0);
	return ret;
}

int intel_pt_decode_chunk(void *state, const struct aux_chunk *chunk)
{
	struct pt_decode *d = state;

	start_chunk(d, chunk);
	if (chunk->nr_windows) {
		struct pt_windows w = windows_of(chunk);

		/* a snapshot's seams are decoded in one buffer (decoder.h) */
		return d->snapshot ? -EINVAL : pt_flow_decode_windows(d->flow, &w);
	}
	if (d->snapshot)
		return decode_snapshot(d, chunk);
	return pt_flow_decode(d->flow, chunk->data, chunk->size);
}

/* Split points are PSBs: the flow decoder starts at one after a reset. */
long intel_pt_split_next(const struct aux_chunk *chunk, size_t from)
{
	struct pt_windows w = windows_of(chunk);
	ssize_t s = chunk->nr_windows ? pt_sync_forward_windows(&w, from)
				      : pt_sync_forward(chunk->data, chunk->size, from);

	return s < 0 ? -1 : (long)s;
}

int intel_pt_decode_range(void *state, const struct aux_chunk *chunk, size_t start, size_t end)
{
	struct pt_decode *d = state;

	start_chunk(d, chunk);
	if (chunk->nr_windows) {
		struct pt_windows w = windows_of(chunk);

		return pt_flow_decode_from_windows(d->flow, &w, start, end);
	}
	return pt_flow_decode_from(d->flow, chunk->data, chunk->size, start, end);
}

/*
 * AUXREC_PAR_NO_JOIN=1, for tests: no join is ever found, as in a trace
 * whose ranges stop joining (the exact state decodes on through them).
 */
static bool test_no_join(void)
{
	static int no_join = -1;

	if (no_join < 0) {
		const char *e = getenv("AUXREC_PAR_NO_JOIN");

		no_join = e && *e && strcmp(e, "0");
	}
	return no_join;
}

int intel_pt_decode_join(void *state, void *next, size_t end, uint64_t *drop)
{
	struct pt_decode *d = state, *n = next;

	return pt_flow_join(d->flow, test_no_join() ? NULL : n->flow, end, drop);
}

int intel_pt_range_take_over(void *state, uint64_t drop)
{
	struct pt_decode *d = state;

	return pt_flow_take_over(d->flow, drop);
}

bool intel_pt_range_used_before(const void *state)
{
	const struct pt_decode *d = state;

	return pt_flow_used_before(d->flow);
}

void intel_pt_decode_end(void *state)
{
	struct pt_decode *d = state;

	if (!d)
		return;
	pt_flow_free(d->flow);
	pt_snapshot_free(&d->snap_prev);
	free(d->joined);
	free(d);
}
