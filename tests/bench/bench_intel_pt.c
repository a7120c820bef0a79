// SPDX-License-Identifier: GPL-2.0
/*
 * bench_intel_pt.c - Intel PT packet decoding throughput, auxrec against
 * libipt, in one run over the same buffers: a random valid packet mix
 * made with libipt's encoder (~64 MB), and the libipt conformance streams
 * concatenated (repeated to ~8 MB) when their directory is given.
 * Rows: auxrec's pt_pkt_decode loop, libipt's pt_pkt_next loop (both
 * resync after errors), and auxrec's JSON dump to /dev/null. Best of 3.
 * Prints a table and one JSON line.
 * Usage: bench-intel-pt [MB] [CONFORMANCE_DIR]
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "decoders/decoder.h"
#include "decoders/intel_pt/pt_dump.h"
#include "decoders/intel_pt/pt_packet.h"
#include "decoders/intel_pt/pt_sync.h"
#include "json.h"
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

static uint64_t libipt_count(const uint8_t *data, size_t len)
{
	return ref_count_packets(data, len);
}

static uint64_t dump_json(const uint8_t *data, size_t len)
{
	FILE *f = fopen("/dev/null", "w");
	struct json_writer jw;
	struct dump_opts opts = { .out = f, .jw = &jw };
	struct aux_chunk chunk = { .data = data, .size = len, .cpu = -1 };
	void *st;

	if (!f)
		return 0;
	jw_init(&jw, f, false);
	st = pt_dump_begin(&opts);
	pt_dump_chunk(st, &chunk);
	pt_dump_end(st);
	fclose(f);
	return auxrec_count(data, len);
}

struct row {
	const char *name;
	uint64_t (*fn)(const uint8_t *, size_t);
	double secs;
	uint64_t pkts;
};

static void run(struct row *r, const struct buf *b)
{
	r->secs = 1e9;
	for (int i = 0; i < 3; i++) {
		double t = now();
		uint64_t n = r->fn(b->data, b->len);

		t = now() - t;
		if (t < r->secs)
			r->secs = t;
		r->pkts = n;
	}
}

static void load_conformance(struct buf *b, const char *dir)
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
	while (one.len && b->len < (8u << 20))
		buf_put(b, one.data, one.len);
	free(one.data);
}

int main(int argc, char **argv)
{
	size_t mb = argc > 1 ? strtoul(argv[1], NULL, 0) : 64;
	struct buf sets[2] = { { 0 }, { 0 } };
	const char *set_names[2] = { "random-mix", "conformance" };
	static uint8_t chunk[1 << 20];
	struct row rows[2][3];
	char json[2048];
	size_t jl = 0;

	for (uint64_t seed = 1; sets[0].len < (mb << 20); seed++) {
		size_t n = ref_gen(seed, chunk, sizeof(chunk), 150000, NULL, 0, NULL);

		if (!n) {
			fprintf(stderr, "bench: libipt encoder failed\n");
			return 1;
		}
		buf_put(&sets[0], chunk, n);
	}
	if (argc > 2)
		load_conformance(&sets[1], argv[2]);

	printf("%-12s %-28s %10s %10s %12s %8s\n", "data", "decoder", "MB",
	       "MB/s", "packets/s", "ratio");
	jl += snprintf(json + jl, sizeof(json) - jl, "{\"type\":\"bench\",\"name\":\"intel_pt_packets\"");
	for (int s = 0; s < 2; s++) {
		const struct buf *b = &sets[s];

		if (!b->len)
			continue;
		rows[s][0] = (struct row){ .name = "auxrec pt_pkt_decode", .fn = auxrec_count };
		rows[s][1] = (struct row){ .name = "libipt pt_pkt_next", .fn = libipt_count };
		rows[s][2] = (struct row){ .name = "auxrec dump --json >/dev/null", .fn = dump_json };
		for (int r = 0; r < 3; r++)
			run(&rows[s][r], b);
		if (rows[s][0].pkts != rows[s][1].pkts)
			fprintf(stderr, "bench: %s: packet counts differ: %llu vs %llu\n",
				set_names[s], (unsigned long long)rows[s][0].pkts,
				(unsigned long long)rows[s][1].pkts);
		for (int r = 0; r < 3; r++) {
			double mbs = b->len / rows[s][r].secs / 1e6;

			printf("%-12s %-28s %10.1f %10.1f %12.0f %8.2f\n",
			       set_names[s], rows[s][r].name, b->len / 1e6, mbs,
			       rows[s][r].pkts / rows[s][r].secs,
			       rows[s][1].secs / rows[s][r].secs);
		}
		jl += snprintf(json + jl, sizeof(json) - jl,
			       ",\"%s\":{\"bytes\":%zu,\"packets\":%llu,"
			       "\"auxrec_mb_s\":%.1f,\"libipt_mb_s\":%.1f,"
			       "\"auxrec_pkts_s\":%.0f,\"libipt_pkts_s\":%.0f,"
			       "\"ratio\":%.2f,\"dump_json_mb_s\":%.1f}",
			       set_names[s], b->len,
			       (unsigned long long)rows[s][0].pkts,
			       b->len / rows[s][0].secs / 1e6,
			       b->len / rows[s][1].secs / 1e6,
			       rows[s][0].pkts / rows[s][0].secs,
			       rows[s][1].pkts / rows[s][1].secs,
			       rows[s][1].secs / rows[s][0].secs,
			       b->len / rows[s][2].secs / 1e6);
	}
	printf("%s}\n", json);
	free(sets[0].data);
	free(sets[1].data);
	return 0;
}
