// SPDX-License-Identifier: GPL-2.0
/*
 * registry.c - finds decoders: the built-in table, then plugins.
 *
 * Plugins are shared objects (*.so) in one directory: $AUXREC_PLUGIN_DIR
 * when set, else the directory compiled in (AUXREC_PLUGIN_DIR, by default
 * PREFIX/lib/auxrec/plugins). Nothing else is searched. Each exports
 *	const struct decoder_ops *auxrec_decoder_register(void);
 * and is loaded once, on the first lookup, with dlopen(RTLD_NOW|RTLD_LOCAL).
 * A plugin with another ABI version, or no name, is skipped with a warning.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "decoder.h"
#include "lib/util/util.h"

#ifndef AUXREC_PLUGIN_DIR
#define AUXREC_PLUGIN_DIR "/usr/local/lib/auxrec/plugins"
#endif

#define MAX_PLUGINS 32

extern const struct decoder_ops intel_pt_decoder;
extern const struct decoder_ops intel_bts_decoder;
extern const struct decoder_ops arm_spe_decoder;
extern const struct decoder_ops cs_etm_decoder;

static const struct decoder_ops *const builtin_decoders[] = {
	&intel_pt_decoder,
	&intel_bts_decoder,
	&arm_spe_decoder,
	&cs_etm_decoder,
	NULL
};

static const struct decoder_ops *plugins[MAX_PLUGINS];
static char *plugin_paths[MAX_PLUGINS];
static int nr_plugins;
static bool plugins_loaded;

static void load_plugin(const char *dir, const char *file)
{
	const struct decoder_ops *(*reg)(void);
	const struct decoder_ops *ops;
	char *path;
	void *h;

	if (asprintf(&path, "%s/%s", dir, file) < 0)
		return;
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		p_warn("cannot load decoder plugin %s: %s", path, dlerror());
		goto out;
	}
	*(void **)&reg = dlsym(h, "auxrec_decoder_register");
	ops = reg ? reg() : NULL;
	if (!ops || ops->abi_version != DECODER_ABI_VERSION || !ops->name) {
		p_warn("skipping decoder plugin %s: %s", path,
		       !reg ? "no auxrec_decoder_register()" : "wrong ABI version");
		dlclose(h);
		goto out;
	}
	p_info("loaded decoder plugin %s for %s", path, ops->name);
	if (nr_plugins < MAX_PLUGINS) {
		plugin_paths[nr_plugins] = path;
		plugins[nr_plugins++] = ops;
		return;
	}
out:
	free(path);
}

const char *decoder_plugin_dir(void)
{
	const char *dir = getenv("AUXREC_PLUGIN_DIR");

	return dir && *dir ? dir : AUXREC_PLUGIN_DIR;
}

static void load_plugins(void)
{
	const char *dir = decoder_plugin_dir();
	struct dirent *de;
	DIR *d;

	if (plugins_loaded)
		return;
	plugins_loaded = true;
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (len > 3 && !strcmp(de->d_name + len - 3, ".so"))
			load_plugin(dir, de->d_name);
	}
	closedir(d);
}

const struct decoder_ops *decoder_next(const struct decoder_ops *prev)
{
	size_t nb = sizeof(builtin_decoders) / sizeof(builtin_decoders[0]) - 1;
	size_t i = 0;

	load_plugins();
	if (prev) {
		for (; i < nb && builtin_decoders[i] != prev; i++)
			;
		if (i < nb) {
			i++;
		} else {
			int j;

			for (j = 0; j < nr_plugins && plugins[j] != prev; j++)
				;
			return j + 1 < nr_plugins ? plugins[j + 1] : NULL;
		}
	}
	if (i < nb)
		return builtin_decoders[i];
	return nr_plugins ? plugins[0] : NULL;
}

const char *decoder_plugin_path(const struct decoder_ops *ops)
{
	for (int i = 0; i < nr_plugins; i++)
		if (plugins[i] == ops)
			return plugin_paths[i];
	return NULL;
}

/* "arm_spe_0" is an instance of "arm_spe": the name, '_' and a number */
static bool is_instance(const char *pmu_name, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(pmu_name, name, n) || pmu_name[n] != '_' || !pmu_name[n + 1])
		return false;
	return strspn(pmu_name + n + 1, "0123456789") == strlen(pmu_name + n + 1);
}

const struct decoder_ops *decoder_find_by_name(const char *pmu_name)
{
	const struct decoder_ops *d;

	for (d = decoder_next(NULL); d; d = decoder_next(d))
		if (!strcmp(d->name, pmu_name))
			return d;
	for (d = decoder_next(NULL); d; d = decoder_next(d))
		if (is_instance(pmu_name, d->name))
			return d;
	return NULL;
}

const struct decoder_ops *decoder_find_by_type(enum auxtrace_type type)
{
	for (const struct decoder_ops *d = decoder_next(NULL); d; d = decoder_next(d))
		if (d->auxtrace_type == type)
			return d;
	return NULL;
}
