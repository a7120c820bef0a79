// SPDX-License-Identifier: GPL-2.0
/*
 * aux_verify.c - proves a recording of the auxtest PMU (pattern mode) holds
 * every byte the module wrote exactly once and in order: reads the perf.data
 * with auxrec's reader, walks the pattern words (stream_id << 48 | seq) of
 * every PERF_RECORD_AUXTRACE, and compares with the module's ground truth
 * (/sys/kernel/debug/auxtest/{percpu,streams} copied next to the file).
 *
 * usage: aux_verify FILE [--streams F] [--percpu F] [--allow-recovered] [--prefix]
 * --prefix: the recording was cut short (disk full): the last AUX records may
 * announce bytes whose chunks did not reach the file (never the reverse).
 * --allow-recovered: the data ring lost records, and the recorder recovered
 * the AUX spans they announced: the AUX records need not announce every
 * byte, and fewer of them than the module ended may reach the file without
 * a PERF_RECORD_LOST saying so (the kernel writes it with its next record).
 * Prints "# name value" lines and one line per failed check; exit 0 when
 * every check holds.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/perf_data/perf_data.h"
#include "tests/tools/tool_pd.h"

#define MAX_STREAMS 65536
#define MAX_BUFS 4096
#define SEQ_MASK ((1ULL << 48) - 1)

struct stream {
	uint64_t next_seq;	/* expected next seq */
	uint64_t words, gaps;	/* received, missing before a received one */
	bool seen;
};

static struct stream streams[MAX_STREAMS];
static uint64_t buf_next[MAX_BUFS];
static bool buf_seen[MAX_BUFS];
static int failures;

#define FAIL(...) do { printf("FAIL: " __VA_ARGS__); putchar('\n'); failures++; } while (0)

static uint64_t counter(const char *percpu, const char *name)
{
	char line[1024], key[64];
	FILE *f = fopen(percpu, "r");
	uint64_t v = UINT64_MAX;

	if (!f)
		return v;
	snprintf(key, sizeof(key), " %s=", name);
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "total", 5)) {
			char *p = strstr(line, key);

			if (p)
				v = strtoull(p + strlen(key), NULL, 10);
		}
	fclose(f);
	return v;
}

static void check_words(const uint8_t *p, uint64_t size, uint64_t offset)
{
	if (size % 8) {
		FAIL("chunk at AUX offset %" PRIu64 " has %" PRIu64 " bytes, not whole words", offset, size);
		return;
	}
	for (uint64_t i = 0; i < size; i += 8) {
		uint64_t w;
		struct stream *s;
		uint64_t seq;

		memcpy(&w, p + i, 8);
		s = &streams[w >> 48];
		seq = w & SEQ_MASK;
		if (!(w >> 48)) {
			FAIL("word 0x%" PRIx64 " at AUX offset %" PRIu64 " has stream id 0", w, offset + i);
			return;
		}
		if (seq < s->next_seq) {
			FAIL("stream %u: seq %" PRIu64 " after %" PRIu64 " (duplicate or reordered) at AUX offset %" PRIu64,
			     (unsigned)(w >> 48), seq, s->next_seq - 1, offset + i);
			return;
		}
		s->gaps += seq - s->next_seq;
		s->next_seq = seq + 1;
		s->words++;
		s->seen = true;
	}
}

/* What the records of the file add up to. */
struct aux_totals {
	uint64_t payload, chunks, aux_records, aux_record_bytes, truncated, lost;
};

static void aux_record(const struct pd_record *rec, void *ctx)
{
	struct aux_totals *t = ctx;
	const struct perf_event_header *h = rec->hdr;

	if (h->type == PERF_RECORD_AUXTRACE) {
		const struct perf_rec_auxtrace *a = (const void *)h;
		uint32_t idx = a->idx;

		if (idx >= MAX_BUFS) {
			FAIL("AUXTRACE idx %u out of range", idx);
			return;
		}
		if (buf_seen[idx] && a->offset != buf_next[idx])
			FAIL("buffer %u: chunk at AUX offset %" PRIu64 ", expected %" PRIu64
			     " (gap or overlap)", idx, (uint64_t)a->offset, buf_next[idx]);
		buf_seen[idx] = true;
		buf_next[idx] = a->offset + a->size;
		t->payload += a->size;
		t->chunks++;
		check_words(rec->payload, a->size, a->offset);
	} else if (h->type == PERF_RECORD_AUX) {
		const uint64_t *f = (const void *)(h + 1);

		t->aux_records++;
		t->aux_record_bytes += f[1];
		t->truncated += !!(f[2] & PERF_AUX_FLAG_TRUNCATED);
	} else if (h->type == PERF_RECORD_LOST) {
		t->lost += ((const uint64_t *)(h + 1))[1];
	}
}

int main(int argc, char **argv)
{
	const char *file = NULL, *streams_file = NULL, *percpu = NULL;
	struct aux_totals t = { 0 };
	bool allow_recovered = false, prefix = false;
	int read_errors;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--streams") && i + 1 < argc)
			streams_file = argv[++i];
		else if (!strcmp(argv[i], "--percpu") && i + 1 < argc)
			percpu = argv[++i];
		else if (!strcmp(argv[i], "--allow-recovered"))
			allow_recovered = true;
		else if (!strcmp(argv[i], "--prefix"))
			prefix = true;
		else
			file = argv[i];
	}
	if (!file) {
		fprintf(stderr, "usage: aux_verify FILE [--streams F] [--percpu F] [--allow-recovered]\n");
		return 2;
	}
	read_errors = tool_each_record(file, aux_record, &t);
	if (read_errors < 0)
		return 1;
	failures += read_errors;
	printf("# chunks %" PRIu64 "\n# aux_bytes %" PRIu64 "\n# aux_records %" PRIu64
	       "\n# aux_record_bytes %" PRIu64 "\n# truncated %" PRIu64 "\n# lost %" PRIu64 "\n",
	       t.chunks, t.payload, t.aux_records, t.aux_record_bytes, t.truncated, t.lost);
	if (!allow_recovered && (prefix ? t.aux_record_bytes < t.payload : t.aux_record_bytes != t.payload))
		FAIL("AUX records announce %" PRIu64 " bytes, chunks hold %" PRIu64, t.aux_record_bytes, t.payload);
	if (percpu) {
		uint64_t emitted = counter(percpu, "emitted"), records = counter(percpu, "records");
		uint64_t mod_trunc = counter(percpu, "truncated"), dropped = counter(percpu, "dropped");

		printf("# module_emitted %" PRIu64 "\n# module_dropped %" PRIu64 "\n# module_records %"
		       PRIu64 "\n# module_truncated %" PRIu64 "\n", emitted, dropped, records, mod_trunc);
		if (emitted != t.payload)
			FAIL("module emitted %" PRIu64 " bytes, file holds %" PRIu64, emitted, t.payload);
		/*
		 * Recovered spans: PERF_RECORD_AUX lost with the data ring, and its
		 * PERF_RECORD_LOST too when the kernel had no later write to put it
		 * in (it comes with the next record); the bytes are checked above.
		 */
		if (!t.lost && (allow_recovered ? t.aux_records > records : records != t.aux_records))
			FAIL("module ended %" PRIu64 " AUX records, file holds %" PRIu64, records, t.aux_records);
		if (!t.lost && mod_trunc != t.truncated)
			FAIL("module truncated %" PRIu64 " times, file says %" PRIu64, mod_trunc, t.truncated);
	}
	if (streams_file) {
		FILE *f = fopen(streams_file, "r");
		unsigned id;
		uint64_t gen, emitted, dropped, nstreams = 0;

		if (!f) {
			FAIL("cannot read %s", streams_file);
		} else {
			while (fscanf(f, "%u %" SCNu64 " %" SCNu64 " %" SCNu64, &id, &gen, &emitted, &dropped) == 4) {
				struct stream *s = &streams[id & 0xffff];
				uint64_t tail_missing = gen > s->next_seq ? gen - s->next_seq : 0;

				nstreams++;
				if (s->words != emitted)
					FAIL("stream %u: module emitted %" PRIu64 " words, file holds %" PRIu64,
					     id, emitted, s->words);
				if (s->gaps + tail_missing != dropped)
					FAIL("stream %u: module dropped %" PRIu64 " words, the sequence misses %"
					     PRIu64, id, dropped, s->gaps + tail_missing);
				s->seen = false;
			}
			fclose(f);
			for (int i = 0; i < MAX_STREAMS; i++)
				if (streams[i].seen)
					FAIL("stream %d in the file is unknown to the module", i);
			printf("# streams %" PRIu64 "\n", nstreams);
		}
	}
	printf("%s\n", failures ? "MISMATCH" : "VERIFIED");
	return failures ? 1 : 0;
}
