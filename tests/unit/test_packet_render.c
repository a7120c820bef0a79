// SPDX-License-Identifier: GPL-2.0
/*
 * test_packet_render.c - lib/output/packet_render.c on a made-up decoder:
 * a table of packet descriptions (every field kind, a name longer than
 * the text column, a key that JSON must escape, fewer fields than the
 * type has, padding, a decode error, a type the decoder does not
 * describe) against the text and JSON lines expected of them, at a
 * chunk's file offset; --no-pad, --stats (text and JSON), and
 * pretty-printed JSON through the writer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "lib/output/json.h"
#include "lib/output/packet_render.h"

enum { T_PAD, T_PLAIN, T_NUMS, T_TNT, T_LONG, T_NR };

static const struct packet_field_desc nums[] = {
	{ .key = "dec", .kind = PACKET_FIELD_DEC },
	{ .key = "hex", .kind = PACKET_FIELD_HEX },
	{ .key = "big", .kind = PACKET_FIELD_DEC },
};
static const struct packet_field_desc tnt[] = {
	{ .key = "tnt", .kind = PACKET_FIELD_BITS, .bits = { 'N', 'T' } },
	{ .key = "raw", .kind = PACKET_FIELD_BITS },	/* default 0 and 1 */
};
static const struct packet_field_desc odd[] = {
	{ .key = "a \"quoted\" key", .kind = PACKET_FIELD_HEX },
};

static const struct packet_type_desc types[T_NR] = {
	[T_PAD] = { .name = "pad", .flags = PACKET_TYPE_PAD },
	[T_PLAIN] = { .name = "psb" },
	[T_NUMS] = { .name = "nums", .nr_fields = 3, .fields = nums },
	[T_TNT] = { .name = "tnt.64", .nr_fields = 2, .fields = tnt },
	[T_LONG] = { .name = "a.very.long.packet.name.past.32.bytes", .nr_fields = 1,
		     .fields = odd },
};

#define D(off, sz, t, n, ...)	{ .offset = off, .size = sz, .type = t, .nr = n,	\
				  .v = { __VA_ARGS__ } }

static const struct packet_desc descs[] = {
	D(0, 1, T_PAD, 0),
	D(1, 16, T_PLAIN, 0),
	D(17, 9, T_NUMS, 3, 0, 0, 18446744073709551615ull),
	D(26, 9, T_NUMS, 3, 99, 0x7f3a12345678ull, 100),
	D(35, 2, T_NUMS, 1, 7),		/* only the first field */
	{ .offset = 37, .size = 8, .type = T_TNT, .nr = 2, .v = { 0x9, 0x5 },
	  .nbits = { 4, 3 } },
	{ .offset = 45, .size = 8, .type = T_TNT, .nr = 2, .v = { ~0ull, 0 },
	  .nbits = { 64, 9 } },
	D(53, 3, T_LONG, 1, 0x1f),
	{ .offset = 56, .err = -4 },
	D(60, 1, T_NR, 0),		/* no such type */
	D(61, 1, T_PAD, 0),
};

static const char *const want_text[] = {
	"0000000000001000  pad",
	"0000000000001001  psb",
	"0000000000001011  nums       dec 0 hex 0x0 big 18446744073709551615",
	"000000000000101a  nums       dec 99 hex 0x7f3a12345678 big 100",
	"0000000000001023  nums       dec 7",
	"0000000000001025  tnt.64     TNNT 101",
	("000000000000102d  tnt.64     TTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTT"
	 " 000000000"),
	"0000000000001035  a.very.long.packet.name.past.32.bytes a \"quoted\" key 0x1f",
	"0000000000001038  error: bad thing 4",
	"000000000000103c  error: invalid packet description",
	"000000000000103d  pad",
};

static const char *const want_json[] = {
	"{\"offset\":4096,\"size\":1,\"packet\":\"pad\"}",
	"{\"offset\":4097,\"size\":16,\"packet\":\"psb\"}",
	"{\"offset\":4113,\"size\":9,\"packet\":\"nums\",\"dec\":0,\"hex\":\"0x0\","
	"\"big\":18446744073709551615}",
	"{\"offset\":4122,\"size\":9,\"packet\":\"nums\",\"dec\":99,"
	"\"hex\":\"0x7f3a12345678\",\"big\":100}",
	"{\"offset\":4131,\"size\":2,\"packet\":\"nums\",\"dec\":7}",
	"{\"offset\":4133,\"size\":8,\"packet\":\"tnt.64\",\"tnt\":\"TNNT\",\"raw\":\"101\"}",
	"{\"offset\":4141,\"size\":8,\"packet\":\"tnt.64\",\"tnt\":"
	"\"TTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTT\","
	"\"raw\":\"000000000\"}",
	"{\"offset\":4149,\"size\":3,\"packet\":\"a.very.long.packet.name.past.32.bytes\","
	"\"a \\\"quoted\\\" key\":\"0x1f\"}",
	"{\"offset\":4152,\"error\":\"bad thing 4\"}",
	"{\"offset\":4156,\"error\":\"invalid packet description\"}",
	"{\"offset\":4157,\"size\":1,\"packet\":\"pad\"}",
};

#define NR	(sizeof(descs) / sizeof(descs[0]))

static unsigned int begin_flags;
static int nr_begun, nr_ended;

static void *fake_begin(unsigned int flags)
{
	begin_flags = flags;
	nr_begun++;
	return &begin_flags;
}

/* The table, in batches of 1, 2, 3, ... descriptions. */
static int fake_packets(void *state, const struct aux_chunk *chunk, packet_fn fn,
			void *ctx)
{
	size_t i = 0, n = 1;
	int ret;

	assert_ptr_equal(state, &begin_flags);
	assert_int_equal(chunk->size, 62);
	for (; i < NR; i += n, n++) {
		ret = fn(ctx, descs + i, i + n <= NR ? n : NR - i);
		if (ret)
			return ret;
	}
	return 0;
}

static void fake_end(void *state)
{
	nr_ended++;
}

static const char *fake_errstr(int err)
{
	static char s[32];

	snprintf(s, sizeof(s), "bad thing %d", -err);
	return s;
}

static const struct packet_ops ops = {
	.types = types,
	.nr_types = T_NR,
	.begin = fake_begin,
	.packets = fake_packets,
	.end = fake_end,
	.errstr = fake_errstr,
};

static const uint8_t bytes[62];
static const struct aux_chunk chunk = {
	.data = bytes, .size = sizeof(bytes), .file_offset = 0x1000, .cpu = -1,
};

/* The whole output of one dump of the table. */
static char *render(bool json, bool pretty, bool stats, bool no_pad)
{
	struct packet_render_opts opts = { .stats = stats, .no_pad = no_pad };
	struct packet_render *r;
	struct json_writer jw;
	size_t len = 0;
	char *out = NULL;
	FILE *f = open_memstream(&out, &len);

	assert_non_null(f);
	opts.out = f;
	if (json) {
		jw_init(&jw, f, pretty);
		opts.jw = &jw;
	}
	nr_begun = nr_ended = 0;
	r = packet_render_new(&ops, &opts);
	assert_non_null(r);
	assert_int_equal(begin_flags, stats ? PACKETS_NO_FIELDS : 0);
	assert_int_equal(packet_render_chunk(r, &chunk), 0);
	assert_int_equal(packet_render_end(r), 0);
	assert_int_equal(nr_begun, 1);
	assert_int_equal(nr_ended, 1);
	fclose(f);
	return out;
}

/* want[] joined with newlines, those of pad packets left out when no_pad */
static void expect_lines(const char *got, const char *const *want, bool no_pad)
{
	char all[4096] = "";
	size_t n = 0;

	for (size_t i = 0; i < NR; i++)
		if (!no_pad || descs[i].type != T_PAD || descs[i].err)
			n += snprintf(all + n, sizeof(all) - n, "%s\n", want[i]);
	assert_string_equal(got, all);
}

/* The listing in one format, with and without padding packets. */
static void check_listing(bool json, const char *const *want)
{
	for (int no_pad = 0; no_pad <= 1; no_pad++) {
		char *out = render(json, false, false, no_pad);

		expect_lines(out, want, no_pad);
		free(out);
	}
}

static void test_text(void **state)
{
	check_listing(false, want_text);
}

static void test_json(void **state)
{
	check_listing(true, want_json);
}

static void test_pretty_json(void **state)
{
	char *out = render(true, true, false, false);
	const char *want = "{\n"
		"  \"offset\": 4122,\n"
		"  \"size\": 9,\n"
		"  \"packet\": \"nums\",\n"
		"  \"dec\": 99,\n"
		"  \"hex\": \"0x7f3a12345678\",\n"
		"  \"big\": 100\n"
		"}\n";

	assert_non_null(strstr(out, want));
	assert_non_null(strstr(out, "\"tnt\": \"TNNT\""));
	assert_non_null(strstr(out, "\"error\": \"bad thing 4\""));
	free(out);
}

static void test_stats(void **state)
{
	char *out = render(false, false, true, false);

	assert_string_equal(out,
		"packet              count            bytes\n"
		"pad                     2                2\n"
		"psb                     1               16\n"
		"nums                    3               20\n"
		"tnt.64                  2               16\n"
		"a.very.long.packet.name.past.32.bytes              1                3\n"
		"total                   9               57\n"
		"errors                  2\n");
	free(out);
	out = render(true, false, true, false);
	assert_string_equal(out,
		"{\"type\":\"packet_stats\",\"packets\":9,\"bytes\":57,\"errors\":2,"
		"\"count\":{\"pad\":2,\"psb\":1,\"nums\":3,\"tnt.64\":2,"
		"\"a.very.long.packet.name.past.32.bytes\":1},"
		"\"bytes_by_packet\":{\"pad\":2,\"psb\":16,\"nums\":20,\"tnt.64\":16,"
		"\"a.very.long.packet.name.past.32.bytes\":3}}\n");
	free(out);
}

/* No packets op, no output stream: nothing to render with. */
static void test_refuses(void **state)
{
	struct packet_ops none = { .types = types, .nr_types = T_NR };
	struct packet_render_opts opts = { .out = stdout };
	struct packet_render_opts no_out = { 0 };

	assert_null(packet_render_new(&none, &opts));
	assert_null(packet_render_new(&ops, &no_out));
	assert_null(packet_render_new(NULL, &opts));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_pretty_json),
		cmocka_unit_test(test_stats),
		cmocka_unit_test(test_refuses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
