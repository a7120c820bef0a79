// SPDX-License-Identifier: GPL-2.0
/*
 * x86-len-check.c - cross-checks decoders/x86/x86_insn.c against objdump: reads
 * `objdump -d -w` output of an ELF file on stdin, rebuilds each function's
 * bytes from objdump's raw-byte column and walks both decoders in lockstep
 * from the function symbol (a run of zeros objdump leaves out splits it,
 * see fn_gap()). A function stops counting at its first length
 * disagreement (objdump's linear sweep desyncs on data in text), which is
 * counted as one mismatch and printed.
 *   x86-len-check [-m 64|32|16] [-a] [SHOW]
 * -m: the mode to decode in (objdump's -m i386 / i8086 output for 32/16);
 * -a: compare at every objdump boundary instead of stopping a function at
 * its first disagreement (for raw sweeps over data: objdump drives);
 * SHOW: how many mismatches to print (default 10).
 * Where the lengths agree, the branch class must be the one objdump's
 * mnemonic implies, and a direct branch's target objdump's operand.
 * Prints "quirks N ..." (see objdump_quirk()), "classes N
 * class_mismatches N target_mismatches N", then
 * "insns N agree N mismatches N functions N rate R".
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "decoders/x86/x86_insn.h"

#define MAX_FN	(1 << 22)

struct fn {
	char name[256];
	uint8_t *bytes;
	size_t nbytes;
	unsigned int *lens;	/* objdump's length per instruction */
	char **text;
	size_t ninsn, cap;
	uint64_t start;
	uint64_t gap_off;	/* start's offset from the symbol (fn_gap) */
};

static unsigned long total, agree, mismatches, functions, shown, quirks;
static enum x86_mode mode = X86_MODE_64;
static int every;

/*
 * Lines where objdump's idea of an instruction is not the CPU's: a REX
 * prefix followed by a legacy prefix (ignored by the CPU, part of the
 * instruction; objdump prints "rex.W" on its own line), FWAIT (9b) merged
 * into the x87 instruction after it, the 386's test-register moves
 * 0f 24/0f 26 (#UD since the Pentium), and in 64-bit mode a near
 * jmp/call/jcc with a 66 prefix, which objdump decodes as AMD's rel16
 * while Intel CPUs (and libipt) ignore the prefix: rel32. Not compared,
 * counted apart.
 */
static int objdump_quirk(const uint8_t *b, size_t n, const char *text)
{
	const char *lastw = strrchr(text, ' ');
	size_t i;
	int osz = 0;

	lastw = lastw ? lastw + 1 : text;
	if (!strncmp(lastw, "rex", 3))
		return 1;
	for (i = 0; mode == X86_MODE_64 && i + 1 < n; i++) {
		if (b[i] == 0x66)
			osz = 1;
		else if (!(b[i] == 0xf0 || b[i] == 0xf2 || b[i] == 0xf3 ||
			   b[i] == 0x2e || b[i] == 0x36 || b[i] == 0x3e ||
			   b[i] == 0x26 || b[i] == 0x64 || b[i] == 0x65 ||
			   b[i] == 0x67 || (b[i] & 0xf0) == 0x40))
			break;
	}
	if (osz && i < n && (b[i] == 0xe8 || b[i] == 0xe9 ||
			     (b[i] == 0x0f && i + 1 < n &&
			      (b[i + 1] & 0xf0) == 0x80)))
		return 1;
	if (n >= 2 && b[0] == 0x9b)
		return 1;
	return n >= 2 && b[0] == 0x0f && (b[1] == 0x24 || b[1] == 0x26);
}
static int verbose_max = 10;

/* objdump's prefix words before the mnemonic */
static const char *skip_prefixes(const char *t)
{
	static const char *const pfx[] = {
		"bnd ", "notrack ", "lock ", "rep ", "repz ", "repnz ",
		"repe ", "repne ", "data16 ", "data32 ", "addr32 ", "addr16 ",
		"cs ", "ds ", "es ", "ss ", "fs ", "gs ", "xacquire ",
		"xrelease ", "rex.", "rex ",
	};
	size_t k;
	int again = 1;

	while (again) {
		again = 0;
		for (k = 0; k < sizeof(pfx) / sizeof(pfx[0]); k++) {
			size_t l = strlen(pfx[k]);

			if (strncmp(t, pfx[k], l))
				continue;
			t += l;
			if (l == 4 && !strcmp(pfx[k], "rex."))
				t += strcspn(t, " ");	/* rex.WB */
			while (*t == ' ')
				t++;
			again = 1;
		}
	}
	return t;
}

/* The class objdump's mnemonic implies. */
static int objdump_class(const char *m, size_t l)
{
	static const struct {
		const char *name;
		int cls;
	} tab[] = {
		{ "call", X86_CLASS_CALL }, { "callq", X86_CLASS_CALL },
		{ "callw", X86_CLASS_CALL }, { "jmp", X86_CLASS_JUMP },
		{ "jmpq", X86_CLASS_JUMP }, { "jmpw", X86_CLASS_JUMP },
		{ "ret", X86_CLASS_RETURN }, { "retq", X86_CLASS_RETURN },
		{ "retw", X86_CLASS_RETURN }, { "retl", X86_CLASS_RETURN },
		{ "lcall", X86_CLASS_FAR_CALL }, { "ljmp", X86_CLASS_FAR_JUMP },
		{ "lret", X86_CLASS_FAR_RETURN },
		{ "lretq", X86_CLASS_FAR_RETURN },
		{ "lretw", X86_CLASS_FAR_RETURN },
		{ "iret", X86_CLASS_FAR_RETURN },
		{ "iretq", X86_CLASS_FAR_RETURN },
		{ "iretw", X86_CLASS_FAR_RETURN },
		{ "iretd", X86_CLASS_FAR_RETURN },
		{ "loop", X86_CLASS_COND_JUMP }, { "loope", X86_CLASS_COND_JUMP },
		{ "loopne", X86_CLASS_COND_JUMP },
		{ "syscall", X86_CLASS_FAR_CALL },
		{ "sysenter", X86_CLASS_FAR_CALL },
		{ "sysret", X86_CLASS_FAR_RETURN },
		{ "sysretq", X86_CLASS_FAR_RETURN },
		{ "sysretl", X86_CLASS_FAR_RETURN },
		{ "sysexit", X86_CLASS_FAR_RETURN },
		{ "sysexitl", X86_CLASS_FAR_RETURN },
		{ "int", X86_CLASS_FAR_CALL }, { "int3", X86_CLASS_FAR_CALL },
		{ "int1", X86_CLASS_FAR_CALL }, { "icebp", X86_CLASS_FAR_CALL },
		{ "into", X86_CLASS_FAR_CALL }, { "vmcall", X86_CLASS_FAR_CALL },
		{ "vmlaunch", X86_CLASS_FAR_RETURN },
		{ "vmresume", X86_CLASS_FAR_RETURN },
		{ "uiret", X86_CLASS_FAR_RETURN },
		{ "ptwrite", X86_CLASS_PTWRITE }, { "ptwritel", X86_CLASS_PTWRITE },
		{ "ptwriteq", X86_CLASS_PTWRITE },
	};
	size_t k, n, full;
	int pass;

	l = full = strcspn(m, " ,");	/* "loop,pt": a branch hint */
	for (pass = 0; pass < 2; pass++) {
		for (k = 0; k < sizeof(tab) / sizeof(tab[0]); k++) {
			n = strlen(tab[k].name);
			if (n == l && !strncmp(m, tab[k].name, l))
				return tab[k].cls;
		}
		/* an operand-size suffix: "loopel", "loopl" */
		if (l < 2 || !strchr("lqw", m[l - 1]))
			break;
		l--;
	}
	/* jcc, jcxz/jecxz/jrcxz */
	if (m[0] == 'j' && full >= 2)
		return X86_CLASS_COND_JUMP;
	return X86_CLASS_OTHER;
}

static unsigned long class_checked, class_mismatches, target_mismatches;

/* Same branch class as objdump's mnemonic, and the same direct target. */
static void check_class(const struct fn *f, size_t off,
			const struct x86_insn *insn, const char *text)
{
	const char *m = skip_prefixes(text), *ops;
	size_t l = strcspn(m, " ");
	int cls = objdump_class(m, l);
	unsigned long long want;

	class_checked++;
	if (cls != insn->cls) {
		class_mismatches++;
		if (shown++ < (unsigned long)verbose_max)
			printf("class %s+0x%zx: ours %s objdump %s | %s\n",
			       f->name, off, x86_class_name(insn->cls),
			       x86_class_name(cls), text);
		return;
	}
	if (!insn->has_target)
		return;
	ops = m + l;
	while (*ops == ' ')
		ops++;
	want = strtoull(ops, NULL, 16);
	/*
	 * With a 16-bit operand size the CPU wraps IP at 64 KiB (SDM: "EIP
	 * <- EIP AND 0000FFFFH"); objdump does not.
	 */
	if (mode != X86_MODE_64 && insn->target <= 0xffff)
		want &= 0xffff;
	if (want != insn->target) {
		target_mismatches++;
		if (shown++ < (unsigned long)verbose_max)
			printf("target %s+0x%zx: ours %#llx | %s\n", f->name,
			       off, (unsigned long long)insn->target, text);
	}
}

static void fn_check(struct fn *f)
{
	size_t off = 0, i;

	if (!f->ninsn)
		return;
	functions++;
	for (i = 0; i < f->ninsn; off += f->lens[i], i++) {
		struct x86_insn insn;
		int n;

		/* objdump's "(bad)" is no boundary to compare with. */
		if (objdump_quirk(f->bytes + off, f->lens[i], f->text[i])) {
			quirks++;
			if (every)
				continue;
			break;
		}
		if (strstr(f->text[i], "(bad)")) {
			if (every)
				continue;
			break;
		}
		n = x86_insn_decode(f->bytes + off, f->nbytes - off,
				    f->start + off, mode, &insn);
		total++;
		if (n == (int)f->lens[i]) {
			agree++;
			check_class(f, off, &insn, f->text[i]);
			continue;
		}
		mismatches++;
		if (shown++ < (unsigned long)verbose_max) {
			size_t k;

			printf("mismatch %s+0x%zx: ours %d objdump %u:",
			       f->name, off, n, f->lens[i]);
			for (k = 0; k < f->lens[i] + 2 && off + k < f->nbytes;
			     k++)
				printf(" %02x", f->bytes[off + k]);
			printf("  | %s\n", f->text[i]);
		}
		if (every)
			continue;
		break;
	}
	for (i = 0; i < f->ninsn; i++)
		free(f->text[i]);
	f->ninsn = 0;
	f->nbytes = 0;
}

/*
 * objdump -d leaves out a run of zero bytes (a line "..."), so the next
 * line's address is not where the bytes so far end: the bytes before are
 * checked as they are, and the rest of the function as a piece of its
 * own from that address (named symbol+offset), so that direct branch
 * targets keep their addresses.
 */
static void fn_gap(struct fn *f, uint64_t addr)
{
	char name[sizeof(f->name)];
	size_t base = strcspn(f->name, "+>");

	fn_check(f);
	snprintf(name, sizeof(name), "%.*s+0x%" PRIx64 ">", (int)base, f->name,
		 addr - f->start + f->gap_off);
	f->gap_off += addr - f->start;
	f->start = addr;
	memcpy(f->name, name, sizeof(name));
}

int main(int argc, char **argv)
{
	static struct fn f;
	char *line = NULL;
	size_t cap = 0;

	int opt;

	while ((opt = getopt(argc, argv, "m:a")) != -1) {
		if (opt == 'a') {
			every = 1;
		} else if (opt == 'm') {
			int m = atoi(optarg);

			mode = m == 16 ? X86_MODE_16 : m == 32 ? X86_MODE_32 :
			       X86_MODE_64;
		} else {
			return 2;
		}
	}
	if (optind < argc)
		verbose_max = atoi(argv[optind]);
	f.bytes = malloc(MAX_FN);
	if (!f.bytes)
		return 1;
	while (getline(&line, &cap, stdin) > 0) {
		unsigned long long addr;
		char *p, *q, *tab2;
		unsigned int n = 0;

		if (sscanf(line, "%llx <", &addr) == 1 && strchr(line, '<') &&
		    strstr(line, ">:")) {
			fn_check(&f);
			f.start = addr;
			f.gap_off = 0;
			snprintf(f.name, sizeof(f.name), "%s", strchr(line, '<'));
			f.name[strcspn(f.name, ":\n")] = 0;
			continue;
		}
		p = strchr(line, ':');
		if (!p || p[1] != '\t' || sscanf(line, " %llx:", &addr) != 1)
			continue;
		q = p + 2;
		tab2 = strchr(q, '\t');
		if (!tab2)
			continue;	/* bytes only: a continuation line */
		if (f.nbytes && addr != f.start + f.nbytes)
			fn_gap(&f, addr);
		while (q < tab2) {
			unsigned int b;

			while (q < tab2 && *q == ' ')
				q++;
			if (q >= tab2 || !isxdigit((unsigned char)q[0]) ||
			    sscanf(q, "%2x", &b) != 1)
				break;
			if (f.nbytes < MAX_FN)
				f.bytes[f.nbytes++] = (uint8_t)b;
			n++;
			q += 2;
		}
		if (f.ninsn == f.cap) {
			f.cap = f.cap ? 2 * f.cap : 1024;
			f.lens = realloc(f.lens, f.cap * sizeof(*f.lens));
			f.text = realloc(f.text, f.cap * sizeof(*f.text));
			if (!f.lens || !f.text)
				return 1;
		}
		f.lens[f.ninsn] = n;
		f.text[f.ninsn++] = strndup(tab2 + 1, strcspn(tab2 + 1, "\n"));
	}
	fn_check(&f);
	printf("quirks %lu (objdump-only forms, not compared)\n", quirks);
	printf("classes %lu class_mismatches %lu target_mismatches %lu\n",
	       class_checked, class_mismatches, target_mismatches);
	printf("insns %lu agree %lu mismatches %lu functions %lu rate %.5f\n",
	       total, agree, mismatches, functions,
	       total ? (double)agree / total : 0.0);
	free(line);
	return 0;
}
