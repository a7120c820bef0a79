// SPDX-License-Identifier: GPL-2.0
/*
 * test_json.c - the JSON writer: string escaping (quotes, backslashes,
 * control bytes, DEL; other bytes such as UTF-8 pass through), numbers,
 * hex addresses, commas and nesting, one object per line, and the
 * writer's buffer (long strings, order against direct writes).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "lib/output/json.h"

struct out {
	char *p;
	size_t len;
	FILE *f;
};

static void out_open(struct out *o)
{
	o->p = NULL;
	o->len = 0;
	o->f = open_memstream(&o->p, &o->len);
	assert_non_null(o->f);
}

static void out_expect(struct out *o, const char *want)
{
	fclose(o->f);
	assert_string_equal(o->p, want);
	free(o->p);
}

static void test_escaping(void **state)
{
	static const char raw[] = "a\"b\\c\nd\re\tf\x01g\x1fh\x7fi \xc3\xa9 end";
	struct json_writer w;
	struct out o;

	out_open(&o);
	jw_init(&w, o.f, false);
	jw_object_start(&w);
	jw_kv_string(&w, "s", raw);
	jw_kv_string(&w, "q\"k", "");
	jw_kv_string(&w, "null", NULL);
	jw_key(&w, "len");
	jw_string_len(&w, "ab\0cd", 5);	/* an embedded NUL is escaped */
	jw_object_end(&w);
	jw_end_line(&w);
	out_expect(&o, "{\"s\":\"a\\\"b\\\\c\\nd\\re\\tf\\u0001g\\u001fh\\u007fi \xc3\xa9 end\","
		       "\"q\\\"k\":\"\",\"null\":null,\"len\":\"ab\\u0000cd\"}\n");
}

static void test_values_and_nesting(void **state)
{
	struct json_writer w;
	struct out o;

	out_open(&o);
	jw_init(&w, o.f, false);
	jw_object_start(&w);
	jw_kv_u64(&w, "u", UINT64_MAX);
	jw_kv_s64(&w, "s", INT64_MIN);
	jw_kv_s64(&w, "z", 0);
	jw_kv_hex(&w, "h", 0xffffffff81000000ULL);
	jw_kv_hex(&w, "h0", 0);
	jw_kv_bool(&w, "b", true);
	jw_key(&w, "a");
	jw_array_start(&w);
	jw_u64(&w, 1);
	jw_array_start(&w);
	jw_array_end(&w);
	jw_object_start(&w);
	jw_object_end(&w);
	jw_array_end(&w);
	jw_object_end(&w);
	jw_end_line(&w);
	jw_object_start(&w);	/* the next line starts clean */
	jw_kv_u64(&w, "n", 2);
	jw_object_end(&w);
	jw_end_line(&w);
	out_expect(&o, "{\"u\":18446744073709551615,\"s\":-9223372036854775808,\"z\":0,"
		       "\"h\":\"0xffffffff81000000\",\"h0\":\"0x0\",\"b\":true,"
		       "\"a\":[1,[],{}]}\n{\"n\":2}\n");
}

/* The escaping of one byte, the slow obvious way. */
static char *ref_escape(char *p, unsigned char c)
{
	switch (c) {
	case '"': return p + sprintf(p, "\\\"");
	case '\\': return p + sprintf(p, "\\\\");
	case '\n': return p + sprintf(p, "\\n");
	case '\r': return p + sprintf(p, "\\r");
	case '\t': return p + sprintf(p, "\\t");
	}
	if (c < 0x20 || c == 0x7f)
		return p + sprintf(p, "\\u%04x", c);
	if (c >= 0x80)	/* alone between ASCII bytes: no UTF-8 */
		return p + sprintf(p, "\\ufffd");
	*p = c;
	return p + 1;
}

/*
 * Every byte value at every place of strings of 22-24 bytes (runs are
 * scanned 8 bytes at a time, then byte by byte).
 */
static void test_escape_every_byte(void **state)
{
	char str[24], want[24 * 6 + 8], *p;

	for (int c = 1; c < 256; c++)
		for (int at = 0; at < (int)sizeof(str); at++) {
			size_t n = sizeof(str) - at % 3;
			struct json_writer w;
			struct out o;

			memset(str, c == 'a' ? 'b' : 'a', sizeof(str));
			str[at] = (char)c;
			p = want;
			*p++ = '"';
			for (size_t i = 0; i < n; i++)
				p = ref_escape(p, (unsigned char)str[i]);
			strcpy(p, "\"\n");
			out_open(&o);
			jw_init(&w, o.f, false);
			jw_string_len(&w, str, n);
			jw_end_line(&w);
			out_expect(&o, want);
		}
}

/*
 * UTF-8: well-formed sequences are copied, every byte of an ill-formed one
 * (stray continuation, overlong, surrogate, past U+10FFFF, cut short) is
 * U+FFFD; through all three writers (a stream, jw_fmt_string() and its size).
 */
static void test_utf8(void **state)
{
	static const struct { const char *in, *want; } t[] = {
		{ "caf\xc3\xa9", "\"caf\xc3\xa9\"" },
		{ "\xe2\x82\xac" "1\xf0\x9f\x98\x80", "\"\xe2\x82\xac" "1\xf0\x9f\x98\x80\"" },
		{ "\xed\x9f\xbf\xee\x80\x80\xf4\x8f\xbf\xbf", "\"\xed\x9f\xbf\xee\x80\x80\xf4\x8f\xbf\xbf\"" },
		{ "a\x80z", "\"a\\ufffdz\"" },
		{ "\xc0\xaf", "\"\\ufffd\\ufffd\"" },		/* overlong '/' */
		{ "\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\"" },	/* overlong */
		{ "\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"" },	/* a surrogate */
		{ "\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" },	/* > U+10FFFF */
		{ "\xf5", "\"\\ufffd\"" },
		{ "x\xe2\x82", "\"x\\ufffd\\ufffd\"" },		/* cut short at the end */
		{ "\xe2\x82\"", "\"\\ufffd\\ufffd\\\"\"" },	/* cut short by a quote */
		{ "sample 0004\x80\xff", "\"sample 0004\\ufffd\\ufffd\"" },
	};

	for (size_t k = 0; k < sizeof(t) / sizeof(t[0]); k++) {
		size_t len = strlen(t[k].in), want = strlen(t[k].want);
		char buf[128], line[140];
		struct json_writer w;
		struct out o;

		assert_int_equal(jw_string_size(t[k].in, len), want);
		*jw_fmt_string(buf, t[k].in, len) = 0;
		assert_string_equal(buf, t[k].want);
		snprintf(line, sizeof(line), "%s\n", t[k].want);
		out_open(&o);
		jw_init(&w, o.f, false);
		jw_string_len(&w, t[k].in, len);
		jw_end_line(&w);
		out_expect(&o, line);
	}
}

/*
 * The writer gathers output in a 4K buffer: strings longer than it, values
 * across its end and many lines come out whole and in order, each line by
 * jw_end_line() and a pretty document by its closing brace, before the
 * caller writes to the stream itself.
 */
/*
 * jw_fmt_hex ("0x...") and jw_fmt_u64 as printf writes them, every digit
 * count, within the room declared
 */
static void test_hex_as_printf(void **state)
{
	uint64_t seed = 0x9e3779b97f4a7c15ULL;

	for (int i = 0; i < 20000; i++) {
		char buf[JW_HEX_MAX + 1], want[32], *e;
		uint64_t v;

		seed ^= seed << 13;
		seed ^= seed >> 7;
		seed ^= seed << 17;
		v = i < 65 ? (i ? ~0ULL >> (i - 1) : 0) : seed >> (seed % 64);
		memset(buf, '#', sizeof(buf));
		e = jw_fmt_hex(buf, v);
		snprintf(want, sizeof(want), "\"0x%" PRIx64 "\"", v);
		assert_int_equal(e - buf, strlen(want));
		assert_memory_equal(buf, want, strlen(want));
		assert_int_equal(buf[JW_HEX_MAX], '#');
		/* and jw_fmt_u64, whose digits are made 8 at a time */
		memset(buf, '#', sizeof(buf));
		e = jw_fmt_u64(buf, v);
		snprintf(want, sizeof(want), "%" PRIu64, v);
		assert_int_equal(e - buf, strlen(want));
		assert_memory_equal(buf, want, strlen(want));
		assert_int_equal(buf[JW_U64_MAX], '#');
	}
	(void)state;
}

static void test_buffering(void **state)
{
	static char big[10000];
	struct json_writer w;
	struct out o;
	char *want, *p;

	memset(big, 'x', sizeof(big) - 1);
	big[100] = '"';
	out_open(&o);
	jw_init(&w, o.f, false);
	for (int i = 0; i < 3000; i++) {
		jw_object_start(&w);
		jw_kv_u64(&w, "i", i);
		if (i == 7)
			jw_kv_string(&w, "big", big);
		jw_object_end(&w);
		jw_end_line(&w);
		if (i == 9)
			fputs("direct\n", o.f);
	}
	jw_init(&w, o.f, true);
	jw_object_start(&w);
	jw_kv_double(&w, "d", 0.5);
	jw_kv_double(&w, "nan", 0.0 / 0.0);
	jw_object_end(&w);
	fputs("|end", o.f);

	want = p = malloc(3000 * 16 + sizeof(big) + 256);
	assert_non_null(want);
	for (int i = 0; i < 3000; i++) {
		if (i == 7)
			p += sprintf(p, "{\"i\":7,\"big\":\"%.100s\\\"%s\"}\n", big, big + 101);
		else
			p += sprintf(p, "{\"i\":%d}\n", i);
		if (i == 9)
			p += sprintf(p, "direct\n");
	}
	sprintf(p, "{\n  \"d\": 0.5,\n  \"nan\": null\n}|end");
	out_expect(&o, want);
	free(want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_values_and_nesting),
		cmocka_unit_test(test_buffering),
		cmocka_unit_test(test_hex_as_printf),
		cmocka_unit_test(test_escape_every_byte),
		cmocka_unit_test(test_utf8),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
