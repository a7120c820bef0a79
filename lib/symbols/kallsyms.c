// SPDX-License-Identifier: GPL-2.0
/*
 * kallsyms.c - the one reader of /proc/kallsyms texts (see kallsyms.h):
 * lines of any length, malformed ones skipped, zero addresses counted as
 * hidden. What the symbols mean is the callers' (synthesize.c: the
 * kernel's text range; kernel_syms.c: symbols for decoding).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kallsyms.h"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The next blank-separated field of *p, NUL-terminated in place; NULL at the end. */
static char *next_field(char **p)
{
	char *s = *p, *e;

	while (is_blank(*s))
		s++;
	if (!*s)
		return NULL;
	for (e = s; *e && !is_blank(*e); e++)
		;
	*p = *e ? e + 1 : e;
	*e = 0;
	return s;
}

static bool parse_hex(const char *s, uint64_t *v)
{
	size_t n = strlen(s);

	if (!n || n > 16)
		return false;
	*v = 0;
	for (; *s; s++) {
		int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return false;
		*v = *v << 4 | d;
	}
	return true;
}

bool kallsyms_parse_line(char *line, struct kallsyms_sym *sym)
{
	char *p = line, *addr = next_field(&p), *type = next_field(&p);
	char *name = next_field(&p), *mod = next_field(&p);
	size_t mod_len = mod ? strlen(mod) : 0;

	if (!name || !parse_hex(addr, &sym->addr) || type[1] || next_field(&p))
		return false;
	if (mod && (mod_len < 3 || mod[0] != '[' || mod[mod_len - 1] != ']'))
		return false;
	if (mod)
		mod[mod_len - 1] = 0;
	sym->type = type[0];
	sym->name = name;
	sym->module = mod ? mod + 1 : "";
	return true;
}

int kallsyms_for_each(const char *path, int (*fn)(void *ctx, const struct kallsyms_sym *sym),
		      void *ctx)
{
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0;
	int count = 0, zero = 0, ret = 0;

	if (!f)
		return -errno;
	errno = 0;	/* a read error's cause (a directory: EISDIR) */
	while (getline(&line, &cap, f) > 0) {
		struct kallsyms_sym sym;

		if (!kallsyms_parse_line(line, &sym))
			continue;
		if (!sym.addr) {
			zero++;
			continue;
		}
		count++;
		ret = fn(ctx, &sym);
		if (ret)
			break;
	}
	if (!ret && ferror(f))
		ret = errno ? -errno : -EIO;
	free(line);
	fclose(f);
	if (ret < 0)
		return ret;
	return !count && zero ? -ENODATA : count;
}
