/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pt_describe.h - the packet descriptions of the intel_pt decoder: its
 * packet types (names and fields of docs/intel-pt-packets.md, indexed by
 * enum pt_packet_type) and the packet_ops of its dump, which describes
 * every packet of a chunk and prints nothing.
 */
#ifndef AUXREC_PT_DESCRIBE_H
#define AUXREC_PT_DESCRIBE_H

#include "decoders/decoder.h"
#include "pt_packet.h"

extern const struct packet_type_desc pt_packet_types[PT_PKT_NR];
extern const struct packet_ops pt_packet_ops;

struct pt_pkt_rec;

/*
 * Describes the packet of r (not an error): d's offset, size, type, nr
 * and field values in the spec's key order (the ip of IP packets is
 * r->ip, the full IP after last-IP decompression); d->err is 0.
 */
void pt_packet_desc(const struct pt_pkt_rec *r, struct packet_desc *d);

#endif
