// SPDX-License-Identifier: GPL-2.0
/*
 * record.c - `auxrec record`: parse the event and the target, open and map
 * the events, drain the data and AUX rings into perf.data until the workload
 * ends or a signal arrives, then drain the rest and close the file.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "builtin.h"
#include "decoders/decoder.h"
#include "lib/record/addr_filter.h"
#include "lib/record/control.h"
#include "lib/record/evlist.h"
#include "lib/util/cpus.h"
#include "lib/perf_data/perf_data.h"
#include "lib/record/pmu.h"
#include "lib/record/ring.h"
#include "lib/record/seed_event.h"
#include "lib/record/synthesize.h"
#include "lib/record/tracepoints.h"
#include "lib/util/util.h"

struct record_opts {
	const char *event;
	const char *output;
	const char *cpu_list;
	pid_t pid;		/* -p */
	pid_t tid;		/* -t */
	bool all_cpus;		/* -a */
	bool per_thread;
	bool no_inherit;
	bool quiet;
	bool merge_aux;
	bool snapshot;		/* -S: overwrite mode, snapshots on request */
	bool snapshot_on_exit;	/* -Se */
	uint64_t snapshot_size;	/* bytes per area and snapshot; 0: the area */
	const char *control;	/* --control fifo:CTL[,ACK] or fd:N[,M] */
	const char *filter;	/* --filter, perf's address filter syntax */
	char *kernel_filter;	/* it resolved, for PERF_EVENT_IOC_SET_FILTER */
	size_t data_pages, aux_pages;
	uint32_t seed_stack;	/* --seed-stacks: bytes of user stack per sample; 0 off */
	char **workload;	/* argv of the command, NULL-terminated */
};

struct recorder {
	struct record_opts *opts;
	struct event_spec es;
	const struct decoder_ops *dec;
	struct evlist el;
	struct tracepoints tps;		/* -e SUBSYS:NAME, beside the AUX event */
	struct evlist seed;	/* --seed-stacks: the companions of el's events */
	struct pd_writer *w;
	int attr_idx;
	int sideband_idx;	/* attr of the sideband: the tracking event's, or attr_idx */
	struct perf_event_attr track;	/* the tracking event, when want_track */
	bool want_track;
	pid_t child;
	int child_status;
	bool child_done;
	int write_err;		/* first error writing the file */
	uint64_t aux_reference;
	uint64_t kernel_lost;	/* PERF_FORMAT_LOST at the end */
	/*
	 * Rings whose event may still be disabled after a TRUNCATED record:
	 * the kernel disables it from irq_work, possibly after our ENABLE,
	 * so ENABLE is repeated until AUX data shows the event runs again.
	 */
	bool *reenable;
	int nr_reenable;	/* how many are set */
	uint64_t *pass_aux_records;	/* drain_all: each ring's AUX records before the pass */
	bool *pass_settled;		/* drain_all: ring written and settled in the pass */
	bool *pass_visited;		/* drain_round: ring drained in the round */
	bool pass_more;			/* drain_all left data in a ring: drain again at once */
	struct record_control ctl;
	bool enabled;			/* the events trace (not disabled by `disable`) */
	uint64_t snapshots;		/* snapshots taken */
};

#define MAX_TRACEPOINTS	64	/* -e SUBSYS:NAME per recording */

/* The events follow the COMMAND (rather than cpus or existing threads). */
static bool traces_workload(const struct record_opts *o)
{
	return o->workload && !o->all_cpus && !o->cpu_list;
}

/*
 * The AUX events and what goes beside them (tracepoints, --seed-stacks'
 * companions) on or off.
 */
static int events_enable(struct recorder *rec, bool on)
{
	int ret = on ? evlist_enable(&rec->el) : evlist_disable(&rec->el);
	int tp = tracepoints_enable(&rec->tps, on);
	int seed = on ? evlist_enable(&rec->seed) : evlist_disable(&rec->seed);

	return ret ? ret : tp ? tp : seed;
}

static volatile sig_atomic_t stop_signal;
static volatile sig_atomic_t child_exited;
static volatile sig_atomic_t snapshot_signal;	/* SIGUSR2 in snapshot mode */

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: auxrec record -e PMU/TERMS/ [OPTIONS] [--] [COMMAND [ARGS...]]\n"
		"\n"
		"Record an AUX-area trace into perf.data format.\n"
		"\n"
		"  -e, --event PMU/TERMS/   the event, e.g. intel_pt//, intel_pt/cyc,noretcomp/u\n"
		"                           (terms from /sys/bus/event_source/devices/PMU/format;\n"
		"                           see 'auxrec list'); more -e SUBSYS:NAME record\n"
		"                           tracepoints beside it (sched:sched_switch)\n"
		"  -a, --all-cpus           trace every cpu\n"
		"  -C, --cpu LIST           trace these cpus (0-3,6)\n"
		"  -p, --pid PID            trace the threads of an existing process\n"
		"  -t, --tid TID            trace one existing thread\n"
		"      --per-thread         one event per thread instead of per cpu\n"
		"      --no-inherit         do not trace children of the workload\n"
		"  -m, --mmap-pages D[,A]   data ring and AUX area size: pages, or bytes with\n"
		"                           a K/M/G suffix; each a power of two pages\n"
		"                           (default 512K,4M as root; 256K,128K otherwise)\n"
		"  -o, --output FILE        output file (default auxrec.data; an existing one\n"
		"                           is renamed to FILE.old)\n"
		"      --merge-aux          write the AUX spans of one drain as one chunk\n"
		"                           (fewer chunks; by default each PERF_RECORD_AUX\n"
		"                           span is its own chunk)\n"
		"  -S, --snapshot[=[e]SIZE] snapshot mode: the PMU overwrites its AUX area\n"
		"                           continuously; on SIGUSR2 or a `snapshot` control\n"
		"                           command the newest SIZE bytes (default: the area;\n"
		"                           K/M suffixes) of each area are written; with e\n"
		"                           once more at exit (-Se, -Se64K)\n"
		"      --control fifo:CTL[,ACK] | fd:N[,M]\n"
		"                           read perf's commands (enable, disable, snapshot,\n"
		"                           stop, ping; one a line) from CTL, answer each\n"
		"                           with 'ack' on ACK once done\n"
		"      --seed-stacks[=SIZE] sample the user registers and SIZE bytes of user\n"
		"                           stack (default 8K) of each traced task switched\n"
		"                           out, where its trace resumes: exports unwind them\n"
		"                           into the callers of their call stacks\n"
		"      --filter 'ACTION START[/END|/SIZE][@FILE] ...'\n"
		"                           address filters, perf's syntax: ACTION filter,\n"
		"                           start, stop or tracestop; START/END functions of\n"
		"                           FILE or addresses (offsets in FILE); e.g.\n"
		"                           'filter main @ ./prog' (at most the PMU's\n"
		"                           nr_addr_filters)\n"
		"  -q, --quiet              no summary line\n"
		"  -h, --help               this help\n"
		"\n"
		"With a COMMAND it is started and traced (per cpu, with its children) until\n"
		"it exits. Ctrl-C, SIGTERM and SIGHUP stop a recording; every byte already\n"
		"in the rings is written before the file is closed.\n");
}

static int parse_pages(const char *s, size_t *pages, char *err, size_t errlen)
{
	long page = sysconf(_SC_PAGESIZE);
	uint64_t v;
	bool bytes = s[0] && strpbrk(s, "kKmMgG") != NULL;

	if (parse_size(s, &v) || !v) {
		snprintf(err, errlen, "bad size '%s' (pages, or bytes with a K/M/G suffix)", s);
		return -EINVAL;
	}
	if (bytes) {
		if (v % page) {
			snprintf(err, errlen, "size %s is not a multiple of the page size (%ld)", s, page);
			return -EINVAL;
		}
		v /= page;
	}
	if (!is_power_of_2(v)) {
		snprintf(err, errlen, "size %s is %llu pages, not a power of two: the kernel maps "
			 "rings of 1, 2, 4, 8, ... pages (of %ld bytes)", s, (unsigned long long)v, page);
		return -EINVAL;
	}
	*pages = v;
	return 0;
}

static int parse_mmap_pages(struct record_opts *o, const char *arg, char *err, size_t errlen)
{
	char *copy = strdup(arg), *comma;
	int ret = 0;

	if (!copy)
		return -ENOMEM;
	comma = strchr(copy, ',');
	if (comma)
		*comma++ = 0;
	if (*copy)
		ret = parse_pages(copy, &o->data_pages, err, errlen);
	if (!ret && comma && *comma)
		ret = parse_pages(comma, &o->aux_pages, err, errlen);
	free(copy);
	return ret;
}

/* -S[e][SIZE], --snapshot[=[e]SIZE] as perf: e snapshots once more at exit */
static int parse_snapshot(struct record_opts *o, const char *arg)
{
	o->snapshot = true;
	if (!arg)
		return 0;
	if (*arg == 'e') {
		o->snapshot_on_exit = true;
		arg++;
	}
	if (!*arg)
		return 0;
	return parse_size(arg, &o->snapshot_size) || !o->snapshot_size ? -EINVAL : 0;
}

/*
 * The AUX area of snapshot mode, as perf's Intel PT: without -m's AUX part
 * a given SIZE sets it (rounded up to a power of two pages); SIZE may not
 * exceed it.
 */
static int snapshot_area(struct record_opts *o, bool aux_given, size_t page)
{
	if (o->snapshot_size && !aux_given) {
		uint64_t pages = (o->snapshot_size + page - 1) / page, p2 = 1;

		while (p2 < pages)
			p2 <<= 1;
		o->aux_pages = p2;
	}
	if (o->snapshot_size > o->aux_pages * page) {
		p_err("-S: the snapshot size %llu is larger than the AUX area (%zu bytes; see -m)",
		      (unsigned long long)o->snapshot_size, o->aux_pages * page);
		return -EINVAL;
	}
	return 0;
}

/* written by on_signal: wakes record_loop's poll (no race with its checks) */
static int sig_pipe[2] = { -1, -1 };

static void on_signal(int sig)
{
	int saved = errno;

	if (sig_pipe[1] >= 0 && write(sig_pipe[1], "s", 1) < 0) {
		/* full: a wakeup is pending anyway */
	}
	errno = saved;
	if (sig == SIGCHLD)
		child_exited = 1;
	else if (sig == SIGUSR2)
		snapshot_signal = 1;
	else
		stop_signal = sig;
}

static void install_signals(bool snapshot)
{
	struct sigaction sa = { .sa_handler = on_signal };

	if (sig_pipe[0] < 0 && pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK))
		sig_pipe[0] = sig_pipe[1] = -1;	/* poll then wakes at least once a second */

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	if (snapshot)
		sigaction(SIGUSR2, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/*
 * Forks the workload, stopped before exec until go_fd is written to; the
 * events are opened on its pid with enable_on_exec in between.
 */
static int start_workload(struct recorder *rec, int *go_fd)
{
	int go[2], ready[2];
	ssize_t n;
	char c;
	pid_t pid;

	if (pipe2(go, O_CLOEXEC) || pipe2(ready, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		signal(SIGUSR2, SIG_DFL);
		close(go[1]);
		close(ready[0]);
		if (write(ready[1], "r", 1) != 1)
			_exit(127);
		if (read(go[0], &c, 1) != 1)
			_exit(127);	/* the recorder gave up */
		execvp(rec->opts->workload[0], rec->opts->workload);
		/* tell the parent through the ready pipe, then quit */
		dprintf(2, "auxrec record: cannot run '%s': %s\n", rec->opts->workload[0],
			strerror(errno));
		_exit(127);
	}
	close(go[0]);
	close(ready[1]);
	/* a stop signal now must not look like a failed start (EINTR) */
	do
		n = read(ready[0], &c, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1) {
		close(ready[0]);
		close(go[1]);
		return -ECHILD;
	}
	close(ready[0]);
	rec->child = pid;
	*go_fd = go[1];
	return 0;
}

static int on_record(void *ctx, struct ring *r, const struct perf_event_header *hdr)
{
	struct recorder *rec = ctx;
	int ret = pd_write_record(rec->w, hdr);

	if (ret && !rec->write_err)
		rec->write_err = ret;
	return ret;
}

#define HOLD_MAX (256 * 1024ULL)
#define PASS_HOLD_MIN (64 * 1024ULL)

static int on_aux(void *ctx, struct ring *r, const struct iovec *iov, int n, uint64_t offset,
		  uint64_t size, const struct perf_record_aux_layout *aux)
{
	struct recorder *rec = ctx;
	struct pd_auxtrace_desc desc = {
		.offset = offset,
		.reference = rec->aux_reference++,
		.idx = r->idx,
		.tid = r->tid,
		.cpu = r->cpu,
		.hold = r->hold_aux,
	};
	/*
	 * The kernel waits for held bytes: on a slow file (9p, NFS) one write
	 * of a whole pass would keep it waiting long enough to fill the area,
	 * so once this ring holds half its area (at least PASS_HOLD_MIN, 64K:
	 * a small area is drained in one write per pass; a system call costs
	 * 17 us in the TCG guest, `perf bench syscall basic`) or 256K, what is
	 * held (from every ring) is written at once, and this ring's bytes
	 * given back; all else is given back after drain_all's write at the
	 * end of the pass.
	 */
	uint64_t most = r->aux_size / 2 < HOLD_MAX ? r->aux_size / 2 : HOLD_MAX;
	int ret;

	if (most < PASS_HOLD_MIN)
		most = PASS_HOLD_MIN;
	ret = pd_write_auxtrace(rec->w, iov, n, &desc);

	if (!ret && desc.hold && ring_aux_held(r) + size >= most) {
		ret = pd_writer_flush(rec->w);
		if (!ret)	/* this span too: it is in the file now */
			ring_release_aux_to(r, offset + size);
	}
	if (ret && !rec->write_err)
		rec->write_err = ret;
	return ret;
}

static const struct ring_consumer record_consumer = { on_record, on_aux };

/*
 * The kernel disables an event whose AUX area ran full; now that its bytes
 * are out, let it trace again (perf does not). The disable comes from
 * irq_work right after the truncating record, so the event can be off only
 * while its newest PERF_RECORD_AUX is TRUNCATED: a later record shows it
 * ran after the disable (or was never disabled: CPU 0 on this 6.1 kernel).
 * ENABLE is repeated on later passes until such a record arrives (it may
 * have raced with the disable), and is not issued otherwise (an ioctl that
 * may IPI the event's CPU, once per pass at sustained truncation before).
 */
static void reenable(struct recorder *rec, int i, bool stopped)
{
	bool *p = &rec->reenable[i];

	if (stopped != *p) {
		rec->nr_reenable += stopped ? 1 : -1;
		*p = stopped;
	}
	if (stopped)
		ioctl(rec->el.fds[i], PERF_EVENT_IOC_ENABLE, 0);
}

/*
 * Drains ring i into the writer, at most RING_QUANTUM bytes of AUX while
 * recording: its AUX spans are not copied but held, to be written from the
 * AUX area by drain_all's one write per pass (or earlier, once a ring holds
 * half its area or 256K: on_aux). Returns 1 when it drained, 0 when there
 * was nothing, or a negative error.
 */
#define RING_QUANTUM (1024 * 1024ULL)

static int drain_ring(struct recorder *rec, int i, bool final)
{
	struct ring *r = &rec->el.rings[i];
	int ret;

	if (!final && !ring_has_data(r))
		return 0;
	ret = ring_drain_some(r, &record_consumer, rec, final, final ? UINT64_MAX : RING_QUANTUM);
	if (ret == -EIO)
		p_err("malformed record in the data ring of %s %d",
		      r->cpu >= 0 ? "cpu" : "thread", r->cpu >= 0 ? r->cpu : r->tid);
	if (ret && !rec->write_err && ret != -EIO)
		rec->write_err = ret;
	return ret ? ret : 1;
}

/*
 * Ring i's bytes are all in the file: aux_tail lets the kernel reuse its
 * area, and an event the kernel stopped for a full area may trace again.
 * A ring with nothing this pass has no new record: its pending re-enable
 * is retried as is (last_aux_truncated unchanged).
 */
static void settle_ring(struct recorder *rec, int i, bool new_records, bool final)
{
	struct ring *r = &rec->el.rings[i];

	ring_release_aux(r);
	if (!final && (new_records || rec->reenable[i]))
		reenable(rec, i, r->last_aux_truncated);
}

/*
 * One pass over the rings, then one write of what they held (with
 * FINISHED_ROUND after it): only then does aux_tail let the kernel reuse
 * those parts of the areas, and may an event stopped by a full area trace
 * again. One write per pass, not per ring: with an event per CPU, every
 * wakeup usually finds more than one ring with data. A ring that holds
 * much, or whose event the kernel stopped, is written and settled before
 * the next ring is drained: a stopped event loses trace until then.
 * The pass goes round the rings taking at most RING_QUANTUM (1M) of each
 * per round, rings whose areas are three quarters full first in each
 * round: a recorder busy with one CPU's 4M looks at the others every 1M
 * (of a recorder that took each ring whole, another CPU's area filled and
 * its event stayed stopped 37 ms per truncation at 64 MiB/s, perf 19 ms).
 * Rounds go on while a ring was cut short by the 1M, for at most one
 * area's worth (what is still left then makes the next pass start without
 * sleeping); what arrives meanwhile waits for the next wakeup, as before.
 */
static bool ring_urgent(const struct ring *r)
{
	return r->aux && ring_aux_fill(r) >= r->aux_size - r->aux_size / 4;
}

static int drain_round(struct recorder *rec, bool final, bool *any)
{
	uint64_t *aux_records = rec->pass_aux_records;
	bool *visited = rec->pass_visited, *settled = rec->pass_settled;
	int ret = 0;

	memset(visited, 0, rec->el.nr * sizeof(*visited));
	for (int urgent_only = 1; urgent_only >= 0; urgent_only--) {
		for (int i = 0; i < rec->el.nr && !ret; i++) {
			struct ring *r = &rec->el.rings[i];
			bool new_records;

			if (visited[i] || (urgent_only && !ring_urgent(r)))
				continue;
			visited[i] = true;
			ret = drain_ring(rec, i, final);
			if (ret == 1) {
				*any = true;
				settled[i] = false;
				ret = 0;
			}
			new_records = r->stats.aux_records != aux_records[i];
			/* written and settled now when it holds much, or its event was stopped */
			if (!ret && !settled[i] && (ring_aux_held(r) >= PASS_HOLD_MIN ||
						    (new_records && r->last_aux_truncated))) {
				ret = pd_writer_flush(rec->w);
				if (!ret) {
					settle_ring(rec, i, new_records, final);
					settled[i] = true;
				}
			}
		}
	}
	return ret;
}

static int drain_all(struct recorder *rec, bool final)
{
	uint64_t *aux_records = rec->pass_aux_records;
	bool *settled = rec->pass_settled;
	bool any = false, more = false;
	uint64_t rounds = 1;
	int ret = 0;

	for (int i = 0; i < rec->el.nr; i++) {
		struct ring *r = &rec->el.rings[i];

		aux_records[i] = r->stats.aux_records;
		settled[i] = false;
		if (r->aux_size / RING_QUANTUM + 1 > rounds)
			rounds = r->aux_size / RING_QUANTUM + 1;
	}
	for (uint64_t round = 0; round < rounds && !ret; round++) {
		ret = drain_round(rec, final, &any);
		/* another round while a ring was cut short, not for what just came */
		more = false;
		for (int i = 0; i < rec->el.nr; i++)
			more |= rec->el.rings[i].cut;
		if (!more)
			break;
	}
	rec->pass_more = more;
	if (!ret && any)
		ret = pd_write_finished_round(rec->w);
	if (!ret)
		ret = pd_writer_flush(rec->w);
	if (ret) {
		if (!rec->write_err && ret != -EIO)
			rec->write_err = ret;
		return ret;
	}
	for (int i = 0; i < rec->el.nr; i++)
		if (!settled[i])
			settle_ring(rec, i, rec->el.rings[i].stats.aux_records != aux_records[i], final);
	return 0;
}

/*
 * A snapshot (perf's -S): the events stop, the data ring's records up to
 * then go out, the newest snapshot_size bytes of each AUX area are written
 * as one AUXTRACE chunk per area, and the events trace again (unless they
 * were off already: `disable`, or at exit).
 */
static int take_snapshot(struct recorder *rec)
{
	uint64_t max = rec->opts->snapshot_size;
	bool was_enabled = rec->enabled;
	int ret;

	if (was_enabled)
		evlist_pause_aux(&rec->el, true);
	ret = drain_all(rec, false);
	for (int i = 0; i < rec->el.nr && !ret; i++) {
		struct ring *r = &rec->el.rings[i];
		struct ring_snapshot_span span;
		struct pd_auxtrace_desc desc = {
			.reference = rec->aux_reference,
			.idx = r->idx,
			.tid = r->tid,
			.cpu = r->cpu,
		};

		if (ring_snapshot(r, max ? max : r->aux_size, &span) != 1)
			continue;
		desc.offset = span.offset;
		rec->aux_reference++;
		ret = pd_write_auxtrace(rec->w, span.iov, span.n, &desc);
	}
	if (!ret)
		ret = pd_writer_flush(rec->w);
	if (was_enabled)
		evlist_pause_aux(&rec->el, false);
	if (ret && !rec->write_err)
		rec->write_err = ret;
	rec->snapshots++;
	return ret;
}

/* Carries out the control commands that arrived, acking each (perf's protocol). */
static int control_process(struct recorder *rec, bool *stop)
{
	enum control_cmd cmd;
	char name[64];
	int ret;

	while ((ret = control_next(&rec->ctl, &cmd, name, sizeof(name))) == 1) {
		ret = 0;
		switch (cmd) {
		case CONTROL_ENABLE:
		case CONTROL_DISABLE:
			if (rec->enabled != (cmd == CONTROL_ENABLE)) {
				rec->enabled = cmd == CONTROL_ENABLE;
				ret = events_enable(rec, rec->enabled);
			}
			break;
		case CONTROL_SNAPSHOT:
			if (rec->opts->snapshot)
				ret = take_snapshot(rec);
			else
				p_warn("--control: 'snapshot' needs snapshot mode (-S)");
			break;
		case CONTROL_STOP:
			*stop = true;
			break;
		case CONTROL_UNKNOWN:
			p_warn("--control: unknown command '%s' (enable, disable, snapshot, stop, ping)",
			       name);
			continue;	/* not acked, as perf */
		default:
			break;
		}
		if (ret)
			return ret;
		control_ack(&rec->ctl);
	}
	return ret;
}

/* Sideband and AUX settings of the event, per perf's Intel PT recording. */
static void setup_attr(struct recorder *rec, bool per_cpu)
{
	struct perf_event_attr *a = &rec->es.attr;
	struct record_opts *o = rec->opts;

	a->disabled = 1;
	if (!a->sample_period)	/* else the user's period= */
		a->sample_period = 1;
	a->sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_CPU |
			 PERF_SAMPLE_IDENTIFIER;
	a->read_format = PERF_FORMAT_ID | PERF_FORMAT_LOST;	/* as perf */
	a->sample_id_all = 1;
	a->mmap = 1;
	a->mmap2 = 1;
	a->comm = 1;
	a->comm_exec = 1;
	a->task = 1;
	a->context_switch = per_cpu;
	a->inherit = traces_workload(o) && per_cpu && !o->no_inherit;
	a->enable_on_exec = traces_workload(o);
	/*
	 * Wake when the AUX area is a quarter full, as perf: three quarters
	 * left for a recorder that is late. Half (fewer wakeups) was measured
	 * side by side: with a 64K area, 16 MiB/s per CPU cost 0.0138 s/MiB
	 * instead of 0.0200, but 4 MiB/s lost 0.15% where a quarter and perf
	 * lost nothing (TCG guest, BENCH_RECORD_OLD, 3 runs each).
	 */
	a->aux_watermark = o->aux_pages * sysconf(_SC_PAGESIZE) / 4;
	/*
	 * Wake when the data ring is a quarter full (the kernel's default is
	 * half): three quarters of it left for a recorder that is late.
	 */
	a->watermark = 1;
	a->wakeup_watermark = o->data_pages * sysconf(_SC_PAGESIZE) / 4;
}

/*
 * The tracking event perf adds next to an AUX event whose recording asks
 * for one (arm_spe): a dummy:u software event carrying the sideband the
 * AUX event would otherwise carry, with its sample type.
 */
static void tracking_attr(const struct perf_event_attr *aux, struct perf_event_attr *t)
{
	memset(t, 0, sizeof(*t));
	t->size = sizeof(*t);
	t->type = PERF_TYPE_SOFTWARE;
	t->config = PERF_COUNT_SW_DUMMY;
	t->sample_period = 1;
	t->sample_type = aux->sample_type;
	t->read_format = PERF_FORMAT_ID;
	t->sample_id_all = 1;
	t->exclude_kernel = 1;
	t->exclude_hv = 1;
	t->disabled = aux->disabled;
	t->inherit = aux->inherit;
	t->enable_on_exec = aux->enable_on_exec;
	t->mmap = aux->mmap;
	t->mmap2 = aux->mmap2;
	t->comm = aux->comm;
	t->comm_exec = aux->comm_exec;
	t->task = aux->task;
	t->context_switch = aux->context_switch;
	t->watermark = aux->watermark;
	t->wakeup_watermark = aux->wakeup_watermark;
}

/*
 * The PMU's own recording options (decoder_ops.record_options); when it
 * asks for the tracking event, the AUX event keeps no sideband.
 */
static int record_options(struct recorder *rec, bool per_cpu, char *err, size_t errlen)
{
	struct perf_event_attr *a = &rec->es.attr;
	struct record_options_ctx ctx = {
		.pmu = rec->es.pmu, .user_terms = rec->es.terms, .per_cpu = per_cpu,
		.aux = a, .track = &rec->track,
	};
	int ret;

	rec->want_track = false;
	if (!rec->dec || !rec->dec->record_options)
		return 0;
	tracking_attr(a, &rec->track);
	ret = rec->dec->record_options(&ctx);
	if (ret < 0) {
		snprintf(err, errlen, "%s: cannot set up the recording: %s", rec->es.pmu->name,
			 strerror(-ret));
		return ret;
	}
	rec->want_track = ret > 0;
	if (rec->want_track) {
		a->mmap = a->mmap2 = a->comm = a->comm_exec = a->task = 0;
		a->context_switch = 0;
	}
	return 0;
}

/* --filter on every event, before it is enabled (perf's order) */
static int apply_filter(struct recorder *rec, char *err, size_t errlen)
{
	for (int i = 0; i < rec->el.nr; i++) {
		if (!ioctl(rec->el.fds[i], PERF_EVENT_IOC_SET_FILTER, rec->opts->kernel_filter))
			continue;
		if (errno == EOPNOTSUPP)
			snprintf(err, errlen, "--filter: %s refused the filters (those in a FILE "
				 "need a traced task: a COMMAND, -p or -t, not -a/-C)", rec->es.pmu->name);
		else
			snprintf(err, errlen, "--filter: the kernel refused '%s': %s",
				 rec->opts->kernel_filter, strerror(errno));
		return -errno;
	}
	return 0;
}

static int open_events(struct recorder *rec, char *err, size_t errlen)
{
	struct record_opts *o = rec->opts;
	int *cpus = NULL, *tids = NULL, nr_cpus = 0, nr_tids = 0, ret;
	pid_t pid = -1;
	bool per_cpu;

	if (o->tid > 0 || o->pid > 0) {
		pid_t target = o->tid > 0 ? o->tid : o->pid;

		if (kill(target, 0) && errno == ESRCH) {
			snprintf(err, errlen, "no process with pid %d", target);
			return -ESRCH;
		}
		if (o->tid > 0) {
			tids = malloc(sizeof(int));
			if (!tids)
				return -ENOMEM;
			tids[0] = o->tid;
			nr_tids = 1;
		} else {
			nr_tids = thread_list(o->pid, &tids);
			if (nr_tids < 0) {
				snprintf(err, errlen, "no process with pid %d", o->pid);
				return nr_tids;
			}
		}
		per_cpu = false;
	} else if (o->workload && o->per_thread) {
		tids = malloc(sizeof(int));
		if (!tids)
			return -ENOMEM;
		tids[0] = rec->child;
		nr_tids = 1;
		per_cpu = false;
	} else {
		nr_cpus = o->cpu_list ? cpu_list_parse(o->cpu_list, &cpus) : cpu_list_online(&cpus);
		if (nr_cpus < 0) {
			snprintf(err, errlen, "bad cpu list '%s' (use e.g. 0-3,6)",
				 o->cpu_list ? o->cpu_list : "/sys/devices/system/cpu/online");
			return nr_cpus;
		}
		pid = traces_workload(o) ? rec->child : -1;
		per_cpu = true;
	}
	setup_attr(rec, per_cpu);
	ret = record_options(rec, per_cpu, err, errlen);
	if (!ret)
		ret = evlist_open(&rec->el, &rec->es.attr, cpus, nr_cpus, tids, nr_tids, pid,
			  rec->es.pmu->name, err, errlen);
	free(cpus);
	free(tids);
	if (ret)
		return ret;
	rec->el.aux_overwrite = o->snapshot;
	if (o->kernel_filter) {
		ret = apply_filter(rec, err, errlen);
		if (ret)
			return ret;
	}
	ret = evlist_mmap(&rec->el, o->data_pages, o->aux_pages, rec->es.pmu->name, err, errlen);
	if (!ret && rec->want_track)
		ret = evlist_open_tracking(&rec->el, &rec->track, err, errlen);
	if (ret)
		return ret;
	/* into the rings just mapped: the kernel redirects only to a mapped event */
	ret = tracepoints_open(&rec->tps, &rec->el, err, errlen);
	if (ret)
		return ret;
	if (o->seed_stack) {
		ret = seed_event_open(&rec->seed, &rec->el, o->seed_stack, err, errlen);
		if (ret)
			return ret;
	}
	rec->reenable = calloc(rec->el.nr, sizeof(*rec->reenable));
	rec->pass_aux_records = calloc(rec->el.nr, sizeof(*rec->pass_aux_records));
	rec->pass_settled = calloc(rec->el.nr, sizeof(*rec->pass_settled));
	rec->pass_visited = calloc(rec->el.nr, sizeof(*rec->pass_visited));
	if (!rec->reenable || !rec->pass_aux_records || !rec->pass_settled || !rec->pass_visited) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	/*
	 * By default each PERF_RECORD_AUX span is its own AUXTRACE chunk;
	 * --merge-aux makes the spans of one drain one chunk. Either way the
	 * chunks of a ring's drain are written from the AUX ring in one write.
	 */
	for (int i = 0; i < rec->el.nr; i++) {
		rec->el.rings[i].merge_aux = o->merge_aux;
		rec->el.rings[i].hold_aux = true;
	}
	return 0;
}

static int write_header_records(struct recorder *rec)
{
	struct record_opts *o = rec->opts;
	struct perf_event_mmap_page *pc = rec->el.rings[0].pc;
	int ret;

	ret = pd_writer_add_attr(rec->w, &rec->el.attr, rec->el.ids, rec->el.nr, rec->es.name);
	if (ret < 0)
		return ret;
	rec->attr_idx = ret;
	rec->sideband_idx = ret;
	if (rec->el.track_fds) {
		ret = pd_writer_add_attr(rec->w, &rec->el.track_attr, rec->el.track_ids, rec->el.nr,
					 "dummy:u");
		if (ret < 0)
			return ret;
		rec->sideband_idx = ret;
	}
	ret = tracepoints_write(&rec->tps, rec->w);
	if (ret)
		return ret;
	if (rec->seed.nr) {
		ret = pd_writer_add_attr(rec->w, &rec->seed.attr, rec->seed.ids, rec->seed.nr,
					 SEED_EVENT_NAME);
		if (ret < 0)
			return ret;
	}
	ret = pd_writer_set_cmdline(rec->w, auxrec_argc, auxrec_argv);
	if (ret)
		return ret;
	/* perf's order: its arm_spe decoder takes TIME_CONV when AUXTRACE_INFO comes */
	ret = pd_write_time_conv(rec->w, pc);
	if (ret && ret != -EOPNOTSUPP)	/* EOPNOTSUPP: no TSC conversion, timeless */
		return ret;
	if (rec->dec && rec->dec->info_priv) {
		struct aux_record_ctx ctx = {
			.attr = &rec->el.attr,
			.pmu = rec->es.pmu,
			.pc = pc,
			.per_cpu_mmaps = rec->el.cpus[0] >= 0,
			.snapshot_mode = o->snapshot,
			.addr_filter = o->kernel_filter,
			.have_sched_switch = rec->el.cpus[0] < 0 ? 0 : (traces_workload(o) ? 2 : 3),
		};
		/* as many words as a record holds (cs_etm: a block per CPU) */
		size_t max = (UINT16_MAX - sizeof(struct perf_rec_auxtrace_info)) / 8;
		uint64_t *priv = malloc(max * sizeof(*priv));
		int n = priv ? rec->dec->info_priv(&ctx, priv, max) : -ENOMEM;

		if (n >= 0)
			ret = pd_write_auxtrace_info(rec->w, rec->dec->auxtrace_type, priv, n);
		free(priv);
		if (n < 0)
			return n;
	} else {
		ret = pd_write_auxtrace_info(rec->w, rec->dec ? rec->dec->auxtrace_type : 0, NULL, 0);
	}
	if (ret)
		return ret;
	/* where the kernel runs (KASLR), as perf: script/report relocate a --vmlinux by it */
	ret = synthesize_kernel_mmap(rec->w, rec->sideband_idx, "/proc/kallsyms");
	if (ret == -ENOENT) {
		if (!rec->el.attr.exclude_kernel)
			p_warn("/proc/kallsyms hides kernel addresses (kptr_restrict): "
			       "kernel code cannot be located in a vmlinux");
		ret = 0;
	}
	if (ret)
		return ret;
	/* sideband of what already runs: the target process, or everything for -a */
	if (o->pid > 0 || o->tid > 0) {
		ret = synthesize_process(rec->w, rec->sideband_idx, o->pid > 0 ? o->pid : o->tid);
		if (ret == -ESRCH) {	/* it exited after the events opened: they hang up */
			p_warn("process %d exited before its maps were read",
			       o->pid > 0 ? o->pid : o->tid);
			ret = 0;
		}
	} else if (!traces_workload(o))
		ret = synthesize_all_processes(rec->w, rec->sideband_idx);
	return ret;
}

/*
 * perf 6.1 refuses a file whose AUXTRACE_INFO type it has no decoder for
 * (0, an unknown PMU, included): "failed to process type: 70". Types 1-6
 * (intel_pt, intel_bts, cs_etm, arm_spe, s390_cpumsf, hisi_ptt) it reads.
 */
static void perf_readable_note(const struct recorder *rec)
{
	uint32_t type = rec->dec ? rec->dec->auxtrace_type : AUXTRACE_TYPE_UNKNOWN;

	if (type >= AUXTRACE_TYPE_INTEL_PT && type <= AUXTRACE_TYPE_HISI_PTT)
		return;
	fprintf(stderr, "[ auxrec record: perf cannot read %s: it has no decoder for %s "
		"(AUXTRACE type %u); auxrec dump reads it ]\n", rec->opts->output,
		rec->es.pmu->name, type);
}

static void print_summary(struct recorder *rec)
{
	struct ring_stats t = { 0 };
	char size[32], snaps[48] = "";

	for (int i = 0; i < rec->el.nr; i++) {
		struct ring_stats *s = &rec->el.rings[i].stats;

		t.aux_bytes += s->aux_bytes;
		t.aux_chunks += s->aux_chunks;
		t.truncated += s->truncated;
		t.lost_events += s->lost_events;
		t.recovered_bytes += s->recovered_bytes;
		t.recovered_chunks += s->recovered_chunks;
	}
	if (t.recovered_bytes)
		p_warn("the data ring lost %llu records; %llu AUX bytes in %llu spans were "
		       "recovered from aux_head without their PERF_RECORD_AUX",
		       (unsigned long long)t.lost_events, (unsigned long long)t.recovered_bytes,
		       (unsigned long long)t.recovered_chunks);
	if (rec->kernel_lost > t.lost_events) {
		p_warn("the kernel lost %llu records that no PERF_RECORD_LOST reports "
		       "(the data ring was full at the end; a larger -m helps)",
		       (unsigned long long)(rec->kernel_lost - t.lost_events));
		t.lost_events = rec->kernel_lost;
	}
	if (rec->opts->quiet)
		return;
	if (rec->opts->snapshot)
		snprintf(snaps, sizeof(snaps), ", %llu snapshots", (unsigned long long)rec->snapshots);
	fprintf(stderr, "[ auxrec record: %s AUX in %llu chunks (%llu truncated), "
		"%llu lost records%s -> %s ]\n",
		fmt_size(size, sizeof(size), t.aux_bytes), (unsigned long long)t.aux_chunks,
		(unsigned long long)t.truncated, (unsigned long long)t.lost_events, snaps,
		rec->opts->output);
	perf_readable_note(rec);
}

/* Per-thread events of existing threads hang up when their thread exits. */
static bool targets_gone(const struct recorder *rec, const struct pollfd *pfd, int n)
{
	if (rec->opts->workload || rec->el.cpus[0] >= 0)
		return false;
	for (int i = 0; i < n; i++)
		if (!(pfd[i].revents & POLLHUP))
			return false;
	return true;
}

static int record_loop(struct recorder *rec, bool *ctl_stop)
{
	int n = rec->el.nr, ret = 0;
	struct pollfd *pfd = calloc(n + 2, sizeof(*pfd));
	struct timespec last, now;

	if (!pfd)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		pfd[i].fd = rec->el.fds[i];
		pfd[i].events = POLLIN;
	}
	/* the signal pipe: a signal between the checks and poll still ends the sleep */
	pfd[n].fd = sig_pipe[0];
	pfd[n].events = POLLIN;
	pfd[n + 1].fd = rec->ctl.fd;	/* -1 (ignored by poll) without --control */
	pfd[n + 1].events = POLLIN;
	clock_gettime(CLOCK_MONOTONIC, &last);
	now = last;
	while (!stop_signal && !*ctl_stop) {
		/* a pending re-enable is retried soon; else sleep up to the next checkpoint */
		int tmo = rec->pass_more ? 0 : rec->nr_reenable ? 5 :
			  (int)((1000000000 - now.tv_nsec) / 1000000) + 1;
		int nready;

		if (rec->child > 0 && child_exited && !rec->child_done &&
		    waitpid(rec->child, &rec->child_status, WNOHANG) == rec->child)
			rec->child_done = true;
		if (rec->child_done)
			break;
		nready = poll(pfd, n + 2, tmo);
		if (nready > 0 && (pfd[n].revents & POLLIN)) {
			char buf[64];

			while (read(sig_pipe[0], buf, sizeof(buf)) > 0)
				;
			nready--;
		}
		if (nready > 0 && pfd[n + 1].revents) {
			nready--;
			ret = control_process(rec, ctl_stop);
			if (ret)
				break;
			if (rec->ctl.eof)
				pfd[n + 1].fd = -1;	/* fd: its writer closed it */
		}
		if (snapshot_signal) {
			snapshot_signal = 0;
			ret = take_snapshot(rec);
			if (ret)
				break;
		}
		if (nready > 0 && targets_gone(rec, pfd, n)) {
			p_info("every traced thread has exited");
			break;
		}
		ret = drain_all(rec, false);
		if (ret)
			break;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec != last.tv_sec) {
			last = now;
			ret = pd_writer_checkpoint(rec->w);
			if (ret)
				break;
		}
	}
	free(pfd);
	return ret;
}

static int do_record(struct recorder *rec)
{
	struct record_opts *o = rec->opts;
	char err[512] = "";
	int go_fd = -1, ret;
	bool ctl_stop = false;

	install_signals(o->snapshot);
	if (o->workload) {
		ret = start_workload(rec, &go_fd);
		if (ret) {
			p_err("cannot start '%s': %s", o->workload[0], strerror(-ret));
			return 1;
		}
	}
	ret = open_events(rec, err, sizeof(err));
	if (ret) {
		p_err("%s", err);
		goto kill_child;
	}
	ret = pd_writer_create(o->output, &rec->w, err, sizeof(err));
	if (ret) {
		p_err("%s", err);
		goto kill_child;
	}
	ret = write_header_records(rec);
	if (ret) {
		p_err("cannot write %s: %s", o->output, strerror(-ret));
		goto kill_child;
	}
	if (!traces_workload(o))
		ret = events_enable(rec, true);
	rec->enabled = !ret;	/* a workload's events: enable_on_exec */
	if (!ret && o->workload) {
		if (write(go_fd, "g", 1) != 1)
			ret = -errno;
		close(go_fd);
		go_fd = -1;
	}
	if (ret) {
		p_err("cannot start tracing: %s", strerror(-ret));
		goto kill_child;
	}
	ret = record_loop(rec, &ctl_stop);
	/* a snapshot asked for with (or just before) the stop is still taken */
	if (!ret && snapshot_signal) {
		snapshot_signal = 0;
		ret = take_snapshot(rec);
	}
	events_enable(rec, false);
	rec->enabled = false;
	if (!ret)
		ret = drain_all(rec, true);
	if (!ret && o->snapshot_on_exit)
		ret = take_snapshot(rec);
	rec->kernel_lost = evlist_kernel_lost(&rec->el);
	if (rec->write_err)
		p_err("writing %s failed: %s; the file keeps everything written before",
		      o->output, strerror(-rec->write_err));
	else if (ret)
		p_err("recording stopped: %s", strerror(-ret));
	if (rec->child > 0 && !rec->child_done) {
		if (stop_signal || ctl_stop)
			kill(rec->child, SIGTERM);
		while (waitpid(rec->child, &rec->child_status, 0) < 0 && errno == EINTR)
			;
		rec->child_done = true;
	}
	{
		int fret = pd_writer_finish(rec->w);

		rec->w = NULL;
		if (fret && !ret) {
			p_err("cannot complete %s: %s", o->output, strerror(-fret));
			ret = fret;
		}
	}
	print_summary(rec);
	if (ret)
		return 1;
	/* like a shell: the COMMAND's own failure is the recorder's status */
	if (stop_signal || ctl_stop)
		return 0;	/* stopped on request: the recording is complete */
	if (rec->child_done && WIFEXITED(rec->child_status))
		return WEXITSTATUS(rec->child_status);
	if (rec->child_done && WIFSIGNALED(rec->child_status))
		return 128 + WTERMSIG(rec->child_status);
	return 0;

kill_child:
	if (go_fd >= 0)
		close(go_fd);	/* the child exits without exec */
	if (rec->child > 0)
		waitpid(rec->child, NULL, 0);
	return 1;
}

int cmd_record(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "event",      required_argument, NULL, 'e' },
		{ "all-cpus",   no_argument,       NULL, 'a' },
		{ "cpu",        required_argument, NULL, 'C' },
		{ "pid",        required_argument, NULL, 'p' },
		{ "tid",        required_argument, NULL, 't' },
		{ "per-thread", no_argument,       NULL, 'T' },
		{ "no-inherit", no_argument,       NULL, 'I' },
		{ "mmap-pages", required_argument, NULL, 'm' },
		{ "output",     required_argument, NULL, 'o' },
		{ "quiet",      no_argument,       NULL, 'q' },
		{ "merge-aux",  no_argument,       NULL, 'M' },
		{ "snapshot",   optional_argument, NULL, 'S' },
		{ "control",    required_argument, NULL, 'K' },
		{ "filter",     required_argument, NULL, 'F' },
		{ "seed-stacks", optional_argument, NULL, 'Z' },
		{ "help",       no_argument,       NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct record_opts o = { .output = "auxrec.data" };
	struct recorder rec = { .opts = &o, .ctl = { .fd = -1, .ack_fd = -1 } };
	const char *tp_specs[MAX_TRACEPOINTS];	/* -e SUBSYS:NAME */
	int nr_tp_specs = 0;
	char err[1024] = "", terms[256] = "", pmu_name[256];
	const char *mmap_arg = NULL;
	size_t page = sysconf(_SC_PAGESIZE), aux_size;
	uint64_t v;
	int c, ret, targets;

	while ((c = getopt_long(argc, argv, "+e:aC:p:t:m:o:qhS::", opts, NULL)) != -1) {
		switch (c) {
		case 'e':
			if (tracepoint_spec(optarg)) {
				if (nr_tp_specs == MAX_TRACEPOINTS)
					return cmd_usage_error(usage, "at most %d tracepoints",
							       MAX_TRACEPOINTS);
				tp_specs[nr_tp_specs++] = optarg;
				break;
			}
			if (o.event)
				return cmd_usage_error(usage, "only one AUX event per recording "
						       "(more -e: tracepoints, SUBSYS:NAME)");
			o.event = optarg;
			break;
		case 'a': o.all_cpus = true; break;
		case 'C': o.cpu_list = optarg; break;
		case 'p':
		case 't':
			if (parse_u64(optarg, &v) || !v || v > INT32_MAX)
				return cmd_usage_error(usage, "bad pid '%s'", optarg);
			*(c == 'p' ? &o.pid : &o.tid) = v;
			break;
		case 'T': o.per_thread = true; break;
		case 'I': o.no_inherit = true; break;
		case 'm': mmap_arg = optarg; break;
		case 'o': o.output = optarg; break;
		case 'q': o.quiet = true; break;
		case 'M': o.merge_aux = true; break;
		case 'S':
			if (parse_snapshot(&o, optarg))
				return cmd_usage_error(usage, "bad snapshot size '%s' (-S[e][SIZE], "
						       "bytes or with a K/M/G suffix)", optarg);
			break;
		case 'K': o.control = optarg; break;
		case 'F': o.filter = optarg; break;
		case 'Z':
			v = SEED_STACK_DEFAULT;
			if (optarg && (parse_size(optarg, &v) || !v || v % 8 || v > SEED_STACK_MAX))
				return cmd_usage_error(usage, "bad --seed-stacks size '%s' (a multiple "
						       "of 8 bytes up to %u, K suffix)", optarg,
						       SEED_STACK_MAX);
			o.seed_stack = (uint32_t)v;
			break;
		case 'h': usage(stdout); return 0;
		default: return cmd_bad_option(usage, argv, "+e:aC:p:t:m:o:qhS::");
		}
	}
	if (optind < argc)
		o.workload = argv + optind;
	if (!o.event)
		return cmd_usage_error(usage, "no event given (-e intel_pt//; see 'auxrec list')");
	/* with -a/-C a COMMAND only says how long to record, as with perf */
	targets = !!o.pid + !!o.tid + (o.all_cpus || o.cpu_list);
	if (!targets && !o.workload)
		return cmd_usage_error(usage, "nothing to trace: give a COMMAND, -p, -t, -a or -C");
	if (targets > 1 || (o.workload && (o.pid || o.tid)))
		return cmd_usage_error(usage, "give only one of COMMAND, -p, -t, -a/-C "
				       "(a COMMAND may go with -a/-C)");
	if (o.per_thread && (o.all_cpus || o.cpu_list))
		return cmd_usage_error(usage, "--per-thread does not go with -a/-C");
	/* perf record -o - writes pipe mode to stdout; this made a file named - */
	if (!strcmp(o.output, "-"))
		return cmd_usage_error(usage, "-o -: auxrec record writes a file, not perf's "
				       "pipe mode to standard output; give -o FILE");

	/* the rules of a known PMU (decoders/decoder.h) */
	{
		const char *slash = strchr(o.event, '/');

		snprintf(pmu_name, sizeof(pmu_name), "%.*s",
			 (int)(slash ? (size_t)(slash - o.event) : strlen(o.event)), o.event);
		rec.dec = decoder_find_by_name(pmu_name);
	}
	if (rec.dec && rec.dec->per_thread_only) {
		if (o.all_cpus || o.cpu_list) {
			p_err("%s traces per thread only: use -p, -t or a command, not -a/-C",
			      rec.dec->name);
			return 1;
		}
		o.per_thread = true;	/* a COMMAND: its thread, not its cpus */
	}

	/*
	 * Root: twice perf's data ring. Records the kernel cannot put in a full
	 * data ring are lost with no PERF_RECORD_LOST when nothing follows
	 * them (seen: hundreds of zero-size TRUNCATED PERF_RECORD_AUX, one a
	 * tick from a CPU whose AUX area is full, while the recorder waited
	 * for a CPU).
	 */
	if (geteuid() == 0) {
		o.data_pages = 512 * 1024 / page;
		aux_size = rec.dec && rec.dec->aux_size_priv ? rec.dec->aux_size_priv : 4 * 1024 * 1024;
	} else {
		o.data_pages = 256 * 1024 / page;
		aux_size = rec.dec && rec.dec->aux_size_unpriv ? rec.dec->aux_size_unpriv : 128 * 1024;
	}
	o.aux_pages = aux_size > page ? aux_size / page : 1;
	if (mmap_arg && parse_mmap_pages(&o, mmap_arg, err, sizeof(err))) {
		p_err("-m %s: %s", mmap_arg, err);
		return 1;
	}
	if (o.snapshot && snapshot_area(&o, mmap_arg && strchr(mmap_arg, ','), page))
		return 1;
	if (rec.dec && o.aux_pages * page < rec.dec->aux_size_min) {
		p_err("-m: the AUX area of %s must be at least %u KiB", rec.dec->name,
		      rec.dec->aux_size_min / 1024);
		return 1;
	}

	/* defaults of a known PMU, then the user's terms */
	if (rec.dec && rec.dec->default_terms) {
		struct pmu *pmu;

		/* the PMU itself: arm_spe_0 for the arm_spe decoder */
		if (!pmu_open(pmu_sysfs_root(), pmu_name, &pmu, err, sizeof(err))) {
			rec.dec->default_terms(pmu, terms, sizeof(terms));
			pmu_free(pmu);
		}
	}
	ret = event_spec_parse(pmu_sysfs_root(), o.event, *terms ? terms : NULL, &rec.es, err,
			       sizeof(err));
	if (ret) {
		p_err("%s", err);
		return 1;
	}
	if (o.filter) {
		uint64_t nr = 0;

		if (pmu_read_number(rec.es.pmu, "nr_addr_filters", 10, &nr) || !nr) {
			p_err("--filter: PMU %s takes no address filters (no nr_addr_filters)",
			      rec.es.pmu->name);
			event_spec_free(&rec.es);
			return 1;
		}
		if (addr_filter_build(o.filter, nr > 64 ? 64 : (unsigned int)nr, &o.kernel_filter,
				      err, sizeof(err))) {
			p_err("--filter '%s': %s", o.filter, err);
			event_spec_free(&rec.es);
			return 1;
		}
	}
	if (o.control && control_open(&rec.ctl, o.control, err, sizeof(err))) {
		p_err("%s", err);
		free(o.kernel_filter);
		event_spec_free(&rec.es);
		return 1;
	}
	/* last of the checks: nothing else to undo when one is refused */
	ret = 0;
	for (int i = 0; i < nr_tp_specs && !ret; i++) {
		ret = tracepoints_add(&rec.tps, tp_specs[i], err, sizeof(err));
		if (ret)
			p_err("-e %s: %s", tp_specs[i], err);
	}
	ret = ret ? 1 : do_record(&rec);
	control_close(&rec.ctl);
	free(o.kernel_filter);
	if (rec.w)
		pd_writer_finish(rec.w);
	tracepoints_free(&rec.tps);
	evlist_close(&rec.seed);
	evlist_close(&rec.el);
	free(rec.reenable);
	free(rec.pass_aux_records);
	free(rec.pass_settled);
	free(rec.pass_visited);
	event_spec_free(&rec.es);
	return ret;
}
