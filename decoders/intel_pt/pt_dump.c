// SPDX-License-Identifier: GPL-2.0
/*
 * pt_dump.c - the intel_pt packet dump: the decode-and-resync loop
 * (pt_walk) and the dump state that lists packets (JSON Lines or text) or
 * counts them per type (--stats).
 *
 * Both run on pt_pkt_walk() batches. The listing formats its lines into
 * one output buffer (pt_format_*) written with one fwrite per ~64 KiB.
 *
 * Every chunk is decoded on its own from its first byte, with the last IP
 * at 0: chunks of different CPUs may interleave, so nothing is carried
 * from one to the next. Offsets printed are chunk->file_offset plus the
 * offset in the chunk.
 */
#include <errno.h>
#include <stdlib.h>
#include "decoders/decoder.h"
#include "lib/output/json.h"
#include "pt_dump.h"
#include "pt_packet_walk.h"
#include "pt_print.h"

#define WALK_BATCH	256

size_t pt_walk(const uint8_t *buf, size_t len, pt_walk_fn fn, void *ctx)
{
	struct pt_pkt_rec rec[WALK_BATCH];
	struct pt_pkt_walker w;
	size_t n, errors = 0;

	pt_pkt_walk_init(&w, buf, len);
	while ((n = pt_pkt_walk(&w, rec, WALK_BATCH))) {
		for (size_t i = 0; i < n; i++) {
			if (rec[i].err) {
				errors++;
				fn(ctx, rec[i].offset, rec[i].err, NULL, 0);
			} else {
				fn(ctx, rec[i].offset, 0, &rec[i].pkt, rec[i].ip);
			}
		}
	}
	return errors;
}

struct pt_dump {
	struct dump_opts opts;
	uint64_t base;			/* file offset of the current chunk */
	uint64_t count[PT_PKT_NR];
	uint64_t bytes[PT_PKT_NR];
	uint64_t errors;
};

static void dump_one(void *ctx, size_t offset, int err,
		     const struct pt_packet *pkt, uint64_t ip)
{
	struct pt_dump *d = ctx;
	uint64_t off = d->base + offset;

	if (err) {
		if (d->opts.jw)
			pt_print_error_json(d->opts.jw, off, err);
		else
			pt_print_error_plain(d->opts.out, off, err);
		return;
	}
	if (d->opts.no_pad && pkt->type == PT_PKT_PAD)
		return;
	if (d->opts.jw)
		pt_print_packet_json(d->opts.jw, off, pkt, ip);
	else
		pt_print_packet_plain(d->opts.out, off, pkt, ip);
}

static void flush_out(struct pt_dump *d, const char *s, size_t len)
{
	if (!len)
		return;
	if (d->opts.jw)
		jw_write_lines(d->opts.jw, s, len);
	else
		fwrite(s, 1, len, d->opts.out);
}

#define OUT_BUF		65536

/* The listing: every packet and error of buf, a line each. */
static size_t dump_list(struct pt_dump *d, const uint8_t *buf, size_t len)
{
	struct pt_pkt_rec rec[WALK_BATCH];
	struct json_writer *jw = d->opts.jw;
	int json = jw != NULL;
	struct pt_pkt_walker w;
	size_t n, errors = 0;
	char *out, *p;

	if (jw && jw->pretty) {
		out = NULL;	/* the writer's own formatting */
	} else {
		out = malloc(OUT_BUF);
		if (!out)
			return pt_walk(buf, len, dump_one, d);
	}
	p = out;
	pt_pkt_walk_init(&w, buf, len);
	while ((n = pt_pkt_walk(&w, rec, WALK_BATCH))) {
		for (size_t i = 0; i < n; i++) {
			const struct pt_pkt_rec *r = &rec[i];
			uint64_t off = d->base + r->offset;

			if (!out) {
				dump_one(d, r->offset, r->err,
					 r->err ? NULL : &r->pkt, r->ip);
				errors += r->err != 0;
				continue;
			}
			if (r->err) {
				errors++;
				p += json ? pt_format_error_json(p, off, r->err) :
					pt_format_error_plain(p, off, r->err);
			} else if (!d->opts.no_pad || r->pkt.type != PT_PKT_PAD) {
				p += json ?
					pt_format_packet_json(p, off, &r->pkt, r->ip) :
					pt_format_packet_plain(p, off, &r->pkt, r->ip);
			}
			if (p - out > OUT_BUF - PT_LINE_MAX) {
				flush_out(d, out, p - out);
				p = out;
			}
		}
	}
	if (out) {
		flush_out(d, out, p - out);
		free(out);
	}
	return errors;
}

static void count_one(void *ctx, size_t offset, int err,
		      const struct pt_packet *pkt, uint64_t ip)
{
	struct pt_dump *d = ctx;

	if (err)
		return;
	d->count[pkt->type]++;
	d->bytes[pkt->type] += pkt->size;
}

void *pt_dump_begin(const struct dump_opts *opts)
{
	struct pt_dump *d;

	if (!opts || (!opts->out && !opts->jw))
		return NULL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->opts = *opts;
	if (!d->opts.out)
		d->opts.out = opts->jw->out;
	return d;
}

int pt_dump_chunk(void *state, const struct aux_chunk *chunk)
{
	struct pt_dump *d = state;

	if (!d || !chunk || (!chunk->data && chunk->size))
		return -EINVAL;
	d->base = chunk->file_offset;
	if (d->opts.stats)
		d->errors += pt_walk(chunk->data, chunk->size, count_one, d);
	else
		d->errors += dump_list(d, chunk->data, chunk->size);
	return 0;
}

static void print_stats_json(const struct pt_dump *d)
{
	struct json_writer *jw = d->opts.jw;
	uint64_t packets = 0, bytes = 0;

	for (int i = 0; i < PT_PKT_NR; i++) {
		packets += d->count[i];
		bytes += d->bytes[i];
	}
	jw_object_start(jw);
	jw_kv_string(jw, "type", "packet_stats");
	jw_kv_u64(jw, "packets", packets);
	jw_kv_u64(jw, "bytes", bytes);
	jw_kv_u64(jw, "errors", d->errors);
	jw_key(jw, "count");
	jw_object_start(jw);
	for (int i = 0; i < PT_PKT_NR; i++)
		jw_kv_u64(jw, pt_packet_names[i], d->count[i]);
	jw_object_end(jw);
	jw_key(jw, "bytes_by_packet");
	jw_object_start(jw);
	for (int i = 0; i < PT_PKT_NR; i++)
		jw_kv_u64(jw, pt_packet_names[i], d->bytes[i]);
	jw_object_end(jw);
	jw_object_end(jw);
	jw_end_line(jw);
}

static void print_stats_plain(const struct pt_dump *d)
{
	uint64_t packets = 0, bytes = 0;
	FILE *out = d->opts.out;

	fprintf(out, "%-10s %14s %16s\n", "packet", "count", "bytes");
	for (int i = 0; i < PT_PKT_NR; i++) {
		packets += d->count[i];
		bytes += d->bytes[i];
		if (d->count[i])
			fprintf(out, "%-10s %14llu %16llu\n", pt_packet_names[i],
				(unsigned long long)d->count[i],
				(unsigned long long)d->bytes[i]);
	}
	fprintf(out, "%-10s %14llu %16llu\n", "total",
		(unsigned long long)packets, (unsigned long long)bytes);
	fprintf(out, "%-10s %14llu\n", "errors", (unsigned long long)d->errors);
}

int pt_dump_end(void *state)
{
	struct pt_dump *d = state;

	if (!d)
		return -EINVAL;
	if (d->opts.stats) {
		if (d->opts.jw)
			print_stats_json(d);
		else
			print_stats_plain(d);
	}
	free(d);
	return 0;
}
