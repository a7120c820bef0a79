// SPDX-License-Identifier: GPL-2.0
/*
 * script.c - `auxrec script`: the decoded trace as events, one per line:
 * branches with symbols (like perf script --itrace=b), optionally calls or
 * returns only, instructions, ptwrite, power and error events, or any event
 * kind by name; text for people or JSON Lines (docs/json.md, "auxrec
 * script"), rendered by lib/output/event_print.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/builtin.h"
#include "cmd/decode_args.h"
#include "lib/output/event_print.h"
#include "lib/output/json.h"
#include "lib/output/stack_print.h"
#include "lib/output/tp_print.h"
#include "lib/session/tp_samples.h"
#include "lib/unwind/user_unwind.h"
#include "lib/util/util.h"

struct script {
	uint32_t kinds;			/* bit per enum event_kind: print all */
	bool calls, returns;		/* branches with these flags only */
	uint32_t mem_classes;		/* memory samples of these MEM_C_* */
	bool mem_loads_stores;		/* memory samples of loads and stores */
	struct event_printer pr;
	struct tp_samples tps;		/* the recording's tracepoint samples, by time */
	size_t tp_next;			/* the first not printed yet */
	struct tp_printer *tp;		/* NULL: the recording has none */
	const struct event_filter *filter;	/* of the tracepoint samples too */
	struct user_unwinder *uw;	/* --stack-samples */
	uint64_t pcs[UNWIND_MAX_FRAMES];
	int err;			/* of a stack sample: stops the decode */
	unsigned long long bad_stacks;	/* stack samples cut short: not unwound */
	/* --unit-keys: each event's output framed with its time, rendered here first */
	bool keys;
	struct event_printer kp;
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: auxrec script [-i FILE] [--itrace=OPTS] [--events=KINDS] [--symfs DIR]\n"
		"                     [--debug-dir DIR] [--vmlinux FILE] [--kallsyms FILE]\n"
		"                     [--srcline] [--stack-samples] [--[no-]progress] [--jobs N]\n"
		"                     [--json] [--pid PID,...] [--tid TID,...] [-C CPUS]\n"
		"                     [--comm NAME,...] [--time START,STOP]\n"
		"                     [--list-units | --unit K[:JOIN] [--unit-keys]]\n"
		"\n"
		"Decode the AUX trace of a recording and print its events: taken branches\n"
		"with their symbols, trace starts and ends, and decode errors.\n"
		"\n"
		DECODE_HELP
		DECODE_FILTER_HELP
		"      --itrace=OPTS   what to print (default be, and every memory sample),\n"
		"                      as perf's letters:\n"
		"                        b branches, c calls only, r returns only,\n"
		"                        i every instruction, e errors, w ptwrite,\n"
		"                        p power events, x transactions;\n"
		"                      memory samples (arm_spe) of: f L1D misses and\n"
		"                        accesses, m LLC misses and accesses, t TLB misses\n"
		"                        and accesses, b branch misses, a remote accesses,\n"
		"                        M loads and stores, i every sampled operation\n"
		"      --events=KINDS  (also) events of these kinds, comma-separated, or all:\n"
		"                       ");
	for (int k = 0, col = 23; k < EVENT_KIND_NR; k++) {
		const char *name = event_kind_name(k);

		if (col + strlen(name) + 2 > 80) {
			fprintf(out, "\n                       ");
			col = 23;
		}
		col += fprintf(out, " %s%s", name, k + 1 < EVENT_KIND_NR ? "," : "\n");
	}
	fprintf(out,
		"      --srcline       the source file:line of each address (needs debug info)\n"
		"      --stack-samples also the samples with a user stack (seeded recordings),\n"
		"                      unwound: the stacks exports seed call stacks with\n"
		"      --list-units    list the decode units of the recording instead: ranges\n"
		"                      of its trace that decode alone, where the decode with\n"
		"                      these options joins each and whether it is exact alone\n"
		"      --unit K[:JOIN] decode unit K alone: its part of the output (the units'\n"
		"                      outputs in order are the whole output, but those of\n"
		"                      buffers merged by time); JOIN, its join as --list-units\n"
		"                      gives it, spares decoding the units before it\n"
		"      --unit-keys     with --unit: each event's output after a line \"TIME\n"
		"                      LENGTH\" (TIME 0: none), for drivers that merge the\n"
		"                      units of buffers merged by time (contrib/dask)\n"
		"  -j, --json          JSON Lines, one object per event (see docs/json.md)\n"
		"  -h, --help          this help\n");
}

#define KIND(k)	(1u << (k))
#define TRACE_BOUNDS	(KIND(EVENT_TRACE_BEGIN) | KIND(EVENT_TRACE_END))
#define MEM_SAMPLES	KIND(EVENT_MEM_SAMPLE)

static int parse_itrace(struct script *sc, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case 'b':
			sc->kinds |= KIND(EVENT_BRANCH) | TRACE_BOUNDS;
			sc->mem_classes |= MEM_C_BRANCH_MISS;
			break;
		case 'c': sc->calls = true; break;
		case 'r': sc->returns = true; break;
		case 'i': sc->kinds |= KIND(EVENT_INSN) | MEM_SAMPLES; break;
		case 'f': sc->mem_classes |= MEM_C_L1D_MISS | MEM_C_L1D_ACCESS; break;
		case 'm': sc->mem_classes |= MEM_C_LLC_MISS | MEM_C_LLC_ACCESS; break;
		case 't': sc->mem_classes |= MEM_C_TLB_MISS | MEM_C_TLB_ACCESS; break;
		case 'a': sc->mem_classes |= MEM_C_REMOTE_ACCESS; break;
		case 'M': sc->mem_loads_stores = true; break;
		case 'e': sc->kinds |= KIND(EVENT_ERROR) | KIND(EVENT_OVERFLOW); break;
		case 'w': sc->kinds |= KIND(EVENT_PTWRITE); break;
		case 'p': sc->kinds |= KIND(EVENT_POWER); break;
		case 'x': sc->kinds |= KIND(EVENT_TSX); break;
		default: return -1;
		}
	}
	if (sc->calls || sc->returns)
		sc->kinds |= TRACE_BOUNDS;
	return 0;
}

/* "branch,error", "all": adds the kinds; returns -1 naming a bad one in *bad. */
static int parse_events(struct script *sc, char *s, const char **bad)
{
	for (char *save = NULL, *t = strtok_r(s, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int k = event_kind_by_name(t);

		if (!strcmp(t, "all")) {
			sc->kinds |= KIND(EVENT_KIND_NR) - 1;
			continue;
		}
		if (k < 0) {
			*bad = t;
			return -1;
		}
		sc->kinds |= KIND(k);
	}
	return 0;
}

static bool wanted(const struct script *sc, const struct decode_event *ev)
{
	if (sc->kinds & KIND(ev->kind))
		return true;
	if (ev->kind == EVENT_MEM_SAMPLE)
		return ev->mem && ((ev->mem->classes & sc->mem_classes) ||
				   (sc->mem_loads_stores && (ev->mem->op == MEM_OP_LOAD ||
							     ev->mem->op == MEM_OP_STORE)));
	return ev->kind == EVENT_BRANCH &&
	       ((sc->calls && (ev->branch & BRANCH_F_CALL)) ||
		(sc->returns && (ev->branch & BRANCH_F_RETURN)));
}

/* --list-units: a line per decode unit, or a JSON object (docs/json.md). */
static int list_unit(void *ctx, const struct decode_unit *u)
{
	struct json_writer *w = ctx;
	const char *sync = u->start ? "split_point" : "piece_start";

	if (!json_output) {
		char join[24] = "-";

		if (u->joined)
			snprintf(join, sizeof(join), "%" PRIu64, u->drop);
		if (!u->index)
			printf("# %6s %6s %4s %18s %10s %10s %10s  %-11s %8s %5s %s\n", "unit",
			       "piece", "cpu", "aux_offset", "start", "end", "size", "sync", "join",
			       "alone", "merged");
		return printf("  %6zu %6zu %4d %18" PRIu64 " %10zu %10zu %10zu  %-11s %8s %5s %s\n",
			      u->index, u->piece, u->chunk->cpu, u->chunk->aux_offset, u->start,
			      u->end, u->end - u->start, sync, join,
			      !u->joined ? "-" : u->self_contained ? "yes" : "no",
			      u->merged ? "yes" : "-") < 0;
	}
	jw_object_start(w);
	jw_kv_string(w, "type", "unit");
	jw_kv_u64(w, "unit", u->index);
	jw_kv_u64(w, "piece", u->piece);
	jw_kv_s64(w, "cpu", u->chunk->cpu);
	jw_kv_u64(w, "aux_offset", u->chunk->aux_offset);
	jw_kv_u64(w, "file_offset", u->chunk->file_offset);
	jw_kv_u64(w, "start", u->start);
	jw_kv_u64(w, "end", u->end);
	jw_kv_u64(w, "size", u->end - u->start);
	jw_kv_string(w, "sync", sync);
	jw_kv_bool(w, "joined", u->joined);
	if (u->joined) {
		jw_kv_u64(w, "join_drop", u->drop);
		jw_kv_bool(w, "self_contained", u->self_contained);
	}
	jw_kv_bool(w, "merged_by_time", u->merged);
	jw_object_end(w);
	jw_end_line(w);
	return ferror(stdout);
}

static int list_units(struct trace_decode_opts *o)
{
	struct json_writer w;
	int ret;

	jw_init(&w, stdout, false);
	o->list_units = list_unit;
	o->ctx = &w;
	o->flush = NULL;	/* each line is written as it ends */
	ret = trace_decode(o);
	jw_flush(&w);
	if (fflush(stdout) || ferror(stdout)) {
		p_err("cannot write the output: %s", strerror(errno));
		return 1;
	}
	return ret;
}

/* A decimal number up to max at s, its end in *end (NULL: s is all of it). */
static int parse_number(const char *s, char **end, unsigned long long max,
			unsigned long long *v)
{
	char *e;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoull(s, &e, 10);
	if (errno || *v > max || (!end && *e))
		return -1;
	if (end)
		*end = e;
	return 0;
}

/* --unit K[:DROP]: a decode unit's index, and where the whole decode joins it */
static int parse_unit(const char *s, struct trace_decode_opts *o)
{
	unsigned long long k, drop;
	char *end;

	if (parse_number(s, &end, SIZE_MAX, &k))
		return -1;
	o->unit = (size_t)k;
	o->unit_joined = *end == ':';
	if (!o->unit_joined)
		return *end ? -1 : 0;
	if (parse_number(end + 1, NULL, UINT64_MAX, &drop))
		return -1;
	o->unit_drop = drop;
	return 0;
}

/* The tracepoint samples up to time `until`, in the printer's buffer. */
static int print_tracepoints(struct script *sc, uint64_t until)
{
	struct event_printer *pr = &sc->pr;

	while (sc->tp_next < sc->tps.nr && sc->tps.s[sc->tp_next].time <= until) {
		const struct tp_sample *s = &sc->tps.s[sc->tp_next++];

		if (!event_filter_match(sc->filter, s->pid, s->tid, s->cpu, s->comm[0] ? s->comm : NULL,
					s->time))
			continue;
		if (pr->json)
			tp_print_json(sc->tp, s, &pr->buf);
		else
			tp_print_text(sc->tp, s, &pr->buf);
		if (pr->buf.len >= EVENT_PRINT_FLUSH_AT && event_printer_flush(pr))
			return 1;
	}
	return 0;
}

/* The time of the next tracepoint sample to print, UINT64_MAX when none is left. */
static uint64_t tracepoint_next(void *ctx)
{
	const struct script *sc = ctx;

	return sc->tp_next < sc->tps.nr ? sc->tps.s[sc->tp_next].time : UINT64_MAX;
}

/* The tracepoint samples before time `time`, before an event of that time. */
static int tracepoint_put(void *ctx, uint64_t time)
{
	return print_tracepoints(ctx, time - 1);
}

/*
 * --unit-keys: the event's output (if any) after a line of its time and
 * length, for a driver to merge the units of buffers merged by time.
 */
static int print_keyed(struct script *sc, const struct trace_event *te)
{
	struct line_buf *k = &sc->kp.buf, *b = &sc->pr.buf;

	if (event_render(&sc->kp, te))
		return 1;
	if (!k->len)
		return 0;
	lb_printf(b, "%" PRIu64 " %zu\n", te->ev->time, k->len);
	lb_mem(b, k->p, k->len);
	lb_reset(k);
	if (b->len >= EVENT_PRINT_FLUSH_AT && event_printer_flush(&sc->pr))
		return 1;
	return 0;
}

static int on_event(void *ctx, const struct trace_event *te)
{
	struct script *sc = ctx;

	if (!wanted(sc, te->ev))
		return 0;
	if (sc->tp && te->ev->time && print_tracepoints(sc, te->ev->time - 1))
		return 1;
	if (sc->keys)
		return print_keyed(sc, te);
	return event_print(&sc->pr, te) ? 1 : 0;
}

/* --stack-samples: a sample with a user stack, unwound, where the file has it */
static int on_stack_sample(void *ctx, const struct trace_sample *ts)
{
	struct script *sc = ctx;
	int n = user_unwind_sample(&sc->uw, ts, sc->pcs, UNWIND_MAX_FRAMES);

	if (n == -EBADMSG) {
		sc->bad_stacks++;	/* one warning at the end */
		return 0;
	}
	if (n > 0)
		n = stack_print(sc->pr.syms, ts, sc->pcs, (size_t)n, sc->pr.json, &sc->pr.buf);
	if (n < 0) {
		sc->err = n;
		return 1;
	}
	return 0;
}

/*
 * Tracepoint samples (and their formats) of the recording, to be printed
 * among the decoded events by time. Returns 0, or 1 after one error line.
 */
static int load_tracepoints(struct script *sc, const struct trace_decode_opts *o)
{
	char err[512];

	if (tp_load(o->path, &sc->tps, &sc->tp, err, sizeof(err))) {
		p_err("%s", err);
		return 1;
	}
	if (sc->tps.skipped)
		p_warn("%llu tracepoint samples without raw data or cut short were left out",
		       (unsigned long long)sc->tps.skipped);
	/* --stack-samples: the decode says it of every sample (trace_decode.c) */
	if (sc->tps.no_event && !o->sample)
		p_warn("%llu samples whose id names no event or whose ids are cut short were "
		       "left out of the tracepoint samples", (unsigned long long)sc->tps.no_event);
	return 0;
}

/*
 * --jobs: lines made on the decode threads, each with a printer of its
 * own, written in order here.
 */
struct thread_printer {
	const struct script *sc;
	struct event_printer pr;
};

static void *printer_new(void *ctx, struct line_buf **out)
{
	const struct script *sc = ctx;
	struct thread_printer *t = malloc(sizeof(*t));

	if (!t)
		return NULL;
	t->sc = sc;
	if (event_printer_init(&t->pr, NULL, sc->pr.json, false)) {
		free(t);
		return NULL;
	}
	*out = &t->pr.buf;
	return t;
}

static int print_on_thread(void *r, const struct trace_event *te)
{
	struct thread_printer *t = r;

	if (!wanted(t->sc, te->ev))
		return 0;
	return event_render(&t->pr, te) ? 1 : 0;
}

static void printer_free(void *r)
{
	struct thread_printer *t = r;

	event_printer_free(&t->pr);
	free(t);
}

static void flush_lines(void *ctx)
{
	struct script *sc = ctx;

	event_printer_flush(&sc->pr);
}

static int write_lines(void *ctx, const char *bytes, size_t len)
{
	struct script *sc = ctx;

	/* lines of earlier pieces first */
	return event_printer_write(&sc->pr, bytes, len) ? 1 : 0;
}

static int writev_lines(void *ctx, struct iovec *v, int n)
{
	struct script *sc = ctx;

	return event_printer_writev(&sc->pr, v, n) ? 1 : 0;
}

/*
 * Whether the lines did not all reach the output (a full disk; a closed
 * pipe ends the process by SIGPIPE first): said in one line. A decode
 * that a failed write stopped ends quietly, this says why.
 */
static int output_failed(struct event_printer *pr)
{
	int err = event_printer_flush(pr);

	if (!err)
		err = stream_flush(pr->out);
	if (!err)
		return 0;
	p_err("cannot write the output: %s", strerror(-err));
	return 1;
}

int cmd_script(int argc, char **argv)
{
	static const struct option opts[] = {
		DECODE_LONG_OPTIONS,
		DECODE_FILTER_OPTIONS,
		{ "itrace", required_argument, NULL, 'I' },
		{ "events", required_argument, NULL, 'E' },
		{ "srcline", no_argument,      NULL, 'L' },
		{ "stack-samples", no_argument, NULL, 'K' },
		{ "list-units", no_argument,   NULL, 'U' },
		{ "unit",   required_argument, NULL, 'u' },
		{ "unit-keys", no_argument,    NULL, 0x140 },
		{ "help",   no_argument,       NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct script sc = { 0 };
	static struct event_filter filter;	/* static: reachable at any exit */
	struct trace_decode_opts o = { .path = "auxrec.data", .fn = on_event, .ctx = &sc,
					.flush = flush_lines, .filter = &filter };
	const char *itrace = NULL, *bad = NULL;
	bool srcline = false, units = false;
	int c, ret;

	sc.filter = &filter;
	while ((c = getopt_long(argc, argv, DECODE_SHORT_OPTIONS DECODE_FILTER_SHORT_OPTIONS "h",
				opts, NULL)) != -1) {
		ret = decode_arg(c, optarg, &o, usage);
		if (!ret)
			ret = decode_filter_arg(c, optarg, &filter, usage);
		if (ret < 0)
			return 1;
		if (ret)
			continue;
		switch (c) {
		case 'I': itrace = *optarg ? optarg : NULL; break;	/* perf: empty, the default */
		case 'E':
			if (parse_events(&sc, optarg, &bad))
				return cmd_usage_error(usage, "bad --events kind '%s'", bad);
			break;
		case 'L': srcline = true; break;
		case 'K': o.sample = on_stack_sample; break;
		case 'U': units = true; break;
		case 'u':
			if (parse_unit(optarg, &o))
				return cmd_usage_error(usage, "bad --unit '%s' (a unit number, "
						       "maybe :its join, see --list-units)", optarg);
			o.one_unit = true;
			break;
		case 0x140: sc.keys = true; break;
		case 'h': usage(stdout); return 0;
		default: return cmd_bad_option(usage, argv,
					       DECODE_SHORT_OPTIONS DECODE_FILTER_SHORT_OPTIONS "h");
		}
	}
	if (optind < argc)
		return decode_extra_arg(argv[optind], usage);
	if (units && o.one_unit)
		return cmd_usage_error(usage, "--list-units and --unit together");
	if (sc.keys && !o.one_unit)
		return cmd_usage_error(usage, "--unit-keys without --unit");
	if (!itrace && !sc.kinds) {
		itrace = "be";
		sc.kinds |= MEM_SAMPLES;
	}
	if (itrace && parse_itrace(&sc, itrace))
		return cmd_usage_error(usage, "bad --itrace '%s' (letters from bcriewpxfmtaM)",
				       itrace);
	/* before the units are listed: where they join depends on it */
	o.insns = sc.kinds & KIND(EVENT_INSN);
	/*
	 * The buffers merged by time (with the threads' output, set below),
	 * and said so by --list-units
	 */
	o.merge_by_time = !srcline && !o.sample;
	if (units) {
		if (!o.jobs)
			o.jobs = decode_default_jobs();
		return list_units(&o);
	}
	if (event_printer_init(&sc.pr, stdout, json_output, srcline) ||
	    (sc.keys && event_printer_init(&sc.kp, NULL, json_output, srcline))) {
		p_err("%s", strerror(ENOMEM));
		return 1;
	}
	if (load_tracepoints(&sc, &o)) {
		event_printer_free(&sc.pr);
		event_printer_free(&sc.kp);
		tp_samples_free(&sc.tps);
		return 1;
	}
	if (sc.tp && o.one_unit) {
		p_err("%s: --unit cannot place the recording's tracepoint samples "
		      "(they go between the events of all units): decode it whole", o.path);
		ret = 1;
		goto out;
	}
	/*
	 * srcline reads debug info as it goes, stack samples go between
	 * events: one thread. Tracepoint samples go between events too: the
	 * decode threads of --jobs hand the events to on_event(), and the
	 * buffers merged by time put them among theirs (tracepoint_next/put).
	 */
	if (!srcline && !o.sample && !sc.keys) {
		o.render_new = printer_new;
		o.render = print_on_thread;
		o.render_free = printer_free;
		o.write = write_lines;
		o.writev = writev_lines;
		if (sc.tp) {
			o.between_next = tracepoint_next;
			o.between_put = tracepoint_put;
		}
	}
	/* the events themselves handed over to the one printer: not by default */
	if (!o.jobs)
		o.jobs = o.render_new && !sc.tp ? decode_default_jobs() : 1;
	ret = trace_decode(&o);
	if (sc.bad_stacks)
		p_warn("%llu stack samples whose registers or stack overrun their record "
		       "were not unwound", sc.bad_stacks);
	if (sc.err) {
		p_err("%s", strerror(-sc.err));
		ret = 1;
	}
	if (sc.tp && print_tracepoints(&sc, UINT64_MAX) && !ret)
		ret = 1;
	ret |= output_failed(&sc.pr);
out:
	event_filter_free(&filter);
	event_printer_free(&sc.pr);
	event_printer_free(&sc.kp);
	tp_printer_free(sc.tp);
	tp_samples_free(&sc.tps);
	user_unwinder_free(sc.uw);
	return ret;
}
