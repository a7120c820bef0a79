/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fuzz_dump.h - for the packet fuzz targets: a decoder's whole packet dump
 * of one input (JSON or text, listed or --stats) through lib/output's
 * renderer into /dev/null, as `auxrec dump --raw` renders it.
 */
#ifndef AUXREC_FUZZ_DUMP_H
#define AUXREC_FUZZ_DUMP_H

#include <stdio.h>
#include <stdlib.h>
#include "lib/output/json.h"
#include "lib/output/packet_render.h"

static inline void fuzz_dump(const struct packet_ops *ops, const uint8_t *data, size_t size,
			     int json, int stats)
{
	static FILE *devnull;
	struct json_writer jw;
	struct packet_render_opts opts = { .stats = stats };
	struct aux_chunk chunk = { .data = data, .size = size, .cpu = -1 };
	struct packet_render *r;

	if (!devnull)
		devnull = fopen("/dev/null", "w");
	opts.out = devnull;
	if (json) {
		jw_init(&jw, devnull, false);
		opts.jw = &jw;
	}
	r = packet_render_new(ops, &opts);
	if (!r)
		abort();
	packet_render_chunk(r, &chunk);
	packet_render_end(r);
}

#endif
