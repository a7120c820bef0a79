// SPDX-License-Identifier: GPL-2.0
/*
 * ipt_ref.c - the libipt side of the Intel PT differential test and
 * benchmark: a random packet generator over pt_enc_next and a decode
 * loop over pt_pkt_next that describes each packet in the neutral
 * struct ref_item text ("name key=value ...", keys of the dump spec).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <intel-pt.h>
#include "ipt_ref.h"

static uint64_t bits(uint64_t *s, unsigned int n)
{
	uint64_t v = ref_rand(s);

	return n >= 64 ? v : v & ((1ull << n) - 1);
}

static const uint8_t ipcs[] = { 0, 1, 2, 3, 4, 6 };

/* Picks an ipc, then an IP that this ipc encodes relative to *last. */
static void gen_ip(uint64_t *s, struct pt_packet_ip *ip, uint64_t *last,
		   uint64_t *want)
{
	uint64_t v = ref_rand(s);

	ip->ipc = ipcs[bits(s, 16) % sizeof(ipcs)];
	switch (ip->ipc) {
	case pt_ipc_update_16:
		v = (*last & ~0xffffull) | (v & 0xffff);
		break;
	case pt_ipc_update_32:
		v = (*last & ~0xffffffffull) | (v & 0xffffffff);
		break;
	case pt_ipc_sext_48:
		v = (uint64_t)((int64_t)(v << 16) >> 16);
		break;
	case pt_ipc_update_48:
		v = (*last & ~0xffffffffffffull) | (v & 0xffffffffffffull);
		break;
	case pt_ipc_full:
		break;
	default:
		v = *last;
		break;
	}
	ip->ip = v;
	*want = v;
	if (ip->ipc != pt_ipc_suppressed)
		*last = v;
}

static const enum pt_packet_type all_types[] = {
	ppt_pad, ppt_psb, ppt_psbend, ppt_tnt_8, ppt_tnt_64, ppt_tip,
	ppt_tip_pge, ppt_tip_pgd, ppt_fup, ppt_mode, ppt_pip, ppt_vmcs,
	ppt_cbr, ppt_tsc, ppt_tma, ppt_mtc, ppt_cyc, ppt_stop, ppt_ovf,
	ppt_mnt, ppt_exstop, ppt_mwait, ppt_pwre, ppt_pwrx, ppt_ptw,
};

static void gen_packet(uint64_t *s, struct pt_packet *p, enum pt_packet_type t)
{
	memset(p, 0, sizeof(*p));
	p->type = t;
	switch (t) {
	case ppt_tnt_8:
		p->payload.tnt.bit_size = 1 + bits(s, 8) % 6;
		p->payload.tnt.payload = bits(s, p->payload.tnt.bit_size);
		break;
	case ppt_tnt_64:
		p->payload.tnt.bit_size = 1 + bits(s, 8) % 47;
		p->payload.tnt.payload = bits(s, p->payload.tnt.bit_size);
		break;
	case ppt_mode:
		if (bits(s, 1)) {
			p->payload.mode.leaf = pt_mol_exec;
			p->payload.mode.bits.exec.csl = bits(s, 1);
			p->payload.mode.bits.exec.csd = bits(s, 1);
		} else {
			p->payload.mode.leaf = pt_mol_tsx;
			p->payload.mode.bits.tsx.intx = bits(s, 1);
			p->payload.mode.bits.tsx.abrt = bits(s, 1);
		}
		break;
	case ppt_pip:
		p->payload.pip.cr3 = bits(s, 52) & ~0x1full;
		p->payload.pip.nr = bits(s, 1);
		break;
	case ppt_vmcs:
		p->payload.vmcs.base = bits(s, 40) << 12;
		break;
	case ppt_cbr:
		p->payload.cbr.ratio = bits(s, 8);
		break;
	case ppt_tsc:
		p->payload.tsc.tsc = bits(s, 56);
		break;
	case ppt_tma:
		p->payload.tma.ctc = bits(s, 16);
		p->payload.tma.fc = bits(s, 9);
		break;
	case ppt_mtc:
		p->payload.mtc.ctc = bits(s, 8);
		break;
	case ppt_cyc:
		/* 5 + 8 * 7 bits fit the 9 bytes libipt decodes */
		p->payload.cyc.value = bits(s, bits(s, 8) % 62);
		break;
	case ppt_mnt:
		p->payload.mnt.payload = ref_rand(s);
		break;
	case ppt_exstop:
		p->payload.exstop.ip = bits(s, 1);
		break;
	case ppt_mwait:
		p->payload.mwait.hints = bits(s, 32);
		p->payload.mwait.ext = bits(s, 32);
		break;
	case ppt_pwre:
		p->payload.pwre.state = bits(s, 4);
		p->payload.pwre.sub_state = bits(s, 4);
		p->payload.pwre.hw = bits(s, 1);
		break;
	case ppt_pwrx:
		p->payload.pwrx.last = bits(s, 4);
		p->payload.pwrx.deepest = bits(s, 4);
		p->payload.pwrx.interrupt = bits(s, 1);
		p->payload.pwrx.store = bits(s, 1);
		p->payload.pwrx.autonomous = bits(s, 1);
		break;
	case ppt_ptw:
		p->payload.ptw.plc = bits(s, 1);
		p->payload.ptw.payload = bits(s, p->payload.ptw.plc ? 64 : 32);
		p->payload.ptw.ip = bits(s, 1);
		break;
	default:
		break;
	}
}

size_t ref_gen(uint64_t seed, uint8_t *buf, size_t cap, size_t npkts,
	       uint64_t *want_ip, size_t max_ip, size_t *nr_ip)
{
	struct pt_config config;
	struct pt_encoder *enc;
	uint64_t s = seed * 0x9e3779b97f4a7c15ull + 1, last = 0, off = 0;
	size_t nip = 0;
	int err = 0;

	pt_config_init(&config);
	config.begin = buf;
	config.end = buf + cap;
	enc = pt_alloc_encoder(&config);
	if (!enc)
		return 0;
	for (size_t i = 0; i < npkts && err >= 0; i++) {
		struct pt_packet p;
		enum pt_packet_type t = all_types[bits(&s, 16) %
			(sizeof(all_types) / sizeof(all_types[0]))];
		uint64_t want;

		if (i == 0 || bits(&s, 8) == 0)
			t = ppt_psb;
		gen_packet(&s, &p, t);
		if (t == ppt_psb)
			last = 0;
		if (t == ppt_tip || t == ppt_tip_pge || t == ppt_tip_pgd ||
		    t == ppt_fup) {
			gen_ip(&s, &p.payload.ip, &last, &want);
			if (p.payload.ip.ipc != pt_ipc_suppressed &&
			    want_ip && nip < max_ip)
				want_ip[nip++] = want;
		}
		err = pt_enc_next(enc, &p);
	}
	if (err >= 0)
		err = pt_enc_get_offset(enc, &off);
	pt_free_encoder(enc);
	if (nr_ip)
		*nr_ip = nip;
	return err < 0 ? 0 : off;
}

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

#define OUT(...) (n += snprintf(t + n, sizeof(it->text) - n, __VA_ARGS__))

static void describe(struct ref_item *it, const struct pt_packet *p)
{
	char *t = it->text;
	size_t n = 0;
	const char *name = (size_t)p->type < sizeof(names) / sizeof(names[0]) ?
			   names[p->type] : NULL;

	if (p->type == ppt_mode)
		name = p->payload.mode.leaf == pt_mol_exec ? "mode.exec" :
							       "mode.tsx";
	OUT("%s", name ? name : "?");
	switch (p->type) {
	case ppt_tnt_8:
	case ppt_tnt_64:
		OUT(" tnt=");
		for (int i = p->payload.tnt.bit_size - 1; i >= 0; i--)
			OUT("%c", p->payload.tnt.payload >> i & 1 ? 'T' : 'N');
		break;
	case ppt_tip:
	case ppt_tip_pge:
	case ppt_tip_pgd:
	case ppt_fup:
		OUT(" ipc=%d", p->payload.ip.ipc);
		if (p->payload.ip.ipc)
			OUT(" payload=0x%" PRIx64, p->payload.ip.ip);
		break;
	case ppt_mode:
		if (p->payload.mode.leaf == pt_mol_exec)
			OUT(" csl=%d csd=%d", p->payload.mode.bits.exec.csl,
			    p->payload.mode.bits.exec.csd);
		else
			OUT(" intx=%d abrt=%d", p->payload.mode.bits.tsx.intx,
			    p->payload.mode.bits.tsx.abrt);
		break;
	case ppt_pip:
		OUT(" cr3=0x%" PRIx64 " nr=%d", p->payload.pip.cr3,
		    p->payload.pip.nr);
		break;
	case ppt_vmcs:
		OUT(" base=0x%" PRIx64, p->payload.vmcs.base);
		break;
	case ppt_cbr:
		OUT(" ratio=%d", p->payload.cbr.ratio);
		break;
	case ppt_tsc:
		OUT(" tsc=%" PRIu64, p->payload.tsc.tsc);
		break;
	case ppt_tma:
		OUT(" ctc=%d fc=%d", p->payload.tma.ctc, p->payload.tma.fc);
		break;
	case ppt_mtc:
		OUT(" ctc=%d", p->payload.mtc.ctc);
		break;
	case ppt_cyc:
		OUT(" cyc=%" PRIu64, p->payload.cyc.value);
		break;
	case ppt_mnt:
		OUT(" payload=0x%" PRIx64, p->payload.mnt.payload);
		break;
	case ppt_exstop:
		OUT(" ip=%d", p->payload.exstop.ip);
		break;
	case ppt_mwait:
		OUT(" hints=%u ext=%u", p->payload.mwait.hints,
		    p->payload.mwait.ext);
		break;
	case ppt_pwre:
		OUT(" state=%d sub_state=%d hw=%d", p->payload.pwre.state,
		    p->payload.pwre.sub_state, p->payload.pwre.hw);
		break;
	case ppt_pwrx:
		OUT(" last=%d deepest=%d interrupt=%d store=%d autonomous=%d",
		    p->payload.pwrx.last, p->payload.pwrx.deepest,
		    p->payload.pwrx.interrupt, p->payload.pwrx.store,
		    p->payload.pwrx.autonomous);
		break;
	case ppt_ptw:
		OUT(" plc=%d payload=0x%" PRIx64 " ip=%d", p->payload.ptw.plc,
		    p->payload.ptw.payload, p->payload.ptw.ip);
		break;
	default:
		break;
	}
}

static struct pt_packet_decoder *alloc_decoder(const uint8_t *buf, size_t len)
{
	struct pt_config config;

	pt_config_init(&config);
	config.begin = (uint8_t *)buf;
	config.end = (uint8_t *)buf + len;
	return pt_pkt_alloc_decoder(&config);
}

size_t ref_decode(const uint8_t *buf, size_t len, struct ref_item *out,
		  size_t max)
{
	struct pt_packet_decoder *dec = alloc_decoder(buf, len);
	size_t n = 0;

	if (!dec)
		return 0;
	if (pt_pkt_sync_set(dec, 0) < 0)
		goto out;
	while (n < max) {
		struct pt_packet p;
		uint64_t off = 0;
		int size;

		pt_pkt_get_offset(dec, &off);
		size = pt_pkt_next(dec, &p, sizeof(p));
		if (size == -pte_eos && off == len)
			break;
		out[n].offset = off;
		if (size < 0) {
			out[n].size = 0;
			out[n].err = -size;
			snprintf(out[n].text, sizeof(out[n].text), "error %d",
				 -size);
			n++;
			if (size == -pte_eos || pt_pkt_sync_forward(dec) < 0)
				break;
			continue;
		}
		out[n].size = size;
		out[n].err = 0;
		describe(&out[n], &p);
		n++;
	}
out:
	pt_pkt_free_decoder(dec);
	return n;
}

uint64_t ref_count_packets(const uint8_t *buf, size_t len)
{
	struct pt_packet_decoder *dec = alloc_decoder(buf, len);
	struct pt_packet p;
	uint64_t n = 0;

	if (!dec)
		return 0;
	if (pt_pkt_sync_set(dec, 0) == 0) {
		for (;;) {
			int size = pt_pkt_next(dec, &p, sizeof(p));

			if (size >= 0) {
				n++;
				continue;
			}
			if (size == -pte_eos || pt_pkt_sync_forward(dec) < 0)
				break;
		}
	}
	pt_pkt_free_decoder(dec);
	return n;
}
