// SPDX-License-Identifier: GPL-2.0
/*
 * spe_packet.c - the ARM SPE packet getter: a dispatch on the header byte
 * to one small reader per packet kind, each checking the bytes left
 * before reading its payload. Stateless; errors are -SPE_ERR_* and the
 * caller resynchronizes (perf moves on by one byte, and so do auxrec's
 * dump and decode).
 */
#include <endian.h>
#include <string.h>
#include "decoders/arm_spe/spe_packet.h"

static unsigned int payload_len(uint8_t hdr)
{
	return 1u << ((hdr >> SPE_HDR_SIZE_SHIFT) & SPE_HDR_SIZE_MASK);
}

/* The payload after hdr_len header bytes, sized by the last header byte. */
static int get_payload(const uint8_t *buf, size_t len, unsigned int hdr_len,
		       uint8_t type, struct spe_packet *p)
{
	unsigned int n = payload_len(buf[hdr_len - 1]);
	uint64_t v = 0;

	if (len < hdr_len + n)
		return -SPE_ERR_SHORT;
	memcpy(&v, buf + hdr_len, n);
	p->type = type;
	p->payload_len = n;
	p->payload = le64toh(v);
	return hdr_len + n;
}

static int get_pad_run(const uint8_t *buf, size_t len, struct spe_packet *p)
{
	size_t n = 1;

	while (n < SPE_PAD_RUN_MAX && n < len && !buf[n])
		n++;
	p->type = SPE_PKT_PAD;
	return (int)n;
}

/* Extended header 0x2N 0x00: padding up to a multiple of 2 << N bytes. */
static int get_alignment(const uint8_t *buf, size_t len, uint64_t pos, struct spe_packet *p)
{
	unsigned int align = 2u << (buf[0] & 0xf);

	if (len < align)
		return -SPE_ERR_SHORT;
	p->type = SPE_PKT_PAD;
	return (int)(align - (pos & (align - 1)));
}

/* Address or counter, short (hdr_len 1) or extended (2) header. */
static int get_addr_counter(const uint8_t *buf, size_t len, unsigned int hdr_len,
			    struct spe_packet *p)
{
	uint8_t hdr = buf[hdr_len - 1];
	unsigned int index = hdr & 7;

	if (hdr_len == 2)
		index |= (buf[0] & 3) << 3;
	p->index = (uint8_t)index;
	if ((hdr & SPE_HDR_MASK_ADDR_CNT) == SPE_HDR_ADDRESS)
		return get_payload(buf, len, hdr_len, SPE_PKT_ADDRESS, p);
	if ((hdr & SPE_HDR_MASK_ADDR_CNT) == SPE_HDR_COUNTER)
		return get_payload(buf, len, hdr_len, SPE_PKT_COUNTER, p);
	return -SPE_ERR_BAD;
}

int spe_packet_get(const uint8_t *buf, size_t len, uint64_t pos, struct spe_packet *p)
{
	uint8_t hdr;

	memset(p, 0, sizeof(*p));
	if (!len)
		return -SPE_ERR_SHORT;
	hdr = buf[0];
	switch (hdr) {
	case SPE_HDR_PAD:
		return get_pad_run(buf, len, p);
	case SPE_HDR_END:
		p->type = SPE_PKT_END;
		return 1;
	case SPE_HDR_TIMESTAMP:
		return get_payload(buf, len, 1, SPE_PKT_TIMESTAMP, p);
	default:
		break;
	}
	if ((hdr & SPE_HDR_MASK_EV_DS) == SPE_HDR_EVENTS)
		return get_payload(buf, len, 1, SPE_PKT_EVENTS, p);
	if ((hdr & SPE_HDR_MASK_EV_DS) == SPE_HDR_DATA_SOURCE)
		return get_payload(buf, len, 1, SPE_PKT_DATA_SOURCE, p);
	if ((hdr & SPE_HDR_MASK_CTX_OP) == SPE_HDR_CONTEXT ||
	    (hdr & SPE_HDR_MASK_CTX_OP) == SPE_HDR_OP_TYPE) {
		p->index = hdr & 3;	/* the context's EL, the operation's class */
		return get_payload(buf, len, 1, (hdr & SPE_HDR_MASK_CTX_OP) == SPE_HDR_CONTEXT ?
					SPE_PKT_CONTEXT : SPE_PKT_OP_TYPE, p);
	}
	if ((hdr & SPE_HDR_MASK_CTX_OP) == SPE_HDR_EXTENDED) {
		if (len < 2)
			return -SPE_ERR_BAD;	/* perf: a bad packet, not a short one */
		if (buf[1] == SPE_HDR1_ALIGNMENT)
			return get_alignment(buf, len, pos, p);
		return get_addr_counter(buf, len, 2, p);
	}
	return get_addr_counter(buf, len, 1, p);
}

const char *spe_errstr(int err)
{
	switch (err < 0 ? -err : err) {
	case SPE_ERR_BAD:
		return "bad packet";
	case SPE_ERR_SHORT:
		return "truncated packet";
	default:
		return "unknown error";
	}
}
