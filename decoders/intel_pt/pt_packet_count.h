/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pt_packet_count.h - the count-only packet scan behind `dump --stats`:
 * packets and bytes per type without decoding any field.
 */
#ifndef AUXREC_PT_PACKET_COUNT_H
#define AUXREC_PT_PACKET_COUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Adds the packets of buf[0..len) to count[type] and their bytes to
 * bytes[type] (enum pt_packet_type, PT_PKT_NR entries each) and returns
 * true when the stream decodes from offset 0 to its end without an error:
 * the totals are then those of pt_pkt_walk() over the same buffer. On any
 * error (or a packet cut by the end) it returns false and leaves count
 * and bytes as they were: the caller walks the buffer instead, with the
 * walker's error reporting and resynchronization.
 */
bool pt_pkt_count(const uint8_t *buf, size_t len, uint64_t *count, uint64_t *bytes);

#endif
