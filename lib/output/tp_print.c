// SPDX-License-Identifier: GPL-2.0
/*
 * tp_print.c - tracepoint samples through libtraceevent (see tp_print.h).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <traceevent/event-parse.h>
#include <traceevent/trace-seq.h>
#include "lib/output/json.h"
#include "lib/perf_data/tracing_data.h"
#include "lib/util/stdin_spool.h"
#include "tp_print.h"

struct tp_printer {
	struct tep_handle *tep;
	struct tep_event **events;	/* per attr index, NULL: no format */
	char **names;			/* per attr index: "system:name" */
	uint32_t nr_attrs;
	int name_width;			/* the longest name, as perf pads them */
	struct trace_seq seq;
	uint8_t *raw;			/* a sample's raw data, NUL-padded */
	size_t raw_cap;
};

#define RAW_PAD	8	/* zero bytes after a copy of raw data */

/* libtraceevent wants NUL-terminated copies of some texts */
static char *text_copy(const struct td_text *t)
{
	char *s = malloc(t->len + 1);

	if (s) {
		memcpy(s, t->p, t->len);
		s[t->len] = 0;
	}
	return s;
}

/*
 * The printk formats with only the lines libtraceevent reads safely:
 * tep_parse_printk_formats() takes of each line the text one character
 * past its first ':' after the address (strtok), and reads past the end of
 * a line where nothing follows that ':', or there is none (a damaged file:
 * found by the perf.data fuzzer under ASan). Such lines name no format.
 */
static char *printk_copy(const struct td_text *t)
{
	const char *p = t->p, *end = t->p + t->len;
	char *s = malloc(t->len + 2), *o = s;

	if (!s)
		return NULL;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *q = p, *colon;

		while (q < le && *q == ':')
			q++;
		colon = q < le ? memchr(q, ':', (size_t)(le - q)) : NULL;
		if (colon && le - colon >= 2 && !memchr(p, '\0', (size_t)(le - p))) {
			memcpy(o, p, (size_t)(le - p));
			o += le - p;
			*o++ = '\n';
		}
		p = nl ? nl + 1 : end;
	}
	*o = 0;
	return s;
}

/*
 * Whether libtraceevent can read the format text f safely. Its field
 * parser takes the token after a '[' (an array's length) without asking
 * whether there is one, and compares it with "]": the end of the text, or
 * a byte its tokenizer has no type for (a control character, or one past
 * '~'), gives it none, and it compares NULL (SEGV in strcmp; a damaged
 * file, found by the perf.data fuzzer). Later tokens are checked. So,
 * after each '[' (blanks skipped, as its tokenizer skips them), a
 * newline or a printable character must follow; else the format is taken
 * for one libtraceevent could not parse. Kernel formats are ASCII: a '['
 * in a string of the print format loses nothing this way.
 */
static bool format_readable(const struct td_text *f)
{
	const char *p = f->p, *end = f->p + f->len;

	while (p < end && (p = memchr(p, '[', (size_t)(end - p)))) {
		unsigned char c = 0;

		while (++p < end && ((c = (unsigned char)*p) == ' ' || c == '\t' || c == '\v' ||
				     c == '\f' || c == '\r'))
			;
		if (p == end || (c != '\n' && (c < 0x20 || c > 0x7e)))
			return false;
	}
	return true;
}

static int load_formats(struct tp_printer *tp, const struct tracing_data *td, char *err,
			size_t errlen)
{
	struct tep_handle *tep = tp->tep;
	char *hp = text_copy(&td->header_page);
	char *printk = printk_copy(&td->printk);
	char *cmdlines = text_copy(&td->cmdlines);
	int ret = 0;

	if (!hp || !printk || !cmdlines) {
		ret = -ENOMEM;
		goto out;
	}
	tep_set_flag(tep, TEP_NSEC_OUTPUT);
	tep_set_file_bigendian(tep, td->big_endian ? TEP_BIG_ENDIAN : TEP_LITTLE_ENDIAN);
	tep_set_local_bigendian(tep, __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ ?
				TEP_BIG_ENDIAN : TEP_LITTLE_ENDIAN);
	tep_set_long_size(tep, td->long_size);
	tep_set_page_size(tep, td->page_size);
	/* as perf: the page header's commit field tells the kernel's long */
	if (!tep_parse_header_page(tep, hp, td->header_page.len, td->long_size))
		tep_set_long_size(tep, tep_get_header_page_size(tep));
	for (size_t i = 0; i < td->nr_formats; i++) {
		const struct td_format *f = &td->formats[i];
		enum tep_errno e;

		/* perf goes on past a format it cannot parse; its samples print raw */
		if (!format_readable(&f->text))
			continue;
		e = tep_parse_event(tep, f->text.p, f->text.len, f->system);
		if (e && e != TEP_ERRNO__MEM_ALLOC_FAILED)
			continue;
		if (e) {
			ret = -ENOMEM;
			goto out;
		}
	}
	if (td->printk.len)
		tep_parse_printk_formats(tep, printk);
	if (td->cmdlines.len)
		tep_parse_saved_cmdlines(tep, cmdlines);
out:
	if (ret)
		snprintf(err, errlen, "tracing data: %s", strerror(-ret));
	free(hp);
	free(printk);
	free(cmdlines);
	return ret;
}

static int name_events(struct tp_printer *tp, const struct tp_samples *ts)
{
	tp->nr_attrs = ts->nr_attrs;
	tp->events = calloc(ts->nr_attrs + 1, sizeof(*tp->events));
	tp->names = calloc(ts->nr_attrs + 1, sizeof(*tp->names));
	if (!tp->events || !tp->names)
		return -ENOMEM;
	for (uint32_t i = 0; i < ts->nr_attrs; i++) {
		struct tep_event *ev = tep_find_event(tp->tep, (int)ts->attr_config[i]);
		int n;

		tp->events[i] = ev;
		if (ev)
			n = asprintf(&tp->names[i], "%s:%s", ev->system, ev->name);
		else if (ts->attr_names[i])
			n = asprintf(&tp->names[i], "%s", ts->attr_names[i]);
		else
			n = asprintf(&tp->names[i], "tracepoint %llu",
				     (unsigned long long)ts->attr_config[i]);
		if (n < 0) {
			tp->names[i] = NULL;
			return -ENOMEM;
		}
		if (n > tp->name_width)
			tp->name_width = n;
	}
	return 0;
}

int tp_printer_new(struct tp_printer **out, const struct tp_samples *ts, char *err,
		   size_t errlen)
{
	struct tp_printer *tp = calloc(1, sizeof(*tp));
	struct tracing_data td = { 0 };
	int ret;

	if (!tp)
		goto oom;
	trace_seq_init(&tp->seq);
	tp->tep = tep_alloc();
	if (!tp->tep)
		goto oom;
	if (ts->tracing_data) {
		ret = tracing_data_parse(ts->tracing_data, ts->tracing_data_len, &td, err, errlen);
		if (ret) {
			tp_printer_free(tp);
			return ret;
		}
		ret = load_formats(tp, &td, err, errlen);
		tracing_data_free(&td);
		if (ret) {
			tp_printer_free(tp);
			return ret;
		}
	}
	if (name_events(tp, ts))
		goto oom;
	*out = tp;
	return 0;
oom:
	tp_printer_free(tp);
	snprintf(err, errlen, "out of memory");
	return -ENOMEM;
}

/* The start of err at s, when it is "s: ". */
static bool names(const char *err, const char *s)
{
	size_t n = strlen(s);

	return !strncmp(err, s, n) && !strncmp(err + n, ": ", 2);
}

/*
 * err starts with "PATH: " (the reader's messages do, or name the file
 * as "cannot open PATH: ..."; the others not); not for stdin.
 */
static void name_the_file(const char *path, char *err, size_t errlen)
{
	char *msg;

	if (!strcmp(path, "-") || names(err, path) ||
	    (!strncmp(err, "cannot open ", 12) && names(err + 12, path)))
		return;
	msg = strdup(err);
	if (msg)
		snprintf(err, errlen, "%s: %s", path, msg);
	free(msg);
}

int tp_load(const char *path, struct tp_samples *ts, struct tp_printer **tp, char *err,
	    size_t errlen)
{
	int ret;

	*tp = NULL;
	memset(ts, 0, sizeof(*ts));
	if (errlen)	/* a failure that says nothing (an allocation's) says its errno */
		*err = '\0';
	/* two passes over the input: a pipe is kept in a file */
	if (!strcmp(path, "-") && (ret = stdin_spool(err, errlen)))
		return ret;
	ret = tp_samples_read(ts, path, err, errlen);
	if (!ret && ts->nr)
		ret = tp_printer_new(tp, ts, err, errlen);
	if (ret) {
		tp_samples_free(ts);
		if (errlen && !*err)
			snprintf(err, errlen, "%s", strerror(ret < 0 ? -ret : EIO));
		name_the_file(path, err, errlen);
	}
	return ret;
}

void tp_printer_free(struct tp_printer *tp)
{
	if (!tp)
		return;
	for (uint32_t i = 0; tp->names && i < tp->nr_attrs; i++)
		free(tp->names[i]);
	free(tp->names);
	free(tp->events);
	if (tp->tep)
		tep_free(tp->tep);
	trace_seq_destroy(&tp->seq);
	free(tp->raw);
	free(tp);
}

const char *tp_event_name(struct tp_printer *tp, const struct tp_sample *s)
{
	return s->attr < tp->nr_attrs && tp->names[s->attr] ? tp->names[s->attr] : "tracepoint";
}

static struct tep_event *event_of(struct tp_printer *tp, const struct tp_sample *s)
{
	return s->attr < tp->nr_attrs ? tp->events[s->attr] : NULL;
}

/* Whether field f of a sample's raw data lies inside it (dynamic: its data too). */
static bool field_fits(const struct tep_format_field *f, const struct tp_sample *s)
{
	uint32_t desc, off, len;

	if ((uint64_t)f->offset + (uint32_t)f->size > s->raw_size || f->offset < 0 || f->size < 0)
		return false;
	if (!(f->flags & TEP_FIELD_IS_DYNAMIC))
		return true;
	if (f->size < 4)
		return false;
	memcpy(&desc, s->raw + f->offset, 4);	/* host order: files of this machine's kind */
	off = desc & 0xffff;
	len = desc >> 16;
	if (f->flags & TEP_FIELD_IS_RELATIVE)
		off += f->offset + f->size;
	return (uint64_t)off + len <= s->raw_size;
}

/* Whether every field of the event lies inside the sample (libtraceevent trusts it). */
static bool raw_fits(const struct tep_event *ev, const struct tp_sample *s)
{
	for (const struct tep_format_field *f = ev->format.common_fields; f; f = f->next)
		if (!field_fits(f, s))
			return false;
	for (const struct tep_format_field *f = ev->format.fields; f; f = f->next)
		if (!field_fits(f, s))
			return false;
	return true;
}

/* The fields as tep_print_event's INFO prints them, in tp->seq. */
static const char *info_text(struct tp_printer *tp, const struct tp_sample *s, size_t *len)
{
	struct tep_record rec = { .cpu = s->cpu, .size = (int)s->raw_size, .ts = s->time };
	struct tep_event *ev = event_of(tp, s);

	/*
	 * libtraceevent prints a string field up to its NUL: damaged raw data
	 * without one would be read past its end, so it gets a padded copy.
	 */
	if (tp->raw_cap < (size_t)s->raw_size + RAW_PAD) {
		uint8_t *p = realloc(tp->raw, (size_t)s->raw_size + RAW_PAD);

		if (p) {
			tp->raw = p;
			tp->raw_cap = (size_t)s->raw_size + RAW_PAD;
		}
	}
	trace_seq_reset(&tp->seq);
	if (tp->raw_cap >= (size_t)s->raw_size + RAW_PAD) {
		memcpy(tp->raw, s->raw, s->raw_size);
		memset(tp->raw + s->raw_size, 0, RAW_PAD);
		rec.data = tp->raw;
	} else {
		ev = NULL;	/* no memory for the copy: not printed */
	}
	if (!ev)
		trace_seq_printf(&tp->seq, "[no format: %u bytes of raw data]", s->raw_size);
	else if (!raw_fits(ev, s))
		trace_seq_printf(&tp->seq, "[raw data of %u bytes too short for the format]",
				 s->raw_size);
	else
		tep_print_event(tp->tep, &tp->seq, &rec, "%s", TEP_PRINT_INFO);
	trace_seq_terminate(&tp->seq);
	*len = tp->seq.len;
	return tp->seq.buffer ? tp->seq.buffer : "";
}

void tp_print_text(struct tp_printer *tp, const struct tp_sample *s, struct line_buf *out)
{
	size_t len;
	const char *info;
	char unknown[16];

	/* as perf: a thread whose name is not known yet is ":TID" */
	if (!s->comm[0])
		snprintf(unknown, sizeof(unknown), ":%d", s->tid);
	lb_str_right(out, s->comm[0] ? s->comm : unknown, 16);
	lb_char(out, ' ');
	lb_dec_right(out, s->tid, 5);
	LB_LIT(out, " [");
	lb_udec_zero(out, (uint32_t)s->cpu, 3);
	LB_LIT(out, "] ");
	lb_dec_right(out, (int64_t)(s->time / 1000000000), 5);
	lb_char(out, '.');
	lb_udec_zero(out, s->time % 1000000000, 9);
	LB_LIT(out, ": ");
	lb_str_right(out, tp_event_name(tp, s), tp->name_width);
	LB_LIT(out, ": ");
	info = info_text(tp, s, &len);
	lb_mem(out, info, len);
	lb_char(out, '\n');
}

/* JSON pieces appended to a line */
static void put_json_string(struct line_buf *out, const char *s, size_t len)
{
	char *p = lb_room(out, jw_string_size(s, len));

	if (p)
		lb_end_at(out, jw_fmt_string(p, s, len));
}

static void put_json_number(struct line_buf *out, uint64_t v, bool is_signed)
{
	char *p;

	if (is_signed && (int64_t)v < 0) {
		lb_char(out, '-');
		v = -v;
	}
	p = lb_room(out, JW_U64_MAX);
	if (p)
		lb_end_at(out, jw_fmt_u64(p, v));
}

static uint64_t sign_extend(uint64_t v, int size)
{
	int shift = 64 - 8 * size;

	return size > 0 && size < 8 ? (uint64_t)((int64_t)(v << shift) >> shift) : v;
}

/* A character array or string field: its bytes up to the first NUL. */
static bool is_text(const struct tep_format_field *f)
{
	return (f->flags & TEP_FIELD_IS_STRING) ||
	       ((f->flags & TEP_FIELD_IS_ARRAY) && f->elementsize == 1 && f->type &&
		strstr(f->type, "char"));
}

/* The value of field f, as tp_field_fn takes it. */
static void field_value(const struct tep_format_field *f, const struct tp_sample *s,
			struct tp_field *v)
{
	struct tep_record rec = { .cpu = s->cpu, .size = (int)s->raw_size,
				  .data = (void *)s->raw };
	unsigned long long n;
	int len = 0;

	*v = (struct tp_field){ .name = f->name, .kind = TP_FIELD_NONE,
				.is_signed = f->flags & TEP_FIELD_IS_SIGNED };
	if (!field_fits(f, s))
		return;
	if (!(f->flags & (TEP_FIELD_IS_ARRAY | TEP_FIELD_IS_STRING | TEP_FIELD_IS_DYNAMIC))) {
		if (tep_read_number_field((struct tep_format_field *)f, s->raw, &n))
			return;
		v->kind = TP_FIELD_NUMBER;
		v->number = v->is_signed ? sign_extend(n, f->size) : n;
		return;
	}
	v->bytes = tep_get_field_raw(NULL, f->event, f->name, &rec, &len, 0);
	if (!v->bytes || len < 0 || (size_t)(v->bytes - s->raw) + (size_t)len > s->raw_size)
		return;
	v->len = len;
	if (is_text(f)) {
		const uint8_t *nul = memchr(v->bytes, 0, len);

		v->kind = TP_FIELD_STRING;
		v->len = nul ? (size_t)(nul - v->bytes) : (size_t)len;
		return;
	}
	v->kind = TP_FIELD_ARRAY;
	v->elem_size = f->elementsize && f->elementsize <= 8 ? f->elementsize : 1;
}

int tp_for_each_field(struct tp_printer *tp, const struct tp_sample *s, tp_field_fn fn,
		      void *ctx)
{
	struct tep_event *ev = event_of(tp, s);
	struct tp_field v;
	int ret;

	if (!ev)
		return 0;
	for (struct tep_format_field *f = ev->format.fields; f; f = f->next) {
		field_value(f, s, &v);
		ret = fn(ctx, &v);
		if (ret)
			return ret;
	}
	return 0;
}

uint64_t tp_field_element(const struct tp_field *v, size_t i)
{
	uint64_t e = 0;

	memcpy(&e, v->bytes + i * v->elem_size, v->elem_size);
	return v->is_signed ? sign_extend(e, v->elem_size) : e;
}

/* "name":value, one field of the JSON fields object */
static int field_json(void *ctx, const struct tp_field *v)
{
	struct line_buf *out = ctx;

	if (out->len && out->p[out->len - 1] != '{')
		lb_char(out, ',');
	put_json_string(out, v->name, strlen(v->name));
	lb_char(out, ':');
	switch (v->kind) {
	case TP_FIELD_NUMBER:
		put_json_number(out, v->number, v->is_signed);
		break;
	case TP_FIELD_STRING:
		put_json_string(out, (const char *)v->bytes, v->len);
		break;
	case TP_FIELD_ARRAY:
		lb_char(out, '[');
		for (size_t i = 0; i < v->len / v->elem_size; i++) {
			if (i)
				lb_char(out, ',');
			put_json_number(out, tp_field_element(v, i), v->is_signed);
		}
		lb_char(out, ']');
		break;
	default:
		LB_LIT(out, "null");
	}
	return 0;
}

void tp_fields_json(struct tp_printer *tp, const struct tp_sample *s, struct line_buf *out)
{
	lb_char(out, '{');
	tp_for_each_field(tp, s, field_json, out);
	lb_char(out, '}');
}

void tp_print_json(struct tp_printer *tp, const struct tp_sample *s, struct line_buf *out)
{
	const char *name = tp_event_name(tp, s), *info;
	size_t len;

	LB_LIT(out, "{\"type\":\"tracepoint\",\"name\":");
	put_json_string(out, name, strlen(name));
	if (s->time) {
		LB_LIT(out, ",\"time\":");
		put_json_number(out, s->time, false);
	}
	LB_LIT(out, ",\"pid\":");
	put_json_number(out, (uint64_t)(int64_t)s->pid, true);
	LB_LIT(out, ",\"tid\":");
	put_json_number(out, (uint64_t)(int64_t)s->tid, true);
	LB_LIT(out, ",\"cpu\":");
	put_json_number(out, (uint64_t)(int64_t)s->cpu, true);
	if (s->comm[0]) {
		LB_LIT(out, ",\"comm\":");
		put_json_string(out, s->comm, strnlen(s->comm, sizeof(s->comm)));
	}
	LB_LIT(out, ",\"fields\":");
	tp_fields_json(tp, s, out);
	LB_LIT(out, ",\"text\":");
	info = info_text(tp, s, &len);
	put_json_string(out, info, len);
	LB_LIT(out, "}\n");
}
