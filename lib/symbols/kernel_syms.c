// SPDX-License-Identifier: GPL-2.0
/*
 * kernel_syms.c - the kernel's part of every process's address space:
 * a vmlinux given by the user (symbols, and code from its PT_LOAD segments
 * at their addresses, moved as perf does by the KASLR offset: the
 * recorded runtime address of _text minus its vmlinux value), or the
 * running kernel's /proc/kallsyms or a kallsyms text the user gives
 * (symbols: functions, and the data objects data addresses land in) with
 * /proc/kcore (code: an ELF core whose PT_LOAD segments give each kernel
 * address range's file offset; readable by root only).
 */
#include <ctype.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "lib/util/array_grow.h"
#include "kallsyms.h"
#include "symbols_int.h"

#define KERNEL_DSO	"[kernel.kallsyms]"
/* The file offset of kernel addresses without code: beyond any file. */
#define NO_CODE_OFFSET	(1ULL << 62)

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Sizes of the symbols: up to the next symbol of any kind (those in bounds,
 * such as absolute ones, end them too); the last one gets a page.
 */
static void kallsyms_sizes(struct dso *d, uint64_t *bounds, size_t nr_bounds)
{
	size_t b = 0;

	if (nr_bounds)	/* none: bounds is NULL, which qsort must not get */
		qsort(bounds, nr_bounds, sizeof(*bounds), cmp_u64);
	for (size_t i = 0; i < d->nr_syms; i++) {
		uint64_t start = d->syms[i].start, end = start + 4096;

		if (i + 1 < d->nr_syms)
			end = d->syms[i + 1].start;
		while (b < nr_bounds && bounds[b] <= start)
			b++;
		if (b < nr_bounds && bounds[b] < end)
			end = bounds[b];
		if (!d->syms[i].size || start + d->syms[i].size > end)
			d->syms[i].size = end - start;
	}
}

struct kallsyms_load {
	struct dso *d;
	const char *ref;	/* the symbol whose address is wanted, or "" */
	uint64_t ref_addr;
	uint64_t *bounds;	/* addresses of the other symbols: ends of text */
	size_t nr_bounds, cap_bounds;
	int count;
};

/*
 * The kallsyms letters that become symbols: text (t, T, weak w, W) and
 * data objects (d, D data, b, B bss, r, R read-only data) for the kernel
 * data addresses of memory samples. perf 6.1 reads T, W, D and B in either
 * case; read-only data too here, so that an address in it is not taken for
 * the end of the symbol before.
 */
static bool kallsyms_symbol_type(char type)
{
	return type && strchr("tTwWdDbBrR", type);
}

static int kallsyms_add(void *ctx, const struct kallsyms_sym *sym)
{
	struct kallsyms_load *l = ctx;

	if (*l->ref && !*sym->module && !strcmp(sym->name, l->ref))
		l->ref_addr = sym->addr;
	if (!kallsyms_symbol_type(sym->type)) {
		if (ARRAY_GROW(l->bounds, l->cap_bounds, l->nr_bounds + 1, 1024))
			return -ENOMEM;
		l->bounds[l->nr_bounds++] = sym->addr;
		return 0;
	}
	/* kallsyms' letter as perf reads it: W weak, upper case global */
	if (dso_add_symbol(l->d, sym->addr, 0, sym->type == 'W' ? STB_WEAK :
			   isupper((unsigned char)sym->type) ? STB_GLOBAL : STB_LOCAL, sym->name))
		return -ENOMEM;
	l->count++;
	return 0;
}

/*
 * Text and data symbols of a kallsyms file into d; their count, or -errno
 * (-ENODATA: all zero; -ENOEXEC: none). The address of symbol REF (when not "") into *ref_addr.
 */
static int kallsyms_load(struct dso *d, const char *path, const char *ref, uint64_t *ref_addr)
{
	struct kallsyms_load l = { .d = d, .ref = ref };
	int ret = kallsyms_for_each(path, kallsyms_add, &l);

	if (ret >= 0 && !l.count)
		ret = -ENOEXEC;	/* no line of the form "ADDR TYPE NAME" */
	if (ret >= 0) {
		dso_finish_symbols(d, false);
		kallsyms_sizes(d, l.bounds, l.nr_bounds);
		*ref_addr = l.ref_addr;
		ret = l.count;
	}
	free(l.bounds);
	return ret;
}

/* Maps the PT_LOAD segments of the ELF core at fd (kcore) to d; their count or -errno. */
static int kcore_map(struct maps *m, struct dso *d, int fd)
{
	Elf64_Ehdr eh;
	int count = 0;

	if (pread(fd, &eh, sizeof(eh), 0) != sizeof(eh))
		return -EIO;
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_type != ET_CORE || eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum > 4096)
		return -EINVAL;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;

		if (pread(fd, &ph, sizeof(ph), eh.e_phoff + (uint64_t)i * sizeof(ph)) != sizeof(ph))
			return -EIO;
		if (ph.p_type != PT_LOAD || ph.p_vaddr < KERNEL_START || !ph.p_filesz ||
		    ph.p_vaddr + ph.p_filesz < ph.p_vaddr || ph.p_offset + ph.p_filesz < ph.p_offset)
			continue;
		if (maps_insert(m, ph.p_vaddr, ph.p_filesz, ph.p_offset, d))
			return -ENOMEM;
		if (ph.p_offset + ph.p_filesz > d->map_size)
			d->map_size = ph.p_offset + ph.p_filesz;
		count++;
	}
	return count;
}

/*
 * The link-time address in the vmlinux ELF of the symbol REF that the
 * recording says where the kernel ran by (perf's ref_reloc_sym: _text,
 * else _stext). A vmlinux without it is approximated, as the same address
 * on x86-64: by the other of _text and _stext, then by the start of
 * .text. What was used into *used; false when none of them is there.
 */
static bool vmlinux_ref(Elf *elf, const char *ref, uint64_t *link, const char **used)
{
	static const char *const names[] = { "_text", "_stext" };

	*used = ref;
	if (elf_symbol_value(elf, ref, link))
		return true;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		*used = names[i];
		if (strcmp(ref, names[i]) && elf_symbol_value(elf, names[i], link))
			return true;
	}
	*used = ".text";
	return elf_section_addr(elf, ".text", link);
}

static int load_vmlinux(struct dso_cache *c, const char *path, char *err, size_t errlen)
{
	struct dso *d = dso_get(c, path);
	int count = 0;

	if (!d)
		return -ENOMEM;
	if (d->missing) {
		snprintf(err, errlen, "cannot read vmlinux %s: %s", path, d->open_err ?
			 strerror(d->open_err) : "empty or not a regular file");
		return d->open_err ? -d->open_err : -EINVAL;
	}
	if (!d->nr_syms) {
		snprintf(err, errlen, "vmlinux %s has no symbols (stripped): "
			 "give the one with its symbol table", path);
		return -EINVAL;
	}
	d->reloc = 0;
	if (c->kernel_ref[0]) {
		uint64_t link;
		const char *used;
		Elf *elf = d->map ? elf_memory((char *)d->map, d->map_size) : NULL;
		bool found = elf && vmlinux_ref(elf, c->kernel_ref, &link, &used);

		if (elf)
			elf_end(elf);
		if (!found) {
			snprintf(err, errlen, "%s has no symbol %s, _text or _stext, nor a .text "
				 "section, to relocate it by", path, c->kernel_ref);
			return -EINVAL;
		}
		if (strcmp(used, c->kernel_ref))
			snprintf(err, errlen, "%s has no symbol %s: relocated by %s, taken to be "
				 "at the same address", path, c->kernel_ref, used);
		d->reloc = c->kernel_ref_addr - link;
	}
	for (int i = 0; i < d->nr_loads; i++) {
		uint64_t v = d->loads[i].vaddr + d->reloc, n = d->loads[i].filesz;

		if (v < KERNEL_START || !n || v + n < v)
			continue;
		if (maps_insert(&c->kernel, v, n, d->loads[i].offset, d))
			return -ENOMEM;
		count++;
	}
	if (!count) {
		snprintf(err, errlen, "%s has no loadable segment at a kernel address", path);
		return -EINVAL;
	}
	return 0;
}

bool dso_kernel_file_unread(int ret)
{
	/* read and refused: stripped or no kernel segment (EINVAL), no symbols or
	 * hidden ones, another boot's; out of memory is no fault of the file */
	return ret < 0 && ret != -EINVAL && ret != -ENODATA && ret != -ENOEXEC &&
	       ret != -ESTALE && ret != -ENOMEM;
}

void dso_cache_set_kernel_ref(struct dso_cache *c, const char *name, uint64_t addr)
{
	snprintf(c->kernel_ref, sizeof(c->kernel_ref), "%s", name ? name : "");
	c->kernel_ref_addr = addr;
}

int dso_cache_load_kernel(struct dso_cache *c, const char *vmlinux, const char *kallsyms,
			  const char *kcore, char *err, size_t errlen)
{
	uint64_t ref_addr = 0;
	struct dso *d;
	int ret, fd;

	if (errlen)
		*err = 0;
	maps_free(&c->kernel);
	if (vmlinux)
		return load_vmlinux(c, vmlinux, err, errlen);
	if (!kallsyms)
		return 0;
	d = dso_cache_add(c, KERNEL_DSO, NULL);
	if (!d)
		return -ENOMEM;
	d->is_exec = true;
	d->sym_source = "kallsyms";
	ret = kallsyms_load(d, kallsyms, c->kernel_ref, &ref_addr);
	if (ret == -ENODATA || ret == -ENOEXEC) {
		snprintf(err, errlen, "%s: %s", kallsyms, ret == -ENODATA ?
			 "addresses hidden (kptr_restrict)" :
			 "no symbols in it (not a /proc/kallsyms text)");
		return ret;
	}
	if (ret < 0) {
		snprintf(err, errlen, "cannot read kallsyms %s: %s", kallsyms, strerror(-ret));
		return ret;
	}
	if (c->kernel_ref[0] && ref_addr && ref_addr != c->kernel_ref_addr) {
		snprintf(err, errlen, "%s has %s at %#llx, the recording at %#llx: "
			 "another boot of the kernel", kallsyms, c->kernel_ref,
			 (unsigned long long)ref_addr, (unsigned long long)c->kernel_ref_addr);
		return -ESTALE;
	}
	/*
	 * Symbols for every kernel address; no code there: the offset is past
	 * any file (kcore included). Code comes from the kcore segments cut
	 * into it.
	 */
	if (maps_insert(&c->kernel, KERNEL_START, ~0ULL - KERNEL_START, NO_CODE_OFFSET, d))
		return -ENOMEM;
	fd = kcore ? open(kcore, O_RDONLY | O_CLOEXEC) : -1;
	if (fd >= 0) {
		d->fd = fd;
		d->pread_code = true;
		if (kcore_map(&c->kernel, d, fd) < 0)
			d->pread_code = false;	/* not a usable core: symbols only */
	}
	return 0;
}
