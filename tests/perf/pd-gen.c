// SPDX-License-Identifier: GPL-2.0
/*
 * pd-gen.c - writes a perf.data with auxrec's writer for the interop checks:
 * an intel_pt attr (sample_id_all, one id, PMU_MAPPINGS naming its type),
 * AUXTRACE_INFO type 1 with perf 6.1's intel_pt priv layout, COMM, MMAP2 of
 * a real binary, ITRACE_START, TIME_CONV, and the bytes of a raw Intel PT
 * file as two AUX/AUXTRACE pairs.
 * Usage: pd-gen OUT PT-FILE BINARY
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "perf_data.h"

#define PT_TYPE	10
#define PID	4242

enum {	/* tools/perf/util/intel-pt.h */
	PT_PMU_TYPE, PT_TIME_SHIFT, PT_TIME_MULT, PT_TIME_ZERO, PT_CAP_USER_TIME_ZERO,
	PT_TSC_BIT, PT_NORETCOMP_BIT, PT_HAVE_SCHED_SWITCH, PT_SNAPSHOT_MODE,
	PT_PER_CPU_MMAPS, PT_MTC_BIT, PT_MTC_FREQ_BITS, PT_TSC_CTC_N, PT_TSC_CTC_D,
	PT_CYC_BIT, PT_MAX_NONTURBO_RATIO, PT_FILTER_STR_LEN, PT_PRIV_MAX
};

static const uint64_t sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_CPU |
				    PERF_SAMPLE_IDENTIFIER;

static int die(const char *what, int err)
{
	fprintf(stderr, "pd-gen: %s: %s\n", what, strerror(-err));
	exit(1);
}

/* fixed part, optional string, sample_id trailer */
static void put(struct pd_writer *w, void *rec, size_t len, const char *str, uint64_t time)
{
	uint8_t buf[512];
	struct perf_event_header *h = (void *)buf;
	size_t slen = str ? (strlen(str) + 8) & ~7UL : 0;
	struct pd_sample_id sid = { .pid = PID, .tid = PID, .time = time, .id = 100, .cpu = 0 };
	int err;

	memset(buf, 0, sizeof(buf));
	memcpy(buf, rec, len);
	if (str)
		strcpy((char *)buf + len, str);
	pd_sample_id_write(buf + len + slen, sample_type, &sid);
	h->size = len + slen + pd_sample_id_size(sample_type);
	err = pd_write_record(w, h);
	if (err)
		die("write", err);
}

int main(int argc, char **argv)
{
	struct perf_event_attr attr = { .type = PT_TYPE, .size = sizeof(attr) };
	struct perf_event_mmap_page pc;
	uint64_t id = 100, priv[PT_PRIV_MAX] = { 0 };
	struct pd_writer *w;
	char errbuf[256];
	uint8_t *pt;
	long n;
	FILE *f;
	int err;

	if (argc != 4 && argc != 7) {
		fprintf(stderr, "usage: pd-gen OUT PT-FILE BINARY [START LEN PGOFF]\n");
		return 2;
	}
	f = fopen(argv[2], "rb");
	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) <= 0)
		die(argv[2], -2);
	rewind(f);
	pt = malloc(n);
	if (!pt || fread(pt, 1, n, f) != (size_t)n)
		die(argv[2], -5);
	fclose(f);

	err = pd_writer_create(argv[1], &w, errbuf, sizeof(errbuf));
	if (err) {
		fprintf(stderr, "pd-gen: %s\n", errbuf);
		return 1;
	}
	attr.config = 1ULL << 10 | 1ULL << 13;	/* tsc, branch */
	attr.sample_type = sample_type;
	attr.sample_id_all = 1;
	attr.exclude_kernel = 1;
	attr.disabled = 1;
	attr.enable_on_exec = 1;
	attr.sample_period = 1;
	if (pd_writer_add_attr(w, &attr, &id, 1, "intel_pt//u") < 0)
		die("attr", -12);
	pd_writer_add_pmu_mapping(w, PT_TYPE, "intel_pt");
	pd_writer_set_cmdline(w, argc, argv);

	priv[PT_PMU_TYPE] = PT_TYPE;
	priv[PT_TIME_SHIFT] = 10;
	priv[PT_TIME_MULT] = 1000;
	priv[PT_TIME_ZERO] = 0;
	priv[PT_CAP_USER_TIME_ZERO] = 1;
	priv[PT_TSC_BIT] = 1ULL << 10;
	priv[PT_NORETCOMP_BIT] = 1ULL << 11;
	priv[PT_MTC_BIT] = 1ULL << 9;
	priv[PT_MTC_FREQ_BITS] = 0xfULL << 14;
	priv[PT_TSC_CTC_N] = 2;
	priv[PT_TSC_CTC_D] = 1;
	priv[PT_CYC_BIT] = 1ULL << 1;
	err = pd_write_auxtrace_info(w, 1, priv, PT_PRIV_MAX);
	if (err)
		die("auxtrace_info", err);
	memset(&pc, 0, sizeof(pc));
	pc.time_shift = 10;
	pc.time_mult = 1000;
	pc.cap_user_time_zero = 1;
	pc.time_mask = ~0ULL;
	err = pd_write_time_conv(w, &pc);
	if (err)
		die("time_conv", err);

	{
		struct perf_rec_comm c = { .header = { .type = PERF_RECORD_COMM } };
		struct perf_rec_mmap2 m = { .header = { .type = PERF_RECORD_MMAP2,
							.misc = PERF_RECORD_MISC_USER } };
		struct perf_rec_pid_tid it = { .header = { .type = PERF_RECORD_ITRACE_START } };

		c.pid = c.tid = PID;
		put(w, &c, sizeof(c), "pd-gen", 1);
		m.pid = m.tid = PID;
		m.start = argc > 4 ? strtoull(argv[4], NULL, 0) : 0x7f0000000000ULL;
		m.len = argc > 5 ? strtoull(argv[5], NULL, 0) : 0x100000;
		m.pgoff = argc > 6 ? strtoull(argv[6], NULL, 0) : 0;
		m.prot = PROT_READ | PROT_EXEC;
		m.flags = MAP_PRIVATE;
		put(w, &m, sizeof(m), argv[3], 2);
		it.pid = it.tid = PID;
		put(w, &it, sizeof(it), NULL, 3);
	}
	pd_write_finished_round(w);
	err = pd_writer_checkpoint(w);
	if (err)
		die("checkpoint", err);

	for (int i = 0; i < 2; i++) {
		size_t half = n / 2, off = i ? half : 0, len = i ? n - half : half;
		struct perf_rec_aux aux = { .header = { .type = PERF_RECORD_AUX } };
		struct iovec iov = { pt + off, len };
		struct pd_auxtrace_desc d = { .offset = off, .reference = 1000 + i, .idx = 0,
					      .tid = PID, .cpu = (uint32_t)-1 };

		aux.aux_offset = off;
		aux.aux_size = len;
		aux.flags = 0;
		put(w, &aux, sizeof(aux), NULL, 10 + i);
		err = pd_write_auxtrace(w, &iov, 1, &d);
		if (err)
			die("auxtrace", err);
	}
	pd_write_finished_round(w);
	err = pd_writer_finish(w);
	if (err)
		die("finish", err);
	free(pt);
	return 0;
}
