/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kallsyms.h - reading a /proc/kallsyms text ("ADDR TYPE NAME[\t[MODULE]]"
 * a line), the one parser behind the recorder's kernel map (synthesize.c:
 * _text/_stext/_etext) and the decoder's kernel symbols (kernel_syms.c).
 */
#ifndef AUXREC_KALLSYMS_H
#define AUXREC_KALLSYMS_H

#include <stdbool.h>
#include <stdint.h>

struct kallsyms_sym {
	uint64_t addr;
	char type;		/* nm's letter: 't'/'T' text, 'w'/'W' weak, 'd' data, ... */
	const char *name;	/* in the parsed line */
	const char *module;	/* "ext4" of "[ext4]"; "" for the kernel image */
};

/*
 * Parses one kallsyms line (its fields NUL-terminated in place); false when
 * it is not one: an address of 1 to 16 hex digits, a one-letter type, a
 * name, and at most a "[module]" after them.
 */
bool kallsyms_parse_line(char *line, struct kallsyms_sym *sym);

/*
 * Calls fn(ctx, sym) for each line of the kallsyms text at PATH, in file
 * order, that parses and has an address (a zero address is hidden by
 * kptr_restrict, or a per-CPU offset): until fn returns non-zero, < 0 an
 * error that is returned, > 0 done. Lines that do not parse are skipped.
 * Returns how many symbols fn was given, -errno when PATH cannot be read,
 * -ENODATA when there were symbols but all had zero addresses (hidden).
 */
int kallsyms_for_each(const char *path, int (*fn)(void *ctx, const struct kallsyms_sym *sym),
		      void *ctx);

#endif
