/* SPDX-License-Identifier: GPL-2.0 */
/*
 * json.h - the one JSON writer behind every --json output of auxrec.
 *
 * Streams (script, dump) are JSON Lines: one top-level object per line,
 * closed with jw_end_line(). Documents (report --json) may be pretty-printed.
 * Addresses go out as "0x..." strings through jw_hex(); counts as numbers.
 * Strings are written as UTF-8: a byte that begins no well-formed UTF-8
 * sequence (a tracepoint's binary field, a name in another charset) is
 * written as \ufffd, so every output parses.
 */
#ifndef AUXREC_JSON_H
#define AUXREC_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define JSON_MAX_DEPTH 32

struct json_writer {
	FILE *out;
	bool pretty;
	int depth;
	bool need_comma[JSON_MAX_DEPTH];
	bool after_key;
	size_t len;		/* bytes in buf not yet written to out */
	char buf[4096];
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
/*
 * Writes what the writer holds to its stream. jw_end_line() and the end of
 * a top-level value do it; anyone writing to the stream in between must.
 */
void jw_flush(struct json_writer *w);

/* key:value shorthands */
void jw_kv_string(struct json_writer *w, const char *key, const char *s);
void jw_kv_u64(struct json_writer *w, const char *key, uint64_t v);
void jw_kv_s64(struct json_writer *w, const char *key, int64_t v);
void jw_kv_hex(struct json_writer *w, const char *key, uint64_t v);
void jw_kv_bool(struct json_writer *w, const char *key, bool v);
void jw_kv_double(struct json_writer *w, const char *key, double v);

/*
 * Line builders, for writers that format a whole JSON Lines line into
 * their own buffer and write it with jw_write_lines() (compact output
 * only). Each appends at p, writes no NUL and returns the new end.
 */
#define JW_U64_MAX	20	/* bytes jw_fmt_u64() may write */
#define JW_HEX_MAX	20	/* bytes jw_fmt_hex() may write */
char *jw_fmt_u64(char *p, uint64_t v);			/* 1234 */

extern const char jw_dec_pairs[201];	/* "00" "01" ... "99" */
extern const uint64_t jw_pow10[20];	/* 0, 10, 100, ... 10^19 */

/* The two digits of v < 100 as a 16-bit word as they lie in memory. */
static inline uint64_t jw_pair_word(unsigned int v)
{
	uint16_t h;

	memcpy(&h, jw_dec_pairs + 2 * v, 2);
	return h;
}

/*
 * v < 10^8 of n digits at p: the 8 digits (leading zeros) made in one
 * word, in registers (four pieces stored to memory and read back as one
 * word would stall: the CPU cannot forward them), shifted to drop the
 * zeros and stored whole (8 bytes written).
 */
static inline char *jw_fmt_digits8(char *p, uint32_t v, unsigned int n)
{
	uint32_t hi = v / 10000, lo = v % 10000;
	uint64_t w;

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	w = jw_pair_word(hi / 100) | jw_pair_word(hi % 100) << 16 |
	    jw_pair_word(lo / 100) << 32 | jw_pair_word(lo % 100) << 48;
	w >>= 8 * (8 - n);
#else
	w = jw_pair_word(hi / 100) << 48 | jw_pair_word(hi % 100) << 32 |
	    jw_pair_word(lo / 100) << 16 | jw_pair_word(lo % 100);
	w <<= 8 * (8 - n);
#endif
	memcpy(p, &w, 8);
	return p + n;
}

/* jw_fmt_u64, inline for 1 <= v < 10^8 (offsets in a dump's lines) */
static inline char *jw_fmt_u64_inline(char *p, uint64_t v)
{
	unsigned int t;

	if (v - 1 >= 100000000 - 1)
		return jw_fmt_u64(p, v);
	t = (64 - __builtin_clzll(v)) * 1233 >> 12;
	return jw_fmt_digits8(p, v, t + 1 - (v < jw_pow10[t]));
}
char *jw_fmt_hex(char *p, uint64_t v);			/* "0x1f", as jw_hex */
/* 0x1f, for text; inline: a packet dump writes millions */
static inline char *jw_fmt_hex_unquoted(char *p, uint64_t v)
{
	unsigned int n = (64 - __builtin_clzll(v | 1) + 3) / 4;
	char *e = p + 2 + n;

	p[0] = '0';
	p[1] = 'x';
	do {
		*--e = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v);
	return p + 2 + n;
}
/* ,"key": (comma when comma): for keys known to need no escaping */
/* The bytes jw_fmt_string() writes for s[0..len): quotes and escapes included. */
size_t jw_string_size(const char *s, size_t len);
/* s[0..len) as a quoted, escaped JSON string at p (jw_string_size() bytes). */
char *jw_fmt_string(char *p, const char *s, size_t len);
char *jw_fmt_key(char *p, const char *key, size_t len, bool comma);
/*
 * Writes s[0..len): one or more complete top-level values, each ending
 * with a newline, as the caller formatted them; for a compact writer
 * between top-level values (where jw_end_line() leaves it).
 */
void jw_write_lines(struct json_writer *w, const char *s, size_t len);

#endif
