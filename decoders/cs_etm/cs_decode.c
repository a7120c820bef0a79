// SPDX-License-Identifier: GPL-2.0
/*
 * cs_decode.c - cs_etm's decode: OpenCSD's full decoders (cs_tree.c) turn
 * each chunk into generic trace elements, read code through
 * opts->read_code, and this file turns the elements into typed events
 * (decoders/event.h), each trace ID on its own:
 *
 *  - an instruction range ending in an executed branch (OpenCSD's
 *    last_instr_exec on a direct or indirect branch) is a taken branch
 *    from that instruction to the start of the next range: a call (branch
 *    with link), a return (RET), an exception return (ERET), a
 *    conditional branch (B.cond, CBZ, TBZ, ...), or a jump;
 *  - the first range after trace on, a lost sync, or the start of a chunk
 *    is EVENT_TRACE_BEGIN at its start; trace on, a lost sync or the end
 *    of the chunk after a range is EVENT_TRACE_END after its last
 *    instruction, with the kind of that instruction when it is a branch
 *    (taken or not: as the other decoders' trace ends, and perf's);
 *  - an exception is a branch from the last instruction executed
 *    (BRANCH_F_ASYNC; a system call for an exception of type 2, a call,
 *    taken by an SVC (not SMC or HVC), as perf tells them; an interrupt
 *    for IRQ and FIQ) to where trace resumes, or the kind of the trace end
 *    when tracing stops there (user-only tracing: the kernel is not
 *    traced, and Trace On follows);
 *  - code that cannot be read is EVENT_ERROR "no code at address" at it;
 *    a lost sync after a bad packet, an overflow or a discard, and a
 *    failed data path, are errors too; decoding resumes at the next
 *    A-sync (OpenCSD) or the next frame (cs_tree.c);
 *  - timestamps give the later events of their trace ID their time,
 *    converted by TIME_CONV when the recording has it.
 *
 *  - a PE context naming a context ID, when the tracer's configuration
 *    says the ID is Linux's tid (perf's rule, cs_etm__get_pid_fmt: in
 *    TRCCONFIGR the VMID bits, CONTEXTIDR_EL2, else the CID bit,
 *    CONTEXTIDR_EL1; for ETMv3 ETMCR's CTXTID), makes that thread the
 *    owner of the code and of the events of its trace ID from there on
 *    (opts->context): a CPU-wide trace follows the threads inside a chunk
 *    as perf does.
 *
 * Frames can interleave several trace IDs (CPUs sharing a sink): as
 * perf's traceid_queues, each ID has its own time and thread. The host
 * knows one owner, so when an event or a code read is of another ID than
 * the one whose context it was told last, that ID's thread is announced
 * to it again; an ID without a context ID yet in the chunk leaves the
 * host's owner as it is (the chunk's, or another ID's thread).
 * Each ID's events are of the CPU whose AUXTRACE_INFO block has that
 * trace ID, as perf's samples (cs_etm__get_cpu(): the block's CPU, for
 * per-thread buffers too): the host is told (opts->events_cpu) whenever
 * an event's CPU is not the one it has, the buffer's at each chunk's
 * start. An error of the data path, of no ID, has the buffer's CPU. (OpenCSD
 * decodes only the IDs of the blocks: an ID of none gives no event, where
 * perf stops decoding the buffer.)
 *
 * The decoder state of each chunk starts afresh, as perf resets its
 * decoder for every PERF_RECORD_AUX. Until a context ID says otherwise,
 * code is read as the chunk's owner's (opts->reached is not called).
 * insn_count counts the instructions
 * since the previous event; with opts->insns every instruction of a
 * range is an EVENT_INSN (4 bytes each: A64 and A32; T32 ranges give
 * their first instruction only).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <opencsd/c_api/opencsd_c_api.h>
#include "decoders/aux_window.h"
#include "cs_etm.h"
#include "lib/util/tsc.h"

/* ETMv4 exception numbers perf names (tools/perf/util/cs-etm.h) */
#define EXC_CALL	2
#define EXC_IRQ		14
#define EXC_FIQ		15

/* where the tid is in a PE context: perf's ETM4_CFG_BIT_* and ETM_OPT_CTXTID */
#define ETM4_CFG_CTXTID		(1u << 6)
#define ETM4_CFG_VMID		(1u << 7 | 1u << 15)
#define ETM3_CR_CTXTID		(1u << 14)

#define NR_IDS	128

struct cs_stream {
	bool in_trace;		/* a range seen since trace (re)started */
	bool pending;		/* pend_flags: a transfer waiting for its target */
	uint16_t pend_flags;
	uint16_t last_flags;	/* kind of the last instruction, 0: no branch */
	uint64_t pend_from;
	uint64_t last;		/* the last instruction executed */
	uint64_t insns;		/* since the previous event */
	uint64_t time;		/* of the last timestamp; 0: none */
	/* the context ID's thread (-1: none in this chunk) and when its name changes */
	int ctx_tid;
	uint64_t ctx_name_next;
};

struct cs_decode {
	struct decode_opts opts;
	struct tsc_conv tc;
	struct cs_etm_info info;
	const char *info_err;	/* why the AUXTRACE_INFO is unusable */
	/* [0] packet processors (the scan), [1] full decoders */
	struct cs_tree *fmt[2];	/* frame-formatted streams */
	struct cs_tree *raw[2];	/* raw stream of raw_cpu */
	int32_t raw_cpu;
	struct cs_tree *tree;	/* the chunk's full decoders */
	uint64_t mispredict_at;	/* index of the chunk's first Mispredict */
	uint64_t base;		/* aux_offset of the chunk */
	int64_t time_idx;	/* the buffer (chunk idx) the times are of; -1: none */
	int owner;		/* the ID whose thread the host has; -1: the chunk's */
	int cpu;		/* the events' CPU the host has; -1: the chunk's */
	int32_t id_cpu[NR_IDS];	/* each trace ID's CPU (its block's); -1: none */
	struct cs_stream *cur;	/* of the last element: the chunk's errors' time */
	struct cs_stream s[NR_IDS];
};

/*
 * The context ID's thread owns the code and events of stream s from here
 * on, named as at its last timestamp; without one yet, named again at the
 * first.
 */
static void set_context(struct cs_decode *d, struct cs_stream *s, int tid)
{
	uint64_t image, next = d->opts.context(d->opts.read_ctx, tid, s->time, &image);

	s->ctx_tid = tid;
	s->ctx_name_next = s->time ? next : 0;
	d->owner = (int)(s - d->s);
}

/* The host's owner made stream s's thread, if it has one and another ID had it. */
static void own(struct cs_decode *d, struct cs_stream *s)
{
	if (s->ctx_tid >= 0 && d->owner != s - d->s)
		set_context(d, s, s->ctx_tid);
}

/* The host's CPU of the events made cpu (-1: the chunk's). */
static void set_cpu(struct cs_decode *d, int cpu)
{
	if (d->cpu != cpu && d->opts.events_cpu) {
		d->cpu = cpu;
		d->opts.events_cpu(d->opts.read_ctx, cpu);
	}
}

static int emit(struct cs_decode *d, struct cs_stream *s, uint8_t kind, uint16_t flags,
		uint64_t from, uint64_t to, uint64_t index, const char *error)
{
	struct decode_event ev = {
		.kind = kind, .branch = flags, .from = from, .to = to,
		.insn_count = s->insns, .time = s->time, .aux_offset = d->base + index,
		.error = error,
	};

	own(d, s);
	set_cpu(d, d->id_cpu[s - d->s]);
	s->insns = 0;
	return d->opts.event(d->opts.event_ctx, &ev);
}

static uint16_t branch_flags(const ocsd_generic_trace_elem *e)
{
	uint16_t f = BRANCH_F_BRANCH;

	if (e->last_i_subtype == OCSD_S_INSTR_BR_LINK)
		return f | BRANCH_F_CALL;
	if (e->last_i_subtype == OCSD_S_INSTR_V8_RET)
		return f | BRANCH_F_RETURN;
	if (e->last_i_subtype == OCSD_S_INSTR_V8_ERET)
		return f | BRANCH_F_RETURN | BRANCH_F_INTERRUPT;
	if (e->last_instr_cond)
		return f | BRANCH_F_CONDITIONAL;
	return f;
}

static bool is_svc(struct cs_decode *d, uint64_t pc)
{
	uint8_t b[4];

	return d->opts.read_code && d->opts.read_code(d->opts.read_ctx, pc, b, 4) == 4 &&
	       (((uint32_t)b[3] << 24 | b[2] << 16 | b[1] << 8 | b[0]) & 0xffe0001f) == 0xd4000001;
}

/* The exception's flags: of a system call when a call (type 2) by SVC. */
static uint16_t exception_flags(struct cs_decode *d, uint32_t number, uint64_t from)
{
	uint16_t f = BRANCH_F_BRANCH | BRANCH_F_CALL | BRANCH_F_ASYNC;

	if (number == EXC_CALL && is_svc(d, from))
		return BRANCH_F_BRANCH | BRANCH_F_CALL | BRANCH_F_SYSCALLRET;
	if (number == EXC_IRQ || number == EXC_FIQ)
		return f | BRANCH_F_INTERRUPT;
	return f;
}

/* Trace stops: what was pending, or the last range, ends it. */
static int end_trace(struct cs_decode *d, struct cs_stream *s, uint64_t index)
{
	int ret = 0;

	if (s->in_trace)
		ret = emit(d, s, EVENT_TRACE_END, (s->pending ? s->pend_flags : s->last_flags) |
			   BRANCH_F_TRACE_END, s->pending ? s->pend_from : s->last, 0, index, NULL);
	s->in_trace = false;
	s->pending = false;
	return ret;
}

static int insns(struct cs_decode *d, struct cs_stream *s, const ocsd_generic_trace_elem *e,
		 uint64_t index)
{
	uint64_t step = e->isa == ocsd_isa_aarch64 || e->isa == ocsd_isa_arm ? 4 : 0;
	int ret = 0;

	for (uint64_t a = e->st_addr; !ret && a < e->en_addr; a += step) {
		s->insns++;
		ret = emit(d, s, EVENT_INSN, 0, a, 0, index, NULL);
		if (!step)
			break;
	}
	return ret;
}

static int on_range(struct cs_decode *d, struct cs_stream *s, const ocsd_generic_trace_elem *e,
		    uint64_t index)
{
	int ret;

	if (!s->in_trace)
		ret = emit(d, s, EVENT_TRACE_BEGIN, BRANCH_F_TRACE_BEGIN, 0, e->st_addr, index,
			   NULL);
	else if (s->pending)
		ret = emit(d, s, EVENT_BRANCH, s->pend_flags, s->pend_from, e->st_addr, index,
			   NULL);
	else
		ret = 0;
	s->in_trace = true;
	if (!ret && d->opts.insns)
		ret = insns(d, s, e, index);
	else
		s->insns += e->num_instr_range;
	s->last = e->en_addr - e->last_instr_sz;
	s->last_flags = e->last_i_type == OCSD_INSTR_BR ||
			e->last_i_type == OCSD_INSTR_BR_INDIRECT ? branch_flags(e) : 0;
	s->pending = e->last_instr_exec && s->last_flags;
	if (s->pending) {
		s->pend_from = s->last;
		s->pend_flags = s->last_flags;
	}
	return ret;
}

static int on_unsync(struct cs_decode *d, struct cs_stream *s, const ocsd_generic_trace_elem *e,
		     uint64_t index)
{
	int ret = end_trace(d, s, index);

	if (ret || e->elem_type != OCSD_GEN_TRC_ELEM_NO_SYNC)
		return ret;
	switch (e->unsync_eot_info) {
	case UNSYNC_OVERFLOW:
		return emit(d, s, EVENT_OVERFLOW, 0, 0, 0, index, NULL);
	case UNSYNC_DISCARD:
		return emit(d, s, EVENT_ERROR, 0, 0, 0, index, "trace discarded");
	case UNSYNC_BAD_PACKET:
		return emit(d, s, EVENT_ERROR, 0, 0, 0, index, "bad packet");
	default:
		return 0;
	}
}

/* The thread a PE context names, or -1 (perf's cs_etm__get_pid_fmt). */
static int context_tid(const struct cs_decode *d, uint8_t id, const ocsd_pe_context *c)
{
	const struct cs_cpu_info *ci = cs_etm_info_by_trace_id(&d->info, id);
	uint64_t cfg;

	if (!ci)
		return -1;
	if (ci->magic == CS_MAGIC_ETMV3)
		return (ci->param[CS_V3_ETMCR] & ETM3_CR_CTXTID) && c->ctxt_id_valid ?
		       (int)c->context_id : -1;
	cfg = ci->param[CS_V4_TRCCONFIGR];
	if (cfg & ETM4_CFG_VMID)
		return c->vmid_valid ? (int)c->vmid : -1;
	return (cfg & ETM4_CFG_CTXTID) && c->ctxt_id_valid ? (int)c->context_id : -1;
}

static int on_element(void *ctx, uint64_t index, uint8_t id, const ocsd_generic_trace_elem *e)
{
	struct cs_decode *d = ctx;
	struct cs_stream *s = d->cur = &d->s[id & (NR_IDS - 1)];

	switch (e->elem_type) {
	case OCSD_GEN_TRC_ELEM_INSTR_RANGE:
		return on_range(d, s, e, index);
	case OCSD_GEN_TRC_ELEM_TRACE_ON:
	case OCSD_GEN_TRC_ELEM_NO_SYNC:
	case OCSD_GEN_TRC_ELEM_EO_TRACE:
		return on_unsync(d, s, e, index);
	case OCSD_GEN_TRC_ELEM_EXCEPTION:
		s->last_flags = 0;
		s->pending = s->in_trace;
		s->pend_from = s->last;
		s->pend_flags = exception_flags(d, e->exception_number, s->last);
		return 0;
	case OCSD_GEN_TRC_ELEM_ADDR_NACC:
		s->in_trace = false;
		s->pending = false;
		return emit(d, s, EVENT_ERROR, 0, e->st_addr, 0, index, "no code at address");
	case OCSD_GEN_TRC_ELEM_PE_CONTEXT: {
		int tid = d->opts.context ? context_tid(d, id, &e->context) : -1;

		if (tid >= 0) {
			if (tid != s->ctx_tid)	/* other code: not what OpenCSD read */
				cs_tree_forget_code(d->tree);
			set_context(d, s, tid);
		}
		return 0;
	}
	case OCSD_GEN_TRC_ELEM_TIMESTAMP:
		s->time = tsc_conv_valid(&d->tc) ? tsc_to_perf_time(&d->tc, e->timestamp) : 0;
		/* the context's thread renamed (or exec'd) by now */
		if (s->ctx_tid >= 0 && s->time && s->time >= s->ctx_name_next) {
			cs_tree_forget_code(d->tree);	/* an exec's code maybe */
			set_context(d, s, s->ctx_tid);
		}
		return 0;
	default:
		return 0;
	}
}

static uint32_t read_code(void *ctx, uint8_t id, uint64_t addr, uint32_t len, uint8_t *buf)
{
	struct cs_decode *d = ctx;
	int n;

	if (!d->opts.read_code)
		return 0;
	own(d, &d->s[id & (NR_IDS - 1)]);	/* code of the ID's thread */
	n = d->opts.read_code(d->opts.read_ctx, addr, buf, len);
	return n > 0 ? (uint32_t)n : 0;
}

static int on_error(void *ctx, uint64_t index, const char *what)
{
	struct cs_decode *d = ctx;
	struct decode_event ev = { .kind = EVENT_ERROR, .aux_offset = d->base + index,
				   .error = what };

	for (unsigned int i = 0; i < NR_IDS; i++)
		d->s[i].in_trace = d->s[i].pending = false;
	set_cpu(d, -1);
	return d->opts.event(d->opts.event_ctx, &ev);
}

void *cs_etm_decode_begin(const struct decode_opts *opts)
{
	struct cs_decode *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->opts = *opts;
	d->raw_cpu = -1;
	d->time_idx = -1;
	d->owner = -1;
	d->cpu = -1;
	d->cur = &d->s[0];
	for (unsigned int i = 0; i < NR_IDS; i++) {
		d->s[i].ctx_tid = -1;
		d->id_cpu[i] = -1;
	}
	d->tc = (struct tsc_conv){ .time_shift = opts->time_shift, .time_mult = opts->time_mult,
				   .time_zero = opts->time_zero };
	if (!opts->info_priv)
		d->info_err = "no cs_etm AUXTRACE_INFO to configure the decoders";
	else if (cs_etm_info_parse(opts->info_priv, opts->nr_priv, &d->info, &d->info_err))
		cs_etm_info_free(&d->info);
	else
		d->info_err = NULL;
	/* the first block of an ID wins (perf refuses a file that gives one twice) */
	for (uint32_t i = 0; i < d->info.nr_cpus; i++) {
		const struct cs_cpu_info *c = &d->info.cpus[i];

		if (d->id_cpu[c->trace_id] < 0 && c->cpu >= 0)
			d->id_cpu[c->trace_id] = c->cpu;
	}
	return d;
}

static void scan_packet(void *ctx, uint64_t index, uint8_t id, int protocol, const void *pkt,
			uint32_t size)
{
	struct cs_decode *d = ctx;

	if ((protocol == OCSD_PROTOCOL_ETMV4I || protocol == OCSD_PROTOCOL_ETE) &&
	    ((const ocsd_etmv4_i_pkt *)pkt)->type == ETM4_PKT_I_MISPREDICT &&
	    index < d->mispredict_at)
		d->mispredict_at = index;
}

/* The chunk's tree: full decoders, or packet processors for the scan. */
static struct cs_tree *tree_for(struct cs_decode *d, const struct aux_chunk *c, bool full,
				const char **why)
{
	static const struct cs_tree_ops full_ops = {
		.read_code = read_code, .element = on_element, .error = on_error,
	};
	static const struct cs_tree_ops scan_ops = { .packet = scan_packet };
	struct cs_tree_ops o = full ? full_ops : scan_ops;
	bool raw = c->flags & CS_AUX_FORMAT_RAW;

	o.ctx = d;
	if (!raw) {
		if (!d->fmt[full])
			d->fmt[full] = cs_tree_new(&d->info, false, -1, full, &o, why);
		return d->fmt[full];
	}
	if (d->raw_cpu != c->cpu) {
		cs_tree_free(d->raw[0]);
		cs_tree_free(d->raw[1]);
		d->raw[0] = d->raw[1] = NULL;
		d->raw_cpu = c->cpu;
	}
	if (!d->raw[full])
		d->raw[full] = cs_tree_new(&d->info, true, c->cpu, full, &o, why);
	return d->raw[full];
}

/*
 * OpenCSD 1.3.3's ETMv4 decoder can crash on a Mispredict packet
 * (TrcPktDecodeEtmV4I::mispredictAtom walks its element stack past an
 * erased entry; found by tests/fuzz/fuzz_cs_etm.c), so the packet
 * processors scan the chunk first and the decoders get it only up to the
 * frame (raw: the byte) of its first Mispredict, which is an error.
 * Cores that do not trace speculatively (TRCIDR8.MAXSPEC 0, Cortex-A53,
 * A57, A72, ...) emit none.
 */
static size_t decodable_len(struct cs_decode *d, const struct aux_chunk *c, const char **why)
{
	struct cs_tree *scan = tree_for(d, c, false, why);

	d->mispredict_at = UINT64_MAX;
	if (!scan)
		return 0;
	cs_tree_decode(scan, c, c->size);
	if (d->mispredict_at >= c->size)
		return c->size;
	return c->flags & CS_AUX_FORMAT_RAW ? d->mispredict_at : d->mispredict_at & ~15ull;
}

int cs_etm_decode_chunk(void *state, const struct aux_chunk *chunk)
{
	struct cs_decode *d = state;
	const char *why = d ? d->info_err : NULL;
	struct cs_tree *t = NULL;
	size_t len = 0;
	int ret;

	if (!d || !chunk || !aux_chunk_readable(chunk))
		return -EINVAL;
	d->base = chunk->aux_offset;
	d->cpu = -1;	/* the host starts each piece with the chunk's CPU */
	if (!why)
		len = decodable_len(d, chunk, &why);
	if (!why)
		t = d->tree = tree_for(d, chunk, true, &why);
	if (!t)
		return emit(d, &d->s[0], EVENT_ERROR, 0, 0, 0, 0, why);
	/*
	 * Each ID's last timestamp's time holds on into the next chunk of its
	 * buffer, which goes on after it. A chunk of another buffer (another
	 * CPU's: per-CPU buffers come in no order of time) has no time until
	 * its first timestamp: that one may be later than its trace, and a
	 * context ID's thread named as then kept a name it took after.
	 */
	for (unsigned int i = 0; i < NR_IDS; i++)
		d->s[i] = (struct cs_stream){
			.time = d->time_idx == (int64_t)chunk->idx ? d->s[i].time : 0,
			.ctx_tid = -1,	/* the piece's owner until a context ID says */
		};
	d->time_idx = chunk->idx;
	d->owner = -1;
	d->cur = &d->s[0];
	ret = cs_tree_decode(t, chunk, len);
	for (unsigned int i = 0; !ret && i < NR_IDS; i++)
		ret = end_trace(d, &d->s[i], len);
	if (!ret && len < chunk->size)
		ret = emit(d, d->cur, EVENT_ERROR, 0, 0, 0, d->mispredict_at,
			   "Mispredict packet: rest of chunk not decoded (OpenCSD 1.3.3 fails)");
	if (!ret && (chunk->flags & PERF_AUX_FLAG_TRUNCATED))
		ret = emit(d, d->cur, EVENT_ERROR, 0, 0, 0, chunk->size, "lost trace data");
	return ret;
}

void cs_etm_decode_end(void *state)
{
	struct cs_decode *d = state;

	if (!d)
		return;
	for (int i = 0; i < 2; i++) {
		cs_tree_free(d->fmt[i]);
		cs_tree_free(d->raw[i]);
	}
	cs_etm_info_free(&d->info);
	free(d);
}
