/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bench_intel_pt_ptdump.h - the libipt ptdump-like JSON printer of the
 * Intel PT benchmark (bench_intel_pt_ptdump.c), and its packet names.
 */
#ifndef AUXREC_BENCH_INTEL_PT_PTDUMP_H
#define AUXREC_BENCH_INTEL_PT_PTDUMP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * Decodes buf[0..len) with libipt's pt_pkt_next from offset 0 and prints
 * each packet (and error, then resyncs) to out with fprintf, as auxrec's
 * `dump --json` does. buf[len] must be readable. Returns the packets.
 */
uint64_t ipt_dump_json(const uint8_t *buf, size_t len, FILE *out);

#ifdef INTEL_PT_H	/* libipt's struct pt_packet, not auxrec's */
/* The packet's name in docs/intel-pt-packets.md ("tnt.8", "mode.exec"). */
const char *ipt_packet_name(const struct pt_packet *p);
#endif

#endif
