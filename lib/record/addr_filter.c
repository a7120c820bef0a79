// SPDX-License-Identifier: GPL-2.0
/*
 * addr_filter.c - perf's address filter syntax parsed, its function names
 * resolved in the ELF file named, and the kernel's filter string made.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "lib/record/addr_filter.h"
#include "lib/util/util.h"

struct addr_filter {
	char action[16];
	char start[256], end[256], file[PATH_MAX];
	bool has_end, has_file;
};

/* A token: up to a space, a comma, or one of stops. */
static const char *take_token(const char *p, const char *stops, char *buf, size_t len)
{
	size_t n = 0;

	while (*p && !isspace((unsigned char)*p) && *p != ',' && !strchr(stops, *p)) {
		if (n + 1 < len)
			buf[n++] = *p;
		p++;
	}
	buf[n] = 0;
	return p;
}

static const char *skip_blanks(const char *p)
{
	while (isspace((unsigned char)*p))
		p++;
	return p;
}

/* One filter from *pp: ACTION START [/ END] [@ FILE]. */
static int parse_one(const char **pp, struct addr_filter *f, char *err, size_t errlen)
{
	const char *p = skip_blanks(*pp);

	memset(f, 0, sizeof(*f));
	p = take_token(p, "", f->action, sizeof(f->action));
	if (strcmp(f->action, "filter") && strcmp(f->action, "start") &&
	    strcmp(f->action, "stop") && strcmp(f->action, "tracestop")) {
		snprintf(err, errlen, "'%s' is not an action (filter, start, stop, tracestop)",
			 f->action);
		return -EINVAL;
	}
	p = take_token(skip_blanks(p), "/@", f->start, sizeof(f->start));
	if (!*f->start) {
		snprintf(err, errlen, "%s needs a function or an address", f->action);
		return -EINVAL;
	}
	p = skip_blanks(p);
	if (*p == '/') {
		p = take_token(skip_blanks(p + 1), "@", f->end, sizeof(f->end));
		f->has_end = true;
		if (!*f->end) {
			snprintf(err, errlen, "nothing after '/' (an end function or a size)");
			return -EINVAL;
		}
		p = skip_blanks(p);
	}
	if (*p == '@') {
		p = take_token(skip_blanks(p + 1), "", f->file, sizeof(f->file));
		f->has_file = true;
		if (!*f->file) {
			snprintf(err, errlen, "nothing after '@' (a file)");
			return -EINVAL;
		}
	}
	p = skip_blanks(p);
	if (*p && *p != ',' && !isalpha((unsigned char)*p)) {
		snprintf(err, errlen, "unexpected '%c' after %s %s", *p, f->action, f->start);
		return -EINVAL;
	}
	if (*p == ',')
		p++;
	*pp = p;
	return 0;
}

struct elf_file {
	int fd;
	Elf *elf;
};

static int elf_file_open(struct elf_file *ef, const char *path, char *err, size_t errlen)
{
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -EINVAL;
	ef->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (ef->fd < 0) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return -errno;
	}
	ef->elf = elf_begin(ef->fd, ELF_C_READ_MMAP, NULL);
	if (!ef->elf || elf_kind(ef->elf) != ELF_K_ELF) {
		snprintf(err, errlen, "%s is not an ELF file", path);
		if (ef->elf)
			elf_end(ef->elf);
		close(ef->fd);
		return -ENOEXEC;
	}
	return 0;
}

static void elf_file_close(struct elf_file *ef)
{
	elf_end(ef->elf);
	close(ef->fd);
}

/* Function NAME's address and size; a name defined at two addresses is an error. */
static int find_function(struct elf_file *ef, const char *path, const char *name, uint64_t *addr,
			 uint64_t *size, char *err, size_t errlen)
{
	Elf_Scn *scn = NULL;
	int found = 0;

	for (int want = SHT_SYMTAB; want >= 0 && !found; want = want == SHT_SYMTAB ? SHT_DYNSYM : -1) {
		while ((scn = elf_nextscn(ef->elf, scn))) {
			GElf_Shdr sh;
			Elf_Data *data;

			if (!gelf_getshdr(scn, &sh) || sh.sh_type != (unsigned)want || !sh.sh_entsize)
				continue;
			data = elf_getdata(scn, NULL);
			for (size_t i = 0; data && i < sh.sh_size / sh.sh_entsize; i++) {
				GElf_Sym sym;
				const char *n;

				if (!gelf_getsym(data, (int)i, &sym) ||
				    GELF_ST_TYPE(sym.st_info) != STT_FUNC || sym.st_shndx == SHN_UNDEF)
					continue;
				n = elf_strptr(ef->elf, sh.sh_link, sym.st_name);
				if (!n || strcmp(n, name))
					continue;
				if (found && sym.st_value != *addr) {
					snprintf(err, errlen, "function '%s' is in %s twice "
						 "(0x%llx and 0x%llx): give an address", name, path,
						 (unsigned long long)*addr,
						 (unsigned long long)sym.st_value);
					return -EINVAL;
				}
				*addr = sym.st_value;
				*size = sym.st_size;
				found = 1;
			}
		}
		scn = NULL;
	}
	if (!found) {
		snprintf(err, errlen, "no function '%s' in %s", name, path);
		return -ENOENT;
	}
	return 0;
}

/* The file offset of a virtual address, from the loadable segments. */
static int vaddr_to_offset(struct elf_file *ef, uint64_t vaddr, uint64_t *off)
{
	size_t n;

	if (elf_getphdrnum(ef->elf, &n))
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (gelf_getphdr(ef->elf, (int)i, &ph) && ph.p_type == PT_LOAD &&
		    vaddr >= ph.p_vaddr && vaddr < ph.p_vaddr + ph.p_filesz) {
			*off = vaddr - ph.p_vaddr + ph.p_offset;
			return 0;
		}
	}
	return -ERANGE;
}

/* A symbol (its file offset and size) or a number (as is, size 0). */
static int resolve(struct elf_file *ef, const struct addr_filter *f, const char *what,
		   uint64_t *addr, uint64_t *size, bool *is_sym, char *err, size_t errlen)
{
	int ret;

	*is_sym = false;
	*size = 0;
	if (!parse_u64(what, addr))
		return 0;
	if (!f->has_file) {
		snprintf(err, errlen, "'%s': kernel functions are not looked up; give an address, "
			 "or a function @ FILE", what);
		return -EINVAL;
	}
	ret = find_function(ef, f->file, what, addr, size, err, errlen);
	if (ret)
		return ret;
	if (vaddr_to_offset(ef, *addr, addr)) {
		snprintf(err, errlen, "function '%s' of %s is in no loadable segment", what, f->file);
		return -ERANGE;
	}
	*is_sym = true;
	return 0;
}

/* The kernel's form of one filter, appended to out. */
static int filter_to_kernel(const struct addr_filter *f, char **out, size_t *len, char *err,
			    size_t errlen)
{
	bool range = !strcmp(f->action, "filter") || !strcmp(f->action, "tracestop");
	struct elf_file ef = { -1, NULL };
	char path[PATH_MAX] = "", one[PATH_MAX + 128];
	uint64_t start, size, end, end_size;
	bool sym, end_sym;
	int ret;

	if (f->has_file) {
		if (!realpath(f->file, path)) {
			snprintf(err, errlen, "cannot find %s: %s", f->file, strerror(errno));
			return -errno;
		}
		ret = elf_file_open(&ef, path, err, errlen);
		if (ret)
			return ret;
	}
	ret = resolve(&ef, f, f->start, &start, &size, &sym, err, errlen);
	if (!ret && f->has_end && !range) {
		snprintf(err, errlen, "%s takes one address, not a range", f->action);
		ret = -EINVAL;
	}
	if (!ret && f->has_end) {
		ret = resolve(&ef, f, f->end, &end, &end_size, &end_sym, err, errlen);
		if (!ret && end_sym && end + end_size <= start) {
			snprintf(err, errlen, "'%s' ends before '%s' starts", f->end, f->start);
			ret = -EINVAL;
		}
		if (!ret)
			size = end_sym ? end + end_size - start : end;
	}
	if (f->has_file)
		elf_file_close(&ef);
	if (ret)
		return ret;
	if (range && !size) {
		snprintf(err, errlen, "%s %s: no size (give /SIZE or a function with a size)",
			 f->action, f->start);
		return -EINVAL;
	}
	/* tracestop is the kernel's stop over a range */
	if (range)
		snprintf(one, sizeof(one), "%s 0x%llx/0x%llx%s%s",
			 strcmp(f->action, "tracestop") ? f->action : "stop",
			 (unsigned long long)start, (unsigned long long)size, *path ? "@" : "", path);
	else
		snprintf(one, sizeof(one), "%s 0x%llx%s%s", f->action, (unsigned long long)start,
			 *path ? "@" : "", path);
	{
		size_t n = strlen(one) + (*len ? 1 : 0);
		char *grown = realloc(*out, *len + n + 1);

		if (!grown)
			return -ENOMEM;
		snprintf(grown + *len, n + 1, "%s%s", *len ? "," : "", one);
		*out = grown;
		*len += n;
	}
	return 0;
}

int addr_filter_build(const char *spec, unsigned int max, char **out, char *err, size_t errlen)
{
	const char *p = spec;
	unsigned int nr = 0;
	size_t len = 0;
	int ret = 0;

	*out = NULL;
	while (*skip_blanks(p) && !ret) {
		struct addr_filter f;

		ret = parse_one(&p, &f, err, errlen);
		if (!ret && ++nr > max) {
			snprintf(err, errlen, "%u filters, the PMU takes %u (nr_addr_filters)", nr, max);
			ret = -E2BIG;
		}
		if (!ret)
			ret = filter_to_kernel(&f, out, &len, err, errlen);
	}
	if (!ret && !nr) {
		snprintf(err, errlen, "no filter given");
		ret = -EINVAL;
	}
	if (ret) {
		free(*out);
		*out = NULL;
	}
	return ret;
}
