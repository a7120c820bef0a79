/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pt_dump.h - the packet dump of the intel_pt decoder (decoder_ops
 * dump_begin/dump_chunk/dump_end), and the decode loop it runs on.
 */
#ifndef AUXREC_PT_DUMP_H
#define AUXREC_PT_DUMP_H

#include <stddef.h>
#include <stdint.h>
#include "pt_packet.h"

struct dump_opts;
struct aux_chunk;

/*
 * Called by pt_walk() for each packet (err == 0, pkt set, ip the full IP
 * of IP packets) or decode error (err < 0, pkt NULL) at offset within
 * the buffer.
 */
typedef void (*pt_walk_fn)(void *ctx, size_t offset, int err,
			   const struct pt_packet *pkt, uint64_t ip);

/*
 * Decodes buf[0..len) from offset 0 as libipt's packet decoder does after
 * pt_pkt_sync_set(0): every packet in order; after an error, resumes at
 * the PSB pt_sync_after_error() finds, or stops when there is none. A
 * packet cut by the end of the buffer gives one -PT_ERR_NEED_MORE error
 * and ends the walk. The last IP starts at 0 and is reset at each psb.
 * Returns the number of errors reported.
 */
size_t pt_walk(const uint8_t *buf, size_t len, pt_walk_fn fn, void *ctx);

void *pt_dump_begin(const struct dump_opts *opts);
int pt_dump_chunk(void *state, const struct aux_chunk *chunk);
int pt_dump_end(void *state);

#endif
