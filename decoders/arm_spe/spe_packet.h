/* SPDX-License-Identifier: GPL-2.0 */
/*
 * spe_packet.h - the ARM Statistical Profiling Extension packet layer:
 * header bytes, masks, indexes and payload bits (Arm ARM, "Statistical
 * Profiling Extension", the packet formats; the same values as perf's
 * tools/perf/util/arm-spe-decoder/arm-spe-pkt-decoder.h), one decoded
 * packet, and the stateless getter that reads one packet from a buffer.
 *
 * A packet is a header byte (or two: the extended form 0b001000xx, whose
 * second byte is the header proper and whose low bits widen the index),
 * then a payload of 1 << hdr[5:4] bytes, little-endian.
 */
#ifndef AUXREC_SPE_PACKET_H
#define AUXREC_SPE_PACKET_H

#include <stddef.h>
#include <stdint.h>

enum spe_pkt_type {
	SPE_PKT_PAD,		/* 0x00, or the extended ALIGNMENT header */
	SPE_PKT_END,		/* 0x01: end of a record without a timestamp */
	SPE_PKT_TIMESTAMP,	/* 0x71: ends a record */
	SPE_PKT_ADDRESS,
	SPE_PKT_COUNTER,
	SPE_PKT_CONTEXT,
	SPE_PKT_OP_TYPE,
	SPE_PKT_EVENTS,
	SPE_PKT_DATA_SOURCE,
	SPE_PKT_NR
};

/* Header bytes and the masks that select them. */
#define SPE_HDR_PAD		0x00
#define SPE_HDR_END		0x01
#define SPE_HDR_TIMESTAMP	0x71
#define SPE_HDR_MASK_EV_DS	0xcf	/* bits 7:6 and 3:0 */
#define SPE_HDR_EVENTS		0x42
#define SPE_HDR_DATA_SOURCE	0x43
#define SPE_HDR_MASK_CTX_OP	0xfc	/* bits 7:2 */
#define SPE_HDR_CONTEXT		0x64
#define SPE_HDR_OP_TYPE		0x48
#define SPE_HDR_EXTENDED	0x20	/* with SPE_HDR_MASK_CTX_OP */
#define SPE_HDR_MASK_ADDR_CNT	0xf8	/* bits 7:3 */
#define SPE_HDR_ADDRESS		0xb0
#define SPE_HDR_COUNTER		0x98
#define SPE_HDR1_ALIGNMENT	0x00	/* second byte of an extended PAD */
#define SPE_HDR_SIZE_SHIFT	4	/* payload: 1 << hdr[5:4] bytes */
#define SPE_HDR_SIZE_MASK	0x3

/* Address packet indexes and payload fields. */
enum spe_addr_index {
	SPE_ADDR_PC,
	SPE_ADDR_TARGET,	/* branch target */
	SPE_ADDR_DATA_VA,
	SPE_ADDR_DATA_PA,
	SPE_ADDR_PREV_BRANCH,	/* previous branch target (FEAT_SPEv1p2) */
};

#define SPE_ADDR_MASK		0x00ffffffffffffffULL	/* bits 55:0 */
#define SPE_ADDR_TOP_SHIFT	56
#define SPE_ADDR_NS(v)		((unsigned int)((v) >> 63) & 1)
#define SPE_ADDR_EL(v)		((unsigned int)((v) >> 61) & 3)
#define SPE_ADDR_CH(v)		((unsigned int)((v) >> 62) & 1)
#define SPE_ADDR_PAT(v)		((unsigned int)((v) >> 56) & 0xf)

/* Counter packet indexes. */
enum spe_counter_index {
	SPE_CNT_TOTAL,
	SPE_CNT_ISSUE,
	SPE_CNT_XLAT,
};

/* Operation type packet classes (header bits 1:0) and payload bits. */
enum spe_op_class {
	SPE_OP_OTHER,
	SPE_OP_LDST,		/* load, store or atomic */
	SPE_OP_BRANCH,		/* branch or exception return */
};

#define SPE_OP_COND		0x01	/* other: conditional select; branch */
#define SPE_OP_ST		0x01	/* ldst: a store */
#define SPE_OP_AT		0x04
#define SPE_OP_EXCL		0x08
#define SPE_OP_AR		0x10
#define SPE_OP_LDST_SUBCLASS(v)	((v) & 0xfe)
#define SPE_OP_SUB_GP_REG	0x00
#define SPE_OP_SUB_SIMD_FP	0x04
#define SPE_OP_SUB_UNSPEC_REG	0x10
#define SPE_OP_SUB_NV_SYSREG	0x30
#define SPE_OP_IS_LDST_ATOMIC(v) (((v) & 0xe2) == 0x02)
#define SPE_OP_IS_LDST_SVE(v)	(((v) & 0x0a) == 0x08)
#define SPE_OP_IS_OTHER_SVE(v)	(((v) & 0x89) == 0x08)
#define SPE_OP_SVE_SG		0x80
#define SPE_OP_SVE_PRED		0x04
#define SPE_OP_SVE_FP		0x02
#define SPE_OP_SVE_EVL(v)	(32u << (((v) >> 4) & 7))
#define SPE_OP_IS_INDIRECT(v)	(((v) & 0xfe) == 0x02)

/* Events packet bits. */
enum spe_event_bit {
	SPE_EV_EXCEPTION_GEN	= 0,
	SPE_EV_RETIRED		= 1,
	SPE_EV_L1D_ACCESS	= 2,
	SPE_EV_L1D_REFILL	= 3,
	SPE_EV_TLB_ACCESS	= 4,
	SPE_EV_TLB_WALK		= 5,
	SPE_EV_NOT_TAKEN	= 6,
	SPE_EV_MISPRED		= 7,
	SPE_EV_LLC_ACCESS	= 8,
	SPE_EV_LLC_MISS		= 9,
	SPE_EV_REMOTE_ACCESS	= 10,
	SPE_EV_ALIGNMENT	= 11,
	SPE_EV_PARTIAL_PRED	= 17,
	SPE_EV_EMPTY_PRED	= 18,
};

/* Errors of spe_packet_get (negative). */
enum spe_err {
	SPE_ERR_BAD = 1,	/* no packet has this header */
	SPE_ERR_SHORT,		/* the packet runs past the end of the data */
};

#define SPE_PAD_RUN_MAX	16	/* zero bytes one PAD packet takes, as perf */

struct spe_packet {
	uint8_t type;		/* enum spe_pkt_type */
	uint8_t index;		/* address/counter index, op class, context EL */
	uint8_t payload_len;	/* bytes */
	uint64_t payload;
};

/*
 * Reads the packet at buf (len bytes left; pos is its offset in the
 * stream, for the alignment PAD, which pads to a multiple of its size).
 * Returns its size in bytes or -SPE_ERR_*. A run of zero bytes is one PAD
 * of up to SPE_PAD_RUN_MAX bytes, as perf reads it. It reads no more than
 * SPE_READ_MAX bytes of buf, and with that many left it returns what it
 * would with more (the longest packet, a run of PAD or an alignment PAD,
 * is that long).
 */
#define SPE_READ_MAX	16
int spe_packet_get(const uint8_t *buf, size_t len, uint64_t pos, struct spe_packet *p);

const char *spe_errstr(int err);

#endif
