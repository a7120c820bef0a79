/* SPDX-License-Identifier: GPL-2.0 */
/*
 * perf_decomp.h - the records inside `perf record -z` files:
 * PERF_RECORD_COMPRESSED (81: header, then zstd data up to header.size) and
 * PERF_RECORD_COMPRESSED2 (83: header, u64 data_size, zstd data, padding to
 * 8 bytes). perf compresses the data ring's bytes as one zstd stream per
 * file, flushed (not ended) at the end of every record, so one inner record
 * may begin in one COMPRESSED record and end in the next
 * (tools/perf/util/tool.c perf_session__process_compressed_event, zstd.c).
 *
 * Streaming with bounded memory: the decompressed bytes go through a window
 * of PD_DECOMP_WINDOW bytes (an inner record is at most 64 KiB), and what
 * one COMPRESSED record may decompress to is capped (the limit given to
 * pd_decomp_feed(), HEADER_COMPRESSED's mmap_len for perf's files), so a
 * hostile file costs neither unbounded memory nor unbounded time.
 */
#ifndef AUXREC_PERF_DECOMP_H
#define AUXREC_PERF_DECOMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/perf_event.h>

#define PD_DECOMP_WINDOW	(128 * 1024)
/* Output cap per COMPRESSED record when the file does not say (no feature). */
#define PD_DECOMP_DEFAULT_LIMIT	(16ULL << 20)
/* Highest cap whatever the file says. */
#define PD_DECOMP_MAX_LIMIT	(1ULL << 30)

struct pd_decomp;

struct pd_decomp *pd_decomp_new(void);
void pd_decomp_free(struct pd_decomp *d);

/*
 * Starts on the data of a COMPRESSED/COMPRESSED2 record H (h->size bytes,
 * any alignment, kept by the caller until pd_decomp_next() returns 0) at
 * file OFFSET.
 * LIMIT caps its decompressed bytes (0: PD_DECOMP_DEFAULT_LIMIT; never
 * above PD_DECOMP_MAX_LIMIT). Returns 0 or -EINVAL with the reason in err.
 */
int pd_decomp_feed(struct pd_decomp *d, const struct perf_event_header *h, uint64_t offset,
		   uint64_t limit, char *err, size_t errlen);
/*
 * The next complete inner record (8-aligned, valid until the next call):
 * 1 and *out set; 0 when the fed data is used up (a partial record stays
 * for the next COMPRESSED record); a negative errno and err on corrupt data
 * (not zstd, over the limit, a bad inner size, no output at all).
 */
int pd_decomp_next(struct pd_decomp *d, const struct perf_event_header **out, char *err,
		   size_t errlen);
/* Decompressed bytes not yet handed out (a record cut by the end of data). */
size_t pd_decomp_pending(const struct pd_decomp *d);

#endif
