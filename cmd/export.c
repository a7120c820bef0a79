// SPDX-License-Identifier: GPL-2.0
/*
 * export.c - `auxrec export`: the decoded trace as call-stack timelines per
 * thread (Chrome trace-event JSON or a Perfetto protobuf trace) or as
 * folded stacks for flame graphs. Events go to the call-stack builder
 * (lib/output/call_stack.c); after the decode, its slices go to the
 * renderer of the format (lib/output/export_*.c). Samples with a user
 * stack and registers (PERF_SAMPLE_STACK_USER + REGS_USER) are unwound
 * (lib/unwind) into seeds of the threads' first stacks (docs/stack-seed.md).
 * The selections of script (--pid, --tid, --comm) drop the other threads'
 * events in the decode; -C and --time keep a selected thread's events and
 * cut its slices to them (cs_select(), man/auxrec-export.1).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "cmd/builtin.h"
#include "cmd/decode_args.h"
#include "lib/output/call_stack_pipe.h"
#include "lib/output/call_stack_rec.h"
#include "lib/output/line_buf.h"
#include "lib/output/export.h"
#include "lib/unwind/user_unwind.h"
#include "lib/util/cpus.h"
#include "lib/util/huge_array.h"
#include "lib/util/util.h"

static const struct {
	const char *name;
	int (*write)(const struct call_stacks *cs, const struct export_opts *o, FILE *out);
	bool binary;
} formats[] = {
	{ "chrome",   export_chrome,   false },
	{ "perfetto", export_perfetto, true },
	{ "folded",   export_folded,   false },
};

#define OUT_BUFFER	((size_t)2 << 20)	/* bytes of stdio buffer for the output */

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: auxrec export [-i FILE] [-f FORMAT] [-c CLOCK] [-o FILE] [--symfs DIR]\n"
		"                     [--debug-dir DIR] [--vmlinux FILE] [--kallsyms FILE]\n"
		"                     [--[no-]progress] [--jobs N] [--pid PID,...]\n"
		"                     [--tid TID,...] [-C CPUS] [--comm NAME,...]\n"
		"                     [--time START,STOP]\n"
		"\n"
		"Decode the AUX trace of a recording into call stacks per thread, from its\n"
		"calls, returns, interrupts and trace starts and ends, and write them for a\n"
		"viewer: a slice per function call, timed by the trace's clock (or, in a\n"
		"trace without time, by instructions, and the output says so).\n"
		"\n"
		"  -f, --format FORMAT chrome: Chrome trace-event JSON (Perfetto's UI,\n"
		"                        chrome://tracing, speedscope), the default\n"
		"                      perfetto: Perfetto's protobuf trace (zstd-compressed\n"
		"                        packets), far smaller, for ui.perfetto.dev\n"
		"                      folded: one line per call stack, 'main;f;g N' where\n"
		"                        N counts its instructions (flamegraph.pl, speedscope)\n"
		"  -c, --clock CLOCK   time: the trace's time (the default; a trace without\n"
		"                        time falls back to instructions)\n"
		"                      insns: instructions executed, which order every\n"
		"                        call and return even where the time is coarse\n"
		"  -o, --output FILE   write to FILE (default, or -: standard output)\n"
		DECODE_FILE_HELP
		"      --jobs N        decode on N threads (default: one per CPU the\n"
		"                      process may run on); the output is the same\n"
		"                      for any N\n"
		DECODE_FILTER_HELP
		"A selection keeps the stacks exact: a thread's stacks are built from all\n"
		"its events, and its slices are cut to the time selected (-C: to its time\n"
		"on those CPUs, from its first event there to its last before one on\n"
		"another; --time: to START..STOP, and folded stacks count only the\n"
		"instructions in it). A slice cut at its start is flagged\n"
		"began_before_trace, at its end open_at_trace_end, as at a trace's ends.\n"
		"  -h, --help          this help\n");
}

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

struct export {
	struct call_stacks cs;
	struct cs_pipe *pipe;	/* the builder's thread; NULL: cs built here */
	struct user_unwinder *uw;
	uint64_t pcs[UNWIND_MAX_FRAMES];
	int err;		/* of the builder: stops the decode */
	unsigned long long bad_stacks;	/* stack samples cut short: no seed */
	uint64_t events;	/* decoded events taken (AUXREC_EXPORT_STATS) */
	uint64_t fed_on_threads;	/* of them, fed by decode threads */
	struct tp_samples tps;	/* tracepoint samples: instant events */
	struct export_opts opts;	/* tracepoint instants; serial */
};

/*
 * A sample with a user stack: unwound into a seed of its thread's stack
 * (its first, or one whose callers are unknown: after a late start or a
 * loss of trace, docs/stack-seed.md).
 */
static int on_sample(void *ctx, const struct trace_sample *ts)
{
	struct export *x = ctx;
	int n;

	/* between pieces: the builder is idle (drained), cs is this thread's */
	if (x->pipe && (x->err = cs_pipe_drain(x->pipe)))
		return 1;
	n = user_unwind_sample(&x->uw, ts, x->pcs, UNWIND_MAX_FRAMES);
	if (n == -EBADMSG) {
		x->bad_stacks++;	/* one warning at the end */
		return 0;
	}
	if (n < 0) {
		x->err = n;
		return 1;
	}
	if (n < 2)
		return 0;	/* no callers found: no seed */
	x->err = cs_add_seed(&x->cs, ts->tid, ts->time, x->pcs, (size_t)n);
	return x->err ? 1 : 0;
}

static int on_event(void *ctx, const struct trace_event *te)
{
	struct export *x = ctx;

	x->events++;
	x->err = x->pipe ? cs_pipe_event(x->pipe, te) : cs_event(&x->cs, te);
	return x->err ? 1 : 0;
}

/* A piece decoded: the builder is done with its events before the session changes. */
static int on_piece_end(void *ctx)
{
	struct export *x = ctx;
	int err = cs_pipe_drain(x->pipe);

	if (err)
		x->err = err;
	return err;
}

/*
 * --jobs N > 1, and the buffers merged by time at the end of the file: the
 * decode threads make a record of each event (lib/output/call_stack_rec.h)
 * in a buffer of their own; the records are fed to the call stacks in
 * order (in time order for merged buffers, on the calling thread), on
 * whichever thread hands them over (trace_decode_opts' render and write),
 * before the piece ends.
 */
static void *recs_new(void *ctx, struct line_buf **out)
{
	(void)ctx;
	*out = calloc(1, sizeof(**out));
	return *out;
}

static int rec_render(void *r, const struct trace_event *te)
{
	struct line_buf *b = r;
	char *p = lb_room(b, sizeof(struct cs_rec));

	if (!p)
		return 1;
	cs_rec_make((struct cs_rec *)p, te);
	b->len += sizeof(struct cs_rec);
	return 0;
}

static void recs_free(void *r)
{
	lb_free(r);
	free(r);
}

static int recs_feed(void *ctx, const char *bytes, size_t len)
{
	struct export *x = ctx;
	size_t n = len / sizeof(struct cs_rec);

	x->events += n;
	x->fed_on_threads += n;
	x->err = cs_rec_feed(&x->cs, (const struct cs_rec *)bytes, n);
	return x->err ? 1 : 0;
}

/*
 * The call stacks built on a thread of their own while the decoder runs
 * (lib/output/call_stack_pipe.c), and the Perfetto export's blocks
 * compressed on two (lib/output/zstd_blocks.c); with --jobs N > 1 (the
 * default: a thread per usable CPU), pieces that are decoded on threads
 * feed the call stacks from there (recs_new()), as do the buffers merged
 * by time. AUXREC_EXPORT_SERIAL=1, one CPU or no thread to be had: no
 * builder thread, the call stacks are built on this one (from the records
 * of decode threads, where --jobs N or the merge has some). The output is
 * the same. For tests/diff/t-export-pipe.sh: AUXREC_EXPORT_BATCH=N, events
 * go over N at a time; AUXREC_EXPORT_BLOCK=BYTES, Perfetto's compressed
 * blocks that small.
 */
static void start_builder(struct export *x, struct trace_decode_opts *o)
{
	const char *batch = getenv("AUXREC_EXPORT_BATCH"), *block = getenv("AUXREC_EXPORT_BLOCK");

	x->opts.serial = getenv("AUXREC_EXPORT_SERIAL") || usable_cpus() < 2;
	x->opts.block = block ? strtoul(block, NULL, 0) : 0;
	/*
	 * A decode thread per usable CPU, as script and report have
	 * (decode_default_jobs()). On two, one decode thread and the call
	 * stacks built on the second (the pipe) was the default while the
	 * decode threads folded no branch and shared a cache line per event:
	 * since, --jobs 2 took 0.51-0.55 s where that took 0.64-1.77 s on
	 * 20.9 M branches, and 0.059-0.066 s against 0.067-0.084 s on 2.1 M
	 * (docs/testing.md, "Export on decode threads by default").
	 */
	if (!o->jobs)
		o->jobs = decode_default_jobs();
	/*
	 * Records made on threads: by the decode threads of --jobs N, and by
	 * those of the buffers decoded at once at the end of the file, so that
	 * each thread's events reach the call stacks in time order, on
	 * whichever CPU it ran (merge_by_time).
	 */
	o->render_new = recs_new;
	o->render = rec_render;
	o->render_free = recs_free;
	o->write = recs_feed;
	o->merge_by_time = true;
	if (x->opts.serial)
		return;
	if (!cs_pipe_start(&x->pipe, &x->cs, batch ? strtoul(batch, NULL, 0) : 0))
		o->piece_end = on_piece_end;
}

/* The tracepoint samples that pass f (the instants of the selection), in order. */
static void tp_select(struct tp_samples *ts, const struct event_filter *f)
{
	size_t n = 0;

	for (size_t i = 0; i < ts->nr; i++) {
		const struct tp_sample *s = &ts->s[i];

		if (event_filter_match(f, s->pid, s->tid, s->cpu, s->comm[0] ? s->comm : NULL,
				       s->time))
			ts->s[n++] = *s;
	}
	ts->nr = n;
}

/*
 * -o FILE, opened before the decode (which may take minutes), so that a
 * path that cannot be written is said at once; its old content stays
 * until the export is written. *made: it did not exist (removed again
 * when the export fails). Returns the fd, or -1 after the error line.
 */
static int output_open(const char *path, bool *made)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);

	*made = fd >= 0;
	if (fd < 0 && errno == EEXIST)
		fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		p_err("cannot create %s: %s", path, strerror(errno));
	return fd;
}

/* The export failed: the output opened by output_open() is given up. */
static void output_drop(int fd, const char *path, bool made)
{
	if (fd < 0)
		return;
	close(fd);
	if (made)
		unlink(path);
}

/* The stream the export is written to: -o FILE emptied first (a regular file). */
static FILE *output_stream(int fd, const char *path)
{
	struct stat st;
	FILE *f;

	if (!fstat(fd, &st) && S_ISREG(st.st_mode) && ftruncate(fd, 0)) {
		p_err("cannot write %s: %s", path, strerror(errno));
		return NULL;
	}
	f = fdopen(fd, "wb");
	if (!f)
		p_err("cannot write %s: %s", path, strerror(errno));
	return f;
}

int cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {
		DECODE_FILE_OPTIONS,
		DECODE_FILTER_OPTIONS,
		{ "jobs",   required_argument, NULL, 0x105 },	/* decode_arg()'s */
		{ "format", required_argument, NULL, 'f' },
		{ "clock",  required_argument, NULL, 'c' },
		{ "output", required_argument, NULL, 'o' },
		{ "help",   no_argument,       NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static struct event_filter filter;	/* static: reachable at any exit */
	struct event_filter owners;
	struct export x = { .err = 0 };
	struct call_stacks *cs = &x.cs;
	struct trace_decode_opts o = { .path = "auxrec.data", .fn = on_event, .ctx = &x,
				       .output_at_end = true, .sample = on_sample };
	const char *format = "chrome", *output = NULL, *clock = "time";
	char err[512];
	size_t f;
	FILE *out = stdout;
	bool made = false;
	int c, ret, out_fd = -1;

	while ((c = getopt_long(argc, argv, "i:f:c:o:h" DECODE_FILTER_SHORT_OPTIONS, opts,
				NULL)) != -1) {
		ret = decode_arg(c, optarg, &o, usage);
		if (!ret)
			ret = decode_filter_arg(c, optarg, &filter, usage);
		if (ret < 0)
			return 1;
		if (ret)
			continue;
		switch (c) {
		case 'f': format = optarg; break;
		case 'c': clock = optarg; break;
		case 'o': output = strcmp(optarg, "-") ? optarg : NULL; break;
		case 'h': usage(stdout); return 0;
		default: return cmd_bad_option(usage, argv, "i:f:c:o:h" DECODE_FILTER_SHORT_OPTIONS);
		}
	}
	if (optind < argc)
		return cmd_usage_error(usage, "unexpected argument '%s'", argv[optind]);
	for (f = 0; f < ARRAY_SIZE(formats) && strcmp(formats[f].name, format); f++)
		;
	if (f == ARRAY_SIZE(formats))
		return cmd_usage_error(usage, "unknown format '%s' (chrome, perfetto or folded)",
				       format);
	if (strcmp(clock, "time") && strcmp(clock, "insns"))
		return cmd_usage_error(usage, "unknown clock '%s' (time or insns)", clock);
	/* the call stacks select CPUs and time themselves: the decode owners only */
	owners = filter;
	owners.cpus = NULL;
	owners.nr_cpus = 0;
	owners.timed = false;
	o.filter = &owners;
	if (!output && formats[f].binary && isatty(STDOUT_FILENO))
		return cmd_usage_error(usage, "the %s format is binary: use -o FILE", format);
	if (output && (out_fd = output_open(output, &made)) < 0)
		return 1;
	if (tp_load(o.path, &x.tps, &x.opts.tp, err, sizeof(err))) {
		p_err("%s", err);
		output_drop(out_fd, output, made);
		return 1;
	}
	tp_select(&x.tps, &filter);
	x.opts.ts = &x.tps;
	if (cs_init(cs)) {
		p_err("%s", strerror(ENOMEM));
		tp_printer_free(x.opts.tp);
		tp_samples_free(&x.tps);
		output_drop(out_fd, output, made);
		return 1;
	}
	if (!strcmp(clock, "insns"))
		cs->clock = CS_CLOCK_INSNS;
	cs_select(cs, &filter);
	/*
	 * The call stacks need of plain jumps only their instructions and
	 * times: the decoder may fold them (AUXREC_EXPORT_EVENTS=1: it may
	 * not, every branch comes as an event; the output is the same). Not
	 * with -C or --time: a selected stretch of a thread starts and ends
	 * at its events, and a jump's instructions count by its own time.
	 * The decode threads of --jobs N fold too.
	 */
	o.fold_branches = !getenv("AUXREC_EXPORT_EVENTS") && !filter.cpus && !filter.timed;
	start_builder(&x, &o);
	ret = trace_decode(&o);
	if (x.bad_stacks)
		p_warn("%llu stack samples whose registers or stack overrun their record "
		       "seeded no call stack", x.bad_stacks);
	/* for tests/diff/t-export-fold.sh and t-export-pipe.sh */
	if (getenv("AUXREC_EXPORT_STATS")) {
		fprintf(stderr, "auxrec: export: %" PRIu64 " events\n", x.events);
		if (x.pipe)
			fprintf(stderr, "auxrec: export: %" PRIu64 " batches to the builder "
				"thread\n", cs_pipe_batches(x.pipe));
		if (o.jobs > 1 || x.fed_on_threads)
			fprintf(stderr, "auxrec: export: %" PRIu64 " events fed by decode "
				"threads\n", x.fed_on_threads);
	}
	if (x.pipe) {
		int perr = cs_pipe_end(x.pipe);

		x.pipe = NULL;
		if (perr && !x.err)
			x.err = perr;
	}
	/* no decoded event set the clock: the tracepoints' time is it */
	if (cs->clock == CS_CLOCK_UNSET && x.opts.tp)
		cs->clock = CS_CLOCK_TIME;
	if (!x.err && !ret)
		x.err = cs_finish(cs);
	if (x.err) {
		p_err("%s", strerror(-x.err));
		ret = 1;
	}
	if (!ret && output && !(out = output_stream(out_fd, output)))
		ret = 1;
	if (ret)
		output_drop(out_fd, output, made);
	if (!ret) {
		int werr;

		/*
		 * stdio's buffer is a block (4 KiB): the chrome JSON of the bench
		 * stream (60 MB) was 14716 write(2)s, and a system call is dear
		 * on the VMs measured (docs/testing.md, "Output in larger writes").
		 * In a huge page (huge_array.h): a static megabyte took 256 page
		 * faults as it first filled. Alive until exit (stdout's too).
		 */
		static char *out_buf;
		static size_t out_cap;

		if (!HUGE_ARRAY_GROW(out_buf, out_cap, OUT_BUFFER, OUT_BUFFER))
			setvbuf(out, out_buf, _IOFBF, out_cap);
		werr = formats[f].write(cs, &x.opts, out);

		if (out != stdout && fclose(out) && !werr)
			werr = errno ? -errno : -EIO;
		if (werr) {
			p_err("cannot write %s: %s", output ? output : "the output", strerror(-werr));
			ret = 1;
		}
	}
	cs_free(cs);
	tp_printer_free(x.opts.tp);
	tp_samples_free(&x.tps);
	user_unwinder_free(x.uw);
	event_filter_free(&filter);
	return ret;
}
