/* SPDX-License-Identifier: GPL-2.0 */
/*
 * symbols.h - the binaries a trace ran: their code bytes (for the flow
 * decoders) and their symbols (for people), read with libelf; and the
 * address maps of traced processes built from MMAP/MMAP2 sideband.
 */
#ifndef AUXREC_SYMBOLS_H
#define AUXREC_SYMBOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct symbol {
	uint64_t start, size;	/* ELF virtual addresses */
	const char *name;
	uint32_t seq;		/* order of addition (ties between aliases) */
	uint8_t binding;	/* STB_LOCAL, STB_GLOBAL or STB_WEAK */
};

/* Kernel addresses: the upper half of the x86-64 address space. */
#define KERNEL_START 0xffff800000000000ULL

struct srcline_state;

struct dso {
	char *path;		/* the file opened (under --symfs: joined to it) */
	char *name;		/* printed: the name as recorded (== path when the same) */
	bool missing;		/* could not be opened: decode what can be */
	int open_err;		/* why (an errno; 0: empty or not a regular file) */
	bool warned;
	int fd;
	const uint8_t *map;	/* the whole file, read-only */
	size_t map_size;
	int map_named;		/* mapped_file_add()'s handle of map */
	bool pread_code;	/* no map: code read with pread from fd (/proc/kcore) */
	bool is_exec;		/* ET_EXEC: addresses are absolute */
	uint64_t reloc;		/* runtime minus ELF address (a KASLR-relocated vmlinux) */
	/* PT_LOAD segments: file offset -> virtual address */
	int nr_loads;
	struct { uint64_t offset, vaddr, filesz; } loads[16];
	struct symbol *syms;	/* sorted by start */
	size_t nr_syms;
	char *strings;		/* names of syms */
	/* where the symbols came from: "symtab", "dynsym", "minidebuginfo", "debuginfo", ... */
	const char *sym_source;
	uint8_t build_id[20];
	int build_id_len;
	char *debug_path;	/* separate debug file found by build id, or NULL */
	struct srcline_state *srcline;	/* source lines, loaded on the first request */
	/* symbol loading (internal) */
	size_t cap_syms, strings_len, cap_strings;
};

struct dso_cache;
struct maps;

struct dso_cache *dso_cache_new(void);
void dso_cache_free(struct dso_cache *c);
/*
 * Where separate debug files are looked for by build id, before dsos are
 * loaded: DEBUG_DIR/.build-id/xx/yyyy.debug (when not NULL), then
 * SYMFS/usr/lib/debug/.build-id/... (when not NULL), then /usr/lib/debug.
 * The strings must outlive the cache.
 */
void dso_cache_set_debug_dirs(struct dso_cache *c, const char *symfs, const char *debug_dir);
/*
 * Kernel addresses (>= KERNEL_START) for every process: symbols and code
 * of VMLINUX (its PT_LOAD segments at their addresses) when not NULL;
 * otherwise symbols from KALLSYMS (a /proc/kallsyms text) and, when KCORE
 * (an ELF core like /proc/kcore) is not NULL and readable, code from it.
 * A VMLINUX without symbols (stripped) is refused.
 * Returns 0, with err "" or a warning for the user (an approximation was
 * made), or -errno with the reason in err (nothing loaded then). A file
 * that cannot be read at all is said "cannot read vmlinux|kallsyms PATH:
 * CAUSE" and returns what dso_kernel_file_unread() tells apart.
 */
int dso_cache_load_kernel(struct dso_cache *c, const char *vmlinux, const char *kallsyms,
			  const char *kcore, char *err, size_t errlen);
/*
 * Where the traced kernel ran, as perf's kernel map says it: symbol NAME
 * (_text or _stext) at runtime address ADDR (the pgoff of perf's
 * "[kernel.kallsyms]_text" MMAP). Set before dso_cache_load_kernel: a
 * VMLINUX is then relocated by ADDR minus NAME's value in its ELF symbol
 * table (KASLR; without NAME: the other of _text/_stext, else the .text
 * section, with a warning), and a KALLSYMS that puts NAME elsewhere is
 * refused (it is another boot's). NAME NULL forgets the reference.
 */
void dso_cache_set_kernel_ref(struct dso_cache *c, const char *name, uint64_t addr);
/*
 * Whether dso_cache_load_kernel's error RET was a VMLINUX or KALLSYMS that
 * could not be read at all (missing, a directory, unreadable), not one read
 * and refused (no symbols, addresses hidden, another boot's).
 */
bool dso_kernel_file_unread(int ret);
/* The kernel's maps (empty until dso_cache_load_kernel). */
struct maps *dso_cache_kernel_maps(struct dso_cache *c);
/*
 * The dso of PATH (whatever its name), loaded once; never NULL for a valid
 * cache (missing set).
 */
struct dso *dso_get(struct dso_cache *c, const char *path);
/*
 * dso_get(), printed as NAME (the name the recording gives, as perf prints
 * a dso's long name) while PATH is the file opened (NAME under --symfs).
 * The cache is keyed by PATH and NAME: one file recorded under two names
 * (under --symfs, an absolute /x/f and a relative x/f both open DIR/x/f)
 * is two dsos, each printed as recorded, as perf keeps a dso per long
 * name; the file is then loaded twice.
 */
struct dso *dso_get_named(struct dso_cache *c, const char *path, const char *name);
/* Calls fn for each file that could not be read (a dso of it, once whatever its names). */
void dso_cache_for_each_missing(struct dso_cache *c, void (*fn)(const struct dso *d, void *ctx),
				void *ctx);

/* The ELF virtual address of file offset OFF, or false when no segment has it. */
bool dso_offset_to_vaddr(const struct dso *d, uint64_t off, uint64_t *vaddr);
/* The symbol containing ELF vaddr, or NULL. */
const struct symbol *dso_find_symbol(const struct dso *d, uint64_t vaddr);

/* One mapping of a process (from MMAP/MMAP2). */
struct map {
	uint64_t start, end, pgoff;
	struct dso *dso;
};

struct maps {
	struct map *v;
	size_t nr, cap;
	const struct maps *kernel;	/* consulted for kernel addresses mapped nowhere in v */
};

/* The source line "file:line" of ELF vaddr of d into buf, or NULL. */
const char *dso_srcline(struct dso *d, uint64_t vaddr, char *buf, size_t len);

/* Adds a mapping; one that overlaps older ones replaces them there. */
int maps_insert(struct maps *m, uint64_t start, uint64_t len, uint64_t pgoff, struct dso *dso);
const struct map *maps_find(const struct maps *m, uint64_t addr);
/* dst (empty) gets the mappings of src. */
int maps_copy(struct maps *dst, const struct maps *src);
/* Some struct maps may have moved in memory: cached resolutions go stale. */
void maps_moved(void);
/* Frees the mappings (not kernel, which is kept). */
void maps_free(struct maps *m);

/*
 * Copies up to len bytes of code at addr from the mapped file; returns the
 * count (0 when nothing is mapped there or the dso is missing).
 */
int maps_read(const struct maps *m, uint64_t addr, uint8_t *buf, size_t len);

/*
 * What addr is in: its dso (NULL unmapped) and symbol (NULL unknown), with
 * the runtime address where the symbol starts (off = addr - sym_addr), and
 * [lo, hi), the addresses around addr that resolve to the same dso, symbol
 * and sym_addr while no mapping changes (see maps_changes()): a caller may
 * answer those from a cache.
 */
struct addr_loc {
	const struct dso *dso;
	const struct symbol *sym;
	uint64_t sym_addr;
	uint64_t lo, hi;
};
void maps_resolve(const struct maps *m, uint64_t addr, struct addr_loc *loc);
/* A count of every change to any maps: a resolution cached under one value is
 * valid while it stays the same. */
uint64_t maps_changes(void);

/*
 * The symbol at addr: its name (NULL unknown) and the offset into it; and
 * the dso's printed name ("[unknown]" when unmapped).
 */
void maps_lookup(const struct maps *m, uint64_t addr, const char **dso_name,
		 const char **sym_name, uint64_t *sym_off);
/* "sym+0x12", or "[unknown]"; and the dso's name. buf at least 256 bytes. */
const char *maps_symbolize(const struct maps *m, uint64_t addr, char *buf, size_t len,
			   const char **dso_name, const char **sym_name, uint64_t *sym_off);
/* The source line "file:line" of addr into buf (needs debug info), or NULL. */
const char *maps_srcline(const struct maps *m, uint64_t addr, char *buf, size_t len);

#endif
