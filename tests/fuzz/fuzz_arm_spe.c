// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_arm_spe.c - libFuzzer target for the ARM SPE decoder: the packet
 * getter at every offset of the input (sizes and types in range, errors
 * only the two it has), the packet dump (JSON, text and --stats) through
 * lib/output's renderer into /dev/null, and the record decode into
 * memory-access samples, with the input's first bytes as the
 * AUXTRACE_INFO words of either layout (sample invariants checked); and
 * the input in windows (fuzz_windows.h) decodes into the events of the
 * same bytes in one buffer.
 *
 * fuzz-sources: decoders/arm_spe/spe_packet.c decoders/arm_spe/spe_describe.c decoders/arm_spe/spe_decode.c decoders/event.c lib/util/tsc.c lib/output/json.c lib/output/packet_render.c lib/session/piece_windows.c lib/util/array_grow.c
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "decoders/arm_spe/arm_spe.h"
#include "tests/fuzz/fuzz_dump.h"
#include "tests/fuzz/fuzz_windows.h"

struct seen {
	size_t size;
	uint64_t last_offset;
};

static int on_event(void *ctx, const struct decode_event *ev)
{
	struct seen *s = ctx;

	if (ev->aux_offset >= s->size || ev->aux_offset < s->last_offset)
		abort();	/* outside the chunk, or out of order */
	s->last_offset = ev->aux_offset;
	if (ev->kind == EVENT_ERROR)
		return !ev->error ? (abort(), 0) : 0;
	if (ev->kind != EVENT_MEM_SAMPLE || !ev->mem || ev->mem->op >= MEM_OP_NR ||
	    ev->mem->classes >> MEM_C_NR)
		abort();
	if ((ev->mem->valid & MEM_HAS_DATA_SRC) &&
	    ev->mem->op != MEM_OP_LOAD && ev->mem->op != MEM_OP_STORE)
		abort();
	return 0;
}

static void decode(const uint8_t *data, size_t size)
{
	uint64_t priv[16] = { 0 };
	size_t nr = size ? 2 + data[0] % 15 : 2, skip = size ? 1 : 0;
	struct seen seen = { .size = size };
	struct decode_opts opts = { .event = on_event, .event_ctx = &seen, .info_priv = priv,
				    .nr_priv = nr, .time_shift = 10, .time_mult = 1000 };
	struct aux_chunk chunk = { .cpu = size > 1 ? (int8_t)data[1] : -1 };
	void *d;

	/* the words: the input's next bytes, one byte each, or the v2 header */
	for (size_t i = 0; i < nr && skip < size; i++)
		priv[i] = data[skip++];
	if (nr > 4 && size > 2 && (data[2] & 1)) {
		priv[ARM_SPE_HEADER_VERSION] = ARM_SPE_HEADER_VERSION_2;
		priv[ARM_SPE_HEADER_SIZE] = ARM_SPE_V2_HEADER_MAX;
		priv[ARM_SPE_V2_HEADER_MAX] = ARM_SPE_CPU_MAGIC_VALUE;
	}
	d = arm_spe_decode_begin(&opts);
	if (!d)
		abort();
	chunk.data = data + skip;
	chunk.size = size - skip;
	seen.size = chunk.size;
	if (arm_spe_decode_chunk(d, &chunk))
		abort();
	arm_spe_decode_end(d);
}

/* The events of a decode folded into a sum. */
static int on_event_sum(void *ctx, const struct decode_event *ev)
{
	uint64_t *h = ctx;
	uint64_t v[5] = { ev->kind, ev->aux_offset, ev->time, ev->mem ? ev->mem->vaddr : 0,
			  ev->mem ? ev->mem->data_src : 0 };

	for (size_t i = 0; i < 5; i++)
		*h = (*h ^ v[i]) * 0x100000001b3ull;
	return 0;
}

static uint64_t decode_sum(const struct aux_chunk *c)
{
	uint64_t h = 0, priv[2] = { 8, 1 };
	struct decode_opts opts = { .event = on_event_sum, .event_ctx = &h, .info_priv = priv,
				    .nr_priv = 2, .time_shift = 10, .time_mult = 1000 };
	void *d = arm_spe_decode_begin(&opts);

	if (!d)
		abort();
	if (arm_spe_decode_chunk(d, c))
		abort();
	arm_spe_decode_end(d);
	return h;
}

/* The input in windows (fuzz_windows.h): the events of the same bytes in one buffer. */
static void check_windows(const uint8_t *data, size_t size)
{
	struct fuzz_windows fw;

	if (!size)
		return;
	if (fuzz_windows_make(&fw, data, size) &&
	    decode_sum(&(struct aux_chunk){ .data = fw.tiled, .size = FUZZ_TILE }) !=
	    decode_sum(&(struct aux_chunk){ .size = FUZZ_TILE, .windows = fw.pw.v,
					    .nr_windows = fw.pw.nr }))
		abort();
	fuzz_windows_free(&fw);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (size_t i = 0; i < size; i++) {
		struct spe_packet p;
		int rc = spe_packet_get(data + i, size - i, i, &p);

		if (rc > 0 && ((size_t)rc > size - i || p.type >= SPE_PKT_NR))
			abort();	/* past the end, or no type */
		if (rc <= 0 && rc != -SPE_ERR_BAD && rc != -SPE_ERR_SHORT)
			abort();
	}
	fuzz_dump(&spe_packet_ops, data, size, 1, 0);
	fuzz_dump(&spe_packet_ops, data, size, 0, 0);
	fuzz_dump(&spe_packet_ops, data, size, 1, 1);
	fuzz_dump(&spe_packet_ops, data, size, 0, 1);
	decode(data, size);
	check_windows(data, size);
	return 0;
}
