/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ipt_ref.h - libipt as the reference for auxrec's Intel PT packet layer
 * (tests only: auxrec itself never links libipt). The implementation is
 * the only file that includes <intel-pt.h>, whose names (struct pt_packet,
 * pt_errstr) clash with decoders/intel_pt/pt_packet.h.
 */
#ifndef AUXREC_IPT_REF_H
#define AUXREC_IPT_REF_H

#include <stddef.h>
#include <stdint.h>

/* One packet or error, as both sides describe it for comparison. */
struct ref_item {
	uint64_t offset;
	int size;		/* 0 for an error */
	int err;		/* libipt's pte_* code (positive), 0 for a packet */
	char text[192];		/* "tip ipc=3 payload=0x1000", "error 4" */
};

/*
 * Writes a random stream of npkts valid packets of every type into buf
 * with libipt's encoder (pt_enc_next), starting with a PSB and adding a
 * PSB now and then. For the k-th IP packet whose ipc is not 0, want_ip[k]
 * is the full IP the generator meant (ipc chosen first, then an IP that
 * compresses to it); *nr_ip gets the count. Returns the bytes written, or
 * 0 when buf is too small or the encoder failed.
 */
size_t ref_gen(uint64_t seed, uint8_t *buf, size_t cap, size_t npkts,
	       uint64_t *want_ip, size_t max_ip, size_t *nr_ip);

/*
 * Decodes buf[0..len) with libipt's pt_pkt_next from offset 0; after an
 * error records it and resumes at pt_pkt_sync_forward (stops at -pte_eos
 * from either). buf[len] must be readable (libipt's PSB search may peek
 * at it). Returns the number of items stored (at most max).
 */
size_t ref_decode(const uint8_t *buf, size_t len, struct ref_item *out,
		  size_t max);

/* libipt's pt_pkt_next loop over buf with no output: packets decoded. */
uint64_t ref_count_packets(const uint8_t *buf, size_t len);

/* Small deterministic PRNG shared by the tests (xorshift64*). */
static inline uint64_t ref_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

#endif
