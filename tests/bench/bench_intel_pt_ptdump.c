// SPDX-License-Identifier: GPL-2.0
/*
 * bench_intel_pt_ptdump.c - the libipt side of the dump benchmark: a
 * ptdump-like loop (libipt ships ptdump in its sources, Debian's
 * libipt-dev does not) over pt_pkt_next that tracks the last IP and
 * prints every packet and error with fprintf, in the JSON Lines of
 * docs/intel-pt-packets.md, so its output can be compared with auxrec's
 * dump byte for byte. Its own file: <intel-pt.h> clashes with auxrec's
 * pt_packet.h.
 */
#include <inttypes.h>
#include <stdio.h>
#include <intel-pt.h>
#include "bench_intel_pt_ptdump.h"

static const char *const names[] = {
	[ppt_pad] = "pad", [ppt_psb] = "psb", [ppt_psbend] = "psbend",
	[ppt_tnt_8] = "tnt.8", [ppt_tnt_64] = "tnt.64", [ppt_tip] = "tip",
	[ppt_tip_pge] = "tip.pge", [ppt_tip_pgd] = "tip.pgd",
	[ppt_fup] = "fup", [ppt_pip] = "pip", [ppt_vmcs] = "vmcs",
	[ppt_cbr] = "cbr", [ppt_tsc] = "tsc", [ppt_tma] = "tma",
	[ppt_mtc] = "mtc", [ppt_cyc] = "cyc", [ppt_stop] = "stop",
	[ppt_ovf] = "ovf", [ppt_mnt] = "mnt", [ppt_exstop] = "exstop",
	[ppt_mwait] = "mwait", [ppt_pwre] = "pwre", [ppt_pwrx] = "pwrx",
	[ppt_ptw] = "ptw",
};

static uint64_t last_ip_update(uint64_t last, const struct pt_packet_ip *ip)
{
	switch (ip->ipc) {
	case pt_ipc_update_16:
		return (last & ~0xffffull) | (ip->ip & 0xffff);
	case pt_ipc_update_32:
		return (last & ~0xffffffffull) | (ip->ip & 0xffffffff);
	case pt_ipc_sext_48:
		return (uint64_t)((int64_t)(ip->ip << 16) >> 16);
	case pt_ipc_update_48:
		return (last & ~0xffffffffffffull) | (ip->ip & 0xffffffffffffull);
	case pt_ipc_full:
		return ip->ip;
	default:
		return last;
	}
}

const char *ipt_packet_name(const struct pt_packet *p)
{
	if (p->type == ppt_mode)
		return p->payload.mode.leaf == pt_mol_exec ? "mode.exec" :
							     "mode.tsx";
	return (size_t)p->type < sizeof(names) / sizeof(names[0]) &&
	       names[p->type] ? names[p->type] : "unknown";
}

static void print_packet(FILE *out, uint64_t off, int size,
			 const struct pt_packet *p, uint64_t *last)
{
	const char *name = ipt_packet_name(p);
	char tnt[65];

	fprintf(out, "{\"offset\":%" PRIu64 ",\"size\":%d,\"packet\":\"%s\"",
		off, size, name);
	switch (p->type) {
	case ppt_psb:
		*last = 0;
		break;
	case ppt_tnt_8:
	case ppt_tnt_64:
		for (int i = 0; i < p->payload.tnt.bit_size; i++)
			tnt[i] = p->payload.tnt.payload >>
				 (p->payload.tnt.bit_size - 1 - i) & 1 ? 'T' : 'N';
		tnt[p->payload.tnt.bit_size] = 0;
		fprintf(out, ",\"tnt\":\"%s\"", tnt);
		break;
	case ppt_tip:
	case ppt_tip_pge:
	case ppt_tip_pgd:
	case ppt_fup:
		fprintf(out, ",\"ipc\":%d", p->payload.ip.ipc);
		*last = last_ip_update(*last, &p->payload.ip);
		if (p->payload.ip.ipc)
			fprintf(out, ",\"payload\":\"0x%" PRIx64 "\",\"ip\":\"0x%"
				PRIx64 "\"", p->payload.ip.ip, *last);
		break;
	case ppt_mode:
		if (p->payload.mode.leaf == pt_mol_exec)
			fprintf(out, ",\"csl\":%d,\"csd\":%d",
				p->payload.mode.bits.exec.csl,
				p->payload.mode.bits.exec.csd);
		else
			fprintf(out, ",\"intx\":%d,\"abrt\":%d",
				p->payload.mode.bits.tsx.intx,
				p->payload.mode.bits.tsx.abrt);
		break;
	case ppt_pip:
		fprintf(out, ",\"cr3\":\"0x%" PRIx64 "\",\"nr\":%d",
			p->payload.pip.cr3, p->payload.pip.nr);
		break;
	case ppt_vmcs:
		fprintf(out, ",\"base\":\"0x%" PRIx64 "\"", p->payload.vmcs.base);
		break;
	case ppt_cbr:
		fprintf(out, ",\"ratio\":%d", p->payload.cbr.ratio);
		break;
	case ppt_tsc:
		fprintf(out, ",\"tsc\":%" PRIu64, p->payload.tsc.tsc);
		break;
	case ppt_tma:
		fprintf(out, ",\"ctc\":%d,\"fc\":%d", p->payload.tma.ctc,
			p->payload.tma.fc);
		break;
	case ppt_mtc:
		fprintf(out, ",\"ctc\":%d", p->payload.mtc.ctc);
		break;
	case ppt_cyc:
		fprintf(out, ",\"cyc\":%" PRIu64, p->payload.cyc.value);
		break;
	case ppt_mnt:
		fprintf(out, ",\"payload\":\"0x%" PRIx64 "\"",
			p->payload.mnt.payload);
		break;
	case ppt_exstop:
		fprintf(out, ",\"ip\":%d", p->payload.exstop.ip);
		break;
	case ppt_mwait:
		fprintf(out, ",\"hints\":%u,\"ext\":%u", p->payload.mwait.hints,
			p->payload.mwait.ext);
		break;
	case ppt_pwre:
		fprintf(out, ",\"state\":%d,\"sub_state\":%d,\"hw\":%d",
			p->payload.pwre.state, p->payload.pwre.sub_state,
			p->payload.pwre.hw);
		break;
	case ppt_pwrx:
		fprintf(out, ",\"last\":%d,\"deepest\":%d,\"interrupt\":%d,"
			"\"store\":%d,\"autonomous\":%d",
			p->payload.pwrx.last, p->payload.pwrx.deepest,
			p->payload.pwrx.interrupt, p->payload.pwrx.store,
			p->payload.pwrx.autonomous);
		break;
	case ppt_ptw:
		fprintf(out, ",\"plc\":%d,\"payload\":\"0x%" PRIx64 "\",\"ip\":%d",
			p->payload.ptw.plc, p->payload.ptw.payload,
			p->payload.ptw.ip);
		break;
	default:
		break;
	}
	fputs("}\n", out);
}

uint64_t ipt_dump_json(const uint8_t *buf, size_t len, FILE *out)
{
	struct pt_packet_decoder *dec;
	struct pt_config config;
	uint64_t last = 0, n = 0;

	pt_config_init(&config);
	config.begin = (uint8_t *)buf;
	config.end = (uint8_t *)buf + len;
	dec = pt_pkt_alloc_decoder(&config);
	if (!dec)
		return 0;
	if (pt_pkt_sync_set(dec, 0) < 0)
		goto out;
	for (;;) {
		struct pt_packet p;
		uint64_t off = 0;
		int size;

		pt_pkt_get_offset(dec, &off);
		size = pt_pkt_next(dec, &p, sizeof(p));
		if (size >= 0) {
			print_packet(out, off, size, &p, &last);
			n++;
			continue;
		}
		if (size == -pte_eos && off == len)
			break;
		fprintf(out, "{\"offset\":%" PRIu64 ",\"error\":\"%s\"}\n", off,
			pt_errstr(pt_errcode(size)));
		if (size == -pte_eos || pt_pkt_sync_forward(dec) < 0)
			break;
		last = 0;
	}
out:
	pt_pkt_free_decoder(dec);
	return n;
}
