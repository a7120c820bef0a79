// SPDX-License-Identifier: GPL-2.0
/*
 * pt_packet_count.c - pt_pkt_count(), the count-only packet scan of
 * `dump --stats`. Owns its first-byte table and the interleaved scan.
 *
 * Counting needs only each packet's type and size. For most first bytes
 * (pad, tnt.8, cyc without extension, the ip packets of a valid ipc, tsc,
 * mtc) both follow from the byte alone: the table, derived once from
 * pt_pkt_decode() itself, gives the size, and the scan counts packets per
 * first byte (one increment), turned into types and bytes at the end.
 * Every other packet (extended opcodes, mode, cyc with extension bytes,
 * invalid bytes) goes through pt_pkt_decode(); any error gives up.
 *
 * Stepping from packet to packet is one dependent chain of loads (the
 * byte, then its size), so a buffer is cut into SCAN_CHAINS segments at
 * PSBs (pt_sync_forward()) that are scanned in one loop, interleaved, for
 * the CPU to overlap them. Each segment's scan must end exactly at the
 * next one's start (the PSB is a packet boundary of the walk from offset
 * 0), so the totals are those of one scan from offset 0.
 */
#include <pthread.h>
#include <string.h>
#include "pt_opcodes.h"
#include "pt_packet.h"
#include "pt_packet_count.h"
#include "pt_sync.h"

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)

#define SCAN_CHAINS	4
/* below this a buffer is not cut: the chains would not pay for their set-up */
#define SCAN_SPLIT_MIN	(64 * 1024)
/* the longest packet of a fixed size from its first byte (an ip packet) */
#define SCAN_GUARD	16

static uint8_t first_size[256];	/* 0: the first byte alone does not tell */
static uint8_t first_type[256];
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

/*
 * A first byte has a fixed type and size when pt_pkt_decode() gives the
 * same for it whatever bytes follow (probed with fillers of distinct bit
 * patterns): that is the decoder's own rule, not a copy of it.
 */
static void build_tables(void)
{
	static const uint8_t fillers[] = { 0x00, 0xff, 0x5a, 0xa5 };
	uint8_t buf[SCAN_GUARD];

	for (unsigned int b = 0; b < 256; b++) {
		int size = 0, type = -1;

		for (size_t f = 0; f < sizeof(fillers); f++) {
			struct pt_packet pkt;
			int r;

			memset(buf, fillers[f], sizeof(buf));
			buf[0] = b;
			r = pt_pkt_decode(buf, sizeof(buf), &pkt);
			if (r <= 0 || (f && (r != size || pkt.type != type))) {
				size = 0;
				break;
			}
			size = r;
			type = pkt.type;
		}
		first_size[b] = size;
		first_type[b] = size ? type : 0;
	}
}

/* One segment's scan: per first byte, plus the packets decoded whole. */
struct scan_chain {
	size_t pos, end;
	uint64_t nr_first[256];
	uint64_t count[PT_PKT_NR], bytes[PT_PKT_NR];
};

/* The packet at buf[pos] decoded in full: its size, or 0 on an error. */
static size_t count_decoded(const uint8_t *buf, size_t len, size_t pos,
			    struct scan_chain *c)
{
	struct pt_packet pkt;
	int r = pt_pkt_decode(buf + pos, len - pos, &pkt);

	if (r <= 0)
		return 0;
	c->count[pkt.type]++;
	c->bytes[pkt.type] += r;
	return r;
}

/* Scans c on its own from c->pos to c->end (or past it); false on an error. */
static bool scan_serial(const uint8_t *buf, size_t len, struct scan_chain *c)
{
	size_t pos = c->pos;
	bool ok = true;

	while (pos < c->end) {
		uint8_t b = buf[pos];
		size_t size = first_size[b];

		if (likely(size && len - pos >= size)) {
			c->nr_first[b]++;
		} else {
			size = count_decoded(buf, len, pos, c);
			if (!size) {
				ok = false;
				break;
			}
		}
		pos += size;
	}
	c->pos = pos;
	return ok;
}

/*
 * The chains in one loop until one reaches its end (or the last
 * SCAN_GUARD bytes of the buffer, where sizes need checking); positions
 * stay in registers. False on an error.
 */
static bool scan_interleaved(const uint8_t *buf, size_t len, struct scan_chain *ch)
{
	size_t stop = len - SCAN_GUARD;	/* len > SCAN_SPLIT_MIN */
	size_t p0 = ch[0].pos, p1 = ch[1].pos, p2 = ch[2].pos, p3 = ch[3].pos;
	size_t e0 = ch[0].end < stop ? ch[0].end : stop;
	size_t e1 = ch[1].end < stop ? ch[1].end : stop;
	size_t e2 = ch[2].end < stop ? ch[2].end : stop;
	size_t e3 = ch[3].end < stop ? ch[3].end : stop;
	bool ok = true;

#define SCAN_STEP(k)							\
	do {								\
		uint8_t b;						\
		size_t size;						\
									\
		if (p##k >= e##k)					\
			goto out;					\
		b = buf[p##k];						\
		size = first_size[b];					\
		if (unlikely(!size)) {					\
			size = count_decoded(buf, len, p##k, &ch[k]);	\
			if (!size) {					\
				ok = false;				\
				goto out;				\
			}						\
		} else {						\
			ch[k].nr_first[b]++;				\
		}							\
		p##k += size;						\
	} while (0)

	for (;;) {
		SCAN_STEP(0);
		SCAN_STEP(1);
		SCAN_STEP(2);
		SCAN_STEP(3);
	}
#undef SCAN_STEP
out:
	ch[0].pos = p0;
	ch[1].pos = p1;
	ch[2].pos = p2;
	ch[3].pos = p3;
	return ok;
}

static void chain_start(struct scan_chain *c, size_t pos, size_t end)
{
	memset(c, 0, sizeof(*c));
	c->pos = pos;
	c->end = end;
}

static void chain_add(const struct scan_chain *c, uint64_t *count, uint64_t *bytes)
{
	for (unsigned int b = 0; b < 256; b++) {
		count[first_type[b]] += c->nr_first[b];
		bytes[first_type[b]] += c->nr_first[b] * first_size[b];
	}
	for (unsigned int t = 0; t < PT_PKT_NR; t++) {
		count[t] += c->count[t];
		bytes[t] += c->bytes[t];
	}
}

bool pt_pkt_count(const uint8_t *buf, size_t len, uint64_t *count, uint64_t *bytes)
{
	struct scan_chain ch[SCAN_CHAINS];
	size_t start[SCAN_CHAINS + 1];
	uint64_t c_sum[PT_PKT_NR] = { 0 }, b_sum[PT_PKT_NR] = { 0 };
	unsigned int k;

	pthread_once(&tables_once, build_tables);
	start[0] = 0;
	for (k = 1; k < SCAN_CHAINS; k++) {
		ssize_t psb = -1;

		if (len >= SCAN_SPLIT_MIN && start[k - 1] < len)
			psb = pt_sync_forward(buf, len, len / SCAN_CHAINS * k);
		start[k] = psb > (ssize_t)start[k - 1] ? (size_t)psb : len;
		if (start[k] < start[k - 1])
			start[k] = len;
	}
	start[SCAN_CHAINS] = len;
	for (k = 0; k < SCAN_CHAINS; k++)
		chain_start(&ch[k], start[k], start[k + 1]);
	if (len >= SCAN_SPLIT_MIN && !scan_interleaved(buf, len, ch))
		return false;
	if (!scan_serial(buf, len, &ch[0]))
		return false;
	chain_add(&ch[0], c_sum, b_sum);
	for (k = 1; k < SCAN_CHAINS; k++) {
		/*
		 * A walk without errors that enters a run of PSB pattern
		 * anywhere but at a PSB it ends on decodes a PSB past the
		 * run's end: an error. So missing a segment's start means
		 * an error on the way, and the walker is to count.
		 */
		if (ch[k - 1].pos != start[k])
			return false;
		if (!scan_serial(buf, len, &ch[k]))
			return false;
		chain_add(&ch[k], c_sum, b_sum);
	}
	for (unsigned int t = 0; t < PT_PKT_NR; t++) {
		count[t] += c_sum[t];
		bytes[t] += b_sum[t];
	}
	return true;
}
