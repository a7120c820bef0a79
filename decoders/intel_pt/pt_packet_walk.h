/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pt_packet_walk.h - the batch packet decoder: pt_pkt_walk() decodes a
 * whole buffer many packets per call into a caller's array, with
 * last-IP decompression and libipt's resync after errors. It gives the
 * same packets and errors as pt_pkt_decode() in a loop, only faster.
 */
#ifndef AUXREC_PT_PACKET_WALK_H
#define AUXREC_PT_PACKET_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "pt_packet.h"

/* One decoded packet, or one decode error, of a pt_pkt_walk() batch. */
struct pt_pkt_rec {
	struct pt_packet pkt;	/* unset when err */
	uint64_t offset;	/* of the packet (or error) in the buffer */
	uint64_t ip;		/* ip packets: the full IP after last-IP
				 * decompression; 0 for other packets */
	int err;		/* 0, or -PT_ERR_* */
};

/* The two decode paths of pt_pkt_walk() (same output, different speed). */
enum pt_walk_path {
	PT_WALK_AUTO,		/* measured per batch: the faster one */
	PT_WALK_TABLE,		/* branch-light: unpredictable packet mixes */
	PT_WALK_THREADED,	/* a jump per packet: predictable mixes */
};

struct pt_pkt_walker {
	const uint8_t *buf;
	size_t len;
	size_t pos;		/* next packet */
	size_t sync;		/* offset of the last (re)synchronization */
	uint64_t last_ip;
	bool done;
	uint8_t path;		/* enum pt_walk_path; tests force one */
	uint32_t calls;		/* PT_WALK_AUTO: batches so far */
	uint64_t cost[2];	/* PT_WALK_AUTO: ticks per KiB of each path */
};

/*
 * Starts a walk of buf[0..len) at offset 0 with the last IP at 0, as
 * libipt's packet decoder does after pt_pkt_sync_set(0).
 */
static inline void pt_pkt_walk_init(struct pt_pkt_walker *w,
				    const uint8_t *buf, size_t len)
{
	*w = (struct pt_pkt_walker){ .buf = buf, .len = len };
}

/*
 * Decodes the next packets and errors into out[0..max) in stream order
 * and returns how many it stored; 0 once the walk is over. After an error
 * the walk resumes at the PSB pt_sync_after_error() finds (the last IP
 * reset to 0), or ends when there is none; a packet cut by the end of the
 * buffer gives one -PT_ERR_NEED_MORE error and ends it. A psb resets the
 * last IP. Nothing at or past buf[len] is read. Which of the two decode
 * paths runs changes only the speed.
 */
size_t pt_pkt_walk(struct pt_pkt_walker *w, struct pt_pkt_rec *out,
		   size_t max);

/*
 * Called by pt_walk() for each packet (err == 0, pkt set, ip the full IP
 * of IP packets) or decode error (err < 0, pkt NULL) at offset within
 * the buffer.
 */
typedef void (*pt_walk_fn)(void *ctx, size_t offset, int err,
			   const struct pt_packet *pkt, uint64_t ip);

/*
 * pt_pkt_walk() a packet at a time: every packet and error of
 * buf[0..len) in order, as libipt's packet decoder gives them after
 * pt_pkt_sync_set(0). Returns the number of errors reported.
 */
size_t pt_walk(const uint8_t *buf, size_t len, pt_walk_fn fn, void *ctx);

#endif
