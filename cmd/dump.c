// SPDX-License-Identifier: GPL-2.0
/*
 * dump.c - `auxrec dump`: every attr, record (in file order, with its file
 * offset and decoded fields), AUX chunk packets and header feature of a
 * perf.data, as aligned text like `perf report -D` or as JSON Lines.
 *
 * AUX chunk flags: those of the PERF_RECORD_AUX records joined to the chunk
 * (rule in lib/session/aux_join.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "lib/session/aux_join.h"
#include "lib/session/recording.h"
#include "builtin.h"
#include "lib/symbols/build_id.h"
#include "decoders/decoder.h"
#include "lib/output/json.h"
#include "lib/output/packet_render.h"
#include "lib/perf_data/perf_data.h"
#include "lib/util/util.h"

#define DEFAULT_INPUT "auxrec.data"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: auxrec dump [-i FILE] [--json] [--stats] [--no-packets] [--no-pad]\n"
		"       auxrec dump --raw FILE --pmu NAME [--json] [--stats] [--no-pad]\n"
		"\n"
		"Print the header, attrs, every record in file order, the packets of\n"
		"every AUX chunk and the header features of a perf.data recording.\n"
		"\n"
		"  -i, --input FILE   the recording (default " DEFAULT_INPUT "; - for stdin)\n"
		"  -j, --json         JSON Lines, one object per line (see docs/json.md)\n"
		"      --raw FILE     dump a file of raw AUX bytes as one chunk\n"
		"      --pmu NAME     the PMU whose decoder reads --raw (e.g. intel_pt)\n"
		"      --stats        count records and packets instead of listing them\n"
		"      --no-packets   do not decode AUX chunks\n"
		"      --no-pad       do not list padding packets (--stats still counts them)\n"
		"  -h, --help         this help\n");
}

/* ------------------------------------------------------- field output */

/* One printer for both forms: " key value" in text, "key":value in JSON. */
struct out {
	FILE *f;
	struct json_writer *jw;
};

static void f_u64(struct out *o, const char *k, uint64_t v)
{
	if (o->jw)
		jw_kv_u64(o->jw, k, v);
	else
		fprintf(o->f, " %s %" PRIu64, k, v);
}

static void f_s64(struct out *o, const char *k, int64_t v)
{
	if (o->jw)
		jw_kv_s64(o->jw, k, v);
	else
		fprintf(o->f, " %s %" PRId64, k, v);
}

static void f_hex(struct out *o, const char *k, uint64_t v)
{
	if (o->jw)
		jw_kv_hex(o->jw, k, v);
	else
		fprintf(o->f, " %s %#" PRIx64, k, v);
}

/* sizes and offsets: numbers in JSON (the convention), hex for people */
static void f_size(struct out *o, const char *k, uint64_t v)
{
	if (o->jw)
		jw_kv_u64(o->jw, k, v);
	else
		fprintf(o->f, " %s %#" PRIx64, k, v);
}

static void f_str(struct out *o, const char *k, const char *s)
{
	if (o->jw)
		jw_kv_string(o->jw, k, s);
	else
		fprintf(o->f, " %s %s", k, s ? s : "(null)");
}

/* A NUL-terminated string of at most max bytes (records are untrusted). */
static void f_strn(struct out *o, const char *k, const char *s, size_t max)
{
	size_t n = strnlen(s, max);

	if (o->jw) {
		jw_key(o->jw, k);
		jw_string_len(o->jw, s, n);
	} else {
		fprintf(o->f, " %s %.*s", k, (int)n, s);
	}
}

/* Names of the bits set in v: "truncated|partial", or a JSON array. */
static void f_flags(struct out *o, const char *k, uint64_t v, const char *const *names, int n)
{
	bool first = true;

	if (o->jw) {
		jw_key(o->jw, k);
		jw_array_start(o->jw);
	} else {
		fprintf(o->f, " %s ", k);
	}
	for (int i = 0; i < n; i++) {
		if (!(v & (1ULL << i)) || !names[i])
			continue;
		if (o->jw)
			jw_string(o->jw, names[i]);
		else
			fprintf(o->f, "%s%s", first ? "" : "|", names[i]);
		first = false;
	}
	if (o->jw)
		jw_array_end(o->jw);
	else if (first)
		fputs("none", o->f);
}

static void begin_obj(struct out *o, const char *type)
{
	if (o->jw) {
		jw_object_start(o->jw);
		jw_kv_string(o->jw, "type", type);
	}
}

static void end_obj(struct out *o)
{
	if (o->jw) {
		jw_object_end(o->jw);
		jw_end_line(o->jw);
	} else {
		fputc('\n', o->f);
	}
}

/* ------------------------------------------------------------ state */

struct dump {
	struct out o;
	struct pd_reader *r;
	bool stats, no_packets, no_pad;
	const struct decoder_ops *dec;
	struct packet_render *render;	/* the packets of dec's chunks */
	bool dec_looked_up;
	uint32_t auxtrace_type;		/* from AUXTRACE_INFO, 0: none */
	uint64_t *info_priv;		/* its private words, for the decoder */
	size_t nr_priv;
	struct aux_join join;
	uint64_t count[PERF_RECORD_USER_MAX + 1];	/* last: unknown types */
	uint64_t aux_bytes, nr_chunks;
	int status;
	char *first_err;		/* reported once, at the end */
	unsigned int nr_errs;
	int out_err;			/* errno of the output's first failed write */
};

/*
 * Whether the output failed (a full disk, a closed stdout): the dump then
 * stops, and says so with the errno of that write, taken when first seen.
 */
static bool output_failed(struct dump *d)
{
	if (!d->out_err && ferror(d->o.f))
		d->out_err = errno ? errno : EIO;
	return d->out_err;
}

/* Bad input gets one error line: the first error, and how many followed. */
static void dump_error(struct dump *d, const char *msg)
{
	d->status = 1;
	if (!d->nr_errs++)
		d->first_err = strdup(msg);
}

static void dump_report_errors(struct dump *d)
{
	if (d->nr_errs > 1)
		p_err("%s (and %u more errors)", d->first_err ? d->first_err : "corrupt input",
		      d->nr_errs - 1);
	else if (d->nr_errs)
		p_err("%s", d->first_err ? d->first_err : "corrupt input");
	free(d->first_err);
	d->first_err = NULL;
	d->nr_errs = 0;
}

static const char *const aux_flag_names[] = { "truncated", "overwrite", "partial", "collision" };

static const char *const sample_type_names[] = {
	"ip", "tid", "time", "addr", "read", "callchain", "id", "cpu", "period",
	"stream_id", "raw", "branch_stack", "regs_user", "stack_user", "weight",
	"data_src", "identifier", "transaction", "regs_intr", "phys_addr", "aux",
	"cgroup", "data_page_size", "code_page_size", "weight_struct",
};


/* ----------------------------------------------------------- header */

static void print_header(struct dump *d, const char *path)
{
	const struct perf_file_header *h = pd_reader_header(d->r);
	struct out *o = &d->o;
	bool pipe = pd_reader_is_pipe(d->r);

	if (!o->jw)
		fputs("# header:", o->f);
	begin_obj(o, "header");
	f_str(o, "file", path);
	f_str(o, "mode", pipe ? "pipe" : pd_reader_is_dir(d->r) ? "directory" : "file");
	f_u64(o, "header_size", h->size);
	if (!pipe) {
		f_u64(o, "attr_size", h->attr_size);
		f_u64(o, "attrs_offset", h->attrs.offset);
		f_u64(o, "attrs_size", h->attrs.size);
		f_u64(o, "data_offset", h->data.offset);
		f_u64(o, "data_size", h->data.size);
	}
	end_obj(o);
}

static void print_attr(struct dump *d, size_t i)
{
	const struct pd_attr *pa = pd_reader_attr(d->r, i);
	const struct perf_event_attr *a = &pa->attr;
	struct out *o = &d->o;
	const char *pmu = recording_pmu_name(d->r, a->type);

	if (!o->jw)
		fprintf(o->f, "# attr %zu:", i);
	begin_obj(o, "attr");
	f_u64(o, "index", i);
	f_str(o, "name", pa->name ? pa->name : "");
	f_u64(o, "attr_type", a->type);
	f_str(o, "pmu", pmu ? pmu : "unknown");
	f_u64(o, "size", pa->file_size);
	f_hex(o, "config", a->config);
	f_hex(o, "config1", a->config1);
	f_hex(o, "config2", a->config2);
	f_u64(o, a->freq ? "sample_freq" : "sample_period", a->sample_period);
	f_flags(o, "sample_type", a->sample_type, sample_type_names,
		sizeof(sample_type_names) / sizeof(sample_type_names[0]));
	f_hex(o, "read_format", a->read_format);
	f_u64(o, "sample_id_all", a->sample_id_all);
	f_u64(o, "disabled", a->disabled);
	f_u64(o, "inherit", a->inherit);
	f_u64(o, "exclude_kernel", a->exclude_kernel);
	f_u64(o, "exclude_user", a->exclude_user);
	f_u64(o, "context_switch", a->context_switch);
	f_u64(o, "aux_watermark", a->aux_watermark);
	if (o->jw) {
		jw_key(o->jw, "ids");
		jw_array_start(o->jw);
		for (uint32_t k = 0; k < pa->nr_ids; k++)
			jw_u64(o->jw, pa->ids[k]);
		jw_array_end(o->jw);
	} else {
		fputs(" ids", o->f);
		for (uint32_t k = 0; k < pa->nr_ids; k++)
			fprintf(o->f, "%s%" PRIu64, k ? "," : " ", pa->ids[k]);
	}
	end_obj(o);
}

/* ---------------------------------------------------------- records */

static bool short_record(struct dump *d, const struct pd_record *rec, size_t need)
{
	char msg[160];

	if (rec->hdr->size >= need)
		return false;
	if (d->o.jw)
		jw_kv_string(d->o.jw, "error", "record too short for its type");
	else
		fprintf(d->o.f, " (record too short: %u bytes, its type needs %zu)",
			rec->hdr->size, need);
	snprintf(msg, sizeof(msg), "record at offset %llu%s (type %u) has %u bytes, its type "
		 "needs %zu", (unsigned long long)rec->offset,
		 rec->compressed ? " (compressed)" : "", rec->hdr->type, rec->hdr->size, need);
	dump_error(d, msg);
	return true;
}

static void print_sample_id(struct dump *d, const struct pd_record *rec)
{
	struct pd_sample_id s;
	struct out *o = &d->o;
	uint64_t st;

	if (pd_reader_sample_id(d->r, rec->hdr, &s))
		return;
	st = s.sample_type;
	if (o->jw) {
		jw_key(o->jw, "sample_id");
		jw_object_start(o->jw);
	} else {
		fputs(" |", o->f);
	}
	if (st & PERF_SAMPLE_IP)
		f_hex(o, "ip", s.ip);
	if (st & PERF_SAMPLE_TID) {
		f_s64(o, "pid", (int32_t)s.pid);
		f_s64(o, "tid", (int32_t)s.tid);
	}
	if (st & PERF_SAMPLE_TIME)
		f_u64(o, "time", s.time);
	if (st & PERF_SAMPLE_ADDR)
		f_hex(o, "addr", s.addr);
	if (st & (PERF_SAMPLE_ID | PERF_SAMPLE_IDENTIFIER))
		f_u64(o, "id", s.id);
	if (st & PERF_SAMPLE_STREAM_ID)
		f_u64(o, "stream_id", s.stream_id);
	if (st & PERF_SAMPLE_CPU)
		f_s64(o, "cpu", (int32_t)s.cpu);
	if (o->jw)
		jw_object_end(o->jw);
}

static void remember_aux(struct dump *d, const struct pd_record *rec)
{
	struct aux_join_rec p;

	recording_aux_rec(d->r, rec, &p);
	aux_join_add(&d->join, &p);
}

/* Flags of the pending AUX records this chunk covers; drops those it ends. */
static uint64_t take_aux_flags(struct dump *d, const struct perf_rec_auxtrace *t)
{
	return aux_join_take(&d->join, t->offset, t->size, t->cpu, t->tid, NULL);
}

static const struct decoder_ops *find_decoder(struct dump *d)
{
	if (d->dec_looked_up)
		return d->dec;
	d->dec_looked_up = true;
	d->dec = recording_decoder(d->r, d->auxtrace_type, NULL);
	if (d->dec && !d->dec->packets)
		d->dec = NULL;
	return d->dec;
}

static struct packet_render *render_new(struct dump *d, const struct decoder_ops *dec)
{
	struct packet_render_opts opts = { .out = d->o.f, .jw = d->o.jw, .stats = d->stats,
					   .no_pad = d->no_pad };

	return packet_render_new(dec->packets, &opts);
}

static int dump_chunk(struct dump *d, const struct aux_chunk *c)
{
	if (!d->render) {
		d->render = render_new(d, d->dec);
		if (!d->render)
			return -ENOMEM;
	}
	return packet_render_chunk(d->render, c);
}

/* An AUXTRACE payload through the decoder's packet dump. */
static void feed_chunk(struct dump *d, const struct pd_record *rec, uint64_t flags)
{
	const struct perf_rec_auxtrace *t = (const void *)rec->hdr;
	struct aux_chunk c = {
		.data = rec->payload, .size = rec->payload_size,
		.aux_offset = t->offset, .file_offset = rec->payload_offset,
		.flags = flags, .cpu = (int32_t)t->cpu, .tid = (int32_t)t->tid,
		.idx = t->idx, .info_priv = d->info_priv, .nr_priv = d->nr_priv,
	};

	d->aux_bytes += rec->payload_size;
	d->nr_chunks++;
	if (d->no_packets || !find_decoder(d))
		return;
	if (dump_chunk(d, &c) < 0)
		d->status = 1;
}

/* --stats: what records mean for the AUX chunks, nothing printed. */
static void stats_only(struct dump *d, const struct pd_record *rec)
{
	const struct perf_event_header *h = rec->hdr;

	if (h->type == PERF_RECORD_AUX && h->size >= sizeof(struct perf_rec_aux))
		remember_aux(d, rec);
	else if (h->type == PERF_RECORD_AUXTRACE_INFO)
		d->dec_looked_up = false;
	else if (h->type == PERF_RECORD_AUXTRACE)
		feed_chunk(d, rec, take_aux_flags(d, (const void *)h));
}

/* The AUXTRACE_INFO private words a decoder may need for the chunks after it. */
static void keep_info_priv(struct dump *d, const struct pd_record *rec)
{
	const struct perf_event_header *h = rec->hdr;
	size_t n = (h->size - sizeof(struct perf_rec_auxtrace_info)) / 8;
	uint64_t *p = n ? malloc(n * 8) : NULL;

	free(d->info_priv);
	d->info_priv = p;
	d->nr_priv = p ? n : 0;
	if (p)
		memcpy(p, ((const struct perf_rec_auxtrace_info *)h)->priv, n * 8);
}

static void print_auxtrace(struct dump *d, const struct pd_record *rec)
{
	const struct perf_rec_auxtrace *t = (const void *)rec->hdr;
	struct out *o = &d->o;
	uint64_t flags = take_aux_flags(d, t);

	/*
	 * JSON: the chunk's size and offset as aux_size and aux_offset (as
	 * an aux record names them), after the record's own size and offset;
	 * text: perf report -D's labels.
	 */
	f_size(o, o->jw ? "aux_size" : "size", t->size);
	f_size(o, o->jw ? "aux_offset" : "offset", t->offset);
	f_hex(o, "reference", t->reference);
	f_u64(o, "idx", t->idx);
	f_s64(o, "tid", (int32_t)t->tid);
	f_s64(o, "cpu", (int32_t)t->cpu);
	f_flags(o, "aux_flags", flags, aux_flag_names, 4);
	end_obj(o);
	feed_chunk(d, rec, flags);
}

/* Decoded fields of the record types auxrec knows; false: ended already. */
static bool print_fields(struct dump *d, const struct pd_record *rec)
{
	const struct perf_event_header *h = rec->hdr;
	const void *p = h;
	struct out *o = &d->o;

	/* the fixed-layout types (perf_record_min_size()) */
	if (short_record(d, rec, perf_record_min_size(h->type)))
		goto sample_id;
	switch (h->type) {
	case PERF_RECORD_MMAP: {
		const struct perf_rec_mmap *m = p;

		f_s64(o, "pid", (int32_t)m->pid);
		f_s64(o, "tid", (int32_t)m->tid);
		f_hex(o, "start", m->start);
		f_size(o, "len", m->len);
		f_size(o, "pgoff", m->pgoff);
		f_strn(o, "filename", m->filename, h->size - sizeof(*m));
		break;
	}
	case PERF_RECORD_MMAP2: {
		const struct perf_rec_mmap2 *m = p;

		f_s64(o, "pid", (int32_t)m->pid);
		f_s64(o, "tid", (int32_t)m->tid);
		f_hex(o, "start", m->start);
		f_size(o, "len", m->len);
		f_size(o, "pgoff", m->pgoff);
		if (h->misc & PERF_RECORD_MISC_MMAP_BUILD_ID) {
			char hex[41];

			build_id_hex(m->build_id, m->build_id_size <= 20 ? m->build_id_size : 20,
				     hex);
			f_str(o, "build_id", hex);
		} else {
			f_u64(o, "maj", m->maj);
			f_u64(o, "min", m->min);
			f_u64(o, "ino", m->ino);
			f_u64(o, "ino_generation", m->ino_generation);
		}
		f_hex(o, "prot", m->prot);
		f_hex(o, "flags", m->flags);
		f_strn(o, "filename", m->filename, h->size - sizeof(*m));
		break;
	}
	case PERF_RECORD_COMM: {
		const struct perf_rec_comm *c = p;

		f_s64(o, "pid", (int32_t)c->pid);
		f_s64(o, "tid", (int32_t)c->tid);
		f_strn(o, "comm", c->comm, h->size - sizeof(*c));
		f_u64(o, "exec", !!(h->misc & PERF_RECORD_MISC_COMM_EXEC));
		break;
	}
	case PERF_RECORD_FORK:
	case PERF_RECORD_EXIT: {
		const struct perf_rec_fork *f = p;

		f_s64(o, "pid", (int32_t)f->pid);
		f_s64(o, "ppid", (int32_t)f->ppid);
		f_s64(o, "tid", (int32_t)f->tid);
		f_s64(o, "ptid", (int32_t)f->ptid);
		f_u64(o, "time", f->time);
		break;
	}
	case PERF_RECORD_AUX: {
		const struct perf_rec_aux *a = p;

		f_size(o, "aux_offset", a->aux_offset);
		f_size(o, "aux_size", a->aux_size);
		f_flags(o, "flags", a->flags, aux_flag_names, 4);
		remember_aux(d, rec);
		break;
	}
	case PERF_RECORD_ITRACE_START:
	case PERF_RECORD_SWITCH_CPU_WIDE: {
		const struct perf_rec_pid_tid *t = p;

		f_s64(o, h->type == PERF_RECORD_ITRACE_START ? "pid" : "next_prev_pid",
		      (int32_t)t->pid);
		f_s64(o, h->type == PERF_RECORD_ITRACE_START ? "tid" : "next_prev_tid",
		      (int32_t)t->tid);
		if (h->type == PERF_RECORD_SWITCH_CPU_WIDE)
			f_str(o, "direction", h->misc & PERF_RECORD_MISC_SWITCH_OUT ? "out" : "in");
		break;
	}
	case PERF_RECORD_SWITCH:
		f_str(o, "direction", h->misc & PERF_RECORD_MISC_SWITCH_OUT ? "out" : "in");
		f_u64(o, "preempt", !!(h->misc & PERF_RECORD_MISC_SWITCH_OUT_PREEMPT));
		break;
	case PERF_RECORD_LOST: {
		const struct perf_rec_lost *l = p;

		f_u64(o, "id", l->id);
		f_u64(o, "lost", l->lost);
		break;
	}
	case PERF_RECORD_LOST_SAMPLES:
	case PERF_RECORD_AUX_OUTPUT_HW_ID: {
		const struct perf_rec_u64 *u = p;

		f_u64(o, h->type == PERF_RECORD_LOST_SAMPLES ? "lost" : "hw_id", u->value);
		break;
	}
	case PERF_RECORD_TIME_CONV: {
		const struct perf_rec_time_conv *t = p;

		f_u64(o, "time_shift", t->time_shift);
		f_u64(o, "time_mult", t->time_mult);
		f_u64(o, "time_zero", t->time_zero);
		if (h->size >= sizeof(*t)) {
			f_u64(o, "time_cycles", t->time_cycles);
			f_hex(o, "time_mask", t->time_mask);
			f_u64(o, "cap_user_time_zero", t->cap_user_time_zero);
			f_u64(o, "cap_user_time_short", t->cap_user_time_short);
		}
		break;
	}
	case PERF_RECORD_AUXTRACE_INFO: {
		const struct perf_rec_auxtrace_info *ai = p;
		uint32_t n;

		n = (h->size - sizeof(*ai)) / 8;
		d->auxtrace_type = ai->type;
		d->dec_looked_up = false;
		f_u64(o, "auxtrace_type", ai->type);
		if (o->jw) {
			jw_key(o->jw, "priv");
			jw_array_start(o->jw);
			for (uint32_t i = 0; i < n; i++)
				jw_hex(o->jw, ai->priv[i]);
			jw_array_end(o->jw);
		} else {
			for (uint32_t i = 0; i < n; i++)
				fprintf(o->f, "\n    priv[%2u] %#" PRIx64, i, ai->priv[i]);
		}
		break;
	}
	case PERF_RECORD_AUXTRACE:
		print_auxtrace(d, rec);
		return false;
	case PERF_RECORD_AUXTRACE_ERROR: {
		const struct perf_rec_auxtrace_error *e = p;

		if (short_record(d, rec, offsetof(struct perf_rec_auxtrace_error, machine_pid)))
			break;
		f_u64(o, "error_type", e->type);
		f_u64(o, "code", e->code);
		f_s64(o, "cpu", (int32_t)e->cpu);
		f_s64(o, "pid", (int32_t)e->pid);
		f_s64(o, "tid", (int32_t)e->tid);
		f_hex(o, "ip", e->ip);
		f_strn(o, "msg", e->msg, sizeof(e->msg));
		break;
	}
	case PERF_RECORD_HEADER_FEATURE: {
		const struct perf_rec_header_feature *f = p;

		if (short_record(d, rec, sizeof(*f)))
			break;
		f_str(o, "feature", perf_feature_name(f->feat_id) ?: "unknown");
		f_u64(o, "feat_id", f->feat_id);
		break;
	}
	case PERF_RECORD_HEADER_ATTR:
		f_u64(o, "attr_index", pd_reader_nr_attrs(d->r) - 1);
		break;
	case PERF_RECORD_COMPRESSED:	/* the reader checked the sizes */
		f_size(o, "data_size", h->size - 8u);
		break;
	case PERF_RECORD_COMPRESSED2: {
		uint64_t size;

		memcpy(&size, (const uint8_t *)p + 8, 8);
		f_size(o, "data_size", size);
		break;
	}
	}
sample_id:
	if (perf_record_has_sample_id(h->type) || h->type == PERF_RECORD_SAMPLE)
		print_sample_id(d, rec);
	return true;
}

static void print_record(struct dump *d, const struct pd_record *rec)
{
	const struct perf_event_header *h = rec->hdr;
	const char *name = perf_record_name(h->type);
	struct out *o = &d->o;

	d->count[h->type < PERF_RECORD_USER_MAX ? h->type : PERF_RECORD_USER_MAX]++;
	if (h->type == PERF_RECORD_AUXTRACE_INFO && h->size >= sizeof(struct perf_rec_auxtrace_info)) {
		d->auxtrace_type = ((const struct perf_rec_auxtrace_info *)h)->type;
		keep_info_priv(d, rec);
	}
	if (d->stats) {
		stats_only(d, rec);
		return;
	}
	if (o->jw) {
		begin_obj(o, "record");
		jw_kv_string(o->jw, "record", perf_record_json_name(h->type) ?: "unknown");
		jw_kv_u64(o->jw, "record_type", h->type);
		jw_kv_u64(o->jw, "offset", rec->offset);
		if (rec->compressed)
			jw_kv_bool(o->jw, "compressed", true);
		if (rec->file)
			jw_kv_string(o->jw, "file", rec->file);
		jw_kv_u64(o->jw, "size", h->size);
		jw_kv_hex(o->jw, "misc", h->misc);
	} else {
		/* inside a COMPRESSED record: indented, at its offset (perf -D) */
		fprintf(o->f, "%s%#" PRIx64 "%s%s [%#x]: ", rec->compressed ? "  " : "",
			rec->offset, rec->file ? "@" : "", rec->file ? rec->file : "", h->size);
		if (name)
			fprintf(o->f, "%-28s", name);
		else
			fprintf(o->f, "unknown type %-15u", h->type);
	}
	if (print_fields(d, rec))
		end_obj(o);
}

/* --------------------------------------------------------- features */

static void print_strlist(struct out *o, const char *k, const struct pd_strlist *l)
{
	if (o->jw) {
		jw_key(o->jw, k);
		jw_array_start(o->jw);
		for (uint32_t i = 0; i < l->nr; i++)
			jw_string(o->jw, l->s[i]);
		jw_array_end(o->jw);
		return;
	}
	fprintf(o->f, " %s", k);
	for (uint32_t i = 0; i < l->nr; i++)
		fprintf(o->f, "%s%s", i ? " ; " : " ", l->s[i]);
}

static void print_feature_body(struct dump *d, const struct pd_feature *ft)
{
	const struct pd_features *f = pd_reader_features(d->r);
	struct out *o = &d->o;

	switch (ft->id) {
	case HEADER_HOSTNAME: case HEADER_OSRELEASE: case HEADER_VERSION:
	case HEADER_ARCH: case HEADER_CPUDESC: case HEADER_CPUID:
		f_str(o, "value", f->str[ft->id] ? f->str[ft->id] : "");
		break;
	case HEADER_NRCPUS:
		f_u64(o, "nr_cpus_avail", f->nr_cpus_avail);
		f_u64(o, "nr_cpus_online", f->nr_cpus_online);
		break;
	case HEADER_TOTAL_MEM:
		f_u64(o, "total_mem_kb", f->total_mem);
		break;
	case HEADER_CMDLINE:
		print_strlist(o, "args", &f->cmdline);
		break;
	case HEADER_CLOCKID:
		f_u64(o, "clockid_res_ns", f->clockid_res_ns);
		break;
	case HEADER_SAMPLE_TIME:
		f_u64(o, "first", f->sample_time[0]);
		f_u64(o, "last", f->sample_time[1]);
		break;
	case HEADER_COMPRESSED:
		f_u64(o, "comp_version", f->comp_ver);
		f_str(o, "comp_type", f->comp_type == PERF_COMP_ZSTD ? "zstd" : "unknown");
		f_u64(o, "comp_level", f->comp_level);
		f_u64(o, "comp_ratio", f->comp_ratio);
		f_u64(o, "comp_mmap_len", f->comp_mmap_len);
		break;
	case HEADER_DIR_FORMAT:
		f_u64(o, "dir_version", f->dir_version);
		break;
	case HEADER_CPU_TOPOLOGY:
		print_strlist(o, "sibling_sockets", &f->sibling_sockets);
		print_strlist(o, "sibling_threads", &f->sibling_threads);
		if (f->sibling_dies.nr)
			print_strlist(o, "sibling_dies", &f->sibling_dies);
		break;
	case HEADER_BUILD_ID:
		f_u64(o, "nr", f->nr_build_ids);
		if (o->jw) {
			jw_key(o->jw, "build_ids");
			jw_array_start(o->jw);
		}
		for (uint32_t i = 0; i < f->nr_build_ids; i++) {
			const struct pd_build_id *b = &f->build_ids[i];
			char hex[41];

			build_id_hex(b->id, b->size, hex);
			if (o->jw) {
				jw_object_start(o->jw);
				jw_kv_s64(o->jw, "pid", b->pid);
				jw_kv_string(o->jw, "build_id", hex);
				jw_kv_string(o->jw, "filename", b->filename);
				jw_object_end(o->jw);
			} else {
				fprintf(o->f, "\n    %s %s", hex, b->filename);
			}
		}
		if (o->jw)
			jw_array_end(o->jw);
		break;
	case HEADER_AUXTRACE:
		f_u64(o, "nr", f->nr_aux_index);
		if (o->jw) {
			jw_key(o->jw, "entries");
			jw_array_start(o->jw);
		}
		for (uint64_t i = 0; i < f->nr_aux_index; i++) {
			if (o->jw) {
				jw_object_start(o->jw);
				jw_kv_u64(o->jw, "file_offset", f->aux_index[i].file_offset);
				jw_kv_u64(o->jw, "size", f->aux_index[i].size);
				jw_object_end(o->jw);
			} else {
				fprintf(o->f, "\n    file_offset %#" PRIx64 " size %#" PRIx64,
					f->aux_index[i].file_offset, f->aux_index[i].size);
			}
		}
		if (o->jw)
			jw_array_end(o->jw);
		break;
	case HEADER_PMU_MAPPINGS:
		if (o->jw) {
			jw_key(o->jw, "pmus");
			jw_array_start(o->jw);
		}
		for (uint32_t i = 0; i < f->nr_pmus; i++) {
			if (o->jw) {
				jw_object_start(o->jw);
				jw_kv_u64(o->jw, "pmu_type", f->pmus[i].type);
				jw_kv_string(o->jw, "name", f->pmus[i].name);
				jw_object_end(o->jw);
			} else {
				fprintf(o->f, "%s%s=%u", i ? ", " : " ", f->pmus[i].name,
					f->pmus[i].type);
			}
		}
		if (o->jw)
			jw_array_end(o->jw);
		break;
	case HEADER_EVENT_DESC:
		if (o->jw) {
			jw_key(o->jw, "events");
			jw_array_start(o->jw);
		}
		for (uint32_t i = 0; i < f->nr_evdesc; i++) {
			const struct pd_event_desc *e = &f->evdesc[i];

			if (o->jw) {
				jw_object_start(o->jw);
				jw_kv_string(o->jw, "name", e->name ? e->name : "");
				jw_kv_u64(o->jw, "attr_type", e->type);
				jw_kv_hex(o->jw, "config", e->config);
				jw_kv_u64(o->jw, "nr_ids", e->nr_ids);
				jw_object_end(o->jw);
			} else {
				fprintf(o->f, "\n    event %s type %u config %#" PRIx64 " ids %u",
					e->name ? e->name : "", e->type, e->config, e->nr_ids);
			}
		}
		if (o->jw)
			jw_array_end(o->jw);
		break;
	default:
		f_str(o, "decoded", "no");
	}
}

static void print_features(struct dump *d)
{
	struct out *o = &d->o;

	for (size_t i = 0; i < pd_reader_nr_features(d->r); i++) {
		const struct pd_feature *ft = pd_reader_feature(d->r, i);
		const char *name = perf_feature_name(ft->id);
		char unknown[32];

		if (!name) {
			snprintf(unknown, sizeof(unknown), "feature_%u", ft->id);
			name = unknown;
		}
		if (!o->jw)
			fprintf(o->f, "# feature %-14s", name);
		begin_obj(o, "feature");
		if (o->jw)
			f_str(o, "feature", name);
		f_u64(o, "feat_id", ft->id);
		f_u64(o, "offset", ft->offset);
		f_u64(o, "size", ft->size);
		if (ft->err) {
			f_str(o, "error", ft->errmsg ? ft->errmsg : "corrupt");
			d->status = 1;
		} else {
			print_feature_body(d, ft);
		}
		end_obj(o);
		if (ft->err)
			dump_error(d, ft->errmsg ? ft->errmsg : "corrupt feature");
	}
}

static void stats_count(struct out *o, const char *name, uint64_t n)
{
	if (o->jw)
		jw_kv_u64(o->jw, name, n);
	else
		fprintf(o->f, "\n  %-28s %10" PRIu64, name, n);
}

static void print_stats(struct dump *d)
{
	struct out *o = &d->o;
	uint64_t unknown = 0;

	if (!o->jw)
		fputs("# stats:", o->f);
	begin_obj(o, "stats");
	if (o->jw) {
		jw_key(o->jw, "records");
		jw_object_start(o->jw);
	}
	for (int t = 0; t <= PERF_RECORD_USER_MAX; t++) {
		const char *name = t == PERF_RECORD_USER_MAX ? NULL :
				   o->jw ? perf_record_json_name(t) : perf_record_name(t);

		if (!name)	/* types without a name: counted once, at the end */
			unknown += d->count[t];
		else if (d->count[t])
			stats_count(o, name, d->count[t]);
	}
	if (unknown)
		stats_count(o, "unknown", unknown);
	if (o->jw)
		jw_object_end(o->jw);
	else
		fputc('\n', o->f);
	f_u64(o, "aux_chunks", d->nr_chunks);
	f_u64(o, "aux_bytes", d->aux_bytes);
	end_obj(o);
}

/* ------------------------------------------------------------- main */

/* One warning line when the file has parts of a newer or unknown format. */
static void warn_unknown_format(struct dump *d)
{
	const struct perf_file_header *h = pd_reader_header(d->r);
	unsigned int nr_feat = 0, feat = 0;
	uint64_t nr_rec = 0;
	char what[256] = "";
	size_t n = 0;

	for (size_t i = 0; i < pd_reader_nr_features(d->r); i++) {
		const struct pd_feature *ft = pd_reader_feature(d->r, i);

		if (!perf_feature_name(ft->id) && !nr_feat++)
			feat = ft->id;
	}
	for (int t = 0; t <= PERF_RECORD_USER_MAX; t++)
		if (t == PERF_RECORD_USER_MAX || !perf_record_name(t))
			nr_rec += d->count[t];
	if (!pd_reader_is_pipe(d->r) && h->size != sizeof(*h))
		n += snprintf(what + n, sizeof(what) - n, "header size %llu at offset 8 "
			      "(known: %zu)", (unsigned long long)h->size, sizeof(*h));
	if (nr_feat && n < sizeof(what))
		n += snprintf(what + n, sizeof(what) - n, "%s%u unknown feature(s) (id %u)",
			      n ? ", " : "", nr_feat, feat);
	if (nr_rec && n < sizeof(what))
		n += snprintf(what + n, sizeof(what) - n, "%s%llu record(s) of unknown type",
			      n ? ", " : "", (unsigned long long)nr_rec);
	if (n)
		p_warn("newer or unknown perf.data format: %s; showing what is known", what);
}

static int dump_file(struct dump *d, const char *path)
{
	struct pd_record rec;
	char err[512];
	size_t nr_attrs;
	int ret;

	ret = pd_reader_open(path, &d->r, err, sizeof(err));
	if (ret) {
		struct stat st;

		if (ret == -ENOENT && !strcmp(path, DEFAULT_INPUT) && !stat("perf.data", &st))
			p_err("%s (perf.data exists here: use -i perf.data)", err);
		else
			p_err("%s", err);
		return 1;
	}
	if (!d->stats) {
		print_header(d, path);
		for (size_t i = 0; i < pd_reader_nr_attrs(d->r); i++)
			print_attr(d, i);
	}
	nr_attrs = pd_reader_nr_attrs(d->r);
	while (!output_failed(d) && (ret = pd_reader_next(d->r, &rec)) > 0) {
		print_record(d, &rec);
		/* pipe mode: a HEADER_ATTR record added an attr (not in file mode) */
		for (; nr_attrs < pd_reader_nr_attrs(d->r); nr_attrs++)
			if (!d->stats)
				print_attr(d, nr_attrs);
	}
	if (d->render && packet_render_end(d->render) < 0)
		d->status = 1;
	d->render = NULL;
	/* a failed output is said alone, by cmd_dump() */
	if (fflush(d->o.f) || output_failed(d))
		goto out;
	if (ret < 0)
		dump_error(d, pd_reader_error(d->r));
	if (!d->stats)
		print_features(d);
	else
		print_stats(d);
	if (fflush(d->o.f) || output_failed(d))
		goto out;
	/* a damaged file gets its error line alone: damage makes formats look unknown */
	if (!d->nr_errs && pd_reader_warning(d->r))
		p_warn("%s", pd_reader_warning(d->r));
	if (!d->nr_errs)
		warn_unknown_format(d);
	dump_report_errors(d);
out:
	pd_reader_close(d->r);
	free(d->info_priv);
	return output_failed(d) ? 1 : d->status;
}

static int dump_raw(struct dump *d, const char *path, const char *pmu)
{
	const struct decoder_ops *dec = decoder_find_by_name(pmu);
	struct aux_chunk c = { .cpu = -1, .tid = -1 };
	struct packet_render *render;
	struct stat st;
	void *m = NULL;
	int fd, ret = 0;

	if (!dec || !dec->packets) {
		char list[256] = "";
		size_t n = 0;

		for (const struct decoder_ops *x = decoder_next(NULL); x; x = decoder_next(x))
			if (x->packets && !x->packets->needs_info && n < sizeof(list))
				n += snprintf(list + n, sizeof(list) - n, "%s%s", n ? ", " : "",
					      x->name);
		p_err("no decoder for PMU '%s' (--raw decoders: %s)", pmu, n ? list : "none");
		return 1;
	}
	/* a raw file has no AUXTRACE_INFO: say so once, not at every packet */
	if (dec->packets->needs_info) {
		p_err("--raw --pmu %s: its decoder needs %s, which a raw file lacks (only a "
		      "recording's AUXTRACE_INFO holds it); dump the recording with -i FILE",
		      pmu, dec->packets->needs_info);
		return 1;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		p_err("cannot open %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return 1;
	}
	/* it is mapped: a directory or a pipe said as such ("No such device") */
	if (!S_ISREG(st.st_mode)) {
		p_err("cannot read %s: %s", path, S_ISDIR(st.st_mode) ? strerror(EISDIR) :
		      "not a regular file (--raw maps it)");
		close(fd);
		return 1;
	}
	if (st.st_size > 0) {
		m = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (m == MAP_FAILED) {
			p_err("cannot map %s: %s", path, strerror(errno));
			close(fd);
			return 1;
		}
	}
	c.data = m;
	c.size = st.st_size;
	render = render_new(d, dec);
	if (!render) {
		p_err("out of memory");
		ret = 1;
	} else {
		if (packet_render_chunk(render, &c) < 0)
			ret = 1;
		if (packet_render_end(render) < 0)
			ret = 1;
	}
	if (m)
		munmap(m, st.st_size);
	close(fd);
	return ret;
}

int cmd_dump(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "input",      required_argument, NULL, 'i' },
		{ "json",       no_argument,       NULL, 'j' },
		{ "raw",        required_argument, NULL, 'r' },
		{ "pmu",        required_argument, NULL, 'P' },
		{ "stats",      no_argument,       NULL, 's' },
		{ "no-packets", no_argument,       NULL, 'n' },
		{ "no-pad",     no_argument,       NULL, 'N' },
		{ "help",       no_argument,       NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *input = NULL, *raw = NULL, *pmu = NULL;
	struct json_writer jw;
	struct dump *d = calloc(1, sizeof(*d));
	int c, ret;

	if (!d) {
		p_err("out of memory");
		return 1;
	}
	while ((c = getopt_long(argc, argv, "i:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'i': input = optarg; break;
		case 'j': json_output = true; break;
		case 'r': raw = optarg; break;
		case 'P': pmu = optarg; break;
		case 's': d->stats = true; break;
		case 'n': d->no_packets = true; break;
		case 'N': d->no_pad = true; break;
		case 'h': free(d); usage(stdout); return 0;
		default: free(d); return cmd_bad_option(usage, argv, "i:jh");
		}
	}
	ret = -1;
	if (optind < argc)
		ret = cmd_usage_error(usage, "unexpected argument '%s'", argv[optind]);
	else if (raw && !pmu)
		ret = cmd_usage_error(usage, "--raw needs --pmu NAME");
	else if (pmu && !raw)
		ret = cmd_usage_error(usage, "--pmu is for --raw input");
	else if (raw && input)
		ret = cmd_usage_error(usage, "--raw and -i exclude each other");
	if (ret >= 0) {
		free(d);
		return ret;
	}
	d->o.f = stdout;
	if (json_output) {
		jw_init(&jw, stdout, false);
		d->o.jw = &jw;
	}
	ret = raw ? dump_raw(d, raw, pmu) : dump_file(d, input ? input : DEFAULT_INPUT);
	if (fflush(stdout) && !d->out_err)
		d->out_err = errno ? errno : EIO;
	if (output_failed(d)) {
		p_err("cannot write the output: %s", strerror(d->out_err));
		ret = 1;
	}
	free(d);
	return ret;
}
