/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pt_print.h - printing one decoded Intel PT packet (or decode error) as a
 * JSON Lines object (spec/intel-pt-packets.md) or as a ptdump-like text
 * line. Both printers walk the same field list, pt_packet_fields().
 * The pt_format_* functions build one line (newline included) in a
 * caller's buffer of PT_LINE_MAX bytes, for a dump that batches lines;
 * the pt_print_* ones write it out.
 */
#ifndef AUXREC_PT_PRINT_H
#define AUXREC_PT_PRINT_H

#include <stdint.h>
#include <stdio.h>
#include "pt_packet.h"

struct json_writer;

enum pt_field_kind {
	PT_FIELD_DEC,	/* number */
	PT_FIELD_HEX,	/* "0x..." */
	PT_FIELD_TNT,	/* "TNNT": n bits of v, oldest (highest) first */
};

struct pt_field {
	const char *key;
	uint64_t v;
	const char *jkey;	/* ,"key": and NULs: 16 bytes readable */
	uint8_t klen;		/* strlen(key) */
	uint8_t jklen;		/* strlen(jkey) */
	uint8_t kind;	/* enum pt_field_kind */
	uint8_t n;	/* PT_FIELD_TNT: number of bits */
};

#define PT_MAX_FIELDS 6

/*
 * Fills f with the payload fields of pkt in the spec's key order; ip is
 * the full IP after last-IP decompression (used by IP packets only).
 * Returns the number of fields.
 */
int pt_packet_fields(const struct pt_packet *pkt, uint64_t ip,
		     struct pt_field f[PT_MAX_FIELDS]);

/* Longest line of a pt_format_* function, newline included. */
#define PT_LINE_MAX 256

size_t pt_format_packet_json(char *line, uint64_t offset,
			     const struct pt_packet *pkt, uint64_t ip);
size_t pt_format_error_json(char *line, uint64_t offset, int err);
size_t pt_format_packet_plain(char *line, uint64_t offset,
			      const struct pt_packet *pkt, uint64_t ip);
size_t pt_format_error_plain(char *line, uint64_t offset, int err);

void pt_print_packet_json(struct json_writer *jw, uint64_t offset,
			  const struct pt_packet *pkt, uint64_t ip);
void pt_print_packet_plain(FILE *out, uint64_t offset,
			   const struct pt_packet *pkt, uint64_t ip);
void pt_print_error_json(struct json_writer *jw, uint64_t offset, int err);
void pt_print_error_plain(FILE *out, uint64_t offset, int err);

#endif
