// SPDX-License-Identifier: GPL-2.0
/*
 * export_chrome.c - call-stack slices as Chrome trace-event JSON, the form
 * Perfetto's UI, chrome://tracing and speedscope open: one document, a
 * "traceEvents" array with a thread_name metadata event ("M") per thread
 * and a complete event ("X": ts and dur in microseconds) per slice, in
 * pre-order per thread. On the instruction clock one microsecond stands
 * for one instruction; "otherData" says which clock it is (docs/json.md,
 * "auxrec export"). Tracepoint samples follow as instant events ("i",
 * thread scope) with their fields as args, on the time clock.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/output/export.h"
#include "lib/output/json.h"
#include "lib/output/line_buf.h"
#include "lib/util/util.h"

/* A name's JSON string, escaped once (not NUL-terminated). */
struct json_name {
	char *s;
	size_t len;
};

static void free_names(struct json_name *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i].s);
	free(v);
}

static struct json_name *escape_names(const struct call_stacks *cs)
{
	struct json_name *v = calloc(cs->nr_names + 1, sizeof(*v));

	for (size_t i = 0; v && i < cs->nr_names; i++) {
		const char *s = cs_name(cs, i);
		size_t len = strlen(s);

		v[i].len = jw_string_size(s, len);
		v[i].s = malloc(v[i].len);	/* with its quotes: never 0 */
		if (!v[i].s) {
			free_names(v, i);
			return NULL;
		}
		jw_fmt_string(v[i].s, s, len);
	}
	return v;
}

/* bytes of output gathered before a write */
#define OUT_CHUNK	((size_t)64 << 10)

/* ,"key": and ns as microseconds with three decimals; instructions as whole ones */
static void put_us(struct line_buf *b, const char *key, size_t key_len, uint64_t v, bool insns)
{
	char *p = lb_room(b, key_len + JW_U64_MAX + 4);
	unsigned int ns;

	if (!p)
		return;
	memcpy(p, key, key_len);
	p += key_len;
	if (insns) {
		lb_end_at(b, jw_fmt_u64(p, v));
		return;
	}
	p = jw_fmt_u64(p, v / 1000);
	ns = (unsigned int)(v % 1000);
	p[0] = '.';
	p[1] = (char)('0' + ns / 100);
	p[2] = (char)('0' + ns / 10 % 10);
	p[3] = (char)('0' + ns % 10);
	lb_end_at(b, p + 4);
}

#define PUT_US(b, key, v, insns)	put_us(b, key, sizeof(key) - 1, v, insns)

/*
 * A slice as an "X" event, at the end of b; pid_tid is the thread's
 * ,"pid":P,"tid":T. Built in a buffer: fprintf() per field took 0.26 s
 * of the 0.32 s export of the 2.1 M-branch bench trace.
 */
static void put_slice(struct line_buf *b, const char *pid_tid, const struct cs_slice *s,
		      const struct json_name *name, bool insns)
{
	LB_LIT(b, ",\n{\"name\":");
	lb_mem(b, name->s, name->len);
	LB_LIT(b, ",\"ph\":\"X\"");
	PUT_US(b, ",\"ts\":", s->start, insns);
	PUT_US(b, ",\"dur\":", s->end - s->start, insns);
	lb_str(b, pid_tid);
	if (s->flags & CS_SHOWN_FLAGS) {
		const char *sep = "";

		LB_LIT(b, ",\"args\":{");
		for (const struct cs_flag_name *f = cs_flag_names; f->name; f++) {
			if (!(s->flags & f->flag))
				continue;
			lb_printf(b, "%s\"%s\":true", sep, f->name);
			sep = ",";
		}
		lb_char(b, '}');
	}
	lb_char(b, '}');
}

/* The bytes in b to out, when they are OUT_CHUNK or more (all: flush); 0 or -errno. */
static int put_out(struct line_buf *b, FILE *out, bool all)
{
	if (b->err)
		return -ENOMEM;
	if (b->len < (all ? 1 : OUT_CHUNK))
		return 0;
	if (fwrite(b->p, 1, b->len, out) != b->len)
		return write_errno();
	lb_reset(b);
	return 0;
}

/* A tracepoint sample: an instant event on its thread's track, its fields as args. */
static int put_instant(FILE *out, struct tp_printer *tp, const struct tp_sample *s,
		       struct line_buf *lb, bool first)
{
	const char *name = tp_event_name(tp, s);
	size_t len = strlen(name);
	char *p;

	lb_reset(lb);
	LB_LIT(lb, "{\"name\":");
	p = lb_room(lb, jw_string_size(name, len));
	if (p)
		lb_end_at(lb, jw_fmt_string(p, name, len));
	LB_LIT(lb, ",\"ph\":\"i\",\"s\":\"t\"");
	PUT_US(lb, ",\"ts\":", s->time, false);
	lb_printf(lb, ",\"pid\":%d,\"tid\":%d,\"args\":", s->pid, s->tid);
	tp_fields_json(tp, s, lb);
	lb_char(lb, '}');
	if (lb->err)
		return -ENOMEM;
	fputs(first ? "\n" : ",\n", out);
	return fwrite(lb->p, 1, lb->len, out) == lb->len ? 0 : write_errno();
}

static int put_instants(FILE *out, const struct export_opts *o, bool first)
{
	struct line_buf lb = { 0 };
	int err = 0;

	for (size_t i = 0; !err && i < o->ts->nr; i++)
		err = put_instant(out, o->tp, &o->ts->s[i], &lb, first && !i);
	lb_free(&lb);
	return err;
}

int export_chrome(const struct call_stacks *cs, const struct export_opts *o, FILE *out)
{
	bool insns = cs->clock == CS_CLOCK_INSNS;
	struct json_name *names = escape_names(cs);
	struct line_buf b = { 0 };
	int err = 0;

	if (!names)
		return -ENOMEM;
	lb_printf(&b, "{\"displayTimeUnit\":\"ns\",\"otherData\":{\"producer\":\"auxrec\","
		  "\"clock\":\"%s\"},\n\"traceEvents\":[",
		  insns ? "instructions (1 us = 1 instruction)" : "time");
	for (size_t t = 0; !err && t < cs->nr_threads; t++) {
		const struct cs_thread *th = &cs->threads[t];
		char comm[2 * sizeof(th->comm) * 6 + 2], pid_tid[48];
		const struct cs_slice *sl;
		struct cs_walk w;

		*jw_fmt_string(comm, th->comm, strlen(th->comm)) = 0;
		lb_printf(&b, "%s\n{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":%d,"
			  "\"tid\":%d,\"args\":{\"name\":%s}}", t ? "," : "", th->pid, th->tid,
			  comm);
		snprintf(pid_tid, sizeof(pid_tid), ",\"pid\":%d,\"tid\":%d", th->pid, th->tid);
		for (cs_walk_start(&w, cs, th); !err && (sl = cs_walk_next(&w));) {
			put_slice(&b, pid_tid, sl, &names[sl->name], insns);
			err = put_out(&b, out, false);
		}
	}
	if (!err)
		err = put_out(&b, out, true);
	if (!err && o && o->ts && o->tp && !insns)
		err = put_instants(out, o, !cs->nr_threads);
	if (!err && fputs("\n]}\n", out) == EOF)
		err = write_errno();
	lb_free(&b);
	free_names(names, cs->nr_names);
	if (err)
		return err;
	return stream_flush(out);
}
