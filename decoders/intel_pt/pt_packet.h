/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pt_packet.h - the Intel PT packet layer: one decoded packet (struct
 * pt_packet), the stateless decoder pt_pkt_decode() and error codes
 * (packet names are in pt_describe.c's description). Stateful parts
 * live elsewhere: the last IP in pt_last_ip.h, PSB search in pt_sync.h.
 */
#ifndef AUXREC_PT_PACKET_H
#define AUXREC_PT_PACKET_H

#include <stddef.h>
#include <stdint.h>

/*
 * Errors are returned negated. The numbers are libipt's pte_* codes so a
 * test can compare them with libipt's directly.
 */
enum pt_error {
	PT_ERR_OK		= 0,
	PT_ERR_INTERNAL		= 1,
	PT_ERR_BAD_OPCODE	= 4,	/* "unknown opcode" */
	PT_ERR_BAD_PACKET	= 5,	/* "unknown packet" */
	PT_ERR_NEED_MORE	= 7,	/* truncated at the end of the buffer */
};

/* "unknown opcode", ... as libipt's pt_errstr() words them. */
const char *pt_errstr(int err);

enum pt_packet_type {
	PT_PKT_PAD,
	PT_PKT_PSB,
	PT_PKT_PSBEND,
	PT_PKT_TNT_8,
	PT_PKT_TNT_64,
	PT_PKT_TIP,
	PT_PKT_TIP_PGE,
	PT_PKT_TIP_PGD,
	PT_PKT_FUP,
	PT_PKT_MODE_EXEC,
	PT_PKT_MODE_TSX,
	PT_PKT_PIP,
	PT_PKT_VMCS,
	PT_PKT_CBR,
	PT_PKT_TSC,
	PT_PKT_TMA,
	PT_PKT_MTC,
	PT_PKT_CYC,
	PT_PKT_STOP,
	PT_PKT_OVF,
	PT_PKT_MNT,
	PT_PKT_EXSTOP,
	PT_PKT_MWAIT,
	PT_PKT_PWRE,
	PT_PKT_PWRX,
	PT_PKT_PTW,
	PT_PKT_NR
};

/* IP compression (ipc) of tip, tip.pge, tip.pgd and fup. */
enum pt_ipc {
	PT_IPC_SUPPRESSED	= 0,
	PT_IPC_UPDATE_16	= 1,
	PT_IPC_UPDATE_32	= 2,
	PT_IPC_SEXT_48		= 3,
	PT_IPC_UPDATE_48	= 4,
	PT_IPC_FULL		= 6,
};

struct pt_packet {
	uint8_t type;		/* enum pt_packet_type */
	uint8_t size;		/* bytes */
	union {
		struct {
			uint64_t bits;	/* oldest branch in bit (count - 1) */
			uint8_t count;	/* 1..6 for tnt.8, 1..47 for tnt.64 */
		} tnt;
		struct {
			uint64_t payload;	/* as stored, zero-extended */
			uint8_t ipc;		/* enum pt_ipc */
		} ip;
		struct {
			uint8_t csl, csd;
		} exec;
		struct {
			uint8_t intx, abrt;
		} tsx;
		struct {
			uint64_t cr3;
			uint8_t nr;
		} pip;
		uint64_t vmcs_base;	/* shifted: a 4 KiB aligned address */
		uint8_t cbr_ratio;
		uint64_t tsc;
		struct {
			uint16_t ctc, fc;
		} tma;
		uint8_t mtc_ctc;
		uint64_t cyc;
		uint64_t mnt_payload;
		uint8_t exstop_ip;
		struct {
			uint32_t hints, ext;
		} mwait;
		struct {
			uint8_t state, sub_state, hw;
		} pwre;
		struct {
			uint8_t last, deepest, interrupt, store, autonomous;
		} pwrx;
		struct {
			uint64_t payload;
			uint8_t plc, ip;
		} ptw;
	};
};

/*
 * Decodes the packet at buf[0..len). Returns its size (> 0), or
 * -PT_ERR_NEED_MORE when len ends inside the packet (nothing at or past
 * buf[len] is read), -PT_ERR_BAD_OPCODE for an opcode no packet has, or
 * -PT_ERR_BAD_PACKET for a known opcode with a reserved or invalid payload.
 * Holds no state: the last IP is tracked by the caller (pt_last_ip.h).
 */
int pt_pkt_decode(const uint8_t *buf, size_t len, struct pt_packet *pkt);

/* TNT bits below the stop bit into pkt; a payload without one is invalid. */
static inline int pt_pkt_set_tnt(struct pt_packet *pkt, uint64_t payload)
{
	unsigned int n;

	if (payload < 2)
		return -PT_ERR_BAD_PACKET;
	n = 63 - (unsigned int)__builtin_clzll(payload);
	pkt->tnt.count = (uint8_t)n;
	pkt->tnt.bits = payload & ~(1ull << n);
	return 0;
}

/*
 * pt_pkt_decode() of a short TNT packet (the most common one), inline for
 * a decoder's hot loop: its size 1, or 0 when byte b starts another packet.
 */
static inline int pt_pkt_decode_tnt8(uint8_t b, struct pt_packet *pkt)
{
	/* every even byte but 0x00 (pad) and 0x02 (extended opcodes) */
	if ((b & 1) || b <= 2)
		return 0;
	pt_pkt_set_tnt(pkt, b >> 1);
	pkt->type = PT_PKT_TNT_8;
	pkt->size = 1;
	return 1;
}

static inline int pt_pkt_is_ip(const struct pt_packet *pkt)
{
	return pkt->type >= PT_PKT_TIP && pkt->type <= PT_PKT_FUP;
}

#endif
