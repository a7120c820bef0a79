// SPDX-License-Identifier: GPL-2.0
/*
 * cs_ocsd.c - loads OpenCSD (its C API library, which brings the C++
 * library and libstdc++ with it) with dlopen() the first time a CoreSight
 * trace is dumped or decoded, so that auxrec's other commands and
 * decoders start without mapping and relocating those libraries.
 *
 * The library is the one the build linked against, by its SONAME
 * (AUXREC_OPENCSD_LIB, set by the Makefile), found by the dynamic
 * loader's usual search. Its functions are checked against OpenCSD's own
 * prototypes through __typeof__, so a wrong signature does not compile.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include "decoders/cs_etm/cs_ocsd.h"

static struct cs_ocsd_api api;
static const struct cs_ocsd_api *loaded;
static char load_error[256];
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static int resolve(void *lib)
{
	void *sym;

#define CS_OCSD_RESOLVE(name)							\
	sym = dlsym(lib, #name);						\
	if (!sym) {								\
		snprintf(load_error, sizeof(load_error),			\
			 "%s has no %s (OpenCSD too old?)", AUXREC_OPENCSD_LIB, #name); \
		return -1;							\
	}									\
	api.name = (__typeof__(api.name))sym;
	CS_OCSD_FUNCS(CS_OCSD_RESOLVE)
#undef CS_OCSD_RESOLVE
	return 0;
}

static void load(void)
{
	void *lib = dlopen(AUXREC_OPENCSD_LIB, RTLD_NOW | RTLD_LOCAL);

	if (!lib) {
		snprintf(load_error, sizeof(load_error),
			 "cannot load OpenCSD for CoreSight: %s", dlerror());
		return;
	}
	if (resolve(lib)) {
		dlclose(lib);
		return;
	}
	/* errors reach auxrec as elements or failed data paths, not as log lines */
	api.ocsd_def_errlog_init(OCSD_ERR_SEV_NONE, 0);
	api.ocsd_def_errlog_config_output(C_API_MSGLOGOUT_FLG_NONE, NULL);
	loaded = &api;
}

const struct cs_ocsd_api *cs_ocsd_api(const char **why)
{
	pthread_once(&load_once, load);
	if (!loaded)
		*why = load_error;
	return loaded;
}
