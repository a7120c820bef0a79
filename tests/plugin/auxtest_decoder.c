// SPDX-License-Identifier: GPL-2.0
/*
 * auxtest_decoder.c - an external decoder plugin for the test PMU's pattern
 * mode, built as a shared object by t-plugin.sh: proves that a decoder
 * outside the tree registers through auxrec_decoder_register() and is used
 * by `auxrec list` and `auxrec dump`. It prints one line per stream run:
 * "stream S seq A..B" (or JSON objects), and "gap" lines where words are
 * missing.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "decoders/decoder.h"
#include "lib/output/json.h"

struct state {
	struct dump_opts opts;
	uint64_t words;
};

static void *begin(const struct dump_opts *opts)
{
	struct state *s = calloc(1, sizeof(*s));

	if (s)
		s->opts = *opts;
	return s;
}

static void run(struct state *s, uint64_t off, unsigned stream, uint64_t a, uint64_t b)
{
	if (s->opts.jw) {
		fprintf(s->opts.out, "{\"offset\":%" PRIu64 ",\"packet\":\"run\",\"stream\":%u,"
			"\"first\":%" PRIu64 ",\"last\":%" PRIu64 "}\n", off, stream, a, b);
	} else {
		fprintf(s->opts.out, "%08" PRIx64 "  stream %u seq %" PRIu64 "..%" PRIu64 "\n",
			off, stream, a, b);
	}
}

static int chunk(void *state, const struct aux_chunk *c)
{
	struct state *s = state;
	uint64_t first = 0, prev = 0, start_off = 0;
	unsigned stream = 0;
	bool open = false;

	for (size_t i = 0; i + 8 <= c->size; i += 8) {
		uint64_t w, seq;
		unsigned id;

		memcpy(&w, c->data + i, 8);
		id = w >> 48;
		seq = w & ((1ULL << 48) - 1);
		if (open && (id != stream || seq != prev + 1)) {
			run(s, start_off, stream, first, prev);
			open = false;
		}
		if (!open) {
			open = true;
			stream = id;
			first = seq;
			start_off = c->file_offset + i;
		}
		prev = seq;
		s->words++;
	}
	if (open)
		run(s, start_off, stream, first, prev);
	return 0;
}

static int end(void *state)
{
	struct state *s = state;

	if (!s->opts.jw)
		fprintf(s->opts.out, "# %" PRIu64 " pattern words\n", s->words);
	free(s);
	return 0;
}

static const struct decoder_ops auxtest_decoder = {
	.abi_version = DECODER_ABI_VERSION,
	.name = "auxtest",
	.description = "auxtest pattern words (test plugin)",
	.auxtrace_type = AUXTRACE_TYPE_UNKNOWN,
	.dump_begin = begin,
	.dump_chunk = chunk,
	.dump_end = end,
};

const struct decoder_ops *auxrec_decoder_register(void);

const struct decoder_ops *auxrec_decoder_register(void)
{
	return &auxtest_decoder;
}
