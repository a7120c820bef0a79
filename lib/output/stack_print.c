// SPDX-License-Identifier: GPL-2.0
/*
 * stack_print.c - an unwound stack sample as text or JSON (see
 * stack_print.h). Text: "COMM TID TIME: stack sample: N frames", then a
 * line per frame, innermost first, "\t ADDR SYM+0xOFF (DSO)" as perf
 * script prints a callchain entry.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include "lib/output/json.h"
#include "lib/output/stack_print.h"
#include "lib/session/session.h"

static void json_string(struct line_buf *out, const char *s, size_t len)
{
	char *p = lb_room(out, jw_string_size(s, len));

	if (p)
		lb_end_at(out, jw_fmt_string(p, s, len));
}

static void head_text(const struct trace_sample *ts, const char *comm, size_t n,
		      struct line_buf *out)
{
	lb_str_right(out, comm, 16);
	lb_char(out, ' ');
	lb_dec_right(out, ts->tid, 5);
	lb_char(out, ' ');
	lb_dec_right(out, (int64_t)(ts->time / 1000000000), 5);
	lb_char(out, '.');
	lb_udec_zero(out, ts->time % 1000000000, 9);
	lb_printf(out, ": stack sample: %zu frames\n", n);
}

static void head_json(const struct trace_sample *ts, const char *comm, struct line_buf *out)
{
	LB_LIT(out, "{\"type\":\"stack_sample\"");
	if (ts->time)
		lb_printf(out, ",\"time\":%" PRIu64, ts->time);
	lb_printf(out, ",\"pid\":%d,\"tid\":%d", ts->pid, ts->tid);
	if (comm[0]) {
		LB_LIT(out, ",\"comm\":");
		json_string(out, comm, strnlen(comm, 16));
	}
	LB_LIT(out, ",\"frames\":[");
}

/* One frame at addr, a symbol fragment f at offset off. */
static void frame(const struct sym_frag *f, uint64_t addr, uint64_t off, bool json, bool first,
		  struct line_buf *out)
{
	if (!json) {
		LB_LIT(out, "\t");
		lb_hex_right(out, addr, 16);
		lb_char(out, ' ');
		if (f->name)
			lb_printf(out, "%s+0x%" PRIx64, f->name, off);
		else
			LB_LIT(out, "[unknown]");
		LB_LIT(out, " (");
		lb_mem(out, f->dso_name, f->dso_len);
		LB_LIT(out, ")\n");
		return;
	}
	if (!first)
		lb_char(out, ',');
	LB_LIT(out, "{\"addr\":\"");
	lb_hex0x(out, addr);
	LB_LIT(out, "\",\"sym\":");
	lb_mem(out, f->json_name, f->json_name_len);
	if (f->name)
		lb_printf(out, ",\"symoff\":%" PRIu64, off);
	LB_LIT(out, ",\"dso\":");
	lb_mem(out, f->json_dso, f->json_dso_len);
	lb_char(out, '}');
}

int stack_print(struct sym_cache *syms, const struct trace_sample *ts, const uint64_t *pcs,
		size_t n, bool json, struct line_buf *out)
{
	const char *comm = ts->comm ? ts->comm : "";

	if (json)
		head_json(ts, comm, out);
	else
		head_text(ts, comm[0] ? comm : ":?", n, out);
	for (size_t i = 0; i < n; i++) {
		/* a return address names the call before it: look up addr - 1 */
		uint64_t at = i ? pcs[i] - 1 : pcs[i], off;
		const struct sym_frag *f = sym_cache_lookup(syms, &ts->proc->maps, at, &off);

		if (!f)
			return -ENOMEM;
		frame(f, pcs[i], i ? off + 1 : off, json, !i, out);
	}
	if (json)
		LB_LIT(out, "]}\n");
	return 0;
}
