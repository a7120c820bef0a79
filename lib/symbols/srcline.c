// SPDX-License-Identifier: GPL-2.0
/*
 * srcline.c - source lines of addresses with libdw, from the binary's own
 * DWARF or its separate debug file (debuginfo.c). A script prints millions
 * of addresses, so each dso keeps the last answer and the line table of
 * every compile unit it looked in (address-sorted rows, binary-searched);
 * libdw is asked (dwarf_addrdie) only for an address in no cached unit.
 */
#include <elfutils/libdw.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "symbols_int.h"

struct line_row {
	uint64_t addr;
	const char *file;	/* owned by the Dwarf; NULL: end of a sequence */
	int line;
};

struct cu_lines {
	Dwarf_Off off;		/* of the CU DIE */
	uint64_t lo, hi;	/* lowest row address, end of the last sequence */
	struct line_row *rows;
	size_t nr;
};

struct srcline_state {
	int fd;
	Elf *elf;
	Dwarf *dw;
	struct cu_lines *cus;	/* sorted by lo */
	size_t nr_cus;
	size_t last_cu;		/* index of the unit of the last answer */
	bool have_last;
	uint64_t last_addr;
	const char *last_file;
	int last_line;
};

void srcline_free(struct srcline_state *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nr_cus; i++)
		free(s->cus[i].rows);
	free(s->cus);
	if (s->dw)
		dwarf_end(s->dw);
	if (s->elf)
		elf_end(s->elf);
	if (s->fd >= 0)
		close(s->fd);
	free(s);
}

static bool open_dwarf(struct srcline_state *s, const char *path)
{
	s->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (s->fd < 0)
		return false;
	s->elf = elf_begin(s->fd, ELF_C_READ_MMAP, NULL);
	if (s->elf && elf_kind(s->elf) == ELF_K_ELF &&
	    (elf_has_section(s->elf, 0, ".debug_line") || elf_has_section(s->elf, 0, ".zdebug_line")))
		s->dw = dwarf_begin_elf(s->elf, DWARF_C_READ, NULL);
	if (s->dw)
		return true;
	if (s->elf)
		elf_end(s->elf);
	close(s->fd);
	s->elf = NULL;
	s->fd = -1;
	return false;
}

static struct srcline_state *state_of(struct dso *d)
{
	struct srcline_state *s = d->srcline;

	if (s)
		return s->dw ? s : NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->fd = -1;
	d->srcline = s;	/* also when there is no DWARF: not tried again */
	if (d->missing || d->pread_code)
		return NULL;
	if (!open_dwarf(s, d->path) && !(d->debug_path && open_dwarf(s, d->debug_path)))
		return NULL;
	return s;
}

static int cmp_row(const void *a, const void *b)
{
	const struct line_row *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	/* at one address the end of a sequence comes before a new start */
	return (x->file != NULL) - (y->file != NULL);
}

/* The row of addr in cu: 1 found, 0 in a gap, -1 outside. */
static int cu_find(const struct cu_lines *cu, uint64_t addr, const struct line_row **row)
{
	size_t lo = 0, hi = cu->nr;

	if (addr < cu->lo || addr >= cu->hi)
		return -1;
	while (lo < hi) {	/* last row at or before addr */
		size_t mid = (lo + hi) / 2;

		if (cu->rows[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo || !cu->rows[lo - 1].file)
		return 0;
	*row = &cu->rows[lo - 1];
	return 1;
}

/* Caches the line table of the unit at die; its index or -1. */
static long add_cu(struct srcline_state *s, Dwarf_Die *die)
{
	Dwarf_Off off = dwarf_dieoffset(die);
	Dwarf_Lines *lines;
	size_t n, k = 0, pos;
	struct cu_lines cu = { .off = off };
	struct cu_lines *nv;

	for (size_t i = 0; i < s->nr_cus; i++)
		if (s->cus[i].off == off)
			return i;
	if (dwarf_getsrclines(die, &lines, &n) || !n)
		return -1;
	cu.rows = malloc(n * sizeof(*cu.rows));
	if (!cu.rows)
		return -1;
	for (size_t i = 0; i < n; i++) {
		Dwarf_Line *l = dwarf_onesrcline(lines, i);
		Dwarf_Addr addr;
		bool end = false;
		int line = 0;

		if (!l || dwarf_lineaddr(l, &addr))
			continue;
		dwarf_lineendsequence(l, &end);
		dwarf_lineno(l, &line);
		cu.rows[k].addr = addr;
		cu.rows[k].line = line;
		cu.rows[k].file = end ? NULL : dwarf_linesrc(l, NULL, NULL);
		if (!end && !cu.rows[k].file)
			cu.rows[k].file = "??";
		k++;
	}
	if (!k) {
		free(cu.rows);
		return -1;
	}
	qsort(cu.rows, k, sizeof(*cu.rows), cmp_row);
	cu.nr = k;
	cu.lo = cu.rows[0].addr;
	cu.hi = cu.rows[k - 1].addr + 1;
	nv = realloc(s->cus, (s->nr_cus + 1) * sizeof(*nv));
	if (!nv) {
		free(cu.rows);
		return -1;
	}
	s->cus = nv;
	for (pos = s->nr_cus; pos > 0 && s->cus[pos - 1].lo > cu.lo; pos--)
		s->cus[pos] = s->cus[pos - 1];
	s->cus[pos] = cu;
	s->nr_cus++;
	return pos;
}

/* A cached unit whose rows place addr on a line, or -1. */
static long cached_cu(struct srcline_state *s, uint64_t addr, const struct line_row **row)
{
	size_t lo = 0, hi = s->nr_cus;

	if (s->last_cu < s->nr_cus && cu_find(&s->cus[s->last_cu], addr, row) > 0)
		return s->last_cu;
	while (lo < hi) {	/* the last unit starting at or before addr */
		size_t mid = (lo + hi) / 2;

		if (s->cus[mid].lo <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* units may overlap (holes between sequences): look back a little */
	for (size_t i = lo, tries = 0; i-- > 0 && tries < 4; tries++)
		if (cu_find(&s->cus[i], addr, row) > 0)
			return i;
	return -1;
}

const char *dso_srcline(struct dso *d, uint64_t vaddr, char *buf, size_t len)
{
	struct srcline_state *s = state_of(d);
	const struct line_row *row = NULL;
	Dwarf_Die die;
	long i;

	if (!s)
		return NULL;
	if (!s->have_last || s->last_addr != vaddr) {
		i = cached_cu(s, vaddr, &row);
		if (i < 0 && dwarf_addrdie(s->dw, vaddr, &die)) {
			i = add_cu(s, &die);
			if (i >= 0 && cu_find(&s->cus[i], vaddr, &row) <= 0)
				row = NULL;
		}
		s->have_last = true;
		s->last_addr = vaddr;
		s->last_file = row ? row->file : NULL;
		s->last_line = row ? row->line : 0;
		if (i >= 0)
			s->last_cu = i;
	}
	if (!s->last_file)
		return NULL;
	snprintf(buf, len, "%s:%d", s->last_file, s->last_line);
	return buf;
}
