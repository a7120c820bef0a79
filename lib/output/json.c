// SPDX-License-Identifier: GPL-2.0
/*
 * json.c - the JSON writer: nesting, commas, string escaping, number and
 * hex-address formatting. Output is gathered in the writer's buffer and
 * goes to its stdio stream a line (or a document, or 4K) at a time: a
 * stdio call per key and value cost more than the formatting.
 */
#include <inttypes.h>
#include <math.h>
#include <string.h>
#include "lib/output/hex_digits.h"
#include "json.h"

void jw_flush(struct json_writer *w)
{
	if (w->len)
		fwrite_unlocked(w->buf, 1, w->len, w->out);
	w->len = 0;
}

static inline void w_put(struct json_writer *w, char c)
{
	if (w->len == sizeof(w->buf))
		jw_flush(w);
	w->buf[w->len++] = c;
}

static void w_write(struct json_writer *w, const char *s, size_t n)
{
	if (n > sizeof(w->buf) - w->len) {
		jw_flush(w);
		if (n > sizeof(w->buf)) {
			fwrite_unlocked(s, 1, n, w->out);
			return;
		}
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

static void w_puts(struct json_writer *w, const char *s)
{
	w_write(w, s, strlen(s));
}

void jw_init(struct json_writer *w, FILE *out, bool pretty)
{
	w->out = out;
	w->len = 0;
	w->pretty = pretty;
	w->depth = 0;
	w->need_comma[0] = false;
	w->after_key = false;
}

static void jw_indent(struct json_writer *w)
{
	if (!w->pretty)
		return;
	w_put(w, '\n');
	for (int i = 0; i < w->depth; i++)
		w_write(w, "  ", 2);
}

/* Separator before a value or key at the current level. */
static void jw_value_prefix(struct json_writer *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->need_comma[w->depth])
		w_put(w, ',');
	if (w->depth > 0)
		jw_indent(w);
	w->need_comma[w->depth] = true;
}

static void jw_open(struct json_writer *w, char c)
{
	jw_value_prefix(w);
	w_put(w, c);
	if (w->depth < JSON_MAX_DEPTH - 1)
		w->depth++;
	w->need_comma[w->depth] = false;
}

static void jw_close(struct json_writer *w, char c)
{
	bool had_items = w->need_comma[w->depth];

	if (w->depth > 0)
		w->depth--;
	if (had_items)
		jw_indent(w);
	w_put(w, c);
	if (w->depth == 0)	/* a whole document */
		jw_flush(w);
}

void jw_object_start(struct json_writer *w) { jw_open(w, '{'); }
void jw_object_end(struct json_writer *w) { jw_close(w, '}'); }
void jw_array_start(struct json_writer *w) { jw_open(w, '['); }
void jw_array_end(struct json_writer *w) { jw_close(w, ']'); }

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/*
 * Whether one of 8 bytes is below 0x20, '"', '\\', DEL or not ASCII (the
 * start of a UTF-8 sequence to check); may say so wrongly only when true.
 */
static inline bool word_needs_escape(uint64_t v)
{
	uint64_t q = v ^ (ONES * '"'), b = v ^ (ONES * '\\'), d = v ^ (ONES * 0x7f);

	return (((v - ONES * 0x20) & ~v) | ((q - ONES) & ~q) | ((b - ONES) & ~b) |
		((d - ONES) & ~d) | v) & HIGHS;
}

/* The length of the run at s[i..len) that needs no escaping. */
static size_t plain_run(const char *s, size_t i, size_t len)
{
	size_t run = i;

	for (uint64_t v; run + 8 <= len; run += 8) {
		memcpy(&v, s + run, 8);
		if (word_needs_escape(v))
			break;
	}
	while (run < len && (unsigned char)s[run] >= 0x20 && (unsigned char)s[run] < 0x7f &&
	       s[run] != '"' && s[run] != '\\')
		run++;
	return run;
}

/*
 * The length of the well-formed UTF-8 sequence of 2 to 4 bytes at s[0..len),
 * or 0 (a stray continuation byte, an overlong form, a surrogate, a code
 * point past U+10FFFF, a sequence cut short).
 */
static size_t utf8_seq(const unsigned char *s, size_t len)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t n;

	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (len < n || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

/*
 * The escape of s[i], where plain_run() stopped, into out: its length, and
 * in *used the bytes of s it stands for. A UTF-8 sequence is copied whole;
 * a byte that begins none is U+FFFD, as Go's encoding/json writes it, so
 * the output is always valid JSON (UTF-8).
 */
static size_t escape_at(char out[6], const char *s, size_t i, size_t len, size_t *used)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char c = (unsigned char)s[i];

	*used = 1;
	if (c >= 0x80) {
		size_t n = utf8_seq((const unsigned char *)s + i, len - i);

		if (!n) {
			memcpy(out, "\\ufffd", 6);
			return 6;
		}
		memcpy(out, s + i, n);
		*used = n;
		return n;
	}
	switch (c) {
	case '"':  memcpy(out, "\\\"", 2); return 2;
	case '\\': memcpy(out, "\\\\", 2); return 2;
	case '\n': memcpy(out, "\\n", 2); return 2;
	case '\r': memcpy(out, "\\r", 2); return 2;
	case '\t': memcpy(out, "\\t", 2); return 2;
	default:
		if (c < 0x20 || c == 0x7f) {
			memcpy(out, "\\u00", 4);
			out[4] = hex[c >> 4];
			out[5] = hex[c & 15];
			return 6;
		}
		out[0] = (char)c;
		return 1;
	}
}

static void jw_raw_string(struct json_writer *w, const char *s, size_t len)
{
	char esc[6];
	size_t used;

	w_put(w, '"');
	for (size_t i = 0; i < len; i += used) {
		/* a run that needs no escaping is copied at once */
		size_t run = plain_run(s, i, len);

		if (run > i) {
			w_write(w, s + i, run - i);
			used = run - i;
			continue;
		}
		w_write(w, esc, escape_at(esc, s, i, len, &used));
	}
	w_put(w, '"');
}

size_t jw_string_size(const char *s, size_t len)
{
	char esc[6];
	size_t n = 2, used;

	for (size_t i = 0; i < len; i += used) {
		size_t run = plain_run(s, i, len);

		if (run > i) {
			n += run - i;
			used = run - i;
			continue;
		}
		n += escape_at(esc, s, i, len, &used);
	}
	return n;
}

char *jw_fmt_string(char *p, const char *s, size_t len)
{
	size_t used;

	*p++ = '"';
	for (size_t i = 0; i < len; i += used) {
		size_t run = plain_run(s, i, len);

		if (run > i) {
			memcpy(p, s + i, run - i);
			p += run - i;
			used = run - i;
			continue;
		}
		p += escape_at(p, s, i, len, &used);
	}
	*p++ = '"';
	return p;
}

void jw_key(struct json_writer *w, const char *key)
{
	jw_value_prefix(w);
	jw_raw_string(w, key, strlen(key));
	w_put(w, ':');
	if (w->pretty)
		w_put(w, ' ');
	w->after_key = true;
}

void jw_string_len(struct json_writer *w, const char *s, size_t len)
{
	jw_value_prefix(w);
	jw_raw_string(w, s, len);
}

void jw_string(struct json_writer *w, const char *s)
{
	if (!s) {
		jw_null(w);
		return;
	}
	jw_string_len(w, s, strlen(s));
}

void jw_u64(struct json_writer *w, uint64_t v)
{
	char buf[24], *e;

	jw_value_prefix(w);
	e = jw_fmt_u64(buf, v);
	w_write(w, buf, e - buf);
}

void jw_s64(struct json_writer *w, int64_t v)
{
	if (v < 0) {
		char buf[24], *e;

		jw_value_prefix(w);
		w_put(w, '-');
		/* as unsigned: INT64_MIN has no positive twin */
		e = jw_fmt_u64(buf, -(uint64_t)v);
		w_write(w, buf, e - buf);
		return;
	}
	jw_u64(w, v);
}

void jw_double(struct json_writer *w, double v)
{
	char buf[64];

	jw_value_prefix(w);
	if (isfinite(v))
		w_write(w, buf, (size_t)snprintf(buf, sizeof(buf), "%.6g", v));
	else
		w_puts(w, "null");
}

void jw_hex(struct json_writer *w, uint64_t v)
{
	char buf[24], *e;

	jw_value_prefix(w);
	e = jw_fmt_hex(buf, v);
	w_write(w, buf, e - buf);
}

void jw_bool(struct json_writer *w, bool v)
{
	jw_value_prefix(w);
	w_puts(w, v ? "true" : "false");
}

void jw_null(struct json_writer *w)
{
	jw_value_prefix(w);
	w_puts(w, "null");
}

void jw_end_line(struct json_writer *w)
{
	w_put(w, '\n');
	jw_flush(w);
	w->depth = 0;
	w->need_comma[0] = false;
	w->after_key = false;
}

void jw_kv_string(struct json_writer *w, const char *k, const char *s) { jw_key(w, k); jw_string(w, s); }
void jw_kv_u64(struct json_writer *w, const char *k, uint64_t v) { jw_key(w, k); jw_u64(w, v); }
void jw_kv_s64(struct json_writer *w, const char *k, int64_t v) { jw_key(w, k); jw_s64(w, v); }
void jw_kv_hex(struct json_writer *w, const char *k, uint64_t v) { jw_key(w, k); jw_hex(w, v); }
void jw_kv_bool(struct json_writer *w, const char *k, bool v) { jw_key(w, k); jw_bool(w, v); }
void jw_kv_double(struct json_writer *w, const char *k, double v) { jw_key(w, k); jw_double(w, v); }

/* "00" "01" ... "99" */
const char jw_dec_pairs[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

const uint64_t jw_pow10[20] = {
	0, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull,
	10000000ull, 100000000ull, 1000000000ull, 10000000000ull,
	100000000000ull, 1000000000000ull, 10000000000000ull,
	100000000000000ull, 1000000000000000ull, 10000000000000000ull,
	100000000000000000ull, 1000000000000000000ull,
	10000000000000000000ull,
};

/* Writes the two digits of v % 100 before e and returns e - 2. */
static inline char *put_pair(char *e, unsigned int v)
{
	e -= 2;
	memcpy(e, jw_dec_pairs + 2 * (v % 100), 2);
	return e;
}

char *jw_fmt_u64(char *p, uint64_t v)
{
	unsigned int t, n;
	uint32_t w;
	char *e;

	if (v < 100) {
		if (v < 10) {
			*p = '0' + v;
			return p + 1;
		}
		memcpy(p, jw_dec_pairs + 2 * v, 2);
		return p + 2;
	}
	/* digits: log10 from the bit length, corrected by one compare */
	t = (64 - __builtin_clzll(v)) * 1233 >> 12;
	n = t + 1 - (v < jw_pow10[t]);
	if (v < 100000000)
		return jw_fmt_digits8(p, v, n);
	e = p + n;
	while (v >= 100000000) {
		/* 8 digits at a time in 32-bit arithmetic */
		w = v % 100000000;
		v /= 100000000;
		for (int i = 0; i < 4; i++, w /= 100)
			e = put_pair(e, w);
	}
	for (w = v; w >= 100; w /= 100)
		e = put_pair(e, w);
	if (w >= 10)
		put_pair(e, w);
	else
		e[-1] = '0' + w;
	return p + n;
}

char *jw_fmt_hex(char *p, uint64_t v)
{
	/* '"', "0x", 16 bytes stored for the digits: JW_HEX_MAX in all */
	p[0] = '"';
	p[1] = '0';
	p[2] = 'x';
	p = hex_fmt(p + 3, v);
	*p = '"';
	return p + 1;
}

char *jw_fmt_key(char *p, const char *key, size_t len, bool comma)
{
	if (comma)
		*p++ = ',';
	*p++ = '"';
	memcpy(p, key, len);
	p += len;
	*p++ = '"';
	*p++ = ':';
	return p;
}

void jw_write_lines(struct json_writer *w, const char *s, size_t len)
{
	jw_flush(w);
	fwrite_unlocked(s, 1, len, w->out);
	w->depth = 0;
	w->need_comma[0] = false;
	w->after_key = false;
}
