// SPDX-License-Identifier: GPL-2.0
/*
 * pt_describe.c - what `auxrec dump` shows of an Intel PT stream, as
 * data: the packet types with their fields (docs/intel-pt-packets.md),
 * pt_packet_desc() turning a decoded packet into its field values, and
 * the packet_ops that run pt_pkt_walk() over a chunk and hand out the
 * descriptions in batches. lib/output renders them.
 *
 * Every chunk is decoded on its own from its first byte, with the last IP
 * at 0: chunks of different CPUs may interleave, so nothing is carried
 * from one to the next.
 */
#include <errno.h>
#include <stdlib.h>
#include "pt_describe.h"
#include "pt_packet_count.h"
#include "pt_packet_walk.h"

#define DEC(k)	{ .key = k, .kind = PACKET_FIELD_DEC }
#define HEX(k)	{ .key = k, .kind = PACKET_FIELD_HEX }

static const struct packet_field_desc f_tnt[] = {
	{ .key = "tnt", .kind = PACKET_FIELD_BITS, .bits = { 'N', 'T' } },
};
static const struct packet_field_desc f_ip[] = { DEC("ipc"), HEX("payload"), HEX("ip") };
static const struct packet_field_desc f_exec[] = { DEC("csl"), DEC("csd") };
static const struct packet_field_desc f_tsx[] = { DEC("intx"), DEC("abrt") };
static const struct packet_field_desc f_pip[] = { HEX("cr3"), DEC("nr") };
static const struct packet_field_desc f_vmcs[] = { HEX("base") };
static const struct packet_field_desc f_cbr[] = { DEC("ratio") };
static const struct packet_field_desc f_tsc[] = { DEC("tsc") };
static const struct packet_field_desc f_tma[] = { DEC("ctc"), DEC("fc") };
static const struct packet_field_desc f_mtc[] = { DEC("ctc") };
static const struct packet_field_desc f_cyc[] = { DEC("cyc") };
static const struct packet_field_desc f_mnt[] = { HEX("payload") };
static const struct packet_field_desc f_exstop[] = { DEC("ip") };
static const struct packet_field_desc f_mwait[] = { DEC("hints"), DEC("ext") };
static const struct packet_field_desc f_pwre[] = {
	DEC("state"), DEC("sub_state"), DEC("hw"),
};
static const struct packet_field_desc f_pwrx[] = {
	DEC("last"), DEC("deepest"), DEC("interrupt"), DEC("store"),
	DEC("autonomous"),
};
static const struct packet_field_desc f_ptw[] = {
	DEC("plc"), HEX("payload"), DEC("ip"),
};

#define T(name_, f_)	{ .name = name_, .fields = f_,			\
			  .nr_fields = sizeof(f_) / sizeof(f_[0]) }
#define T0(name_)	{ .name = name_ }

const struct packet_type_desc pt_packet_types[PT_PKT_NR] = {
	[PT_PKT_PAD] = { .name = "pad", .flags = PACKET_TYPE_PAD },
	[PT_PKT_PSB] = T0("psb"),
	[PT_PKT_PSBEND] = T0("psbend"),
	[PT_PKT_TNT_8] = T("tnt.8", f_tnt),
	[PT_PKT_TNT_64] = T("tnt.64", f_tnt),
	[PT_PKT_TIP] = T("tip", f_ip),
	[PT_PKT_TIP_PGE] = T("tip.pge", f_ip),
	[PT_PKT_TIP_PGD] = T("tip.pgd", f_ip),
	[PT_PKT_FUP] = T("fup", f_ip),
	[PT_PKT_MODE_EXEC] = T("mode.exec", f_exec),
	[PT_PKT_MODE_TSX] = T("mode.tsx", f_tsx),
	[PT_PKT_PIP] = T("pip", f_pip),
	[PT_PKT_VMCS] = T("vmcs", f_vmcs),
	[PT_PKT_CBR] = T("cbr", f_cbr),
	[PT_PKT_TSC] = T("tsc", f_tsc),
	[PT_PKT_TMA] = T("tma", f_tma),
	[PT_PKT_MTC] = T("mtc", f_mtc),
	[PT_PKT_CYC] = T("cyc", f_cyc),
	[PT_PKT_STOP] = T0("stop"),
	[PT_PKT_OVF] = T0("ovf"),
	[PT_PKT_MNT] = T("mnt", f_mnt),
	[PT_PKT_EXSTOP] = T("exstop", f_exstop),
	[PT_PKT_MWAIT] = T("mwait", f_mwait),
	[PT_PKT_PWRE] = T("pwre", f_pwre),
	[PT_PKT_PWRX] = T("pwrx", f_pwrx),
	[PT_PKT_PTW] = T("ptw", f_ptw),
};

static inline void set2(struct packet_desc *d, uint64_t a, uint64_t b)
{
	d->v[0] = a;
	d->v[1] = b;
	d->nr = 2;
}

/* pt_packet_desc(), inlined into the dump's loop */
static inline void describe(const struct pt_pkt_rec *r, struct packet_desc *d)
{
	const struct pt_packet *pkt = &r->pkt;
	uint64_t *v = d->v;

	d->offset = r->offset;
	d->err = 0;
	d->size = pkt->size;
	d->type = pkt->type;
	d->nr = 1;
	switch (pkt->type) {
	case PT_PKT_TNT_8:
	case PT_PKT_TNT_64:
		v[0] = pkt->tnt.bits;
		d->nbits[0] = pkt->tnt.count;
		break;
	case PT_PKT_TIP:
	case PT_PKT_TIP_PGE:
	case PT_PKT_TIP_PGD:
	case PT_PKT_FUP:
		v[0] = pkt->ip.ipc;
		if (pkt->ip.ipc != PT_IPC_SUPPRESSED) {
			v[1] = pkt->ip.payload;
			v[2] = r->ip;
			d->nr = 3;
		}
		break;
	case PT_PKT_MODE_EXEC:
		set2(d, pkt->exec.csl, pkt->exec.csd);
		break;
	case PT_PKT_MODE_TSX:
		set2(d, pkt->tsx.intx, pkt->tsx.abrt);
		break;
	case PT_PKT_PIP:
		set2(d, pkt->pip.cr3, pkt->pip.nr);
		break;
	case PT_PKT_VMCS:
		v[0] = pkt->vmcs_base;
		break;
	case PT_PKT_CBR:
		v[0] = pkt->cbr_ratio;
		break;
	case PT_PKT_TSC:
		v[0] = pkt->tsc;
		break;
	case PT_PKT_TMA:
		set2(d, pkt->tma.ctc, pkt->tma.fc);
		break;
	case PT_PKT_MTC:
		v[0] = pkt->mtc_ctc;
		break;
	case PT_PKT_CYC:
		v[0] = pkt->cyc;
		break;
	case PT_PKT_MNT:
		v[0] = pkt->mnt_payload;
		break;
	case PT_PKT_EXSTOP:
		v[0] = pkt->exstop_ip;
		break;
	case PT_PKT_MWAIT:
		set2(d, pkt->mwait.hints, pkt->mwait.ext);
		break;
	case PT_PKT_PWRE:
		set2(d, pkt->pwre.state, pkt->pwre.sub_state);
		v[2] = pkt->pwre.hw;
		d->nr = 3;
		break;
	case PT_PKT_PWRX:
		set2(d, pkt->pwrx.last, pkt->pwrx.deepest);
		v[2] = pkt->pwrx.interrupt;
		v[3] = pkt->pwrx.store;
		v[4] = pkt->pwrx.autonomous;
		d->nr = 5;
		break;
	case PT_PKT_PTW:
		set2(d, pkt->ptw.plc, pkt->ptw.payload);
		v[2] = pkt->ptw.ip;
		d->nr = 3;
		break;
	default:	/* pad, psb, psbend, stop, ovf: no payload */
		d->nr = 0;
		break;
	}
}

void pt_packet_desc(const struct pt_pkt_rec *r, struct packet_desc *d)
{
	describe(r, d);
}

/*
 * The walker decodes WALK_BATCH packets a call. Described packets go to
 * fn one at a time: the output then branches on a packet's type (how
 * many fields, of what kind) right after pt_packet_desc()'s switch on
 * it, and the branch predictor ties the two together; in batches of 8 to
 * 256 those branches were mispredicted, ~20% slower on a random packet
 * mix. Without fields (--stats) there is nothing to tie: batches.
 */
#define WALK_BATCH	256
#define COUNT_BATCH	32	/* descriptions written and read in L1 */

struct pt_packets {
	unsigned int flags;	/* PACKETS_* */
	struct pt_pkt_rec rec[WALK_BATCH];
	struct packet_desc desc[COUNT_BATCH];
};

static void *pt_packets_begin(unsigned int flags)
{
	struct pt_packets *s = malloc(sizeof(*s));

	if (s)
		s->flags = flags;
	return s;
}

static void describe_error(const struct pt_pkt_rec *r, struct packet_desc *d)
{
	d->offset = r->offset;
	d->err = r->err;
}

/* PACKETS_NO_FIELDS: rec[0..n) into s->desc, to fn at once. */
static int count_only(struct pt_packets *s, size_t n, packet_fn fn, void *ctx)
{
	int ret = 0;

	for (size_t i = 0; i < n && !ret; i += COUNT_BATCH) {
		size_t k = n - i < COUNT_BATCH ? n - i : COUNT_BATCH;

		for (size_t j = 0; j < k; j++) {
			const struct pt_pkt_rec *r = &s->rec[i + j];
			struct packet_desc *d = &s->desc[j];

			describe_error(r, d);
			d->size = r->pkt.size;
			d->type = r->pkt.type;
		}
		ret = fn(ctx, s->desc, k);
	}
	return ret;
}

static int pt_packets(void *state, const struct aux_chunk *chunk,
		      packet_fn fn, void *ctx)
{
	struct pt_packets *s = state;
	struct pt_pkt_walker w;
	size_t n;
	int ret = 0;

	if (!s || !chunk || (!chunk->data && chunk->size))
		return -EINVAL;
	pt_pkt_walk_init(&w, chunk->data, chunk->size);
	while (!ret && (n = pt_pkt_walk(&w, s->rec, WALK_BATCH))) {
		if (s->flags & PACKETS_NO_FIELDS) {
			ret = count_only(s, n, fn, ctx);
			continue;
		}
		for (size_t i = 0; i < n && !ret; i++) {
			if (s->rec[i].err)
				describe_error(&s->rec[i], s->desc);
			else
				describe(&s->rec[i], s->desc);
			ret = fn(ctx, s->desc, 1);
		}
	}
	return ret;
}

/* Counting alone: the count-only scan, or the walk when it meets an error. */
static int pt_packets_count(void *state, const struct aux_chunk *chunk,
			    uint64_t *count, uint64_t *bytes)
{
	if (!state || !chunk || (!chunk->data && chunk->size))
		return -EINVAL;
	return pt_pkt_count(chunk->data, chunk->size, count, bytes) ? 0 : 1;
}

static void pt_packets_end(void *state)
{
	free(state);
}

const struct packet_ops pt_packet_ops = {
	.types = pt_packet_types,
	.nr_types = PT_PKT_NR,
	.begin = pt_packets_begin,
	.packets = pt_packets,
	.end = pt_packets_end,
	.errstr = pt_errstr,
	.count = pt_packets_count,
};
