// SPDX-License-Identifier: GPL-2.0
/*
 * symbols_elf.c - symbols of an ELF file read with libelf: the functions
 * of its .symtab or .dynsym (C++ names demangled as perf shows them), the
 * entries of its .plt named as perf names them, one symbol's or section's
 * address (a vmlinux's _text or .text), and
 * MiniDebugInfo, the xz-compressed ELF in .gnu_debugdata whose .symtab
 * holds the functions not in .dynsym (Fedora's stripped binaries),
 * decompressed with liblzma.
 */
#include <errno.h>
#include <libiberty/demangle.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "symbols_int.h"

/* MiniDebugInfo is a few hundred KiB; anything far larger is corrupt. */
#define MINIDEBUG_MAX	(64u << 20)

static Elf_Scn *find_section(Elf *elf, GElf_Word type, const char *name, GElf_Shdr *sh)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;

	if (name && elf_getshdrstrndx(elf, &shstrndx))
		return NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		const char *n;

		if (!gelf_getshdr(scn, sh))
			continue;
		if (!name) {
			if (sh->sh_type == type)
				return scn;
			continue;
		}
		n = elf_strptr(elf, shstrndx, sh->sh_name);
		if (n && !strcmp(n, name) && sh->sh_type != SHT_NOBITS && sh->sh_size)
			return scn;
	}
	return NULL;
}

bool elf_has_section(Elf *elf, GElf_Word type, const char *name)
{
	GElf_Shdr sh;

	return find_section(elf, type, name, &sh) != NULL;
}

bool elf_section_addr(Elf *elf, const char *name, uint64_t *addr)
{
	GElf_Shdr sh;

	if (!find_section(elf, 0, name, &sh))
		return false;
	*addr = sh.sh_addr;
	return true;
}

/*
 * Calls fn for each named, defined symbol of ELF's sections of TYPE until
 * it returns non-zero; that value, or 0.
 */
static int for_each_symbol(Elf *elf, GElf_Word type,
			   int (*fn)(void *ctx, const GElf_Sym *sym, const char *name), void *ctx)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(elf, scn))) {
		Elf_Data *data;
		size_t n;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != type || !sh.sh_entsize)
			continue;
		data = elf_getdata(scn, NULL);
		if (!data)
			continue;
		n = sh.sh_size / sh.sh_entsize;
		for (size_t i = 0; i < n; i++) {
			GElf_Sym sym;
			const char *name;
			int ret;

			if (!gelf_getsym(data, i, &sym))
				break;	/* past the data: truncated or corrupt */
			if (sym.st_shndx == SHN_UNDEF)
				continue;
			name = elf_strptr(elf, sh.sh_link, sym.st_name);
			if (!name || !*name)
				continue;
			ret = fn(ctx, &sym, name);
			if (ret)
				return ret;
		}
	}
	return 0;
}

/*
 * NAME as perf 6.1 shows it (Debian's, built without libbfd: libiberty's
 * cplus_demangle with DMGL_NO_OPTS): C++ names without their parameters,
 * "std::runtime_error::runtime_error" for _ZNSt13runtime_errorC2EPKc;
 * malloc'd, or NULL when NAME is not mangled.
 */
static char *demangle(const char *name)
{
	return cplus_demangle(name, DMGL_NO_OPTS);
}

struct sym_load_ctx {
	struct dso *d;
	Elf *elf;
	int count;
};

/*
 * A label perf 6.1 takes as a symbol (elf_sym__is_label, in a section
 * whose name holds "text"): untyped, neither absolute nor hidden/internal,
 * such as ld.so's _start and _dl_start_user, assembly entry points.
 */
static bool is_text_label(Elf *elf, const GElf_Sym *sym)
{
	int vis = GELF_ST_VISIBILITY(sym->st_other);
	const char *sec_name;
	size_t shstrndx;
	GElf_Shdr sh;

	if (GELF_ST_TYPE(sym->st_info) != STT_NOTYPE || sym->st_shndx >= SHN_LORESERVE ||
	    vis == STV_HIDDEN || vis == STV_INTERNAL || elf_getshdrstrndx(elf, &shstrndx) ||
	    !gelf_getshdr(elf_getscn(elf, sym->st_shndx), &sh))
		return false;
	sec_name = elf_strptr(elf, shstrndx, sh.sh_name);
	return sec_name && strstr(sec_name, "text");
}

/*
 * The symbols perf takes: functions (ifunc resolvers too) and labels in
 * code sections for code addresses, and data objects (a global array) for
 * the data addresses of memory-access samples.
 */
static int add_symbol(void *ctx, const GElf_Sym *sym, const char *name)
{
	struct sym_load_ctx *f = ctx;
	int type = GELF_ST_TYPE(sym->st_info), err;
	char *plain;

	if (!sym->st_value || (type != STT_FUNC && type != STT_GNU_IFUNC && type != STT_OBJECT &&
			       !is_text_label(f->elf, sym)))
		return 0;
	plain = demangle(name);
	err = dso_add_symbol(f->d, sym->st_value, sym->st_size, GELF_ST_BIND(sym->st_info),
			     plain ? plain : name);
	free(plain);
	if (err)
		return -ENOMEM;
	f->count++;
	return 0;
}

int elf_load_symbols(struct dso *d, Elf *elf, GElf_Word type)
{
	struct sym_load_ctx f = { .d = d, .elf = elf };
	int ret = for_each_symbol(elf, type, add_symbol, &f);

	return ret ? ret : f.count;
}

struct value_ctx {
	const char *name;
	uint64_t value;
};

static int match_name(void *ctx, const GElf_Sym *sym, const char *name)
{
	struct value_ctx *v = ctx;

	if (strcmp(name, v->name))
		return 0;
	v->value = sym->st_value;
	return 1;
}

bool elf_symbol_value(Elf *elf, const char *name, uint64_t *value)
{
	struct value_ctx v = { .name = name };

	if (for_each_symbol(elf, SHT_SYMTAB, match_name, &v) != 1)
		return false;
	*value = v.value;
	return true;
}

/* The symbol index of relocation i of data (RELA or REL); false past its end. */
static bool reloc_symbol(Elf_Data *data, bool rela, size_t i, size_t *sym)
{
	GElf_Rela ra;
	GElf_Rel r;

	if (rela) {
		if (!gelf_getrela(data, (int)i, &ra))
			return false;
		*sym = GELF_R_SYM(ra.r_info);
	} else {
		if (!gelf_getrel(data, (int)i, &r))
			return false;
		*sym = GELF_R_SYM(r.r_info);
	}
	return true;
}

/*
 * The sizes of .plt's header and entries: fixed on ARM (20, 12) and AArch64
 * (32, 16), where .plt's sh_entsize is 0, as perf takes them; elsewhere
 * (x86) sh_entsize, the header one entry. False when there is none.
 */
static bool plt_sizes(Elf *elf, const GElf_Shdr *plt, uint64_t *header, uint64_t *entry)
{
	GElf_Ehdr eh;

	if (!gelf_getehdr(elf, &eh))
		return false;
	switch (eh.e_machine) {
	case EM_ARM:
		*header = 20;
		*entry = 12;
		break;
	case EM_AARCH64:
		*header = 32;
		*entry = 16;
		break;
	default:
		*header = *entry = plt->sh_entsize;
		break;
	}
	return *entry != 0;
}

/*
 * Adds the PLT entry at addr, size bytes, as "SNAME@plt" (SNAME demangled
 * as the symbols are; "@plt" when the relocation names no symbol).
 */
static int add_plt_symbol(struct dso *d, uint64_t addr, uint64_t size, const char *sname)
{
	char name[512], *plain = sname ? demangle(sname) : NULL;

	snprintf(name, sizeof(name), "%s@plt", plain ? plain : sname ? sname : "");
	free(plain);
	return dso_add_symbol(d, addr, size, STB_GLOBAL, name) ? -ENOMEM : 0;
}

/*
 * Symbols for the entries of .plt, which no symbol table names, as perf
 * 6.1 synthesizes them (dso__synthesize_plt_symbols): with a .dynsym and
 * a .rela.plt (or .rel.plt) linked to it, the Nth relocation names the
 * Nth entry after the .plt header, "SYMBOL@plt", sized as plt_sizes()
 * says; a relocation without a symbol (the IRELATIVE of a static PIE's
 * ifunc) gives "@plt". Without them the
 * nearest symbol before (often _init, sizeless) would name every entry,
 * and a call through the PLT would seem to go there. With IBT
 * (-fcf-protection: Ubuntu's and Fedora's default, ld -z ibtplt) calls go
 * to .plt.sec instead, whose Nth entry (it has no header) is the Nth
 * relocation's, and .plt holds only the lazy binding's stubs: the names
 * go to .plt.sec, where objdump labels them (perf 6.1 names .plt only).
 * Entries stop at the section's end, whatever the relocations say.
 */
static int synthesize_plt(struct dso *d, Elf *elf)
{
	GElf_Shdr dynsym, rel, plt, strs, sec;
	Elf_Scn *dynsym_scn, *rel_scn, *str_scn;
	Elf_Data *syms, *rels;
	size_t dynsym_idx, nrel, symidx;
	uint64_t addr, end, header, entsize;
	bool rela;
	int count = 0;

	dynsym_scn = find_section(elf, 0, ".dynsym", &dynsym);
	if (!dynsym_scn || dynsym.sh_type != SHT_DYNSYM)
		return 0;
	dynsym_idx = elf_ndxscn(dynsym_scn);
	rel_scn = find_section(elf, 0, ".rela.plt", &rel);
	if (!rel_scn)
		rel_scn = find_section(elf, 0, ".rel.plt", &rel);
	if (!rel_scn || rel.sh_link != dynsym_idx || !rel.sh_entsize ||
	    (rel.sh_type != SHT_RELA && rel.sh_type != SHT_REL))
		return 0;
	if (!find_section(elf, 0, ".plt", &plt) || !plt_sizes(elf, &plt, &header, &entsize))
		return 0;
	str_scn = elf_getscn(elf, dynsym.sh_link);
	syms = elf_getdata(dynsym_scn, NULL);
	rels = elf_getdata(rel_scn, NULL);
	if (!str_scn || !gelf_getshdr(str_scn, &strs) || !strs.sh_size || !syms || !rels)
		return 0;
	rela = rel.sh_type == SHT_RELA;
	nrel = rel.sh_size / rel.sh_entsize;
	if (find_section(elf, 0, ".plt.sec", &sec) && sec.sh_entsize) {
		plt = sec;
		entsize = sec.sh_entsize;
		addr = plt.sh_addr;
	} else {
		addr = plt.sh_addr + header;
	}
	end = plt.sh_addr + plt.sh_size;
	for (size_t i = 0; i < nrel && addr < end && end - addr >= entsize; i++, addr += entsize) {
		const char *sname = NULL;
		GElf_Sym sym;

		if (!reloc_symbol(rels, rela, i, &symidx))
			break;	/* truncated */
		if (symidx && gelf_getsym(syms, (int)symidx, &sym))
			sname = elf_strptr(elf, dynsym.sh_link, sym.st_name);
		if (add_plt_symbol(d, addr, entsize, sname))
			return -ENOMEM;
		count++;
	}
	return count;
}

/* The .dynsym name of the .rela.dyn relocation of the GOT slot got, or NULL. */
static const char *got_slot_name(Elf *elf, Elf_Data *rels, size_t nrel, Elf_Data *syms,
				 GElf_Word strtab, uint64_t got)
{
	GElf_Rela r;
	GElf_Sym sym;

	for (size_t i = 0; i < nrel && gelf_getrela(rels, (int)i, &r); i++)
		if (r.r_offset == got && GELF_R_SYM(r.r_info) &&
		    gelf_getsym(syms, (int)GELF_R_SYM(r.r_info), &sym))
			return elf_strptr(elf, strtab, sym.st_name);
	return NULL;
}

/*
 * The entries of .plt.got (calls bound at load time, such as a PIE's
 * __cxa_finalize): each "jmp *SLOT(%rip)" (ff 25 disp32) whose GOT slot a
 * .rela.dyn relocation names is "SYMBOL@plt", as objdump labels it (perf
 * 6.1 leaves them to the symbol before, _init+OFF).
 */
static int synthesize_plt_got(struct dso *d, Elf *elf)
{
	GElf_Shdr dynsym, rel, pg;
	Elf_Scn *dynsym_scn, *rel_scn, *pg_scn;
	Elf_Data *syms, *rels, *code;
	int count = 0;

	dynsym_scn = find_section(elf, 0, ".dynsym", &dynsym);
	rel_scn = find_section(elf, 0, ".rela.dyn", &rel);
	pg_scn = find_section(elf, 0, ".plt.got", &pg);
	if (!dynsym_scn || !rel_scn || !pg_scn || rel.sh_type != SHT_RELA || !rel.sh_entsize ||
	    rel.sh_link != elf_ndxscn(dynsym_scn) || pg.sh_type != SHT_PROGBITS || !pg.sh_entsize)
		return 0;
	syms = elf_getdata(dynsym_scn, NULL);
	rels = elf_getdata(rel_scn, NULL);
	code = elf_getdata(pg_scn, NULL);
	if (!syms || !rels || !code)
		return 0;
	for (size_t off = 0; off + 6 <= code->d_size && off + 6 <= pg.sh_size;
	     off += pg.sh_entsize) {
		const uint8_t *b = (const uint8_t *)code->d_buf + off;
		uint64_t at = pg.sh_addr + off;
		const char *sname;
		int32_t disp;

		if (b[0] != 0xff || b[1] != 0x25)
			continue;
		memcpy(&disp, b + 2, 4);	/* little-endian: x86 */
		sname = got_slot_name(elf, rels, rel.sh_size / rel.sh_entsize, syms,
				      dynsym.sh_link, at + 6 + (int64_t)disp);
		if (!sname)
			continue;
		if (add_plt_symbol(d, at, pg.sh_entsize, sname))
			return -ENOMEM;
		count++;
	}
	return count;
}

/* The PLT entries' names: .plt's, then .plt.got's. */
int elf_synthesize_plt_symbols(struct dso *d, Elf *elf)
{
	int plt = synthesize_plt(d, elf), got;

	if (plt < 0)
		return plt;
	got = synthesize_plt_got(d, elf);
	return got < 0 ? got : plt + got;
}

uint8_t *xz_decompress(const uint8_t *in, size_t in_len, size_t max, size_t *out_len)
{
	lzma_stream s = LZMA_STREAM_INIT;
	size_t cap = in_len < max / 8 ? in_len * 8 : max;
	uint8_t *out = NULL;
	lzma_ret ret;

	if (!in_len || !max || cap < 4096)
		cap = max < 4096 ? max : 4096;
	if (lzma_stream_decoder(&s, 256u << 20, 0) != LZMA_OK)
		return NULL;
	out = malloc(cap);
	if (!out)
		goto fail;
	s.next_in = in;
	s.avail_in = in_len;
	s.next_out = out;
	s.avail_out = cap;
	for (;;) {
		ret = lzma_code(&s, LZMA_FINISH);
		if (ret == LZMA_STREAM_END)
			break;
		if (ret != LZMA_OK)
			goto fail;
		if (!s.avail_out) {
			size_t used = cap, ncap = cap * 2 < max ? cap * 2 : max;
			uint8_t *nv;

			if (cap >= max)
				goto fail;	/* bigger than allowed */
			nv = realloc(out, ncap);
			if (!nv)
				goto fail;
			out = nv;
			cap = ncap;
			s.next_out = out + used;
			s.avail_out = cap - used;
		}
	}
	*out_len = cap - s.avail_out;
	lzma_end(&s);
	return out;
fail:
	lzma_end(&s);
	free(out);
	return NULL;
}

int elf_load_minidebuginfo(struct dso *d, Elf *elf)
{
	GElf_Shdr sh;
	Elf_Scn *scn = find_section(elf, 0, ".gnu_debugdata", &sh);
	Elf_Data *data = scn ? elf_rawdata(scn, NULL) : NULL;
	size_t len;
	uint8_t *buf;
	Elf *mini;
	int n = -ENOENT;

	if (!data || !data->d_buf || !data->d_size)
		return -ENOENT;
	buf = xz_decompress(data->d_buf, data->d_size, MINIDEBUG_MAX, &len);
	if (!buf)
		return -EINVAL;
	mini = elf_memory((char *)buf, len);
	if (mini && elf_kind(mini) == ELF_K_ELF)
		n = elf_load_symbols(d, mini, SHT_SYMTAB);
	if (mini)
		elf_end(mini);
	free(buf);
	return n;
}
