/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pt_last_ip.h - the "last IP" that tip, tip.pge, tip.pgd and fup packets
 * compress against (Intel SDM 3C 33.4.2.2). Reset to 0 at every psb.
 */
#ifndef AUXREC_PT_LAST_IP_H
#define AUXREC_PT_LAST_IP_H

#include <stdint.h>
#include "pt_packet.h"

struct pt_last_ip {
	uint64_t ip;
};

static inline void pt_last_ip_reset(struct pt_last_ip *last)
{
	last->ip = 0;
}

/*
 * Applies an IP packet's payload and returns the full IP. A suppressed
 * IP (ipc 0) leaves the last IP alone and returns it unchanged.
 */
static inline uint64_t pt_last_ip_update(struct pt_last_ip *last,
					 const struct pt_packet *pkt)
{
	uint64_t p = pkt->ip.payload;

	switch (pkt->ip.ipc) {
	case PT_IPC_UPDATE_16:
		last->ip = (last->ip & ~0xffffull) | p;
		break;
	case PT_IPC_UPDATE_32:
		last->ip = (last->ip & ~0xffffffffull) | p;
		break;
	case PT_IPC_SEXT_48:
		last->ip = (uint64_t)((int64_t)(p << 16) >> 16);
		break;
	case PT_IPC_UPDATE_48:
		last->ip = (last->ip & ~0xffffffffffffull) | p;
		break;
	case PT_IPC_FULL:
		last->ip = p;
		break;
	default:
		break;
	}
	return last->ip;
}

#endif
