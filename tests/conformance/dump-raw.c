// SPDX-License-Identifier: GPL-2.0
/*
 * dump-raw.c - test helper: `dump-raw [--json] [--stats] intel_pt FILE`
 * runs the intel_pt packet descriptions (the packet_ops of its
 * decoder_ops) through lib/output's packet renderer over a raw AUX file
 * exactly as `auxrec dump --raw` does (the whole file as one chunk at file
 * offset 0), so the decoder can be checked before and apart from the dump
 * command. Built from the packet layer's decoders/intel_pt/pt_*.c (not
 * pt_flow*), lib/output/json.c and lib/output/packet_render.c only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "decoders/intel_pt/pt_describe.h"
#include "lib/output/json.h"
#include "lib/output/packet_render.h"

static int read_file(const char *path, uint8_t **data, size_t *size)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 1 << 16, len = 0, n;
	uint8_t *buf = malloc(cap);

	if (!f || !buf) {
		free(buf);
		if (f)
			fclose(f);
		return -1;
	}
	while ((n = fread(buf + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len == cap) {
			uint8_t *nb = realloc(buf, cap *= 2);

			if (!nb) {
				free(buf);
				fclose(f);
				return -1;
			}
			buf = nb;
		}
	}
	fclose(f);
	*data = buf;
	*size = len;
	return 0;
}

int main(int argc, char **argv)
{
	struct packet_render_opts opts = { .out = stdout };
	struct json_writer jw;
	struct aux_chunk chunk = { .cpu = -1, .tid = -1 };
	struct packet_render *r;
	uint8_t *data;
	int i = 1, rc;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--json")) {
			jw_init(&jw, stdout, false);
			opts.jw = &jw;
		} else if (!strcmp(argv[i], "--stats")) {
			opts.stats = true;
		} else {
			break;
		}
	}
	if (argc - i != 2) {
		fprintf(stderr, "usage: dump-raw [--json] [--stats] PMU FILE\n");
		return 2;
	}
	if (strcmp(argv[i], "intel_pt")) {
		fprintf(stderr, "dump-raw: no dump for PMU %s\n", argv[i]);
		return 1;
	}
	if (read_file(argv[i + 1], &data, &chunk.size)) {
		perror(argv[i + 1]);
		return 1;
	}
	chunk.data = data;
	r = packet_render_new(&pt_packet_ops, &opts);
	if (!r)
		return 1;
	rc = packet_render_chunk(r, &chunk);
	rc |= packet_render_end(r);
	free(data);
	return rc ? 1 : 0;
}
