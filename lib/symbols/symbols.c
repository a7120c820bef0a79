// SPDX-License-Identifier: GPL-2.0
/*
 * symbols.c - binaries (dso) read with libelf: the file mapped for code
 * reads, PT_LOAD segments for offset/address translation, function symbols
 * (from the sources in symbols_elf.c and debuginfo.c) sorted for lookup;
 * and per-process address maps, with the kernel's maps behind them.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "lib/util/array_grow.h"
#include "build_id.h"
#include "lib/util/mapped_files.h"
#include "symbols_int.h"

struct dso_cache *dso_cache_new(void)
{
	struct dso_cache *c;

	elf_version(EV_CURRENT);
	c = calloc(1, sizeof(struct dso_cache));
	return c;
}

void dso_cache_set_debug_dirs(struct dso_cache *c, const char *symfs, const char *debug_dir)
{
	c->symfs = symfs;
	c->debug_dir = debug_dir;
}

struct maps *dso_cache_kernel_maps(struct dso_cache *c)
{
	return &c->kernel;
}

static void dso_free(struct dso *d)
{
	if (d->map) {
		mapped_file_remove(d->map_named);
		munmap((void *)d->map, d->map_size);
	}
	if (d->fd >= 0)
		close(d->fd);
	srcline_free(d->srcline);
	free(d->syms);
	free(d->strings);
	free(d->debug_path);
	if (d->name != d->path)
		free(d->name);
	free(d->path);
	free(d);
}

void dso_cache_free(struct dso_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nr; i++)
		dso_free(c->v[i]);
	maps_free(&c->kernel);
	free(c->v);
	free(c);
}

int dso_add_symbol(struct dso *d, uint64_t start, uint64_t size, uint8_t binding,
		   const char *name)
{
	size_t len = strlen(name) + 1;

	if (ARRAY_GROW(d->strings, d->cap_strings, d->strings_len + len, 4096) ||
	    ARRAY_GROW(d->syms, d->cap_syms, d->nr_syms + 1, 256))
		return -ENOMEM;
	memcpy(d->strings + d->strings_len, name, len);
	/* name offsets for now; pointers in dso_finish_symbols */
	d->syms[d->nr_syms] = (struct symbol){ start, size,
					       (const char *)(uintptr_t)d->strings_len,
					       (uint32_t)d->nr_syms, binding };
	d->nr_syms++;
	d->strings_len += len;
	return 0;
}

static size_t leading_underscores(const char *s)
{
	return strspn(s, "_");
}

/*
 * By address; of aliases (one address) the one perf's choose_best_symbol
 * keeps comes first: sized, not weak, global, with the fewest leading
 * underscores, the longest name, else the first in the symbol table.
 */
static int cmp_sym(const void *a, const void *b)
{
	const struct symbol *x = a, *y = b;
	size_t ux, uy, lx, ly;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (!x->size != !y->size)
		return x->size ? -1 : 1;
	if ((x->binding == STB_WEAK) != (y->binding == STB_WEAK))
		return x->binding == STB_WEAK ? 1 : -1;
	if ((x->binding == STB_GLOBAL) != (y->binding == STB_GLOBAL))
		return x->binding == STB_GLOBAL ? -1 : 1;
	ux = leading_underscores(x->name);
	uy = leading_underscores(y->name);
	if (ux != uy)
		return ux < uy ? -1 : 1;
	lx = strlen(x->name);
	ly = strlen(y->name);
	if (lx != ly)
		return lx > ly ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void dso_finish_symbols(struct dso *d, bool fill_sizes)
{
	size_t k = 0;

	for (size_t i = 0; i < d->nr_syms; i++)
		d->syms[i].name = d->strings + (uintptr_t)d->syms[i].name;
	if (!d->nr_syms)
		return;
	qsort(d->syms, d->nr_syms, sizeof(*d->syms), cmp_sym);
	for (size_t i = 0; i < d->nr_syms; i++)	/* one per address */
		if (!k || d->syms[i].start != d->syms[k - 1].start)
			d->syms[k++] = d->syms[i];
	d->nr_syms = k;
	if (fill_sizes)
		for (size_t i = 0; i + 1 < d->nr_syms; i++)
			if (!d->syms[i].size)
				d->syms[i].size = d->syms[i + 1].start - d->syms[i].start;
}

/*
 * Symbols, best source first: the binary's .symtab; the .symtab of its
 * separate debug file (by build id); its .dynsym merged with the .symtab
 * of its MiniDebugInfo.
 */
static void load_symbols(struct dso_cache *c, struct dso *d, Elf *elf)
{
	bool have_symtab = elf_has_section(elf, SHT_SYMTAB, NULL);
	int n;

	if (!have_symtab || !elf_has_section(elf, 0, ".debug_line"))
		d->debug_path = debuginfo_find(c, d);
	if (have_symtab && elf_load_symbols(d, elf, SHT_SYMTAB) > 0) {
		d->sym_source = "symtab";
		return;
	}
	if (d->debug_path) {
		int fd = open(d->debug_path, O_RDONLY | O_CLOEXEC);
		Elf *de = fd >= 0 ? elf_begin(fd, ELF_C_READ_MMAP, NULL) : NULL;

		n = de && elf_kind(de) == ELF_K_ELF ? elf_load_symbols(d, de, SHT_SYMTAB) : 0;
		if (de)
			elf_end(de);
		if (fd >= 0)
			close(fd);
		if (n > 0) {
			d->sym_source = "debuginfo";
			return;
		}
	}
	n = elf_load_symbols(d, elf, SHT_DYNSYM);
	if (n > 0)
		d->sym_source = "dynsym";
	if (elf_load_minidebuginfo(d, elf) > 0)
		d->sym_source = "minidebuginfo";
}

static void dso_load(struct dso_cache *c, struct dso *d)
{
	Elf *elf;
	GElf_Ehdr eh;
	size_t phnum;
	struct stat st;
	int n;

	d->fd = open(d->path, O_RDONLY | O_CLOEXEC);
	if (d->fd < 0 || fstat(d->fd, &st)) {
		d->open_err = errno;
		goto missing;
	}
	if (!S_ISREG(st.st_mode) || !st.st_size) {
		d->open_err = S_ISDIR(st.st_mode) ? EISDIR : 0;
		goto missing;
	}
	d->map_size = st.st_size;
	d->map = mmap(NULL, d->map_size, PROT_READ, MAP_PRIVATE, d->fd, 0);
	if (d->map == MAP_FAILED) {
		d->open_err = errno;
		d->map = NULL;
		goto missing;
	}
	d->map_named = mapped_file_add(d->map, d->map_size, d->path);
	elf = elf_memory((char *)d->map, d->map_size);
	if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh)) {
		if (elf)
			elf_end(elf);
		return;	/* not ELF: raw code reads still work, no symbols */
	}
	d->is_exec = eh.e_type == ET_EXEC;
	if (!elf_getphdrnum(elf, &phnum)) {
		for (size_t i = 0; i < phnum && d->nr_loads < 16; i++) {
			GElf_Phdr ph;

			if (gelf_getphdr(elf, i, &ph) && ph.p_type == PT_LOAD) {
				d->loads[d->nr_loads].offset = ph.p_offset;
				d->loads[d->nr_loads].vaddr = ph.p_vaddr;
				d->loads[d->nr_loads].filesz = ph.p_filesz;
				d->nr_loads++;
			}
		}
	}
	n = build_id_of_elf(elf, d->build_id, sizeof(d->build_id));
	d->build_id_len = n > 0 ? n : 0;
	load_symbols(c, d, elf);
	if (d->nr_syms)	/* perf: only when the symbol tables gave some */
		elf_synthesize_plt_symbols(d, elf);
	dso_finish_symbols(d, false);
	elf_end(elf);
	return;
missing:
	d->missing = true;
}

struct dso *dso_cache_add(struct dso_cache *c, const char *path, const char *name)
{
	struct dso *d;

	if (ARRAY_GROW(c->v, c->cap, c->nr + 1, 16))
		return NULL;
	d = calloc(1, sizeof(*d));
	if (!d || !(d->path = strdup(path))) {
		free(d);
		return NULL;
	}
	d->name = name && strcmp(name, path) ? strdup(name) : d->path;
	if (!d->name) {
		free(d->path);
		free(d);
		return NULL;
	}
	d->fd = -1;
	c->v[c->nr++] = d;
	return d;
}

/* The dso of path (and name, unless NULL) in the cache, else a new one loaded */
static struct dso *dso_find_or_load(struct dso_cache *c, const char *path, const char *name)
{
	struct dso *d;

	for (size_t i = 0; i < c->nr; i++)
		if (!strcmp(c->v[i]->path, path) && (!name || !strcmp(c->v[i]->name, name)))
			return c->v[i];
	d = dso_cache_add(c, path, name ? name : path);
	if (d)
		dso_load(c, d);
	return d;
}

struct dso *dso_get_named(struct dso_cache *c, const char *path, const char *name)
{
	return dso_find_or_load(c, path, name);
}

struct dso *dso_get(struct dso_cache *c, const char *path)
{
	return dso_find_or_load(c, path, NULL);
}

void dso_cache_for_each_missing(struct dso_cache *c, void (*fn)(const struct dso *d, void *ctx),
				void *ctx)
{
	for (size_t i = 0; c && i < c->nr; i++) {
		size_t k = 0;

		if (!c->v[i]->missing)
			continue;
		while (k < i && strcmp(c->v[k]->path, c->v[i]->path))
			k++;
		if (k == i)	/* once per file, whatever names it has */
			fn(c->v[i], ctx);
	}
}

bool dso_offset_to_vaddr(const struct dso *d, uint64_t off, uint64_t *vaddr)
{
	for (int i = 0; i < d->nr_loads; i++)
		if (off >= d->loads[i].offset && off < d->loads[i].offset + d->loads[i].filesz) {
			*vaddr = d->loads[i].vaddr + (off - d->loads[i].offset);
			return true;
		}
	return false;
}

const struct symbol *dso_find_symbol(const struct dso *d, uint64_t vaddr)
{
	size_t lo = 0, hi = d->nr_syms;

	while (lo < hi) {	/* last symbol starting at or before vaddr */
		size_t mid = (lo + hi) / 2;

		if (d->syms[mid].start <= vaddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	lo--;
	if (d->syms[lo].size && vaddr >= d->syms[lo].start + d->syms[lo].size)
		return NULL;
	return &d->syms[lo];
}

static uint64_t nr_maps_changes;

uint64_t maps_changes(void)
{
	return nr_maps_changes;
}

int maps_insert(struct maps *m, uint64_t start, uint64_t len, uint64_t pgoff, struct dso *dso)
{
	uint64_t end = start + len;
	struct map *nv;
	size_t k = 0;

	if (!len || end < start)
		return -EINVAL;
	nr_maps_changes++;
	/* each old mapping keeps at most its parts left and right of the new one */
	nv = malloc((2 * m->nr + 1) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	for (size_t i = 0; i < m->nr; i++) {
		struct map o = m->v[i];

		if (o.end <= start || o.start >= end) {
			nv[k++] = o;
			continue;
		}
		if (o.start < start)
			nv[k++] = (struct map){ o.start, start, o.pgoff, o.dso };
		if (o.end > end)
			nv[k++] = (struct map){ end, o.end, o.pgoff + (end - o.start), o.dso };
	}
	nv[k++] = (struct map){ start, end, pgoff, dso };
	free(m->v);
	m->v = nv;
	m->nr = k;
	m->cap = k;
	return 0;
}

const struct map *maps_find(const struct maps *m, uint64_t addr)
{
	/* mappings never overlap: inserts cut the older ones */
	for (size_t i = m->nr; i-- > 0;)
		if (addr >= m->v[i].start && addr < m->v[i].end)
			return &m->v[i];
	if (addr >= KERNEL_START && m->kernel && m->kernel != m)
		return maps_find(m->kernel, addr);
	return NULL;
}

void maps_moved(void)
{
	nr_maps_changes++;
}

int maps_copy(struct maps *dst, const struct maps *src)
{
	nr_maps_changes++;
	if (!src->nr)
		return 0;
	dst->v = malloc(src->nr * sizeof(*dst->v));
	if (!dst->v)
		return -ENOMEM;
	memcpy(dst->v, src->v, src->nr * sizeof(*dst->v));
	dst->nr = dst->cap = src->nr;
	return 0;
}

void maps_free(struct maps *m)
{
	const struct maps *kernel = m->kernel;

	nr_maps_changes++;
	free(m->v);
	memset(m, 0, sizeof(*m));
	m->kernel = kernel;
}

int maps_read(const struct maps *m, uint64_t addr, uint8_t *buf, size_t len)
{
	const struct map *mp = maps_find(m, addr);
	uint64_t off, avail;

	ssize_t n;

	if (!mp || !mp->dso || mp->dso->missing || (!mp->dso->map && !mp->dso->pread_code))
		return 0;
	off = mp->pgoff + (addr - mp->start);
	if (off >= mp->dso->map_size)
		return 0;
	avail = mp->dso->map_size - off;
	if (avail > mp->end - addr)
		avail = mp->end - addr;
	if (len > avail)
		len = avail;
	if (mp->dso->map) {
		memcpy(buf, mp->dso->map + off, len);
		return len;
	}
	n = pread(mp->dso->fd, buf, len, off);
	return n > 0 ? n : 0;
}

/* The ELF vaddr of addr in mapping mp (of a dso that could be read). */
static bool map_vaddr(const struct map *mp, uint64_t addr, uint64_t *vaddr)
{
	if (!mp || !mp->dso || mp->dso->missing)
		return false;
	if (mp->dso->is_exec)
		*vaddr = addr - mp->dso->reloc;
	else if (!dso_offset_to_vaddr(mp->dso, mp->pgoff + (addr - mp->start), vaddr))
		return false;
	return *vaddr != 0;
}

const char *maps_srcline(const struct maps *m, uint64_t addr, char *buf, size_t len)
{
	const struct map *mp = m ? maps_find(m, addr) : NULL;
	uint64_t vaddr;

	if (!map_vaddr(mp, addr, &vaddr))
		return NULL;
	return dso_srcline(mp->dso, vaddr, buf, len);
}

/*
 * The ELF vaddr of addr in mp, and the runtime range around addr in which
 * vaddr - addr stays the same (within the map, and within one PT_LOAD
 * segment when the dso is not ET_EXEC).
 */
static bool map_vaddr_range(const struct map *mp, uint64_t addr, uint64_t *vaddr,
			    uint64_t *lo, uint64_t *hi)
{
	uint64_t off;

	if (!map_vaddr(mp, addr, vaddr))
		return false;
	*lo = mp->start;
	*hi = mp->end;
	if (mp->dso->is_exec)
		return true;
	off = mp->pgoff + (addr - mp->start);
	for (int i = 0; i < mp->dso->nr_loads; i++) {
		uint64_t seg = mp->dso->loads[i].offset, end = seg + mp->dso->loads[i].filesz;

		if (off >= seg && off < end) {
			*lo = addr - (off - seg) > *lo ? addr - (off - seg) : *lo;
			*hi = addr + (end - off) < *hi ? addr + (end - off) : *hi;
			break;
		}
	}
	return true;
}

/* As dso_find_symbol(), with [*lo, *hi) narrowed to where it gives the same. */
static const struct symbol *find_symbol_range(const struct dso *d, uint64_t vaddr,
					      uint64_t *lo, uint64_t *hi)
{
	const struct symbol *s = dso_find_symbol(d, vaddr);
	size_t i;

	if (!s) {
		*lo = *hi = vaddr;	/* not worth a range */
		return NULL;
	}
	i = s - d->syms;
	*lo = s->start;
	*hi = i + 1 < d->nr_syms ? d->syms[i + 1].start : UINT64_MAX;
	if (s->size && s->start + s->size < *hi)
		*hi = s->start + s->size;
	return s;
}

void maps_resolve(const struct maps *m, uint64_t addr, struct addr_loc *loc)
{
	const struct map *mp = m ? maps_find(m, addr) : NULL;
	uint64_t vaddr, lo, hi, slo, shi;

	*loc = (struct addr_loc){ .lo = addr, .hi = addr + 1 };
	if (!mp)
		return;
	loc->dso = mp->dso;
	if (!map_vaddr_range(mp, addr, &vaddr, &lo, &hi))
		return;
	loc->sym = find_symbol_range(mp->dso, vaddr, &slo, &shi);
	if (!loc->sym)
		return;
	loc->sym_addr = addr - (vaddr - loc->sym->start);
	/* the symbol's range in runtime addresses, inside the linear piece */
	slo = addr - (vaddr - slo);
	shi = shi - vaddr > UINT64_MAX - addr ? UINT64_MAX : addr + (shi - vaddr);
	loc->lo = slo > lo ? slo : lo;
	loc->hi = shi < hi ? shi : hi;
	if (!loc->sym->start && loc->lo <= addr - vaddr)	/* vaddr 0 is no address */
		loc->lo = addr - vaddr + 1;
}

void maps_lookup(const struct maps *m, uint64_t addr, const char **dso_name,
		 const char **sym_name, uint64_t *sym_off)
{
	struct addr_loc loc;

	maps_resolve(m, addr, &loc);
	*dso_name = loc.dso ? loc.dso->name : "[unknown]";
	*sym_name = loc.sym ? loc.sym->name : NULL;
	*sym_off = loc.sym ? addr - loc.sym_addr : 0;
}

const char *maps_symbolize(const struct maps *m, uint64_t addr, char *buf, size_t len,
			   const char **dso_name, const char **sym_name, uint64_t *sym_off)
{
	maps_lookup(m, addr, dso_name, sym_name, sym_off);
	if (*sym_name)
		snprintf(buf, len, "%s+0x%llx", *sym_name, (unsigned long long)*sym_off);
	else
		snprintf(buf, len, "[unknown]");
	return buf;
}
