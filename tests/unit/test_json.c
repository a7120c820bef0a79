// SPDX-License-Identifier: GPL-2.0
/*
 * test_json.c - the JSON writer: string escaping (quotes, backslashes,
 * control bytes, DEL; other bytes such as UTF-8 pass through), numbers,
 * hex addresses, commas and nesting, one object per line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "json.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_values_and_nesting),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
