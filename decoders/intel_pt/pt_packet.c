// SPDX-License-Identifier: GPL-2.0
/*
 * pt_packet.c - the stateless Intel PT packet decoder: pt_pkt_decode().
 *
 * The first byte selects a packet class through a 256-entry table built at
 * compile time; a second table does the same for the byte after the 0x02
 * extended opcode. Each class checks the remaining length once (fixed-size
 * packets against a size table) before reading any payload byte, so a
 * packet cut at the end of the buffer gives -PT_ERR_NEED_MORE and nothing
 * past len is read. Error precedence follows libipt 2.0.5's packet
 * decoder (pt_packet.c, pt_decoder_function.c) so error offsets agree.
 */
#include <endian.h>
#include <string.h>
#include "pt_opcodes.h"
#include "pt_packet.h"

/* Classes of the first byte. */
enum opc_class {
	K_BAD,
	K_PAD,
	K_TNT_8,
	K_TIP,
	K_TIP_PGE,
	K_TIP_PGD,
	K_FUP,
	K_CYC,
	K_MODE,
	K_TSC,
	K_MTC,
	K_EXT,
};

/* Same order of tests as libipt's pt_df_fetch(). */
#define OPC_CLASS(b)							\
	((b) == PT_OPC_PAD ? K_PAD :					\
	 (b) == PT_OPC_EXT ? K_EXT :					\
	 (b) == PT_OPC_MODE ? K_MODE :					\
	 (b) == PT_OPC_TSC ? K_TSC :					\
	 (b) == PT_OPC_MTC ? K_MTC :					\
	 ((b) & PT_OPM_TNT_8) == PT_OPC_TNT_8 ? K_TNT_8 :		\
	 ((b) & PT_OPM_CYC) == PT_OPC_CYC ? K_CYC :			\
	 ((b) & PT_OPM_IP) == PT_OPC_TIP ? K_TIP :			\
	 ((b) & PT_OPM_IP) == PT_OPC_FUP ? K_FUP :			\
	 ((b) & PT_OPM_IP) == PT_OPC_TIP_PGE ? K_TIP_PGE :		\
	 ((b) & PT_OPM_IP) == PT_OPC_TIP_PGD ? K_TIP_PGD : K_BAD)

/* Classes of the byte after PT_OPC_EXT. */
enum ext_class {
	X_BAD,
	X_PSB,
	X_TNT_64,
	X_PIP,
	X_OVF,
	X_PSBEND,
	X_CBR,
	X_TMA,
	X_STOP,
	X_VMCS,
	X_EXT2,
	X_EXSTOP,
	X_MWAIT,
	X_PWRE,
	X_PWRX,
	X_PTW,
};

#define EXT_CLASS(b)							\
	((b) == PT_EXT_PSB ? X_PSB :					\
	 (b) == PT_EXT_TNT_64 ? X_TNT_64 :				\
	 (b) == PT_EXT_PIP ? X_PIP :					\
	 (b) == PT_EXT_OVF ? X_OVF :					\
	 (b) == PT_EXT_PSBEND ? X_PSBEND :				\
	 (b) == PT_EXT_CBR ? X_CBR :					\
	 (b) == PT_EXT_TMA ? X_TMA :					\
	 (b) == PT_EXT_STOP ? X_STOP :					\
	 (b) == PT_EXT_VMCS ? X_VMCS :					\
	 (b) == PT_EXT_EXT2 ? X_EXT2 :					\
	 (b) == PT_EXT_EXSTOP || (b) == PT_EXT_EXSTOP_IP ? X_EXSTOP :	\
	 (b) == PT_EXT_MWAIT ? X_MWAIT :				\
	 (b) == PT_EXT_PWRE ? X_PWRE :					\
	 (b) == PT_EXT_PWRX ? X_PWRX :					\
	 ((b) & PT_OPM_PTW) == PT_EXT_PTW ? X_PTW : X_BAD)

#define ROW4(M, b)  M(b), M((b) + 1), M((b) + 2), M((b) + 3)
#define ROW16(M, b) ROW4(M, b), ROW4(M, (b) + 4), ROW4(M, (b) + 8), ROW4(M, (b) + 12)
#define ROW64(M, b) ROW16(M, b), ROW16(M, (b) + 16), ROW16(M, (b) + 32), ROW16(M, (b) + 48)
#define TABLE256(M) { ROW64(M, 0), ROW64(M, 64), ROW64(M, 128), ROW64(M, 192) }

static const uint8_t opc_class[256] = TABLE256(OPC_CLASS);
static const uint8_t ext_class[256] = TABLE256(EXT_CLASS);

/* Minimum size of an extended packet of each class (0: bad opcode). */
static const uint8_t ext_min_size[] = {
	[X_BAD] = 0,
	[X_PSB] = PT_PS_PSB,
	[X_TNT_64] = PT_PS_TNT_64,
	[X_PIP] = PT_PS_PIP,
	[X_OVF] = PT_PS_OVF,
	[X_PSBEND] = PT_PS_PSBEND,
	[X_CBR] = PT_PS_CBR,
	[X_TMA] = PT_PS_TMA,
	[X_STOP] = PT_PS_STOP,
	[X_VMCS] = PT_PS_VMCS,
	[X_EXT2] = 3,
	[X_EXSTOP] = PT_PS_EXSTOP,
	[X_MWAIT] = PT_PS_MWAIT,
	[X_PWRE] = PT_PS_PWRE,
	[X_PWRX] = PT_PS_PWRX,
	[X_PTW] = PT_PS_PTW_HDR,
};

/* Packet size by ipc; 0 for the reserved ipc 5 and 7. */
static const uint8_t ip_packet_size[8] = { 1, 3, 5, 7, 7, 0, 9, 0 };

static const uint8_t psb_bytes[PT_PS_PSB] = {
	PT_PSB_HI, PT_PSB_LO, PT_PSB_HI, PT_PSB_LO,
	PT_PSB_HI, PT_PSB_LO, PT_PSB_HI, PT_PSB_LO,
	PT_PSB_HI, PT_PSB_LO, PT_PSB_HI, PT_PSB_LO,
	PT_PSB_HI, PT_PSB_LO, PT_PSB_HI, PT_PSB_LO,
};

static inline uint16_t rd16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return le16toh(v);
}

static inline uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return le32toh(v);
}

static inline uint64_t rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return le64toh(v);
}

static inline uint64_t rd48(const uint8_t *p)
{
	return rd32(p) | (uint64_t)rd16(p + 4) << 32;
}

static int decode_ip(const uint8_t *buf, size_t len, struct pt_packet *pkt,
		     enum pt_packet_type type)
{
	unsigned int ipc = buf[0] >> PT_OPM_IPC_SHR;
	unsigned int size = ip_packet_size[ipc];
	uint64_t v;

	if (!size)
		return -PT_ERR_BAD_PACKET;
	if (len < size)
		return -PT_ERR_NEED_MORE;
	switch (ipc) {
	case PT_IPC_UPDATE_16:
		v = rd16(buf + 1);
		break;
	case PT_IPC_UPDATE_32:
		v = rd32(buf + 1);
		break;
	case PT_IPC_SEXT_48:
	case PT_IPC_UPDATE_48:
		v = rd48(buf + 1);
		break;
	case PT_IPC_FULL:
		v = rd64(buf + 1);
		break;
	default:
		v = 0;
		break;
	}
	pkt->type = type;
	pkt->size = size;
	pkt->ip.ipc = ipc;
	pkt->ip.payload = v;
	return size;
}

/* Up to 8 extension bytes of 7 bits each follow the first byte's 5 bits. */
static int decode_cyc(const uint8_t *buf, size_t len, struct pt_packet *pkt)
{
	uint64_t value = buf[0] >> PT_OPM_CYC_SHR;
	unsigned int shift = 8 - PT_OPM_CYC_SHR;
	size_t i = 1;
	int ext = buf[0] & PT_OPM_CYC_EXT;

	while (ext) {
		uint64_t bits;

		if (i >= len)
			return -PT_ERR_NEED_MORE;
		bits = buf[i++];
		ext = bits & PT_OPM_CYCX_EXT;
		value |= (bits >> PT_OPM_CYCX_SHR) << shift;
		shift += 8 - PT_OPM_CYCX_SHR;
		if (shift > 64)
			return -PT_ERR_BAD_PACKET;
	}
	pkt->type = PT_PKT_CYC;
	pkt->size = i;
	pkt->cyc = value;
	return i;
}

static int decode_ext(const uint8_t *buf, size_t len, struct pt_packet *pkt)
{
	unsigned int cls, size;
	uint64_t v;

	if (len < 2)
		return -PT_ERR_NEED_MORE;
	cls = ext_class[buf[1]];
	size = ext_min_size[cls];
	if (!size)
		return -PT_ERR_BAD_OPCODE;
	if (len < size)
		return -PT_ERR_NEED_MORE;

	switch (cls) {
	case X_PSB:
		if (memcmp(buf + 2, psb_bytes + 2, PT_PS_PSB - 2))
			return -PT_ERR_BAD_PACKET;
		pkt->type = PT_PKT_PSB;
		break;
	case X_TNT_64:
		if (pt_pkt_set_tnt(pkt, rd48(buf + 2)))
			return -PT_ERR_BAD_PACKET;
		pkt->type = PT_PKT_TNT_64;
		break;
	case X_PIP:
		v = rd48(buf + 2);
		pkt->type = PT_PKT_PIP;
		pkt->pip.nr = v & PT_PL_PIP_NR;
		pkt->pip.cr3 = (v >> PT_PL_PIP_SHR) << PT_PL_PIP_SHL;
		break;
	case X_OVF:
		pkt->type = PT_PKT_OVF;
		break;
	case X_PSBEND:
		pkt->type = PT_PKT_PSBEND;
		break;
	case X_CBR:
		pkt->type = PT_PKT_CBR;
		pkt->cbr_ratio = buf[2];
		break;
	case X_TMA:
		/* byte 4 and the high 7 bits of fc are reserved */
		pkt->tma.ctc = rd16(buf + 2);
		pkt->tma.fc = rd16(buf + 5);
		if (buf[4] || (pkt->tma.fc & ~PT_PL_TMA_FC_MASK))
			return -PT_ERR_BAD_PACKET;
		pkt->type = PT_PKT_TMA;
		break;
	case X_STOP:
		pkt->type = PT_PKT_STOP;
		break;
	case X_VMCS:
		pkt->type = PT_PKT_VMCS;
		pkt->vmcs_base = (rd32(buf + 2) | (uint64_t)buf[6] << 32)
				 << PT_PL_VMCS_SHL;
		break;
	case X_EXT2:
		if (buf[2] != PT_EXT2_MNT)
			return -PT_ERR_BAD_OPCODE;
		size = PT_PS_MNT;
		if (len < size)
			return -PT_ERR_NEED_MORE;
		pkt->type = PT_PKT_MNT;
		pkt->mnt_payload = rd64(buf + 3);
		break;
	case X_EXSTOP:
		pkt->type = PT_PKT_EXSTOP;
		pkt->exstop_ip = !!(buf[1] & PT_OPM_EXSTOP_IP);
		break;
	case X_MWAIT:
		pkt->type = PT_PKT_MWAIT;
		pkt->mwait.hints = rd32(buf + 2);
		pkt->mwait.ext = rd32(buf + 6);
		break;
	case X_PWRE:
		pkt->type = PT_PKT_PWRE;
		pkt->pwre.hw = !!(buf[2] & PT_PL_PWRE_HW);
		pkt->pwre.sub_state = buf[3] & 0xf;
		pkt->pwre.state = buf[3] >> 4;
		break;
	case X_PWRX:
		pkt->type = PT_PKT_PWRX;
		pkt->pwrx.deepest = buf[2] & 0xf;
		pkt->pwrx.last = buf[2] >> 4;
		pkt->pwrx.interrupt = !!(buf[3] & PT_PL_PWRX_INT);
		pkt->pwrx.store = !!(buf[3] & PT_PL_PWRX_STORE);
		pkt->pwrx.autonomous = !!(buf[3] & PT_PL_PWRX_HW);
		break;
	case X_PTW:
		pkt->ptw.plc = (buf[1] >> PT_OPM_PTW_PLC_SHR) & 3;
		if (pkt->ptw.plc > 1)
			return -PT_ERR_BAD_PACKET;
		size = PT_PS_PTW_HDR + (pkt->ptw.plc ? 8 : 4);
		if (len < size)
			return -PT_ERR_NEED_MORE;
		pkt->type = PT_PKT_PTW;
		pkt->ptw.ip = !!(buf[1] & PT_OPM_PTW_IP);
		pkt->ptw.payload = pkt->ptw.plc ? rd64(buf + 2) : rd32(buf + 2);
		break;
	default:
		return -PT_ERR_INTERNAL;
	}
	pkt->size = size;
	return size;
}

int pt_pkt_decode(const uint8_t *buf, size_t len, struct pt_packet *pkt)
{
	uint8_t b;

	if (!len)
		return -PT_ERR_NEED_MORE;
	b = buf[0];
	switch (opc_class[b]) {
	case K_PAD:
		pkt->type = PT_PKT_PAD;
		pkt->size = PT_PS_PAD;
		return PT_PS_PAD;
	case K_TNT_8:
		return pt_pkt_decode_tnt8(b, pkt);
	case K_TIP:
		return decode_ip(buf, len, pkt, PT_PKT_TIP);
	case K_TIP_PGE:
		return decode_ip(buf, len, pkt, PT_PKT_TIP_PGE);
	case K_TIP_PGD:
		return decode_ip(buf, len, pkt, PT_PKT_TIP_PGD);
	case K_FUP:
		return decode_ip(buf, len, pkt, PT_PKT_FUP);
	case K_CYC:
		return decode_cyc(buf, len, pkt);
	case K_MODE:
		if (len < PT_PS_MODE)
			return -PT_ERR_NEED_MORE;
		switch (buf[1] & PT_OPM_MODE_LEAF) {
		case PT_MODE_EXEC:
			pkt->type = PT_PKT_MODE_EXEC;
			pkt->exec.csl = buf[1] & 1;
			pkt->exec.csd = (buf[1] >> 1) & 1;
			break;
		case PT_MODE_TSX:
			pkt->type = PT_PKT_MODE_TSX;
			pkt->tsx.intx = buf[1] & 1;
			pkt->tsx.abrt = (buf[1] >> 1) & 1;
			break;
		default:
			return -PT_ERR_BAD_PACKET;
		}
		pkt->size = PT_PS_MODE;
		return PT_PS_MODE;
	case K_TSC:
		if (len < PT_PS_TSC)
			return -PT_ERR_NEED_MORE;
		pkt->type = PT_PKT_TSC;
		pkt->size = PT_PS_TSC;
		pkt->tsc = rd64(buf) >> 8;
		return PT_PS_TSC;
	case K_MTC:
		if (len < PT_PS_MTC)
			return -PT_ERR_NEED_MORE;
		pkt->type = PT_PKT_MTC;
		pkt->size = PT_PS_MTC;
		pkt->mtc_ctc = buf[1];
		return PT_PS_MTC;
	case K_EXT:
		return decode_ext(buf, len, pkt);
	default:
		return -PT_ERR_BAD_OPCODE;
	}
}
