/* SPDX-License-Identifier: GPL-2.0 */
/*
 * symbols_int.h - internals shared by the files behind symbols.h:
 * symbols.c (dso cache, maps), symbols_elf.c (ELF symbol tables and
 * MiniDebugInfo), debuginfo.c (separate debug files by build id),
 * srcline.c (source lines with libdw) and kernel_syms.c (kallsyms,
 * vmlinux, /proc/kcore).
 */
#ifndef AUXREC_SYMBOLS_INT_H
#define AUXREC_SYMBOLS_INT_H

#include <gelf.h>
#include <libelf.h>
#include "symbols.h"

struct dso_cache {
	struct dso **v;
	size_t nr, cap;
	const char *symfs, *debug_dir;
	struct maps kernel;
	char kernel_ref[32];		/* dso_cache_set_kernel_ref(), "" none */
	uint64_t kernel_ref_addr;
};

/*
 * A new dso of file PATH printed as NAME (NULL: PATH) in the cache, not
 * loaded (fd -1); NULL on ENOMEM.
 */
struct dso *dso_cache_add(struct dso_cache *c, const char *path, const char *name);

/* Appends a symbol (name copied) of ELF binding STB_*; 0 or -ENOMEM. */
int dso_add_symbol(struct dso *d, uint64_t start, uint64_t size, uint8_t binding,
		   const char *name);
/*
 * After the last dso_add_symbol: names resolved, sorted by address, one
 * symbol per address (of aliases the one perf keeps: sized, not weak,
 * global, fewest leading underscores, longest name, first added); with
 * fill_sizes, sizeless symbols end at the next.
 */
void dso_finish_symbols(struct dso *d, bool fill_sizes);

/* symbols_elf.c */
/*
 * Function and data-object symbols of ELF's sections of TYPE (SHT_SYMTAB or
 * SHT_DYNSYM); count or -errno.
 */
int elf_load_symbols(struct dso *d, Elf *elf, GElf_Word type);
/* The value of the defined symbol NAME of ELF's .symtab (any type); false when none. */
bool elf_symbol_value(Elf *elf, const char *name, uint64_t *value);
/* Whether ELF has a section of TYPE, or (name != NULL) one named NAME with data. */
bool elf_has_section(Elf *elf, GElf_Word type, const char *name);
/* The address (sh_addr) of ELF's section NAME with data; false when none. */
bool elf_section_addr(Elf *elf, const char *name, uint64_t *addr);
/* Symbols NAME@plt for the entries of ELF's .plt, as perf names them; count or -errno. */
int elf_synthesize_plt_symbols(struct dso *d, Elf *elf);
/* Function symbols of the .gnu_debugdata (xz-compressed ELF) of ELF; count or -errno. */
int elf_load_minidebuginfo(struct dso *d, Elf *elf);
/* Decompresses an xz stream of at most max output bytes; malloc'd, NULL on error. */
uint8_t *xz_decompress(const uint8_t *in, size_t in_len, size_t max, size_t *out_len);

/* debuginfo.c */
/* The separate debug file of d's build id (malloc'd path), or NULL. */
char *debuginfo_find(const struct dso_cache *c, const struct dso *d);

/* srcline.c */
void srcline_free(struct srcline_state *s);

#endif
