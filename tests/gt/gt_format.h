/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gt_format.h - the line format of the ground-truth event lists, shared
 * by gt-record (expected), gt-flow (auxrec's flow decoder) and gt-ipt
 * (libipt's block decoder): "name from to insn_count", where name is a
 * branch kind (call, return, jmp, jcc, async, ...), "tr_strt", or
 * "tr_end[/kind]", and insn_count counts the instructions since the
 * previous line, including the one at from when it ran.
 */
#ifndef AUXREC_GT_FORMAT_H
#define AUXREC_GT_FORMAT_H

#include <inttypes.h>

#define GT_LINE_FMT "%s %#" PRIx64 " %#" PRIx64 " %" PRIu64 "\n"

/*
 * The synthetic clock of the ground-truth traces: a fixed number of TSC
 * ticks per instruction, a crystal clock (CTC) of GT_TSC_PER_CTC ticks,
 * i.e. CPUID.15H EBX/EAX = GT_CTC_EBX/GT_CTC_EAX, and an MTC every
 * 2^GT_MTC_FREQ CTC ticks.
 */
#define GT_TSC0		0x1000000ull
#define GT_TSC_PER_INSN	8
#define GT_CTC_EAX	2
#define GT_CTC_EBX	128
#define GT_TSC_PER_CTC	(GT_CTC_EBX / GT_CTC_EAX)
#define GT_MTC_FREQ	3

/*
 * The core clock of the cycle-accurate (-cyc) traces: GT_CYC_PER_INSN
 * cycles per instruction at core:bus ratio GT_CBR, i.e. GT_TSC_PER_INSN
 * TSC ticks per GT_CYC_PER_INSN cycles when the max non-turbo ratio (TSC
 * ticks per bus tick) is GT_NOM_FREQ. The decoders' ratio, GT_NOM_FREQ /
 * GT_CBR in 1/256ths, is inexact (170/256 for 2/3), so their CYC times
 * run slightly slow, and the expected times follow libipt's arithmetic.
 */
#define GT_NOM_FREQ	24
#define GT_CBR		36
#define GT_CYC_PER_INSN	(GT_TSC_PER_INSN * GT_CBR / GT_NOM_FREQ)

#endif
