// SPDX-License-Identifier: GPL-2.0
/*
 * bench_intel_pt.c - Intel PT packet decoding throughput, auxrec against
 * libipt, in one run over the same buffers: a random valid packet mix
 * made with libipt's encoder (~64 MB), and the libipt conformance streams
 * concatenated (repeated to ~8 MB) when their directory is given.
 * Packet rows (ratio: libipt pt_pkt_next's time / the row's time, in the
 * same run):
 *  - auxrec pt_pkt_walk: the batch decoder, full packets with offsets and
 *    last-IP decompression into an array, errors and resync included;
 *  - auxrec pt_pkt_decode: the stateless one-packet API in a loop;
 *  - libipt pt_pkt_next: libipt's packet decoder in a loop (full packet
 *    per call, no last IP); all three resync after errors.
 * Dump rows (ratio: the libipt printer's time / the row's time), to
 * /dev/null:
 *  - auxrec dump --json: the intel_pt packet descriptions (pt_packet_ops)
 *    through lib/output's packet renderer, as `auxrec dump --json` runs
 *    them;
 *  - libipt ptdump-like: pt_pkt_next plus last IP plus fprintf of the same
 *    JSON lines (bench_intel_pt_ptdump.c; Debian ships no ptdump).
 * The two dumps are checked to print the same bytes (first 4 MB of each
 * set). The machine is shared and noisy, so each set is cut into slices
 * of about 1 MB (at the seams of its generated chunks or repeated
 * streams, each slice its own buffer) and each of BENCH_RUNS runs
 * (default 7) goes through the slices, timing every row on a slice in
 * turn, auxrec's and libipt's (walk, libipt, decode, dump, libipt dump),
 * the slice read once before, so that no row is first to cache it: a
 * load that comes and goes hits both alike. The figures are medians:
 * MB/s and packets/s from each row's median run time, the ratio the
 * median of the per-run ratios.
 * pt_pkt_walk's ratio is held against BENCH_TARGET (default 3): PASS or
 * FAIL per set. Prints a table and one JSON line; exits 1 when the
 * decoders disagree (packet counts or dump bytes), not on a FAIL.
 * Usage: bench-intel-pt [MB] [CONFORMANCE_DIR]
 */
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "decoders/decoder.h"
#include "decoders/intel_pt/pt_describe.h"
#include "decoders/intel_pt/pt_packet.h"
#include "decoders/intel_pt/pt_packet_walk.h"
#include "decoders/intel_pt/pt_sync.h"
#include "lib/output/json.h"
#include "lib/output/packet_render.h"
#include "tests/bench/bench_intel_pt_ptdump.h"
#include "tests/diff/ipt_ref.h"

struct buf {
	uint8_t *data;
	size_t len, cap;
};

static void buf_put(struct buf *b, const uint8_t *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->data = realloc(b->data, b->cap);
		if (!b->data)
			exit(1);
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = 0;	/* libipt's PSB search may peek past the end */
}

#define SLICE_BYTES	(1u << 20)

/* A data set: slices of about SLICE_BYTES, decoded one after the other. */
struct set {
	struct buf *sl;
	int nr;
	size_t len;
};

/* Appends a whole unit (generated chunk, stream copy) to the last slice. */
static void set_put(struct set *st, const uint8_t *p, size_t n)
{
	if (!st->nr || st->sl[st->nr - 1].len >= SLICE_BYTES) {
		st->sl = realloc(st->sl, (st->nr + 1) * sizeof(*st->sl));
		if (!st->sl)
			exit(1);
		st->sl[st->nr++] = (struct buf){ 0 };
	}
	buf_put(&st->sl[st->nr - 1], p, n);
	st->len += n;
}

static void set_free(struct set *st)
{
	for (int i = 0; i < st->nr; i++)
		free(st->sl[i].data);
	free(st->sl);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static uint64_t auxrec_count(const uint8_t *data, size_t len)
{
	struct pt_packet pkt;
	size_t pos = 0, sync = 0;
	uint64_t n = 0;

	while (pos < len) {
		int size = pt_pkt_decode(data + pos, len - pos, &pkt);
		ssize_t next;

		if (size > 0) {
			pos += size;
			n++;
			continue;
		}
		if (size == -PT_ERR_NEED_MORE)
			break;
		next = pt_sync_after_error(data, len, pos, sync);
		if (next < 0)
			break;
		pos = sync = next;
	}
	return n;
}

static uint64_t auxrec_walk(const uint8_t *data, size_t len)
{
	static struct pt_pkt_rec rec[256];
	struct pt_pkt_walker w;
	uint64_t n = 0;
	size_t got;

	pt_pkt_walk_init(&w, data, len);
	while ((got = pt_pkt_walk(&w, rec, 256)))
		for (size_t i = 0; i < got; i++)
			n += !rec[i].err;
	return n;
}

static uint64_t libipt_count(const uint8_t *data, size_t len)
{
	return ref_count_packets(data, len);
}

static void auxrec_dump_to(const uint8_t *data, size_t len, FILE *f)
{
	struct json_writer jw;
	struct packet_render_opts opts = { .out = f, .jw = &jw };
	struct aux_chunk chunk = { .data = data, .size = len, .cpu = -1 };
	struct packet_render *r;

	jw_init(&jw, f, false);
	r = packet_render_new(&pt_packet_ops, &opts);
	if (!r)
		exit(1);
	packet_render_chunk(r, &chunk);
	packet_render_end(r);
}

static FILE *devnull;

static uint64_t auxrec_dump(const uint8_t *data, size_t len)
{
	auxrec_dump_to(data, len, devnull);
	fflush(devnull);
	return 0;
}

static uint64_t libipt_dump(const uint8_t *data, size_t len)
{
	uint64_t n = ipt_dump_json(data, len, devnull);

	fflush(devnull);
	return n;
}

/* Do both dumps print the same bytes for data[0..len)? */
static int dumps_agree(const uint8_t *data, size_t len)
{
	char *a = NULL, *b = NULL;
	size_t al = 0, bl = 0;
	FILE *fa = open_memstream(&a, &al), *fb = open_memstream(&b, &bl);
	uint8_t *copy = malloc(len + 1);
	int same;

	if (!fa || !fb || !copy)
		exit(1);
	memcpy(copy, data, len);
	copy[len] = 0;
	auxrec_dump_to(copy, len, fa);
	ipt_dump_json(copy, len, fb);
	fclose(fa);
	fclose(fb);
	same = al == bl && !memcmp(a, b, al);
	free(a);
	free(b);
	free(copy);
	return same;
}

#define MAX_RUNS	101

struct row {
	const char *name;
	uint64_t (*fn)(const uint8_t *, size_t);
	int ref;	/* the row the ratio compares with */
	double t[MAX_RUNS];	/* seconds, per run */
	double secs;	/* median */
	double ratio, ratio_min, ratio_max;	/* of ref's t[i] / t[i] */
	uint64_t pkts;
};

/* The order of a run: auxrec's and libipt's rows in turn. */
enum { R_WALK, R_LIBIPT, R_DECODE, R_DUMP, R_IPT_DUMP, NR_ROWS };

static const struct row row_tmpl[NR_ROWS] = {
#define ROW(n, f, r) { .name = (n), .fn = (f), .ref = (r) }
	[R_WALK] = ROW("auxrec pt_pkt_walk", auxrec_walk, R_LIBIPT),
	[R_LIBIPT] = ROW("libipt pt_pkt_next", libipt_count, R_LIBIPT),
	[R_DECODE] = ROW("auxrec pt_pkt_decode", auxrec_count, R_LIBIPT),
	[R_DUMP] = ROW("auxrec dump --json", auxrec_dump, R_IPT_DUMP),
	[R_IPT_DUMP] = ROW("libipt ptdump-like json", libipt_dump, R_IPT_DUMP),
#undef ROW
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Median of v[0..n), sorting a copy; *lo and *hi get the extremes. */
static double median(const double *v, int n, double *lo, double *hi)
{
	double s[MAX_RUNS];

	memcpy(s, v, n * sizeof(*v));
	qsort(s, n, sizeof(*s), cmp_double);
	if (lo)
		*lo = s[0];
	if (hi)
		*hi = s[n - 1];
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/*
 * Reads the slice once, so that it is in the caches for every row, not
 * only for the rows after the first.
 */
static void warm(const struct buf *b)
{
	volatile uint8_t sink = 0;
	uint8_t x = 0;

	for (size_t i = 0; i < b->len; i += 64)
		x ^= b->data[i];
	sink = x;
	(void)sink;
}

/*
 * runs runs over the set's slices, timing every row on each slice in row
 * order (auxrec's and libipt's in turn, so that noise hits both alike);
 * medians.
 */
static void run_rows(struct row *rows, const struct set *st, int runs)
{
	double q[MAX_RUNS];

	for (int i = 0; i < runs; i++) {
		for (int r = 0; r < NR_ROWS; r++) {
			rows[r].t[i] = 0;
			rows[r].pkts = 0;
		}
		for (int k = 0; k < st->nr; k++) {
			const struct buf *b = &st->sl[k];

			warm(b);
			for (int r = 0; r < NR_ROWS; r++) {
				double t = now();
				uint64_t n = rows[r].fn(b->data, b->len);

				rows[r].t[i] += now() - t;
				rows[r].pkts += n;
			}
		}
	}
	rows[R_DUMP].pkts = rows[R_WALK].pkts;
	for (int r = 0; r < NR_ROWS; r++) {
		struct row *rw = &rows[r];

		rw->secs = median(rw->t, runs, NULL, NULL);
		for (int i = 0; i < runs; i++)
			q[i] = rows[rw->ref].t[i] / rw->t[i];
		rw->ratio = median(q, runs, &rw->ratio_min, &rw->ratio_max);
	}
}

static void load_conformance(struct set *st, const char *dir)
{
	struct dirent *de;
	struct buf one = { 0 };
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		char path[4096];
		uint8_t tmp[65536];
		FILE *f;
		size_t n;

		if (l < 4 || strcmp(de->d_name + l - 3, ".pt"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		f = fopen(path, "rb");
		if (!f)
			continue;
		while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
			buf_put(&one, tmp, n);
		fclose(f);
	}
	closedir(d);
	while (one.len && st->len < (8u << 20))
		set_put(st, one.data, one.len);
	free(one.data);
}

int main(int argc, char **argv)
{
	size_t mb = argc > 1 ? strtoul(argv[1], NULL, 0) : 64;
	int runs = getenv("BENCH_RUNS") ? atoi(getenv("BENCH_RUNS")) : 7;
	double target = getenv("BENCH_TARGET") ? atof(getenv("BENCH_TARGET")) : 3;
	struct set sets[2] = { { 0 }, { 0 } };
	const char *set_names[2] = { "random-mix", "conformance" };
	static uint8_t chunk[1 << 20];
	struct row rows[2][NR_ROWS];
	char json[4096];
	size_t jl = 0;
	int rc = 0;

	if (runs < 1 || runs > MAX_RUNS) {
		fprintf(stderr, "bench: BENCH_RUNS must be 1..%d\n", MAX_RUNS);
		return 1;
	}
	devnull = fopen("/dev/null", "w");
	if (!devnull)
		return 1;
	for (uint64_t seed = 1; sets[0].len < (mb << 20); seed++) {
		size_t n = ref_gen(seed, chunk, sizeof(chunk), 150000, NULL, 0, NULL);

		if (!n) {
			fprintf(stderr, "bench: libipt encoder failed\n");
			return 1;
		}
		set_put(&sets[0], chunk, n);
	}
	if (argc > 2)
		load_conformance(&sets[1], argv[2]);

	printf("%d runs, medians; ratio: the libipt row's time over the row's, per run\n",
	       runs);
	printf("%-12s %-26s %8s %9s %12s %7s %13s  %s\n", "data", "decoder",
	       "MB", "MB/s", "packets/s", "ratio", "(runs min-max)",
	       "target");
	jl += snprintf(json + jl, sizeof(json) - jl,
		       "{\"type\":\"bench\",\"name\":\"intel_pt_packets\","
		       "\"runs\":%d,\"target\":%.2f", runs, target);
	for (int s = 0; s < 2; s++) {
		const struct set *b = &sets[s];
		struct row *rw = rows[s];
		size_t checked = 0;
		bool pass;
		int same = 1;

		if (!b->len)
			continue;
		memcpy(rw, row_tmpl, sizeof(row_tmpl));
		run_rows(rw, b, runs);
		if (rw[R_WALK].pkts != rw[R_LIBIPT].pkts ||
		    rw[R_DECODE].pkts != rw[R_LIBIPT].pkts ||
		    rw[R_IPT_DUMP].pkts != rw[R_LIBIPT].pkts) {
			fprintf(stderr, "bench: %s: packet counts differ: walk %llu decode %llu libipt %llu\n",
				set_names[s], (unsigned long long)rw[R_WALK].pkts,
				(unsigned long long)rw[R_DECODE].pkts,
				(unsigned long long)rw[R_LIBIPT].pkts);
			rc = 1;
		}
		for (int k = 0; k < b->nr && checked < (4u << 20); k++) {
			same &= dumps_agree(b->sl[k].data, b->sl[k].len);
			checked += b->sl[k].len;
		}
		if (!same) {
			fprintf(stderr, "bench: %s: auxrec and libipt dumps differ\n",
				set_names[s]);
			rc = 1;
		}
		pass = rw[R_WALK].ratio >= target;
		for (int r = 0; r < NR_ROWS; r++) {
			printf("%-12s %-26s %8.1f %9.1f %12.0f %6.2fx %6.2f-%-6.2f",
			       set_names[s], rw[r].name, b->len / 1e6,
			       b->len / rw[r].secs / 1e6,
			       rw[r].pkts / rw[r].secs, rw[r].ratio,
			       rw[r].ratio_min, rw[r].ratio_max);
			if (r == R_WALK)
				printf("  %.2fx %s", target,
				       pass ? "PASS" : "FAIL");
			printf("\n");
		}
		jl += snprintf(json + jl, sizeof(json) - jl,
			       ",\"%s\":{\"bytes\":%zu,\"packets\":%llu,"
			       "\"auxrec_mb_s\":%.1f,\"decode_mb_s\":%.1f,"
			       "\"libipt_mb_s\":%.1f,"
			       "\"auxrec_pkts_s\":%.0f,\"libipt_pkts_s\":%.0f,"
			       "\"ratio\":%.2f,\"ratio_min\":%.2f,"
			       "\"ratio_max\":%.2f,\"pass\":%s,"
			       "\"dump_json_mb_s\":%.1f,"
			       "\"libipt_dump_json_mb_s\":%.1f,"
			       "\"dump_ratio\":%.2f,\"dumps_identical\":%s}",
			       set_names[s], b->len,
			       (unsigned long long)rw[R_WALK].pkts,
			       b->len / rw[R_WALK].secs / 1e6,
			       b->len / rw[R_DECODE].secs / 1e6,
			       b->len / rw[R_LIBIPT].secs / 1e6,
			       rw[R_WALK].pkts / rw[R_WALK].secs,
			       rw[R_LIBIPT].pkts / rw[R_LIBIPT].secs,
			       rw[R_WALK].ratio, rw[R_WALK].ratio_min,
			       rw[R_WALK].ratio_max, pass ? "true" : "false",
			       b->len / rw[R_DUMP].secs / 1e6,
			       b->len / rw[R_IPT_DUMP].secs / 1e6,
			       rw[R_DUMP].ratio,
			       same ? "true" : "false");
	}
	printf("%s}\n", json);
	fclose(devnull);
	set_free(&sets[0]);
	set_free(&sets[1]);
	return rc;
}
