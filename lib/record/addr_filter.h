/* SPDX-License-Identifier: GPL-2.0 */
/*
 * addr_filter.h - `record --filter`: perf's address filter syntax
 *   ACTION START[/END|/SIZE][@FILE], several separated by spaces or commas,
 *   ACTION one of filter, start, stop, tracestop,
 * with function names looked up in FILE's ELF symbols and turned into file
 * offsets (the kernel places them where FILE is mapped: PIE or not), as
 * the string PERF_EVENT_IOC_SET_FILTER takes.
 */
#ifndef AUXREC_ADDR_FILTER_H
#define AUXREC_ADDR_FILTER_H

#include <stddef.h>

/*
 * Parses spec and resolves it: *out (malloc'd) is the kernel's filter
 * string. At most max filters (the PMU's nr_addr_filters). On error
 * -errno and one line in err.
 */
int addr_filter_build(const char *spec, unsigned int max, char **out, char *err, size_t errlen);

#endif
