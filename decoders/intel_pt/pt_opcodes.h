/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pt_opcodes.h - Intel PT opcode bytes, extended opcodes, masks and packet
 * sizes (Intel SDM vol. 3C, "Intel Processor Trace" packet formats).
 * Pure constants: the packet decoder (pt_packet.c) and the sync search
 * (pt_sync.c) take every magic number from here.
 */
#ifndef AUXREC_PT_OPCODES_H
#define AUXREC_PT_OPCODES_H

/* First byte of a packet. */
enum pt_opc {
	PT_OPC_PAD	= 0x00,
	PT_OPC_EXT	= 0x02,	/* followed by an enum pt_ext byte */
	PT_OPC_TIP	= 0x0d,	/* low 5 bits; ipc in bits 7..5 */
	PT_OPC_TIP_PGE	= 0x11,
	PT_OPC_TIP_PGD	= 0x01,
	PT_OPC_FUP	= 0x1d,
	PT_OPC_MODE	= 0x99,
	PT_OPC_TSC	= 0x19,
	PT_OPC_MTC	= 0x59,
	PT_OPC_CYC	= 0x03,	/* low 2 bits */
	PT_OPC_TNT_8	= 0x00,	/* low bit; every other even byte */
};

/* Second byte after PT_OPC_EXT. */
enum pt_ext {
	PT_EXT_PSB	= 0x82,
	PT_EXT_TNT_64	= 0xa3,
	PT_EXT_PIP	= 0x43,
	PT_EXT_OVF	= 0xf3,
	PT_EXT_PSBEND	= 0x23,
	PT_EXT_CBR	= 0x03,
	PT_EXT_TMA	= 0x73,
	PT_EXT_STOP	= 0x83,
	PT_EXT_VMCS	= 0xc8,
	PT_EXT_EXT2	= 0xc3,	/* followed by an enum pt_ext2 byte */
	PT_EXT_EXSTOP	= 0x62,
	PT_EXT_EXSTOP_IP = 0xe2,
	PT_EXT_MWAIT	= 0xc2,
	PT_EXT_PWRE	= 0x22,
	PT_EXT_PWRX	= 0xa2,
	PT_EXT_PTW	= 0x12,	/* low 5 bits; plc in bits 6..5, ip in bit 7 */
};

/* Third byte after PT_OPC_EXT, PT_EXT_EXT2. */
enum pt_ext2 {
	PT_EXT2_MNT	= 0x88,
};

enum pt_opc_mask {
	PT_OPM_TNT_8	= 0x01,
	PT_OPM_CYC	= 0x03,
	PT_OPM_IP	= 0x1f,	/* tip, tip.pge, tip.pgd, fup */
	PT_OPM_IPC_SHR	= 5,
	PT_OPM_CYC_EXT	= 0x04,	/* another cyc byte follows */
	PT_OPM_CYC_SHR	= 3,
	PT_OPM_CYCX_EXT	= 0x01,
	PT_OPM_CYCX_SHR	= 1,
	PT_OPM_PTW	= 0x1f,
	PT_OPM_PTW_IP	= 0x80,
	PT_OPM_PTW_PLC_SHR = 5,
	PT_OPM_EXSTOP_IP = 0x80,
	PT_OPM_MODE_LEAF = 0xe0,
	PT_OPM_MODE_BITS = 0x1f,
};

/* Leaf of a MODE packet (payload bits 7..5). */
enum pt_mode_leaf {
	PT_MODE_EXEC	= 0x00,
	PT_MODE_TSX	= 0x20,
};

/* Full packet sizes in bytes (cyc, ptw and the ip packets vary). */
enum pt_packet_size {
	PT_PS_PAD	= 1,
	PT_PS_TNT_8	= 1,
	PT_PS_MODE	= 2,
	PT_PS_TSC	= 8,
	PT_PS_MTC	= 2,
	PT_PS_PSB	= 16,
	PT_PS_PSBEND	= 2,
	PT_PS_OVF	= 2,
	PT_PS_PIP	= 8,
	PT_PS_TNT_64	= 8,
	PT_PS_CBR	= 4,
	PT_PS_TMA	= 7,
	PT_PS_STOP	= 2,
	PT_PS_VMCS	= 7,
	PT_PS_MNT	= 11,
	PT_PS_EXSTOP	= 2,
	PT_PS_MWAIT	= 10,
	PT_PS_PWRE	= 4,
	PT_PS_PWRX	= 7,
	PT_PS_PTW_HDR	= 2,	/* plus 4 or 8 payload bytes */
	PT_PS_CYC_MAX	= 9,	/* 1 + 8 extension bytes (64 payload bits) */
};

/* Payload layouts. */
enum pt_payload {
	PT_PL_PIP_NR	= 0x01,	/* cr3 = (payload >> 1) << 5 */
	PT_PL_PIP_SHR	= 1,
	PT_PL_PIP_SHL	= 5,
	PT_PL_VMCS_SHL	= 12,
	PT_PL_TMA_FC_MASK = 0x1ff,
	PT_PL_PWRE_HW	= 0x08,
	PT_PL_PWRX_INT	= 0x01,	/* in payload byte 1 */
	PT_PL_PWRX_STORE = 0x04,
	PT_PL_PWRX_HW	= 0x08,
};

/* The PSB is PT_OPC_EXT, PT_EXT_PSB repeated 8 times. */
#define PT_PSB_HI	PT_OPC_EXT
#define PT_PSB_LO	PT_EXT_PSB
#define PT_PSB_PAIRS	8

#endif
