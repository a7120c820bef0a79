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
#include <inttypes.h>
#include <stdlib.h>
#include "lib/output/export.h"
#include "lib/output/json.h"
#include "lib/output/line_buf.h"
#include "lib/util/util.h"

/* The JSON string of each name, escaped once. */
static char **escape_names(const struct call_stacks *cs)
{
	char **v = calloc(cs->nr_names + 1, sizeof(*v));

	for (size_t i = 0; v && i < cs->nr_names; i++) {
		const char *s = cs_name(cs, i);
		size_t len = strlen(s);

		v[i] = malloc(jw_string_size(s, len) + 1);
		if (!v[i]) {
			for (size_t k = 0; k < i; k++)
				free(v[k]);
			free(v);
			return NULL;
		}
		*jw_fmt_string(v[i], s, len) = 0;
	}
	return v;
}

/* ns as microseconds with three decimals; instructions as whole ones */
static void put_us(FILE *out, const char *key, uint64_t v, bool insns)
{
	if (insns)
		fprintf(out, ",\"%s\":%" PRIu64, key, v);
	else
		fprintf(out, ",\"%s\":%" PRIu64 ".%03u", key, v / 1000, (unsigned int)(v % 1000));
}

static void put_slice(FILE *out, const struct cs_thread *th, const struct cs_slice *s,
		      const char *name, bool insns)
{
	fprintf(out, ",\n{\"name\":%s,\"ph\":\"X\"", name);
	put_us(out, "ts", s->start, insns);
	put_us(out, "dur", s->end - s->start, insns);
	fprintf(out, ",\"pid\":%d,\"tid\":%d", th->pid, th->tid);
	if (s->flags & CS_SHOWN_FLAGS) {
		const char *sep = "";

		fputs(",\"args\":{", out);
		for (const struct cs_flag_name *f = cs_flag_names; f->name; f++) {
			if (!(s->flags & f->flag))
				continue;
			fprintf(out, "%s\"%s\":true", sep, f->name);
			sep = ",";
		}
		fputc('}', out);
	}
	fputc('}', out);
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
	lb_printf(lb, ",\"ph\":\"i\",\"s\":\"t\",\"ts\":%" PRIu64 ".%03u,\"pid\":%d,\"tid\":%d,"
		  "\"args\":", s->time / 1000, (unsigned int)(s->time % 1000), s->pid, s->tid);
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
	int err = 0;

	bool insns = cs->clock == CS_CLOCK_INSNS;
	char **names = escape_names(cs);

	if (!names)
		return -ENOMEM;
	fprintf(out, "{\"displayTimeUnit\":\"ns\",\"otherData\":{\"producer\":\"auxrec\","
		"\"clock\":\"%s\"},\n\"traceEvents\":[",
		insns ? "instructions (1 us = 1 instruction)" : "time");
	for (size_t t = 0; t < cs->nr_threads; t++) {
		const struct cs_thread *th = &cs->threads[t];
		char comm[2 * sizeof(th->comm) * 6 + 2];

		*jw_fmt_string(comm, th->comm, strlen(th->comm)) = 0;
		fprintf(out, "%s\n{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":%d,\"tid\":%d,"
			"\"args\":{\"name\":%s}}", t ? "," : "", th->pid, th->tid, comm);
		const struct cs_slice *sl;
		struct cs_walk w;

		for (cs_walk_start(&w, cs, th); (sl = cs_walk_next(&w));)
			put_slice(out, th, sl, names[sl->name], insns);
	}
	if (o && o->ts && o->tp && !insns)
		err = put_instants(out, o, !cs->nr_threads);
	fputs("\n]}\n", out);
	for (size_t i = 0; i < cs->nr_names; i++)
		free(names[i]);
	free(names);
	if (err)
		return err;
	return stream_flush(out);
}
