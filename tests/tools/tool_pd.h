/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tool_pd.h - what the host test tools (tests/tools) share around auxrec's
 * perf.data reader and writer: one record written with its sample id
 * trailer (the generators), every record of a file handed to a callback
 * (the verifiers).
 */
#ifndef AUXREC_TESTS_TOOL_PD_H
#define AUXREC_TESTS_TOOL_PD_H

#include <stddef.h>
#include <stdint.h>
#include "lib/perf_data/perf_data.h"

/*
 * Writes the record REC (LEN bytes of fixed part, header first), then STR
 * NUL-terminated and zero padded to 8 bytes (when not NULL), then the
 * sample id trailer of SID for SAMPLE_TYPE; the header's size is set
 * here. Returns 0, -ENAMETOOLONG for a STR over 4096 bytes, or
 * pd_write_record()'s error.
 */
int tool_put_record(struct pd_writer *w, uint64_t sample_type, const void *rec, size_t len,
		    const char *str, const struct pd_sample_id *sid);

/*
 * Hands every record of the perf.data FILE to EACH, in file order. Returns
 * -1 when FILE cannot be opened, else the number of read errors (0 or 1:
 * reading stops at the first); each said in a "FAIL: ..." line.
 */
int tool_each_record(const char *file, void (*each)(const struct pd_record *rec, void *ctx),
		     void *ctx);

#endif
