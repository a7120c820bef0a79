// SPDX-License-Identifier: GPL-2.0
/*
 * cs_describe.c - what `auxrec dump` shows of a cs_etm stream: the packets
 * OpenCSD's packet processors find (one per trace ID, configured from
 * AUXTRACE_INFO as perf configures them; see cs_tree.c), each as a typed
 * packet description with the trace ID it came from.
 *
 * ETMv4 and ETE packets (ocsd_etmv4_i_pkt) get one packet type each,
 * named after OpenCSD's ETM4_PKT_I_* / ETE_PKT_I_* in lower case (as
 * perf report -D names them, without its "I_"), with
 * the fields that type carries: addresses with their instruction set
 * (0: IS0, AArch64 or A32; 1: IS1, T32), the context (exception level,
 * 64-bit, non-secure, context ID, VMID), atoms oldest first (E taken,
 * N not taken), timestamps and cycle counts, exception numbers. ETMv3
 * and PTM packets are shown as "etmv3"/"ptm" with OpenCSD's packet type
 * number. OpenCSD's marker packets for bytes before the first A-sync,
 * a packet cut off by the end of the chunk, and bad or reserved headers
 * are errors (the processor resynchronizes at the next A-sync).
 *
 * A chunk needs the recording's AUXTRACE_INFO (chunk->info_priv): without
 * it no decoder can be configured, and the chunk is one error.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "decoders/cs_etm/cs_ocsd.h"
#include "cs_etm.h"

enum {
	F_TRACE_ID, F_ADDR, F_ISA, F_EL, F_SF, F_NS, F_CONTEXT_ID, F_VMID,
};

static const struct packet_field_desc f_id[] = {
	{ .key = "trace_id", .kind = PACKET_FIELD_HEX },
};
static const struct packet_field_desc f_addr[] = {
	{ .key = "trace_id", .kind = PACKET_FIELD_HEX },
	{ .key = "addr", .kind = PACKET_FIELD_HEX },
	{ .key = "isa", .kind = PACKET_FIELD_DEC },
};
static const struct packet_field_desc f_ctxt[] = {
	{ .key = "trace_id", .kind = PACKET_FIELD_HEX },
	{ .key = "el", .kind = PACKET_FIELD_DEC },
	{ .key = "sf", .kind = PACKET_FIELD_DEC },
	{ .key = "ns", .kind = PACKET_FIELD_DEC },
	{ .key = "context_id", .kind = PACKET_FIELD_HEX },
	{ .key = "vmid", .kind = PACKET_FIELD_HEX },
};
static const struct packet_field_desc f_addr_ctxt[] = {
	{ .key = "trace_id", .kind = PACKET_FIELD_HEX },
	{ .key = "addr", .kind = PACKET_FIELD_HEX },
	{ .key = "isa", .kind = PACKET_FIELD_DEC },
	{ .key = "el", .kind = PACKET_FIELD_DEC },
	{ .key = "sf", .kind = PACKET_FIELD_DEC },
	{ .key = "ns", .kind = PACKET_FIELD_DEC },
	{ .key = "context_id", .kind = PACKET_FIELD_HEX },
	{ .key = "vmid", .kind = PACKET_FIELD_HEX },
};
static const struct packet_field_desc f_atom[] = {
	{ .key = "trace_id", .kind = PACKET_FIELD_HEX },
	{ .key = "atoms", .kind = PACKET_FIELD_BITS, .bits = { 'N', 'E' } },
};
static const struct packet_field_desc f_ts[] = {
	{ .key = "trace_id", .kind = PACKET_FIELD_HEX },
	{ .key = "timestamp", .kind = PACKET_FIELD_DEC },
	{ .key = "cycles", .kind = PACKET_FIELD_DEC },
};
static const struct packet_field_desc f_exc[] = {
	{ .key = "trace_id", .kind = PACKET_FIELD_HEX },
	{ .key = "exception", .kind = PACKET_FIELD_DEC },
};
static const struct packet_field_desc f_info[] = {
	{ .key = "trace_id", .kind = PACKET_FIELD_HEX },
	{ .key = "info", .kind = PACKET_FIELD_HEX },
	{ .key = "cc_threshold", .kind = PACKET_FIELD_DEC },
};
static const struct packet_field_desc f_cycles[] = {
	{ .key = "trace_id", .kind = PACKET_FIELD_HEX },
	{ .key = "cycles", .kind = PACKET_FIELD_DEC },
};
static const struct packet_field_desc f_elements[] = {
	{ .key = "trace_id", .kind = PACKET_FIELD_HEX },
	{ .key = "elements", .kind = PACKET_FIELD_DEC },
};
static const struct packet_field_desc f_value[] = {
	{ .key = "trace_id", .kind = PACKET_FIELD_HEX },
	{ .key = "value", .kind = PACKET_FIELD_DEC },
};

#define N(a)	(uint8_t)(sizeof(a) / sizeof((a)[0]))
#define T(nm, f)	{ .name = nm, .fields = f, .nr_fields = N(f) }

/*
 * The packet types: OpenCSD's ETM4_PKT_I_* and ETE_PKT_I_* names in lower
 * case (its packet type of each is cs_pkt_map's entry), then ETMv3's and
 * PTM's.
 */
static const struct packet_type_desc cs_types[] = {
	T("async", f_id), T("trace_info", f_info), T("timestamp", f_ts),
	T("trace_on", f_id), T("func_ret", f_id), T("except", f_exc),
	T("except_rtn", f_id), T("commit_win_mv", f_id), T("trans_st", f_id),
	T("trans_commit", f_id), T("ccnt_f1", f_cycles), T("ccnt_f2", f_cycles),
	T("ccnt_f3", f_cycles), T("num_ds_mkr", f_value), T("unnum_ds_mkr", f_value),
	T("commit", f_elements), T("cancel_f1", f_elements),
	T("cancel_f1_mispred", f_elements), T("mispredict", f_atom), T("cancel_f2", f_atom),
	T("cancel_f3", f_atom), T("cond_i_f1", f_id), T("cond_i_f2", f_id),
	T("cond_i_f3", f_id), T("cond_flush", f_id), T("cond_res_f1", f_id),
	T("cond_res_f2", f_id), T("cond_res_f3", f_id), T("cond_res_f4", f_id),
	T("ignore", f_id), T("event", f_value), T("ctxt", f_ctxt),
	T("addr_ctxt_l_32is0", f_addr_ctxt), T("addr_ctxt_l_32is1", f_addr_ctxt),
	T("addr_ctxt_l_64is0", f_addr_ctxt), T("addr_ctxt_l_64is1", f_addr_ctxt),
	T("ts_marker", f_id), T("addr_match", f_addr), T("addr_s_is0", f_addr),
	T("addr_s_is1", f_addr), T("addr_l_32is0", f_addr), T("addr_l_32is1", f_addr),
	T("addr_l_64is0", f_addr), T("addr_l_64is1", f_addr), T("q", f_elements),
	T("src_addr_match", f_addr), T("src_addr_s_is0", f_addr), T("src_addr_s_is1", f_addr),
	T("src_addr_l_32is0", f_addr), T("src_addr_l_32is1", f_addr),
	T("src_addr_l_64is0", f_addr), T("src_addr_l_64is1", f_addr),
	T("atom_f1", f_atom), T("atom_f2", f_atom), T("atom_f3", f_atom),
	T("atom_f4", f_atom), T("atom_f5", f_atom), T("atom_f6", f_atom),
	T("discard", f_id), T("overflow", f_id), T("pe_reset", f_addr),
	T("trans_fail", f_addr),
	/* ETMv3 and PTM packets, by OpenCSD's type number */
	T("etmv3", f_value), T("ptm", f_value),
};

enum { TYPE_ETMV3 = N(cs_types) - 2, TYPE_PTM };

/* OpenCSD's ETMv4/ETE packet type of each entry of cs_types. */
static const uint16_t cs_pkt_map[] = {
	ETM4_PKT_I_ASYNC, ETM4_PKT_I_TRACE_INFO, ETM4_PKT_I_TIMESTAMP, ETM4_PKT_I_TRACE_ON,
	ETM4_PKT_I_FUNC_RET, ETM4_PKT_I_EXCEPT, ETM4_PKT_I_EXCEPT_RTN, ETE_PKT_I_COMMIT_WIN_MV,
	ETE_PKT_I_TRANS_ST, ETE_PKT_I_TRANS_COMMIT, ETM4_PKT_I_CCNT_F1, ETM4_PKT_I_CCNT_F2,
	ETM4_PKT_I_CCNT_F3, ETM4_PKT_I_NUM_DS_MKR, ETM4_PKT_I_UNNUM_DS_MKR, ETM4_PKT_I_COMMIT,
	ETM4_PKT_I_CANCEL_F1, ETM4_PKT_I_CANCEL_F1_MISPRED, ETM4_PKT_I_MISPREDICT,
	ETM4_PKT_I_CANCEL_F2, ETM4_PKT_I_CANCEL_F3, ETM4_PKT_I_COND_I_F1, ETM4_PKT_I_COND_I_F2,
	ETM4_PKT_I_COND_I_F3, ETM4_PKT_I_COND_FLUSH, ETM4_PKT_I_COND_RES_F1,
	ETM4_PKT_I_COND_RES_F2, ETM4_PKT_I_COND_RES_F3, ETM4_PKT_I_COND_RES_F4,
	ETM4_PKT_I_IGNORE, ETM4_PKT_I_EVENT, ETM4_PKT_I_CTXT,
	ETM4_PKT_I_ADDR_CTXT_L_32IS0, ETM4_PKT_I_ADDR_CTXT_L_32IS1, ETM4_PKT_I_ADDR_CTXT_L_64IS0,
	ETM4_PKT_I_ADDR_CTXT_L_64IS1, ETE_PKT_I_TS_MARKER, ETM4_PKT_I_ADDR_MATCH,
	ETM4_PKT_I_ADDR_S_IS0, ETM4_PKT_I_ADDR_S_IS1, ETM4_PKT_I_ADDR_L_32IS0,
	ETM4_PKT_I_ADDR_L_32IS1, ETM4_PKT_I_ADDR_L_64IS0, ETM4_PKT_I_ADDR_L_64IS1, ETM4_PKT_I_Q,
	ETE_PKT_I_SRC_ADDR_MATCH, ETE_PKT_I_SRC_ADDR_S_IS0, ETE_PKT_I_SRC_ADDR_S_IS1,
	ETE_PKT_I_SRC_ADDR_L_32IS0, ETE_PKT_I_SRC_ADDR_L_32IS1, ETE_PKT_I_SRC_ADDR_L_64IS0,
	ETE_PKT_I_SRC_ADDR_L_64IS1, ETM4_PKT_I_ATOM_F1, ETM4_PKT_I_ATOM_F2, ETM4_PKT_I_ATOM_F3,
	ETM4_PKT_I_ATOM_F4, ETM4_PKT_I_ATOM_F5, ETM4_PKT_I_ATOM_F6, ETM4_PKT_I_DISCARD,
	ETM4_PKT_I_OVERFLOW, ETE_PKT_I_PE_RESET, ETE_PKT_I_TRANS_FAIL,
};

_Static_assert(N(cs_pkt_map) == TYPE_ETMV3, "one OpenCSD type per ETMv4 packet type");

/* packet_desc.err values */
enum {
	CS_ERR_NO_INFO = 1,	/* no AUXTRACE_INFO to configure decoders */
	CS_ERR_BAD_INFO,
	CS_ERR_NOT_SYNC,
	CS_ERR_INCOMPLETE,
	CS_ERR_BAD_PACKET,
	CS_ERR_DECODER,
	CS_ERR_NO_OPENCSD,	/* the OpenCSD library did not load */
	CS_ERR_NR
};

static const char *const cs_err_str[CS_ERR_NR] = {
	[CS_ERR_NO_INFO] = "no cs_etm AUXTRACE_INFO to configure the decoders",
	[CS_ERR_BAD_INFO] = "bad cs_etm AUXTRACE_INFO",
	[CS_ERR_NOT_SYNC] = "bytes before synchronization (A-sync)",
	[CS_ERR_INCOMPLETE] = "packet cut off by the end of the data",
	[CS_ERR_BAD_PACKET] = "bad or reserved packet header",
	[CS_ERR_DECODER] = "trace data path failed",
	[CS_ERR_NO_OPENCSD] = "cannot load OpenCSD (" AUXREC_OPENCSD_LIB ") for CoreSight",
};

#define BATCH	64

struct cs_packets {
	unsigned int flags;
	struct cs_tree *tree;
	struct cs_etm_info info;
	const uint64_t *info_of;	/* the priv the tree was built for */
	bool raw;
	int32_t cpu;
	packet_fn fn;
	void *ctx;
	int ret;
	size_t n;
	struct packet_desc desc[BATCH];
};

static void flush_batch(struct cs_packets *s)
{
	if (s->n && !s->ret)
		s->ret = s->fn(s->ctx, s->desc, s->n);
	s->n = 0;
}

static struct packet_desc *next_desc(struct cs_packets *s, uint64_t offset, uint32_t size)
{
	struct packet_desc *d;

	if (s->n == BATCH)
		flush_batch(s);
	d = &s->desc[s->n++];
	memset(d, 0, offsetof(struct packet_desc, nbits));
	d->offset = offset;
	d->size = size;
	return d;
}

static void add_error(struct cs_packets *s, uint64_t offset, int err)
{
	next_desc(s, offset, 0)->err = err;
}

/* atoms as PACKET_FIELD_BITS: OpenCSD's pattern has the oldest in bit 0 */
static uint64_t atoms_oldest_first(uint32_t pattern, unsigned int n)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < n; i++)
		v = v << 1 | ((pattern >> i) & 1);
	return v;
}

static void describe_etmv4(struct cs_packets *s, struct packet_desc *d, uint8_t id,
			   const ocsd_etmv4_i_pkt *p)
{
	const struct packet_type_desc *t;
	uint16_t idx = 0;

	for (uint16_t i = 0; i < N(cs_pkt_map) && !idx; i++)
		if (cs_pkt_map[i] == (unsigned int)p->type)
			idx = i + 1;
	if (!idx) {
		d->err = p->type == ETM4_PKT_I_NOTSYNC ? CS_ERR_NOT_SYNC :
			 p->type == ETM4_PKT_I_INCOMPLETE_EOT ? CS_ERR_INCOMPLETE :
			 CS_ERR_BAD_PACKET;
		return;
	}
	d->type = idx - 1;
	t = &cs_types[d->type];
	d->nr = t->nr_fields;
	d->v[0] = id;
	if (t->fields == f_addr || t->fields == f_addr_ctxt) {
		d->v[F_ADDR] = p->v_addr.val;
		d->v[F_ISA] = p->v_addr_ISA;
	}
	if (t->fields == f_ctxt || t->fields == f_addr_ctxt) {
		uint64_t *v = d->v + (t->fields == f_ctxt ? 1 : F_EL);

		if (!p->pkt_valid.bits.context_valid || !p->context.updated) {
			d->nr = t->fields == f_ctxt ? 1 : F_EL;
			return;
		}
		v[0] = p->context.EL;
		v[1] = p->context.SF;
		v[2] = p->context.NS;
		v[3] = p->context.ctxtID;
		v[4] = p->context.VMID;
		/*
		 * OpenCSD sets the IDs a packet updates; the others it has
		 * not written since its start (they varied from run to run)
		 */
		if (!p->context.updated_v)
			d->nr -= p->context.updated_c ? 1 : 2;
	} else if (t->fields == f_atom) {
		d->v[1] = atoms_oldest_first(p->atom.En_bits, p->atom.num);
		d->nbits[1] = p->atom.num;
	} else if (t->fields == f_ts) {
		d->v[1] = p->ts.timestamp;
		d->v[2] = p->cycle_count;
		if (!p->pkt_valid.bits.cc_valid)
			d->nr = 2;
	} else if (t->fields == f_exc) {
		d->v[1] = p->exception_info.exceptionType;
	} else if (t->fields == f_info) {
		d->v[1] = p->trace_info.val;
		d->v[2] = p->cc_threshold;
		if (!p->pkt_valid.bits.cc_thresh_valid)
			d->nr = 2;	/* not in the packet: not written */
	} else if (t->fields == f_cycles) {
		d->v[1] = p->cycle_count;
	} else if (t->fields == f_elements) {
		d->v[1] = p->type == ETM4_PKT_I_COMMIT ? p->commit_elements :
			  p->type == ETM4_PKT_I_Q ? p->Q_pkt.q_count : p->cancel_elements;
	} else if (t->fields == f_value) {
		d->v[1] = p->type == ETM4_PKT_I_EVENT ? p->event_val : p->dsm_val;
	}
}

static void on_packet(void *ctx, uint64_t index, uint8_t trace_id, int protocol,
		      const void *pkt, uint32_t size)
{
	struct cs_packets *s = ctx;
	struct packet_desc *d;

	if (s->ret)
		return;
	d = next_desc(s, index, size);
	if (s->flags & PACKETS_NO_FIELDS && protocol != OCSD_PROTOCOL_ETMV4I &&
	    protocol != OCSD_PROTOCOL_ETE)
		return;
	switch (protocol) {
	case OCSD_PROTOCOL_ETMV4I:
	case OCSD_PROTOCOL_ETE:
		describe_etmv4(s, d, trace_id, pkt);
		break;
	case OCSD_PROTOCOL_PTM:
		*d = (struct packet_desc){ .offset = index, .size = size, .type = TYPE_PTM,
					   .nr = 2, .v = { trace_id,
							   ((const ocsd_ptm_pkt *)pkt)->type } };
		break;
	default:
		*d = (struct packet_desc){ .offset = index, .size = size, .type = TYPE_ETMV3,
					   .nr = 2, .v = { trace_id,
							   ((const ocsd_etmv3_pkt *)pkt)->type } };
		break;
	}
}

static int on_error(void *ctx, uint64_t index, const char *what)
{
	struct cs_packets *s = ctx;

	add_error(s, index, CS_ERR_DECODER);
	return s->ret;
}

static void *cs_packets_begin(unsigned int flags)
{
	struct cs_packets *s = calloc(1, sizeof(*s));

	if (s)
		s->flags = flags;
	return s;
}

/* The tree for chunk: kept while the AUXTRACE_INFO and format stay. */
static int tree_for(struct cs_packets *s, const struct aux_chunk *c)
{
	static const struct cs_tree_ops ops = { .packet = on_packet, .error = on_error };
	struct cs_tree_ops o = ops;
	bool raw = c->flags & CS_AUX_FORMAT_RAW;
	const char *why;

	if (s->tree && s->info_of == c->info_priv && s->raw == raw && (!raw || s->cpu == c->cpu))
		return 0;
	cs_tree_free(s->tree);
	s->tree = NULL;
	/* info_of starts NULL: a chunk without AUXTRACE_INFO must not pass as parsed */
	if (!c->info_priv)
		return CS_ERR_NO_INFO;
	if (s->info_of != c->info_priv) {
		cs_etm_info_free(&s->info);
		s->info_of = NULL;
		if (cs_etm_info_parse(c->info_priv, c->nr_priv, &s->info, &why)) {
			cs_etm_info_free(&s->info);
			return CS_ERR_BAD_INFO;
		}
		s->info_of = c->info_priv;
	}
	if (!cs_ocsd_api(&why))
		return CS_ERR_NO_OPENCSD;
	o.ctx = s;
	s->raw = raw;
	s->cpu = c->cpu;
	s->tree = cs_tree_new(&s->info, raw, c->cpu, false, &o, &why);
	return s->tree ? 0 : CS_ERR_BAD_INFO;
}

static int cs_packets(void *state, const struct aux_chunk *chunk, packet_fn fn, void *ctx)
{
	struct cs_packets *s = state;
	int err;

	if (!s || !chunk || (!chunk->data && chunk->size))
		return -EINVAL;
	s->fn = fn;
	s->ctx = ctx;
	s->ret = 0;
	s->n = 0;
	err = tree_for(s, chunk);
	if (err)
		add_error(s, 0, err);
	else
		cs_tree_decode(s->tree, chunk, chunk->size);
	flush_batch(s);
	return s->ret;
}

static void cs_packets_end(void *state)
{
	struct cs_packets *s = state;

	if (!s)
		return;
	cs_tree_free(s->tree);
	cs_etm_info_free(&s->info);
	free(s);
}

static const char *cs_errstr(int err)
{
	if (err < 0)
		err = -err;
	return err > 0 && err < CS_ERR_NR ? cs_err_str[err] : "unknown error";
}

const struct packet_ops cs_etm_packet_ops = {
	.types = cs_types,
	.nr_types = N(cs_types),
	.begin = cs_packets_begin,
	.packets = cs_packets,
	.end = cs_packets_end,
	.errstr = cs_errstr,
	.needs_info = "the ETM configuration (trace IDs and ETM registers of each CPU)",
};
