// SPDX-License-Identifier: GPL-2.0
/*
 * data_src_name.c - a perf_mem_data_src as a name (see data_src_name.h).
 * The level comes from the level number when it names one, else from the
 * older level bits, whose first set bit wins, as perf's
 * perf_mem__lvl_scnprintf() lists them.
 */
#include <stdbool.h>
#include <stdio.h>
#include <linux/perf_event.h>
#include "lib/output/data_src_name.h"

static const char *const lvl_names[] = {	/* PERF_MEM_LVL_* bits 3.. */
	"L1", "LFB", "L2", "L3", "RAM", "remote RAM (1 hop)", "remote RAM (2 hops)",
	"remote cache (1 hop)", "remote cache (2 hops)", "I/O", "uncached",
};

static const char *lvlnum_name(unsigned int n)
{
	switch (n) {
	case PERF_MEM_LVLNUM_L1: return "L1";
	case PERF_MEM_LVLNUM_L2: return "L2";
	case PERF_MEM_LVLNUM_L3: return "L3";
	case PERF_MEM_LVLNUM_L4: return "L4";
	case PERF_MEM_LVLNUM_ANY_CACHE: return "any cache";
	case PERF_MEM_LVLNUM_LFB: return "LFB";
	case PERF_MEM_LVLNUM_RAM: return "RAM";
	case PERF_MEM_LVLNUM_PMEM: return "PMEM";
	default: return NULL;
	}
}

const char *data_src_name(uint64_t ds, char *buf, size_t len)
{
	unsigned int op = (ds >> PERF_MEM_OP_SHIFT) & 0x1f;
	unsigned int lvl = (ds >> PERF_MEM_LVL_SHIFT) & 0x3fff;
	unsigned int num = (ds >> PERF_MEM_LVLNUM_SHIFT) & 0xf;
	bool remote = (ds >> PERF_MEM_REMOTE_SHIFT) & PERF_MEM_REMOTE_REMOTE;
	const char *where = lvlnum_name(num);

	for (unsigned int i = 0; !where && i < sizeof(lvl_names) / sizeof(lvl_names[0]); i++)
		if (lvl & (PERF_MEM_LVL_L1 << i))
			where = lvl_names[i];
	if (!(op & (PERF_MEM_OP_LOAD | PERF_MEM_OP_STORE))) {
		snprintf(buf, len, "none");
		return buf;
	}
	snprintf(buf, len, "%s %s%s%s", op & PERF_MEM_OP_LOAD ? "load" : "store",
		 remote ? "remote " : "", where ? where : "N/A",
		 !where ? "" : lvl & PERF_MEM_LVL_MISS ? " miss" : lvl & PERF_MEM_LVL_HIT ? " hit" : "");
	return buf;
}
