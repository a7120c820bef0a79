// SPDX-License-Identifier: GPL-2.0
/*
 * spe_describe.c - what `auxrec dump` shows of an ARM SPE stream: every
 * packet perf's `perf report -D` shows, in the same places (a run of up
 * to 16 zero bytes is one pad, as in perf), typed by kind and index:
 * address.pc, address.target, address.va, address.pa,
 * address.prev_branch, counter.total, counter.issue, counter.xlat,
 * op_type.other, op_type.ldst, op_type.branch, and plain address,
 * counter and op_type for indexes the architecture leaves unassigned.
 * An undecodable byte is an error entry; the walk goes on at the next
 * byte, as perf's does. lib/output renders them (docs/json.md).
 */
#include <errno.h>
#include <stdlib.h>
#include "decoders/arm_spe/arm_spe.h"

enum spe_desc_type {
	D_PAD, D_END, D_TIMESTAMP,
	D_ADDR_PC, D_ADDR_TARGET, D_ADDR_VA, D_ADDR_PA, D_ADDR_PREV_BRANCH, D_ADDR,
	D_CNT_TOTAL, D_CNT_ISSUE, D_CNT_XLAT, D_CNT,
	D_CONTEXT,
	D_OP_OTHER, D_OP_LDST, D_OP_BRANCH, D_OP,
	D_EVENTS, D_DATA_SOURCE,
	D_NR
};

#define F_HEX(k)	{ .key = k, .kind = PACKET_FIELD_HEX }
#define F_DEC(k)	{ .key = k, .kind = PACKET_FIELD_DEC }
#define NF(f)		.fields = f, .nr_fields = sizeof(f) / sizeof(f[0])

static const struct packet_field_desc f_timestamp[] = { F_DEC("timestamp") };
static const struct packet_field_desc f_ip[] = { F_HEX("addr"), F_DEC("el"), F_DEC("ns") };
static const struct packet_field_desc f_va[] = { F_HEX("addr"), F_HEX("tag") };
static const struct packet_field_desc f_pa[] = {
	F_HEX("addr"), F_DEC("ns"), F_DEC("ch"), F_HEX("pat")
};
static const struct packet_field_desc f_index_payload[] = { F_DEC("index"), F_HEX("payload") };
static const struct packet_field_desc f_count[] = { F_DEC("count") };
static const struct packet_field_desc f_index_count[] = { F_DEC("index"), F_DEC("count") };
static const struct packet_field_desc f_context[] = { F_HEX("id"), F_DEC("el") };
static const struct packet_field_desc f_payload[] = { F_HEX("payload") };
static const struct packet_field_desc f_class_payload[] = { F_DEC("class"), F_HEX("payload") };
static const struct packet_field_desc f_events[] = { F_HEX("events"), F_DEC("bytes") };
static const struct packet_field_desc f_source[] = { F_DEC("source") };

static const struct packet_type_desc spe_packet_types[D_NR] = {
	[D_PAD] = { .name = "pad", .flags = PACKET_TYPE_PAD },
	[D_END] = { .name = "end" },
	[D_TIMESTAMP] = { .name = "timestamp", NF(f_timestamp) },
	[D_ADDR_PC] = { .name = "address.pc", NF(f_ip) },
	[D_ADDR_TARGET] = { .name = "address.target", NF(f_ip) },
	[D_ADDR_VA] = { .name = "address.va", NF(f_va) },
	[D_ADDR_PA] = { .name = "address.pa", NF(f_pa) },
	[D_ADDR_PREV_BRANCH] = { .name = "address.prev_branch", NF(f_ip) },
	[D_ADDR] = { .name = "address", NF(f_index_payload) },
	[D_CNT_TOTAL] = { .name = "counter.total", NF(f_count) },
	[D_CNT_ISSUE] = { .name = "counter.issue", NF(f_count) },
	[D_CNT_XLAT] = { .name = "counter.xlat", NF(f_count) },
	[D_CNT] = { .name = "counter", NF(f_index_count) },
	[D_CONTEXT] = { .name = "context", NF(f_context) },
	[D_OP_OTHER] = { .name = "op_type.other", NF(f_payload) },
	[D_OP_LDST] = { .name = "op_type.ldst", NF(f_payload) },
	[D_OP_BRANCH] = { .name = "op_type.branch", NF(f_payload) },
	[D_OP] = { .name = "op_type", NF(f_class_payload) },
	[D_EVENTS] = { .name = "events", NF(f_events) },
	[D_DATA_SOURCE] = { .name = "data_source", NF(f_source) },
};

static void describe_address(const struct spe_packet *p, struct packet_desc *d)
{
	uint64_t v = p->payload, addr = v & SPE_ADDR_MASK;

	switch (p->index) {
	case SPE_ADDR_PC:
	case SPE_ADDR_TARGET:
	case SPE_ADDR_PREV_BRANCH:
		d->type = p->index == SPE_ADDR_PC ? D_ADDR_PC :
			  p->index == SPE_ADDR_TARGET ? D_ADDR_TARGET : D_ADDR_PREV_BRANCH;
		d->v[0] = addr;
		d->v[1] = SPE_ADDR_EL(v);
		d->v[2] = SPE_ADDR_NS(v);
		break;
	case SPE_ADDR_DATA_VA:
		d->type = D_ADDR_VA;
		d->v[0] = addr;
		d->v[1] = v >> SPE_ADDR_TOP_SHIFT;
		break;
	case SPE_ADDR_DATA_PA:
		d->type = D_ADDR_PA;
		d->v[0] = addr;
		d->v[1] = SPE_ADDR_NS(v);
		d->v[2] = SPE_ADDR_CH(v);
		d->v[3] = SPE_ADDR_PAT(v);
		break;
	default:
		d->type = D_ADDR;
		d->v[0] = p->index;
		d->v[1] = v;
		break;
	}
}

static void describe_counter(const struct spe_packet *p, struct packet_desc *d)
{
	if (p->index <= SPE_CNT_XLAT) {
		d->type = D_CNT_TOTAL + p->index;
		d->v[0] = p->payload;
	} else {
		d->type = D_CNT;
		d->v[0] = p->index;
		d->v[1] = p->payload;
	}
}

static void describe_op_type(const struct spe_packet *p, struct packet_desc *d)
{
	if (p->index <= SPE_OP_BRANCH) {
		d->type = D_OP_OTHER + p->index;
		d->v[0] = p->payload;
	} else {
		d->type = D_OP;
		d->v[0] = p->index;
		d->v[1] = p->payload;
	}
}

/* The description of packet p: its type and field values. */
static void describe(const struct spe_packet *p, struct packet_desc *d)
{
	switch (p->type) {
	case SPE_PKT_PAD:
		d->type = D_PAD;
		break;
	case SPE_PKT_END:
		d->type = D_END;
		break;
	case SPE_PKT_TIMESTAMP:
		d->type = D_TIMESTAMP;
		d->v[0] = p->payload;
		break;
	case SPE_PKT_ADDRESS:
		describe_address(p, d);
		break;
	case SPE_PKT_COUNTER:
		describe_counter(p, d);
		break;
	case SPE_PKT_CONTEXT:
		d->type = D_CONTEXT;
		d->v[0] = p->payload;
		d->v[1] = p->index + 1u;
		break;
	case SPE_PKT_OP_TYPE:
		describe_op_type(p, d);
		break;
	case SPE_PKT_EVENTS:
		d->type = D_EVENTS;
		d->v[0] = p->payload;
		d->v[1] = p->payload_len;
		break;
	default:
		d->type = D_DATA_SOURCE;
		d->v[0] = p->payload;
		break;
	}
	d->nr = spe_packet_types[d->type].nr_fields;
}

#define BATCH	64

struct spe_packets {
	struct packet_desc desc[BATCH];
};

static void *spe_packets_begin(unsigned int flags)
{
	return malloc(sizeof(struct spe_packets));
}

static int spe_packets(void *state, const struct aux_chunk *chunk, packet_fn fn, void *ctx)
{
	struct spe_packets *s = state;
	size_t off = 0, n = 0;
	int ret = 0;

	if (!s || !chunk || (!chunk->data && chunk->size))
		return -EINVAL;
	while (!ret && off < chunk->size) {
		struct packet_desc *d = &s->desc[n++];
		struct spe_packet p;
		int len = spe_packet_get(chunk->data + off, chunk->size - off, off, &p);

		if (len < 0) {
			*d = (struct packet_desc){ .offset = off, .size = 1, .err = len };
			len = 1;
		} else {
			*d = (struct packet_desc){ .offset = off, .size = (uint32_t)len };
			describe(&p, d);
		}
		off += len;
		if (n == BATCH) {
			ret = fn(ctx, s->desc, n);
			n = 0;
		}
	}
	if (!ret && n)
		ret = fn(ctx, s->desc, n);
	return ret;
}

static void spe_packets_end(void *state)
{
	free(state);
}

const struct packet_ops spe_packet_ops = {
	.types = spe_packet_types,
	.nr_types = D_NR,
	.begin = spe_packets_begin,
	.packets = spe_packets,
	.end = spe_packets_end,
	.errstr = spe_errstr,
};
