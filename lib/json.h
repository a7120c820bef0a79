/* SPDX-License-Identifier: GPL-2.0 */
/*
 * json.h - the one JSON writer behind every --json output of auxrec.
 *
 * Streams (script, dump) are JSON Lines: one top-level object per line,
 * closed with jw_end_line(). Documents (report --json) may be pretty-printed.
 * Addresses go out as "0x..." strings through jw_hex(); counts as numbers.
 */
#ifndef AUXREC_JSON_H
#define AUXREC_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 32

struct json_writer {
	FILE *out;
	bool pretty;
	int depth;
	bool need_comma[JSON_MAX_DEPTH];
	bool after_key;
};

void jw_init(struct json_writer *w, FILE *out, bool pretty);
void jw_object_start(struct json_writer *w);
void jw_object_end(struct json_writer *w);
void jw_array_start(struct json_writer *w);
void jw_array_end(struct json_writer *w);
void jw_key(struct json_writer *w, const char *key);
void jw_string(struct json_writer *w, const char *s);
void jw_string_len(struct json_writer *w, const char *s, size_t len);
void jw_u64(struct json_writer *w, uint64_t v);
void jw_s64(struct json_writer *w, int64_t v);
void jw_double(struct json_writer *w, double v);
void jw_hex(struct json_writer *w, uint64_t v);	/* "0x1f", "0x0" */
void jw_bool(struct json_writer *w, bool v);
void jw_null(struct json_writer *w);
/* Ends a top-level value of a JSON Lines stream with a newline. */
void jw_end_line(struct json_writer *w);

/* key:value shorthands */
void jw_kv_string(struct json_writer *w, const char *key, const char *s);
void jw_kv_u64(struct json_writer *w, const char *key, uint64_t v);
void jw_kv_s64(struct json_writer *w, const char *key, int64_t v);
void jw_kv_hex(struct json_writer *w, const char *key, uint64_t v);
void jw_kv_bool(struct json_writer *w, const char *key, bool v);
void jw_kv_double(struct json_writer *w, const char *key, double v);

#endif
