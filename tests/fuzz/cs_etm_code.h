/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cs_etm_code.h - the code fuzz_cs_etm's decoder reads at CS_CODE_BASE: a
 * fixed run of A64 instructions (branches, calls, returns and others).
 * Shared with etm-gen --fuzz-input, which puts the same code in an ELF
 * mapped there, so that a fuzz input decodes through `auxrec script` as
 * it does in the fuzz target.
 */
#ifndef AUXREC_TESTS_FUZZ_CS_ETM_CODE_H
#define AUXREC_TESTS_FUZZ_CS_ETM_CODE_H

#include <stdint.h>

#define CS_CODE_BASE	0x400000
#define CS_CODE_INSNS	256

static inline void cs_code_make(uint32_t code[CS_CODE_INSNS])
{
	/* B +8, BL +16, B.NE -8, CBZ +12, RET, BR x1, BLR x2, NOP */
	static const uint32_t kinds[] = { 0x14000002, 0x94000004, 0x54ffffc1, 0xb4000060,
					  0xd65f03c0, 0xd61f0020, 0xd63f0040, 0xd503201f };

	for (int i = 0; i < CS_CODE_INSNS; i++)
		code[i] = i % 5 ? kinds[7] : kinds[(i / 5) % 7];
}

#endif
