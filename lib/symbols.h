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
};

struct dso {
	char *path;
	bool missing;		/* could not be opened: decode what can be */
	bool warned;
	int fd;
	const uint8_t *map;	/* the whole file, read-only */
	size_t map_size;
	bool is_exec;		/* ET_EXEC: addresses are absolute */
	/* PT_LOAD segments: file offset -> virtual address */
	int nr_loads;
	struct { uint64_t offset, vaddr, filesz; } loads[16];
	struct symbol *syms;	/* sorted by start */
	size_t nr_syms;
	char *strings;		/* names of syms */
};

struct dso_cache;

struct dso_cache *dso_cache_new(void);
void dso_cache_free(struct dso_cache *c);
/* The dso of PATH, loaded once; never NULL for a valid cache (missing set). */
struct dso *dso_get(struct dso_cache *c, const char *path);
/* Calls fn for each dso that could not be read. */
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
};

/* Adds a mapping; one that overlaps older ones replaces them there. */
int maps_insert(struct maps *m, uint64_t start, uint64_t len, uint64_t pgoff, struct dso *dso);
const struct map *maps_find(const struct maps *m, uint64_t addr);
void maps_free(struct maps *m);

/*
 * Copies up to len bytes of code at addr from the mapped file; returns the
 * count (0 when nothing is mapped there or the dso is missing).
 */
int maps_read(const struct maps *m, uint64_t addr, uint8_t *buf, size_t len);

/* "sym+0x12", or "[unknown]"; and the dso's path. buf at least 256 bytes. */
const char *maps_symbolize(const struct maps *m, uint64_t addr, char *buf, size_t len,
			   const char **dso_path, const char **sym_name, uint64_t *sym_off);

#endif
