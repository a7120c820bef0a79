// SPDX-License-Identifier: GPL-2.0
/*
 * debuginfo.c - separate debug files found by build id, as distributions
 * install them: DIR/.build-id/xx/yyyy.debug below the --debug-dir, the
 * --symfs's /usr/lib/debug and /usr/lib/debug, used only when their own
 * build id is the binary's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "build_id.h"
#include "symbols_int.h"

static char *try_dir(const char *prefix, const char *dir, const char *hex, const struct dso *d)
{
	char path[4096];
	uint8_t id[20];
	int n;

	if (snprintf(path, sizeof(path), "%s%s/.build-id/%.2s/%s.debug", prefix, dir, hex,
		     hex + 2) >= (int)sizeof(path))
		return NULL;
	if (access(path, R_OK))
		return NULL;
	n = build_id_read(path, id, sizeof(id));
	if (n != d->build_id_len || memcmp(id, d->build_id, n))
		return NULL;
	return strdup(path);
}

char *debuginfo_find(const struct dso_cache *c, const struct dso *d)
{
	char hex[2 * sizeof(d->build_id) + 1];
	char *p = NULL;

	if (d->build_id_len < 2)
		return NULL;
	build_id_hex(d->build_id, d->build_id_len, hex);
	if (c->debug_dir)
		p = try_dir("", c->debug_dir, hex, d);
	if (!p && c->symfs)
		p = try_dir(c->symfs, "/usr/lib/debug", hex, d);
	if (!p)
		p = try_dir("", "/usr/lib/debug", hex, d);
	return p;
}
