// SPDX-License-Identifier: GPL-2.0
/*
 * symbols.c - binaries (dso) read with libelf: the file mapped for code
 * reads, PT_LOAD segments for offset/address translation, .symtab (or
 * .dynsym) function symbols sorted for lookup; and per-process address maps.
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
#include "symbols.h"

struct dso_cache {
	struct dso **v;
	size_t nr, cap;
};

struct dso_cache *dso_cache_new(void)
{
	elf_version(EV_CURRENT);
	return calloc(1, sizeof(struct dso_cache));
}

static void dso_free(struct dso *d)
{
	if (d->map)
		munmap((void *)d->map, d->map_size);
	if (d->fd >= 0)
		close(d->fd);
	free(d->syms);
	free(d->strings);
	free(d->path);
	free(d);
}

void dso_cache_free(struct dso_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nr; i++)
		dso_free(c->v[i]);
	free(c->v);
	free(c);
}

static int cmp_sym(const void *a, const void *b)
{
	const struct symbol *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Function symbols of one symbol table section, appended to d->syms. */
static int load_symtab(struct dso *d, Elf *elf, Elf_Scn *scn, GElf_Shdr *sh, size_t *strings_len)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t n = sh->sh_entsize ? sh->sh_size / sh->sh_entsize : 0;

	if (!data || !n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		GElf_Sym sym;
		const char *name;
		size_t len;
		char *ns;
		struct symbol *nv;

		if (!gelf_getsym(data, i, &sym) || GELF_ST_TYPE(sym.st_info) != STT_FUNC ||
		    !sym.st_value || sym.st_shndx == SHN_UNDEF)
			continue;
		name = elf_strptr(elf, sh->sh_link, sym.st_name);
		if (!name || !*name)
			continue;
		len = strlen(name) + 1;
		ns = realloc(d->strings, *strings_len + len);
		if (!ns)
			return -ENOMEM;
		d->strings = ns;
		memcpy(d->strings + *strings_len, name, len);
		nv = realloc(d->syms, (d->nr_syms + 1) * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		d->syms = nv;
		/* name offsets for now; pointers after the last realloc */
		d->syms[d->nr_syms++] = (struct symbol){ sym.st_value, sym.st_size,
							 (const char *)(uintptr_t)*strings_len };
		*strings_len += len;
	}
	return 0;
}

static void dso_load(struct dso *d)
{
	Elf *elf;
	GElf_Ehdr eh;
	Elf_Scn *scn = NULL, *dynsym = NULL;
	GElf_Shdr sh, dynsh;
	size_t phnum, strings_len = 0;
	bool have_symtab = false;
	struct stat st;

	d->fd = open(d->path, O_RDONLY | O_CLOEXEC);
	if (d->fd < 0 || fstat(d->fd, &st) || !S_ISREG(st.st_mode) || !st.st_size)
		goto missing;
	d->map_size = st.st_size;
	d->map = mmap(NULL, d->map_size, PROT_READ, MAP_PRIVATE, d->fd, 0);
	if (d->map == MAP_FAILED) {
		d->map = NULL;
		goto missing;
	}
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
	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &sh))
			continue;
		if (sh.sh_type == SHT_SYMTAB) {
			have_symtab = true;
			load_symtab(d, elf, scn, &sh, &strings_len);
		} else if (sh.sh_type == SHT_DYNSYM) {
			dynsym = scn;
			dynsh = sh;
		}
	}
	if (!have_symtab && dynsym)
		load_symtab(d, elf, dynsym, &dynsh, &strings_len);
	for (size_t i = 0; i < d->nr_syms; i++)
		d->syms[i].name = d->strings + (uintptr_t)d->syms[i].name;
	if (d->nr_syms)
		qsort(d->syms, d->nr_syms, sizeof(*d->syms), cmp_sym);
	elf_end(elf);
	return;
missing:
	d->missing = true;
}

struct dso *dso_get(struct dso_cache *c, const char *path)
{
	struct dso *d;

	for (size_t i = 0; i < c->nr; i++)
		if (!strcmp(c->v[i]->path, path))
			return c->v[i];
	if (c->nr == c->cap) {
		struct dso **nv = realloc(c->v, (c->cap = c->cap ? c->cap * 2 : 16) * sizeof(*nv));

		if (!nv)
			return NULL;
		c->v = nv;
	}
	d = calloc(1, sizeof(*d));
	if (!d || !(d->path = strdup(path))) {
		free(d);
		return NULL;
	}
	d->fd = -1;
	dso_load(d);
	c->v[c->nr++] = d;
	return d;
}

void dso_cache_for_each_missing(struct dso_cache *c, void (*fn)(const struct dso *d, void *ctx),
				void *ctx)
{
	for (size_t i = 0; c && i < c->nr; i++)
		if (c->v[i]->missing)
			fn(c->v[i], ctx);
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

int maps_insert(struct maps *m, uint64_t start, uint64_t len, uint64_t pgoff, struct dso *dso)
{
	uint64_t end = start + len;
	struct map *nv;
	size_t k = 0;

	if (!len || end < start)
		return -EINVAL;
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
	return NULL;
}

void maps_free(struct maps *m)
{
	free(m->v);
	memset(m, 0, sizeof(*m));
}

int maps_read(const struct maps *m, uint64_t addr, uint8_t *buf, size_t len)
{
	const struct map *mp = maps_find(m, addr);
	uint64_t off, avail;

	if (!mp || !mp->dso || mp->dso->missing || !mp->dso->map)
		return 0;
	off = mp->pgoff + (addr - mp->start);
	if (off >= mp->dso->map_size)
		return 0;
	avail = mp->dso->map_size - off;
	if (avail > mp->end - addr)
		avail = mp->end - addr;
	if (len > avail)
		len = avail;
	memcpy(buf, mp->dso->map + off, len);
	return len;
}

const char *maps_symbolize(const struct maps *m, uint64_t addr, char *buf, size_t len,
			   const char **dso_path, const char **sym_name, uint64_t *sym_off)
{
	const struct map *mp = m ? maps_find(m, addr) : NULL;
	const struct symbol *s = NULL;
	uint64_t vaddr = 0;

	*dso_path = mp && mp->dso ? mp->dso->path : "[unknown]";
	*sym_name = NULL;
	*sym_off = 0;
	if (mp && mp->dso && !mp->dso->missing) {
		if (mp->dso->is_exec)
			vaddr = addr;
		else if (!dso_offset_to_vaddr(mp->dso, mp->pgoff + (addr - mp->start), &vaddr))
			vaddr = 0;
		if (vaddr)
			s = dso_find_symbol(mp->dso, vaddr);
	}
	if (!s) {
		snprintf(buf, len, "[unknown]");
		return buf;
	}
	*sym_name = s->name;
	*sym_off = vaddr - s->start;
	snprintf(buf, len, "%s+0x%llx", s->name, (unsigned long long)*sym_off);
	return buf;
}
