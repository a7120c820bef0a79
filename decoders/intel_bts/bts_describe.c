// SPDX-License-Identifier: GPL-2.0
/*
 * bts_describe.c - what `auxrec dump` shows of an Intel BTS stream: one
 * packet type, "branch" (from, to, misc, and pred: misc bit 4, which
 * perf's dump shows as "pred"/"miss"), one per 24-byte record, and a
 * trailing record shorter than that as the error "partial record".
 * lib/output renders them.
 */
#include <errno.h>
#include <stdlib.h>
#include "intel_bts.h"

static const struct packet_field_desc f_branch[] = {
	{ .key = "from", .kind = PACKET_FIELD_HEX },
	{ .key = "to", .kind = PACKET_FIELD_HEX },
	{ .key = "misc", .kind = PACKET_FIELD_HEX },
	{ .key = "pred", .kind = PACKET_FIELD_DEC },
};

static const struct packet_type_desc bts_packet_types[] = {
	{ .name = "branch", .fields = f_branch,
	  .nr_fields = sizeof(f_branch) / sizeof(f_branch[0]) },
};

#define BATCH	64

struct bts_packets {
	struct packet_desc desc[BATCH];
};

static void *bts_packets_begin(unsigned int flags)
{
	return malloc(sizeof(struct bts_packets));
}

static int bts_packets(void *state, const struct aux_chunk *chunk, packet_fn fn, void *ctx)
{
	struct bts_packets *s = state;
	size_t off = 0, n = 0;
	int ret = 0;

	if (!s || !chunk || (!chunk->data && chunk->size))
		return -EINVAL;
	for (; !ret && off + BTS_RECORD_SIZE <= chunk->size; off += BTS_RECORD_SIZE) {
		struct packet_desc *d = &s->desc[n++];
		struct bts_record r;

		bts_record_get(chunk->data + off, &r);
		*d = (struct packet_desc){ .offset = off, .size = BTS_RECORD_SIZE, .nr = 4,
					   .v = { r.from, r.to, r.misc,
						  !!(r.misc & BTS_MISC_PRED) } };
		if (n == BATCH) {
			ret = fn(ctx, s->desc, n);
			n = 0;
		}
	}
	if (!ret && off < chunk->size)
		s->desc[n++] = (struct packet_desc){ .offset = off, .err = BTS_ERR_PARTIAL };
	if (!ret && n)
		ret = fn(ctx, s->desc, n);
	return ret;
}

static void bts_packets_end(void *state)
{
	free(state);
}

static const char *bts_errstr(int err)
{
	return err == BTS_ERR_PARTIAL || err == -BTS_ERR_PARTIAL ? "partial record" :
								   "unknown error";
}

const struct packet_ops bts_packet_ops = {
	.types = bts_packet_types,
	.nr_types = sizeof(bts_packet_types) / sizeof(bts_packet_types[0]),
	.begin = bts_packets_begin,
	.packets = bts_packets,
	.end = bts_packets_end,
	.errstr = bts_errstr,
};
