// SPDX-License-Identifier: GPL-2.0
/*
 * auxtest_decoder.c - an external decoder plugin for the test PMU's pattern
 * mode, built as a shared object by t-plugin.sh: proves that a decoder
 * outside the tree registers through auxrec_decoder_register() and is used
 * by `auxrec list` and `auxrec dump`. It describes one packet per stream
 * run ("run" with the stream, first and last sequence numbers) and prints
 * nothing: auxrec renders the runs as text or JSON. A word that is not a
 * pattern word (stream 0xffff) is a decode error.
 */
#include <string.h>
#include "decoders/decoder.h"

enum { RUN };

static const struct packet_field_desc run_fields[] = {
	{ .key = "stream", .kind = PACKET_FIELD_DEC },
	{ .key = "first", .kind = PACKET_FIELD_DEC },
	{ .key = "last", .kind = PACKET_FIELD_DEC },
};

static const struct packet_type_desc types[] = {
	[RUN] = { .name = "run", .nr_fields = 3, .fields = run_fields },
};

static void *begin(unsigned int flags)
{
	static int no_state;

	(void)flags;
	return &no_state;
}

static int emit(struct packet_desc *d, uint64_t end, packet_fn fn, void *ctx)
{
	d->size = end - d->offset;
	return fn(ctx, d, 1);
}

static int packets(void *state, const struct aux_chunk *c, packet_fn fn, void *ctx)
{
	struct packet_desc d = { .type = RUN, .nr = 3 };
	bool open = false;
	size_t i;
	int ret;

	(void)state;
	for (i = 0; i + 8 <= c->size; i += 8) {
		uint64_t w, seq, id;

		memcpy(&w, c->data + i, 8);
		id = w >> 48;
		seq = w & ((1ULL << 48) - 1);
		if (open && (id != d.v[0] || seq != d.v[2] + 1)) {
			open = false;
			ret = emit(&d, i, fn, ctx);
			if (ret)
				return ret;
		}
		if (id == 0xffff) {
			struct packet_desc e = { .offset = i, .err = 1 };

			ret = fn(ctx, &e, 1);
			if (ret)
				return ret;
			continue;
		}
		if (!open) {
			open = true;
			d.offset = i;
			d.v[0] = id;
			d.v[1] = seq;
		}
		d.v[2] = seq;
	}
	return open ? emit(&d, i, fn, ctx) : 0;
}

static const char *errstr(int err)
{
	(void)err;
	return "not a pattern word";
}

static const struct packet_ops auxtest_packets = {
	.types = types,
	.nr_types = sizeof(types) / sizeof(types[0]),
	.begin = begin,
	.packets = packets,
	.errstr = errstr,
};

static const struct decoder_ops auxtest_decoder = {
	.abi_version = DECODER_ABI_VERSION,
	.name = "auxtest",
	.description = "auxtest pattern words (test plugin)",
	.auxtrace_type = AUXTRACE_TYPE_UNKNOWN,
	.packets = &auxtest_packets,
};

const struct decoder_ops *auxrec_decoder_register(void);

const struct decoder_ops *auxrec_decoder_register(void)
{
	return &auxtest_decoder;
}
