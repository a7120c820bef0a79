// SPDX-License-Identifier: GPL-2.0
/*
 * test_x86_insn.c - decoders/x86/x86_insn.c against a table of real encodings
 * (lengths, branch classes, direct targets), and its bounds: every
 * truncated prefix of every table entry must say "need more bytes".
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "decoders/x86/x86_insn.h"

struct enc {
	const char *what;
	uint8_t bytes[16];
	uint8_t len;
	uint8_t mode;
	uint8_t cls;
	uint8_t kind;
	uint64_t target;	/* for ip 0x1000, 0 when none */
};

#define M64 X86_MODE_64
#define M32 X86_MODE_32
#define M16 X86_MODE_16
#define O X86_CLASS_OTHER, X86_KIND_NONE, 0

static const struct enc table[] = {
	{ "nop", { 0x90 }, 1, M64, O },
	{ "push rbp", { 0x55 }, 1, M64, O },
	{ "mov rbp,rsp", { 0x48, 0x89, 0xe5 }, 3, M64, O },
	{ "mov eax,[rip+0x10]", { 0x8b, 0x05, 0x10, 0, 0, 0 }, 6, M64, O },
	{ "mov rax,[rsp+8]", { 0x48, 0x8b, 0x44, 0x24, 0x08 }, 5, M64, O },
	{ "lea rax,[rbx*4+0x100]", { 0x48, 0x8d, 0x04, 0x9d, 0, 1, 0, 0 },
	  8, M64, O },
	{ "movabs rax,imm64", { 0x48, 0xb8, 1, 2, 3, 4, 5, 6, 7, 8 },
	  10, M64, O },
	{ "mov eax,imm32", { 0xb8, 1, 2, 3, 4 }, 5, M64, O },
	{ "mov ax,imm16", { 0x66, 0xb8, 1, 2 }, 4, M64, O },
	{ "movabs al,moffs64", { 0xa0, 1, 2, 3, 4, 5, 6, 7, 8 }, 9, M64, O },
	{ "mov al,moffs32 (67)", { 0x67, 0xa0, 1, 2, 3, 4 }, 6, M64, O },
	{ "add ax,imm16", { 0x66, 0x05, 1, 2 }, 4, M64, O },
	{ "add rax,imm32", { 0x48, 0x05, 1, 2, 3, 4 }, 6, M64, O },
	{ "cmp dword [rax],imm8", { 0x83, 0x38, 0x05 }, 3, M64, O },
	{ "test byte [rdi],1", { 0xf6, 0x07, 0x01 }, 3, M64, O },
	{ "neg byte [rdi]", { 0xf6, 0x1f }, 2, M64, O },
	{ "test dword [rdi],imm32", { 0xf7, 0x07, 1, 2, 3, 4 }, 6, M64, O },
	{ "test word [rdi],imm16", { 0x66, 0xf7, 0x07, 1, 2 }, 5, M64, O },
	{ "not rdi", { 0x48, 0xf7, 0xd7 }, 3, M64, O },
	{ "enter 16,0", { 0xc8, 0x10, 0, 0 }, 4, M64, O },
	{ "endbr64", { 0xf3, 0x0f, 0x1e, 0xfa }, 4, M64, O },
	{ "nopw cs:[rax+rax+0]", { 0x66, 0x2e, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0 },
	  10, M64, O },
	{ "pshufd xmm0,xmm1,0", { 0x66, 0x0f, 0x70, 0xc1, 0 }, 5, M64, O },
	{ "pshufb xmm0,xmm1", { 0x66, 0x0f, 0x38, 0x00, 0xc1 }, 5, M64, O },
	{ "palignr xmm0,xmm1,4", { 0x66, 0x0f, 0x3a, 0x0f, 0xc1, 4 }, 6, M64, O },
	{ "vzeroupper", { 0xc5, 0xf8, 0x77 }, 3, M64, O },
	{ "vmovdqu ymm0,[rsi]", { 0xc5, 0xfe, 0x6f, 0x06 }, 4, M64, O },
	{ "vpcmpeqb ymm1,ymm0,[rdi+0x20]", { 0xc5, 0xfd, 0x74, 0x4f, 0x20 },
	  5, M64, O },
	{ "vpermq ymm0,ymm1,imm", { 0xc4, 0xe3, 0xfd, 0x00, 0xc1, 0x4e },
	  6, M64, O },
	{ "vpbroadcastb ymm0,xmm0", { 0xc4, 0xe2, 0x7d, 0x78, 0xc0 }, 5, M64, O },
	{ "vmovdqu64 zmm16,[rsi]", { 0x62, 0xe1, 0xfe, 0x48, 0x6f, 0x06 },
	  6, M64, O },
	{ "vpcmpb k1,zmm16,[rdi+0x40],0", { 0x62, 0xb3, 0x7d, 0x40, 0x3f,
	  0x4f, 0x01, 0x00 }, 8, M64, O },
	{ "pfadd mm0,mm1 (3dnow)", { 0x0f, 0x0f, 0xc1, 0x9e }, 4, M64, O },
	{ "cpuid", { 0x0f, 0xa2 }, 2, M64, O },
	{ "mov cr3,rax", { 0x0f, 0x22, 0xd8 }, 3, M64, O },
	{ "lock cmpxchg [rdi],ecx", { 0xf0, 0x0f, 0xb1, 0x0f }, 4, M64, O },
	{ "rep stosq", { 0xf3, 0x48, 0xab }, 3, M64, O },
	{ "xbegin rel32", { 0xc7, 0xf8, 0, 0, 0, 0 }, 6, M64, O },
	/* branches, at ip 0x1000 */
	{ "je rel8", { 0x74, 0x10 }, 2, M64, X86_CLASS_COND_JUMP, X86_KIND_JCC,
	  0x1012 },
	{ "jne rel8 back", { 0x75, 0xfe }, 2, M64, X86_CLASS_COND_JUMP,
	  X86_KIND_JCC, 0x1000 },
	{ "jg rel32", { 0x0f, 0x8f, 0x00, 0x01, 0, 0 }, 6, M64,
	  X86_CLASS_COND_JUMP, X86_KIND_JCC, 0x1106 },
	{ "loop", { 0xe2, 0xfc }, 2, M64, X86_CLASS_COND_JUMP, X86_KIND_LOOP,
	  0xffe },
	{ "jrcxz", { 0xe3, 0x02 }, 2, M64, X86_CLASS_COND_JUMP, X86_KIND_JRCXZ,
	  0x1004 },
	{ "jmp rel8", { 0xeb, 0x00 }, 2, M64, X86_CLASS_JUMP, X86_KIND_JMP_REL,
	  0x1002 },
	{ "jmp rel32", { 0xe9, 0xfb, 0xef, 0xff, 0xff }, 5, M64, X86_CLASS_JUMP,
	  X86_KIND_JMP_REL, 0x0 },
	{ "call rel32", { 0xe8, 0x10, 0, 0, 0 }, 5, M64, X86_CLASS_CALL,
	  X86_KIND_CALL_REL, 0x1015 },
	{ "call [rip+x]", { 0xff, 0x15, 1, 2, 3, 4 }, 6, M64, X86_CLASS_CALL,
	  X86_KIND_CALL_IND, 0 },
	{ "call rax", { 0xff, 0xd0 }, 2, M64, X86_CLASS_CALL, X86_KIND_CALL_IND,
	  0 },
	{ "notrack jmp rax", { 0x3e, 0xff, 0xe0 }, 3, M64, X86_CLASS_JUMP,
	  X86_KIND_JMP_IND, 0 },
	{ "jmp [rax*8+disp32]", { 0xff, 0x24, 0xc5, 1, 2, 3, 4 }, 7, M64,
	  X86_CLASS_JUMP, X86_KIND_JMP_IND, 0 },
	{ "lcall [rax]", { 0xff, 0x18 }, 2, M64, X86_CLASS_FAR_CALL,
	  X86_KIND_FAR_CALL, 0 },
	{ "ljmp [rax]", { 0xff, 0x28 }, 2, M64, X86_CLASS_FAR_JUMP,
	  X86_KIND_FAR_JMP, 0 },
	{ "ret", { 0xc3 }, 1, M64, X86_CLASS_RETURN, X86_KIND_RET, 0 },
	{ "bnd ret", { 0xf2, 0xc3 }, 2, M64, X86_CLASS_RETURN, X86_KIND_RET, 0 },
	{ "ret 8", { 0xc2, 8, 0 }, 3, M64, X86_CLASS_RETURN, X86_KIND_RET, 0 },
	{ "lret", { 0xcb }, 1, M64, X86_CLASS_FAR_RETURN, X86_KIND_FAR_RET, 0 },
	{ "iretq", { 0x48, 0xcf }, 2, M64, X86_CLASS_FAR_RETURN, X86_KIND_IRET,
	  0 },
	{ "syscall", { 0x0f, 0x05 }, 2, M64, X86_CLASS_FAR_CALL,
	  X86_KIND_SYSCALL, 0 },
	{ "sysretq", { 0x48, 0x0f, 0x07 }, 3, M64, X86_CLASS_FAR_RETURN,
	  X86_KIND_SYSRET, 0 },
	{ "sysenter", { 0x0f, 0x34 }, 2, M64, X86_CLASS_FAR_CALL,
	  X86_KIND_SYSENTER, 0 },
	{ "int3", { 0xcc }, 1, M64, X86_CLASS_FAR_CALL, X86_KIND_INT3, 0 },
	{ "int 0x80", { 0xcd, 0x80 }, 2, M64, X86_CLASS_FAR_CALL, X86_KIND_INT,
	  0 },
	{ "int1", { 0xf1 }, 1, M64, X86_CLASS_FAR_CALL, X86_KIND_INT1, 0 },
	{ "vmcall", { 0x0f, 0x01, 0xc1 }, 3, M64, X86_CLASS_FAR_CALL,
	  X86_KIND_VMCALL, 0 },
	{ "vmlaunch", { 0x0f, 0x01, 0xc2 }, 3, M64, X86_CLASS_FAR_RETURN,
	  X86_KIND_VMLAUNCH, 0 },
	{ "vmresume", { 0x0f, 0x01, 0xc3 }, 3, M64, X86_CLASS_FAR_RETURN,
	  X86_KIND_VMRESUME, 0 },
	{ "ptwrite rax", { 0xf3, 0x48, 0x0f, 0xae, 0xe0 }, 5, M64,
	  X86_CLASS_PTWRITE, X86_KIND_PTWRITE, 0 },
	{ "ptwrite [rdi+8]", { 0xf3, 0x0f, 0xae, 0x67, 0x08 }, 5, M64,
	  X86_CLASS_PTWRITE, X86_KIND_PTWRITE, 0 },
	{ "xsaveopt is no ptwrite", { 0x0f, 0xae, 0x37 }, 3, M64, O },
	/* 32-bit and 16-bit modes */
	{ "inc eax (32)", { 0x40 }, 1, M32, O },
	{ "les eax,[ebx] (32)", { 0xc4, 0x03 }, 2, M32, O },
	{ "vzeroupper (32)", { 0xc5, 0xf8, 0x77 }, 3, M32, O },
	{ "mov eax,[disp32] (32)", { 0x8b, 0x05, 1, 2, 3, 4 }, 6, M32, O },
	{ "mov ax,[bp+si+8] (32, 67)", { 0x67, 0x8b, 0x42, 0x08 }, 4, M32, O },
	{ "pusha (32)", { 0x60 }, 1, M32, O },
	{ "lcall ptr16:32 (32)", { 0x9a, 1, 2, 3, 4, 5, 6 }, 7, M32,
	  X86_CLASS_FAR_CALL, X86_KIND_FAR_CALL, 0 },
	{ "call rel16 (32, 66)", { 0x66, 0xe8, 0x10, 0x00 }, 4, M32,
	  X86_CLASS_CALL, X86_KIND_CALL_REL, 0x1014 },
	{ "jmp rel32 wraps (32)", { 0xe9, 0xf0, 0xef, 0xff, 0xff }, 5, M32,
	  X86_CLASS_JUMP, X86_KIND_JMP_REL, 0xfffffff5 },
	{ "mov ax,imm16 (16)", { 0xb8, 1, 2 }, 3, M16, O },
	{ "mov eax,imm32 (16, 66)", { 0x66, 0xb8, 1, 2, 3, 4 }, 6, M16, O },
	{ "mov ax,[bx+disp16] (16)", { 0x8b, 0x87, 1, 2 }, 4, M16, O },
	{ "jmp rel16 (16)", { 0xe9, 0x00, 0x01 }, 3, M16, X86_CLASS_JUMP,
	  X86_KIND_JMP_REL, 0x1103 },
};

static void test_table(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		const struct enc *e = &table[i];
		struct x86_insn insn;
		int n = x86_insn_decode(e->bytes, e->len, 0x1000, e->mode, &insn);
		int direct = e->kind == X86_KIND_JCC ||
			     e->kind == X86_KIND_LOOP ||
			     e->kind == X86_KIND_JRCXZ ||
			     e->kind == X86_KIND_JMP_REL ||
			     e->kind == X86_KIND_CALL_REL;

		if (n != e->len || insn.cls != e->cls || insn.kind != e->kind ||
		    direct != insn.has_target ||
		    (direct && insn.target != e->target))
			fail_msg("%s: len %d (want %u) class %s (want %s) kind %s (want %s) target %#llx (want %#llx)",
				 e->what, n, e->len, x86_class_name(insn.cls),
				 x86_class_name(e->cls), x86_kind_name(insn.kind),
				 x86_kind_name(e->kind),
				 (unsigned long long)insn.target,
				 (unsigned long long)e->target);
	}
}

/* A cut instruction is "need more", never a shorter instruction. */
static void test_truncated(void **state)
{
	size_t i, l;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		const struct enc *e = &table[i];

		for (l = 0; l < e->len; l++) {
			struct x86_insn insn;
			uint8_t buf[16];
			int n;

			/* bytes past l are poison: must not matter */
			memset(buf, 0x66, sizeof(buf));
			memcpy(buf, e->bytes, l);
			n = x86_insn_decode(buf, l, 0x1000, e->mode, &insn);
			if (n != -X86_ERR_NEED_MORE)
				fail_msg("%s cut at %zu: %d", e->what, l, n);
		}
	}
}

static void test_invalid(void **state)
{
	static const uint8_t pfx15[16] = {
		0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
		0x66, 0x66, 0x66, 0x66, 0x66, 0x90 };
	static const uint8_t ud[][2] = {
		{ 0x06 }, { 0x27 }, { 0x60 }, { 0xd4, 0x0a }, { 0xce },
		{ 0x0f, 0x04 }, { 0x0f, 0x0a },
	};
	struct x86_insn insn;
	size_t i;

	/* 15 prefixes and an opcode: 16 bytes, longer than allowed */
	assert_int_equal(x86_insn_decode(pfx15, 16, 0, X86_MODE_64, &insn),
			 -X86_ERR_INVALID);
	assert_int_equal(x86_insn_decode(pfx15, 15, 0, X86_MODE_64, &insn),
			 -X86_ERR_INVALID);
	assert_int_equal(x86_insn_decode(pfx15 + 1, 15, 0, X86_MODE_64, &insn),
			 15);
	for (i = 0; i < sizeof(ud) / sizeof(ud[0]); i++)
		assert_int_equal(x86_insn_decode(ud[i], 2, 0, X86_MODE_64,
						 &insn), -X86_ERR_INVALID);
	assert_int_equal(x86_insn_decode(ud[2], 1, 0, X86_MODE_32, &insn), 1);
	assert_string_equal(x86_class_name(X86_CLASS_FAR_CALL), "far_call");
	assert_string_equal(x86_class_name(99), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_invalid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
