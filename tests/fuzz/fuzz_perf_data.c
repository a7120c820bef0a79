// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_perf_data.c - libFuzzer target for the perf.data reader: the input
 * is written to a memfd and read as a file (mmapped), then through a pipe
 * (streamed, pipe mode); every record is iterated with its attr and sample
 * id, every feature is parsed again, `auxrec dump` (text, JSON and
 * --stats) runs over the file with its output going to /dev/null, and the
 * file is decoded as `auxrec script` decodes it (lib/session/trace_decode.c: the
 * session's sideband, pieces and context switches, and the flow decoder),
 * every event rendered as text and as JSON (lib/output/event_print.c), and
 * its tracepoint samples read and printed through their tracing data
 * (lib/session/tp_samples.c, lib/output/tp_print.c).
 *
 * It links the whole library (the decoder ops reach the flow decoder).
 * fuzz-sources: lib/[a-z]*[a-z]/[a-z]*.c decoders/[a-z]*.c decoders/[a-z]*[a-z0-9]/[a-z]*.c cmd/dump.c cmd/usage.c
 * fuzz-libs: -lopencsd_c_api -lopencsd -ltraceevent
 * fuzz-max-len: 65536
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cmd/builtin.h"
#include "lib/perf_data/perf_data.h"
#include "lib/output/event_print.h"
#include "lib/output/tp_print.h"
#include "lib/session/trace_decode.h"
#include "lib/util/util.h"
#include "tests/fuzz/fuzz_cmd.h"

static void read_all(const char *path)
{
	struct pd_reader *r;
	struct pd_record rec;
	char err[512];
	int ret;

	if (pd_reader_open(path, &r, err, sizeof(err)))
		return;
	for (size_t i = 0; i < pd_reader_nr_features(r); i++) {
		struct pd_feature ft = *pd_reader_feature(r, i);
		struct pd_features f;

		if (ft.err)	/* data is NULL when the section is not there */
			continue;
		memset(&f, 0, sizeof(f));
		ft.err = 0;
		ft.errmsg = NULL;
		pd_feature_parse(&f, &ft);
		free(ft.errmsg);
		pd_features_free(&f);
	}
	while ((ret = pd_reader_next(r, &rec)) > 0) {
		struct pd_sample_id sid;

		if (rec.hdr->size < sizeof(*rec.hdr))
			abort();
		pd_reader_attr_of(r, rec.hdr);
		pd_reader_sample_id(r, rec.hdr, &sid);
	}
	if (ret < 0 && !pd_reader_error(r))
		abort();
	pd_reader_close(r);
}

static void dump(const char *path, const char *opt)
{
	char *argv[] = { "dump", "-i", (char *)path, (char *)opt, NULL };

	fuzz_run_cmd(cmd_dump, argv);
}

/* Renders each event as text and as JSON, to /dev/null. */
static int print_event(void *ctx, const struct trace_event *te)
{
	struct event_printer *pr = ctx;

	event_print(&pr[0], te);
	event_print(&pr[1], te);
	return 0;
}

static void decode(const char *path)
{
	struct event_printer pr[2];
	struct trace_decode_opts o = { .path = path, .fn = print_event, .ctx = pr,
				       .insns = true };
	FILE *saved_err = stderr, *devnull = fuzz_devnull();

	if (event_printer_init(&pr[0], devnull, false, false) ||
	    event_printer_init(&pr[1], devnull, true, false))
		abort();
	stderr = devnull;
	trace_decode(&o);
	stderr = saved_err;
	event_printer_free(&pr[0]);
	event_printer_free(&pr[1]);
}

/* The tracepoint samples as text, JSON and their fields, into a buffer. */
static void tracepoints(const char *path)
{
	struct line_buf lb = { 0 };
	struct tp_printer *tp;
	struct tp_samples ts;
	char err[512];

	if (tp_load(path, &ts, &tp, err, sizeof(err)))
		return;
	for (size_t i = 0; tp && i < ts.nr; i++) {
		tp_print_text(tp, &ts.s[i], &lb);
		tp_print_json(tp, &ts.s[i], &lb);
		lb_reset(&lb);
	}
	lb_free(&lb);
	tp_printer_free(tp);
	tp_samples_free(&ts);
}

static void read_pipe(const uint8_t *data, size_t size)
{
	char path[64];
	int p[2];

	/* A pipe holds 64 KiB: bigger inputs would block the write. */
	if (size > 65536 || pipe(p) < 0)
		return;
	if (write(p[1], data, size) != (ssize_t)size) {
		close(p[0]);
		close(p[1]);
		return;
	}
	close(p[1]);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", p[0]);
	read_all(path);
	close(p[0]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];

	cmd_name = "dump";
	fuzz_input_file(data, size, path, sizeof(path));
	read_all(path);
	read_pipe(data, size);
	dump(path, NULL);
	dump(path, "--json");
	dump(path, "--stats");
	decode(path);
	tracepoints(path);
	return 0;
}
