// SPDX-License-Identifier: GPL-2.0
/*
 * pt_packet_walk.c - pt_pkt_walk(), the fast batch packet decoder behind
 * the dump and the benchmark.
 *
 * While at least PT_WALK_GUARD bytes remain, every packet fits (the
 * longest, psb, is 16 bytes; a cyc reads at most 10), so the fast path
 * reads without length checks: a table of label addresses indexed by the
 * first byte (or by 256 plus the second byte after 0x02, chosen without a
 * branch) jumps straight to the code of the packet, which stores the decoded packet, applies the
 * IP compression and dispatches the next packet itself. Anything unusual
 * (a reserved encoding, a bad opcode) and the last bytes of the buffer go
 * to the careful path: pt_pkt_decode() plus the error and resync
 * handling, so errors and their offsets come from one place.
 */
#include <endian.h>
#include <string.h>
#include "pt_opcodes.h"
#include "pt_packet_walk.h"
#include "pt_sync.h"

#define PT_WALK_GUARD	16

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)

static inline uint16_t ld16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return le16toh(v);
}

static inline uint32_t ld32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return le32toh(v);
}

static inline uint64_t ld64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return le64toh(v);
}

#define MASK48		0xffffffffffffull

/* 02 82 02 82 02 82 02 82 read as a little-endian word */
#define PSB_WORD	0x8202820282028202ull

/* Packet type of an ip packet by the low 5 bits of its first byte. */
static const uint8_t ip_type[32] = {
	[PT_OPC_TIP] = PT_PKT_TIP,
	[PT_OPC_TIP_PGE] = PT_PKT_TIP_PGE,
	[PT_OPC_TIP_PGD] = PT_PKT_TIP_PGD,
	[PT_OPC_FUP] = PT_PKT_FUP,
};

/* Label of the first byte b; the order of tests is pt_packet.c's. */
#define IS_IP(b)							\
	(((b) & PT_OPM_IP) == PT_OPC_TIP || ((b) & PT_OPM_IP) == PT_OPC_FUP || \
	 ((b) & PT_OPM_IP) == PT_OPC_TIP_PGE ||				\
	 ((b) & PT_OPM_IP) == PT_OPC_TIP_PGD)
#define IP_LABEL(ipc)							\
	((ipc) == PT_IPC_SUPPRESSED ? &&l_ip0 :				\
	 (ipc) == PT_IPC_UPDATE_16 ? &&l_ip16 :				\
	 (ipc) == PT_IPC_UPDATE_32 ? &&l_ip32 :				\
	 (ipc) == PT_IPC_SEXT_48 ? &&l_ips48 :				\
	 (ipc) == PT_IPC_UPDATE_48 ? &&l_ip48 :				\
	 (ipc) == PT_IPC_FULL ? &&l_ip64 : &&l_slow)
#define OPC_LABEL(b)							\
	((b) == PT_OPC_PAD ? &&l_pad :					\
	 (b) == PT_OPC_EXT ? &&l_slow :	/* not used: see lab[] */	\
	 (b) == PT_OPC_MODE ? &&l_mode :				\
	 (b) == PT_OPC_TSC ? &&l_tsc :					\
	 (b) == PT_OPC_MTC ? &&l_mtc :					\
	 ((b) & PT_OPM_TNT_8) == PT_OPC_TNT_8 ? &&l_tnt8 :		\
	 ((b) & PT_OPM_CYC) == PT_OPC_CYC ?				\
		((b) & PT_OPM_CYC_EXT ? &&l_cycx : &&l_cyc) :		\
	 IS_IP(b) ? IP_LABEL((b) >> PT_OPM_IPC_SHR) : &&l_slow)

/* Label of the byte b after PT_OPC_EXT. */
#define EXT_LABEL(b)							\
	((b) == PT_EXT_PSB ? &&l_psb :					\
	 (b) == PT_EXT_TNT_64 ? &&l_tnt64 :				\
	 (b) == PT_EXT_PIP ? &&l_pip :					\
	 (b) == PT_EXT_OVF ? &&l_ovf :					\
	 (b) == PT_EXT_PSBEND ? &&l_psbend :				\
	 (b) == PT_EXT_CBR ? &&l_cbr :					\
	 (b) == PT_EXT_TMA ? &&l_tma :					\
	 (b) == PT_EXT_STOP ? &&l_stop :				\
	 (b) == PT_EXT_VMCS ? &&l_vmcs :				\
	 (b) == PT_EXT_EXT2 ? &&l_ext2 :				\
	 (b) == PT_EXT_EXSTOP || (b) == PT_EXT_EXSTOP_IP ? &&l_exstop :	\
	 (b) == PT_EXT_MWAIT ? &&l_mwait :				\
	 (b) == PT_EXT_PWRE ? &&l_pwre :				\
	 (b) == PT_EXT_PWRX ? &&l_pwrx :				\
	 ((b) & PT_OPM_PTW) == PT_EXT_PTW ?				\
		(((b) >> PT_OPM_PTW_PLC_SHR & 3) == 0 ? &&l_ptw4 :	\
		 ((b) >> PT_OPM_PTW_PLC_SHR & 3) == 1 ? &&l_ptw8 : &&l_slow) : \
	 &&l_slow)

#define ROW4(M, b)  M(b), M((b) + 1), M((b) + 2), M((b) + 3)
#define ROW16(M, b) ROW4(M, b), ROW4(M, (b) + 4), ROW4(M, (b) + 8), ROW4(M, (b) + 12)
#define ROW64(M, b) ROW16(M, b), ROW16(M, (b) + 16), ROW16(M, (b) + 32), ROW16(M, (b) + 48)

/*
 * The careful path for one packet at *pp: decodes it into *o, or stores
 * the error in *o and resyncs. Returns 1 when *o is stored and the walk
 * goes on, 2 when *o is stored and ends the walk, 0 at the end.
 */
static inline int walk_slow(struct pt_pkt_walker *w, const uint8_t **pp,
			    struct pt_pkt_rec *o, uint64_t *last)
{
	size_t pos = *pp - w->buf;
	ssize_t next;
	int n;

	if (pos >= w->len)
		return 0;
	n = pt_pkt_decode(w->buf + pos, w->len - pos, &o->pkt);
	o->offset = pos;
	o->ip = 0;
	o->err = n < 0 ? n : 0;
	if (n < 0) {
		if (n == -PT_ERR_NEED_MORE)
			return 2;
		next = pt_sync_after_error(w->buf, w->len, pos, w->sync);
		if (next < 0)
			return 2;
		*pp = w->buf + next;
		w->sync = next;
		*last = 0;
		return 1;
	}
	if (o->pkt.type == PT_PKT_PSB) {
		*last = 0;
	} else if (pt_pkt_is_ip(&o->pkt)) {
		uint64_t p = o->pkt.ip.payload;

		switch (o->pkt.ip.ipc) {
		case PT_IPC_UPDATE_16:
			*last = (*last & ~0xffffull) | p;
			break;
		case PT_IPC_UPDATE_32:
			*last = (*last & ~0xffffffffull) | p;
			break;
		case PT_IPC_SEXT_48:
			*last = (uint64_t)((int64_t)(p << 16) >> 16);
			break;
		case PT_IPC_UPDATE_48:
			*last = (*last & ~MASK48) | p;
			break;
		case PT_IPC_FULL:
			*last = p;
			break;
		}
		o->ip = *last;
	}
	*pp += n;
	return 1;
}

/*
 * GCC would merge the dispatch jumps into one; kept apart (threaded), each
 * packet's jump is predicted from the packet before it: ~10% faster.
 */
#if defined(__GNUC__) && !defined(__clang__)
#define THREADED_DISPATCH __attribute__((optimize("no-gcse", "no-crossjumping")))
#else
#define THREADED_DISPATCH
#endif

THREADED_DISPATCH
size_t pt_pkt_walk(struct pt_pkt_walker *w, struct pt_pkt_rec *out,
		   size_t max)
{
	/* [b] for a first byte b, [256 + e] for 02 e: one jump a packet */
	static const void *const lab[512] = {
		ROW64(OPC_LABEL, 0), ROW64(OPC_LABEL, 64),
		ROW64(OPC_LABEL, 128), ROW64(OPC_LABEL, 192),
		ROW64(EXT_LABEL, 0), ROW64(EXT_LABEL, 64),
		ROW64(EXT_LABEL, 128), ROW64(EXT_LABEL, 192),
	};
	const uint8_t *const buf = w->buf;
	const uint8_t *p = buf + w->pos;
	/* p < fast_end: at least PT_WALK_GUARD bytes left at p */
	const uint8_t *const fast_end =
		buf + (w->len >= PT_WALK_GUARD ? w->len - PT_WALK_GUARD + 1 : 0);
	struct pt_pkt_rec *o = out, *const oend = out + max;
	uint64_t last = w->last_ip;
	struct pt_packet *k;
	unsigned int b, n;
	uint64_t v;

	if (w->done)
		return 0;

/* Starts the packet at p in *o; the fast path's only checks are here. */
#define DISPATCH()							\
	do {								\
		if (unlikely(p >= fast_end || o == oend))		\
			goto top;					\
		k = &o->pkt;						\
		o->offset = p - buf;					\
		o->ip = 0;						\
		o->err = 0;						\
		b = *p;							\
		goto *lab[b + ((b == PT_OPC_EXT) * (256 - PT_OPC_EXT + p[1]))]; \
	} while (0)
#define NEXT(type_, size_)						\
	do {								\
		k->type = (type_);					\
		k->size = (size_);					\
		p += (size_);						\
		o++;							\
		DISPATCH();						\
	} while (0)

top:
	if (o == oend)
		goto save;
	if (p < fast_end) {
		DISPATCH();
	}
l_slow:
	switch (walk_slow(w, &p, o, &last)) {
	case 1:
		o++;
		goto top;
	case 2:
		o++;	/* the error that ends the walk */
		/* fall through */
	default:
		w->done = true;
		goto save;
	}

l_pad:
	NEXT(PT_PKT_PAD, PT_PS_PAD);
l_tnt8:
	v = *p >> 1;
	n = 63 - __builtin_clzll(v);
	k->tnt.count = n;
	k->tnt.bits = v & ~(1ull << n);
	NEXT(PT_PKT_TNT_8, PT_PS_TNT_8);
l_cyc:
	k->cyc = *p >> PT_OPM_CYC_SHR;
	NEXT(PT_PKT_CYC, 1);
l_cycx:
	v = *p >> PT_OPM_CYC_SHR;
	n = 1;
	b = 8 - PT_OPM_CYC_SHR;
	for (;;) {
		unsigned int x = p[n++];

		v |= (uint64_t)(x >> PT_OPM_CYCX_SHR) << b;
		b += 8 - PT_OPM_CYCX_SHR;
		if (b > 64)
			goto l_slow;	/* more than 64 bits */
		if (!(x & PT_OPM_CYCX_EXT))
			break;
	}
	k->cyc = v;
	NEXT(PT_PKT_CYC, n);
l_ip0:
	k->ip.payload = 0;
	k->ip.ipc = PT_IPC_SUPPRESSED;
	o->ip = last;
	NEXT(ip_type[*p & PT_OPM_IP], 1);
l_ip16:
	v = ld16(p + 1);
	last = (last & ~0xffffull) | v;
	k->ip.payload = v;
	k->ip.ipc = PT_IPC_UPDATE_16;
	o->ip = last;
	NEXT(ip_type[*p & PT_OPM_IP], 3);
l_ip32:
	v = ld32(p + 1);
	last = (last & ~0xffffffffull) | v;
	k->ip.payload = v;
	k->ip.ipc = PT_IPC_UPDATE_32;
	o->ip = last;
	NEXT(ip_type[*p & PT_OPM_IP], 5);
l_ips48:
	v = ld64(p + 1) & MASK48;
	last = (uint64_t)((int64_t)(v << 16) >> 16);
	k->ip.payload = v;
	k->ip.ipc = PT_IPC_SEXT_48;
	o->ip = last;
	NEXT(ip_type[*p & PT_OPM_IP], 7);
l_ip48:
	v = ld64(p + 1) & MASK48;
	last = (last & ~MASK48) | v;
	k->ip.payload = v;
	k->ip.ipc = PT_IPC_UPDATE_48;
	o->ip = last;
	NEXT(ip_type[*p & PT_OPM_IP], 7);
l_ip64:
	v = ld64(p + 1);
	last = v;
	k->ip.payload = v;
	k->ip.ipc = PT_IPC_FULL;
	o->ip = last;
	NEXT(ip_type[*p & PT_OPM_IP], 9);
l_mode:
	b = p[1];
	if ((b & PT_OPM_MODE_LEAF) == PT_MODE_EXEC) {
		k->exec.csl = b & 1;
		k->exec.csd = (b >> 1) & 1;
		NEXT(PT_PKT_MODE_EXEC, PT_PS_MODE);
	}
	if ((b & PT_OPM_MODE_LEAF) != PT_MODE_TSX)
		goto l_slow;
	k->tsx.intx = b & 1;
	k->tsx.abrt = (b >> 1) & 1;
	NEXT(PT_PKT_MODE_TSX, PT_PS_MODE);
l_tsc:
	k->tsc = ld64(p) >> 8;
	NEXT(PT_PKT_TSC, PT_PS_TSC);
l_mtc:
	k->mtc_ctc = p[1];
	NEXT(PT_PKT_MTC, PT_PS_MTC);
l_psb:
	if (ld64(p) != PSB_WORD || ld64(p + 8) != PSB_WORD)
		goto l_slow;
	last = 0;
	NEXT(PT_PKT_PSB, PT_PS_PSB);
l_tnt64:
	v = ld64(p + 2) & MASK48;
	if (v < 2)
		goto l_slow;
	n = 63 - __builtin_clzll(v);
	k->tnt.count = n;
	k->tnt.bits = v & ~(1ull << n);
	NEXT(PT_PKT_TNT_64, PT_PS_TNT_64);
l_pip:
	v = ld64(p + 2) & MASK48;
	k->pip.nr = v & PT_PL_PIP_NR;
	k->pip.cr3 = (v >> PT_PL_PIP_SHR) << PT_PL_PIP_SHL;
	NEXT(PT_PKT_PIP, PT_PS_PIP);
l_ovf:
	NEXT(PT_PKT_OVF, PT_PS_OVF);
l_psbend:
	NEXT(PT_PKT_PSBEND, PT_PS_PSBEND);
l_stop:
	NEXT(PT_PKT_STOP, PT_PS_STOP);
l_cbr:
	k->cbr_ratio = p[2];
	NEXT(PT_PKT_CBR, PT_PS_CBR);
l_tma:
	b = ld16(p + 5);
	if (p[4] || (b & ~PT_PL_TMA_FC_MASK))
		goto l_slow;
	k->tma.ctc = ld16(p + 2);
	k->tma.fc = b;
	NEXT(PT_PKT_TMA, PT_PS_TMA);
l_vmcs:
	k->vmcs_base = (ld64(p + 2) & 0xffffffffffull) << PT_PL_VMCS_SHL;
	NEXT(PT_PKT_VMCS, PT_PS_VMCS);
l_ext2:
	if (p[2] != PT_EXT2_MNT)
		goto l_slow;
	k->mnt_payload = ld64(p + 3);
	NEXT(PT_PKT_MNT, PT_PS_MNT);
l_exstop:
	k->exstop_ip = p[1] >> 7;
	NEXT(PT_PKT_EXSTOP, PT_PS_EXSTOP);
l_mwait:
	k->mwait.hints = ld32(p + 2);
	k->mwait.ext = ld32(p + 6);
	NEXT(PT_PKT_MWAIT, PT_PS_MWAIT);
l_pwre:
	k->pwre.hw = !!(p[2] & PT_PL_PWRE_HW);
	k->pwre.sub_state = p[3] & 0xf;
	k->pwre.state = p[3] >> 4;
	NEXT(PT_PKT_PWRE, PT_PS_PWRE);
l_pwrx:
	b = p[3];
	k->pwrx.deepest = p[2] & 0xf;
	k->pwrx.last = p[2] >> 4;
	k->pwrx.interrupt = !!(b & PT_PL_PWRX_INT);
	k->pwrx.store = !!(b & PT_PL_PWRX_STORE);
	k->pwrx.autonomous = !!(b & PT_PL_PWRX_HW);
	NEXT(PT_PKT_PWRX, PT_PS_PWRX);
l_ptw4:
	k->ptw.plc = 0;
	k->ptw.ip = p[1] >> 7;
	k->ptw.payload = ld32(p + 2);
	NEXT(PT_PKT_PTW, PT_PS_PTW_HDR + 4);
l_ptw8:
	k->ptw.plc = 1;
	k->ptw.ip = p[1] >> 7;
	k->ptw.payload = ld64(p + 2);
	NEXT(PT_PKT_PTW, PT_PS_PTW_HDR + 8);

save:
	w->pos = p - buf;
	w->last_ip = last;
	return o - out;
#undef NEXT
#undef DISPATCH
}
