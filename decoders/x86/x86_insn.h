/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86_insn.h - x86 instruction length decoding and branch classification,
 * as much as an Intel PT flow decoder needs: how long an instruction is,
 * whether it changes the flow (in libipt's classes), and the target of a
 * relative branch. Operands other than branch targets are not decoded.
 */
#ifndef AUXREC_X86_INSN_H
#define AUXREC_X86_INSN_H

#include <stddef.h>
#include <stdint.h>

#define X86_MAX_INSN_LEN	15

/* Errors, returned negated. */
enum x86_insn_error {
	X86_ERR_NEED_MORE	= 1,	/* buffer ends inside the instruction */
	X86_ERR_INVALID		= 2,	/* not an instruction in this mode */
};

enum x86_mode {
	X86_MODE_16,
	X86_MODE_32,
	X86_MODE_64,
};

/* Branch class, the same split as libipt's enum pt_insn_class. */
enum x86_class {
	X86_CLASS_OTHER,	/* no change of flow */
	X86_CLASS_CALL,		/* near call, direct or indirect */
	X86_CLASS_RETURN,	/* near ret, ret imm16 */
	X86_CLASS_JUMP,		/* near jmp, direct or indirect */
	X86_CLASS_COND_JUMP,	/* jcc, loop*, jcxz/jecxz/jrcxz */
	X86_CLASS_FAR_CALL,	/* lcall, int*, syscall, sysenter, vmcall */
	X86_CLASS_FAR_RETURN,	/* lret, iret, sysret, sysexit, vmlaunch... */
	X86_CLASS_FAR_JUMP,	/* ljmp */
	X86_CLASS_PTWRITE,
	X86_CLASS_NR
};

/* Finer detail for the instructions a trace consumer may care about. */
enum x86_kind {
	X86_KIND_NONE,
	X86_KIND_JCC,
	X86_KIND_LOOP,		/* loop, loope, loopne */
	X86_KIND_JRCXZ,
	X86_KIND_JMP_REL,
	X86_KIND_JMP_IND,
	X86_KIND_CALL_REL,
	X86_KIND_CALL_IND,
	X86_KIND_RET,
	X86_KIND_FAR_CALL,	/* lcall ptr / lcall m */
	X86_KIND_FAR_JMP,
	X86_KIND_FAR_RET,
	X86_KIND_SYSCALL,
	X86_KIND_SYSRET,
	X86_KIND_SYSENTER,
	X86_KIND_SYSEXIT,
	X86_KIND_INT,		/* int imm8 */
	X86_KIND_INT1,
	X86_KIND_INT3,
	X86_KIND_INTO,
	X86_KIND_IRET,
	X86_KIND_VMCALL,
	X86_KIND_VMLAUNCH,
	X86_KIND_VMRESUME,
	X86_KIND_UIRET,
	X86_KIND_PTWRITE,
	X86_KIND_NR
};

struct x86_insn {
	uint64_t target;	/* direct branches: the absolute target */
	uint8_t len;
	uint8_t cls;		/* enum x86_class */
	uint8_t kind;		/* enum x86_kind */
	uint8_t has_target;	/* a relative (direct) near branch */
	uint8_t opcode;		/* last opcode byte */
	uint8_t map;		/* 0 one-byte, 1 0f, 2 0f38, 3 0f3a, 8.. vex/evex */
};

/*
 * Decodes the instruction at buf[0..len), located at address ip, in the
 * given mode. Returns its length (1..15), -X86_ERR_NEED_MORE when len
 * (or the 15 byte limit) ends inside it, or -X86_ERR_INVALID. Never reads
 * buf[len] or beyond.
 */
int x86_insn_decode(const uint8_t *buf, size_t len, uint64_t ip,
		    enum x86_mode mode, struct x86_insn *insn);

/* "call", "cond_jump", ...; "?" when out of range. */
const char *x86_class_name(unsigned int cls);
const char *x86_kind_name(unsigned int kind);

static inline int x86_class_is_branch(unsigned int cls)
{
	return cls != X86_CLASS_OTHER && cls != X86_CLASS_PTWRITE;
}

static inline int x86_class_is_far(unsigned int cls)
{
	return cls == X86_CLASS_FAR_CALL || cls == X86_CLASS_FAR_RETURN ||
	       cls == X86_CLASS_FAR_JUMP;
}

#endif
