// SPDX-License-Identifier: GPL-2.0
/*
 * packet_render.c - the packet dump's output: packet descriptions
 * (decoders/decoder.h) as text lines or JSON Lines, and the per-type
 * counts of --stats, for any decoder.
 *
 * The listing is the hot path (a line per packet, millions per second):
 * at the start of a dump the type table is turned into fragments, each
 * type's `,"packet":"name"` and text name padded to its column, each
 * field's `,"key":` and text `key `, stored with FRAG_COPY zero bytes
 * after them so that one of up to FRAG_COPY bytes is copied with a
 * fixed-size memcpy; bit strings come 8 characters a copy from a table
 * made per field, small numbers from a table. Lines are formatted into
 * one buffer written out every ~64 KiB and at the end of each chunk. A
 * pretty-printing JSON writer, and errors (rare), go through
 * lib/output/json.c instead. Why the decoder hands packets over one at
 * a time: decoders/intel_pt/pt_describe.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "json.h"
#include "packet_render.h"

#define FRAG_COPY	32
#define NAME_WIDTH	10	/* text: a name with fields after it is padded */
#define VALUE_MAX	66	/* longest value: 64 bits in quotes */
#define OUT_BUF		(256 << 10)	/* bytes of lines a write (EVENT_PRINT_FLUSH_AT says why) */

#define unlikely(x)	__builtin_expect(!!(x), 0)

/* A fragment: arena[off..off + len), FRAG_COPY readable bytes after it. */
struct frag {
	uint32_t off, len;
};

struct render_field {
	struct frag jkey;	/* ,"key": */
	struct frag tkey;	/* text: " key " (no space first, no key for bits) */
	uint8_t kind;		/* enum packet_field_kind */
	const uint64_t *bits;	/* PACKET_FIELD_BITS: the 8 characters of
				 * each byte value, highest bit first */
};

struct render_type {
	struct frag jname;	/* ,"packet":"name" */
	struct frag tname;	/* text: the name padded to NAME_WIDTH, a space */
	uint32_t name_len;	/* text with no field: the name alone */
	uint8_t nr_fields, flags;
	struct render_field f[PACKET_MAX_FIELDS];
};

struct packet_render {
	const struct packet_ops *ops;
	void *state;
	struct packet_render_opts o;
	packet_fn list;		/* list_json, list_text or list_jw */
	uint16_t nr_types;
	struct render_type *types;
	char *arena;
	uint64_t (*bit_tabs)[256];	/* one per bit string field */
	size_t line_max;	/* longest line of any type, + FRAG_COPY */
	uint64_t base;		/* file offset of the current chunk */
	char *buf;
	size_t len, cap;
	size_t limit;		/* flush when len is past it */
	uint64_t *count, *bytes, errors;
};

/* ------------------------------------------------------- the tables */

static const char *type_name(const struct packet_render *r, unsigned int t)
{
	const char *name = r->ops->types[t].name;

	return name ? name : "unknown";
}

static const char *field_key(const struct packet_render *r, unsigned int t,
			     unsigned int i)
{
	const char *key = r->ops->types[t].fields[i].key;

	return key ? key : "unknown";
}

/* s as a JSON string, escaped as the JSON writer escapes it */
static void put_json_string(FILE *m, const char *s)
{
	struct json_writer w;

	jw_init(&w, m, false);
	jw_string(&w, s);
	jw_flush(&w);
}

/* Ends the fragment begun at start, with its padding. */
static struct frag frag_end(FILE *m, long start)
{
	static const char zeros[FRAG_COPY + 15];
	struct frag f = { .off = start, .len = ftell(m) - start };

	/* the padding, and the next fragment 16-byte aligned */
	fwrite(zeros, 1, FRAG_COPY + (-(f.len + FRAG_COPY) & 15), m);
	return f;
}

/* A character of a bit string that no JSON string needs to escape. */
static char bit_char(char c, char dflt)
{
	return !c ? dflt : (unsigned char)c < 0x20 || c == '"' || c == '\\' ? '?' : c;
}

/* tab[b]: the characters of the bits of b, the highest first */
static void build_bit_tab(uint64_t tab[256], const char bits[2])
{
	char c0 = bit_char(bits[0], '0'), c1 = bit_char(bits[1], '1');

	for (unsigned int b = 0; b < 256; b++) {
		char s[8];

		for (unsigned int i = 0; i < 8; i++)
			s[i] = b >> (7 - i) & 1 ? c1 : c0;
		memcpy(&tab[b], s, 8);
	}
}

/*
 * The fragments of type t into m, its bit string tables from *tab on;
 * returns its longest line.
 */
static size_t build_type(struct packet_render *r, unsigned int t, FILE *m,
			 uint64_t (**tab)[256])
{
	const struct packet_type_desc *td = &r->ops->types[t];
	struct render_type *rt = &r->types[t];
	const char *name = type_name(r, t);
	size_t jmax, tmax;
	long start;

	start = ftell(m);
	fputs(",\"packet\":", m);
	put_json_string(m, name);
	rt->jname = frag_end(m, start);
	start = ftell(m);
	fprintf(m, "%-*s ", NAME_WIDTH, name);
	rt->tname = frag_end(m, start);
	rt->name_len = strlen(name);
	rt->flags = td->flags;
	rt->nr_fields = td->fields ? td->nr_fields : 0;
	if (rt->nr_fields > PACKET_MAX_FIELDS)
		rt->nr_fields = PACKET_MAX_FIELDS;
	/* {"offset":N,"size":N ... }\n and 0123456789abcdef  ...\n */
	jmax = 10 + JW_U64_MAX + 8 + JW_U64_MAX + rt->jname.len + 2;
	tmax = 18 + rt->tname.len + 1;
	for (unsigned int i = 0; i < rt->nr_fields; i++) {
		const struct packet_field_desc *fd = &td->fields[i];
		struct render_field *f = &rt->f[i];
		const char *key = field_key(r, t, i);

		f->kind = fd->kind <= PACKET_FIELD_BITS ? fd->kind : PACKET_FIELD_DEC;
		if (f->kind == PACKET_FIELD_BITS) {
			build_bit_tab(**tab, fd->bits);
			f->bits = *(*tab)++;
		}
		start = ftell(m);
		fputc(',', m);
		put_json_string(m, key);
		fputc(':', m);
		f->jkey = frag_end(m, start);
		start = ftell(m);
		fprintf(m, "%s%s%s", i ? " " : "", f->kind == PACKET_FIELD_BITS ? "" : key,
			f->kind == PACKET_FIELD_BITS ? "" : " ");
		f->tkey = frag_end(m, start);
		jmax += f->jkey.len + VALUE_MAX;
		tmax += f->tkey.len + VALUE_MAX;
	}
	return (jmax > tmax ? jmax : tmax) + FRAG_COPY;
}

static int build_tables(struct packet_render *r)
{
	uint64_t (*tab)[256];
	size_t size = 0, nr_bits = 0;
	FILE *m;

	for (unsigned int t = 0; t < r->nr_types; t++)
		for (unsigned int i = 0; r->ops->types[t].fields &&
		     i < r->ops->types[t].nr_fields && i < PACKET_MAX_FIELDS; i++)
			nr_bits += r->ops->types[t].fields[i].kind == PACKET_FIELD_BITS;
	r->types = calloc(r->nr_types ? r->nr_types : 1, sizeof(*r->types));
	r->bit_tabs = tab = malloc((nr_bits ? nr_bits : 1) * sizeof(*tab));
	m = open_memstream(&r->arena, &size);
	if (!r->types || !r->bit_tabs || !m) {
		if (m)
			fclose(m);
		return -ENOMEM;
	}
	r->line_max = 64 + FRAG_COPY;
	for (unsigned int t = 0; t < r->nr_types; t++) {
		size_t max = build_type(r, t, m, &tab);

		if (max > r->line_max)
			r->line_max = max;
	}
	if (fclose(m) || !r->arena)
		return -ENOMEM;
	r->cap = r->line_max * 4 > OUT_BUF ? r->line_max * 4 : OUT_BUF;
	r->limit = r->cap - r->line_max;
	r->buf = malloc(r->cap);
	return r->buf ? 0 : -ENOMEM;
}

/* ---------------------------------------------------- line builders */

/* size: the fixed-size copy, 16 (keys) or FRAG_COPY (names) */
static inline char *put_frag(char *p, const char *arena, struct frag f,
			     size_t size)
{
	if (f.len <= size)
		memcpy(p, arena + f.off, size);
	else
		memcpy(p, arena + f.off, f.len);
	return p + f.len;
}

#define PUT_LIT(p, lit)	(memcpy(p, lit, sizeof(lit) - 1), (p) + sizeof(lit) - 1)

/*
 * n bits of v, the highest first, as characters: 8 at a time from tab
 * (see build_bit_tab), writing up to 7 bytes past the end.
 */
static inline char *put_bits(char *p, uint64_t v, unsigned int n,
			     const uint64_t tab[256])
{
	if (n > 64)
		n = 64;
	if (!n)
		return p;
	v <<= 64 - n;
	for (unsigned int i = 0; i < n; i += 8, v <<= 8)
		memcpy(p + i, &tab[v >> 56], 8);
	return p + n;
}

static const char hex_digits[] = "0123456789abcdef";

/* 0..99, two characters each: "0 1 2 ...9 1011...99" */
static const char small_dec[201] =
	"0 1 2 3 4 5 6 7 8 9 101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

/*
 * A number in decimal; those below 100 (sizes, flags, small counts:
 * most values of a dump) from a table, without a call or a division.
 */
static inline char *put_dec(char *p, uint64_t v)
{
	if (v >= 100)
		return jw_fmt_u64(p, v);
	memcpy(p, small_dec + 2 * v, 2);
	return p + 1 + (v >= 10);
}

/* "%016llx  " */
static inline char *put_offset(char *p, uint64_t offset)
{
	for (int i = 15; i >= 0; i--)
		*p++ = hex_digits[(offset >> (i * 4)) & 15];
	*p++ = ' ';
	*p++ = ' ';
	return p;
}

/*
 * What the line builders read of struct packet_render, as values: their
 * byte stores could be to anything a pointer reaches, so that the
 * compiler would load it again after each.
 */
struct fmt {
	const char *arena;
	uint64_t base;
};

static inline unsigned int nr_fields(const struct render_type *t,
				     const struct packet_desc *d)
{
	return d->nr < t->nr_fields ? d->nr : t->nr_fields;
}

/*
 * The fields of d after their keys: numbers as they are, hex numbers and
 * bit strings in quotes for JSON. Always inlined: json is a constant
 * there, and a call per line costs ~10% of a dump.
 */
static inline __attribute__((always_inline))
char *put_fields(char *p, struct fmt f, const struct render_type *t,
		 const struct packet_desc *d, bool json)
{
	unsigned int n = nr_fields(t, d);

	for (unsigned int i = 0; i < n; i++) {
		const struct render_field *rf = &t->f[i];

		p = put_frag(p, f.arena, json ? rf->jkey : rf->tkey, 16);
		switch (rf->kind) {
		case PACKET_FIELD_HEX:
			if (json)
				*p++ = '"';
			p = jw_fmt_hex_unquoted(p, d->v[i]);
			if (json)
				*p++ = '"';
			break;
		case PACKET_FIELD_BITS:
			if (json)
				*p++ = '"';
			p = put_bits(p, d->v[i], d->nbits[i], rf->bits);
			if (json)
				*p++ = '"';
			break;
		default:
			p = put_dec(p, d->v[i]);
			break;
		}
	}
	return p;
}

/* {"offset":25,"size":3,"packet":"tip","ipc":1,"payload":"0x5732",...}\n */
static size_t format_json(char *line, struct fmt f,
			  const struct render_type *t, const struct packet_desc *d)
{
	char *p = PUT_LIT(line, "{\"offset\":");

	p = jw_fmt_u64_inline(p, f.base + d->offset);
	p = PUT_LIT(p, ",\"size\":");
	p = put_dec(p, d->size);
	p = put_frag(p, f.arena, t->jname, FRAG_COPY);
	p = put_fields(p, f, t, d, true);
	*p++ = '}';
	*p++ = '\n';
	return p - line;
}

/* 0000000000000019  tip.pge    ipc 3 payload 0x1000 ip 0x1000\n */
static size_t format_text(char *line, struct fmt f,
			  const struct render_type *t, const struct packet_desc *d)
{
	char *p = put_offset(line, f.base + d->offset);

	if (nr_fields(t, d)) {
		p = put_frag(p, f.arena, t->tname, FRAG_COPY);
	} else {
		memcpy(p, f.arena + t->tname.off, t->name_len);
		p += t->name_len;
	}
	p = put_fields(p, f, t, d, false);
	*p++ = '\n';
	return p - line;
}

/* ------------------------------------------------------ the listing */

static void flush_lines(struct packet_render *r)
{
	if (!r->len)
		return;
	if (r->o.jw)
		jw_write_lines(r->o.jw, r->buf, r->len);
	else
		fwrite(r->buf, 1, r->len, r->o.out);
	r->len = 0;
}

static void render_error(struct packet_render *r, uint64_t offset, const char *msg)
{
	struct json_writer *jw = r->o.jw;

	flush_lines(r);
	if (!jw) {
		fprintf(r->o.out, "%016" PRIx64 "  error: %s\n", offset, msg);
		return;
	}
	jw_object_start(jw);
	jw_kv_u64(jw, "offset", offset);
	jw_kv_string(jw, "error", msg);
	jw_object_end(jw);
	jw_end_line(jw);
}

/* An error entry, or a type the decoder does not describe. */
static void render_desc_error(struct packet_render *r, const struct packet_desc *d)
{
	const char *(*errstr)(int) = r->ops->errstr;

	render_error(r, r->base + d->offset, !d->err ? "invalid packet description" :
		     errstr ? errstr(d->err) : "decode error");
}

/* A packet through the JSON writer (pretty-printed). */
static void render_jw(struct packet_render *r, const struct render_type *t,
		      const struct packet_desc *d)
{
	struct json_writer *jw = r->o.jw;
	unsigned int n = nr_fields(t, d);
	char bits[64 + 8];

	jw_object_start(jw);
	jw_kv_u64(jw, "offset", r->base + d->offset);
	jw_kv_u64(jw, "size", d->size);
	jw_kv_string(jw, "packet", type_name(r, d->type));
	for (unsigned int i = 0; i < n; i++) {
		const struct render_field *f = &t->f[i];
		const char *key = field_key(r, d->type, i);

		switch (f->kind) {
		case PACKET_FIELD_HEX:
			jw_kv_hex(jw, key, d->v[i]);
			break;
		case PACKET_FIELD_BITS:
			jw_key(jw, key);
			jw_string_len(jw, bits, put_bits(bits, d->v[i],
							 d->nbits[i], f->bits) - bits);
			break;
		default:
			jw_kv_u64(jw, key, d->v[i]);
			break;
		}
	}
	jw_object_end(jw);
	jw_end_line(jw);
}

/* The slow path: each packet through the JSON writer. */
static int list_jw(void *ctx, const struct packet_desc *d, size_t nr)
{
	struct packet_render *r = ctx;

	for (size_t i = 0; i < nr; i++) {
		const struct render_type *t;

		if (unlikely(d[i].err || d[i].type >= r->nr_types)) {
			render_desc_error(r, &d[i]);
			continue;
		}
		t = &r->types[d[i].type];
		if (!(t->flags & PACKET_TYPE_PAD) || !r->o.no_pad)
			render_jw(r, t, &d[i]);
	}
	return 0;
}

typedef size_t (*format_fn)(char *line, struct fmt f, const struct render_type *t,
			   const struct packet_desc *d);

/* The fast listing, one body for both formats (format is a constant). */
static inline int list_lines(struct packet_render *r, const struct packet_desc *d,
			     size_t nr, format_fn format)
{
	struct fmt f = { .arena = r->arena, .base = r->base };
	size_t len = r->len;

	for (size_t i = 0; i < nr; i++) {
		const struct render_type *t;

		if (unlikely(d[i].err || d[i].type >= r->nr_types)) {
			r->len = len;
			render_desc_error(r, &d[i]);
			len = r->len;
			continue;
		}
		t = &r->types[d[i].type];
		if (unlikely(r->o.no_pad) && (t->flags & PACKET_TYPE_PAD))
			continue;
		if (unlikely(len > r->limit)) {
			r->len = len;
			flush_lines(r);
			len = 0;
		}
		len += format(r->buf + len, f, t, &d[i]);
	}
	r->len = len;
	return 0;
}

static int list_json(void *ctx, const struct packet_desc *d, size_t nr)
{
	return list_lines(ctx, d, nr, format_json);
}

static int list_text(void *ctx, const struct packet_desc *d, size_t nr)
{
	return list_lines(ctx, d, nr, format_text);
}

/* -------------------------------------------------------- the stats */

static int count_packets(void *ctx, const struct packet_desc *d, size_t nr)
{
	struct packet_render *r = ctx;
	uint64_t *count = r->count, *bytes = r->bytes, errors = 0;
	unsigned int nr_types = r->nr_types;

	for (size_t i = 0; i < nr; i++) {
		if (unlikely(d[i].err || d[i].type >= nr_types)) {
			errors++;
			continue;
		}
		count[d[i].type]++;
		bytes[d[i].type] += d[i].size;
	}
	r->errors += errors;
	return 0;
}

static void print_stats_json(const struct packet_render *r)
{
	struct json_writer *jw = r->o.jw;
	uint64_t packets = 0, bytes = 0;

	for (unsigned int i = 0; i < r->nr_types; i++) {
		packets += r->count[i];
		bytes += r->bytes[i];
	}
	jw_object_start(jw);
	jw_kv_string(jw, "type", "packet_stats");
	jw_kv_u64(jw, "packets", packets);
	jw_kv_u64(jw, "bytes", bytes);
	jw_kv_u64(jw, "errors", r->errors);
	jw_key(jw, "count");
	jw_object_start(jw);
	for (unsigned int i = 0; i < r->nr_types; i++)
		jw_kv_u64(jw, type_name(r, i), r->count[i]);
	jw_object_end(jw);
	jw_key(jw, "bytes_by_packet");
	jw_object_start(jw);
	for (unsigned int i = 0; i < r->nr_types; i++)
		jw_kv_u64(jw, type_name(r, i), r->bytes[i]);
	jw_object_end(jw);
	jw_object_end(jw);
	jw_end_line(jw);
}

static void print_stats_plain(const struct packet_render *r)
{
	uint64_t packets = 0, bytes = 0;
	FILE *out = r->o.out;

	fprintf(out, "%-10s %14s %16s\n", "packet", "count", "bytes");
	for (unsigned int i = 0; i < r->nr_types; i++) {
		packets += r->count[i];
		bytes += r->bytes[i];
		if (r->count[i])
			fprintf(out, "%-10s %14" PRIu64 " %16" PRIu64 "\n",
				type_name(r, i), r->count[i], r->bytes[i]);
	}
	fprintf(out, "%-10s %14" PRIu64 " %16" PRIu64 "\n", "total", packets, bytes);
	fprintf(out, "%-10s %14" PRIu64 "\n", "errors", r->errors);
}

/* ------------------------------------------------------------ the API */

static void render_free(struct packet_render *r)
{
	if (r->state && r->ops->end)
		r->ops->end(r->state);
	free(r->types);
	free(r->arena);
	free(r->bit_tabs);
	free(r->buf);
	free(r->count);
	free(r->bytes);
	free(r);
}

struct packet_render *packet_render_new(const struct packet_ops *ops,
					const struct packet_render_opts *opts)
{
	struct packet_render *r;
	int err;

	if (!ops || !ops->packets || !opts || (!opts->out && !opts->jw))
		return NULL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->ops = ops;
	r->o = *opts;
	if (!r->o.out)
		r->o.out = opts->jw->out;
	r->list = !opts->jw ? list_text : opts->jw->pretty ? list_jw : list_json;
	r->nr_types = ops->types ? ops->nr_types : 0;
	if (opts->stats) {
		r->count = calloc(r->nr_types + 1, sizeof(*r->count));
		r->bytes = calloc(r->nr_types + 1, sizeof(*r->bytes));
		err = r->count && r->bytes ? 0 : -ENOMEM;
	} else {
		err = build_tables(r);
	}
	if (!err && ops->begin) {
		r->state = ops->begin(opts->stats ? PACKETS_NO_FIELDS : 0);
		err = r->state ? 0 : -ENOMEM;
	}
	if (err) {
		render_free(r);
		return NULL;
	}
	return r;
}

int packet_render_chunk(struct packet_render *r, const struct aux_chunk *chunk)
{
	int ret;

	if (!r || !chunk)
		return -EINVAL;
	r->base = chunk->file_offset;
	ret = r->o.stats && r->ops->count ? r->ops->count(r->state, chunk, r->count, r->bytes) : 1;
	if (ret > 0)
		ret = r->ops->packets(r->state, chunk, r->o.stats ? count_packets : r->list, r);
	flush_lines(r);
	return ret < 0 ? ret : 0;
}

int packet_render_end(struct packet_render *r)
{
	if (!r)
		return -EINVAL;
	if (r->o.stats) {
		if (r->o.jw)
			print_stats_json(r);
		else
			print_stats_plain(r);
	}
	render_free(r);
	return 0;
}
