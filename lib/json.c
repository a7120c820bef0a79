// SPDX-License-Identifier: GPL-2.0
/*
 * json.c - the JSON writer: nesting, commas, string escaping, number and
 * hex-address formatting, written straight into a stdio stream.
 */
#include <inttypes.h>
#include <math.h>
#include <string.h>
#include "json.h"

void jw_init(struct json_writer *w, FILE *out, bool pretty)
{
	w->out = out;
	w->pretty = pretty;
	w->depth = 0;
	w->need_comma[0] = false;
	w->after_key = false;
}

static void jw_indent(struct json_writer *w)
{
	if (!w->pretty)
		return;
	putc_unlocked('\n', w->out);
	for (int i = 0; i < w->depth; i++)
		fputs("  ", w->out);
}

/* Separator before a value or key at the current level. */
static void jw_value_prefix(struct json_writer *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->need_comma[w->depth])
		putc_unlocked(',', w->out);
	if (w->depth > 0)
		jw_indent(w);
	w->need_comma[w->depth] = true;
}

static void jw_open(struct json_writer *w, char c)
{
	jw_value_prefix(w);
	putc_unlocked(c, w->out);
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
	putc_unlocked(c, w->out);
}

void jw_object_start(struct json_writer *w) { jw_open(w, '{'); }
void jw_object_end(struct json_writer *w) { jw_close(w, '}'); }
void jw_array_start(struct json_writer *w) { jw_open(w, '['); }
void jw_array_end(struct json_writer *w) { jw_close(w, ']'); }

static void jw_raw_string(FILE *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";

	putc_unlocked('"', out);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = s[i];
		size_t run = i;

		/* a run that needs no escaping goes out in one write */
		while (run < len && (unsigned char)s[run] >= 0x20 && s[run] != '"' &&
		       s[run] != '\\' && s[run] != 0x7f)
			run++;
		if (run > i) {
			fwrite_unlocked(s + i, 1, run - i, out);
			i = run - 1;
			continue;
		}
		switch (c) {
		case '"':  fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\n': fputs("\\n", out); break;
		case '\r': fputs("\\r", out); break;
		case '\t': fputs("\\t", out); break;
		default:
			if (c < 0x20 || c == 0x7f) {
				fputs("\\u00", out);
				putc_unlocked(hex[c >> 4], out);
				putc_unlocked(hex[c & 15], out);
			} else {
				putc_unlocked(c, out);
			}
		}
	}
	putc_unlocked('"', out);
}

void jw_key(struct json_writer *w, const char *key)
{
	jw_value_prefix(w);
	jw_raw_string(w->out, key, strlen(key));
	putc_unlocked(':', w->out);
	if (w->pretty)
		putc_unlocked(' ', w->out);
	w->after_key = true;
}

void jw_string_len(struct json_writer *w, const char *s, size_t len)
{
	jw_value_prefix(w);
	jw_raw_string(w->out, s, len);
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
	char buf[24], *p = buf + sizeof(buf);

	jw_value_prefix(w);
	*--p = 0;
	do {
		*--p = '0' + v % 10;
		v /= 10;
	} while (v);
	fputs(p, w->out);
}

void jw_s64(struct json_writer *w, int64_t v)
{
	if (v < 0) {
		jw_value_prefix(w);
		fprintf(w->out, "%" PRId64, v);
		return;
	}
	jw_u64(w, v);
}

void jw_double(struct json_writer *w, double v)
{
	jw_value_prefix(w);
	if (isfinite(v))
		fprintf(w->out, "%.6g", v);
	else
		fputs("null", w->out);
}

void jw_hex(struct json_writer *w, uint64_t v)
{
	static const char hex[] = "0123456789abcdef";
	char buf[24], *p = buf + sizeof(buf);

	jw_value_prefix(w);
	*--p = 0;
	*--p = '"';
	do {
		*--p = hex[v & 15];
		v >>= 4;
	} while (v);
	*--p = 'x';
	*--p = '0';
	*--p = '"';
	fputs(p, w->out);
}

void jw_bool(struct json_writer *w, bool v)
{
	jw_value_prefix(w);
	fputs(v ? "true" : "false", w->out);
}

void jw_null(struct json_writer *w)
{
	jw_value_prefix(w);
	fputs("null", w->out);
}

void jw_end_line(struct json_writer *w)
{
	putc_unlocked('\n', w->out);
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
static const char dec_pairs[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

static const uint64_t pow10_tab[20] = {
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
	memcpy(e, dec_pairs + 2 * (v % 100), 2);
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
		memcpy(p, dec_pairs + 2 * v, 2);
		return p + 2;
	}
	/* digits: log10 from the bit length, corrected by one compare */
	t = (64 - __builtin_clzll(v)) * 1233 >> 12;
	n = t + 1 - (v < pow10_tab[t]);
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
	static const char hex[] = "0123456789abcdef";
	unsigned int n = (64 - __builtin_clzll(v | 1) + 3) / 4;
	char *e = p + 3 + n;

	*p = '"';
	p[1] = '0';
	p[2] = 'x';
	*e = '"';
	do {
		*--e = hex[v & 15];
		v >>= 4;
	} while (v);
	return p + 4 + n;
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
	fwrite_unlocked(s, 1, len, w->out);
	w->depth = 0;
	w->need_comma[0] = false;
	w->after_key = false;
}
