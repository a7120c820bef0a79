// SPDX-License-Identifier: GPL-2.0
/*
 * pd-gen.c - writes a perf.data with auxrec's writer for the interop checks:
 * an intel_pt attr (sample_id_all, one id, PMU_MAPPINGS naming its type),
 * AUXTRACE_INFO type 1 with perf 6.1's intel_pt priv layout, COMM, MMAP2 of
 * a real binary, ITRACE_START, TIME_CONV, and the bytes of a raw Intel PT
 * file as two AUX/AUXTRACE pairs, cut at the first PSB after the middle.
 * Usage: pd-gen [--gt-clock] [--stack-sample FILE[:TSC]] [--thread TID:PT-FILE]...
 *               OUT PT-FILE BINARY [START LEN PGOFF]
 *        pd-gen [--gt-clock] [--stack-sample FILE[:TSC]] --maps FILES [--thread TID:PT-FILE]...
 *               OUT PT-FILE
 *
 * --maps FILES: one MMAP2 per executable file mapping the traced process
 * had (tests/gt's OUT.files, gt_filemaps.h), each at the time it appeared,
 * instead of BINARY's alone: a dynamically linked program.
 *
 * --thread TID:PT-FILE (repeated, after the options above): another
 * thread of the traced process, with a trace of its own, as a per-thread
 * recording (perf record --per-thread) holds it: its FORK (from the main
 * thread), COMM and ITRACE_START, and its AUX buffer (idx 1, 2, ... in
 * the order given; the main thread's is 0): PT-FILE cut in two chunks as
 * the main thread's is, their AUXTRACE records with the thread's tid and
 * cpu -1, written in turns with the other threads' (gt-record's
 * OUT.tid-N.pt).
 *
 * --cpu-wide [--cpus N] before the --thread options: the same threads as
 * a per-CPU recording (perf record -a, or of an inheriting event) holds
 * them, on N CPUs (1 or 2; thread k, 0 the main thread, on CPU k % N): each
 * thread's trace cut into its turns, the stretches from one PSB+ without
 * FUP (gt-record's at its start and where it runs again after others) to
 * the next, in the order of their PSB+'s TSCs in the buffer of the
 * thread's CPU (idx the CPU), each CPU's trace cut in two chunks at a PSB
 * after its middle (AUXTRACE tid -1, cpu the CPU), and before each turn
 * of another thread than the last on that CPU, 1 ns before its TSC's perf
 * time, PERF_RECORD_SWITCH_CPU_WIDE out of that one and into this one.
 * With --task-switch (after --cpus) the switches are those of an
 * inheriting per-task event instead (perf record -- PROG when perf adds
 * no CPU-wide switch event): PERF_RECORD_SWITCH out and in, no next_prev
 * fields, the task's sample id; attr.inherit, have_sched_switch 2.
 * --late-switch-in NS (after --task-switch): each switch in NS ns after
 * its turn's PSB+ TSC (but before the CPU's next turn), as a kernel writes
 * it after enabling the task's events (__perf_event_task_sched_in()); the
 * switch out stays 1 ns before.
 * Usage: pd-gen [--gt-clock] --cpu-wide [--cpus N] [--task-switch [--late-switch-in NS]]
 *               [--maps FILES]
 *               --thread TID:PT-FILE...
 *               OUT PT-FILE [BINARY [START LEN PGOFF]]
 *
 * --gt-clock: the attr and AUXTRACE_INFO declare the clock tests/gt traces
 * are timed by (gt_format.h): MTC on at period GT_MTC_FREQ, TSC:CTC ratio
 * GT_CTC_EBX/GT_CTC_EAX, so that decoders time events by the MTCs (without
 * it, MTC is off and the ratio 2/1: only the TSC of each PSB+ times them).
 *
 * --stack-sample: a second event, the software context-switches event
 * sampling user registers and stack as perf --call-graph dwarf does (a
 * CALLCHAIN without user entries, REGS_USER, STACK_USER; the recorder's
 * stack seeding asks the same, docs/stack-seed.md), and one
 * PERF_RECORD_SAMPLE of it before the trace whose REGS_USER and STACK_USER
 * fields are FILE's bytes (gt-record --start's OUT.sample), at perf time 4
 * (before the trace) or, with TSC, at that TSC's perf time (gt-record
 * --late-sample's OUT.late-sample, taken while the trace runs: written
 * before the AUX data, as a kernel writes a context-switch sample before
 * the AUX record of the trace it ends).
 *
 * --cpu-wide: a per-CPU recording (`-a`) on CPU 0 of several processes
 * that take turns: PROC is PID,PT-FILE,TSC,BINARY,START,LEN,PGOFF, the
 * trace of each process starts at its TSC (the caller leaves a gap after
 * the previous one's end), and context switch records
 * (PERF_RECORD_SWITCH_CPU_WIDE) just before it hand the CPU over. The
 * concatenated trace is cut into three AUX chunks at its thirds, each
 * announced with the sample id of the process running at its end, so the
 * chunks' owners do not line up with the processes in them. With
 * --cut-psb each cut moves on to the next PSB: perf 6.1 resynchronizes at
 * every chunk, and then loses nothing. With --migrate (after --cut-psb)
 * the last chunk is CPU 1's (its buffer's, idx 1; no switches there): the
 * process that ran then moved to CPU 1. With --bounce N instead (after
 * --cut-psb, one PROC) the trace is cut in N chunks at PSBs that take
 * turns in CPU 0's and CPU 1's buffers (each buffer's chunks one after
 * another in it): the process moves back and forth, switched out of one
 * CPU (to the idle task) and into the other just before the chunk's PSB
 * time (its TSC packet). A PROC may end in ,CPU: each
 * CPU's processes then take turns in that CPU's buffer (with that CPU's
 * switch records), whose trace is cut in two chunks at its middle (at a
 * PSB with --cut-psb); the CPUs' traces may overlap in time.
 * PID may be PID/TID: thread TID of process PID (a COMM record of its own,
 * named threadN for the Nth PROC from 0, and the process's mapping, which
 * an earlier PROC of PID wrote).
 * Usage: pd-gen [--gt-clock] --cpu-wide [--cut-psb [--migrate | --bounce N]] OUT PROC[,CPU]...
 *
 * --bts: the same file for Intel BTS instead (an intel_bts attr,
 * AUXTRACE_INFO type 2 with perf's six intel_bts words), its AUX data the
 * 24-byte BTS records of a tests/gt flow: one per line of BRANCHES
 * (gt_format.h), "tr_strt" as from 0, "tr_end..." as to 0, cut into two
 * chunks at the middle record.
 * Usage: pd-gen --bts OUT BRANCHES BINARY [START LEN PGOFF]
 *
 * --spe: the same file for ARM SPE instead (an arm_spe attr, AUXTRACE_INFO
 * type 4: perf's two words, or with --v2 newer perf's versioned header and
 * one CPU's metadata with MIDR), its AUX data the bytes of SPE-FILE cut
 * into two chunks at CUT (a record boundary). Per thread, or with
 * --cpu-wide per CPU (CPU 0, the tid then comes from CONTEXT packets, or
 * from context switches: each --switch TIME:PID hands CPU 0 to process PID
 * (its COMM, then PERF_RECORD_SWITCH_CPU_WIDE out of the previous owner and
 * into PID at perf time TIME; the first owner is the traced process).
 * --comm works here too: its records come after the switches' (their
 * sample ids on CPU 0 in a per-CPU file, as all of them).
 * Usage: pd-gen --spe [--v2 MIDR] [--cpu-wide [--switch TIME:PID]...] OUT SPE-FILE CUT BINARY
 *        [START LEN PGOFF]
 *
 * --cuts OFF,OFF... (Intel PT, before OUT; not with --thread nor
 * --snapshots): the trace cut into chunks at those offsets (any byte, inside
 * a packet too) instead of the two at a PSB; "0": one chunk.
 *
 * --snapshots SIZE END... (Intel PT, last before OUT): the file of a
 * snapshot-mode recording (record -S) of an AUX area of SIZE bytes
 * instead of the two chunks: AUXTRACE_INFO's snapshot flag, and for each
 * END the newest bytes of the stream up to END, PT-FILE[END - SIZE, END)
 * (from 0 while END < SIZE), as one overwrite-mode AUX/AUXTRACE pair. An
 * END inside a packet is a snapshot the PMU stopped mid-packet; a size
 * not a multiple of 8 is padded with zeros, as perf and auxrec write it.
 * --head-offset AREA (just before --snapshots): the AUXTRACE offsets as
 * Intel PT's snapshot head gives them, an offset in an area of AREA bytes
 * (one area further once it wrapped), not positions in the stream.
 *
 * --comm TIME:PID[/TID]:NAME[:exec] (first of all, repeated): a COMM
 * record naming thread TID (default PID) of process PID NAME at perf time
 * TIME, with the exec flag when it ends in :exec, written after the
 * processes' own records and before the AUX data (as perf record writes an
 * exec or a prctl(PR_SET_NAME) before the AUX record of the trace that ran
 * after it; perf sorts by time). In the plain and --spe files PID is
 * 4242 (with --spe --switch, the other processes are the switches' PIDs).
 * --fork TIME:PID:PPID and --exit TIME:PID:PPID (among the --comm, in
 * their order): a FORK or EXIT record of process PID, child of PPID
 * (its main thread, tid PID, ptid PPID), at perf time TIME.
 *
 * --tp TRACEFS N STEP (first, before any of the above but --bts, and --cpu-wide
 * only with PROC,CPU;
 * --bts; with a timed Intel PT trace, its times in perf time): also N samples of the
 * tracepoint test:tick of the tracefs fixture TRACEFS (tests/data/tracefs),
 * perf record's tracepoint attr, at perf times STEP, 2 STEP, ... on cpu 0
 * by the traced process (seq k, delta -k, label "tick", msg "sample k"),
 * written before the AUX records (perf sorts by time, auxrec merges them),
 * and the tracing data feature built from TRACEFS.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "lib/perf_data/perf_data.h"
#include "lib/perf_data/tracing_data.h"
#include "tests/gt/gt_format.h"
#include "tests/tools/tool_pd.h"

#define PT_TYPE	10
#define BTS_TYPE	9
#define SPE_TYPE	8
#define BTS_REC	24	/* struct { u64 from, to, misc; } */
#define PID	4242

enum {	/* tools/perf/util/intel-pt.h */
	PT_PMU_TYPE, PT_TIME_SHIFT, PT_TIME_MULT, PT_TIME_ZERO, PT_CAP_USER_TIME_ZERO,
	PT_TSC_BIT, PT_NORETCOMP_BIT, PT_HAVE_SCHED_SWITCH, PT_SNAPSHOT_MODE,
	PT_PER_CPU_MMAPS, PT_MTC_BIT, PT_MTC_FREQ_BITS, PT_TSC_CTC_N, PT_TSC_CTC_D,
	PT_CYC_BIT, PT_MAX_NONTURBO_RATIO, PT_FILTER_STR_LEN, PT_PRIV_MAX
};

/* --comm, --fork and --exit */
static struct comm_arg {
	uint32_t type;	/* PERF_RECORD_COMM, FORK or EXIT */
	uint64_t time;
	uint32_t pid, tid, ppid;
	int exec;
	const char *name;
} comms[16];
static int nr_comms;

static int bts;	/* --bts: intel_bts instead of intel_pt */
static int spe;	/* --spe: arm_spe instead of intel_pt */
static int spe_v2;	/* --v2: the versioned AUXTRACE_INFO layout */
static uint64_t spe_midr;
static int spe_cpu_wide;
static int gt_clock;	/* --gt-clock: MTC on, at the ground truth's rates */
static uint64_t snap_size;	/* --snapshots: the area's size */
static uint64_t *snap_end;	/* and the stream offsets each snapshot ends at */
static uint64_t snap_area;	/* --head-offset: AUXTRACE offsets as Intel PT's head gives them */
static int snap_nr;
static const char *cuts;	/* --cuts */
static const char *stack_sample;	/* --stack-sample FILE */
static const char *maps_file;	/* --maps FILE: the mappings, not BINARY's */
static uint64_t stack_sample_time = 4;	/* perf time, :TSC's */

/* --thread: the other threads of PID and their traces */
#define MAX_THREADS	64
static struct thread_arg {
	uint32_t tid;
	uint8_t *pt;
	size_t len;
} threads[MAX_THREADS];
static int nr_threads;
static uint32_t thread_cpus;	/* --cpu-wide with --thread: on this many CPUs */
static int task_switch;		/* --task-switch: PERF_RECORD_SWITCH of an inheriting event */
static uint64_t late_switch_in;	/* --late-switch-in NS: the task's switch in that late */

#define SEED_ID		101
#define SEED_REGS_MASK	0xff0fffULL	/* perf_regs.h x86-64, as perf --call-graph dwarf */
#define SEED_STACK	8192

/* perf's arm_spe AUXTRACE_INFO words (tools/perf/util/arm-spe.h) */
static int spe_info(struct pd_writer *w)
{
	uint64_t v1[] = { SPE_TYPE, spe_cpu_wide };
	uint64_t v2[] = { 2, 4, SPE_TYPE, 1,	/* version, words, PMU type, CPUs */
			  0x1010101010101010ULL, 0, 3, spe_midr, SPE_TYPE, 1024 };

	return spe_v2 ? pd_write_auxtrace_info(w, 4, v2, 10) : pd_write_auxtrace_info(w, 4, v1, 2);
}

static const uint64_t sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_CPU |
				    PERF_SAMPLE_IDENTIFIER;

static __attribute__((noreturn)) int die(const char *what, int err)
{
	fprintf(stderr, "pd-gen: %s: %s\n", what, strerror(-err));
	exit(1);
}

/* fixed part, optional string, sample_id trailer of thread tid of pid at time */
static uint32_t sid_cpu;	/* of the records' sample ids: 0 but for --migrate's chunk */
static uint32_t buf_idx;	/* the AUX buffer of a per-thread trace (--thread) */
static uint64_t buf_skip;	/* bytes of the trace before CPU 1's buffer (--migrate) */

static void put_as_thread(struct pd_writer *w, void *rec, size_t len, const char *str,
			  uint32_t pid, uint32_t tid, uint64_t time)
{
	struct pd_sample_id sid = { .pid = pid, .tid = tid, .time = time, .id = 100,
				    .cpu = sid_cpu };
	int err = tool_put_record(w, sample_type, rec, len, str, &sid);

	if (err == -ENAMETOOLONG)
		die("name too long", err);
	if (err)
		die("write", err);
}

/* the same for the main thread of pid */
static void put_as(struct pd_writer *w, void *rec, size_t len, const char *str, uint32_t pid,
		   uint64_t time)
{
	put_as_thread(w, rec, len, str, pid, pid, time);
}

static uint8_t *read_file(const char *path, size_t *len)
{
	uint8_t *p;
	long n;
	FILE *f = fopen(path, "rb");

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) <= 0)
		die(path, -2);
	rewind(f);
	p = malloc(n);
	if (!p || fread(p, 1, n, f) != (size_t)n)
		die(path, -5);
	fclose(f);
	*len = n;
	return p;
}

static const uint64_t seed_sample_type = PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_IP |
					 PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_CPU |
					 PERF_SAMPLE_CALLCHAIN | PERF_SAMPLE_REGS_USER |
					 PERF_SAMPLE_STACK_USER;

/* --stack-sample: the context-switches event sampling user registers and stack */
static void add_seed_attr(struct pd_writer *w)
{
	struct perf_event_attr a = { .type = PERF_TYPE_SOFTWARE, .size = sizeof(a),
				     .config = PERF_COUNT_SW_CONTEXT_SWITCHES };
	uint64_t id = SEED_ID;

	a.sample_period = 1;
	a.sample_type = seed_sample_type;
	a.sample_regs_user = SEED_REGS_MASK;
	a.sample_stack_user = SEED_STACK;
	a.sample_id_all = 1;
	a.exclude_callchain_user = 1;
	a.exclude_callchain_kernel = 1;
	a.disabled = 1;
	a.enable_on_exec = 1;
	if (pd_writer_add_attr(w, &a, &id, 1, "context-switches") < 0)
		die("attr", -12);
}

static void put_u64(uint8_t **p, uint64_t v)
{
	memcpy(*p, &v, 8);
	*p += 8;
}

/*
 * The sample of --stack-sample: ids, an empty callchain (a user-mode
 * sample without user entries), then FILE's REGS_USER and STACK_USER.
 */
static void seed_sample(struct pd_writer *w, uint64_t time)
{
	size_t n, ip_at = 8 + 8 * (size_t)__builtin_popcountll(SEED_REGS_MASK & 0xff);
	uint8_t *body = read_file(stack_sample, &n), *rec, *p;
	struct perf_event_header h = { .type = PERF_RECORD_SAMPLE, .misc = PERF_RECORD_MISC_USER };
	uint64_t ip;
	int err;

	if (n < ip_at + 8 || n % 8)
		die(stack_sample, -EINVAL);
	memcpy(&ip, body + ip_at, 8);
	h.size = (uint16_t)(sizeof(h) + 6 * 8 + n);
	rec = malloc(h.size);
	if (!rec || h.size != sizeof(h) + 6 * 8 + n)
		die("sample", -ENOMEM);
	memcpy(rec, &h, sizeof(h));
	p = rec + sizeof(h);
	put_u64(&p, SEED_ID);
	put_u64(&p, ip);
	put_u64(&p, (uint64_t)PID << 32 | PID);
	put_u64(&p, time);
	put_u64(&p, 0);			/* cpu 0, res */
	put_u64(&p, 0);			/* callchain nr */
	memcpy(p, body, n);
	err = pd_write_record(w, (const struct perf_event_header *)rec);
	if (err)
		die("sample", err);
	free(rec);
	free(body);
}

/* The attr, AUXTRACE_INFO and TIME_CONV (perf time = tsc * 1000 / 1024). */
static struct pd_writer *start(const char *out, int argc, char **argv, int cpu_wide)
{
	struct perf_event_attr attr = { .type = PT_TYPE, .size = sizeof(attr) };
	struct perf_event_mmap_page pc;
	uint64_t id = 100, priv[PT_PRIV_MAX] = { 0 };
	struct pd_writer *w;
	char errbuf[256];
	int err;

	err = pd_writer_create(out, &w, errbuf, sizeof(errbuf));
	if (err) {
		fprintf(stderr, "pd-gen: %s\n", errbuf);
		exit(1);
	}
	if (bts)
		attr.type = BTS_TYPE;
	else if (spe)
		attr.type = SPE_TYPE;
	else
		attr.config = 1ULL << 10 | 1ULL << 13 |	/* tsc, branch */
			      (gt_clock ? 1ULL << 9 | (uint64_t)GT_MTC_FREQ << 14 : 0);	/* mtc */
	attr.sample_type = sample_type;
	attr.sample_id_all = 1;
	attr.exclude_kernel = 1;
	attr.disabled = 1;
	attr.enable_on_exec = !cpu_wide;
	attr.context_switch = cpu_wide;
	attr.inherit = task_switch;
	attr.sample_period = 1;
	if (spe)
		attr.sample_type |= PERF_SAMPLE_DATA_SRC | PERF_SAMPLE_PHYS_ADDR;
	if (pd_writer_add_attr(w, &attr, &id, 1, spe ? "arm_spe_0//u" :
			       bts ? "intel_bts//u" : "intel_pt//u") < 0)
		die("attr", -12);
	pd_writer_add_pmu_mapping(w, attr.type, spe ? "arm_spe_0" : bts ? "intel_bts" : "intel_pt");
	if (stack_sample)
		add_seed_attr(w);
	pd_writer_set_cmdline(w, argc, argv);

	/* intel_bts's words are intel_pt's first five, then snapshot mode (0) */
	priv[PT_PMU_TYPE] = attr.type;
	priv[PT_TIME_SHIFT] = 10;
	priv[PT_TIME_MULT] = 1000;
	priv[PT_TIME_ZERO] = 0;
	priv[PT_CAP_USER_TIME_ZERO] = 1;
	priv[PT_TSC_BIT] = 1ULL << 10;
	priv[PT_NORETCOMP_BIT] = 1ULL << 11;
	priv[PT_HAVE_SCHED_SWITCH] = task_switch ? 2 : cpu_wide ? 3 : 0;
	priv[PT_PER_CPU_MMAPS] = cpu_wide;
	priv[PT_MTC_BIT] = 1ULL << 9;
	priv[PT_MTC_FREQ_BITS] = 0xfULL << 14;
	priv[PT_TSC_CTC_N] = gt_clock ? GT_CTC_EBX : 2;
	priv[PT_TSC_CTC_D] = gt_clock ? GT_CTC_EAX : 1;
	priv[PT_CYC_BIT] = 1ULL << 1;
	if (bts)
		priv[PT_CAP_USER_TIME_ZERO + 1] = 0;	/* intel_bts: snapshot mode */
	else
		priv[PT_SNAPSHOT_MODE] = snap_nr > 0;
	memset(&pc, 0, sizeof(pc));
	pc.time_shift = 10;
	pc.time_mult = 1000;
	pc.cap_user_time_zero = 1;
	pc.time_mask = ~0ULL;
	/* perf's order: its SPE decoder takes TIME_CONV when AUXTRACE_INFO comes */
	if (spe && (err = pd_write_time_conv(w, &pc)))
		die("time_conv", err);
	if (spe)
		err = spe_info(w);
	else
		err = pd_write_auxtrace_info(w, bts ? 2 : 1, priv, bts ? 6 : PT_PRIV_MAX);
	if (err)
		die("auxtrace_info", err);
	if (!spe && (err = pd_write_time_conv(w, &pc)))
		die("time_conv", err);
	return w;
}

/* MMAP2 of pid: BINARY mapped at start (len, pgoff), executable */
static void mmap2(struct pd_writer *w, uint32_t pid, const char *bin, uint64_t start,
		  uint64_t len, uint64_t pgoff, uint64_t time)
{
	struct perf_rec_mmap2 m = { .header = { .type = PERF_RECORD_MMAP2,
						.misc = PERF_RECORD_MISC_USER } };

	m.pid = m.tid = pid;
	m.start = start;
	m.len = len;
	m.pgoff = pgoff;
	m.prot = PROT_READ | PROT_EXEC;
	m.flags = MAP_PRIVATE;
	put_as(w, &m, sizeof(m), bin, pid, time);
}

/* The COMM records of --comm, the FORK and EXIT records of --fork and --exit. */
static void put_comms(struct pd_writer *w)
{
	for (int i = 0; i < nr_comms; i++) {
		if (comms[i].type != PERF_RECORD_COMM) {
			struct perf_rec_fork f = {
				.header = { .type = comms[i].type },
				.pid = comms[i].pid, .ppid = comms[i].ppid,
				.tid = comms[i].pid, .ptid = comms[i].ppid, .time = comms[i].time };

			put_as(w, &f, sizeof(f), NULL, comms[i].pid, comms[i].time);
			continue;
		}
		struct perf_rec_comm c = {
			.header = { .type = PERF_RECORD_COMM,
				    .misc = comms[i].exec ? PERF_RECORD_MISC_COMM_EXEC : 0 },
			.pid = comms[i].pid, .tid = comms[i].tid };

		put_as_thread(w, &c, sizeof(c), comms[i].name, comms[i].pid, comms[i].tid,
			      comms[i].time);
	}
}

/* --comm TIME:PID[/TID]:NAME[:exec] */
static void comm_arg(char *arg)
{
	char *f[4] = { NULL }, *save = NULL, *end;
	struct comm_arg *c = &comms[nr_comms];

	if (nr_comms == (int)(sizeof(comms) / sizeof(comms[0])))
		die("too many --comm", -22);
	for (int k = 0; k < 4; k++, arg = NULL)
		f[k] = strtok_r(arg, ":", &save);
	if (!f[2] || (f[3] && strcmp(f[3], "exec")))
		die("--comm is TIME:PID[/TID]:NAME[:exec]", -22);
	c->time = strtoull(f[0], NULL, 0);
	c->pid = strtoul(f[1], &end, 0);
	c->tid = *end == '/' ? strtoul(end + 1, NULL, 0) : c->pid;
	c->name = f[2];
	c->exec = f[3] != NULL;
	c->type = PERF_RECORD_COMM;
	nr_comms++;
}

/* --fork TIME:PID:PPID, --exit TIME:PID:PPID */
static void fork_arg(uint32_t type, const char *arg)
{
	struct comm_arg *c = &comms[nr_comms];
	unsigned long long t;
	unsigned int pid, ppid;

	if (nr_comms == (int)(sizeof(comms) / sizeof(comms[0])))
		die("too many --comm, --fork and --exit", -22);
	if (sscanf(arg, "%llu:%u:%u", &t, &pid, &ppid) != 3)
		die("--fork and --exit are TIME:PID:PPID", -22);
	*c = (struct comm_arg){ .type = type, .time = t, .pid = pid, .tid = pid, .ppid = ppid };
	nr_comms++;
}

/* COMM and MMAP2 of pid: BINARY mapped at start (len, pgoff) */
static void process(struct pd_writer *w, uint32_t pid, const char *comm, const char *bin,
		    uint64_t start, uint64_t len, uint64_t pgoff, uint64_t time)
{
	struct perf_rec_comm c = { .header = { .type = PERF_RECORD_COMM } };

	c.pid = c.tid = pid;
	put_as(w, &c, sizeof(c), comm, pid, time);
	mmap2(w, pid, bin, start, len, pgoff, time + 1);
}

static uint64_t perf_time(uint64_t tsc)
{
	return tsc * 1000 >> 10;
}

/*
 * --maps FILE: the COMM of PID, then an MMAP2 per line of FILE (gt-record's
 * OUT.files: "START LEN PGOFF TSC PATH"), at perf time 2 for a mapping
 * made by exec (TSC 0), else at the perf time of TSC, when the traced
 * process had just mapped it (before the AUX data in the file, as perf
 * record writes a mapping before the AUX record of the trace that ran it).
 */
static void process_maps(struct pd_writer *w, const char *path)
{
	struct perf_rec_comm c = { .header = { .type = PERF_RECORD_COMM } };
	unsigned long long start, len, pgoff, tsc;
	char line[4200], file[4096];
	FILE *f = fopen(path, "r");
	int n = 0;

	if (!f)
		die(path, -2);
	c.pid = c.tid = PID;
	put_as(w, &c, sizeof(c), "pd-gen", PID, 1);
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %llx %llx %llx %4095s", &start, &len, &pgoff, &tsc,
			   file) != 5)
			die("--maps line is not \"START LEN PGOFF TSC PATH\"", -22);
		mmap2(w, PID, file, start, len, pgoff, tsc ? perf_time(tsc) : 2);
		n++;
	}
	fclose(f);
	if (!n)
		die("--maps file lists no mapping", -22);
}

/* --thread: FORK of thread tid of PID, its COMM and ITRACE_START */
static void thread_start(struct pd_writer *w, uint32_t tid)
{
	struct perf_rec_fork f = { .header = { .type = PERF_RECORD_FORK },
				   .pid = PID, .ppid = PID, .tid = tid, .ptid = PID, .time = 3 };
	struct perf_rec_comm c = { .header = { .type = PERF_RECORD_COMM }, .pid = PID, .tid = tid };
	struct perf_rec_pid_tid it = { .header = { .type = PERF_RECORD_ITRACE_START },
				       .pid = PID, .tid = tid };

	put_as_thread(w, &f, sizeof(f), NULL, PID, tid, 3);
	put_as_thread(w, &c, sizeof(c), "pd-gen", PID, tid, 3);
	put_as_thread(w, &it, sizeof(it), NULL, PID, tid, 3);
}

/* --thread TID:PT-FILE */
static void thread_arg(const char *arg)
{
	char *end;

	if (nr_threads == MAX_THREADS)
		die("too many --thread", -22);
	threads[nr_threads].tid = strtoul(arg, &end, 0);
	if (*end != ':' || !threads[nr_threads].tid || threads[nr_threads].tid == PID)
		die("--thread is TID:PT-FILE (TID not PID's)", -22);
	threads[nr_threads].pt = read_file(end + 1, &threads[nr_threads].len);
	nr_threads++;
}

/*
 * The traced process PID: COMM, MMAP2 of bin at MAP (START LEN PGOFF, as
 * many as nmap; else start at def_start, 1 MiB, offset 0), ITRACE_START,
 * then a round's end and a checkpoint.
 */
static void traced_process(struct pd_writer *w, const char *bin, char **map, int nmap,
			   uint64_t def_start)
{
	struct perf_rec_pid_tid it = { .header = { .type = PERF_RECORD_ITRACE_START } };
	int err;

	if (maps_file)
		process_maps(w, maps_file);
	else
		process(w, PID, "pd-gen", bin, nmap > 0 ? strtoull(map[0], NULL, 0) : def_start,
			nmap > 1 ? strtoull(map[1], NULL, 0) : 0x100000,
			nmap > 2 ? strtoull(map[2], NULL, 0) : 0, 1);
	it.pid = it.tid = PID;
	put_as(w, &it, sizeof(it), NULL, PID, 3);
	for (int k = 0; k < nr_threads; k++)
		thread_start(w, threads[k].tid);
	pd_write_finished_round(w);
	err = pd_writer_checkpoint(w);
	if (err)
		die("checkpoint", err);
}

/* PERF_RECORD_AUX (sample id of pid) and its AUXTRACE with pt[off, off + len) */
static void aux(struct pd_writer *w, const uint8_t *pt, uint64_t off, uint64_t len, uint32_t pid,
		uint32_t tid, uint32_t cpu, uint64_t time)
{
	struct perf_rec_aux a = { .header = { .type = PERF_RECORD_AUX },
				  .flags = snap_nr ? PERF_AUX_FLAG_OVERWRITE : 0 };
	struct iovec iov = { (void *)(pt + off), len };
	struct pd_auxtrace_desc d = { .offset = off - buf_skip, .reference = 1000 + off,
				      .idx = cpu == (uint32_t)-1 ? buf_idx : cpu, .tid = tid, .cpu = cpu };
	int err;

	/* the head an offset in the area, one area further once it wrapped (perf, auxrec) */
	if (snap_area)
		d.offset = (off + len) % snap_area + (off + len >= snap_area ? snap_area : 0) - len;
	a.aux_offset = d.offset;
	a.aux_size = len;
	put_as_thread(w, &a, sizeof(a), NULL, pid, tid == (uint32_t)-1 ? pid : tid, time);
	err = pd_write_auxtrace(w, &iov, 1, &d);
	if (err)
		die("auxtrace", err);
}

/*
 * --cuts: the trace as AUX/AUXTRACE pairs cut at the offsets of the list
 * (increasing; any byte, inside packets too; 0 and offsets past the end
 * cut nothing): one chunk with "0".
 */
static void aux_cut(struct pd_writer *w, const uint8_t *pt, size_t n, const char *list)
{
	uint64_t from = 0, time = 10;
	char *end;

	for (const char *c = list; *c; c = *end ? end + 1 : end) {
		uint64_t at = strtoull(c, &end, 0);

		if (end == c || (*end && *end != ','))
			die("--cuts: a list of offsets", -22);
		if (at <= from || at >= n)
			continue;
		aux(w, pt, from, at - from, PID, PID, (uint32_t)-1, time++);
		from = at;
	}
	aux(w, pt, from, n - from, PID, PID, (uint32_t)-1, time);
}

static void finish(struct pd_writer *w)
{
	int err;

	pd_write_finished_round(w);
	err = pd_writer_finish(w);
	if (err)
		die("finish", err);
}

/* The BTS records of the gt flow in path (see the top of this file). */
static uint8_t *bts_records(const char *path, size_t *len)
{
	char name[64], line[256];
	uint64_t r[3] = { 0 }, count;
	uint8_t *p = NULL;
	size_t n = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		die(path, -2);
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %" SCNx64 " %" SCNx64 " %" SCNu64, name, &r[0], &r[1],
			   &count) != 4)
			die("BRANCHES line is not \"name from to insn_count\"", -22);
		if (!strcmp(name, "tr_strt"))
			r[0] = 0;
		else if (!strncmp(name, "tr_end", 6))
			r[1] = 0;
		p = realloc(p, n + BTS_REC);
		if (!p)
			die("realloc", -12);
		memcpy(p + n, r, BTS_REC);	/* little-endian host */
		n += BTS_REC;
	}
	fclose(f);
	if (!n)
		die("BRANCHES is empty", -22);
	*len = n;
	return p;
}

struct proc_arg {
	uint32_t pid, tid;
	uint8_t *pt;
	size_t len;
	uint64_t tsc, start, size, pgoff;
	char *bin;
	uint32_t cpu;
};

/* Offset of the first PSB at or after off (or len). */
static uint64_t next_psb(const uint8_t *pt, size_t len, uint64_t off)
{
	static const uint8_t psb[16] = { 2, 0x82, 2, 0x82, 2, 0x82, 2, 0x82,
					 2, 0x82, 2, 0x82, 2, 0x82, 2, 0x82 };

	if (!off)
		return 0;
	for (; off + sizeof(psb) <= len; off++)
		if (!memcmp(pt + off, psb, sizeof(psb)))
			return off;
	return len;
}

static const char *tp_tracefs;
static void tracepoint_samples(struct pd_writer *w);

/*
 * PROC,...,CPU: the processes of each CPU take turns in that CPU's buffer,
 * with switch records of that CPU; each buffer's trace is cut in two
 * chunks at its middle (at the next PSB with --cut-psb), the chunks of the
 * CPUs written in turns.
 */
static void per_cpu(struct pd_writer *w, struct proc_arg *p, int n, int cut_psb)
{
	uint32_t nr_cpus = 0;

	if (tp_tracefs)	/* --tp: the samples among the CPUs' traces */
		tracepoint_samples(w);
	for (int i = 0; i < n; i++)
		if (p[i].cpu + 1 > nr_cpus)
			nr_cpus = p[i].cpu + 1;
	for (uint32_t c = 0; c < nr_cpus; c++) {
		int prev = -1;

		sid_cpu = c;
		for (int i = 0; i < n; i++) {
			struct perf_rec_pid_tid sw = {
				.header = { .type = PERF_RECORD_SWITCH_CPU_WIDE } };
			uint64_t t = perf_time(p[i].tsc) - 1;

			if (p[i].cpu != c)
				continue;
			if (prev >= 0) {
				sw.header.misc = PERF_RECORD_MISC_SWITCH_OUT;
				sw.pid = p[i].pid;
				sw.tid = p[i].tid;
				put_as_thread(w, &sw, sizeof(sw), NULL, p[prev].pid, p[prev].tid, t);
			}
			sw.header.misc = 0;
			sw.pid = prev >= 0 ? p[prev].pid : 0;
			sw.tid = prev >= 0 ? p[prev].tid : 0;
			put_as_thread(w, &sw, sizeof(sw), NULL, p[i].pid, p[i].tid, t);
			prev = i;
		}
	}
	sid_cpu = 0;
	pd_write_finished_round(w);
	for (int k = 0; k < 2; k++) {
		for (uint32_t c = 0; c < nr_cpus; c++) {
			uint8_t *all = NULL;
			size_t total = 0, from, to, end = 0;
			uint32_t owner = 0;
			uint64_t last = 0;

			for (int i = 0; i < n; i++) {
				if (p[i].cpu != c)
					continue;
				all = realloc(all, total + p[i].len);
				if (!all)
					die("realloc", -12);
				memcpy(all + total, p[i].pt, p[i].len);
				total += p[i].len;
				last = p[i].tsc;
			}
			if (!total)
				continue;
			from = k ? total / 2 : 0;
			to = k ? total : total / 2;
			if (cut_psb) {
				from = k ? next_psb(all, total, from) : 0;
				to = k ? total : next_psb(all, total, to);
			}
			for (int i = 0; i < n; i++) {
				if (p[i].cpu != c)
					continue;
				end += p[i].len;
				owner = p[i].pid;
				if (to <= end)
					break;
			}
			sid_cpu = c;
			if (to > from)
				aux(w, all, from, to - from, owner, (uint32_t)-1, c,
				    perf_time(last) + 10 + k);
			sid_cpu = 0;
			free(all);
		}
	}
}

/* The TSC of the PSB+ at off (gt-record's: PSB, MODE.Exec, TSC, ...), or 0. */
static uint64_t psb_tsc(const uint8_t *pt, size_t len, uint64_t off)
{
	uint64_t tsc = 0;

	if (off + 26 > len || pt[off + 16] != 0x99 || pt[off + 18] != 0x19)
		return 0;
	for (int i = 6; i >= 0; i--)
		tsc = tsc << 8 | pt[off + 19 + i];
	return tsc;
}

/*
 * The IP of the FUP of the PSB+ at off (gt-record's: PSB, MODE.Exec, TSC,
 * TMA, maybe CBR, FUP, PSBEND; its IP against a last IP of 0), or 0; *at,
 * the FUP's offset, *size, its bytes.
 */
static uint64_t psb_fup(const uint8_t *pt, size_t len, uint64_t off, uint64_t *at, int *size)
{
	static const int ip_bytes[8] = { 0, 2, 4, 6, 6, 0, 8, 0 };
	uint64_t ip = 0;
	int n;

	off += 16 + 2 + 8 + 7;
	if (off + 4 <= len && pt[off] == 0x02 && pt[off + 1] == 0x03)
		off += 4;	/* CBR */
	if (off >= len || (pt[off] & 0x1f) != 0x1d)
		return 0;
	n = ip_bytes[pt[off] >> 5];
	if (!n || off + 3 + n > len || pt[off + 1 + n] != 0x02 || pt[off + 2 + n] != 0x23)
		return 0;
	for (int i = n - 1; i >= 0; i--)
		ip = ip << 8 | pt[off + 1 + i];
	if (pt[off] >> 5 == 3 && ip >> 47)	/* sign-extended */
		ip |= 0xffff000000000000ULL;
	*at = off;
	*size = 1 + n;
	return ip;
}

/* A packet of 8 bytes of IP (FUP, TIP.PGE) at p; its size */
static size_t put_ip8(uint8_t *p, uint8_t opcode, uint64_t ip)
{
	p[0] = 6 << 5 | opcode;
	for (int i = 0; i < 8; i++)
		p[1 + i] = (uint8_t)(ip >> 8 * i);
	return 9;
}

/*
 * --bounce N: p's trace all in nr chunks cut at PSBs (spread over those
 * it has), chunk c in CPU c % 2's buffer; p switched out of the CPU it
 * leaves and into the one it goes to before each chunk but the first.
 * The trace at each cut is that of a thread switched out and in again
 * (user-only tracing): the chunk before ends with FUP at the IP where it
 * resumes (its PSB+'s FUP) and TIP.PGD; the chunk after starts with the
 * PSB+ without FUP (tracing is off), then TIP.PGE at that IP.
 */
static void bounce(struct pd_writer *w, const struct proc_arg *p, int nr)
{
	uint64_t used[2] = { 0 }, from = 0, to, *psbs = calloc(p->len / 16 + 2, sizeof(*psbs));
	size_t npsb = 0;

	if (!psbs)
		die("calloc", -12);
	for (uint64_t off = next_psb(p->pt, p->len, 1); off < p->len;
	     off = next_psb(p->pt, p->len, off + 16))
		psbs[npsb++] = off;
	if (npsb + 1 < (size_t)nr)
		die("--bounce: fewer PSBs than cuts", -22);
	for (int c = 1; c < nr; c++) {
		struct perf_rec_pid_tid sw = { .header = { .type = PERF_RECORD_SWITCH_CPU_WIDE } };
		uint64_t tsc = psb_tsc(p->pt, p->len, psbs[c * npsb / nr]);

		if (!tsc)
			die("--bounce: a PSB+ without TSC", -22);
		sid_cpu = (c - 1) % 2;	/* out of the CPU it ran on, to idle */
		sw.header.misc = PERF_RECORD_MISC_SWITCH_OUT;
		put_as_thread(w, &sw, sizeof(sw), NULL, p->pid, p->tid, perf_time(tsc) - 2);
		sid_cpu = c % 2;	/* into the other, from idle */
		sw.header.misc = 0;
		put_as_thread(w, &sw, sizeof(sw), NULL, p->pid, p->tid, perf_time(tsc) - 1);
	}
	sid_cpu = 0;
	pd_write_finished_round(w);
	for (int c = 0; c < nr; c++, from = to) {
		uint64_t ip = 0, at = 0, ip_next, at_next;
		int size = 0, size_next;
		uint8_t *chunk;
		size_t len = 0;

		to = c + 1 == nr ? p->len : psbs[(c + 1) * npsb / nr];
		chunk = malloc(to - from + 32);
		if (!chunk)
			die("malloc", -12);
		if (c) {	/* the PSB+ without its FUP, then TIP.PGE */
			ip = psb_fup(p->pt, p->len, from, &at, &size);
			if (!ip)
				die("--bounce: a PSB+ without FUP", -22);
			memcpy(chunk, p->pt + from, at - from);
			len = at - from;
			memcpy(chunk + len, p->pt + at + size, 2);	/* PSBEND */
			len += 2;
			len += put_ip8(chunk + len, 0x11, ip);
			from = at + size + 2;
		}
		memcpy(chunk + len, p->pt + from, to - from);
		len += to - from;
		if (c + 1 < nr) {	/* FUP, TIP.PGD (IP suppressed) */
			ip_next = psb_fup(p->pt, p->len, to, &at_next, &size_next);
			if (!ip_next)
				die("--bounce: a PSB+ without FUP", -22);
			len += put_ip8(chunk + len, 0x1d, ip_next);
			chunk[len++] = 0x01;
		}
		sid_cpu = c % 2;
		buf_skip = -used[c % 2];	/* its place in its CPU's buffer */
		aux(w, chunk, 0, len, p->pid, (uint32_t)-1, sid_cpu, perf_time(p->tsc) + 10 + c);
		used[c % 2] += len;
		free(chunk);
	}
	sid_cpu = 0;
	buf_skip = 0;
	free(psbs);
}

/* --thread: chunk k (0, 1) of each thread's trace, in its own buffer, cut as the main thread's */
static void per_thread_chunk(struct pd_writer *w, int k)
{
	for (int i = 0; i < nr_threads; i++) {
		const struct thread_arg *t = &threads[i];
		uint64_t half = next_psb(t->pt, t->len, t->len / 2);

		buf_idx = i + 1;
		if (!k && half)
			aux(w, t->pt, 0, half, PID, t->tid, (uint32_t)-1, 10);
		else if (k && half < t->len)
			aux(w, t->pt, half, t->len - half, PID, t->tid, (uint32_t)-1, 11);
	}
	buf_idx = 0;
}

/*
 * --cpu-wide --thread: the turns of the threads (each stretch of a
 * thread's trace from a PSB+ without FUP, where gt-record starts it and
 * resumes it after other threads ran, to the next), in the order of their
 * PSBs' TSCs, each in the buffer of its thread's CPU (thread k's: k % ncpus),
 * a CPU's switches handing it over just before a turn of another thread.
 */
struct turn {
	uint32_t tid, cpu;
	const uint8_t *pt;
	uint64_t from, to, tsc;
};

static int turn_cmp(const void *a, const void *b)
{
	const struct turn *x = a, *y = b;

	return x->tsc < y->tsc ? -1 : x->tsc > y->tsc;
}

/* The turns of one thread's trace appended to *t (*nr of them) */
static struct turn *thread_turns(struct turn *t, size_t *nr, uint32_t tid, uint32_t cpu,
				 const uint8_t *pt, size_t len)
{
	uint64_t from = 0, at;
	int size;

	for (uint64_t off = next_psb(pt, len, 1);; off = next_psb(pt, len, off + 16)) {
		if (off < len && psb_fup(pt, len, off, &at, &size))
			continue;	/* a PSB+ of the 4 KiB period: the turn goes on */
		t = realloc(t, (*nr + 1) * sizeof(*t));
		if (!t)
			die("realloc", -12);
		t[*nr] = (struct turn){ .tid = tid, .cpu = cpu, .pt = pt, .from = from, .to = off,
					.tsc = psb_tsc(pt, len, from) };
		if (!t[(*nr)++].tsc)
			die("--cpu-wide --thread: a turn without PSB+ and TSC", -22);
		if (off >= len)
			return t;
		from = off;
	}
}

/* ns after turn i's switch out for its switch in: before the CPU's next turn */
static uint64_t late_in(const struct turn *t, size_t nr, size_t i)
{
	uint64_t late = late_switch_in;

	for (size_t k = i + 1; late && k < nr; k++) {
		if (t[k].cpu != t[i].cpu)
			continue;
		if (perf_time(t[k].tsc) - perf_time(t[i].tsc) <= late + 1)
			late = perf_time(t[k].tsc) - perf_time(t[i].tsc) - 1;
		break;
	}
	return late;
}

static void threads_per_cpu(struct pd_writer *w, const uint8_t *pt, size_t len, uint32_t ncpus)
{
	size_t nr = 0;
	struct turn *t = thread_turns(NULL, &nr, PID, 0, pt, len);
	int32_t prev[2] = { -1, -1 };

	for (int k = 0; k < nr_threads; k++)
		t = thread_turns(t, &nr, threads[k].tid, (k + 1) % ncpus, threads[k].pt,
				 threads[k].len);
	qsort(t, nr, sizeof(*t), turn_cmp);
	for (size_t i = 0; i < nr; i++) {
		struct perf_rec_pid_tid sw = { .header = { .type = PERF_RECORD_SWITCH_CPU_WIDE } };
		uint64_t time = perf_time(t[i].tsc) - 1;
		uint32_t c = t[i].cpu;

		if (prev[c] == (int32_t)t[i].tid)
			continue;	/* no other thread ran on this CPU */
		sid_cpu = c;
		if (task_switch) {	/* no next_prev fields: the task's sample id */
			sw.header.type = PERF_RECORD_SWITCH;
			sw.header.misc = PERF_RECORD_MISC_SWITCH_OUT;
			if (prev[c] >= 0)
				put_as_thread(w, &sw, sizeof(sw.header), NULL, PID, prev[c], time);
			sw.header.misc = 0;
			put_as_thread(w, &sw, sizeof(sw.header), NULL, PID, t[i].tid,
				      time + late_in(t, nr, i));
			prev[c] = t[i].tid;
			continue;
		}
		if (prev[c] >= 0) {
			sw.header.misc = PERF_RECORD_MISC_SWITCH_OUT;
			sw.pid = PID;
			sw.tid = t[i].tid;
			put_as_thread(w, &sw, sizeof(sw), NULL, PID, prev[c], time);
		}
		sw.header.misc = 0;
		sw.pid = prev[c] >= 0 ? PID : 0;
		sw.tid = prev[c] >= 0 ? (uint32_t)prev[c] : 0;
		put_as_thread(w, &sw, sizeof(sw), NULL, PID, t[i].tid, time);
		prev[c] = t[i].tid;
	}
	pd_write_finished_round(w);
	for (int k = 0; k < 2; k++) {
		for (uint32_t c = 0; c < ncpus; c++) {
			uint8_t *all = NULL;
			uint64_t total = 0, last = 0, cut;

			for (size_t i = 0; i < nr; i++) {
				if (t[i].cpu != c)
					continue;
				all = realloc(all, total + t[i].to - t[i].from);
				if (!all)
					die("realloc", -12);
				memcpy(all + total, t[i].pt + t[i].from, t[i].to - t[i].from);
				total += t[i].to - t[i].from;
				last = t[i].tsc;
			}
			cut = next_psb(all, total, total / 2);
			sid_cpu = c;
			if (k ? cut < total : cut > 0)
				aux(w, all, k ? cut : 0, k ? total - cut : cut, PID, (uint32_t)-1, c,
				    perf_time(last) + 10 + k);
			free(all);
		}
	}
	sid_cpu = 0;
	free(t);
}

/* The --cpu-wide file: see the top of this file. */
static int cpu_wide(int argc, char **argv)
{
	int cut_psb = !strcmp(argv[2], "--cut-psb");
	int migrate = cut_psb && argc > 3 && !strcmp(argv[3], "--migrate");
	int nr_bounce = cut_psb && argc > 4 && !strcmp(argv[3], "--bounce") ? atoi(argv[4]) : 0;
	int n, err;
	struct proc_arg *p = calloc(argc, sizeof(*p));
	struct pd_writer *w;
	size_t total = 0, off = 0;
	uint8_t *all;

	argv += cut_psb + migrate + (nr_bounce ? 2 : 0);
	argc -= cut_psb + migrate + (nr_bounce ? 2 : 0);
	n = argc - 3;
	if (n < 1 || !p)
		die("usage or calloc", -22);
	if (nr_bounce && (n != 1 || nr_bounce < 2))
		die("--bounce is N (2 or more) of one PROC", -22);
	for (int i = 0; i < n; i++) {
		char *f[7], *save = NULL, *arg = argv[3 + i], *end;

		for (int k = 0; k < 7; k++, arg = NULL)
			if (!(f[k] = strtok_r(arg, ",", &save)))
				die("PROC is PID,PT-FILE,TSC,BINARY,START,LEN,PGOFF[,CPU]", -22);
		arg = strtok_r(NULL, ",", &save);
		p[i].cpu = arg ? strtoul(arg, NULL, 0) : 0;
		p[i].pid = strtoul(f[0], &end, 0);
		p[i].tid = *end == '/' ? strtoul(end + 1, NULL, 0) : p[i].pid;
		p[i].pt = read_file(f[1], &p[i].len);
		p[i].tsc = strtoull(f[2], NULL, 0);
		p[i].bin = f[3];
		p[i].start = strtoull(f[4], NULL, 0);
		p[i].size = strtoull(f[5], NULL, 0);
		p[i].pgoff = strtoull(f[6], NULL, 0);
		total += p[i].len;
	}
	all = malloc(total);
	if (!all)
		die("malloc", -12);
	w = start(argv[2], argc, argv, 1);
	for (int i = 0; i < n; i++) {
		char comm[16];

		snprintf(comm, sizeof(comm), "proc%d", i);
		if (p[i].tid != p[i].pid) {	/* a thread of its own name */
			struct perf_rec_comm c = { .header = { .type = PERF_RECORD_COMM },
						   .pid = p[i].pid, .tid = p[i].tid };

			snprintf(comm, sizeof(comm), "thread%d", i % 1000);
			put_as_thread(w, &c, sizeof(c), comm, p[i].pid, p[i].tid, 1 + 2 * i);
		} else {
			process(w, p[i].pid, comm, p[i].bin, p[i].start, p[i].size, p[i].pgoff,
				1 + 2 * i);
		}
		memcpy(all + off, p[i].pt, p[i].len);
		off += p[i].len;
	}
	put_comms(w);
	for (int i = 0; i < n; i++)
		if (p[i].cpu) {
			per_cpu(w, p, n, cut_psb);
			goto done;
		}
	for (int i = 0; i < n; i++) {
		struct perf_rec_pid_tid sw = { .header = { .type = PERF_RECORD_SWITCH_CPU_WIDE } };
		/* just before this trace's first time; the previous one ended well before */
		uint64_t t = perf_time(p[i].tsc) - 1;

		if (i) {
			sw.header.misc = PERF_RECORD_MISC_SWITCH_OUT;
			sw.pid = p[i].pid;
			sw.tid = p[i].tid;
			put_as_thread(w, &sw, sizeof(sw), NULL, p[i - 1].pid, p[i - 1].tid, t);
		}
		sw.header.misc = 0;
		sw.pid = i ? p[i - 1].pid : 0;
		sw.tid = i ? p[i - 1].tid : 0;
		put_as_thread(w, &sw, sizeof(sw), NULL, p[i].pid, p[i].tid, t);
	}
	if (nr_bounce) {
		bounce(w, p, nr_bounce);
		goto done;
	}
	pd_write_finished_round(w);
	err = pd_writer_checkpoint(w);
	if (err)
		die("checkpoint", err);
	for (int c = 0; c < 3; c++) {
		uint64_t from = total * c / 3, to = c == 2 ? total : total * (c + 1) / 3, end = 0;

		uint32_t owner = p[0].pid;	/* of the chunk's last byte */

		if (cut_psb) {
			from = next_psb(all, total, from);
			to = c == 2 ? total : next_psb(all, total, to);
		}
		for (int i = 0; i < n; i++) {
			end += p[i].len;
			if (to <= end) {
				owner = p[i].pid;
				break;
			}
		}
		/* --migrate: CPU 1's buffer starts with the last chunk */
		sid_cpu = migrate && c == 2;
		buf_skip = sid_cpu ? from : 0;
		aux(w, all, from, to - from, owner, (uint32_t)-1, sid_cpu,
		    perf_time(p[n - 1].tsc) + 10 + c);
		sid_cpu = 0;
		buf_skip = 0;
	}
done:
	finish(w);
	for (int i = 0; i < n; i++)
		free(p[i].pt);
	free(p);
	free(all);
	return 0;
}

/* --tp: the tracepoint, its tracing data and samples (see the top of this file) */
static uint64_t tp_nr, tp_step;

static void tracepoint_samples(struct pd_writer *w)
{
	static const struct td_event tick = { "test", "tick" };
	struct perf_event_attr attr = { .type = PERF_TYPE_TRACEPOINT, .size = sizeof(attr),
					.config = 4000, .sample_period = 1, .sample_id_all = 1 };
	struct {
		struct perf_event_header h;
		uint64_t id, ip;
		uint32_t pid, tid;
		uint64_t time;
		uint32_t cpu, res;
		uint64_t period;
		uint32_t raw_size;
		uint8_t raw[44];	/* 4 + 44: the kernel's u64 alignment of RAW */
	} s;
	uint64_t id = 200;
	char err[256];
	uint8_t *data;
	size_t len;
	int ret;

	_Static_assert(sizeof(s) == 104, "a sample without padding");
	attr.sample_type = PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_IP | PERF_SAMPLE_TID |
			   PERF_SAMPLE_TIME | PERF_SAMPLE_CPU | PERF_SAMPLE_PERIOD | PERF_SAMPLE_RAW;
	if (pd_writer_add_attr(w, &attr, &id, 1, "test:tick") < 0)
		die("tracepoint attr", -ENOMEM);
	ret = tracing_data_build(tp_tracefs, &tick, 1, &data, &len, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "pd-gen: %s\n", err);
		exit(1);
	}
	ret = pd_writer_set_tracing_data(w, data, len);
	free(data);
	if (ret)
		die("tracing data", ret);
	for (uint64_t k = 1; k <= tp_nr; k++) {
		int32_t delta = -(int32_t)k;
		uint32_t loc = 12u << 16 | 32;	/* msg: at 32, "sample NNNN\0" */

		memset(&s, 0, sizeof(s));
		s.h = (struct perf_event_header){ .type = PERF_RECORD_SAMPLE,
						  .misc = PERF_RECORD_MISC_KERNEL, .size = sizeof(s) };
		s.id = id;
		s.ip = 0xffffffff81000000ULL;
		s.pid = s.tid = PID;
		s.time = k * tp_step;
		s.period = 1;
		s.raw_size = sizeof(s.raw);
		memcpy(s.raw, &(uint16_t){ 4000 }, 2);
		memcpy(s.raw + 4, &(int32_t){ PID }, 4);
		memcpy(s.raw + 8, &k, 8);
		memcpy(s.raw + 16, &delta, 4);
		memcpy(s.raw + 20, "tick", 4);
		memcpy(s.raw + 28, &loc, 4);
		snprintf((char *)s.raw + 32, 12, "sample %04u", (unsigned int)(k % 10000));
		ret = pd_write_record(w, &s.h);
		if (ret)
			die("tracepoint sample", ret);
	}
}

/* --switch TIME:PID: CPU 0 goes from process *owner to PID at TIME */
static void spe_switch(struct pd_writer *w, const char *arg, uint32_t *owner)
{
	struct perf_rec_pid_tid sw = { .header = { .type = PERF_RECORD_SWITCH_CPU_WIDE } };
	struct perf_rec_comm c = { .header = { .type = PERF_RECORD_COMM } };
	char *end, comm[16];
	uint64_t t = strtoull(arg, &end, 0);
	uint32_t pid = *end == ':' ? strtoul(end + 1, NULL, 0) : 0;

	if (*end != ':' || !pid || t < 5)
		die("--switch is TIME:PID (TIME 5 or more)", -22);
	c.pid = c.tid = pid;
	snprintf(comm, sizeof(comm), "proc%u", pid);
	put_as(w, &c, sizeof(c), comm, pid, t - 1);
	sw.header.misc = PERF_RECORD_MISC_SWITCH_OUT;
	sw.pid = sw.tid = pid;
	put_as(w, &sw, sizeof(sw), NULL, *owner, t);
	sw.header.misc = 0;
	sw.pid = sw.tid = *owner;
	put_as(w, &sw, sizeof(sw), NULL, pid, t);
	*owner = pid;
}

/* The --spe file: see the top of this file. */
static int spe_main(int argc, char **argv)
{
	uint32_t tid = PID, cpu = (uint32_t)-1, owner = PID;
	const char *switches[64];
	int nr_switches = 0;
	struct pd_writer *w;
	uint8_t *data;
	size_t n, cut;

	spe = 1;
	if (argc > 2 && !strcmp(argv[1], "--v2")) {
		spe_v2 = 1;
		spe_midr = strtoull(argv[2], NULL, 0);
		argc -= 2;
		argv += 2;
	}
	if (argc > 1 && !strcmp(argv[1], "--cpu-wide")) {
		spe_cpu_wide = 1;
		tid = (uint32_t)-1;
		cpu = 0;
		argc--;
		argv++;
		while (argc > 2 && !strcmp(argv[1], "--switch") && nr_switches < 64) {
			switches[nr_switches++] = argv[2];
			argc -= 2;
			argv += 2;
		}
	}
	if (argc != 5 && argc != 8) {
		fprintf(stderr, "usage: pd-gen [--comm TIME:PID[/TID]:NAME[:exec]]... "
				"[--tp TRACEFS N STEP] --spe [--v2 MIDR]\n"
				"              [--cpu-wide [--switch TIME:PID]...] "
				"OUT SPE-FILE CUT BINARY [START LEN PGOFF]\n");
		return 2;
	}
	data = read_file(argv[2], &n);
	cut = strtoull(argv[3], NULL, 0);
	if (cut > n)
		die("CUT is past the end of SPE-FILE", -22);
	w = start(argv[1], argc, argv, spe_cpu_wide);
	traced_process(w, argv[4], argv + 5, argc - 5, 0x400000);
	if (tp_tracefs)
		tracepoint_samples(w);
	for (int i = 0; i < nr_switches; i++)
		spe_switch(w, switches[i], &owner);
	put_comms(w);
	aux(w, data, 0, cut, PID, tid, cpu, 10);
	aux(w, data, cut, n - cut, PID, tid, cpu, 11);
	finish(w);
	free(data);
	return 0;
}

int main(int argc, char **argv)
{
	struct pd_writer *w;
	uint8_t *pt;
	size_t n, half;

	while (argc > 2 && (!strcmp(argv[1], "--comm") || !strcmp(argv[1], "--fork") ||
			    !strcmp(argv[1], "--exit"))) {
		if (!strcmp(argv[1], "--comm"))
			comm_arg(argv[2]);
		else
			fork_arg(argv[1][2] == 'f' ? PERF_RECORD_FORK : PERF_RECORD_EXIT, argv[2]);
		argc -= 2;
		argv += 2;
	}
	if (argc > 4 && !strcmp(argv[1], "--tp")) {
		tp_tracefs = argv[2];
		tp_nr = strtoull(argv[3], NULL, 0);
		tp_step = strtoull(argv[4], NULL, 0);
		argc -= 4;
		argv += 4;
	}
	if (argc > 4 && !strcmp(argv[1], "--gt-clock") && !strcmp(argv[2], "--cpu-wide")) {
		gt_clock = 1;
		argc--;
		argv++;
	}
	if (argc > 3 && !strcmp(argv[1], "--cpu-wide") &&
	    (!strcmp(argv[2], "--cpus") || !strcmp(argv[2], "--maps") ||
	     !strcmp(argv[2], "--task-switch") ||
	     !strcmp(argv[2], "--thread"))) {
		thread_cpus = 1;
		argc--;
		argv++;
		if (!strcmp(argv[1], "--cpus")) {
			thread_cpus = strtoul(argv[2], NULL, 0);
			if (thread_cpus < 1 || thread_cpus > 2)
				die("--cpus is 1 or 2", -22);
			argc -= 2;
			argv += 2;
		}
		if (!strcmp(argv[1], "--task-switch")) {
			task_switch = 1;
			argc--;
			argv++;
		}
		if (task_switch && !strcmp(argv[1], "--late-switch-in")) {
			late_switch_in = strtoull(argv[2], NULL, 0);
			argc -= 2;
			argv += 2;
		}
	} else if (argc > 3 && !strcmp(argv[1], "--cpu-wide")) {
		return cpu_wide(argc, argv);
	}
	if (argc > 1 && !strcmp(argv[1], "--bts")) {
		bts = 1;
		argc--;
		argv++;
	}
	if (argc > 1 && !strcmp(argv[1], "--spe"))
		return spe_main(argc - 1, argv + 1);
	if (!bts && argc > 1 && !strcmp(argv[1], "--gt-clock")) {
		gt_clock = 1;
		argc--;
		argv++;
	}
	if (!bts && argc > 2 && !strcmp(argv[1], "--stack-sample")) {
		char *tsc = strchr(argv[2], ':');

		stack_sample = argv[2];
		if (tsc) {
			*tsc = 0;
			stack_sample_time = perf_time(strtoull(tsc + 1, NULL, 0));
		}
		argc -= 2;
		argv += 2;
	}
	if (!bts && argc > 2 && !strcmp(argv[1], "--cuts")) {
		cuts = argv[2];
		argc -= 2;
		argv += 2;
	}
	if (!bts && argc > 3 && !strcmp(argv[1], "--head-offset")) {
		snap_area = strtoull(argv[2], NULL, 0);
		argc -= 2;
		argv += 2;
	}
	if (!bts && argc > 3 && !strcmp(argv[1], "--snapshots")) {
		snap_size = strtoull(argv[2], NULL, 0);
		snap_end = calloc((size_t)argc, sizeof(*snap_end));
		if (!snap_end)
			die("calloc", -12);
		for (snap_nr = 0; 3 + snap_nr < argc && argv[3 + snap_nr][0] >= '0' &&
				  argv[3 + snap_nr][0] <= '9'; snap_nr++)
			snap_end[snap_nr] = strtoull(argv[3 + snap_nr], NULL, 0);
		argv[snap_nr + 2] = argv[0];	/* the last END's place: read */
		argc -= snap_nr + 2;
		argv += snap_nr + 2;
	}
	if (!bts && argc > 2 && !strcmp(argv[1], "--maps")) {
		maps_file = argv[2];
		argc -= 2;
		argv += 2;
	}
	while (!bts && !snap_nr && argc > 2 && !strcmp(argv[1], "--thread")) {
		thread_arg(argv[2]);
		argc -= 2;
		argv += 2;
	}
	if ((maps_file ? argc != 3 : argc != 4 && argc != 7) ||
	    (thread_cpus && (!nr_threads || stack_sample || snap_nr || tp_tracefs)) ||
	    (cuts && (nr_threads || snap_nr))) {
		fprintf(stderr, "usage: pd-gen [--gt-clock] [--stack-sample FILE[:TSC]]\n"
				"              [--cuts OFF,OFF... | [--head-offset AREA] --snapshots SIZE END...]\n"
				"              [--thread TID:PT-FILE]... OUT PT-FILE BINARY [START LEN PGOFF]\n"
				"       pd-gen [--gt-clock] [--stack-sample FILE[:TSC]] --maps FILES [--thread TID:PT-FILE]...\n"
				"              OUT PT-FILE\n"
				"       pd-gen [--gt-clock] --cpu-wide [--cpus N] [--task-switch\n"
				"              [--late-switch-in NS]] [--maps FILES]\n"
				"              --thread TID:PT-FILE...\n"
				"              OUT PT-FILE [BINARY [START LEN PGOFF]]\n"
				"       pd-gen [--gt-clock] --cpu-wide [--cut-psb [--migrate | --bounce N]]\n"
				"              OUT PID,PT-FILE,TSC,BINARY,START,LEN,PGOFF[,CPU]...\n"
				"       pd-gen --bts OUT BRANCHES BINARY [START LEN PGOFF]\n"
				"       pd-gen --spe [--v2 MIDR] [--cpu-wide [--switch TIME:PID]...] OUT SPE-FILE CUT\n"
				"              BINARY [START LEN PGOFF]\n"
				"  each form may start with --comm TIME:PID[/TID]:NAME[:exec], --fork TIME:PID:PPID\n"
				"  and --exit TIME:PID:PPID (repeated), and\n"
				"  all but --bts with --tp TRACEFS N STEP\n");
		return 2;
	}
	pt = bts ? bts_records(argv[2], &n) : read_file(argv[2], &n);
	w = start(argv[1], argc, argv, thread_cpus > 0);
	traced_process(w, argv[3], argv + 4, argc - 4, 0x7f0000000000ULL);
	put_comms(w);
	if (tp_tracefs)
		tracepoint_samples(w);
	if (stack_sample)
		seed_sample(w, stack_sample_time);
	for (int i = 0; i < snap_nr; i++) {
		uint64_t end = snap_end[i] < n ? snap_end[i] : n, from;

		from = end > snap_size ? end - snap_size : 0;
		aux(w, pt, from, end - from, PID, PID, (uint32_t)-1, 10 + (uint64_t)i);
	}
	/* cut at a PSB: perf 6.1 loses a packet split by a cut (see --cut-psb) */
	half = bts ? n / BTS_REC / 2 * BTS_REC : next_psb(pt, n, n / 2);
	if (thread_cpus) {
		threads_per_cpu(w, pt, n, thread_cpus);
	} else if (cuts) {
		aux_cut(w, pt, n, cuts);
	} else if (!snap_nr) {
		aux(w, pt, 0, half, PID, PID, (uint32_t)-1, 10);
		per_thread_chunk(w, 0);
		aux(w, pt, half, n - half, PID, PID, (uint32_t)-1, 11);
		per_thread_chunk(w, 1);
	}
	finish(w);
	for (int k = 0; k < nr_threads; k++)
		free(threads[k].pt);
	free(pt);
	free(snap_end);
	return 0;
}
