// SPDX-License-Identifier: GPL-2.0
/*
 * test_intel_pt_packets.c - table tests of the Intel PT packet layer:
 * (bytes, expected packet) for every packet type, every truncation of
 * each (-PT_ERR_NEED_MORE, decoded from a heap copy of exactly that
 * length so ASan sees any read past it), reserved and invalid encodings,
 * last-IP decompression, the PSB resync search, and the batch decoder
 * pt_pkt_walk() against pt_pkt_decode(), the count-only scan
 * pt_pkt_count() against pt_pkt_walk(); each packet's description
 * (pt_describe.c) as "key=value" text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "decoders/intel_pt/pt_last_ip.h"
#include "decoders/intel_pt/pt_packet.h"
#include "decoders/intel_pt/pt_packet_count.h"
#include "decoders/intel_pt/pt_packet_walk.h"
#include "decoders/intel_pt/pt_describe.h"
#include "decoders/intel_pt/pt_sync.h"

struct pkt_case {
	const char *name;	/* packet name */
	uint8_t bytes[16];
	int len;
	const char *fields;	/* "k=v k=v" from pt_packet_desc, ip 0 */
};

#define B(...) { __VA_ARGS__ }, sizeof((uint8_t[]){ __VA_ARGS__ })
#define PSB16 0x02, 0x82, 0x02, 0x82, 0x02, 0x82, 0x02, 0x82, \
	      0x02, 0x82, 0x02, 0x82, 0x02, 0x82, 0x02, 0x82

static const struct pkt_case cases[] = {
	{ "pad", B(0x00), "" },
	{ "psb", B(PSB16), "" },
	{ "psbend", B(0x02, 0x23), "" },
	{ "stop", B(0x02, 0x83), "" },
	{ "ovf", B(0x02, 0xf3), "" },
	{ "tnt.8", B(0x04), "tnt=N" },
	{ "tnt.8", B(0x8a), "tnt=NNNTNT" },	/* 1000101: stop, NNNTNT */
	{ "tnt.8", B(0xfe), "tnt=TTTTTT" },
	{ "tnt.64", B(0x02, 0xa3, 0x02, 0, 0, 0, 0, 0), "tnt=N" },
	{ "tnt.64", B(0x02, 0xa3, 0x05, 0, 0, 0, 0, 0x80), "tnt=" \
	  "NNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNTNT" },
	{ "tip", B(0x0d), "ipc=0" },
	{ "tip", B(0x2d, 0x34, 0x12), "ipc=1 payload=0x1234 ip=0x0" },
	{ "tip.pge", B(0x51, 0x78, 0x56, 0x34, 0x12), "ipc=2 payload=0x12345678 ip=0x0" },
	{ "tip.pgd", B(0x61, 1, 2, 3, 4, 5, 0x86), "ipc=3 payload=0x860504030201 ip=0x0" },
	{ "fup", B(0x9d, 1, 2, 3, 4, 5, 6), "ipc=4 payload=0x60504030201 ip=0x0" },
	{ "fup", B(0xdd, 1, 2, 3, 4, 5, 6, 7, 0xff), "ipc=6 payload=0xff07060504030201 ip=0x0" },
	{ "mode.exec", B(0x99, 0x01), "csl=1 csd=0" },
	{ "mode.exec", B(0x99, 0x02), "csl=0 csd=1" },
	{ "mode.tsx", B(0x99, 0x23), "intx=1 abrt=1" },
	{ "pip", B(0x02, 0x43, 0x03, 0, 0, 0, 0, 0x80), "cr3=0x8000000000020 nr=1" },
	{ "vmcs", B(0x02, 0xc8, 0xcd, 0xab, 0, 0, 0x01), "base=0x10000abcd000" },
	{ "cbr", B(0x02, 0x03, 0x24, 0x00), "ratio=36" },
	{ "tsc", B(0x19, 1, 2, 3, 4, 5, 6, 0xff), "tsc=71782737673126401" },
	{ "tma", B(0x02, 0x73, 0x12, 0x01, 0x00, 0x34, 0x01), "ctc=274 fc=308" },
	{ "mtc", B(0x59, 0x94), "ctc=148" },
	{ "cyc", B(0xbb), "cyc=23" },
	{ "cyc", B(0x07, 0x02), "cyc=32" },		/* 0 | 1 << 5 */
	{ "cyc", B(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe),
	  "cyc=2305843009213693951" },
	{ "mnt", B(0x02, 0xc3, 0x88, 1, 2, 3, 4, 5, 6, 7, 8), "payload=0x807060504030201" },
	{ "exstop", B(0x02, 0x62), "ip=0" },
	{ "exstop", B(0x02, 0xe2), "ip=1" },
	{ "mwait", B(0x02, 0xc2, 0x0b, 0, 0, 0, 0x01, 0, 0, 0x80), "hints=11 ext=2147483649" },
	{ "pwre", B(0x02, 0x22, 0x08, 0x5a), "state=5 sub_state=10 hw=1" },
	{ "pwrx", B(0x02, 0xa2, 0x53, 0x05, 0, 0, 0), "last=5 deepest=3 interrupt=1 store=1 autonomous=0" },
	{ "pwrx", B(0x02, 0xa2, 0x00, 0x08, 0, 0, 0), "last=0 deepest=0 interrupt=0 store=0 autonomous=1" },
	{ "ptw", B(0x02, 0x92, 0xef, 0xcd, 0xab, 0x90), "plc=0 payload=0x90abcdef ip=1" },
	{ "ptw", B(0x02, 0x32, 1, 2, 3, 4, 5, 6, 7, 8), "plc=1 payload=0x807060504030201 ip=0" },
};

/* The description of pkt (ip the full IP of an IP packet) as "k=v k=v". */
static void fields_text(const struct pt_packet *pkt, uint64_t ip, char *out, size_t len)
{
	const struct pt_pkt_rec rec = { .pkt = *pkt, .ip = ip };
	const struct packet_field_desc *f = pt_packet_types[pkt->type].fields;
	struct packet_desc d;
	size_t o = 0;

	pt_packet_desc(&rec, &d);
	assert_int_equal(d.type, pkt->type);
	assert_int_equal(d.size, pkt->size);
	assert_int_equal(d.err, 0);
	assert_true(d.nr <= pt_packet_types[pkt->type].nr_fields);
	out[0] = 0;
	for (int i = 0; i < d.nr; i++) {
		o += snprintf(out + o, len - o, "%s%s=", i ? " " : "", f[i].key);
		if (f[i].kind == PACKET_FIELD_BITS) {
			for (int b = d.nbits[i] - 1; b >= 0; b--)
				out[o++] = f[i].bits[d.v[i] >> b & 1];
			out[o] = 0;
		} else if (f[i].kind == PACKET_FIELD_HEX) {
			o += snprintf(out + o, len - o, "0x%llx", (unsigned long long)d.v[i]);
		} else {
			o += snprintf(out + o, len - o, "%llu", (unsigned long long)d.v[i]);
		}
	}
}

/* Decodes a heap copy of exactly len bytes. */
static int decode_exact(const uint8_t *bytes, size_t len, struct pt_packet *pkt)
{
	uint8_t *copy = malloc(len ? len : 1);
	int rc;

	assert_non_null(copy);
	memcpy(copy, bytes, len);
	rc = pt_pkt_decode(copy, len, pkt);
	free(copy);
	return rc;
}

static void test_every_packet(void **state)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct pkt_case *c = &cases[i];
		struct pt_packet pkt;
		char text[256];

		memset(&pkt, 0xa5, sizeof(pkt));
		assert_int_equal(decode_exact(c->bytes, c->len, &pkt), c->len);
		assert_int_equal(pkt.size, c->len);
		assert_string_equal(pt_packet_types[pkt.type].name, c->name);
		fields_text(&pkt, 0, text, sizeof(text));
		assert_string_equal(text, c->fields);
	}
}

static void test_every_type_covered(void **state)
{
	int seen[PT_PKT_NR] = { 0 };

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pt_packet pkt;

		if (decode_exact(cases[i].bytes, cases[i].len, &pkt) <= 0)
			fail_msg("case %zu (%s) does not decode", i, cases[i].name);
		seen[pkt.type] = 1;
	}
	for (int t = 0; t < PT_PKT_NR; t++)
		if (!seen[t])
			fail_msg("no table entry for %s", pt_packet_types[t].name);
}

static void test_truncation(void **state)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct pkt_case *c = &cases[i];
		struct pt_packet pkt;

		for (int len = 0; len < c->len; len++) {
			int rc = decode_exact(c->bytes, len, &pkt);

			if (rc != -PT_ERR_NEED_MORE)
				fail_msg("%s cut to %d bytes: %d", c->name, len, rc);
		}
	}
}

struct bad_case {
	uint8_t bytes[16];
	int len;
	int err;
};

static const struct bad_case bad[] = {
	{ B(0x05), -PT_ERR_BAD_OPCODE },		/* odd, no packet */
	{ B(0xd9), -PT_ERR_BAD_OPCODE },
	{ B(0x02, 0x04), -PT_ERR_BAD_OPCODE },		/* unknown ext */
	{ B(0x02, 0xc3, 0x00), -PT_ERR_BAD_OPCODE },	/* unknown ext2 */
	{ B(0xad, 0, 0, 0, 0, 0, 0, 0, 0), -PT_ERR_BAD_PACKET },	/* ipc 5 */
	{ B(0xed, 0, 0, 0, 0, 0, 0, 0, 0), -PT_ERR_BAD_PACKET },	/* ipc 7 */
	{ B(0xad), -PT_ERR_BAD_PACKET },		/* before the length */
	{ B(0x99, 0x40), -PT_ERR_BAD_PACKET },		/* mode leaf 2 */
	{ B(0x02, 0x73, 0, 0, 1, 0, 0), -PT_ERR_BAD_PACKET },	/* tma byte 4 */
	{ B(0x02, 0x73, 0, 0, 0, 0, 2), -PT_ERR_BAD_PACKET },	/* tma fc bit 9 */
	{ B(0x02, 0xa3, 0x01, 0, 0, 0, 0, 0), -PT_ERR_BAD_PACKET }, /* no tnt */
	{ B(0x02, 0xa3, 0, 0, 0, 0, 0, 0), -PT_ERR_BAD_PACKET },
	{ B(0x02, 0x52, 0, 0, 0, 0, 0, 0, 0, 0), -PT_ERR_BAD_PACKET }, /* plc 2 */
	{ B(0x02, 0x72), -PT_ERR_BAD_PACKET },		/* plc 3, short */
	{ B(0x02, 0x82, 0x02, 0x82, 0x02, 0x82, 0x02, 0x82,
	    0x02, 0x82, 0x02, 0x82, 0x02, 0x82, 0x02, 0x83), -PT_ERR_BAD_PACKET },
	{ B(0x07, 0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0x00),
	  -PT_ERR_BAD_PACKET },				/* cyc over 64 bits */
	{ B(0x07, 0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0x81),
	  -PT_ERR_NEED_MORE },
	{ B(0x02, 0x73, 0, 0, 1, 0), -PT_ERR_NEED_MORE },	/* length first */
};

static void test_invalid(void **state)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct pt_packet pkt;
		int rc = decode_exact(bad[i].bytes, bad[i].len, &pkt);

		if (rc != bad[i].err)
			fail_msg("bad[%zu]: %d, want %d", i, rc, bad[i].err);
	}
	assert_string_equal(pt_errstr(-PT_ERR_BAD_OPCODE), "unknown opcode");
	assert_string_equal(pt_errstr(-PT_ERR_BAD_PACKET), "unknown packet");
}

/* Every first byte: decodes, or fails with one of the three errors. */
static void test_all_opcodes(void **state)
{
	uint8_t buf[16];

	for (int b = 0; b < 256; b++) {
		struct pt_packet pkt;
		int rc;

		memset(buf, 0, sizeof(buf));
		buf[0] = b;
		rc = decode_exact(buf, sizeof(buf), &pkt);
		assert_true(rc > 0 || rc == -PT_ERR_BAD_OPCODE ||
			    rc == -PT_ERR_BAD_PACKET);
		if (rc > 0)
			assert_true(rc == pkt.size && pkt.type < PT_PKT_NR);
	}
}

static void test_last_ip(void **state)
{
	static const struct { uint8_t ipc; uint64_t payload, ip; } steps[] = {
		{ PT_IPC_FULL, 0xcccccccccc4000, 0xcccccccccc4000 },
		{ PT_IPC_UPDATE_48, 0xffffffff4000, 0xccffffffff4000 },
		{ PT_IPC_UPDATE_32, 0x12345678, 0xccffff12345678 },
		{ PT_IPC_UPDATE_16, 0xabcd, 0xccffff1234abcd },
		{ PT_IPC_SUPPRESSED, 0, 0xccffff1234abcd },
		{ PT_IPC_SEXT_48, 0x800000001000, 0xffff800000001000 },
		{ PT_IPC_SEXT_48, 0x7fff00001000, 0x7fff00001000 },
	};
	struct pt_last_ip last;
	struct pt_packet pkt = { .type = PT_PKT_TIP };

	pt_last_ip_reset(&last);
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		pkt.ip.ipc = steps[i].ipc;
		pkt.ip.payload = steps[i].payload;
		assert_int_equal(pt_last_ip_update(&last, &pkt), steps[i].ip);
	}
}

static void test_sync(void **state)
{
	uint8_t buf[64];
	size_t at;

	memset(buf, 0x19, sizeof(buf));	/* no PSB pattern anywhere */
	assert_int_equal(pt_sync_forward(buf, sizeof(buf), 0), -PT_ERR_NEED_MORE);
	for (at = 0; at + 16 <= sizeof(buf); at++) {
		memset(buf, 0x19, sizeof(buf));
		for (int i = 0; i < 16; i++)
			buf[at + i] = i & 1 ? 0x82 : 0x02;
		assert_int_equal(pt_sync_forward(buf, sizeof(buf), 0), at);
		/* a PSB that start points into is not taken */
		assert_int_equal(pt_sync_forward(buf, sizeof(buf), at + 1),
				 -PT_ERR_NEED_MORE);
		/* after an error just past it, the look-back finds it */
		if (at + 16 < sizeof(buf))
			assert_int_equal(pt_sync_after_error(buf, sizeof(buf),
							     at + 14, 0), at);
	}
}

/* One pt_pkt_walk() of buf[0..len) on the given path, in batches of max. */
static void check_walk(const uint8_t *buf, size_t len, size_t max, int path)
{
	size_t pos = 0, sync = 0, nref = 0, got;
	struct pt_last_ip last = { 0 };
	struct pt_pkt_walker w;
	struct pt_pkt_rec rec[7];

	pt_pkt_walk_init(&w, buf, len);
	w.path = path;
	while ((got = pt_pkt_walk(&w, rec, max))) {
		for (size_t i = 0; i < got; i++, nref++) {
			struct pt_packet pkt;
			int n = pt_pkt_decode(buf + pos, len - pos, &pkt);
			uint64_t ip = 0;

			assert_true(pos < len);
			assert_int_equal(rec[i].offset, pos);
			if (n < 0) {
				ssize_t next;

				assert_int_equal(rec[i].err, n);
				next = n == -PT_ERR_NEED_MORE ? -1 :
				       pt_sync_after_error(buf, len, pos, sync);
				if (next < 0) {
					pos = len;
					continue;
				}
				pos = sync = next;
				pt_last_ip_reset(&last);
				continue;
			}
			assert_int_equal(rec[i].err, 0);
			assert_int_equal(rec[i].pkt.type, pkt.type);
			assert_int_equal(rec[i].pkt.size, n);
			if (pkt.type == PT_PKT_PSB)
				pt_last_ip_reset(&last);
			else if (pt_pkt_is_ip(&pkt))
				ip = pt_last_ip_update(&last, &pkt);
			assert_int_equal(rec[i].ip, ip);
			{
				char a[256], b[256];

				fields_text(&pkt, ip, a, sizeof(a));
				fields_text(&rec[i].pkt, rec[i].ip, b, sizeof(b));
				assert_string_equal(a, b);
			}
			pos += n;
		}
	}
	assert_int_equal(pos, len);
	assert_true(nref > 0);
}

/*
 * pt_pkt_walk() (fast path, batch edges, resync) against pt_pkt_decode()
 * with pt_sync_after_error() and pt_last_ip in a loop, over streams made
 * of the table's packets, PSBs and random bytes, in an exact-size heap
 * copy (ASan sees any read past the end); batches of 1..7 records; each
 * decode path (table, threaded, and the automatic choice between them).
 */
static void test_walk_matches_decode(void **state)
{
	uint64_t seed = 12345;

	for (int round = 0; round < 400; round++) {
		size_t len = 0, cap = 2048, max = 1 + round % 7;
		uint8_t *buf = malloc(cap);

		assert_non_null(buf);
		while (len + 16 < cap) {
			uint64_t r = seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			const struct pkt_case *c = &cases[(r >> 33) % (sizeof(cases) / sizeof(cases[0]))];

			if ((r >> 20) % 64 == 0) {
				buf[len++] = r >> 40;	/* noise */
			} else if ((r >> 20) % 64 == 1) {
				memcpy(buf + len, (uint8_t[]){ PSB16 }, 16);
				len += 16;
			} else {
				memcpy(buf + len, c->bytes, c->len);
				len += c->len;
			}
		}
		len -= round % 5;	/* cut the last packet now and then */
		for (int path = PT_WALK_AUTO; path <= PT_WALK_THREADED; path++)
			check_walk(buf, len, max, path);
		free(buf);
	}
}

/*
 * A stream of the table's packets with a PSB every psb_every packets on
 * average and, when noise_every, a random byte as often; cut by cut bytes
 * at the end. Returns a heap buffer of exactly *len bytes.
 */
static uint8_t *make_stream(uint64_t *seed, size_t cap, unsigned int psb_every,
			    unsigned int noise_every, size_t cut, size_t *len)
{
	uint8_t *buf = malloc(cap);
	size_t n = 0;

	assert_non_null(buf);
	while (n + 16 < cap) {
		uint64_t r = *seed = *seed * 6364136223846793005ull + 1442695040888963407ull;
		const struct pkt_case *c = &cases[(r >> 33) % (sizeof(cases) / sizeof(cases[0]))];

		if (noise_every && (r >> 20) % noise_every == 0) {
			buf[n++] = r >> 40;
		} else if ((r >> 8) % psb_every == 0) {
			memcpy(buf + n, (uint8_t[]){ PSB16 }, 16);
			n += 16;
		} else {
			memcpy(buf + n, c->bytes, c->len);
			n += c->len;
		}
	}
	*len = n - cut;
	return buf;
}

/*
 * pt_pkt_count() against the totals of pt_pkt_walk() on the same stream:
 * equal when the walk has no error, and false with the arrays untouched
 * when it has one. Streams above the scan's split size (interleaved
 * segments cut at PSBs) and below it, PSBs dense and rare, with and
 * without noise, cut at the end or not.
 */
static void test_count_matches_walk(void **state)
{
	uint64_t seed = 777;
	unsigned int counted = 0, refused = 0;

	for (int round = 0; round < 48; round++) {
		size_t cap = round % 4 == 0 ? 3000 : 70000 + 40000 * (round % 5), len;
		unsigned int noise = round % 3 == 2 ? 4000 : 0;
		uint8_t *buf = make_stream(&seed, cap, round % 2 ? 40 : 3000, noise,
					   round % 7 == 3 ? 1 : 0, &len);
		uint64_t want_n[PT_PKT_NR] = { 0 }, want_b[PT_PKT_NR] = { 0 }, errors = 0;
		uint64_t got_n[PT_PKT_NR], got_b[PT_PKT_NR];
		struct pt_pkt_rec rec[64];
		struct pt_pkt_walker w;
		size_t got;

		pt_pkt_walk_init(&w, buf, len);
		while ((got = pt_pkt_walk(&w, rec, 64)))
			for (size_t i = 0; i < got; i++) {
				if (rec[i].err) {
					errors++;
					continue;
				}
				want_n[rec[i].pkt.type]++;
				want_b[rec[i].pkt.type] += rec[i].pkt.size;
			}
		for (int t = 0; t < PT_PKT_NR; t++) {	/* it adds to what is there */
			got_n[t] = t;
			got_b[t] = 2 * t;
		}
		if (!errors) {
			assert_true(pt_pkt_count(buf, len, got_n, got_b));
			for (int t = 0; t < PT_PKT_NR; t++) {
				assert_int_equal(got_n[t], want_n[t] + t);
				assert_int_equal(got_b[t], want_b[t] + 2 * t);
			}
			counted++;
		} else {
			assert_false(pt_pkt_count(buf, len, got_n, got_b));
			for (int t = 0; t < PT_PKT_NR; t++) {
				assert_int_equal(got_n[t], t);
				assert_int_equal(got_b[t], 2 * t);
			}
			refused++;
		}
		free(buf);
	}
	assert_true(counted >= 20 && refused >= 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_packet),
		cmocka_unit_test(test_every_type_covered),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_all_opcodes),
		cmocka_unit_test(test_last_ip),
		cmocka_unit_test(test_sync),
		cmocka_unit_test(test_walk_matches_decode),
		cmocka_unit_test(test_count_matches_walk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
