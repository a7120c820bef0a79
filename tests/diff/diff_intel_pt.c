// SPDX-License-Identifier: GPL-2.0
/*
 * diff_intel_pt.c - differential test of auxrec's Intel PT packet layer
 * against libipt 2.0.5 (through ipt_ref.c). For many seeds it
 *  - valid:   encodes a random stream of every packet type with
 *             pt_enc_next and requires the same packets (offset, size,
 *             type, payload) from both decoders, no error, and the IP the
 *             generator meant for every IP packet (last-IP decompression);
 *  - corrupt: the same streams with random bytes changed and a random
 *             end, requiring the same packets and the same error offsets
 *             and codes, resynchronization included;
 *  - garbage: random bytes with PSBs spliced in, likewise.
 * Prints one "ok NAME" / "not ok NAME: why" line per mode.
 * Usage: diff-intel-pt [SEEDS]
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "decoders/intel_pt/pt_describe.h"
#include "decoders/intel_pt/pt_packet_walk.h"
#include "ipt_ref.h"

#define CAP		(1 << 16)
#define MAX_ITEMS	(CAP + 1)

struct mine {
	struct ref_item *items;
	size_t n, max;
	uint64_t *ips;		/* full IPs of IP packets with ipc != 0 */
	size_t nip;
};

static void collect(void *ctx, size_t offset, int err,
		    const struct pt_packet *pkt, uint64_t ip)
{
	struct mine *m = ctx;
	struct ref_item *it;
	const struct packet_field_desc *f;
	struct packet_desc d;
	size_t len;

	if (m->n >= m->max)
		return;
	it = &m->items[m->n++];
	it->offset = offset;
	if (err) {
		it->size = 0;
		it->err = -err;
		snprintf(it->text, sizeof(it->text), "error %d", -err);
		return;
	}
	it->size = pkt->size;
	it->err = 0;
	pt_packet_desc(&(struct pt_pkt_rec){ .pkt = *pkt, .ip = ip }, &d);
	f = pt_packet_types[pkt->type].fields;
	len = snprintf(it->text, sizeof(it->text), "%s",
		       pt_packet_types[pkt->type].name);
	for (int i = 0; i < d.nr; i++) {
		char *t = it->text + len;
		size_t room = sizeof(it->text) - len;

		/* the full IP is checked against the generator instead */
		if (pt_pkt_is_ip(pkt) && !strcmp(f[i].key, "ip")) {
			if (m->ips)
				m->ips[m->nip++] = d.v[i];
			continue;
		}
		if (f[i].kind == PACKET_FIELD_BITS) {
			len += snprintf(t, room, " %s=", f[i].key);
			for (int b = d.nbits[i] - 1; b >= 0; b--)
				it->text[len++] = f[i].bits[d.v[i] >> b & 1];
			it->text[len] = 0;
		} else if (f[i].kind == PACKET_FIELD_HEX) {
			len += snprintf(t, room, " %s=0x%" PRIx64, f[i].key, d.v[i]);
		} else {
			len += snprintf(t, room, " %s=%" PRIu64, f[i].key, d.v[i]);
		}
	}
}

static struct ref_item ref_items[MAX_ITEMS], my_items[MAX_ITEMS];
static uint64_t want_ip[CAP], got_ip[CAP];

/* Compares both decoders on buf[0..len); fills why on a mismatch. */
static int compare(const uint8_t *buf, size_t len, int check_valid,
		   size_t nwant_ip, char *why, size_t whylen, size_t *npkts)
{
	struct mine m = { my_items, 0, MAX_ITEMS, check_valid ? got_ip : NULL, 0 };
	size_t nref = ref_decode(buf, len, ref_items, MAX_ITEMS);

	pt_walk(buf, len, collect, &m);
	for (size_t i = 0; i < nref || i < m.n; i++) {
		const struct ref_item *r = i < nref ? &ref_items[i] : NULL;
		const struct ref_item *g = i < m.n ? &my_items[i] : NULL;

		if (!r || !g || r->offset != g->offset || r->size != g->size ||
		    strcmp(r->text, g->text)) {
			snprintf(why, whylen,
				 "item %zu: libipt @%" PRIu64 " %s / auxrec @%" PRIu64 " %s",
				 i, r ? r->offset : 0, r ? r->text : "(none)",
				 g ? g->offset : 0, g ? g->text : "(none)");
			return -1;
		}
		if (check_valid && r->err) {
			snprintf(why, whylen, "error %d at %" PRIu64 " in a valid stream",
				 r->err, r->offset);
			return -1;
		}
	}
	if (check_valid) {
		if (m.nip != nwant_ip) {
			snprintf(why, whylen, "%zu IPs decoded, %zu encoded",
				 m.nip, nwant_ip);
			return -1;
		}
		for (size_t k = 0; k < m.nip; k++) {
			if (got_ip[k] != want_ip[k]) {
				snprintf(why, whylen,
					 "IP packet %zu: ip 0x%" PRIx64 ", meant 0x%" PRIx64,
					 k, got_ip[k], want_ip[k]);
				return -1;
			}
		}
	}
	*npkts += nref;
	return 0;
}

int main(int argc, char **argv)
{
	unsigned int seeds = argc > 1 ? atoi(argv[1]) : 500;
	uint8_t *buf = malloc(CAP + 1), *bad = malloc(CAP + 1);
	const char *modes[] = { "valid", "corrupt", "garbage" };
	size_t counted[3] = { 0 }, streams[3] = { 0 };
	char why[3][512] = { "", "", "" };
	int failed[3] = { 0 };

	if (!buf || !bad)
		return 1;
	for (unsigned int seed = 1; seed <= seeds; seed++) {
		uint64_t s = seed;
		size_t nip = 0, len, blen;

		len = ref_gen(seed, buf, CAP, 200 + seed % 2000, want_ip, CAP, &nip);
		if (!len) {
			printf("not ok intel-pt-diff-generate: seed %u: encoder failed\n", seed);
			return 1;
		}
		buf[len] = 0;
		if (!failed[0] && compare(buf, len, 1, nip, why[0], sizeof(why[0]),
					  &counted[0]))
			failed[0] = seed;
		streams[0]++;

		/* corrupt: change a few bytes, cut the end */
		memcpy(bad, buf, len);
		for (unsigned int k = 1 + ref_rand(&s) % 8; k; k--)
			bad[ref_rand(&s) % len] = ref_rand(&s);
		blen = len - ref_rand(&s) % (len < 32 ? len : 32);
		bad[blen] = 0;
		if (!failed[1] && compare(bad, blen, 0, 0, why[1], sizeof(why[1]),
					  &counted[1]))
			failed[1] = seed;
		streams[1]++;

		/* garbage with PSBs */
		blen = 1 + ref_rand(&s) % 4096;
		for (size_t i = 0; i < blen; i++)
			bad[i] = ref_rand(&s);
		for (unsigned int k = ref_rand(&s) % 6; k; k--) {
			size_t at = ref_rand(&s) % blen;

			for (size_t i = 0; i < 16 && at + i < blen; i++)
				bad[at + i] = i & 1 ? 0x82 : 0x02;
		}
		bad[blen] = 0;
		if (!failed[2] && compare(bad, blen, 0, 0, why[2], sizeof(why[2]),
					  &counted[2]))
			failed[2] = seed;
		streams[2]++;
	}
	for (int i = 0; i < 3; i++) {
		if (failed[i])
			printf("not ok intel-pt-diff-%s: seed %d: %s\n", modes[i],
			       failed[i], why[i]);
		else
			printf("ok intel-pt-diff-%s: %zu streams, %zu packets and errors agree\n",
			       modes[i], streams[i], counted[i]);
	}
	free(buf);
	free(bad);
	return failed[0] || failed[1] || failed[2];
}
