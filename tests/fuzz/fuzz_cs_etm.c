// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_cs_etm.c - libFuzzer target for the cs_etm input path: the input
 * is AUXTRACE_INFO and trace bytes, read as
 *
 *	byte 0: bit 0 raw (PERF_AUX_FLAG_CORESIGHT_FORMAT_RAW), bit 1 truncated
 *	byte 1: N, the count of AUXTRACE_INFO private words that follow
 *	N * 8 bytes: the words (perf's cs_etm layout, or anything)
 *	the rest: the AUX chunk
 *
 * and goes through cs_etm_info_parse, the packet dump (text, JSON and
 * --stats, through lib/output's renderer into /dev/null) and the decode,
 * whose code is a fixed run of A64 instructions (branches, calls, returns
 * and others: tests/fuzz/cs_etm_code.h) at 0x400000, every event checked
 * for a known kind.
 *
 * fuzz-sources: decoders/cs_etm/[a-z]*.c decoders/event.c lib/record/pmu.c lib/util/[a-z]*.c lib/output/json.c lib/output/packet_render.c
 * fuzz-libs: -lopencsd_c_api -lopencsd
 * fuzz-max-len: 8192
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "decoders/cs_etm/cs_etm.h"
#include "lib/output/json.h"
#include "lib/output/packet_render.h"
#include "tests/fuzz/cs_etm_code.h"

#define CODE_BASE	CS_CODE_BASE
#define CODE_INSNS	CS_CODE_INSNS

static FILE *devnull;
static uint32_t code[CODE_INSNS];

static int read_code(void *ctx, uint64_t ip, uint8_t *buf, size_t len)
{
	uint64_t end = CODE_BASE + sizeof(code);

	if (ip < CODE_BASE || ip >= end)
		return 0;
	if (len > end - ip)
		len = end - ip;
	memcpy(buf, (const uint8_t *)code + (ip - CODE_BASE), len);
	return len;
}

static int on_event(void *ctx, const struct decode_event *ev)
{
	if (ev->kind >= EVENT_KIND_NR || (ev->kind == EVENT_ERROR && !ev->error))
		abort();
	return 0;
}

static void dump(const struct aux_chunk *c, int json, int stats)
{
	struct json_writer jw;
	struct packet_render_opts opts = { .out = devnull, .stats = stats };
	struct packet_render *r;

	if (json) {
		jw_init(&jw, devnull, false);
		opts.jw = &jw;
	}
	r = packet_render_new(&cs_etm_packet_ops, &opts);
	if (!r)
		abort();
	packet_render_chunk(r, c);
	packet_render_chunk(r, c);	/* the tree kept for the next chunk */
	packet_render_end(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t priv[256];
	struct cs_etm_info info;
	const char *why;
	size_t n;
	struct aux_chunk c = { .cpu = 0 };
	struct decode_opts o = { .read_code = read_code, .event = on_event, .insns = true };
	void *d;

	if (!devnull) {
		devnull = fopen("/dev/null", "w");
		cs_code_make(code);
	}
	if (size < 2)
		return 0;
	n = data[1];
	if (size < 2 + n * 8)
		return 0;
	memcpy(priv, data + 2, n * 8);
	c.flags = (data[0] & 1 ? CS_AUX_FORMAT_RAW : 0) | (data[0] & 2 ? PERF_AUX_FLAG_TRUNCATED : 0);
	c.data = data + 2 + n * 8;
	c.size = size - 2 - n * 8;
	c.info_priv = n ? priv : NULL;
	c.nr_priv = n;
	if (!cs_etm_info_parse(priv, n, &info, &why))
		c.cpu = info.nr_cpus ? info.cpus[0].cpu : 0;
	cs_etm_info_free(&info);
	dump(&c, 0, 0);
	dump(&c, 1, 0);
	dump(&c, 0, 1);
	o.info_priv = c.info_priv;
	o.nr_priv = n;
	d = cs_etm_decode_begin(&o);
	if (!d)
		abort();
	cs_etm_decode_chunk(d, &c);
	cs_etm_decode_chunk(d, &c);
	cs_etm_decode_end(d);
	return 0;
}
