// SPDX-License-Identifier: GPL-2.0
/*
 * x86_insn.c - x86 instruction length decoder and branch classifier.
 *
 * Legacy prefixes, REX, then the opcode: one-byte map, 0f, 0f38, 0f3a, or
 * a VEX2/VEX3/EVEX/XOP prefixed opcode. Per-opcode property tables say
 * whether a ModRM byte follows and how wide the immediate is; a handful of
 * opcodes (f6/f7 test, enter, moffs, mov r64 imm64, far pointers, AMD's
 * extrq/insertq) are resolved by hand. Branch classes follow libipt's
 * pt_ild (2.0.5) so that a flow decoder built on this agrees with libipt.
 * Every byte read is checked against the caller's length and the
 * architectural 15 byte limit first.
 */
#include <stdbool.h>
#include "x86_insn.h"

/* Opcode properties. */
#define P_M	0x0001	/* ModRM follows */
#define P_I1	0x0002	/* imm8 */
#define P_IZ	0x0004	/* imm16/32 by operand size */
#define P_I2	0x0008	/* imm16 */
#define P_IV	0x0010	/* imm16/32/64 (mov r, imm) */
#define P_AD	0x0020	/* moffs: address-size offset */
#define P_GRP	0x0040	/* f6/f7: imm only for /0 and /1 */
#define P_ENT	0x0080	/* enter: imm16 + imm8 */
#define P_FAR	0x0100	/* ptr16:16/32 */
#define P_R1	0x0200	/* rel8 */
#define P_RZ	0x0400	/* rel16/32 */
#define P_X64	0x0800	/* invalid in 64-bit mode */
#define P_BAD	0x1000	/* invalid */
#define P_PFX	0x2000	/* a legacy prefix */
#define P_ESC	0x4000	/* 0f escape */
#define P_NOD	0x8000	/* ModRM taken as register form (mov cr/dr) */

static const uint16_t map0[256] = {
	[0x00 ... 0x03] = P_M, [0x04] = P_I1, [0x05] = P_IZ,
	[0x06 ... 0x07] = P_X64,
	[0x08 ... 0x0b] = P_M, [0x0c] = P_I1, [0x0d] = P_IZ,
	[0x0e] = P_X64, [0x0f] = P_ESC,
	[0x10 ... 0x13] = P_M, [0x14] = P_I1, [0x15] = P_IZ,
	[0x16 ... 0x17] = P_X64,
	[0x18 ... 0x1b] = P_M, [0x1c] = P_I1, [0x1d] = P_IZ,
	[0x1e ... 0x1f] = P_X64,
	[0x20 ... 0x23] = P_M, [0x24] = P_I1, [0x25] = P_IZ,
	[0x26] = P_PFX, [0x27] = P_X64,
	[0x28 ... 0x2b] = P_M, [0x2c] = P_I1, [0x2d] = P_IZ,
	[0x2e] = P_PFX, [0x2f] = P_X64,
	[0x30 ... 0x33] = P_M, [0x34] = P_I1, [0x35] = P_IZ,
	[0x36] = P_PFX, [0x37] = P_X64,
	[0x38 ... 0x3b] = P_M, [0x3c] = P_I1, [0x3d] = P_IZ,
	[0x3e] = P_PFX, [0x3f] = P_X64,
	[0x60 ... 0x61] = P_X64, [0x62] = P_M | P_X64, [0x63] = P_M,
	[0x64 ... 0x67] = P_PFX,
	[0x68] = P_IZ, [0x69] = P_M | P_IZ, [0x6a] = P_I1,
	[0x6b] = P_M | P_I1,
	[0x70 ... 0x7f] = P_R1,
	[0x80] = P_M | P_I1, [0x81] = P_M | P_IZ, [0x82] = P_M | P_I1 | P_X64,
	[0x83] = P_M | P_I1, [0x84 ... 0x8f] = P_M,
	[0x9a] = P_FAR | P_X64,
	[0xa0 ... 0xa3] = P_AD, [0xa8] = P_I1, [0xa9] = P_IZ,
	[0xb0 ... 0xb7] = P_I1, [0xb8 ... 0xbf] = P_IV,
	[0xc0 ... 0xc1] = P_M | P_I1, [0xc2] = P_I2,
	[0xc4 ... 0xc5] = P_M | P_X64, [0xc6] = P_M | P_I1, [0xc7] = P_M | P_IZ,
	[0xc8] = P_ENT, [0xca] = P_I2, [0xcd] = P_I1, [0xce] = P_X64,
	[0xd0 ... 0xd3] = P_M, [0xd4 ... 0xd5] = P_I1 | P_X64, [0xd6] = P_X64,
	[0xd8 ... 0xdf] = P_M,
	[0xe0 ... 0xe3] = P_R1, [0xe4 ... 0xe7] = P_I1,
	[0xe8 ... 0xe9] = P_RZ, [0xea] = P_FAR | P_X64, [0xeb] = P_R1,
	[0xf0] = P_PFX, [0xf2 ... 0xf3] = P_PFX,
	[0xf6 ... 0xf7] = P_M | P_GRP, [0xfe ... 0xff] = P_M,
};

static const uint16_t map1[256] = {
	[0x00 ... 0x03] = P_M, [0x04] = P_BAD, [0x0a] = P_BAD, [0x0c] = P_BAD,
	[0x0d] = P_M, [0x0f] = P_M | P_I1,
	[0x10 ... 0x1f] = P_M, [0x20 ... 0x23] = P_M | P_NOD,
	[0x24 ... 0x27] = P_BAD, [0x28 ... 0x2f] = P_M,
	[0x38] = P_ESC, [0x39] = P_BAD, [0x3a] = P_ESC, [0x3b ... 0x3f] = P_BAD,
	[0x40 ... 0x6f] = P_M, [0x70 ... 0x73] = P_M | P_I1,
	[0x74 ... 0x76] = P_M, [0x78 ... 0x79] = P_M, [0x7a ... 0x7b] = P_BAD,
	[0x7c ... 0x7f] = P_M,
	[0x80 ... 0x8f] = P_RZ, [0x90 ... 0x9f] = P_M,
	[0xa3] = P_M, [0xa4] = P_M | P_I1, [0xa5] = P_M,
	[0xa6 ... 0xa7] = P_BAD, [0xab] = P_M, [0xac] = P_M | P_I1,
	[0xad ... 0xaf] = P_M,
	[0xb0 ... 0xb9] = P_M, [0xba] = P_M | P_I1, [0xbb ... 0xbf] = P_M,
	[0xc0 ... 0xc1] = P_M, [0xc2] = P_M | P_I1, [0xc3] = P_M,
	[0xc4 ... 0xc6] = P_M | P_I1, [0xc7] = P_M,
	[0xd0 ... 0xff] = P_M,
};

/* Decoder state for one instruction. */
struct ild {
	const uint8_t *buf;
	size_t avail;		/* min(len, 15) */
	size_t len;		/* caller's length */
	size_t pos;
	enum x86_mode mode;
	bool osz, asz, rex_w, vex;
	uint8_t last_f2f3;	/* 0, 0xf2 or 0xf3 */
	uint8_t map;
	uint8_t opcode;
	uint8_t modrm;
	bool has_modrm;
};

/* Why the next byte is not there: the caller's buffer or the 15 limit. */
static int ild_short(const struct ild *d)
{
	return d->avail < d->len || d->len >= X86_MAX_INSN_LEN ?
		-X86_ERR_INVALID : -X86_ERR_NEED_MORE;
}

static int ild_need(const struct ild *d, size_t n)
{
	return d->pos + n <= d->avail ? 0 : ild_short(d);
}

static int64_t ild_sext(const struct ild *d, size_t at, int n)
{
	uint64_t v = 0;
	int i;

	for (i = n - 1; i >= 0; i--)
		v = v << 8 | d->buf[at + i];
	if (n < 8)
		v = (uint64_t)((int64_t)(v << (64 - 8 * n)) >> (64 - 8 * n));
	return (int64_t)v;
}

/* Effective operand size in bytes for immz and relz: 2 or 4. */
static int ild_z(const struct ild *d)
{
	if (d->rex_w)
		return 4;
	if (d->mode == X86_MODE_16)
		return d->osz ? 4 : 2;
	return d->osz ? 2 : 4;
}

static int ild_asz(const struct ild *d)
{
	switch (d->mode) {
	case X86_MODE_64:
		return d->asz ? 4 : 8;
	case X86_MODE_32:
		return d->asz ? 2 : 4;
	default:
		return d->asz ? 4 : 2;
	}
}

/* ModRM, SIB and displacement. */
static int ild_modrm(struct ild *d, bool nodisp)
{
	int err = ild_need(d, 1);
	uint8_t mod, rm;
	size_t disp = 0;

	if (err)
		return err;
	d->modrm = d->buf[d->pos++];
	d->has_modrm = true;
	mod = d->modrm >> 6;
	rm = d->modrm & 7;
	if (mod == 3 || nodisp)
		return 0;
	if (ild_asz(d) == 2) {
		if (mod == 1)
			disp = 1;
		else if (mod == 2 || rm == 6)
			disp = 2;
		err = ild_need(d, disp);
		if (err)
			return err;
		d->pos += disp;
		return 0;
	}
	if (rm == 4) {
		uint8_t sib;

		err = ild_need(d, 1);
		if (err)
			return err;
		sib = d->buf[d->pos++];
		if (mod == 0 && (sib & 7) == 5)
			disp = 4;
	}
	if (mod == 1)
		disp = 1;
	else if (mod == 2 || (mod == 0 && rm == 5))
		disp = 4;
	err = ild_need(d, disp);
	if (err)
		return err;
	d->pos += disp;
	return 0;
}

static int ild_imm(struct ild *d, size_t n)
{
	int err = ild_need(d, n);

	if (err)
		return err;
	d->pos += n;
	return 0;
}

static void set_branch(struct x86_insn *insn, enum x86_class cls,
		       enum x86_kind kind)
{
	insn->cls = cls;
	insn->kind = kind;
}

/* Relative branch: displacement of n bytes at the end. */
static void set_rel(const struct ild *d, struct x86_insn *insn, uint64_t ip,
		    int n)
{
	uint64_t t = ip + d->pos + (uint64_t)ild_sext(d, d->pos - n, n);

	if (d->mode != X86_MODE_64) {
		if (ild_z(d) == 2)
			t &= 0xffff;
		else
			t &= 0xffffffff;
	}
	insn->target = t;
	insn->has_target = 1;
}

static void classify_map0(const struct ild *d, struct x86_insn *insn,
			  uint64_t ip)
{
	uint8_t op = d->opcode, reg = (d->modrm >> 3) & 7;

	switch (op) {
	case 0x70 ... 0x7f:
		set_branch(insn, X86_CLASS_COND_JUMP, X86_KIND_JCC);
		set_rel(d, insn, ip, 1);
		break;
	case 0xe0 ... 0xe2:
		set_branch(insn, X86_CLASS_COND_JUMP, X86_KIND_LOOP);
		set_rel(d, insn, ip, 1);
		break;
	case 0xe3:
		set_branch(insn, X86_CLASS_COND_JUMP, X86_KIND_JRCXZ);
		set_rel(d, insn, ip, 1);
		break;
	case 0xeb:
		set_branch(insn, X86_CLASS_JUMP, X86_KIND_JMP_REL);
		set_rel(d, insn, ip, 1);
		break;
	case 0xe9:
	case 0xe8:
		set_branch(insn, op == 0xe8 ? X86_CLASS_CALL : X86_CLASS_JUMP,
			   op == 0xe8 ? X86_KIND_CALL_REL : X86_KIND_JMP_REL);
		set_rel(d, insn, ip, d->mode == X86_MODE_64 ? 4 : ild_z(d));
		break;
	case 0xff:
		if (reg == 2)
			set_branch(insn, X86_CLASS_CALL, X86_KIND_CALL_IND);
		else if (reg == 3)
			set_branch(insn, X86_CLASS_FAR_CALL, X86_KIND_FAR_CALL);
		else if (reg == 4)
			set_branch(insn, X86_CLASS_JUMP, X86_KIND_JMP_IND);
		else if (reg == 5)
			set_branch(insn, X86_CLASS_FAR_JUMP, X86_KIND_FAR_JMP);
		break;
	case 0x9a:
		set_branch(insn, X86_CLASS_FAR_CALL, X86_KIND_FAR_CALL);
		break;
	case 0xea:
		set_branch(insn, X86_CLASS_FAR_JUMP, X86_KIND_FAR_JMP);
		break;
	case 0xc2:
	case 0xc3:
		set_branch(insn, X86_CLASS_RETURN, X86_KIND_RET);
		break;
	case 0xca:
	case 0xcb:
		set_branch(insn, X86_CLASS_FAR_RETURN, X86_KIND_FAR_RET);
		break;
	case 0xcf:
		set_branch(insn, X86_CLASS_FAR_RETURN, X86_KIND_IRET);
		break;
	case 0xcc:
		set_branch(insn, X86_CLASS_FAR_CALL, X86_KIND_INT3);
		break;
	case 0xcd:
		set_branch(insn, X86_CLASS_FAR_CALL, X86_KIND_INT);
		break;
	case 0xce:
		set_branch(insn, X86_CLASS_FAR_CALL, X86_KIND_INTO);
		break;
	case 0xf1:
		set_branch(insn, X86_CLASS_FAR_CALL, X86_KIND_INT1);
		break;
	default:
		break;
	}
}

static void classify_map1(const struct ild *d, struct x86_insn *insn,
			  uint64_t ip)
{
	switch (d->opcode) {
	case 0x80 ... 0x8f:
		set_branch(insn, X86_CLASS_COND_JUMP, X86_KIND_JCC);
		set_rel(d, insn, ip, d->mode == X86_MODE_64 ? 4 : ild_z(d));
		break;
	case 0x05:
		set_branch(insn, X86_CLASS_FAR_CALL, X86_KIND_SYSCALL);
		break;
	case 0x07:
		set_branch(insn, X86_CLASS_FAR_RETURN, X86_KIND_SYSRET);
		break;
	case 0x34:
		set_branch(insn, X86_CLASS_FAR_CALL, X86_KIND_SYSENTER);
		break;
	case 0x35:
		set_branch(insn, X86_CLASS_FAR_RETURN, X86_KIND_SYSEXIT);
		break;
	case 0x01:
		if (d->modrm == 0xc1)
			set_branch(insn, X86_CLASS_FAR_CALL, X86_KIND_VMCALL);
		else if (d->modrm == 0xc2)
			set_branch(insn, X86_CLASS_FAR_RETURN,
				   X86_KIND_VMLAUNCH);
		else if (d->modrm == 0xc3)
			set_branch(insn, X86_CLASS_FAR_RETURN,
				   X86_KIND_VMRESUME);
		else if (d->modrm == 0xec && d->last_f2f3 == 0xf3)
			set_branch(insn, X86_CLASS_FAR_RETURN, X86_KIND_UIRET);
		break;
	case 0xae:
		if (d->last_f2f3 == 0xf3 && !d->osz &&
		    ((d->modrm >> 3) & 7) == 4)
			set_branch(insn, X86_CLASS_PTWRITE, X86_KIND_PTWRITE);
		break;
	default:
		break;
	}
}

/* Immediate of a VEX/EVEX opcode in map 1..3 (5, 6: none). */
static size_t vex_imm(uint8_t map, uint8_t op)
{
	if (map == 3)
		return 1;
	if (map == 1 && ((op >= 0x70 && op <= 0x73) || op == 0xc2 ||
			 (op >= 0xc4 && op <= 0xc6)))
		return 1;
	return 0;
}

/*
 * VEX (c4/c5), EVEX (62) and XOP (8f). The caller has seen the first byte
 * at d->pos - 1 and the mode allows the prefix here. Returns 0 when done,
 * 1 when the byte is not such a prefix after all (32-bit les/lds/bound,
 * pop r/m), or a negative error.
 */
static int ild_vex(struct ild *d, uint8_t first)
{
	int err = ild_need(d, 1);
	uint8_t b1, map;
	size_t extra;

	if (err)
		return err;
	b1 = d->buf[d->pos];
	if (first == 0x8f && ((b1 >> 3) & 7) == 0)
		return 1;
	if (first != 0x8f && d->mode != X86_MODE_64 && (b1 >> 6) != 3)
		return 1;

	switch (first) {
	case 0xc5:
		map = 1;
		extra = 1;
		break;
	case 0xc4:
		map = b1 & 0x1f;
		extra = 2;
		if (map < 1 || map > 3)
			return -X86_ERR_INVALID;
		break;
	case 0x62:
		map = b1 & 7;
		extra = 3;
		if (map == 0 || map == 4 || map == 7 || (b1 & 8))
			return -X86_ERR_INVALID;
		break;
	default: /* 0x8f, XOP */
		map = b1 & 0x1f;
		extra = 2;
		if (map < 8 || map > 10)
			return -X86_ERR_INVALID;
		break;
	}
	err = ild_need(d, extra + 1);
	if (err)
		return err;
	if (first == 0x62 && !(d->buf[d->pos + 1] & 4))
		return -X86_ERR_INVALID;
	if ((first == 0xc4 || first == 0x8f) && (d->buf[d->pos + 1] & 0x80))
		d->rex_w = d->mode == X86_MODE_64;
	d->pos += extra;
	d->opcode = d->buf[d->pos++];
	d->vex = true;
	if (first == 0xc5 || first == 0xc4)
		d->map = map | 0x10;
	else if (first == 0x62)
		d->map = map | 0x20;
	else
		d->map = map | 0x40;

	if (!(map == 1 && d->opcode == 0x77 && first != 0x62)) {
		err = ild_modrm(d, false);
		if (err)
			return err;
	}
	if (map >= 8)
		return ild_imm(d, map == 8 ? 1 : map == 10 ? 4 : 0);
	return ild_imm(d, vex_imm(map, d->opcode));
}

static int ild_legacy(struct ild *d, uint16_t prop)
{
	int err;
	size_t imm = 0;

	if (prop & P_BAD)
		return -X86_ERR_INVALID;
	if ((prop & P_X64) && d->mode == X86_MODE_64)
		return -X86_ERR_INVALID;
	if (prop & P_M) {
		err = ild_modrm(d, prop & P_NOD);
		if (err)
			return err;
	}
	if (prop & P_I1)
		imm += 1;
	if (prop & (P_I2 | P_R1))
		imm += prop & P_R1 ? 1 : 2;
	if (prop & P_IZ)
		imm += ild_z(d);
	if (prop & P_IV)
		imm += d->rex_w ? 8 : ild_z(d);
	if (prop & P_AD)
		imm += ild_asz(d);
	if (prop & P_ENT)
		imm += 3;
	if (prop & P_FAR)
		imm += 2 + ild_z(d);
	if (prop & P_RZ)
		imm += d->mode == X86_MODE_64 ? 4 : ild_z(d);
	if ((prop & P_GRP) && ((d->modrm >> 3) & 7) < 2)
		imm += d->opcode == 0xf6 ? 1 : ild_z(d);
	/* AMD extrq/insertq: 66 0f 78 /0 ib ib, f2 0f 78 ib ib */
	if (d->map == 1 && d->opcode == 0x78 &&
	    (d->osz || d->last_f2f3 == 0xf2))
		imm += 2;
	return ild_imm(d, imm);
}

int x86_insn_decode(const uint8_t *buf, size_t len, uint64_t ip,
		    enum x86_mode mode, struct x86_insn *insn)
{
	struct ild d = {
		.buf = buf,
		.len = len,
		.avail = len < X86_MAX_INSN_LEN ? len : X86_MAX_INSN_LEN,
		.mode = mode,
	};
	uint16_t prop;
	uint8_t b;
	int err;

	*insn = (struct x86_insn){ 0 };
	for (;;) {
		err = ild_need(&d, 1);
		if (err)
			return err;
		b = buf[d.pos++];
		if (mode == X86_MODE_64 && (b & 0xf0) == 0x40) {
			d.rex_w = b & 8;
			continue;
		}
		if (!(map0[b] & P_PFX))
			break;
		d.rex_w = false;	/* a REX not last is ignored */
		if (b == 0x66)
			d.osz = true;
		else if (b == 0x67)
			d.asz = true;
		else if (b == 0xf2 || b == 0xf3)
			d.last_f2f3 = b;
	}

	if (b == 0xc4 || b == 0xc5 || b == 0x62 || b == 0x8f) {
		err = ild_vex(&d, b);
		if (err < 0)
			return err;
		if (err == 0)
			goto done;
	}

	if (b == 0x0f) {
		err = ild_need(&d, 1);
		if (err)
			return err;
		b = buf[d.pos++];
		if (b == 0x38 || b == 0x3a) {
			err = ild_need(&d, 1);
			if (err)
				return err;
			d.map = b == 0x38 ? 2 : 3;
			d.opcode = buf[d.pos++];
			prop = P_M | (d.map == 3 ? P_I1 : 0);
		} else {
			d.map = 1;
			d.opcode = b;
			prop = map1[b];
		}
	} else {
		d.map = 0;
		d.opcode = b;
		prop = map0[b];
	}
	err = ild_legacy(&d, prop);
	if (err)
		return err;
	if (d.map == 0)
		classify_map0(&d, insn, ip);
	else if (d.map == 1)
		classify_map1(&d, insn, ip);
done:
	insn->len = (uint8_t)d.pos;
	insn->opcode = d.opcode;
	insn->map = d.map;
	return (int)d.pos;
}

static const char *const class_names[X86_CLASS_NR] = {
	[X86_CLASS_OTHER] = "other",
	[X86_CLASS_CALL] = "call",
	[X86_CLASS_RETURN] = "return",
	[X86_CLASS_JUMP] = "jump",
	[X86_CLASS_COND_JUMP] = "cond_jump",
	[X86_CLASS_FAR_CALL] = "far_call",
	[X86_CLASS_FAR_RETURN] = "far_return",
	[X86_CLASS_FAR_JUMP] = "far_jump",
	[X86_CLASS_PTWRITE] = "ptwrite",
};

static const char *const kind_names[X86_KIND_NR] = {
	[X86_KIND_NONE] = "none",
	[X86_KIND_JCC] = "jcc",
	[X86_KIND_LOOP] = "loop",
	[X86_KIND_JRCXZ] = "jrcxz",
	[X86_KIND_JMP_REL] = "jmp",
	[X86_KIND_JMP_IND] = "jmp_indirect",
	[X86_KIND_CALL_REL] = "call",
	[X86_KIND_CALL_IND] = "call_indirect",
	[X86_KIND_RET] = "ret",
	[X86_KIND_FAR_CALL] = "far_call",
	[X86_KIND_FAR_JMP] = "far_jmp",
	[X86_KIND_FAR_RET] = "far_ret",
	[X86_KIND_SYSCALL] = "syscall",
	[X86_KIND_SYSRET] = "sysret",
	[X86_KIND_SYSENTER] = "sysenter",
	[X86_KIND_SYSEXIT] = "sysexit",
	[X86_KIND_INT] = "int",
	[X86_KIND_INT1] = "int1",
	[X86_KIND_INT3] = "int3",
	[X86_KIND_INTO] = "into",
	[X86_KIND_IRET] = "iret",
	[X86_KIND_VMCALL] = "vmcall",
	[X86_KIND_VMLAUNCH] = "vmlaunch",
	[X86_KIND_VMRESUME] = "vmresume",
	[X86_KIND_UIRET] = "uiret",
	[X86_KIND_PTWRITE] = "ptwrite",
};

const char *x86_class_name(unsigned int cls)
{
	return cls < X86_CLASS_NR ? class_names[cls] : "?";
}

const char *x86_kind_name(unsigned int kind)
{
	return kind < X86_KIND_NR ? kind_names[kind] : "?";
}
