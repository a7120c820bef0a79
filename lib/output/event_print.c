// SPDX-License-Identifier: GPL-2.0
/*
 * event_print.c - a trace event as a text line or a JSON object (see
 * event_print.h). Lines are built without printf in a buffer written
 * 64 KiB at a time: this runs once per branch. What can be known per
 * symbol (names, escaped JSON strings) comes from the sym_cache, what can
 * be known per context switch (pid, tid, cpu, comm) is rendered once, and
 * so are a kind's column and, while the maps stay, a branch's two ends.
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "lib/output/event_print.h"
#include "lib/output/json.h"
#include "lib/util/array_grow.h"
#include "lib/util/prefault.h"
#include "lib/util/util.h"
#include "lib/util/write_all.h"

int event_printer_init(struct event_printer *p, FILE *out, bool json, bool srcline)
{
	*p = (struct event_printer){ .out = out, .json = json, .srcline = srcline };
	p->syms = sym_cache_new();
	return p->syms ? 0 : -ENOMEM;
}

int event_printer_flush(struct event_printer *p)
{
	if (!lb_write(&p->buf, p->out) && !p->write_err)
		p->write_err = write_errno();
	lb_reset(&p->buf);
	if (p->write_err)
		return p->write_err;
	return p->buf.err ? -ENOMEM : 0;
}

int event_printer_write(struct event_printer *p, const char *bytes, size_t len)
{
	int err;

	/*
	 * A few events (the runs of buffers merged by time, a dozen events
	 * each) join the buffer: each went out with a write of its own, 153,000
	 * write calls for 628 MB of JSON.
	 */
	if (p->buf.len + len < EVENT_PRINT_FLUSH_AT) {
		lb_mem(&p->buf, bytes, len);
		return p->buf.err ? -ENOMEM : 0;
	}
	err = event_printer_flush(p);

	if (err)
		return err;
	if (fwrite(bytes, 1, len, p->out) != len)
		p->write_err = write_errno();
	return p->write_err;
}

int event_printer_writev(struct event_printer *p, struct iovec *v, int n)
{
	int err = event_printer_flush(p);
	int fd;

	if (err)
		return err;
	if (fflush(p->out))
		return p->write_err = write_errno();
	fd = fileno(p->out);
	if (fd >= 0) {
		p->write_err = write_all_v(fd, v, n, -1, NULL);
		return p->write_err;
	}
	/* a stream of no descriptor (fmemopen) */
	for (int i = 0; i < n && !p->write_err; i++)
		if (fwrite(v[i].iov_base, 1, v[i].iov_len, p->out) != v[i].iov_len)
			p->write_err = write_errno();
	return p->write_err;
}

void event_printer_free(struct event_printer *p)
{
	if (p->out)
		event_printer_flush(p);
	for (int form = 0; form < SYM_FORMS; form++) {
		for (size_t i = 0; i < p->sym_print_cap[form]; i++)
			free(p->sym_print[form][i]);
		free(p->sym_print[form]);
	}
	free(p->pairs);
	sym_cache_free(p->syms);
	lb_free(&p->buf);
	lb_free(&p->ctx.text);
}

static bool has_payload(unsigned int kind)
{
	return kind == EVENT_PTWRITE || kind == EVENT_PAGING || kind == EVENT_POWER;
}

/* JSON numbers and strings appended to the line */
static void j_u64(struct line_buf *lb, uint64_t v)
{
	char *p = lb_room(lb, JW_U64_MAX);

	if (p)
		lb_end_at(lb, jw_fmt_u64(p, v));
}

static void j_s64(struct line_buf *lb, int64_t v)
{
	if (v < 0) {
		lb_char(lb, '-');
		j_u64(lb, -(uint64_t)v);
	} else {
		j_u64(lb, (uint64_t)v);
	}
}

static void j_hex(struct line_buf *lb, uint64_t v)
{
	char *p = lb_room(lb, JW_HEX_MAX);

	if (p)
		lb_end_at(lb, jw_fmt_hex(p, v));
}

static void j_string(struct line_buf *lb, const char *s)
{
	size_t len;
	char *p;

	if (!s) {
		LB_LIT(lb, "null");
		return;
	}
	len = strlen(s);
	p = lb_room(lb, jw_string_size(s, len));
	if (p)
		lb_end_at(lb, jw_fmt_string(p, s, len));
}

/*
 * A symbol as printed at one end of an event, rendered once per symbol and
 * form: a head, the offset into the symbol (when there is a symbol), and a
 * tail. JSON: ,"KEY_sym":"name"[,"KEY_symoff":] and ,"KEY_dso":"dso";
 * text: name+ (or [unknown]) and " (dso)", perf script's form (the dso as
 * the recording names it, also under --symfs).
 */
struct sym_print {
	uint32_t head_len, tail_len;
	char text[];
};

static void json_sym_print(struct line_buf *t, const struct sym_frag *f, const char *key,
			   size_t *head)
{
	lb_mem(t, ",\"", 2);
	lb_str(t, key);
	LB_LIT(t, "_sym\":");
	lb_mem(t, f->json_name, f->json_name_len);
	if (f->sym) {
		lb_mem(t, ",\"", 2);
		lb_str(t, key);
		LB_LIT(t, "_symoff\":");
	}
	*head = t->len;
	lb_mem(t, ",\"", 2);
	lb_str(t, key);
	LB_LIT(t, "_dso\":");
	lb_mem(t, f->json_dso, f->json_dso_len);
}

static struct sym_print *sym_print_new(const struct sym_frag *f, enum sym_form form)
{
	struct line_buf t = { 0 };
	struct sym_print *sp;
	size_t head;

	if (form == FORM_TEXT) {
		if (f->sym) {
			lb_mem(&t, f->name, f->name_len);
			LB_LIT(&t, "+0x");
		} else {
			LB_LIT(&t, "[unknown]");
		}
		head = t.len;
		LB_LIT(&t, " (");
		lb_mem(&t, f->dso_name, f->dso_len);
		lb_char(&t, ')');
	} else {
		static const char *const keys[] = {
			[FORM_JSON_FROM] = "from", [FORM_JSON_TO] = "to",
			[FORM_JSON_VADDR] = "vaddr",
		};

		json_sym_print(&t, f, keys[form], &head);
	}
	sp = t.err ? NULL : malloc(sizeof(*sp) + t.len);
	if (sp) {
		sp->head_len = (uint32_t)head;
		sp->tail_len = (uint32_t)(t.len - head);
		memcpy(sp->text, t.p, t.len);
	}
	lb_free(&t);
	return sp;
}

static const struct sym_print *sym_print_of(struct event_printer *pr, enum sym_form form,
					    const struct sym_frag *f)
{
	if (ARRAY_GROW_ZEROED(pr->sym_print[form], pr->sym_print_cap[form], (size_t)f->id + 1,
			      256))
		return NULL;
	if (!pr->sym_print[form][f->id])
		pr->sym_print[form][f->id] = sym_print_new(f, form);
	return pr->sym_print[form][f->id];
}

/*
 * The two ends of an event as rendered, kept by (from, to, maps) in a
 * direct-mapped cache: a loop's branches print the same pair again and
 * again, which then costs one copy instead of two symbol lookups and three
 * numbers. Valid while the maps are unchanged (maps_changes()); pieces
 * longer than PAIR_TEXT, and file:line output, are not kept.
 */
#define PAIR_SLOTS	4096	/* a power of two */
#define PAIR_TEXT	232

struct pair_slot {
	uint64_t from, to;
	const struct maps *maps;
	uint64_t changes;
	uint32_t len;		/* 0: empty */
	char text[PAIR_TEXT];
};

static struct pair_slot *pair_slot_of(struct event_printer *pr, uint64_t from, uint64_t to)
{
	uint64_t h = (from * 0x9e3779b97f4a7c15ull) ^ (to * 0xc2b2ae3d27d4eb4full);

	if (pr->srcline)
		return NULL;
	if (!pr->pairs) {
		/* read before written: see prefault.h */
		pr->pairs = calloc_prefaulted(PAIR_SLOTS, sizeof(*pr->pairs));
		if (!pr->pairs)
			return NULL;
	}
	return &pr->pairs[h >> 52 & (PAIR_SLOTS - 1)];
}

static bool pair_hit(const struct pair_slot *p, const struct maps *m, uint64_t from,
		     uint64_t to, uint64_t changes)
{
	return p->len && p->from == from && p->to == to && p->maps == m && p->changes == changes;
}

/* Keeps what was rendered from start on in the line as p's text. */
static void pair_keep(struct pair_slot *p, const struct line_buf *lb, size_t start,
		      bool failed, const struct maps *m, uint64_t from, uint64_t to,
		      uint64_t changes)
{
	size_t n = lb->len - start;

	if (lb->err || !n || n > PAIR_TEXT || failed) {
		p->len = 0;
		return;
	}
	*p = (struct pair_slot){ .from = from, .to = to, .maps = m, .changes = changes,
				 .len = (uint32_t)n };
	memcpy(p->text, lb->p + start, n);
}

/* ,"KEY_sym":...,"KEY_symoff":N,"KEY_dso":"..." of addr */
static void addr_sym_json(struct event_printer *pr, enum sym_form form, uint64_t addr,
			  const struct maps *m)
{
	struct line_buf *lb = &pr->buf;
	const struct sym_print *sp;
	const struct sym_frag *f;
	uint64_t off;

	f = sym_cache_lookup(pr->syms, m, addr, &off);
	sp = f ? sym_print_of(pr, form, f) : NULL;
	if (!sp) {
		pr->render_failed = true;
		return;
	}
	lb_mem(lb, sp->text, sp->head_len);
	if (f->sym)
		j_u64(lb, off);
	lb_mem(lb, sp->text + sp->head_len, sp->tail_len);
}

/* ,"KEY":"0x..","KEY_sym":...,"KEY_symoff":N,"KEY_dso":"..."[,"KEY_srcline":...] */
static void addr_json(struct event_printer *pr, enum sym_form form, uint64_t addr,
		      const struct maps *m)
{
	struct line_buf *lb = &pr->buf;
	char src[4096];

	if (form == FORM_JSON_FROM)
		LB_LIT(lb, ",\"from\":");
	else
		LB_LIT(lb, ",\"to\":");
	j_hex(lb, addr);
	if (!addr)
		return;
	addr_sym_json(pr, form, addr, m);
	if (pr->srcline) {
		if (form == FORM_JSON_FROM)
			LB_LIT(lb, ",\"from_srcline\":");
		else
			LB_LIT(lb, ",\"to_srcline\":");
		j_string(lb, maps_srcline(m, addr, src, sizeof(src)));
	}
}

#define KV(lb, key)	LB_LIT(lb, ",\"" key "\":")

/* The context part of te's line: rendered again only when it changed. */
static const struct line_buf *context_of(struct event_printer *pr, const struct trace_event *te)
{
	struct event_context *c = &pr->ctx;
	const char *comm = te->comm;
	int cpu = te->cpu;
	struct line_buf *lb = &c->text;

	if (c->valid && c->pid == te->pid && c->tid == te->tid && c->cpu == cpu &&
	    c->comm_at == comm && (!comm || !strncmp(c->comm, comm, sizeof(c->comm))))
		return lb;
	*c = (struct event_context){ .valid = true, .pid = te->pid, .tid = te->tid, .cpu = cpu,
				     .comm_at = comm, .text = c->text };
	if (comm)
		snprintf(c->comm, sizeof(c->comm), "%s", comm);
	lb_reset(lb);
	if (pr->json) {
		/* ,"pid":N,"tid":N,"cpu":N[,"comm":"..."] */
		KV(lb, "pid");
		j_s64(lb, te->pid);
		KV(lb, "tid");
		j_s64(lb, te->tid);
		KV(lb, "cpu");
		j_s64(lb, cpu);
		if (comm) {
			KV(lb, "comm");
			j_string(lb, comm);
		}
		return lb;
	}
	/* "            comm  tid [cpu]" */
	lb_str_right(lb, comm ? comm : ":", 16);
	lb_char(lb, ' ');
	lb_dec_right(lb, te->tid, 6);
	if (cpu >= 0) {
		LB_LIT(lb, " [");
		lb_udec_zero(lb, (uint32_t)cpu, 3);
		lb_char(lb, ']');
	}
	return lb;
}

static void put_context(struct event_printer *pr, const struct trace_event *te)
{
	const struct line_buf *c = context_of(pr, te);

	lb_mem(&pr->buf, c->p, c->len);
}

/* The optional fields of a memory-access sample, in output order. */
#define MEM_FIELD(flag, key, member, hex)					\
	{ flag, key, offsetof(struct mem_sample, member),			\
	  sizeof(((struct mem_sample *)0)->member), hex }
static const struct mem_field {
	uint32_t flag;		/* MEM_HAS_*, 0: always there */
	const char *key;
	size_t offset;
	uint8_t size;		/* 4 or 8 */
	bool hex;
} mem_fields[] = {
	MEM_FIELD(MEM_HAS_VADDR, "vaddr", vaddr, true),
	MEM_FIELD(MEM_HAS_PADDR, "paddr", paddr, true),
	MEM_FIELD(MEM_HAS_TARGET, "target", target, true),
	MEM_FIELD(MEM_HAS_TOTAL_LAT, "total_latency", total_lat, false),
	MEM_FIELD(MEM_HAS_ISSUE_LAT, "issue_latency", issue_lat, false),
	MEM_FIELD(MEM_HAS_XLAT_LAT, "translation_latency", xlat_lat, false),
	MEM_FIELD(MEM_HAS_DATA_SRC, "data_src", data_src, true),
	MEM_FIELD(0, "events", events, true),
	MEM_FIELD(MEM_HAS_CONTEXT, "context", context, false),
};

/* ,"classes":["l1d_miss",...] */
static void mem_classes_json(struct line_buf *lb, uint32_t classes)
{
	bool first = true;

	KV(lb, "classes");
	lb_char(lb, '[');
	for (unsigned int bit = 0; bit < MEM_C_NR; bit++) {
		if (!(classes & (1u << bit)))
			continue;
		if (!first)
			lb_char(lb, ',');
		first = false;
		j_string(lb, mem_class_name(bit));
	}
	lb_char(lb, ']');
}

/* the sample's fields, and the data symbol of its virtual address (maps) */
static void mem_json(struct event_printer *pr, const struct mem_sample *m,
		     const struct maps *maps)
{
	struct line_buf *lb = &pr->buf;

	KV(lb, "op");
	j_string(lb, mem_op_name(m->op));
	KV(lb, "op_raw");
	j_u64(lb, m->op_raw);
	mem_classes_json(lb, m->classes);
	for (size_t i = 0; i < sizeof(mem_fields) / sizeof(mem_fields[0]); i++) {
		const struct mem_field *f = &mem_fields[i];
		const char *p = (const char *)m + f->offset;
		uint64_t v;

		if (f->flag && !(m->valid & f->flag))
			continue;
		if (f->size == 8) {
			memcpy(&v, p, 8);
		} else {
			uint32_t v32;

			memcpy(&v32, p, 4);
			v = v32;
		}
		lb_mem(lb, ",\"", 2);
		lb_str(lb, f->key);
		lb_mem(lb, "\":", 2);
		if (f->hex)
			j_hex(lb, v);
		else
			j_u64(lb, v);
		if (f->flag == MEM_HAS_VADDR && v)
			addr_sym_json(pr, FORM_JSON_VADDR, v, maps);
	}
}

static void put_pair(struct event_printer *pr, const struct maps *m, uint64_t from,
		     uint64_t to);

static void print_json(struct event_printer *pr, const struct trace_event *te)
{
	const struct decode_event *ev = te->ev;
	const char *sub = event_subkind_name(ev);
	struct line_buf *lb = &pr->buf;

	LB_LIT(lb, "{\"type\":\"");
	lb_str(lb, event_kind_name(ev->kind));
	lb_char(lb, '"');
	if (sub) {
		LB_LIT(lb, ",\"kind\":\"");
		lb_str(lb, sub);
		lb_char(lb, '"');
	}
	if (ev->time) {
		KV(lb, "time");
		j_u64(lb, ev->time);
	}
	put_context(pr, te);
	put_pair(pr, trace_event_maps(te), ev->from, ev->to);
	KV(lb, "insn_count");
	j_u64(lb, ev->insn_count);
	KV(lb, "aux_offset");
	j_u64(lb, ev->aux_offset);
	if (ev->error) {
		KV(lb, "error");
		j_string(lb, ev->error);
	}
	if (has_payload(ev->kind)) {
		KV(lb, "payload");
		j_hex(lb, ev->payload);
	}
	if (ev->kind == EVENT_MEM_SAMPLE && ev->mem)
		mem_json(pr, ev->mem, trace_event_maps(te));
	LB_LIT(lb, "}\n");
}

/* "sym+0xoff [file:line] (dso)" of addr, file:line when src is not NULL */
static void addr_sym_text(struct event_printer *pr, uint64_t addr, const struct maps *m,
			  const char *src)
{
	struct line_buf *lb = &pr->buf;
	uint64_t off = 0;
	const struct sym_frag *f = sym_cache_lookup(pr->syms, m, addr, &off);
	const struct sym_print *sp = f ? sym_print_of(pr, FORM_TEXT, f) : NULL;

	if (!sp) {
		pr->render_failed = true;
		LB_LIT(lb, "[unknown] ([unknown])");
		return;
	}
	lb_mem(lb, sp->text, sp->head_len);
	if (f->sym)
		lb_hex_right(lb, off, 0);
	if (src) {
		lb_char(lb, ' ');
		lb_str(lb, src);
	}
	lb_mem(lb, sp->text + sp->head_len, sp->tail_len);
}

/* "    addr sym+0xoff [file:line] (dso)", as perf script prints a branch end */
static void addr_text(struct event_printer *pr, uint64_t addr, const struct maps *m)
{
	const char *src = NULL;
	char line[4096];

	if (pr->srcline && addr)
		src = maps_srcline(m, addr, line, sizeof(line));
	lb_hex_right(&pr->buf, addr, 16);
	lb_char(&pr->buf, ' ');
	addr_sym_text(pr, addr, m, src);
}

/*
 * Both ends of an event, through the pair cache: JSON ,"from":...,"to":...
 * or text "FROM => TO".
 */
static void put_pair(struct event_printer *pr, const struct maps *m, uint64_t from,
		     uint64_t to)
{
	struct pair_slot *p = pair_slot_of(pr, from, to);
	uint64_t changes = maps_changes();
	size_t start = pr->buf.len;

	if (p && pair_hit(p, m, from, to, changes)) {
		lb_mem(&pr->buf, p->text, p->len);
		return;
	}
	pr->render_failed = false;
	if (pr->json) {
		addr_json(pr, FORM_JSON_FROM, from, m);
		addr_json(pr, FORM_JSON_TO, to, m);
	} else {
		addr_text(pr, from, m);
		LB_LIT(&pr->buf, " => ");
		addr_text(pr, to, m);
	}
	if (p)
		pair_keep(p, &pr->buf, start, pr->render_failed, m, from, to, changes);
}

/* the sample's fields; its virtual address with the data symbol there (maps) */
static void mem_text(struct event_printer *pr, const struct mem_sample *m,
		     const struct maps *maps)
{
	struct line_buf *lb = &pr->buf;

	LB_LIT(lb, " op ");
	lb_str(lb, mem_op_name(m->op));
	if (m->valid & MEM_HAS_VADDR) {
		LB_LIT(lb, " vaddr ");
		lb_hex0x(lb, m->vaddr);
		if (m->vaddr) {	/* as in JSON: address 0 has no symbol */
			lb_char(lb, ' ');
			addr_sym_text(pr, m->vaddr, maps, NULL);
		}
	}
	if (m->valid & MEM_HAS_PADDR) {
		LB_LIT(lb, " paddr ");
		lb_hex0x(lb, m->paddr);
	}
	if (m->valid & MEM_HAS_TOTAL_LAT) {
		LB_LIT(lb, " lat ");
		lb_udec_zero(lb, m->total_lat, 1);
	}
	if (m->valid & MEM_HAS_DATA_SRC) {
		LB_LIT(lb, " data_src ");
		lb_hex0x(lb, m->data_src);
	}
	LB_LIT(lb, " events ");
	lb_hex0x(lb, m->events);
}

/* The kind column: a branch's kind, "tr strt", "tr end", or the event's name. */
static const char *kind_column(const struct decode_event *ev)
{
	switch (ev->kind) {
	case EVENT_BRANCH:
		return branch_kind_name(ev->branch) ?: "branch";
	case EVENT_TRACE_BEGIN:
		return "tr strt";
	case EVENT_TRACE_END:
		return "tr end";
	default:
		return event_kind_name(ev->kind);
	}
}

/* " KIND ", the kind column padded to 10 between spaces: made once per kind */
static void kind_text(struct event_printer *pr, const struct decode_event *ev)
{
	struct kind_text *k = &pr->kind_text[(ev->kind ^ ev->branch ^ ev->branch >> 4) & 15];
	const char *name;
	size_t n, w;

	if (!k->valid || k->kind != ev->kind || k->branch != ev->branch) {
		name = kind_column(ev);
		n = strlen(name);
		w = n < 10 ? 10 : n;
		if (w + 2 > sizeof(k->text)) {	/* too long to keep: as it is */
			lb_char(&pr->buf, ' ');
			lb_str_right(&pr->buf, name, 10);
			lb_char(&pr->buf, ' ');
			return;
		}
		*k = (struct kind_text){ .valid = true, .kind = ev->kind, .branch = ev->branch,
					 .len = (uint8_t)(w + 2) };
		memset(k->text, ' ', w + 2);
		memcpy(k->text + 1 + w - n, name, n);
	}
	lb_mem(&pr->buf, k->text, k->len);
}

/* " S.NNNNNNNNN:", formatted once for all the events of one time */
static void time_text(struct event_printer *pr, uint64_t time)
{
	if (time != pr->time || !pr->time_len) {
		/* at most 23 bytes: t never grows out of time_text */
		struct line_buf t = { .p = pr->time_text, .cap = sizeof(pr->time_text) };

		lb_char(&t, ' ');
		lb_udec_zero(&t, time / 1000000000, 1);
		lb_char(&t, '.');
		lb_udec_zero(&t, time % 1000000000, 9);
		lb_char(&t, ':');
		pr->time = time;
		pr->time_len = (uint8_t)t.len;
	}
	lb_mem(&pr->buf, pr->time_text, pr->time_len);
}

static void print_text(struct event_printer *pr, const struct trace_event *te)
{
	const struct decode_event *ev = te->ev;
	struct line_buf *lb = &pr->buf;

	put_context(pr, te);
	if (ev->time)
		time_text(pr, ev->time);
	kind_text(pr, ev);
	if (ev->error) {
		lb_printf(lb, " error: %s at AUX offset %#" PRIx64, ev->error, ev->aux_offset);
		if (ev->from)
			lb_printf(lb, " ip %#" PRIx64, ev->from);
	} else if (ev->kind == EVENT_MEM_SAMPLE && ev->mem) {
		addr_text(pr, ev->from, trace_event_maps(te));
		mem_text(pr, ev->mem, trace_event_maps(te));
	} else {
		put_pair(pr, trace_event_maps(te), ev->from, ev->to);
		if (ev->kind == EVENT_PTWRITE || ev->kind == EVENT_POWER)
			lb_printf(lb, " payload %#" PRIx64, ev->payload);
	}
	lb_char(lb, '\n');
}

int event_print(struct event_printer *pr, const struct trace_event *te)
{
	if (pr->json)
		print_json(pr, te);
	else
		print_text(pr, te);
	return pr->buf.len >= EVENT_PRINT_FLUSH_AT ? event_printer_flush(pr) : 0;
}

int event_render(struct event_printer *pr, const struct trace_event *te)
{
	if (pr->json)
		print_json(pr, te);
	else
		print_text(pr, te);
	return pr->buf.err;
}
