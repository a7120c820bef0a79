// SPDX-License-Identifier: GPL-2.0
/*
 * cs_tree.c - the OpenCSD decode tree behind both the cs_etm packet dump
 * and its decode, configured as perf configures it
 * (tools/perf/util/cs-etm-decoder/cs-etm-decoder.c):
 *
 *  - frame-formatted data (the default) goes through OpenCSD's
 *    deformatter (16-byte frames, memory aligned, a reset on 4 FSYNCs),
 *    which hands each trace ID's bytes to that ID's decoder: one per CPU
 *    block of AUXTRACE_INFO; raw data (PERF_AUX_FLAG_CORESIGHT_FORMAT_RAW,
 *    TRBE) is a single source: the decoder of the chunk's CPU only;
 *  - each decoder is configured from its block's registers: ETMv3/PTM
 *    (ETMCR, ETMCCER, ETMIDR, trace ID; v7, Cortex-A), ETMv4 (TRCCONFIGR,
 *    TRCTRACEIDR, TRCIDR0/1/2/8; AArch64 when TRCIDR1's minor version is 4
 *    or more, else v8) and ETE (the same plus TRCDEVARCH; AArch64);
 *  - packet processors only for the dump (packets through OpenCSD's
 *    packet monitor, with their bytes), full decoders for decoding
 *    (generic elements out, code in through a callback by trace ID).
 *
 * OpenCSD's own error log is switched off: errors reach the caller as
 * elements (no sync, ...) or as a failed data path, which is reported
 * through ops->error, after which the tree is reset and fed the rest.
 *
 * OpenCSD can also crash on damaged data: Debian's libopencsd 1.3.3 reads
 * through an iterator of its ETMv4 P0 stack that an erase in the middle of
 * the deque has invalidated (TrcPktDecodeEtmV4I::mispredictAtom(); found
 * by tests/fuzz/fuzz_cs_etm.c, tests/fuzz/crashers/). So while OpenCSD's
 * own code runs on a thread (not our callbacks), a SIGSEGV or SIGBUS on
 * it jumps back to cs_tree_decode(), which reports "OpenCSD crashed" at
 * that point through ops->error, abandons that tree without touching it
 * (its memory is leaked: destroying it would walk the broken state),
 * builds a fresh one and goes on a frame further. A fault anywhere else
 * goes to the handler there was before, as it would have.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include "decoders/aux_window.h"
#include "decoders/cs_etm/cs_ocsd.h"
#include "cs_etm.h"

#define TRCIDR1_ARCHMIN(x)	(((x) >> 4) & 0xf)

struct cs_source {
	struct cs_tree *tree;
	uint8_t trace_id;
	int protocol;		/* ocsd_trace_protocol_t */
};

struct cs_tree {
	const struct cs_ocsd_api *ocsd;	/* OpenCSD, loaded on first use */
	dcd_tree_handle_t h;
	struct cs_tree_ops ops;
	bool raw, full;
	const struct cs_etm_info *info;	/* what the tree is built from (build()) */
	const struct cs_cpu_info *one;	/* raw: the chunk's CPU */
	int stop;		/* a callback's non-zero value */
	int owner;		/* the ID of the last packet, whose code OpenCSD may have
			 * cached; -1: none since the tree was built or the cache emptied
			 * at the chunk's start */
	uint32_t nr_src;
	struct cs_source src[];
};

/* Set while OpenCSD's code runs on this thread: where a fault in it goes. */
static __thread sigjmp_buf *ocsd_fault_jump;
static struct sigaction fault_before[2];	/* SIGSEGV's and SIGBUS's handlers before */
static pthread_once_t fault_once = PTHREAD_ONCE_INIT;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	sigjmp_buf *jump = ocsd_fault_jump;

	(void)si;
	(void)uc;
	if (jump) {
		ocsd_fault_jump = NULL;
		siglongjmp(*jump, 1);
	}
	/* not in OpenCSD: the handler before takes the fault, which comes again */
	sigaction(sig, &fault_before[sig == SIGBUS], NULL);
}

static void install_fault_handler(void)
{
	struct sigaction sa = { .sa_sigaction = on_fault, .sa_flags = SA_SIGINFO | SA_NODEFER };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, &fault_before[0]);
	sigaction(SIGBUS, &sa, &fault_before[1]);
}

/* Our callbacks run outside the guard: a fault in them is ours, not OpenCSD's. */
#define UNGUARDED(expr) ({						\
	sigjmp_buf *saved_jump = ocsd_fault_jump;			\
	__typeof__(expr) unguarded_ret;					\
									\
	ocsd_fault_jump = NULL;						\
	unguarded_ret = (expr);						\
	ocsd_fault_jump = saved_jump;					\
	unguarded_ret;							\
})

static ocsd_datapath_resp_t elem_in(const void *ctx, const ocsd_trc_index_t index,
				    const uint8_t trace_id, const ocsd_generic_trace_elem *elem)
{
	struct cs_tree *t = (struct cs_tree *)ctx;

	if (t->stop)
		return OCSD_RESP_WAIT;
	t->stop = UNGUARDED(t->ops.element(t->ops.ctx, index, trace_id, elem));
	return t->stop ? OCSD_RESP_WAIT : OCSD_RESP_CONT;
}

static uint32_t mem_in(const void *ctx, const ocsd_vaddr_t addr, const ocsd_mem_space_acc_t space,
		       const uint8_t trace_id, const uint32_t len, uint8_t *buf)
{
	struct cs_tree *t = (struct cs_tree *)ctx;

	return UNGUARDED(t->ops.read_code(t->ops.ctx, trace_id, addr, len, buf));
}

/*
 * OpenCSD's memory access cache (TrcMemAccCache, inside the tree's
 * TrcMemAccMapper) keeps the last 12 pages of 256 bytes read through
 * mem_in, keyed by address alone in 1.3.3: neither the trace ID nor the
 * process whose code they are, and it is only emptied when the accessor
 * changes. Trace IDs of several processes in one tree (ETMs sharing a
 * sink), or one ID after a context switch, would read another process's
 * code at the same address. The C API has no switch for the cache, but
 * removing an accessor empties it (TrcMemAccMapper::RemoveAccessorByAddress):
 * forget_code() removes ours and adds it again.
 */
static void forget_code(struct cs_tree *t)
{
	if (!t->h)
		return;
	t->ocsd->ocsd_dt_remove_mem_acc(t->h, 0, OCSD_MEM_SPACE_ANY);
	if (t->ocsd->ocsd_dt_add_callback_trcid_mem_acc(t->h, 0, ~0ULL, OCSD_MEM_SPACE_ANY,
							mem_in, t) && !t->stop && t->ops.error)
		t->stop = UNGUARDED(t->ops.error(t->ops.ctx, 0, "OpenCSD refused the code reader"));
}

void cs_tree_forget_code(struct cs_tree *t)
{
	if (t && t->full)
		forget_code(t);
}

/*
 * Full decode of several trace IDs: each packet reaches the monitor before
 * its ID's decoder, which may read code for it: a packet of another ID
 * than the last one's empties the cache first.
 */
static void owner_mon(const void *ctx, const ocsd_datapath_op_t op, const ocsd_trc_index_t index,
		      const void *pkt, const uint32_t size, const uint8_t *data)
{
	const struct cs_source *s = ctx;
	struct cs_tree *t = s->tree;

	(void)op;
	(void)index;
	(void)pkt;
	(void)size;
	(void)data;
	if (t->owner != s->trace_id) {
		if (t->owner >= 0)	/* -1: nothing read since the tree or the chunk began */
			forget_code(t);
		t->owner = s->trace_id;
	}
}

static void packet_mon(const void *ctx, const ocsd_datapath_op_t op, const ocsd_trc_index_t index,
		       const void *pkt, const uint32_t size, const uint8_t *data)
{
	const struct cs_source *s = ctx;
	struct cs_tree *t = s->tree;

	if (op == OCSD_OP_DATA && pkt)
		UNGUARDED((t->ops.packet(t->ops.ctx, index, s->trace_id, s->protocol, pkt, size), 0));
}

/*
 * The registers ETMv4 and ETE share, into OpenCSD's ocsd_etmv4_cfg or
 * ocsd_ete_cfg (two structures with the same field names).
 */
#define SET_ETMV4_REGS(cfg, p) do {				\
	(cfg).reg_configr = (p)[CS_V4_TRCCONFIGR];		\
	(cfg).reg_traceidr = (p)[CS_V4_TRCTRACEIDR];		\
	(cfg).reg_idr0 = (p)[CS_V4_TRCIDR0];			\
	(cfg).reg_idr1 = (p)[CS_V4_TRCIDR1];			\
	(cfg).reg_idr2 = (p)[CS_V4_TRCIDR2];			\
	(cfg).reg_idr8 = (p)[CS_V4_TRCIDR8];			\
	(cfg).core_prof = profile_CortexA;			\
} while (0)

static int create_decoder(struct cs_tree *t, const struct cs_cpu_info *c, bool full)
{
	const uint64_t *p = c->param;
	struct cs_source *s = &t->src[t->nr_src];
	ocsd_etmv3_cfg v3 = { 0 };
	ocsd_etmv4_cfg v4 = { 0 };
	ocsd_ete_cfg ete = { 0 };
	uint32_t devarch = p[CS_ETE_TRCDEVARCH];
	const char *name = OCSD_BUILTIN_DCD_ETMV4I;
	const void *cfg = &v4;
	uint8_t csid;

	switch (c->protocol) {
	case CS_PROTO_ETMV3:
	case CS_PROTO_PTM:
		v3.reg_ctrl = p[CS_V3_ETMCR];
		v3.reg_trc_id = p[CS_V3_TRACEIDR];
		v3.reg_ccer = p[CS_V3_ETMCCER];
		v3.reg_idr = p[CS_V3_ETMIDR];
		v3.arch_ver = ARCH_V7;
		v3.core_prof = profile_CortexA;
		name = c->protocol == CS_PROTO_PTM ? OCSD_BUILTIN_DCD_PTM : OCSD_BUILTIN_DCD_ETMV3;
		s->protocol = c->protocol == CS_PROTO_PTM ? OCSD_PROTOCOL_PTM : OCSD_PROTOCOL_ETMV3;
		cfg = &v3;
		break;
	case CS_PROTO_ETMV4:
		SET_ETMV4_REGS(v4, p);
		v4.arch_ver = TRCIDR1_ARCHMIN(v4.reg_idr1) >= 4 ? ARCH_AA64 : ARCH_V8;
		s->protocol = OCSD_PROTOCOL_ETMV4I;
		break;
	default:
		s->protocol = OCSD_PROTOCOL_ETE;
		if (!full) {
			/*
			 * OpenCSD 1.3.3's C API attaches no packet callback
			 * to an ETE packet processor (it knows ETMv3, ETMv4,
			 * PTM and STM), so the dump reads ETE through an
			 * ETMv4 one whose TRCIDR1 says ETE's version
			 * (TRCDEVARCH: ARCHVER 5, REVISION): OpenCSD enables
			 * the ETE packets (ETE_PKT_I_*) by that version.
			 */
			SET_ETMV4_REGS(v4, p);
			v4.reg_idr1 = (v4.reg_idr1 & ~0xff0u) | ((devarch >> 12) & 0xf) << 8 |
				      ((devarch >> 16) & 0xf) << 4;
			v4.arch_ver = ARCH_AA64;
			break;
		}
		SET_ETMV4_REGS(ete, p);
		ete.reg_devarch = devarch;
		ete.arch_ver = ARCH_AA64;
		name = OCSD_BUILTIN_DCD_ETE;
		cfg = &ete;
		break;
	}
	if (t->ocsd->ocsd_dt_create_decoder(t->h, name, full ? OCSD_CREATE_FLG_FULL_DECODER :
				   OCSD_CREATE_FLG_PACKET_PROC, cfg, &csid))
		return -EINVAL;
	s->tree = t;
	s->trace_id = csid;
	t->nr_src++;
	/*
	 * The owner monitor (see owner_mon()) on each source of a formatted
	 * tree of several; the C API of 1.3.3 attaches none to ETE (above):
	 * ETE IDs sharing a sink may still read each other's cached code.
	 */
	if ((!full || (!t->raw && t->info->nr_cpus > 1 && s->protocol != OCSD_PROTOCOL_ETE)) &&
	    t->ocsd->ocsd_dt_attach_packet_callback(t->h, csid, OCSD_C_API_CB_PKT_MON,
						    full ? (void *)owner_mon : (void *)packet_mon, s))
		return -EINVAL;
	return 0;
}

/* The OpenCSD tree of t from its configuration; NULL or why it cannot be made. */
static const char *build(struct cs_tree *t)
{
	uint32_t n = t->raw ? 1 : t->info->nr_cpus;

	t->nr_src = 0;
	t->owner = -1;
	t->h = t->ocsd->ocsd_create_dcd_tree(t->raw ? OCSD_TRC_SRC_SINGLE :
						      OCSD_TRC_SRC_FRAME_FORMATTED,
					     t->raw ? 0 : OCSD_DFRMTR_FRAME_MEM_ALIGN |
							  OCSD_DFRMTR_RESET_ON_4X_FSYNC);
	if (!t->h)
		return "OpenCSD cannot make a decode tree";
	for (uint32_t i = 0; i < n; i++)
		if (create_decoder(t, t->raw ? t->one : &t->info->cpus[i], t->full))
			return "OpenCSD refused a tracer configuration";
	if (t->full && (t->ocsd->ocsd_dt_set_gen_elem_outfn(t->h, elem_in, t) ||
			t->ocsd->ocsd_dt_add_callback_trcid_mem_acc(t->h, 0, ~0ULL,
								    OCSD_MEM_SPACE_ANY, mem_in, t)))
		return "OpenCSD refused a tracer configuration";
	return NULL;
}

struct cs_tree *cs_tree_new(const struct cs_etm_info *info, bool raw, int32_t cpu,
			    bool full, const struct cs_tree_ops *ops, const char **why)
{
	const struct cs_cpu_info *one = raw ? cs_etm_info_by_cpu(info, cpu) : NULL;
	uint32_t n = raw ? 1 : info->nr_cpus;
	const char *failed;
	struct cs_tree *t;

	if (raw && !one) {
		*why = "raw trace of a CPU without a block in AUXTRACE_INFO";
		return NULL;
	}
	t = calloc(1, sizeof(*t) + n * sizeof(t->src[0]));
	if (!t) {
		*why = "out of memory";
		return NULL;
	}
	t->ocsd = cs_ocsd_api(why);
	if (!t->ocsd) {
		free(t);
		return NULL;
	}
	t->ops = *ops;
	t->raw = raw;
	t->full = full;
	t->info = info;
	t->one = one;
	failed = build(t);
	if (failed) {
		*why = failed;	/* set on failure only, as before */
		cs_tree_free(t);
		return NULL;
	}
	pthread_once(&fault_once, install_fault_handler);
	return t;
}

static const char *resp_str(ocsd_datapath_resp_t r)
{
	switch (r) {
	case OCSD_RESP_FATAL_INVALID_DATA:
		return "invalid trace data";
	case OCSD_RESP_FATAL_INVALID_OP:
	case OCSD_RESP_FATAL_INVALID_PARAM:
	case OCSD_RESP_FATAL_NOT_INIT:
		return "decoder misused";
	default:
		return "decoder failed";
	}
}

/*
 * The bytes from done to feed OpenCSD at once, read through at: up to the
 * end of the window, in whole frames (frames are 16-byte aligned in the
 * stream, and a block is taken whole or up to its last whole frame).
 */
static size_t block_at(struct aux_reader *at, const struct aux_chunk *c, size_t len, size_t done)
{
	size_t end;

	aux_reader_need(at, c, done, 4096);
	end = at->end < c->size ? at->end & ~(size_t)(OCSD_DFRMTR_FRAME_SIZE - 1) : at->end;
	if (end > len)
		end = len;
	return end - done;
}

int cs_tree_decode(struct cs_tree *t, const struct aux_chunk *c, size_t len)
{
	volatile ocsd_datapath_resp_t r = OCSD_RESP_CONT;
	volatile size_t done = 0;
	struct aux_reader at = { 0 };
	sigjmp_buf jump;

	t->stop = 0;
	if (!t->h)	/* lost after a fault (build() failed) */
		return t->ops.error ? t->ops.error(t->ops.ctx, 0, "no OpenCSD decode tree") : 0;
	if (sigsetjmp(jump, 1)) {
		/* OpenCSD faulted (see the top of this file) */
		const char *why;

		if (t->ops.error)
			t->stop = t->ops.error(t->ops.ctx, done, "OpenCSD crashed on this data");
		t->h = NULL;	/* leaked, never touched again */
		why = build(t);
		if (why) {
			t->h = NULL;	/* the next chunk says so again */
			if (!t->stop && t->ops.error)
				t->stop = t->ops.error(t->ops.ctx, done, why);
			return t->stop;
		}
		done += t->raw ? 1 : OCSD_DFRMTR_FRAME_SIZE - done % OCSD_DFRMTR_FRAME_SIZE;
		r = OCSD_RESP_CONT;
		if (t->stop || done >= len)
			return t->stop;
	}
	ocsd_fault_jump = &jump;
	t->ocsd->ocsd_dt_process_data(t->h, OCSD_OP_RESET, 0, 0, NULL, NULL);
	if (t->full) {	/* not the last chunk's code (maybe another CPU's) */
		forget_code(t);
		t->owner = -1;
	}
	at = (struct aux_reader){ 0 };	/* again after a fault */
	aux_reader_chunk(&at, c, done);
	while (done < len && !t->stop) {
		uint32_t n = 0;

		if (OCSD_DATA_RESP_IS_WAIT(r)) {
			r = t->ocsd->ocsd_dt_process_data(t->h, OCSD_OP_FLUSH, 0, 0, NULL, NULL);
		} else {
			size_t left = block_at(&at, c, len, done);

			r = t->ocsd->ocsd_dt_process_data(t->h, OCSD_OP_DATA, done,
						 left > UINT32_MAX ? UINT32_MAX : left,
						 at.base + done, &n);
			done += n;
		}
		if (!OCSD_DATA_RESP_IS_FATAL(r) || t->stop)
			continue;
		if (t->ops.error)
			t->stop = UNGUARDED(t->ops.error(t->ops.ctx, done, resp_str(r)));
		/* go on after what was taken, at least one frame further */
		if (!n)
			done += t->raw ? 1 : OCSD_DFRMTR_FRAME_SIZE - done % OCSD_DFRMTR_FRAME_SIZE;
		t->ocsd->ocsd_dt_process_data(t->h, OCSD_OP_RESET, 0, 0, NULL, NULL);
		r = OCSD_RESP_CONT;
	}
	while (!t->stop && OCSD_DATA_RESP_IS_WAIT(r))
		r = t->ocsd->ocsd_dt_process_data(t->h, OCSD_OP_FLUSH, 0, 0, NULL, NULL);
	if (!t->stop)
		t->ocsd->ocsd_dt_process_data(t->h, OCSD_OP_EOT, 0, 0, NULL, NULL);
	ocsd_fault_jump = NULL;
	return t->stop;
}

void cs_tree_free(struct cs_tree *t)
{
	if (!t)
		return;
	if (t->h)
		t->ocsd->ocsd_destroy_dcd_tree(t->h);
	free(t);
}
