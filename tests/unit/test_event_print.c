// SPDX-License-Identifier: GPL-2.0
/*
 * test_event_print.c - the typed event model's names (decoders/event.c)
 * and the renderers of lib/output/event_print.c: one event of each shape
 * (branch with symbols, trace begin, an error, ptwrite, a memory-access
 * sample with the data symbol of its address) as text and as JSON, the context part rendered again after a
 * switch of process, names that need escaping, and a branch printed
 * again after its maps changed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "lib/output/event_print.h"

static void test_names(void **state)
{
	for (int k = 0; k < EVENT_KIND_NR; k++) {
		assert_non_null(event_kind_name(k));
		assert_int_equal(event_kind_by_name(event_kind_name(k)), k);
	}
	assert_null(event_kind_name(EVENT_KIND_NR));
	assert_int_equal(event_kind_by_name("nope"), -1);
	assert_null(branch_kind_name(0));
	assert_null(branch_kind_name(BRANCH_F_TRACE_END));
	assert_string_equal(branch_kind_name(BRANCH_F_BRANCH), "jmp");
	assert_string_equal(branch_kind_name(BRANCH_F_BRANCH | BRANCH_F_CONDITIONAL), "jcc");
	assert_string_equal(branch_kind_name(BRANCH_F_BRANCH | BRANCH_F_CALL), "call");
	assert_string_equal(branch_kind_name(BRANCH_F_BRANCH | BRANCH_F_RETURN), "return");
	assert_string_equal(branch_kind_name(BRANCH_F_BRANCH | BRANCH_F_CALL | BRANCH_F_FAR),
			    "far_call");
	assert_string_equal(branch_kind_name(BRANCH_F_BRANCH | BRANCH_F_RETURN | BRANCH_F_FAR),
			    "far_return");
	assert_string_equal(branch_kind_name(BRANCH_F_BRANCH | BRANCH_F_FAR), "far_jmp");
	assert_string_equal(branch_kind_name(BRANCH_F_BRANCH | BRANCH_F_CALL |
					     BRANCH_F_SYSCALLRET), "syscall");
	assert_string_equal(branch_kind_name(BRANCH_F_BRANCH | BRANCH_F_RETURN |
					     BRANCH_F_SYSCALLRET), "sysret");
	assert_string_equal(branch_kind_name(BRANCH_F_BRANCH | BRANCH_F_ASYNC), "async");
	assert_string_equal(branch_kind_name(BRANCH_F_BRANCH | BRANCH_F_TX_ABORT), "tx_abort");
	assert_string_equal(event_detail_name(EVENT_DETAIL_PWRX), "pwrx");
	assert_null(event_detail_name(EVENT_DETAIL_NONE));
	assert_string_equal(mem_op_name(MEM_OP_STORE), "store");
	assert_string_equal(mem_op_name(200), "other");
}

static struct symbol syms[] = {
	{ .start = 0x401000, .size = 0x100, .name = "main" },
	{ .start = 0x401100, .size = 0x100, .name = "odd\"name" },
	{ .start = 0x402000, .size = 0x100, .name = "table" },	/* a data object */
};
static struct dso prog = { .path = "/bin/prog", .name = "/bin/prog", .fd = -1, .is_exec = true,
			   .syms = syms, .nr_syms = 3 };

/* Renders events with one printer into a string. */
struct out {
	char *text;
	size_t len;
	FILE *f;
	struct event_printer pr;
};

static void out_open(struct out *o, bool json)
{
	o->f = open_memstream(&o->text, &o->len);
	assert_non_null(o->f);
	assert_int_equal(event_printer_init(&o->pr, o->f, json, false), 0);
}

static void out_close(struct out *o)
{
	event_printer_free(&o->pr);
	fclose(o->f);
}

static void render(bool json, const struct trace_event *te, size_t n, const char *want)
{
	struct out o;

	out_open(&o, json);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(event_print(&o.pr, &te[i]), 0);
	out_close(&o);
	assert_string_equal(o.text, want);
	free(o.text);
}

static void test_render(void **state)
{
	struct proc a = { .pid = 7, .comm = "prog" }, b = { .pid = 8, .comm = "tab\there" };
	struct session_piece piece = { .chunk = { .cpu = 1 } };
	struct mem_sample mem = { .valid = MEM_HAS_VADDR | MEM_HAS_TOTAL_LAT | MEM_HAS_DATA_SRC,
				  .op = MEM_OP_LOAD, .vaddr = 0x402010, .total_lat = 42,
				  .data_src = 0x1a, .events = 0x6,
				  .classes = MEM_C_L1D_MISS | MEM_C_TLB_ACCESS };
	struct decode_event ev[] = {
		{ .kind = EVENT_TRACE_BEGIN, .branch = BRANCH_F_TRACE_BEGIN, .to = 0x401000,
		  .time = 1500000000, .aux_offset = 16 },
		{ .kind = EVENT_BRANCH, .branch = BRANCH_F_BRANCH | BRANCH_F_CALL,
		  .from = 0x401010, .to = 0x401104, .insn_count = 3, .time = 1500000000 },
		{ .kind = EVENT_ERROR, .from = 0x401104, .error = "no code at ip",
		  .aux_offset = 99 },
		{ .kind = EVENT_PTWRITE, .from = 0x401108, .payload = 0xbeef },
		{ .kind = EVENT_MEM_SAMPLE, .from = 0x401000, .mem = &mem },
	};
	struct trace_event te[5];

	assert_int_equal(maps_insert(&a.maps, 0x401000, 0x2000, 0, &prog), 0);
	for (int i = 0; i < 5; i++)
		te[i] = (struct trace_event){ .ev = &ev[i], .piece = &piece, .proc = &a,
					      .pid = 7, .tid = 7, .comm = a.comm, .cpu = 1 };
	te[3].proc = &b;	/* another process: its context is rendered anew */
	te[3].pid = te[3].tid = 8;
	te[3].comm = b.comm;
	b.maps = a.maps;
	render(false, te, 5,
	       "            prog      7 [001] 1.500000000:    tr strt                0 [unknown] ([unknown]) =>           401000 main+0x0 (/bin/prog)\n"
	       "            prog      7 [001] 1.500000000:       call           401010 main+0x10 (/bin/prog) =>           401104 odd\"name+0x4 (/bin/prog)\n"
	       "            prog      7 [001]      error  error: no code at ip at AUX offset 0x63 ip 0x401104\n"
	       "        tab\there      8 [001]    ptwrite           401108 odd\"name+0x8 (/bin/prog) =>                0 [unknown] ([unknown]) payload 0xbeef\n"
	       "            prog      7 [001] mem_sample           401000 main+0x0 (/bin/prog) op load vaddr 0x402010 table+0x10 (/bin/prog) lat 42 data_src 0x1a events 0x6\n");
	render(true, te, 5,
	       "{\"type\":\"trace_begin\",\"time\":1500000000,\"pid\":7,\"tid\":7,\"cpu\":1,\"comm\":\"prog\",\"from\":\"0x0\",\"to\":\"0x401000\",\"to_sym\":\"main\",\"to_symoff\":0,\"to_dso\":\"/bin/prog\",\"insn_count\":0,\"aux_offset\":16}\n"
	       "{\"type\":\"branch\",\"kind\":\"call\",\"time\":1500000000,\"pid\":7,\"tid\":7,\"cpu\":1,\"comm\":\"prog\",\"from\":\"0x401010\",\"from_sym\":\"main\",\"from_symoff\":16,\"from_dso\":\"/bin/prog\",\"to\":\"0x401104\",\"to_sym\":\"odd\\\"name\",\"to_symoff\":4,\"to_dso\":\"/bin/prog\",\"insn_count\":3,\"aux_offset\":0}\n"
	       "{\"type\":\"error\",\"pid\":7,\"tid\":7,\"cpu\":1,\"comm\":\"prog\",\"from\":\"0x401104\",\"from_sym\":\"odd\\\"name\",\"from_symoff\":4,\"from_dso\":\"/bin/prog\",\"to\":\"0x0\",\"insn_count\":0,\"aux_offset\":99,\"error\":\"no code at ip\"}\n"
	       "{\"type\":\"ptwrite\",\"pid\":8,\"tid\":8,\"cpu\":1,\"comm\":\"tab\\there\",\"from\":\"0x401108\",\"from_sym\":\"odd\\\"name\",\"from_symoff\":8,\"from_dso\":\"/bin/prog\",\"to\":\"0x0\",\"insn_count\":0,\"aux_offset\":0,\"payload\":\"0xbeef\"}\n"
	       "{\"type\":\"mem_sample\",\"pid\":7,\"tid\":7,\"cpu\":1,\"comm\":\"prog\",\"from\":\"0x401000\",\"from_sym\":\"main\",\"from_symoff\":0,\"from_dso\":\"/bin/prog\",\"to\":\"0x0\",\"insn_count\":0,\"aux_offset\":0,\"op\":\"load\",\"op_raw\":0,\"classes\":[\"l1d_miss\",\"tlb_access\"],\"vaddr\":\"0x402010\",\"vaddr_sym\":\"table\",\"vaddr_symoff\":16,\"vaddr_dso\":\"/bin/prog\",\"total_latency\":42,\"data_src\":\"0x1a\",\"events\":\"0x6\"}\n");
	maps_free(&a.maps);
}

static struct symbol other_syms[] = {
	{ .start = 0x401000, .size = 0x200, .name = "other" },
};
static struct dso other = { .path = "/bin/other", .name = "/bin/other", .fd = -1,
			    .is_exec = true, .syms = other_syms, .nr_syms = 1 };

/*
 * A branch printed again comes from the cache of rendered ends, until the
 * maps change: then it is rendered anew (the same addresses, another dso).
 */
static void test_pair_cache_follows_maps(void **state)
{
	struct proc a = { .pid = 7, .comm = "prog" };
	struct session_piece piece = { .chunk = { .cpu = 1 } };
	struct decode_event ev = { .kind = EVENT_BRANCH, .branch = BRANCH_F_BRANCH,
				   .from = 0x401010, .to = 0x401104 };
	struct trace_event te = { .ev = &ev, .piece = &piece, .proc = &a, .pid = 7, .tid = 7,
				  .comm = a.comm, .cpu = 1 };
	const char *before = "            prog      7 [001]        jmp           401010 main+0x10 (/bin/prog) =>           401104 odd\"name+0x4 (/bin/prog)\n";
	const char *after = "            prog      7 [001]        jmp           401010 other+0x10 (/bin/other) =>           401104 other+0x104 (/bin/other)\n";
	char *want;
	struct out o;

	assert_int_equal(maps_insert(&a.maps, 0x401000, 0x1000, 0, &prog), 0);
	out_open(&o, false);
	assert_int_equal(event_print(&o.pr, &te), 0);
	assert_int_equal(event_print(&o.pr, &te), 0);
	assert_int_equal(maps_insert(&a.maps, 0x401000, 0x1000, 0, &other), 0);
	assert_int_equal(event_print(&o.pr, &te), 0);
	assert_int_equal(event_print(&o.pr, &te), 0);
	out_close(&o);
	assert_int_not_equal(asprintf(&want, "%s%s%s%s", before, before, after, after), -1);
	assert_string_equal(o.text, want);
	free(want);
	free(o.text);
	maps_free(&a.maps);
	(void)state;
}

/* A printer that printed nothing flushes nothing (no fwrite of a NULL buffer). */
static void test_empty(void **state)
{
	struct out o;

	out_open(&o, true);
	assert_int_equal(event_printer_flush(&o.pr), 0);
	out_close(&o);
	assert_int_equal(o.len, 0);
	free(o.text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_pair_cache_follows_maps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
