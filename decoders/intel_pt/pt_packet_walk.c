// SPDX-License-Identifier: GPL-2.0
/*
 * pt_packet_walk.c - pt_pkt_walk(), the fast batch packet decoder behind
 * the dump and the benchmark, and pt_walk(), its one-packet-a-call form. Owns its decode tables and both decode
 * paths; pt_pkt_walk() picks one per batch (the output is the same).
 *
 * The table path (walk_table) is nearly branch-free, for streams whose
 * packet sequence the branch predictor cannot guess: the first byte (or
 * 256 + the byte after 0x02, or 512 + the byte after the mode opcode 0x99,
 * chosen with conditional moves) indexes opc_tab[], whose entry gives the
 * type and size, the constant parts of the packet's union and its class;
 * size_tab[] gives the size alone, so the next packet's loads wait only
 * for two loads and a conditional move, not for the decode. A class
 * (struct walk_cls) describes the decode of all its packets as data:
 *  - the payload: v = (load64(p + off) & vmask) ^ vx; v > maxv leaves
 *    the common path (psb: bytes 8-15 must xor to 0);
 *  - the union's first word: v & m1 | rotl(v, r) & m2 (pip's shifted
 *    cr3, vmcs, tma's split ctc and fc are all this formula) or'ed with
 *    the opcode's constant (tnt.8's bits, cyc's value, mode, exstop);
 *  - the union's second word: the opcode's constant (tnt.8's count, ipc,
 *    ptw's plc and ip) plus v's low bits (pip's nr);
 *  - the last IP: keep selects which bits of it stay, the rest come from
 *    v (sign-extended for ipc 3); keep = 0 resets it at a psb;
 *  - validity: required bits of bytes 2-9 (psb, mnt, tma's reserved
 *    bits).
 * Every packet runs the same instructions; only cyc with extension bytes,
 * tnt.64, pwre and pwrx (size_tab 0, known before the class is loaded)
 * and invalid packets (v > maxv) jump to code of their own.
 *
 * The threaded path (walk_threaded) jumps through a table of labels to
 * each packet's own code: the fewest instructions, the fastest when the
 * predictor learns the stream, ~1.4x slower than the table path when it
 * cannot (a mispredicted jump for every packet).
 *
 * While at least PT_WALK_GUARD bytes remain every load is in bounds (the
 * longest packet, psb, is 16 bytes), so the fast paths have no length
 * checks. Anything invalid and the last bytes of the buffer go to the
 * careful path: pt_pkt_decode() plus the error and resync handling, so
 * errors and their offsets come from one place.
 */
#include <endian.h>
#include <string.h>
#include <time.h>
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif
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

static inline uint64_t rotl64(uint64_t v, unsigned int r)
{
	return (v << (r & 63)) | (v >> (-r & 63));
}

#define MASK48		0xffffffffffffull
#define MASK40		0xffffffffffull

/* 02 82 02 82 02 82 02 82 read as a little-endian word */
#define PSB_WORD	0x8202820282028202ull

/* How a class leaves the common path (v > maxv sends it there). */
enum walk_special {
	S_NONE,		/* an invalid payload: the careful path */
	S_CYCX,		/* cyc with extension bytes: size from the bytes */
	S_TNT64,	/* the bit count of a 48-bit payload */
	S_PWRE,
	S_PWRX,
};

/*
 * One class of packets, decoded by the same formula (see the top). All
 * u64 so that the compiler uses them as memory operands.
 */
struct walk_cls {
	uint64_t vmask;		/* v = (load64(p + off) & vmask) ^ vx */
	uint64_t vx;
	uint64_t maxv;		/* v > maxv: special or invalid */
	uint64_t m1, m2;	/* union word 0: v & m1 | rotl(v, r) & m2 |
				 * the opcode's constant */
	uint64_t bmask;		/* union word 1: the opcode's constant +
				 * (v & bmask) */
	uint64_t keep;		/* last IP bits kept (~0: not an ip packet) */
	uint64_t ipmask;	/* ~0 for an ip packet: its rec.ip is set */
	uint64_t sbit;		/* bit 47 for ipc 3: (v ^ sbit) - sbit extends */
	uint64_t cmp, cm;	/* (ld64(p + 2) ^ cmp) & cm must be 0 */
	uint8_t off, r;
	uint8_t special;	/* enum walk_special */
} __attribute__((aligned(64)));

enum walk_class {
	C_SLOW, C_CONST, C_CYCX, C_TSC, C_MTC, C_PSB, C_TNT64, C_PIP, C_CBR,
	C_TMA, C_VMCS, C_MNT, C_MWAIT, C_PWRE, C_PWRX, C_PTW4, C_PTW8,
	C_IP,			/* + ipc */
	C_NR = C_IP + 8,
};

static struct walk_cls cls_tab[C_NR];

/*
 * One opcode: [b], [256 + e] for 02 e, [512 + m] for 99 m. The first
 * word is that of struct pt_packet (type, size); a and b are the constant
 * parts of the union's words (tnt.8's bits and count, cyc's value, mode's
 * and exstop's bits, ipc, ptw's plc and ip).
 */
struct walk_opc {
	uint64_t w0, a, b;
	const struct walk_cls *cls;
};

static struct walk_opc opc_tab[768] __attribute__((aligned(32)));

/*
 * The size alone, [b] and [256 + e]: the next packet's loads wait only
 * for this (a mode packet is always 2 bytes when valid).
 */
static uint8_t size_tab[512];

/* Packet size by ipc; 0 for the reserved ipc 5 and 7. */
static const uint8_t ip_size[8] = { 1, 3, 5, 7, 7, 0, 9, 0 };
static const uint64_t ip_vmask[8] = {
	0, 0xffff, 0xffffffff, MASK48, MASK48, 0, ~0ull, 0,
};
static const uint64_t ip_keep[8] = {
	~0ull, ~0xffffull, ~0xffffffffull, 0, ~MASK48, 0, 0, 0,
};

static void set_opc(unsigned int idx, unsigned int type, unsigned int size,
		    unsigned int c, uint64_t aconst, uint64_t bconst)
{
	opc_tab[idx] = (struct walk_opc){ .w0 = type | size << 8,
					  .a = aconst, .b = bconst,
					  .cls = &cls_tab[c] };
	/* 0 sends the packet to its own code before the class is loaded */
	if (idx < 512)
		size_tab[idx] = c == C_SLOW || cls_tab[c].special ? 0 : size;
}

/* A class whose union word 0 is v itself. */
static struct walk_cls plain(unsigned int off, uint64_t vmask)
{
	return (struct walk_cls){ .off = off, .vmask = vmask, .m1 = ~0ull,
				  .maxv = ~0ull, .keep = ~0ull };
}

/* A class that always leaves the common path. */
static struct walk_cls special(enum walk_special sp)
{
	return (struct walk_cls){ .vx = 1, .keep = ~0ull, .special = sp };
}

static void __attribute__((constructor)) walk_tables_init(void)
{
	struct walk_cls *c = cls_tab;

	for (int i = 0; i < C_NR; i++)
		c[i] = special(S_NONE);
	c[C_CONST] = plain(0, 0);	/* all from opc_tab */
	c[C_CYCX] = special(S_CYCX);
	c[C_TSC] = plain(1, ~0ull >> 8);
	c[C_MTC] = plain(1, 0xff);
	/* bytes 0-1 by the index, 2-9 by the check, 8-15 by v == 0 */
	c[C_PSB] = plain(8, ~0ull);
	c[C_PSB].vx = PSB_WORD;
	c[C_PSB].maxv = 0;
	c[C_PSB].keep = 0;
	c[C_PSB].cmp = PSB_WORD;
	c[C_PSB].cm = ~0ull;
	c[C_TNT64] = special(S_TNT64);
	/* cr3 = (v >> 1) << 5, nr = v & 1 */
	c[C_PIP] = plain(2, MASK48);
	c[C_PIP].m1 = 0;
	c[C_PIP].r = PT_PL_PIP_SHL - PT_PL_PIP_SHR;
	c[C_PIP].m2 = (MASK48 >> PT_PL_PIP_SHR) << PT_PL_PIP_SHL;
	c[C_PIP].bmask = PT_PL_PIP_NR;
	c[C_CBR] = plain(2, 0xff);
	/* ctc in bytes 2-3, byte 4 reserved 0, fc in bytes 5-6 (9 bits) */
	c[C_TMA] = plain(2, MASK40);
	c[C_TMA].m1 = 0xffff;
	c[C_TMA].r = 64 - 8;
	c[C_TMA].m2 = (uint64_t)PT_PL_TMA_FC_MASK << 16;
	c[C_TMA].cm = 0xffull << 16 |
		      (uint64_t)(~PT_PL_TMA_FC_MASK >> 8 & 0xff) << 32;
	c[C_VMCS] = plain(2, MASK40);
	c[C_VMCS].m1 = 0;
	c[C_VMCS].r = PT_PL_VMCS_SHL;
	c[C_VMCS].m2 = MASK40 << PT_PL_VMCS_SHL;
	c[C_MNT] = plain(3, ~0ull);
	c[C_MNT].cmp = PT_EXT2_MNT;
	c[C_MNT].cm = 0xff;
	c[C_MWAIT] = plain(2, ~0ull);
	c[C_PWRE] = special(S_PWRE);
	c[C_PWRX] = special(S_PWRX);
	c[C_PTW4] = plain(2, 0xffffffff);
	c[C_PTW8] = plain(2, ~0ull);
	for (int ipc = 0; ipc < 8; ipc++) {
		struct walk_cls *k = &c[C_IP + ipc];

		if (!ip_size[ipc])
			continue;
		*k = plain(1, ip_vmask[ipc]);
		k->keep = ip_keep[ipc];
		k->ipmask = ~0ull;
		k->sbit = ipc == PT_IPC_SEXT_48 ? 1ull << 47 : 0;
	}

	/* first bytes, tested in pt_packet.c's order */
	for (unsigned int b = 0; b < 256; b++) {
		unsigned int ipc = b >> PT_OPM_IPC_SHR, t = 0;

		if (b == PT_OPC_PAD) {
			set_opc(b, PT_PKT_PAD, PT_PS_PAD, C_CONST, 0, 0);
		} else if (b == PT_OPC_EXT) {
			set_opc(b, 0, 0, C_SLOW, 0, 0);	/* not used */
		} else if (b == PT_OPC_MODE) {
			set_opc(b, 0, PT_PS_MODE, C_CONST, 0, 0); /* size only */
		} else if (b == PT_OPC_TSC) {
			set_opc(b, PT_PKT_TSC, PT_PS_TSC, C_TSC, 0, 0);
		} else if (b == PT_OPC_MTC) {
			set_opc(b, PT_PKT_MTC, PT_PS_MTC, C_MTC, 0, 0);
		} else if ((b & PT_OPM_TNT_8) == PT_OPC_TNT_8) {
			/* the stop bit is the highest set bit */
			unsigned int n = 31 - __builtin_clz(b >> 1);

			set_opc(b, PT_PKT_TNT_8, PT_PS_TNT_8, C_CONST,
				(b >> 1) & ~(1u << n), n);
		} else if ((b & PT_OPM_CYC) == PT_OPC_CYC) {
			if (b & PT_OPM_CYC_EXT)
				set_opc(b, PT_PKT_CYC, 0, C_CYCX, 0, 0);
			else
				set_opc(b, PT_PKT_CYC, 1, C_CONST,
					b >> PT_OPM_CYC_SHR, 0);
		} else if ((b & PT_OPM_IP) == PT_OPC_TIP) {
			t = PT_PKT_TIP;
		} else if ((b & PT_OPM_IP) == PT_OPC_FUP) {
			t = PT_PKT_FUP;
		} else if ((b & PT_OPM_IP) == PT_OPC_TIP_PGE) {
			t = PT_PKT_TIP_PGE;
		} else if ((b & PT_OPM_IP) == PT_OPC_TIP_PGD) {
			t = PT_PKT_TIP_PGD;
		} else {
			set_opc(b, 0, 0, C_SLOW, 0, 0);
		}
		if (t)
			set_opc(b, t, ip_size[ipc],
				ip_size[ipc] ? C_IP + ipc : C_SLOW, 0, ipc);
	}
	/* bytes after PT_OPC_EXT */
	for (unsigned int e = 0; e < 256; e++) {
		unsigned int i = 256 + e;

		if (e == PT_EXT_PSB)
			set_opc(i, PT_PKT_PSB, PT_PS_PSB, C_PSB, 0, 0);
		else if (e == PT_EXT_TNT_64)
			set_opc(i, PT_PKT_TNT_64, PT_PS_TNT_64, C_TNT64, 0, 0);
		else if (e == PT_EXT_PIP)
			set_opc(i, PT_PKT_PIP, PT_PS_PIP, C_PIP, 0, 0);
		else if (e == PT_EXT_OVF)
			set_opc(i, PT_PKT_OVF, PT_PS_OVF, C_CONST, 0, 0);
		else if (e == PT_EXT_PSBEND)
			set_opc(i, PT_PKT_PSBEND, PT_PS_PSBEND, C_CONST, 0, 0);
		else if (e == PT_EXT_CBR)
			set_opc(i, PT_PKT_CBR, PT_PS_CBR, C_CBR, 0, 0);
		else if (e == PT_EXT_TMA)
			set_opc(i, PT_PKT_TMA, PT_PS_TMA, C_TMA, 0, 0);
		else if (e == PT_EXT_STOP)
			set_opc(i, PT_PKT_STOP, PT_PS_STOP, C_CONST, 0, 0);
		else if (e == PT_EXT_VMCS)
			set_opc(i, PT_PKT_VMCS, PT_PS_VMCS, C_VMCS, 0, 0);
		else if (e == PT_EXT_EXT2)
			set_opc(i, PT_PKT_MNT, PT_PS_MNT, C_MNT, 0, 0);
		else if (e == PT_EXT_EXSTOP || e == PT_EXT_EXSTOP_IP)
			set_opc(i, PT_PKT_EXSTOP, PT_PS_EXSTOP, C_CONST,
				!!(e & PT_OPM_EXSTOP_IP), 0);
		else if (e == PT_EXT_MWAIT)
			set_opc(i, PT_PKT_MWAIT, PT_PS_MWAIT, C_MWAIT, 0, 0);
		else if (e == PT_EXT_PWRE)
			set_opc(i, PT_PKT_PWRE, PT_PS_PWRE, C_PWRE, 0, 0);
		else if (e == PT_EXT_PWRX)
			set_opc(i, PT_PKT_PWRX, PT_PS_PWRX, C_PWRX, 0, 0);
		else if ((e & PT_OPM_PTW) == PT_EXT_PTW &&
			 (e >> PT_OPM_PTW_PLC_SHR & 3) < 2) {
			unsigned int plc = e >> PT_OPM_PTW_PLC_SHR & 3;

			set_opc(i, PT_PKT_PTW, PT_PS_PTW_HDR + (plc ? 8 : 4),
				plc ? C_PTW8 : C_PTW4, 0,
				plc | !!(e & PT_OPM_PTW_IP) << 8);
		} else {
			set_opc(i, 0, 0, C_SLOW, 0, 0);
		}
	}
	/* bytes after PT_OPC_MODE: csl/intx in byte 0, csd/abrt in byte 1 */
	for (unsigned int m = 0; m < 256; m++) {
		unsigned int leaf = m & PT_OPM_MODE_LEAF;
		unsigned int bits = (m & 1) | (m >> 1 & 1) << 8;

		if (leaf == PT_MODE_EXEC)
			set_opc(512 + m, PT_PKT_MODE_EXEC, PT_PS_MODE, C_CONST,
				bits, 0);
		else if (leaf == PT_MODE_TSX)
			set_opc(512 + m, PT_PKT_MODE_TSX, PT_PS_MODE, C_CONST,
				bits, 0);
		else
			set_opc(512 + m, 0, 0, C_SLOW, 0, 0);
	}
}

/*
 * The careful path for the packet at w->pos: decodes it into *o, or
 * stores the error in *o and resyncs; moves w->pos and w->last_ip on and
 * sets w->done when the walk ends. Returns the records stored (0 at the
 * end, else 1). The state is in *w, not in the callers' locals, whose
 * address would keep them in memory in the fast paths.
 */
static int walk_slow(struct pt_pkt_walker *w, struct pt_pkt_rec *o)
{
	size_t pos = w->pos;
	ssize_t next;
	int n;

	if (pos >= w->len) {
		w->done = true;
		return 0;
	}
	n = pt_pkt_decode(w->buf + pos, w->len - pos, &o->pkt);
	o->offset = pos;
	o->ip = 0;
	o->err = n < 0 ? n : 0;
	if (n < 0) {
		next = n == -PT_ERR_NEED_MORE ? -1 :
		       pt_sync_after_error(w->buf, w->len, pos, w->sync);
		if (next < 0)
			w->done = true;
		else
			w->pos = w->sync = next;
		w->last_ip = 0;
		return 1;
	}
	if (o->pkt.type == PT_PKT_PSB) {
		w->last_ip = 0;
	} else if (pt_pkt_is_ip(&o->pkt)) {
		uint64_t p = o->pkt.ip.payload, last = w->last_ip;

		switch (o->pkt.ip.ipc) {
		case PT_IPC_UPDATE_16:
			last = (last & ~0xffffull) | p;
			break;
		case PT_IPC_UPDATE_32:
			last = (last & ~0xffffffffull) | p;
			break;
		case PT_IPC_SEXT_48:
			last = (uint64_t)((int64_t)(p << 16) >> 16);
			break;
		case PT_IPC_UPDATE_48:
			last = (last & ~MASK48) | p;
			break;
		case PT_IPC_FULL:
			last = p;
			break;
		}
		o->ip = w->last_ip = last;
	}
	w->pos += n;
	return 1;
}

/*
 * A fast path's call of walk_slow() for the packet at *p: the state goes
 * through *w and comes back. Returns false when the walk is over. Always
 * inlined, so that the fast paths' p, last and o stay in registers.
 */
static inline __attribute__((always_inline)) bool
walk_careful(struct pt_pkt_walker *w, const uint8_t **p, uint64_t *last,
	     struct pt_pkt_rec **o)
{
	w->pos = *p - w->buf;
	w->last_ip = *last;
	*o += walk_slow(w, *o);
	if (w->done)
		return false;
	*p = w->buf + w->pos;
	*last = w->last_ip;
	return true;
}

/*
 * A cyc with extension bytes at p (at least 9 bytes readable): its value
 * and size, or 0 when more than 64 bits follow (a bad packet).
 */
static inline unsigned int walk_cycx(const uint8_t *p, uint64_t *value)
{
	const uint64_t lsb = 0x0101010101010101ull;
	uint64_t w = ld64(p + 1), stop = ~w & lsb * PT_OPM_CYCX_EXT, x;
	unsigned int k;

	if (!stop)
		return 0;
	k = __builtin_ctzll(stop) >> 3;		/* the last byte */
	/* bytes 0..k (no branch on k: cyc sizes are hard to predict) */
	x = (w >> PT_OPM_CYCX_SHR) & 0x7f7f7f7f7f7f7f7full &
	    (~0ull >> (56 - 8 * k));
	/* 7 bits a byte packed: 14 bits a half-word, 28 a word, 56 */
	x = (x & 0x007f007f007f007full) | ((x >> 1) & 0x3f803f803f803f80ull);
	x = (x & 0x00003fff00003fffull) | ((x >> 2) & 0x0fffc0000fffc000ull);
	x = (x & 0x000000000fffffffull) | ((x >> 4) & 0x00fffffff0000000ull);
	*value = (uint64_t)(p[0] >> PT_OPM_CYC_SHR) | x << (8 - PT_OPM_CYC_SHR);
	return k + 2;
}

/*
 * The opc_tab[] index of a packet starting b0 b1 (b0, 256 + b1 or 512 +
 * b1) and its size (s0 = size_tab[b0] or s1 = size_tab[256 + b1]) without
 * a branch: one would be mispredicted for every other packet.
 */
static inline unsigned long opc_index(unsigned long b0, unsigned long b1,
				      unsigned long s0, unsigned long s1,
				      unsigned long *size)
{
#if defined(__x86_64__) && defined(__GNUC__)
	unsigned long idx = b0, ext = 256 + b1, mode = 512 + b1;

	__asm__("cmpq %[opc_ext], %[b0]\n\t"
		"cmove %[s1], %[s0]\n\t"
		"cmove %[ext], %[idx]\n\t"
		"cmpq %[opc_mode], %[b0]\n\t"
		"cmove %[mode], %[idx]"
		: [idx] "+&r" (idx), [s0] "+&r" (s0)
		: [b0] "r" (b0), [ext] "r" (ext), [mode] "r" (mode),
		  [s1] "r" (s1),
		  [opc_ext] "i" (PT_OPC_EXT), [opc_mode] "i" (PT_OPC_MODE)
		: "cc");
	*size = s0;
	return idx;
#else
	unsigned long alt = b1 - b0, ext = -(unsigned long)(b0 == PT_OPC_EXT);

	*size = s0 ^ ((s0 ^ s1) & ext);
	return b0 + (ext & (256 + alt)) +
	       (-(unsigned long)(b0 == PT_OPC_MODE) & (512 + alt));
#endif
}

_Static_assert(offsetof(struct pt_packet, tnt.bits) == 8 &&
	       offsetof(struct pt_packet, tnt.count) == 16 &&
	       sizeof(struct pt_packet) == 24,
	       "pt_pkt_walk stores struct pt_packet as three words");

/* Stores the packet's three words: type and size, union words 0 and 1. */
static inline void put_pkt(struct pt_packet *k, unsigned int type,
			   unsigned int size, uint64_t a, uint64_t b)
{
	uint64_t w0 = type | size << 8;

	memcpy(k, &w0, 8);
	memcpy((char *)k + 8, &a, 8);
	memcpy((char *)k + 16, &b, 8);
}

static size_t walk_table(struct pt_pkt_walker *w, struct pt_pkt_rec *out,
			 size_t max)
{
	static const void *const special_lab[] = {
		[S_NONE] = &&slow, [S_CYCX] = &&l_cycx, [S_TNT64] = &&l_tnt64,
		[S_PWRE] = &&l_pwre, [S_PWRX] = &&l_pwrx,
	};
	const uint8_t *const buf = w->buf;
	const uint8_t *p = buf + w->pos;
	/* p < fast_end: at least PT_WALK_GUARD bytes left at p */
	const uint8_t *const fast_end =
		buf + (w->len >= PT_WALK_GUARD ? w->len - PT_WALK_GUARD + 1 : 0);
	struct pt_pkt_rec *o = out, *const oend = out + max;
	uint64_t last = w->last_ip;

	if (w->done)
		return 0;

	while (o < oend) {
		struct pt_pkt_rec *stop;
		size_t room;

		if (unlikely(p >= fast_end))
			goto slow;
		/*
		 * The packets that surely start before fast_end (none is
		 * longer than PT_WALK_GUARD): one check a packet, not two.
		 */
		room = (fast_end - p + PT_WALK_GUARD - 1) / PT_WALK_GUARD;
		if (room > (size_t)(oend - o))
			room = oend - o;
		stop = o + room;
		do {
			const struct walk_opc *op;
			const struct walk_cls *c;
			unsigned long b0, b1, size;
			uint64_t v, l, a, b;
			unsigned int n;

			b0 = p[0];
			b1 = p[1];
			op = &opc_tab[opc_index(b0, b1, size_tab[b0],
						size_tab[256 + b1], &size)];
			c = op->cls;
			if (unlikely(!size))
				goto special;
			v = (ld64(p + c->off) & c->vmask) ^ c->vx;
			if (unlikely(v > c->maxv))
				goto special;
			if (unlikely((ld64(p + 2) ^ c->cmp) & c->cm))
				goto slow;
			l = (v ^ c->sbit) - c->sbit;
			last = ((last ^ l) & c->keep) ^ l;
			a = (v & c->m1) | (rotl64(v, c->r) & c->m2) | op->a;
			b = op->b + (v & c->bmask);
			memcpy(&o->pkt, &op->w0, 4);
			memcpy((char *)&o->pkt + 8, &a, 8);
			memcpy((char *)&o->pkt + 16, &b, 8);
			o->offset = p - buf;
			o->ip = last & c->ipmask;
			o->err = 0;
			p += size;
			o++;
			continue;

special:
			/* one jump to the special's code */
			goto *special_lab[c->special];
l_cycx:
			size = walk_cycx(p, &v);
			if (!size)
				goto slow;
			put_pkt(&o->pkt, PT_PKT_CYC, size, v, 0);
			goto l_put;
l_tnt64:
			v = ld64(p + 2) & MASK48;
			if (v < 2)
				goto slow;
			n = 63 ^ __builtin_clzll(v);
			size = PT_PS_TNT_64;
			put_pkt(&o->pkt, PT_PKT_TNT_64, size,
				v & ~(1ull << n), n);
			goto l_put;
l_pwre:
			b1 = p[3];
			size = PT_PS_PWRE;
			put_pkt(&o->pkt, PT_PKT_PWRE, size,
				(b1 >> 4) | (b1 & 0xf) << 8 |
				(uint64_t)!!(p[2] & PT_PL_PWRE_HW) << 16, 0);
			goto l_put;
l_pwrx:
			b0 = p[2];
			b1 = p[3];
			size = PT_PS_PWRX;
			put_pkt(&o->pkt, PT_PKT_PWRX, size,
				(b0 >> 4) | (b0 & 0xf) << 8 |
				(uint64_t)!!(b1 & PT_PL_PWRX_INT) << 16 |
				(uint64_t)!!(b1 & PT_PL_PWRX_STORE) << 24 |
				(uint64_t)!!(b1 & PT_PL_PWRX_HW) << 32, 0);
l_put:
			o->offset = p - buf;
			o->ip = 0;
			o->err = 0;
			p += size;
			o++;
			continue;
		} while (o < stop);
		continue;

slow:
		if (!walk_careful(w, &p, &last, &o))
			return o - out;
	}
	w->pos = p - buf;
	w->last_ip = last;
	return o - out;
}

/*
 * The threaded decoder: a jump through a table of labels for every
 * packet, each packet's code dispatching the next. Fewest instructions,
 * fastest when the branch predictor learns the stream's packet sequence.
 * An extended packet (02 e) takes a conditional branch, then its own jump
 * keyed on e: one jump for all of 256 + e would be slower, since the
 * branch adds to the history that predicts the jumps (conformance mix:
 * ~1.5x faster than with the index computed branch-free).
 */
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
 * GCC would merge the dispatch jumps into one; kept apart (threaded), each
 * packet's jump is predicted from the packet before it: ~10% faster.
 */
#if defined(__GNUC__) && !defined(__clang__)
#define THREADED_DISPATCH __attribute__((optimize("no-gcse", "no-crossjumping")))
#else
#define THREADED_DISPATCH
#endif

THREADED_DISPATCH
static size_t walk_threaded(struct pt_pkt_walker *w, struct pt_pkt_rec *out,
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
		if (b == PT_OPC_EXT)					\
			goto *lab[256 + p[1]];				\
		goto *lab[b];						\
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
	if (!walk_careful(w, &p, &last, &o))
		return o - out;
	goto top;

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

static inline uint64_t walk_ticks(void)
{
#if defined(__x86_64__) || defined(__i386__)
	return __rdtsc();
#else
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
#endif
}

/* PT_WALK_AUTO times each path once every WALK_PROBE batches. */
#define WALK_PROBE	32
/* Batches shorter than this are not timed. */
#define WALK_MIN_TIMED	1024

/*
 * Which path is faster depends on the stream: the threaded one runs the
 * fewest instructions but pays a mispredicted jump for every packet the
 * branch predictor cannot guess (a random packet mix: ~1.4x slower), the
 * table one runs the same instructions for every packet (a predictable
 * stream: ~1.1x slower). So PT_WALK_AUTO times both back to back at the
 * start of every WALK_PROBE batches (ticks per KiB, a running average
 * with outliers clipped, so that both see the same machine load) and runs
 * the faster in between.
 * The output does not depend on the choice.
 */
size_t pt_pkt_walk(struct pt_pkt_walker *w, struct pt_pkt_rec *out,
		   size_t max)
{
	size_t pos = w->pos, n, bytes;
	unsigned int k;
	uint64_t t, c;
	int path;

	if (w->path == PT_WALK_TABLE)
		return walk_table(w, out, max);
	if (w->path == PT_WALK_THREADED)
		return walk_threaded(w, out, max);

	k = w->calls++ % WALK_PROBE;
	if (k > 1)
		return w->cost[1] < w->cost[0] ? walk_threaded(w, out, max) :
						 walk_table(w, out, max);
	path = k;
	t = walk_ticks();
	n = path ? walk_threaded(w, out, max) : walk_table(w, out, max);
	t = walk_ticks() - t;
	bytes = w->pos - pos;
	if (bytes >= WALK_MIN_TIMED) {
		c = (t << 10) / bytes + 1;
		/* an interrupted batch moves the average by 1/4 at most */
		if (w->cost[path] && c > 2 * w->cost[path])
			c = 2 * w->cost[path];
		w->cost[path] = w->cost[path] ?
				(3 * w->cost[path] + c) / 4 : c;
	}
	return n;
}

#define WALK_BATCH	256

size_t pt_walk(const uint8_t *buf, size_t len, pt_walk_fn fn, void *ctx)
{
	struct pt_pkt_rec rec[WALK_BATCH];
	struct pt_pkt_walker w;
	size_t n, errors = 0;

	pt_pkt_walk_init(&w, buf, len);
	while ((n = pt_pkt_walk(&w, rec, WALK_BATCH))) {
		for (size_t i = 0; i < n; i++) {
			if (rec[i].err) {
				errors++;
				fn(ctx, rec[i].offset, rec[i].err, NULL, 0);
			} else {
				fn(ctx, rec[i].offset, 0, &rec[i].pkt, rec[i].ip);
			}
		}
	}
	return errors;
}
