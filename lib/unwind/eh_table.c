// SPDX-License-Identifier: GPL-2.0
/*
 * eh_table.c - the FDE search table of a binary (see eh_table.h): copied
 * from .eh_frame_hdr when it has the layout every linker writes, else built
 * from .eh_frame: each CIE's augmentation gives the encoding of its FDEs'
 * start addresses ('R'), each FDE one entry.
 */
#include <errno.h>
#include <gelf.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "lib/unwind/eh_table.h"

#define DW_EH_PE_absptr		0x00
#define DW_EH_PE_uleb128	0x01
#define DW_EH_PE_udata2		0x02
#define DW_EH_PE_udata4		0x03
#define DW_EH_PE_udata8		0x04
#define DW_EH_PE_sleb128	0x09
#define DW_EH_PE_sdata2		0x0a
#define DW_EH_PE_sdata4		0x0b
#define DW_EH_PE_sdata8		0x0c
#define DW_EH_PE_pcrel		0x10
#define DW_EH_PE_datarel	0x30
#define DW_EH_PE_omit		0xff
#define HDR_TABLE_OFF		12	/* version, 3 encodings, eh_frame_ptr, fde_count */

/* A cursor over bytes [p, end) that stay at ELF address vaddr + (p - base). */
struct rd {
	const uint8_t *base, *p, *end;
	uint64_t vaddr;
	bool bad;
};

static uint64_t rd_fixed(struct rd *r, size_t n)
{
	uint64_t v = 0;

	if (r->bad || (size_t)(r->end - r->p) < n) {
		r->bad = true;
		return 0;
	}
	memcpy(&v, r->p, n);	/* little endian */
	r->p += n;
	return v;
}

static uint64_t rd_leb(struct rd *r, bool sign)
{
	uint64_t v = 0;
	unsigned int shift = 0;
	uint8_t b;

	do {
		b = (uint8_t)rd_fixed(r, 1);
		if (shift < 64)
			v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
	} while (!r->bad && (b & 0x80));
	if (sign && shift < 64 && (b & 0x40))
		v |= ~0ULL << shift;
	return v;
}

/* A pointer in encoding enc (absolute or pc-relative only), as an ELF address. */
static uint64_t rd_ptr(struct rd *r, uint8_t enc)
{
	uint64_t at = r->vaddr + (uint64_t)(r->p - r->base), v;

	switch (enc & 0x0f) {
	case DW_EH_PE_absptr: case DW_EH_PE_udata8: case DW_EH_PE_sdata8:
		v = rd_fixed(r, 8); break;
	case DW_EH_PE_udata4: v = rd_fixed(r, 4); break;
	case DW_EH_PE_sdata4: v = (uint64_t)(int64_t)(int32_t)rd_fixed(r, 4); break;
	case DW_EH_PE_udata2: v = rd_fixed(r, 2); break;
	case DW_EH_PE_sdata2: v = (uint64_t)(int64_t)(int16_t)rd_fixed(r, 2); break;
	case DW_EH_PE_uleb128: v = rd_leb(r, false); break;
	case DW_EH_PE_sleb128: v = rd_leb(r, true); break;
	default: r->bad = true; return 0;
	}
	switch (enc & 0x70) {
	case 0: return v;
	case DW_EH_PE_pcrel: return v + at;
	default: r->bad = true; return 0;
	}
}

/* The FDE pointer encoding of the CIE at c ('R' of its augmentation). */
static uint8_t cie_fde_encoding(struct rd c)
{
	const char *aug;
	uint8_t enc = DW_EH_PE_absptr, version = (uint8_t)rd_fixed(&c, 1);

	aug = (const char *)c.p;
	while (!c.bad && rd_fixed(&c, 1))
		;
	if (c.bad || aug[0] != 'z')
		return c.bad ? DW_EH_PE_omit : DW_EH_PE_absptr;
	rd_leb(&c, false);			/* code alignment */
	rd_leb(&c, true);			/* data alignment */
	if (version == 1)
		rd_fixed(&c, 1);		/* return address register */
	else
		rd_leb(&c, false);
	rd_leb(&c, false);			/* augmentation data length */
	for (const char *a = aug + 1; *a && !c.bad; a++) {
		if (*a == 'R')
			return (uint8_t)rd_fixed(&c, 1);
		if (*a == 'L')
			rd_fixed(&c, 1);
		else if (*a == 'P')
			rd_ptr(&c, (uint8_t)rd_fixed(&c, 1) & 0x7f);
		else if (*a != 'S' && *a != 'B')
			return DW_EH_PE_omit;	/* unknown: cannot go on */
	}
	return c.bad ? DW_EH_PE_omit : enc;
}

static int add_entry(struct eh_table *t, size_t *cap, uint64_t pc, uint64_t fde)
{
	int64_t a = (int64_t)(pc - t->segbase), b = (int64_t)(fde - t->segbase);

	if (a != (int32_t)a || b != (int32_t)b)
		return -EINVAL;
	if (t->nr_fdes == *cap) {
		size_t n = *cap ? 2 * *cap : 256;
		int32_t *v = realloc(t->entries, n * 2 * sizeof(*v));

		if (!v)
			return -ENOMEM;
		t->entries = v;
		*cap = n;
	}
	t->entries[2 * t->nr_fdes] = (int32_t)a;
	t->entries[2 * t->nr_fdes + 1] = (int32_t)b;
	t->nr_fdes++;
	return 0;
}

static int cmp_entry(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}

/* Walks .eh_frame (bytes at ELF address vaddr) into t, relative to vaddr. */
static int walk_eh_frame(struct eh_table *t, const uint8_t *bytes, size_t size, uint64_t vaddr)
{
	struct rd r = { .base = bytes, .p = bytes, .end = bytes + size, .vaddr = vaddr };
	size_t cap = 0;
	int err;

	t->segbase = vaddr;
	while (r.p < r.end) {
		const uint8_t *start = r.p, *id_at, *next;
		uint64_t len = rd_fixed(&r, 4), id, pc;
		struct rd cie;
		uint8_t enc;

		if (!r.bad && len == 0xffffffff)
			len = rd_fixed(&r, 8);
		if (r.bad || !len)
			break;		/* the terminator */
		if (len > (uint64_t)(r.end - r.p))
			return -EINVAL;
		next = r.p + len;
		id_at = r.p;
		id = rd_fixed(&r, 4);
		if (id) {	/* an FDE: id is the distance back to its CIE */
			if (id > (uint64_t)(id_at - bytes))
				return -EINVAL;
			cie = (struct rd){ .base = bytes, .p = id_at - id, .end = r.end, .vaddr = vaddr };
			if (rd_fixed(&cie, 4) == 0xffffffff)
				rd_fixed(&cie, 8);
			rd_fixed(&cie, 4);	/* its id, 0 */
			enc = cie_fde_encoding(cie);

			if (enc == DW_EH_PE_omit)
				return -EINVAL;
			pc = rd_ptr(&r, enc);
			if (r.bad)
				return -EINVAL;
			if (pc) {	/* 0: an FDE of discarded code */
				err = add_entry(t, &cap, pc, vaddr + (uint64_t)(start - bytes));
				if (err)
					return err;
			}
		}
		r.p = next;
	}
	qsort(t->entries, t->nr_fdes, 2 * sizeof(int32_t), cmp_entry);
	return t->nr_fdes ? 0 : -ENOENT;
}

/* The .eh_frame_hdr table at file offset off, ELF address vaddr, copied. */
static int copy_hdr(struct eh_table *t, const struct dso *d, uint64_t off, uint64_t vaddr)
{
	const uint8_t *h = d->map + off;
	uint32_t count;

	if (off + HDR_TABLE_OFF > d->map_size || h[0] != 1 ||
	    h[1] != (DW_EH_PE_pcrel | DW_EH_PE_sdata4) || h[2] != DW_EH_PE_udata4 ||
	    h[3] != (DW_EH_PE_datarel | DW_EH_PE_sdata4))
		return -EINVAL;
	memcpy(&count, h + 8, 4);
	if (!count || off + HDR_TABLE_OFF + 8ULL * count > d->map_size)
		return -EINVAL;
	t->entries = malloc(8ULL * count);
	if (!t->entries)
		return -ENOMEM;
	memcpy(t->entries, h + HDR_TABLE_OFF, 8ULL * count);
	t->nr_fdes = count;
	t->segbase = vaddr;
	return 0;
}

static int from_hdr(struct eh_table *t, const struct dso *d, Elf *e)
{
	size_t n = 0;
	GElf_Phdr ph;

	if (elf_getphdrnum(e, &n))
		return -ENOENT;
	for (size_t i = 0; i < n; i++)
		if (gelf_getphdr(e, (int)i, &ph) && ph.p_type == PT_GNU_EH_FRAME)
			return copy_hdr(t, d, ph.p_offset, ph.p_vaddr);
	return -ENOENT;
}

static int from_eh_frame(struct eh_table *t, const struct dso *d, Elf *e)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	size_t strndx;
	const char *name;

	if (elf_getshdrstrndx(e, &strndx))
		return -ENOENT;
	while ((scn = elf_nextscn(e, scn))) {
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS)
			continue;
		name = elf_strptr(e, strndx, sh.sh_name);
		if (!name || strcmp(name, ".eh_frame"))
			continue;
		if (sh.sh_offset > d->map_size || sh.sh_size > d->map_size - sh.sh_offset)
			return -EINVAL;
		return walk_eh_frame(t, d->map + sh.sh_offset, sh.sh_size, sh.sh_addr);
	}
	return -ENOENT;
}

int eh_table_load(const struct dso *d, struct eh_table *t)
{
	Elf *e;
	int err;

	memset(t, 0, sizeof(*t));
	if (!d->map)
		return -ENOENT;
	elf_version(EV_CURRENT);
	e = elf_memory((char *)d->map, d->map_size);
	if (!e)
		return -EINVAL;
	err = from_hdr(t, d, e);
	if (err && err != -ENOMEM) {
		eh_table_free(t);
		err = from_eh_frame(t, d, e);
	}
	elf_end(e);
	if (err)
		eh_table_free(t);
	return err;
}

void eh_table_free(struct eh_table *t)
{
	free(t->entries);
	memset(t, 0, sizeof(*t));
}
