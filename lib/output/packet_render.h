/* SPDX-License-Identifier: GPL-2.0 */
/*
 * packet_render.h - the output side of the packet dump: renders the
 * packet descriptions of any decoder (decoders/decoder.h, struct
 * packet_ops) as text lines or JSON Lines, or counts them per packet type
 * (--stats). It knows no PMU: names, keys and field kinds come from the
 * decoder's packet type table.
 *
 * Text:  0000000000000019  tip.pge    ipc 3 payload 0x1000 ip 0x1000
 *        0000000000000020  error: unknown opcode
 * JSON:  {"offset":25,"size":7,"packet":"tip.pge","ipc":3,...}
 *        {"offset":32,"error":"unknown opcode"}
 * Offsets are the chunk's file_offset plus the packet's offset in it.
 */
#ifndef AUXREC_PACKET_RENDER_H
#define AUXREC_PACKET_RENDER_H

#include <stdbool.h>
#include <stdio.h>
#include "decoders/decoder.h"

struct json_writer;

struct packet_render_opts {
	FILE *out;		/* text output (JSON: jw's stream) */
	struct json_writer *jw;	/* non-NULL: JSON Lines */
	bool stats;		/* only count packets per type */
	bool no_pad;		/* hide PACKET_TYPE_PAD packets */
};

struct packet_render;

/*
 * Starts a dump of one stream through ops (its begin op included); NULL
 * when out of memory or ops has no packets op.
 */
struct packet_render *packet_render_new(const struct packet_ops *ops,
					const struct packet_render_opts *opts);
/* Lists (or counts) the packets of one chunk; 0 or a negative errno. */
int packet_render_chunk(struct packet_render *r, const struct aux_chunk *chunk);
/* Prints the totals of --stats, ends the decoder's state and frees r. */
int packet_render_end(struct packet_render *r);

#endif
