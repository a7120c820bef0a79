/* SPDX-License-Identifier: GPL-2.0 */
/*
 * data_src_name.h - perf's union perf_mem_data_src (the data source of a
 * sampled load or store, linux/perf_event.h) as a short name for reports:
 * "load L1 hit", "store N/A", "load remote L3 hit", "none" (no load or
 * store), in the words of perf's mem level names.
 */
#ifndef AUXREC_DATA_SRC_NAME_H
#define AUXREC_DATA_SRC_NAME_H

#include <stddef.h>
#include <stdint.h>

/* Writes the name of data_src into buf (always terminated); returns buf. */
const char *data_src_name(uint64_t data_src, char *buf, size_t len);

#endif
