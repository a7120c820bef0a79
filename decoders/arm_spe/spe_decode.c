// SPDX-License-Identifier: GPL-2.0
/*
 * spe_decode.c - ARM SPE's decode operations: the packets of each record
 * (up to its TIMESTAMP or END) become one EVENT_MEM_SAMPLE
 * (decoders/event.h), filled as perf's tools/perf/util/arm-spe.c and
 * arm-spe-decoder/arm-spe-decoder.c fill their sample:
 *
 *  - from: the PC (bits 55:0; the top byte set for EL1/EL2 in non-secure
 *    state), to and mem.target: the branch target, likewise;
 *  - mem.vaddr: the data VA without its tag (the top byte set when bits
 *    55:52 are all ones: a kernel address); mem.paddr: bits 55:0;
 *  - the three latencies, the CONTEXT id (Linux writes the pid there),
 *    the raw event bits, the operation (load, store, branch, other; its
 *    payload byte in op_raw);
 *  - mem.classes: perf's sample kinds (l1d-miss, ..., remote-access) from
 *    the event bits;
 *  - mem.data_src: perf's union perf_mem_data_src as perf synthesizes it,
 *    for loads and stores only: from the DATA_SOURCE packet on CPUs with
 *    the Neoverse encoding (N1, N2, V1: MIDR from the versioned
 *    AUXTRACE_INFO), else from the L1D/LLC/remote event bits; TLB bits
 *    from the TLB events;
 *  - time: the TIMESTAMP through TIME_CONV (0 for a record ending in END).
 *
 * Each chunk starts a new record (the kernel writes whole records into
 * each AUX span); packets left without a TIMESTAMP or END at a chunk's
 * end are dropped, as perf drops them at the end of its data. A byte no
 * packet starts with, or a packet cut by the chunk's end, is an
 * EVENT_ERROR; the record it was in is dropped and decoding goes on at
 * the next byte (perf instead samples what it had of that record, unless
 * it was the first of its buffer).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "decoders/arm_spe/arm_spe.h"
#include "decoders/aux_window.h"
#include "lib/util/tsc.h"

struct spe_record {
	uint64_t pc, target, vaddr, paddr, timestamp, events;
	uint32_t total_lat, issue_lat, xlat_lat, context;
	uint16_t source;
	uint32_t valid;		/* MEM_HAS_* */
	uint8_t op_class, op_payload;
	bool has_op;
};

struct spe_midr {
	uint64_t cpu, midr;
};

struct spe_decode {
	struct decode_opts opts;
	struct tsc_conv tc;
	struct spe_midr *midrs;	/* from the versioned AUXTRACE_INFO */
	size_t nr_midrs;
	uint64_t midr;		/* of the chunk's CPU, 0 unknown */
	uint64_t next_switch;	/* perf time opts->reached wants to hear of */
	uint64_t image;
	struct spe_record rec;
};

/* perf's arm_spe_calc_ip(): the address of an address packet's payload */
static uint64_t packet_address(unsigned int index, uint64_t v)
{
	uint64_t a = v & SPE_ADDR_MASK;

	switch (index) {
	case SPE_ADDR_PC:
	case SPE_ADDR_TARGET:
		if (SPE_ADDR_NS(v) && (SPE_ADDR_EL(v) == 1 || SPE_ADDR_EL(v) == 2))
			a |= 0xffULL << SPE_ADDR_TOP_SHIFT;
		return a;
	case SPE_ADDR_DATA_VA:
		if (((a >> 52) & 0xf) == 0xf)
			a |= 0xffULL << SPE_ADDR_TOP_SHIFT;
		return a;
	default:
		return a;
	}
}

static void add_address(struct spe_record *r, const struct spe_packet *p)
{
	uint64_t a = packet_address(p->index, p->payload);

	switch (p->index) {
	case SPE_ADDR_PC:
		r->pc = a;
		break;
	case SPE_ADDR_TARGET:
		r->target = a;
		r->valid |= MEM_HAS_TARGET;
		break;
	case SPE_ADDR_DATA_VA:
		r->vaddr = a;
		r->valid |= MEM_HAS_VADDR;
		break;
	case SPE_ADDR_DATA_PA:
		r->paddr = a;
		r->valid |= MEM_HAS_PADDR;
		break;
	default:	/* previous branch target, unassigned indexes */
		break;
	}
}

static void add_counter(struct spe_record *r, const struct spe_packet *p)
{
	uint32_t v = (uint32_t)p->payload;

	switch (p->index) {
	case SPE_CNT_TOTAL:
		r->total_lat = v;
		r->valid |= MEM_HAS_TOTAL_LAT;
		break;
	case SPE_CNT_ISSUE:
		r->issue_lat = v;
		r->valid |= MEM_HAS_ISSUE_LAT;
		break;
	case SPE_CNT_XLAT:
		r->xlat_lat = v;
		r->valid |= MEM_HAS_XLAT_LAT;
		break;
	default:
		break;
	}
}

/* Adds packet p to the record; returns 1 when it ends the record. */
static int add_packet(struct spe_record *r, const struct spe_packet *p)
{
	switch (p->type) {
	case SPE_PKT_TIMESTAMP:
		r->timestamp = p->payload;
		return 1;
	case SPE_PKT_END:
		return 1;
	case SPE_PKT_ADDRESS:
		add_address(r, p);
		break;
	case SPE_PKT_COUNTER:
		add_counter(r, p);
		break;
	case SPE_PKT_CONTEXT:
		r->context = (uint32_t)p->payload;
		r->valid |= MEM_HAS_CONTEXT;
		break;
	case SPE_PKT_OP_TYPE:
		r->op_class = p->index;
		r->op_payload = (uint8_t)p->payload;
		r->has_op = true;
		break;
	case SPE_PKT_EVENTS:
		r->events = p->payload;
		break;
	case SPE_PKT_DATA_SOURCE:
		r->source = (uint16_t)p->payload;
		break;
	default:
		break;
	}
	return 0;
}

#define EV(bit)	(1ULL << (bit))

/* perf's sample kinds of the event bits */
static uint32_t record_classes(uint64_t ev)
{
	static const struct { uint8_t bit; uint32_t cls; } map[] = {
		{ SPE_EV_L1D_REFILL, MEM_C_L1D_MISS },
		{ SPE_EV_L1D_ACCESS, MEM_C_L1D_ACCESS },
		{ SPE_EV_LLC_MISS, MEM_C_LLC_MISS },
		{ SPE_EV_LLC_ACCESS, MEM_C_LLC_ACCESS },
		{ SPE_EV_TLB_WALK, MEM_C_TLB_MISS },
		{ SPE_EV_TLB_ACCESS, MEM_C_TLB_ACCESS },
		{ SPE_EV_MISPRED, MEM_C_BRANCH_MISS },
		{ SPE_EV_REMOTE_ACCESS, MEM_C_REMOTE_ACCESS },
	};
	uint32_t c = 0;

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (ev & EV(map[i].bit))
			c |= map[i].cls;
	return c;
}

#define MEM_S(field, v)	((uint64_t)(v) << PERF_MEM_##field##_SHIFT)

/* Neoverse N1, N2, V1: DATA_SOURCE in Arm's common encoding */
static bool common_ds_cpu(uint64_t midr)
{
	static const uint32_t models[] = { 0x410fd0c0, 0x410fd490, 0x410fd400 };

	for (size_t i = 0; i < sizeof(models) / sizeof(models[0]); i++)
		if ((midr & 0xff0ffff0) == models[i])
			return true;
	return false;
}

/* perf's arm_spe__synth_data_source_common() */
static uint64_t ds_common(uint16_t source)
{
	switch (source) {
	case 0x0:	/* L1D */
		return MEM_S(LVL, PERF_MEM_LVL_L1 | PERF_MEM_LVL_HIT) |
		       MEM_S(LVLNUM, PERF_MEM_LVLNUM_L1) | MEM_S(SNOOP, PERF_MEM_SNOOP_NONE);
	case 0x8:	/* L2 */
		return MEM_S(LVL, PERF_MEM_LVL_L2 | PERF_MEM_LVL_HIT) |
		       MEM_S(LVLNUM, PERF_MEM_LVLNUM_L2) | MEM_S(SNOOP, PERF_MEM_SNOOP_NONE);
	case 0x9:	/* peer core */
		return MEM_S(LVL, PERF_MEM_LVL_L2 | PERF_MEM_LVL_HIT) |
		       MEM_S(LVLNUM, PERF_MEM_LVLNUM_L2) | MEM_S(SNOOPX, PERF_MEM_SNOOPX_PEER);
	case 0xa:	/* local cluster */
	case 0xc:	/* peer cluster */
		return MEM_S(LVL, PERF_MEM_LVL_L3 | PERF_MEM_LVL_HIT) |
		       MEM_S(LVLNUM, PERF_MEM_LVLNUM_L3) | MEM_S(SNOOPX, PERF_MEM_SNOOPX_PEER);
	case 0xb:	/* system cache */
		return MEM_S(LVL, PERF_MEM_LVL_L3 | PERF_MEM_LVL_HIT) |
		       MEM_S(LVLNUM, PERF_MEM_LVLNUM_L3) | MEM_S(SNOOP, PERF_MEM_SNOOP_HIT);
	case 0xd:	/* remote */
		return MEM_S(LVL, PERF_MEM_LVL_NA) | MEM_S(LVLNUM, PERF_MEM_LVLNUM_NA) |
		       MEM_S(REMOTE, PERF_MEM_REMOTE_REMOTE) |
		       MEM_S(SNOOPX, PERF_MEM_SNOOPX_PEER);
	case 0xe:	/* DRAM */
		return MEM_S(LVL, PERF_MEM_LVL_LOC_RAM | PERF_MEM_LVL_HIT) |
		       MEM_S(LVLNUM, PERF_MEM_LVLNUM_RAM) | MEM_S(SNOOP, PERF_MEM_SNOOP_NONE);
	default:
		return 0;
	}
}

/* perf's arm_spe__synth_data_source_generic() */
static uint64_t ds_generic(uint32_t cls)
{
	uint64_t ds = 0;

	if (cls & (MEM_C_LLC_ACCESS | MEM_C_LLC_MISS))
		ds = MEM_S(LVL, PERF_MEM_LVL_L3 | (cls & MEM_C_LLC_MISS ? PERF_MEM_LVL_MISS :
									 PERF_MEM_LVL_HIT));
	else if (cls & (MEM_C_L1D_ACCESS | MEM_C_L1D_MISS))
		ds = MEM_S(LVL, PERF_MEM_LVL_L1 | (cls & MEM_C_L1D_MISS ? PERF_MEM_LVL_MISS :
									 PERF_MEM_LVL_HIT));
	if (cls & MEM_C_REMOTE_ACCESS)
		ds |= MEM_S(REMOTE, PERF_MEM_REMOTE_REMOTE);
	return ds;
}

/* perf's arm_spe__synth_data_source(): 0 for what is no load or store */
static uint64_t data_source(const struct spe_record *r, uint32_t cls, uint64_t midr)
{
	bool store;
	uint64_t ds;

	if (!r->has_op || r->op_class != SPE_OP_LDST)
		return 0;
	store = r->op_payload & SPE_OP_ST;
	ds = MEM_S(OP, store ? PERF_MEM_OP_STORE : PERF_MEM_OP_LOAD);
	if (!common_ds_cpu(midr))
		ds |= ds_generic(cls);
	else if (store)
		ds |= MEM_S(LVL, PERF_MEM_LVL_NA) | MEM_S(LVLNUM, PERF_MEM_LVLNUM_NA) |
		      MEM_S(SNOOP, PERF_MEM_SNOOP_NA);
	else
		ds |= ds_common(r->source);
	if (cls & (MEM_C_TLB_ACCESS | MEM_C_TLB_MISS))
		ds |= MEM_S(TLB, PERF_MEM_TLB_WK | (cls & MEM_C_TLB_MISS ? PERF_MEM_TLB_MISS :
									    PERF_MEM_TLB_HIT));
	return ds;
}

static uint8_t record_op(const struct spe_record *r)
{
	if (!r->has_op)
		return MEM_OP_OTHER;
	switch (r->op_class) {
	case SPE_OP_LDST:
		return r->op_payload & SPE_OP_ST ? MEM_OP_STORE : MEM_OP_LOAD;
	case SPE_OP_BRANCH:
		return MEM_OP_BRANCH;
	default:
		return MEM_OP_OTHER;
	}
}

static int emit_record(struct spe_decode *d, uint64_t aux_offset)
{
	const struct spe_record *r = &d->rec;
	struct mem_sample m = {
		.valid = r->valid, .op = record_op(r), .op_raw = r->op_payload,
		.vaddr = r->vaddr, .paddr = r->paddr, .target = r->target,
		.total_lat = r->total_lat, .issue_lat = r->issue_lat, .xlat_lat = r->xlat_lat,
		.events = r->events, .context = r->context,
		.classes = record_classes(r->events),
	};
	struct decode_event ev = { .kind = EVENT_MEM_SAMPLE, .from = r->pc, .to = r->target,
				   .aux_offset = aux_offset, .mem = &m };

	m.data_src = data_source(r, m.classes, d->midr);
	if (m.data_src)
		m.valid |= MEM_HAS_DATA_SRC;
	ev.time = r->timestamp ? tsc_to_perf_time(&d->tc, r->timestamp) : 0;
	if (ev.time && d->opts.reached && ev.time >= d->next_switch)
		d->next_switch = d->opts.reached(d->opts.read_ctx, ev.time, &d->image);
	return d->opts.event(d->opts.event_ctx, &ev);
}

static int emit_error(struct spe_decode *d, uint64_t aux_offset, int err)
{
	struct decode_event ev = { .kind = EVENT_ERROR, .aux_offset = aux_offset,
				   .error = spe_errstr(err) };

	return d->opts.event(d->opts.event_ctx, &ev);
}

/* The MIDRs of the versioned AUXTRACE_INFO layout, if that is the layout. */
static void read_midrs(struct spe_decode *d, const uint64_t *priv, size_t nr)
{
	size_t pos, hdr, nr_cpus;

	if (nr <= ARM_SPE_V1_PRIV_MAX || priv[ARM_SPE_HEADER_VERSION] < ARM_SPE_HEADER_VERSION_2)
		return;
	hdr = priv[ARM_SPE_HEADER_SIZE];
	nr_cpus = priv[ARM_SPE_CPUS_NUM];
	if (hdr < ARM_SPE_V2_HEADER_MAX || hdr > nr || nr_cpus > nr)
		return;
	d->midrs = calloc(nr_cpus ? nr_cpus : 1, sizeof(*d->midrs));
	if (!d->midrs)
		return;
	for (pos = hdr; d->nr_midrs < nr_cpus && pos + ARM_SPE_CPU_MIDR < nr;) {
		const uint64_t *c = priv + pos;

		if (c[ARM_SPE_CPU_MAGIC] != ARM_SPE_CPU_MAGIC_VALUE)
			break;
		d->midrs[d->nr_midrs++] = (struct spe_midr){ c[ARM_SPE_CPU], c[ARM_SPE_CPU_MIDR] };
		if (c[ARM_SPE_CPU_NR_PARAMS] > nr - pos - ARM_SPE_CPU_MIDR)
			break;
		pos += ARM_SPE_CPU_MIDR + c[ARM_SPE_CPU_NR_PARAMS];
	}
}

/* The MIDR of cpu (-1: per thread, the first CPU's), 0 when not known. */
static uint64_t midr_of(const struct spe_decode *d, int32_t cpu)
{
	for (size_t i = 0; i < d->nr_midrs; i++)
		if (cpu < 0 || d->midrs[i].cpu == (uint64_t)cpu)
			return d->midrs[i].midr;
	return 0;
}

void *arm_spe_decode_begin(const struct decode_opts *opts)
{
	struct spe_decode *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->opts = *opts;
	d->tc = (struct tsc_conv){ .time_shift = opts->time_shift, .time_mult = opts->time_mult,
				   .time_zero = opts->time_zero };
	if (opts->info_priv)
		read_midrs(d, opts->info_priv, opts->nr_priv);
	return d;
}

int arm_spe_decode_chunk(void *state, const struct aux_chunk *chunk)
{
	struct spe_decode *d = state;
	struct aux_reader at = { 0 };
	uint64_t start = 0;
	size_t off = 0;
	int ret = 0;

	if (!d || !chunk || !aux_chunk_readable(chunk))
		return -EINVAL;
	aux_reader_chunk(&at, chunk, 0);
	d->midr = midr_of(d, chunk->cpu);
	d->next_switch = UINT64_MAX;
	if (d->opts.reached)
		d->next_switch = d->opts.reached(d->opts.read_ctx, 0, &d->image);
	memset(&d->rec, 0, sizeof(d->rec));
	while (!ret && off < chunk->size) {
		struct spe_packet p;
		int len;

		aux_reader_need(&at, chunk, off, SPE_READ_MAX);
		len = spe_packet_get(at.base + off, at.end - off, off, &p);

		if (len < 0) {
			ret = emit_error(d, chunk->aux_offset + off, len);
			memset(&d->rec, 0, sizeof(d->rec));
			off++;
			start = off;
			continue;
		}
		off += len;
		if (add_packet(&d->rec, &p)) {
			ret = emit_record(d, chunk->aux_offset + start);
			memset(&d->rec, 0, sizeof(d->rec));
			start = off;
		}
	}
	return ret;
}

void arm_spe_decode_end(void *state)
{
	struct spe_decode *d = state;

	if (d)
		free(d->midrs);
	free(d);
}
