// SPDX-License-Identifier: GPL-2.0
/*
 * snap_verify.c - proves the snapshots in a recording of the auxtest PMU
 * (pattern mode, overwrite buffers, one stream per buffer) are exactly the
 * newest bytes the module wrote before each trigger: reads the perf.data
 * with auxrec's reader and compares each PERF_RECORD_AUXTRACE with the
 * module's log of where each stream stood when its event stopped
 * (/sys/kernel/debug/auxtest/snapshots, copied next to the file).
 *
 * usage: snap_verify FILE --log F --size N [--on-exit] [--info-word I]
 * Per stream, chunk k ends at the k-th logged stop (last seq + 1 == the
 * stream's words then), holds min(N, those words) bytes of consecutive
 * seqs, and there is one chunk per logged stop, less the last one unless
 * --on-exit (the final disable logs a stop that only -Se snapshots).
 * --info-word I prints AUXTRACE_INFO's private word I (Intel PT's snapshot
 * flag is word 8). Prints "# name value" lines and one line per failed
 * check; exit 0 when every check holds.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/perf_data/perf_data.h"
#include "lib/perf_data/perf_records.h"
#include "tests/tools/tool_pd.h"

#define MAX_STREAMS 65536
#define MAX_STOPS 4096
#define SEQ_MASK ((UINT64_C(1) << 48) - 1)

struct stream {
	uint64_t stops[MAX_STOPS];	/* words at each logged stop, in order */
	int nr_stops;
	int chunks;			/* chunks seen so far */
	uint64_t last_end;		/* seq after the previous chunk */
	uint64_t overlap;		/* words also in the previous chunk */
};

static struct stream *streams[MAX_STREAMS];
static int failures;

#define FAIL(...) do { printf("FAIL: " __VA_ARGS__); putchar('\n'); failures++; } while (0)

static struct stream *stream_get(unsigned id)
{
	if (!streams[id])
		streams[id] = calloc(1, sizeof(struct stream));
	if (!streams[id]) {
		fprintf(stderr, "out of memory\n");
		exit(2);
	}
	return streams[id];
}

static int read_log(const char *path)
{
	FILE *f = fopen(path, "r");
	unsigned id;
	uint64_t words, time;
	int cpu, n = 0;

	if (!f)
		return -1;
	while (fscanf(f, "%u %" SCNu64 " %d %" SCNu64, &id, &words, &cpu, &time) == 4) {
		struct stream *s = stream_get(id & 0xffff);

		if (s->nr_stops < MAX_STOPS)
			s->stops[s->nr_stops++] = words;
		n++;
	}
	if (!feof(f))
		FAIL("%s: a line that is not 'stream words cpu time' (log overflow?)", path);
	fclose(f);
	return n;
}

static void check_chunk(const uint8_t *p, uint64_t size, uint64_t limit, int nr)
{
	uint64_t first, w, want;
	unsigned id;
	struct stream *s;

	if (!size || size % 8) {
		FAIL("snapshot %d has %" PRIu64 " bytes, not whole words", nr, size);
		return;
	}
	memcpy(&first, p, 8);
	id = first >> 48;
	for (uint64_t i = 8; i < size; i += 8) {
		memcpy(&w, p + i, 8);
		if (w != first + i / 8) {
			FAIL("snapshot %d: word %" PRIu64 " is 0x%" PRIx64 ", expected 0x%" PRIx64
			     " (not one run of consecutive words)", nr, i / 8, w, first + i / 8);
			return;
		}
	}
	s = stream_get(id);
	if (!id || s->chunks >= s->nr_stops) {
		FAIL("snapshot %d: stream %u has no logged stop for it (%d stops)", nr, id, s->nr_stops);
		return;
	}
	want = s->stops[s->chunks];
	if ((first & SEQ_MASK) + size / 8 != want)
		FAIL("snapshot %d: stream %u ends at seq %" PRIu64 ", the module stopped after %" PRIu64
		     " words (stop %d)", nr, id, (first & SEQ_MASK) + size / 8 - 1, want, s->chunks);
	if (size / 8 != (want < limit / 8 ? want : limit / 8))
		FAIL("snapshot %d: %" PRIu64 " bytes, expected min(size %" PRIu64 ", %" PRIu64
		     " written)", nr, size, limit, want * 8);
	if (s->chunks && (first & SEQ_MASK) < s->last_end)
		s->overlap += s->last_end - (first & SEQ_MASK);
	s->last_end = (first & SEQ_MASK) + size / 8;
	s->chunks++;
}

/* What the records of the file add up to. */
struct snap_totals {
	uint64_t limit;			/* --size */
	int info_word;			/* --info-word, or -1 */
	int chunks;
	uint64_t aux_records, aux_overwrite, first_size, bytes;
};

static void snap_record(const struct pd_record *rec, void *ctx)
{
	struct snap_totals *t = ctx;
	const struct perf_event_header *h = rec->hdr;

	if (h->type == PERF_RECORD_AUXTRACE) {
		const struct perf_rec_auxtrace *a = (const void *)h;

		if (!t->chunks)
			t->first_size = a->size;
		t->bytes += a->size;
		check_chunk(rec->payload, a->size, t->limit, t->chunks++);
	} else if (h->type == PERF_RECORD_AUX) {
		const uint64_t *f = (const void *)(h + 1);

		t->aux_records++;
		t->aux_overwrite += !!(f[2] & PERF_AUX_FLAG_OVERWRITE);
	} else if (h->type == PERF_RECORD_AUXTRACE_INFO && t->info_word >= 0) {
		const uint64_t *priv = (const uint64_t *)(h + 1) + 1;

		if ((size_t)h->size >= sizeof(*h) + 8 * (t->info_word + 2))
			printf("# info_word %d %" PRIu64 "\n", t->info_word, priv[t->info_word]);
		else
			FAIL("AUXTRACE_INFO has no private word %d", t->info_word);
	}
}

int main(int argc, char **argv)
{
	const char *file = NULL, *log = NULL;
	struct snap_totals t = { .info_word = -1 };
	uint64_t overlap = 0;
	int nr_log, read_errors;
	bool on_exit = false;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--log") && i + 1 < argc)
			log = argv[++i];
		else if (!strcmp(argv[i], "--size") && i + 1 < argc)
			t.limit = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--info-word") && i + 1 < argc)
			t.info_word = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--on-exit"))
			on_exit = true;
		else
			file = argv[i];
	}
	if (!file || !log || !t.limit) {
		fprintf(stderr, "usage: snap_verify FILE --log F --size N [--on-exit] [--info-word I]\n");
		return 2;
	}
	nr_log = read_log(log);
	if (nr_log < 0) {
		printf("FAIL: cannot read %s\n", log);
		return 1;
	}
	read_errors = tool_each_record(file, snap_record, &t);
	if (read_errors < 0)
		return 1;
	failures += read_errors;

	for (int id = 0; id < MAX_STREAMS; id++) {
		struct stream *s = streams[id];

		if (!s)
			continue;
		if (s->chunks != s->nr_stops - !on_exit)
			FAIL("stream %d: %d snapshots, the module logged %d stops (%s)", id, s->chunks,
			     s->nr_stops, on_exit ? "one each with -Se" : "one each and the final one");
		overlap += s->overlap;
		free(s);
	}
	printf("# snapshots %d\n# logged_stops %d\n# aux_records %" PRIu64 "\n# aux_overwrite %"
	       PRIu64 "\n# overlap_words %" PRIu64 "\n# first_size %" PRIu64 "\n# bytes %" PRIu64 "\n",
	       t.chunks, nr_log, t.aux_records, t.aux_overwrite, overlap, t.first_size, t.bytes);
	if (!t.chunks)
		FAIL("no snapshot in %s", file);
	if (t.aux_overwrite != t.aux_records || !t.aux_records)
		FAIL("%" PRIu64 " of %" PRIu64 " AUX records have PERF_AUX_FLAG_OVERWRITE",
		     t.aux_overwrite, t.aux_records);
	printf("%s\n", failures ? "MISMATCH" : "VERIFIED");
	return failures ? 1 : 0;
}
