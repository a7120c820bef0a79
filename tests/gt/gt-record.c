// SPDX-License-Identifier: GPL-2.0
/*
 * gt-record.c - Intel PT ground truth without PT hardware. Runs a program
 * under PTRACE_SINGLESTEP, records every instruction address it executes
 * in user space, dumps its executable mappings at exit, and encodes the
 * recorded flow as the Intel PT stream a CPU tracing that process with
 * user-only (CPL>0) filtering would write, using libipt's packet encoder.
 *
 *   gt-record [--cyc] [--ovf N] [--tsc0 N] [--late-cpuid] [--start N [--late-sample]]
 *             OUT -- PROG [ARGS...]
 *   gt-record --kernel FUNC N SEED OUT
 * writes OUT.pt (the trace), OUT.img + OUT.map (the code: raw section
 * bytes, and "vaddr size file_offset" lines), OUT.branches (the expected
 * events, "name from to insn_count" per line; see gt_format.h), and the
 * same set as OUT-rc.* for a trace with return compression. OUT.files
 * lists the executable file mappings ("start len pgoff tsc path", tsc 0
 * for those exec made, else the time of the syscall after which /proc
 * showed it: gt_filemaps.h), one MMAP2 each for pd-gen --maps. OUT.times
 * has the time each event must carry, line by line: a synthetic clock
 * (gt_format.h) is encoded as TSC+TMA in each PSB+ and an MTC per crystal
 * clock period. OUT.prepsb lists the events that ran before a PSB and are
 * bound at it (see bind_before_psb()), with the time each ran.
 *
 * --cyc adds OUT-cyc.* (compressed returns): a cycle-accurate trace with
 * CBR in each PSB+ and, before each TNT, TIP, TIP.PGE/PGD, MTC and FUP
 * outside PSB+ (CYC-eligible packets), a CYC with the cycles since the
 * previous CYC (GT_CYC_PER_INSN per instruction; none when zero) up to
 * the packet's instruction, for a TNT its first branch's. Its OUT-cyc.times follow libipt 2.0.5's
 * rules (pt_time, pt_time_cal), simulated here independently: see sim_*.
 *
 * --ovf N adds OUT-ovf.* (compressed returns): a trace that loses stretches
 * of packets as a CPU does when its internal buffer overflows. About every
 * N instructions, after a conditional branch not taken (the TNT bit that
 * ends the packets before it), the packets of the next N/4+1 instructions
 * are lost (timing packets too), then comes OVF and, as the SDM's
 * overflow compound packet says, a FUP at the instruction where tracing
 * resumes or, when tracing stopped during the loss (syscall, signal), a
 * TIP.PGE where it starts again. Returns are not compressed across it.
 * The expected event is "overflow 0 IP N" (IP 0 when tracing was off), N
 * the instructions up to the branch before the loss, at the OVF's time.
 *
 * Late traps: some hypervisors emulate cpuid and deliver a single step's
 * trap only after the next instruction ran too (gt_step.h). After
 * recording, each step that landed where no single instruction goes but
 * where exactly one determined successor goes is given that successor as
 * if it had been stepped; anything else stays an error naming both
 * addresses. --late-cpuid simulates such a hypervisor: a step over cpuid
 * that trapped on time is followed by one more step whose address is not
 * recorded, so a machine that steps exactly can test the repair (the
 * output must be the same as without it).
 *
 * --start N: the trace begins at the N-th instruction (gt_start.h), the
 * instructions before it are run but not traced; OUT.sample holds the
 * REGS_USER and STACK_USER fields of a sample taken there (pd-gen
 * --stack-sample writes them into a PERF_RECORD_SAMPLE), OUT.stack the
 * true call stack there. --late-sample: also OUT.late-sample and
 * OUT.late-stack, the same taken later, after the first syscall traced
 * (where a kernel's context-switch sample of a task that blocked in it has
 * the task's user state), and OUT.late-tsc, the time of that instruction
 * in the trace: the sample a recording of a trace enabled late has.
 *
 * Threads: each thread the program creates is followed (PTRACE_O_TRACECLONE)
 * and has a flow of its own, encoded as OUT.tid-N.* (N = 1, 2, ... in the
 * order they were seen; OUT.threads lists "N TID", 0 the thread exec ran),
 * as a per-thread AUX buffer of a CPU tracing it would hold: the threads
 * are stepped one at a time, times are those of one clock for all of
 * them, and a thread that runs again after others gets a PSB+ before its
 * TIP.PGE (see struct thread). --cyc, --ovf and --start trace one thread.
 *
 * --kernel (root, /proc/kcore): instead of a program, a walk of at most N
 * instructions through the running kernel's code from function FUNC
 * (gt_kernel.h; SEED picks the conditional branches' ways), which stops
 * asynchronously (FUP, TIP.PGD) before an instruction it cannot follow and
 * starts again elsewhere (TIP.PGE), as at a signal, and ends with such a
 * stop; OUT.img is the kernel text at its runtime address.
 *
 * Encoding: PSB, PSBEND, MODE.EXEC, TIP.PGE at the first instruction;
 * TNT-8 for conditional branches; TIP for every indirect jump or call and
 * for every near return in OUT.pt, while OUT-rc.pt compresses returns to
 * their call site into TNT bits as the hardware does; a far transfer (syscall,
 * int) leaves user space, so it ends in TIP.PGD without IP and the next
 * user instruction starts with TIP.PGE; a signal delivered between two
 * instructions is an asynchronous exit: FUP at the interrupted instruction,
 * TIP.PGD, then TIP.PGE at the handler. A PSB+ (with FUP at the current
 * instruction) follows each 4 KiB of trace.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <intel-pt.h>
#include "decoders/x86/x86_insn.h"
#include "gt_format.h"
#include "gt_kernel.h"
#include "gt_start.h"
#include "gt_step.h"
#include "gt_filemaps.h"

/* flags of a recorded address */
#define IPF_SIGNAL	1	/* reached by signal delivery */
#define IPF_STOP	2	/* tracing stopped before it ran: the trace ends */
#define IPF_RESUME	4	/* its thread ran again after others: PSB+ before it */
#define MAX_STEPS	20000000ul
#define PSB_PERIOD	4096
#define RETSTACK_SIZE	64
#define MAX_LOSS	8192	/* instructions: MTC payloads must not wrap */

struct section {
	uint64_t vaddr, size;
	uint8_t *bytes;
};

static struct section *sects;
static size_t nsects;
static uint64_t *ips;
static uint8_t *ipf;	/* IPF_* of each */
static size_t nips, capips;
/*
 * The step of the whole program (all threads counted) each address was
 * recorded at: its time when the program ran several threads. With one,
 * the time is the address's index in the flow, late steps filled in
 * counted, as before threads were followed.
 */
static size_t *gidx;
static size_t gsteps;		/* addresses recorded so far, all threads */
static size_t nthreads;		/* threads seen (struct thread below) */
static int late_cpuid;		/* --late-cpuid: simulate late traps */
static size_t start_at;		/* --start: the first traced instruction (0: all) */
static struct gt_start_sample start_sample;	/* taken there */
static int late_sample_wanted;	/* --late-sample */
static struct gt_start_sample late_sample;	/* after the first syscall traced */
static size_t late_at;		/* the index of its instruction in ips, then */

/* --tsc0: the first instruction's time (traces of several processes follow each other) */
static uint64_t tsc0 = GT_TSC0;

/* The synthetic clock: GT_TSC_PER_INSN ticks per recorded instruction. */
static uint64_t tsc_of(size_t step)
{
	return tsc0 + (uint64_t)step * GT_TSC_PER_INSN;
}

static uint64_t tsc_at(size_t i)
{
	return tsc_of(nthreads > 1 ? gidx[i] : i);
}

static const char *files_out;	/* OUT.files: the file mappings (gt_filemaps.h) */

static void die(const char *what)
{
	fprintf(stderr, "gt-record: %s: %s\n", what, strerror(errno));
	exit(2);
}

/* Appends ip, run at the program's step step. */
static void add_ip_at(uint64_t ip, uint8_t flags, size_t step)
{
	if (nips == capips) {
		capips = capips ? 2 * capips : 1 << 16;
		ips = realloc(ips, capips * sizeof(*ips));
		ipf = realloc(ipf, capips);
		gidx = realloc(gidx, capips * sizeof(*gidx));
		if (!ips || !ipf || !gidx)
			die("realloc");
	}
	ipf[nips] = flags;
	gidx[nips] = step;
	ips[nips++] = ip;
}

/* Appends ip as the program's next step. */
static void add_ip(uint64_t ip, uint8_t flags)
{
	add_ip_at(ip, flags, gsteps++);
}

/*
 * Copies the code of pid's executable mappings that meet [from, to) into
 * sects, but for those copied before (a mapping whose code was saved
 * before it was unmapped is not there any more at exit). A mapping
 * copied before but changed since (another file mapped at an address an
 * unmapped one had) cannot be told apart by address: gt-record stops.
 */
static void dump_maps(pid_t pid, uint64_t from, uint64_t to)
{
	char path[64], line[512];
	FILE *maps;
	int mem;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	maps = fopen(path, "r");
	snprintf(path, sizeof(path), "/proc/%d/mem", pid);
	mem = open(path, O_RDONLY);
	if (!maps || mem < 0)
		die(path);
	while (fgets(line, sizeof(line), maps)) {
		unsigned long long lo, hi;
		char perm[8];
		struct section *s, *old = NULL;

		if (sscanf(line, "%llx-%llx %7s", &lo, &hi, perm) != 3 ||
		    perm[2] != 'x' || hi <= from || lo >= to)
			continue;
		for (size_t i = 0; i < nsects && !old; i++)
			if (sects[i].vaddr < hi && lo < sects[i].vaddr + sects[i].size)
				old = &sects[i];
		sects = realloc(sects, (nsects + 1) * sizeof(*sects));
		if (!sects)
			die("realloc");
		s = &sects[nsects];
		s->vaddr = lo;
		s->size = hi - lo;
		s->bytes = malloc(s->size);
		if (!s->bytes)
			die("malloc");
		if (pread(mem, s->bytes, s->size, (off_t)lo) != (ssize_t)s->size) {
			free(s->bytes);	/* [vsyscall] is not readable */
			continue;
		}
		if (old && old->vaddr == lo && old->size == s->size &&
		    !memcmp(old->bytes, s->bytes, s->size)) {
			free(s->bytes);	/* saved before */
			continue;
		}
		if (old) {
			fprintf(stderr, "gt-record: code at %#llx-%#llx replaces code unmapped "
				"before (address reuse is not supported)\n", lo, hi);
			exit(2);
		}
		nsects++;
	}
	fclose(maps);
	close(mem);
}

/*
 * The exit of the program (its main thread's PTRACE_EVENT_EXIT stop): the
 * code of its mappings, OUT.files, then its end (the other threads' ends
 * are reaped on the way: a traced leader's exit is reported after theirs).
 */
static int exit_stop(pid_t pid, int status)
{
	pid_t got;

	if (status >> 8 != (SIGTRAP | PTRACE_EVENT_EXIT << 8))
		return 0;
	dump_maps(pid, 0, UINT64_MAX);
	if (files_out && gt_filemaps_write(files_out))
		die(files_out);
	ptrace(PTRACE_CONT, pid, NULL, NULL);
	do
		got = waitpid(-1, &status, __WALL);
	while (got > 0 && (got != pid || !(WIFEXITED(status) || WIFSIGNALED(status))));
	return 1;
}

static long last_syscall;	/* the syscall the last step ran, -1 none */
static struct user_regs_struct tracee_regs;	/* the tracee's, before its next step */

static uint64_t get_ip(pid_t pid)
{
	if (ptrace(PTRACE_GETREGS, pid, NULL, &tracee_regs) < 0)
		die("PTRACE_GETREGS");
	last_syscall = (long)tracee_regs.orig_rax;
	return tracee_regs.rip;
}

/* Is the instruction at ip of pid a cpuid (0f a2)? */
/* Whether the tracee's instruction at ip starts with the two bytes op (little-endian). */
static int insn_is(pid_t pid, uint64_t ip, uint16_t op)
{
	long word;

	errno = 0;
	word = ptrace(PTRACE_PEEKTEXT, pid, (void *)ip, NULL);
	return !errno && (word & 0xffff) == op;
}

#define OP_CPUID	0xa20f
#define OP_SYSCALL	0x050f

/*
 * The threads of the program (PTRACE_O_TRACECLONE), in the order they
 * were seen; thread 0 is the one exec ran. Each has a flow of its own
 * (OUT.tid-N.* for thread N > 0). They are stepped one at a time: the
 * thread stepping goes on until it is at a syscall; then the next thread
 * in that order that is stopped runs (itself if no other is). A syscall that
 * has not returned SYSCALL_WAIT_US after its step blocks (a futex wait, a
 * join): its thread stays in the kernel while the others run, and its
 * stop, collected whenever it comes, is handled at its next turn. When no
 * thread is stopped, gt-record waits for any: a thread blocked in the
 * kernel never holds up the others.
 */
#define SYSCALL_WAIT_US	20000

enum thread_state {
	T_RUNNING,	/* stepped (or new), no stop collected yet */
	T_STOPPED,	/* a stop collected (status), not handled yet */
	T_READY,	/* stopped and handled: may step */
	T_GONE,		/* exited */
};

struct thread {
	pid_t tid;
	enum thread_state state;
	int status;		/* T_STOPPED: the wait status */
	int sig;		/* to deliver with its next step */
	int delivered;		/* the signal its last step delivered */
	int yielded;		/* gave its turn away at the syscall it is at */
	/* its flow, in ips, ipf, gidx, nips and capips while it is cur */
	uint64_t *ips;
	uint8_t *ipf;
	size_t *gidx, nips, capips;
	struct user_regs_struct regs;
	long last_syscall;
};

static struct thread *thr;
static size_t cur;		/* the thread whose flow is in ips, ... */
static size_t last_rec;		/* the thread of the last address recorded */

/* Makes thread k's flow and registers the current ones. */
static void use_thread(size_t k)
{
	struct thread *t = &thr[cur];

	t->ips = ips;
	t->ipf = ipf;
	t->gidx = gidx;
	t->nips = nips;
	t->capips = capips;
	t->regs = tracee_regs;
	t->last_syscall = last_syscall;
	cur = k;
	t = &thr[k];
	ips = t->ips;
	ipf = t->ipf;
	gidx = t->gidx;
	nips = t->nips;
	capips = t->capips;
	tracee_regs = t->regs;
	last_syscall = t->last_syscall;
}

static size_t thread_add(pid_t tid)
{
	thr = realloc(thr, (nthreads + 1) * sizeof(*thr));
	if (!thr)
		die("realloc");
	thr[nthreads] = (struct thread){ .tid = tid, .state = T_RUNNING, .last_syscall = -1 };
	return nthreads++;
}

static size_t thread_find(pid_t tid)
{
	for (size_t k = 0; k < nthreads; k++)
		if (thr[k].tid == tid)
			return k;
	return thread_add(tid);	/* a new thread's first stop, before its clone event */
}

static size_t threads_live(void)
{
	size_t n = 0;

	for (size_t k = 0; k < nthreads; k++)
		n += thr[k].state != T_GONE;
	return n;
}

/* Notes the stop (or end) waitpid() gave for tid. */
static void note_stop(pid_t tid, int status)
{
	size_t k = thread_find(tid);

	if (thr[k].state == T_GONE)
		return;	/* the end of a thread after its exit stop */
	thr[k].state = T_STOPPED;
	thr[k].status = status;
}

/*
 * Waits until thread k stopped; with poll, SYSCALL_WAIT_US at most (0:
 * it is blocked in the kernel). Stops of other threads are noted.
 */
static int await_stop(size_t k, int poll)
{
	long waited = 0;

	while (thr[k].state == T_RUNNING) {
		int status;
		pid_t got = waitpid(-1, &status, __WALL | (poll ? WNOHANG : 0));

		if (got < 0)
			die("waitpid");
		if (got) {
			note_stop(got, status);
		} else if (waited >= SYSCALL_WAIT_US) {
			return 0;
		} else {
			usleep(50);
			waited += 50;
		}
	}
	return 1;
}

static void step(size_t k)
{
	if (ptrace(PTRACE_SINGLESTEP, thr[k].tid, NULL, (void *)(long)thr[k].sig) < 0)
		die("PTRACE_SINGLESTEP");
	thr[k].delivered = thr[k].sig;
	thr[k].sig = 0;
	thr[k].state = T_RUNNING;
}

/* Records ip in the current thread's flow, flagged IPF_RESUME if others ran since its last. */
static void rec_ip(uint64_t ip, uint8_t flags)
{
	if (nips && last_rec != cur)
		flags |= IPF_RESUME;
	last_rec = cur;
	add_ip(ip, flags);
}

/*
 * Handles the stop of the current thread: records where its step went. A
 * stop for another signal than SIGTRAP ran no instruction (or ran the
 * previous one if the rip moved, e.g. the kill() syscall raising it): the
 * signal is passed on with the next step, which stops at the handler's
 * first instruction without running anything; that address is flagged
 * IPF_SIGNAL: the instruction before it never ran. With --late-cpuid a
 * step that ran a cpuid and stopped right after it is not recorded: the
 * next step's landing is, as a late trap would have it. A clone is
 * stepped on to its return; a new thread's first stop records where it
 * starts. Returns 1 at the program's exit.
 */
static int handle_stop(void)
{
	struct thread *t = &thr[cur];
	int status = t->status;
	pid_t pid = t->tid;
	unsigned long msg;
	uint64_t ip;

	t->state = T_READY;
	if (WIFEXITED(status) || WIFSIGNALED(status)) {
		if (!cur) {
			fprintf(stderr, "gt-record: exited early\n");
			exit(2);
		}
		t->state = T_GONE;
		return 0;
	}
	if (status >> 8 == (SIGTRAP | PTRACE_EVENT_EXIT << 8)) {
		if (!cur)
			return exit_stop(pid, status);
		ptrace(PTRACE_CONT, pid, NULL, NULL);
		t->state = T_GONE;
		return 0;
	}
	if (status >> 8 == (SIGTRAP | PTRACE_EVENT_CLONE << 8)) {
		if (ptrace(PTRACE_GETEVENTMSG, pid, NULL, &msg) < 0)
			die("PTRACE_GETEVENTMSG");
		thread_find((pid_t)msg);
		t = NULL;	/* thr moved */
		step(cur);	/* the clone's return */
		return await_stop(cur, 1) ? handle_stop() : 0;
	}
	ip = get_ip(pid);
	if (!nips) {	/* a new thread's SIGSTOP: where it starts */
		rec_ip(ip, 0);
		return 0;
	}
	/* an mmap() (ld.so, dlopen) is seen when its syscall returns */
	if (last_syscall >= 0)
		gt_filemaps_scan(pid, tsc_of(gsteps));
	if (WSTOPSIG(status) != SIGTRAP) {
		if (ip != ips[nips - 1])
			rec_ip(ip, 0);
		t->sig = WSTOPSIG(status);
		return 0;
	}
	if (late_cpuid && !t->delivered && ip == ips[nips - 1] + 2 &&
	    insn_is(pid, ips[nips - 1], OP_CPUID))
		return 0;
	rec_ip(ip, t->delivered ? IPF_SIGNAL : 0);
	return 0;
}

/*
 * The next thread to step after the current one, in turn, its stop
 * handled (waiting for one when none is stopped). Returns 1 at the
 * program's exit.
 */
static int schedule(void)
{
	for (;;) {
		size_t k, n;
		int status;
		pid_t got;

		for (n = 1; n <= nthreads; n++) {
			k = (cur + n) % nthreads;
			if (thr[k].state == T_READY || thr[k].state == T_STOPPED)
				break;
		}
		if (n > nthreads) {
			got = waitpid(-1, &status, __WALL);
			if (got < 0)
				die("waitpid");
			note_stop(got, status);
			continue;
		}
		use_thread(k);
		if (thr[k].state == T_STOPPED && handle_stop())
			return 1;
		if (thr[k].state == T_READY)
			return 0;
	}
}

/* Single-steps the program and its threads, one recorded address per step. */
static void record(char **argv)
{
	int status, sc;
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (!pid) {
		ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFSTOPPED(status))
		die("waitpid after exec");
	if (ptrace(PTRACE_SETOPTIONS, pid, NULL,
		   (void *)(PTRACE_O_TRACEEXIT | PTRACE_O_EXITKILL | PTRACE_O_TRACECLONE)) < 0)
		die("PTRACE_SETOPTIONS");
	thread_add(pid);
	thr[0].state = T_READY;
	rec_ip(get_ip(pid), 0);
	gt_filemaps_scan(pid, 0);	/* what exec mapped: before the trace */
	for (;;) {
		pid = thr[cur].tid;
		if (start_at && !start_sample.body && nips - 1 == start_at)
			gt_start_capture(pid, &start_sample);
		else if (late_sample_wanted && start_sample.body && !late_sample.body &&
			 nips >= 2 && insn_is(pid, ips[nips - 2], OP_SYSCALL)) {
			gt_start_capture(pid, &late_sample);
			late_at = nips - 1;
		}
		if (gsteps >= MAX_STEPS) {
			fprintf(stderr, "gt-record: more than %lu steps\n",
				MAX_STEPS);
			kill(thr[0].tid, SIGKILL);
			exit(2);
		}
		/* dlclose(): the code of what munmap() removes, while it is there */
		if (tracee_regs.rax == SYS_munmap && insn_is(pid, tracee_regs.rip, OP_SYSCALL))
			dump_maps(pid, tracee_regs.rdi, tracee_regs.rdi + tracee_regs.rsi);
		/*
		 * With other threads, the turn passes at a syscall, before it
		 * runs (tracing stops there: the next instruction starts it
		 * again, after a PSB+ if others ran); a syscall that blocks lets
		 * them run meanwhile.
		 */
		sc = threads_live() > 1 && insn_is(pid, tracee_regs.rip, OP_SYSCALL);
		if (sc && !thr[cur].yielded) {
			thr[cur].yielded = 1;
			if (schedule())
				return;
			continue;
		}
		thr[cur].yielded = 0;
		step(cur);
		if (await_stop(cur, sc)) {
			if (handle_stop())
				return;
			if (thr[cur].state == T_READY)
				continue;
		}
		if (schedule())
			return;
	}
}

static const struct section *find_sect(uint64_t ip)
{
	size_t i;

	for (i = 0; i < nsects; i++)
		if (ip - sects[i].vaddr < sects[i].size)
			return &sects[i];
	return NULL;
}

static int decode_at(uint64_t ip, struct x86_insn *insn)
{
	const struct section *s = find_sect(ip);

	if (!s)
		return -1;
	return x86_insn_decode(s->bytes + (ip - s->vaddr),
			       s->size - (ip - s->vaddr), ip, X86_MODE_64,
			       insn);
}

static int decode_step(void *ctx, uint64_t ip, struct x86_insn *insn)
{
	return decode_at(ip, insn);
}

/*
 * Gives each late step (gt_step.h) the instruction it ran unrecorded, with
 * the flags of the landing moved to it (a signal delivered before that
 * instruction ran is not a late step: those landings are not checked).
 * Returns the number of instructions added.
 */
/* fill_late_steps(): the recorded indices it added an instruction before, ascending */
static size_t *late_before;
static size_t nlate_before;

static size_t fill_late_steps(void)
{
	uint64_t *old_ips = ips, between;
	uint8_t *old_ipf = ipf;
	size_t i, n = nips, added = 0, *old_gidx = gidx;

	ips = NULL;
	ipf = NULL;
	gidx = NULL;
	nips = capips = 0;
	nlate_before = 0;
	for (i = 0; i < n; i++) {
		if (i && !(old_ipf[i] & IPF_SIGNAL) &&
		    gt_step_check(decode_step, NULL, old_ips[i - 1], old_ips[i],
				  &between) == GT_STEP_TWO) {
			late_before = realloc(late_before, (nlate_before + 1) * sizeof(*late_before));
			if (!late_before)
				die("realloc");
			late_before[nlate_before++] = i;
			add_ip_at(between, 0, old_gidx[i]);	/* ran with the landing */
			added++;
		}
		add_ip_at(old_ips[i], old_ipf[i], old_gidx[i]);
	}
	free(old_ips);
	free(old_ipf);
	free(old_gidx);
	return added;
}

static int classify(uint64_t ip, uint8_t *len, int *is_call, int *is_ret)
{
	struct x86_insn insn;

	if (decode_at(ip, &insn) < 0)
		return -1;
	*len = insn.len;
	*is_call = insn.cls == X86_CLASS_CALL;
	*is_ret = insn.cls == X86_CLASS_RETURN;
	return 0;
}

/*
 * The index in ips of the instruction recorded at index at, once late
 * steps were filled in before it (recursion runs an address many times
 * over: searching for the sampled ip could find an earlier run of it);
 * exits when that is not the sampled ip.
 */
static size_t index_of(size_t at, uint64_t ip)
{
	size_t moved = 0;

	while (moved < nlate_before && late_before[moved] <= at)
		moved++;
	if (at + moved >= nips || ips[at + moved] != ip) {
		fprintf(stderr, "gt-record: --start: the sampled instruction is not in the flow\n");
		exit(2);
	}
	return at + moved;
}

/* Writes OUT.SUFFIX-sample's bytes and OUT.SUFFIX-stack, the true stack at ips[at]. */
static void write_sample(const char *out, const char *suffix, const struct gt_start_sample *s,
			 size_t at)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s.%sstack", out, suffix);
	gt_start_write_stack(path, ips, at, classify);
	snprintf(path, sizeof(path), "%s.%ssample", out, suffix);
	f = fopen(path, "wb");
	if (!f || fwrite(s->body, 1, s->len, f) != s->len || fclose(f))
		die(path);
}

/*
 * --start: writes OUT.sample and OUT.stack and drops the instructions
 * before the sampled one; --late-sample: OUT.late-sample and
 * OUT.late-stack of the sample after the first syscall traced, and
 * OUT.late-tsc, the TSC of its instruction in the trace.
 */
static void start_late(const char *out)
{
	size_t cut, late = 0;
	char path[4096];
	FILE *f;

	if (!start_sample.body) {
		fprintf(stderr, "gt-record: --start %zu: the program ran fewer instructions\n",
			start_at);
		exit(2);
	}
	cut = index_of(start_at, start_sample.ip);
	write_sample(out, "", &start_sample, cut);
	if (late_sample_wanted) {
		if (!late_sample.body) {
			fprintf(stderr, "gt-record: --late-sample: no syscall after the start\n");
			exit(2);
		}
		late = index_of(late_at, late_sample.ip);
		write_sample(out, "late-", &late_sample, late);
		snprintf(path, sizeof(path), "%s.late-tsc", out);
		f = fopen(path, "w");
		if (!f || fprintf(f, "%" PRIu64 "\n", tsc_at(late - cut)) < 0 || fclose(f))
			die(path);
	}
	memmove(ips, ips + cut, (nips - cut) * sizeof(*ips));
	memmove(ipf, ipf + cut, nips - cut);
	nips -= cut;
}

/*
 * What a libipt 2.0.5 decoder knows of the time in a -cyc trace: pt_time
 * (base + fc, ctc at the last MTC, ctc_cyc where cycles were last
 * cleared) and pt_time_cal (fcr, the TSC ticks per cycle << 8, from CBR
 * or from the cycles between MTCs/TSCs). CTC values are the 11 bits an
 * MTC has (GT_MTC_FREQ + 8); the TMA in PSB+ has all of them.
 */
#define CTC_MASK	((1u << (GT_MTC_FREQ + 8)) - 1)

struct sim {
	uint64_t base, fc;
	uint32_t ctc, ctc_cyc;
	int lost_cyc;
	uint64_t fcr, cal_tsc, cyc_tsc, cyc_mtc;
	uint32_t cal_ctc;
	int have_fcr, cal_mtc;
};

/* TSC ticks of the CTC ticks from ctc b to a (one wrap) */
static uint64_t sim_ctc_tsc(uint32_t a, uint32_t b)
{
	return (uint64_t)((a - b) & CTC_MASK) * GT_CTC_EBX / GT_CTC_EAX;
}

/* TSC, TMA and CBR of a PSB+; returns the time */
static uint64_t sim_psb(struct sim *m, uint64_t tsc, uint32_t ctc,
			uint32_t fc)
{
	if (m->cal_tsc && m->cyc_tsc && !m->cal_mtc) {
		m->fcr = ((tsc - m->cal_tsc) << 8) / m->cyc_tsc;
		m->have_fcr = 1;
	}
	m->cal_tsc = tsc;
	m->cyc_tsc = 0;
	m->base = tsc - fc;
	m->fc = fc;
	m->ctc = m->ctc_cyc = ctc & CTC_MASK;
	m->lost_cyc = 0;
	m->fcr = ((uint64_t)GT_NOM_FREQ << 8) / GT_CBR;
	m->have_fcr = 1;
	return tsc;
}

/* an MTC at time tsc, the start of its CTC period */
static uint64_t sim_mtc(struct sim *m, uint64_t tsc, uint32_t ctc)
{
	ctc &= CTC_MASK;
	if (!m->cal_mtc) {
		m->cal_mtc = 1;
		m->cal_ctc = ctc;
		m->cyc_mtc = 0;
	} else if (m->cyc_mtc) {
		m->fcr = (sim_ctc_tsc(ctc, m->cal_ctc) << 8) / m->cyc_mtc;
		m->have_fcr = 1;
		m->cal_ctc = ctc;
		m->cyc_mtc = 0;
	}
	if (m->fc || m->lost_cyc)
		m->ctc_cyc = ctc;
	m->ctc = ctc;
	m->fc = 0;
	m->lost_cyc = 0;
	m->base = tsc;
	return tsc;
}

static uint64_t sim_cyc(struct sim *m, uint64_t cyc)
{
	m->cyc_mtc += cyc;
	m->cyc_tsc += cyc;
	if (!m->have_fcr || !m->fcr) {
		m->lost_cyc = 1;
		return m->base + m->fc;
	}
	if (!m->fc && m->ctc != m->ctc_cyc) {
		uint64_t old = (sim_ctc_tsc(m->ctc, m->ctc_cyc) << 8) / m->fcr;

		cyc = cyc > old ? cyc - old : 0;
	}
	m->fc += cyc * m->fcr >> 8;
	return m->base + m->fc;
}

/* The encoder and the expected event list. */
struct gen {
	struct pt_encoder *enc;
	uint8_t *buf;
	size_t cap;
	FILE *branches;
	FILE *times;
	FILE *prepsb;		/* OUT.prepsb: the events bound at a PSB */
	size_t *line_insn;	/* the instruction of each expected line */
	size_t lines_cap;
	unsigned long untimed;	/* expected lines waiting for their time */
	unsigned long tnt_lines; /* of those, up to the last tnt bit */
	uint64_t now;		/* the time a decoder knows from packets */
	uint64_t last_period;	/* mtc period of the last mtc */
	int in_psb;
	uint64_t tnt_bits;
	unsigned int tnt_n;
	uint64_t count;
	uint64_t next_psb;
	unsigned long nbranch;
	int retcomp;		/* compress returns into tnt bits */
	int cyc;		/* cycle-accurate: cbr and cyc packets */
	size_t cur;		/* the instruction being encoded */
	size_t cyc_at;		/* the instruction of the last cyc */
	size_t tnt_at;		/* the instruction of the first tnt bit */
	struct sim sim;
	size_t ovf;		/* --ovf: a loss about every ovf instructions */
	size_t ovf_next;	/* a loss may begin from this instruction on */
	size_t lost_end;	/* in a loss: it resolves from here on (0: none) */
	size_t restart;		/* where tracing restarts after a stop in it */
	int lost_off;		/* tracing stopped during the loss */
	int after_nt;		/* the last instruction was a jcc not taken */
	size_t resumed;		/* the instruction a thread resumed at after a PSB+ */
	unsigned long losses;
	uint64_t rs[RETSTACK_SIZE];
	unsigned int rs_top, rs_n;
};

/*
 * Return compression as the hardware does it: near calls (but a call to
 * the next instruction) push their return address on a 64 entry stack; a
 * ret to the address on top pops it and is a taken TNT bit, any other ret
 * is a TIP. The stack is emptied at each PSB and whenever tracing stops,
 * so a decoder that keeps stale entries still agrees (a TIP is a TIP).
 */
static void rs_push(struct gen *g, uint64_t ip)
{
	g->rs[g->rs_top] = ip;
	g->rs_top = (g->rs_top + 1) % RETSTACK_SIZE;
	if (g->rs_n < RETSTACK_SIZE)
		g->rs_n++;
}

static int rs_pop_if(struct gen *g, uint64_t ip)
{
	unsigned int top = (g->rs_top + RETSTACK_SIZE - 1) % RETSTACK_SIZE;

	if (!g->rs_n || g->rs[top] != ip)
		return 0;
	g->rs_top = top;
	g->rs_n--;
	return 1;
}

/*
 * Events get the time of the packet that makes a decoder emit them: the
 * TNT, TIP, TIP.PGE/PGD or FUP that binds them, or, for direct branches
 * that need no packet, the next packet whose binding walks past them (a
 * TNT packet's walk stops at its last bit's branch), or the PSB they ran
 * before (bind_before_psb()). Lines are expected before that packet is
 * written, and get their time here.
 */
static void bind_time(struct gen *g, const struct pt_packet *p)
{
	unsigned long n;

	switch (p->type) {
	case ppt_fup:
		if (g->in_psb)
			return;
		/* fall through */
	case ppt_tip:
	case ppt_tip_pge:
	case ppt_tip_pgd:
	case ppt_ovf:
		n = g->untimed;
		break;
	case ppt_tnt_8:
		n = g->tnt_lines;
		break;
	default:
		return;
	}
	g->untimed -= n;
	g->tnt_lines = 0;
	while (n--)
		fprintf(g->times, "%" PRIu64 "\n", g->now);
}

static void enc(struct gen *g, struct pt_packet *p)
{
	int r = pt_enc_next(g->enc, p);

	if (r < 0) {
		fprintf(stderr, "gt-record: encoder: %s\n",
			pt_errstr(pt_errcode(r)));
		exit(2);
	}
}

/* The cycles since the last CYC, before a packet that may carry them. */
static void put_cyc(struct gen *g, const struct pt_packet *p)
{
	struct pt_packet c = { .type = ppt_cyc };
	size_t at;

	switch (p->type) {
	case ppt_fup:
		if (g->in_psb)
			return;
		/* fall through */
	case ppt_tnt_8:
	case ppt_tip:
	case ppt_tip_pge:
	case ppt_tip_pgd:
	case ppt_mtc:
		break;
	default:
		return;
	}
	/* a tnt's cyc gives the time of its first branch */
	at = p->type == ppt_tnt_8 ? g->tnt_at : g->cur;
	if (at == g->cyc_at)
		return;
	c.payload.cyc.value = (uint64_t)(at - g->cyc_at) * GT_CYC_PER_INSN;
	g->cyc_at = at;
	enc(g, &c);
	g->now = sim_cyc(&g->sim, c.payload.cyc.value);
}

static void put(struct gen *g, struct pt_packet *p)
{
	if (g->cyc)
		put_cyc(g, p);
	bind_time(g, p);
	enc(g, p);
}

static void put_ip(struct gen *g, enum pt_packet_type type, uint64_t ip)
{
	struct pt_packet p = { .type = type };

	p.payload.ip.ipc = ip ? pt_ipc_sext_48 : pt_ipc_suppressed;
	p.payload.ip.ip = ip;
	put(g, &p);
}

static void put_simple(struct gen *g, enum pt_packet_type type)
{
	struct pt_packet p = { .type = type };

	put(g, &p);
}

static void put_mode64(struct gen *g)
{
	struct pt_packet p = { .type = ppt_mode };

	p.payload.mode.leaf = pt_mol_exec;
	p.payload.mode.bits.exec = pt_set_exec_mode(ptem_64bit);
	put(g, &p);
}

static void flush_tnt(struct gen *g)
{
	struct pt_packet p = { .type = ppt_tnt_8 };

	if (!g->tnt_n)
		return;
	p.payload.tnt.bit_size = (uint8_t)g->tnt_n;
	p.payload.tnt.payload = g->tnt_bits;
	put(g, &p);
	g->tnt_n = 0;
	g->tnt_bits = 0;
}

static void add_tnt(struct gen *g, int taken)
{
	g->tnt_lines = g->untimed;
	if (!g->tnt_n)
		g->tnt_at = g->cur;
	g->tnt_bits = g->tnt_bits << 1 | (taken ? 1 : 0);
	if (++g->tnt_n == 6)
		flush_tnt(g);
}

static uint64_t enc_offset(struct gen *g)
{
	uint64_t off = 0;

	pt_enc_get_offset(g->enc, &off);
	return off;
}

/*
 * The events still waiting for their time at a PSB are direct branches
 * that ran after the last TNT bit, up to the PSB's FUP: a decoder walks
 * them there (at PSBEND, nothing in the way needs trace) and they get the
 * time it knew before the PSB+'s timing packets. OUT.prepsb lists them,
 * "LINE TSC PSB_TSC": the line in OUT.branches, the time its instruction
 * ran, and the PSB's TSC (the time of the instruction at its FUP).
 */
static void bind_before_psb(struct gen *g, uint64_t tsc)
{
	unsigned long n = g->untimed, line = g->nbranch - n;

	while (n--) {
		line++;
		fprintf(g->times, "%" PRIu64 "\n", g->now);
		fprintf(g->prepsb, "%lu %" PRIu64 " %" PRIu64 "\n", line,
			tsc_at(g->line_insn[line - 1]), tsc);
	}
	g->untimed = 0;
	g->tnt_lines = 0;
}

static void psb(struct gen *g, uint64_t fup_ip, uint64_t tsc)
{
	uint64_t ctc = tsc / GT_TSC_PER_CTC;
	struct pt_packet p = { .type = ppt_tsc };

	flush_tnt(g);
	bind_before_psb(g, tsc);
	g->in_psb = 1;
	put_simple(g, ppt_psb);
	put_mode64(g);
	p.payload.tsc.tsc = tsc;
	put(g, &p);
	p = (struct pt_packet){ .type = ppt_tma };
	p.payload.tma.ctc = (uint16_t)ctc;
	p.payload.tma.fc = (uint16_t)(tsc - ctc * GT_TSC_PER_CTC);
	put(g, &p);
	g->now = tsc;
	if (g->cyc) {
		g->now = sim_psb(&g->sim, tsc, (uint32_t)ctc,
				 p.payload.tma.fc);
		p = (struct pt_packet){ .type = ppt_cbr };
		p.payload.cbr.ratio = GT_CBR;
		put(g, &p);
	}
	g->last_period = ctc >> GT_MTC_FREQ;
	if (fup_ip)
		put_ip(g, ppt_fup, fup_ip);
	put_simple(g, ppt_psbend);
	g->in_psb = 0;
	g->rs_n = 0;
	g->next_psb = enc_offset(g) + PSB_PERIOD;
}

/* An MTC for each crystal clock period of 2^GT_MTC_FREQ ticks begun. */
static void mtc(struct gen *g, uint64_t tsc)
{
	uint64_t period = tsc / GT_TSC_PER_CTC >> GT_MTC_FREQ;
	struct pt_packet p = { .type = ppt_mtc };

	if (period == g->last_period)
		return;
	flush_tnt(g);	/* so that each event's time is exact */
	p.payload.mtc.ctc = (uint8_t)period;
	put(g, &p);
	g->last_period = period;
	g->now = (period << GT_MTC_FREQ) * GT_TSC_PER_CTC;
	if (g->cyc)
		g->now = sim_mtc(&g->sim, g->now,
				 (uint32_t)(period << GT_MTC_FREQ));
}

static void expect(struct gen *g, const char *name, uint64_t from,
		   uint64_t to)
{
	g->untimed++;
	fprintf(g->branches, GT_LINE_FMT, name, from, to, g->count);
	if (g->nbranch == g->lines_cap) {
		g->lines_cap = g->lines_cap ? 2 * g->lines_cap : 4096;
		g->line_insn = realloc(g->line_insn, g->lines_cap * sizeof(*g->line_insn));
		if (!g->line_insn)
			die("realloc");
	}
	g->line_insn[g->nbranch] = g->cur;
	g->count = 0;
	g->nbranch++;
}

static const char *tr_end_name(const struct x86_insn *insn)
{
	switch (insn->kind) {
	case X86_KIND_SYSCALL:
	case X86_KIND_SYSENTER:
		return "tr_end/syscall";
	case X86_KIND_SYSRET:
	case X86_KIND_SYSEXIT:
		return "tr_end/sysret";
	default:
		break;
	}
	switch (insn->cls) {
	case X86_CLASS_FAR_CALL:
		return "tr_end/far_call";
	case X86_CLASS_FAR_RETURN:
		return "tr_end/far_return";
	case X86_CLASS_FAR_JUMP:
		return "tr_end/far_jmp";
	default:
		return "tr_end";
	}
}

static void bad_flow(uint64_t ip, uint64_t next, const char *why)
{
	fprintf(stderr, "gt-record: %#" PRIx64 " -> %#" PRIx64 ": %s\n",
		ip, next, why);
	exit(2);
}

/* OVF and what tells where tracing resumes: FUP at ip, or TIP.PGE when off. */
static void resolve_loss(struct gen *g, uint64_t ip)
{
	expect(g, "overflow", 0, g->lost_off ? 0 : ip);
	put_simple(g, ppt_ovf);
	g->rs_n = 0;
	g->lost_end = 0;
	if (!ip)
		return;
	if (!g->lost_off) {
		put_ip(g, ppt_fup, ip);
		return;
	}
	put_mode64(g);
	expect(g, "tr_strt", 0, ip);
	put_ip(g, ppt_tip_pge, ip);
}

/*
 * --ovf: is instruction i's trace lost? A loss begins after a jcc not
 * taken, once ovf instructions have passed since the last one, and ends
 * MAX_LOSS at most later, or where tracing starts again if it stopped.
 */
static int lose(struct gen *g, size_t i)
{
	size_t len = g->ovf / 4 + 1;
	struct x86_insn insn;

	if (!g->lost_end) {
		if (!g->ovf || i < g->ovf_next || !g->after_nt)
			return 0;
		flush_tnt(g);
		g->lost_end = i + (len < MAX_LOSS ? len : MAX_LOSS);
		g->ovf_next = i + g->ovf;
		g->lost_off = 0;
		g->losses++;
	} else if (g->lost_off ? i == g->restart : i >= g->lost_end) {
		resolve_loss(g, ips[i]);
		return 0;
	}
	if (i + 1 == nips) {
		resolve_loss(g, 0);	/* the trace ends in the loss */
		return 1;
	}
	if (ipf[i + 1] & IPF_SIGNAL) {
		g->lost_off = 1;
		g->restart = i + 1;
		return 1;
	}
	if (decode_at(ips[i], &insn) < 0)
		bad_flow(ips[i], ips[i + 1], "cannot decode");
	if (x86_class_is_far(insn.cls)) {
		g->lost_off = 1;
		g->restart = i + 1;
	}
	return 1;
}

/* Turns the recorded addresses into the trace and the expected events. */
static void generate(struct gen *g)
{
	uint64_t first = ips[0];
	size_t i;

	psb(g, 0, tsc_at(0));
	put_mode64(g);
	expect(g, "tr_strt", 0, first);
	put_ip(g, ppt_tip_pge, first);
	for (i = 0; i < nips; i++) {
		uint64_t ip = ips[i], next, fall;
		int last = i + 1 == nips, n;
		struct x86_insn insn;

		next = last ? 0 : ips[i + 1];
		g->cur = i;
		if ((ipf[i] & IPF_RESUME) && g->resumed != i)
			bad_flow(ips[i - 1], ip, "thread switched where tracing was on");
		if (lose(g, i))
			continue;
		if (enc_offset(g) >= g->next_psb)
			psb(g, ip, tsc_at(i));
		mtc(g, tsc_at(i));
		if (ipf[i] & IPF_STOP) {
			/* an asynchronous end before ip ran */
			flush_tnt(g);
			expect(g, "tr_end/async", ip, 0);
			put_ip(g, ppt_fup, ip);
			put_ip(g, ppt_tip_pgd, 0);
			break;
		}
		if (!last && (ipf[i + 1] & IPF_SIGNAL)) {
			/* signal delivery before ip ran */
			flush_tnt(g);
			expect(g, "tr_end/async", ip, 0);
			put_ip(g, ppt_fup, ip);
			put_ip(g, ppt_tip_pgd, 0);
			g->rs_n = 0;
			put_mode64(g);
			expect(g, "tr_strt", 0, next);
			put_ip(g, ppt_tip_pge, next);
			continue;
		}
		n = decode_at(ip, &insn);
		if (n < 0)
			bad_flow(ip, next, "cannot decode");
		fall = ip + n;
		/* rep movs/stos: one step per iteration, one instruction */
		if (!last && next == ip && insn.cls == X86_CLASS_OTHER)
			continue;
		g->count++;
		g->after_nt = 0;
		switch (insn.cls) {
		case X86_CLASS_OTHER:
		case X86_CLASS_PTWRITE:
			if (!last && next != fall)
				bad_flow(ip, next, "non-branch went elsewhere");
			continue;
		case X86_CLASS_COND_JUMP:
			if (last)
				bad_flow(ip, next, "ends in a jcc");
			if (next == insn.target) {
				expect(g, "jcc", ip, next);
				add_tnt(g, 1);
			} else if (next == fall) {
				add_tnt(g, 0);
				g->after_nt = 1;
			} else {
				bad_flow(ip, next, "jcc went elsewhere");
			}
			continue;
		case X86_CLASS_CALL:
		case X86_CLASS_JUMP:
		case X86_CLASS_RETURN:
			if (last)
				break;
			if (insn.has_target && next != insn.target)
				bad_flow(ip, next, "direct branch went elsewhere");
			if (g->retcomp && insn.cls == X86_CLASS_CALL &&
			    (!insn.has_target || insn.target != fall))
				rs_push(g, fall);
			expect(g, insn.cls == X86_CLASS_CALL ? "call" :
			       insn.cls == X86_CLASS_JUMP ? "jmp" : "return",
			       ip, next);
			if (g->retcomp && insn.cls == X86_CLASS_RETURN &&
			    rs_pop_if(g, next)) {
				add_tnt(g, 1);
			} else if (!insn.has_target) {
				flush_tnt(g);
				put_ip(g, ppt_tip, next);
			}
			continue;
		default:
			break;
		}
		/* a far transfer, or the end: tracing stops here */
		if (!x86_class_is_far(insn.cls))
			bad_flow(ip, next, "trace ends at a near branch");
		flush_tnt(g);
		expect(g, tr_end_name(&insn), ip, 0);
		put_ip(g, ppt_tip_pgd, 0);
		g->rs_n = 0;
		if (last)
			break;
		if (ipf[i + 1] & IPF_RESUME) {
			/* switched out and in again: tracing re-enabled, a PSB+ */
			psb(g, 0, tsc_at(i + 1));
			g->resumed = i + 1;
		}
		put_mode64(g);
		expect(g, "tr_strt", 0, next);
		put_ip(g, ppt_tip_pge, next);
	}
	flush_tnt(g);
}

static void write_file(const char *base, const char *ext, const void *data,
		       size_t len)
{
	char path[4096];
	FILE *fp;

	snprintf(path, sizeof(path), "%s%s", base, ext);
	fp = fopen(path, "w");
	if (!fp || fwrite(data, 1, len, fp) != len || fclose(fp))
		die(path);
}

static void write_image(const char *base)
{
	char path[4096];
	uint64_t off = 0;
	FILE *img, *map;
	size_t i;

	snprintf(path, sizeof(path), "%s.img", base);
	img = fopen(path, "w");
	snprintf(path, sizeof(path), "%s.map", base);
	map = fopen(path, "w");
	if (!img || !map)
		die(path);
	for (i = 0; i < nsects; i++) {
		if (fwrite(sects[i].bytes, 1, sects[i].size, img) !=
		    sects[i].size)
			die("write image");
		fprintf(map, "%#" PRIx64 " %#" PRIx64 " %#" PRIx64 "\n",
			sects[i].vaddr, sects[i].size, off);
		off += sects[i].size;
	}
	if (fclose(img) || fclose(map))
		die("close image");
}

/* Encodes the recorded flow into OUT.pt (or with return compression). */
static void encode(const char *out, int retcomp, int cyc, size_t ovf)
{
	struct pt_config cfg;
	struct gen g = { .retcomp = retcomp, .cyc = cyc, .ovf = ovf,
			 .ovf_next = ovf };
	char path[4096];
	uint64_t size;

	g.cap = nips * 16 + (1 << 16);
	g.buf = malloc(g.cap);
	if (!g.buf)
		die("malloc");
	pt_config_init(&cfg);
	cfg.begin = g.buf;
	cfg.end = g.buf + g.cap;
	g.enc = pt_alloc_encoder(&cfg);
	if (!g.enc)
		die("pt_alloc_encoder");
	snprintf(path, sizeof(path), "%s.branches", out);
	g.branches = fopen(path, "w");
	if (!g.branches)
		die(path);
	snprintf(path, sizeof(path), "%s.times", out);
	g.times = fopen(path, "w");
	if (!g.times)
		die(path);
	snprintf(path, sizeof(path), "%s.prepsb", out);
	g.prepsb = fopen(path, "w");
	if (!g.prepsb)
		die(path);
	generate(&g);
	if (g.untimed)
		bad_flow(0, 0, "events without a packet at the end");
	if (fclose(g.branches) || fclose(g.times) || fclose(g.prepsb))
		die(path);
	free(g.line_insn);
	size = enc_offset(&g);
	write_file(out, ".pt", g.buf, size);
	write_image(out);
	printf("gt-record: %s: %zu instructions, %lu events, %" PRIu64
	       " bytes of trace (%s%s), %zu sections", out, nips, g.nbranch,
	       size, retcomp ? "compressed returns" : "returns as tip",
	       cyc ? ", cyc" : "", nsects);
	if (ovf)
		printf(", %lu overflows", g.losses);
	printf("\n");
	pt_free_encoder(g.enc);
	free(g.buf);
}

/* The flow's traces: OUT (returns as TIPs), OUT-rc, and OUT-cyc, OUT-ovf when asked. */
static void encode_flow(const char *out, int cyc, size_t ovf)
{
	char rc[4200];

	encode(out, 0, 0, 0);
	snprintf(rc, sizeof(rc), "%s-rc", out);
	encode(rc, 1, 0, 0);
	if (cyc) {
		snprintf(rc, sizeof(rc), "%s-cyc", out);
		encode(rc, 1, 1, 0);
	}
	if (ovf) {
		snprintf(rc, sizeof(rc), "%s-ovf", out);
		encode(rc, 1, 0, ovf);
	}
}

/*
 * The flows of the threads the program created: OUT.tid-N.* for thread N
 * (1, 2, ... in the order they were seen), and OUT.threads, "N TID" per
 * thread, 0 the one exec ran.
 */
static void encode_threads(const char *out)
{
	char path[4096];
	size_t late;
	FILE *f;

	snprintf(path, sizeof(path), "%s.threads", out);
	f = fopen(path, "w");
	if (!f)
		die(path);
	fprintf(f, "0 %d\n", thr[0].tid);
	for (size_t k = 1; k < nthreads; k++) {
		use_thread(k);
		snprintf(path, sizeof(path), "%s.tid-%zu", out, k);
		late = fill_late_steps();
		if (!nips) {
			fprintf(stderr, "gt-record: thread %d ran nothing\n", thr[k].tid);
			exit(2);
		}
		if (late)
			printf("gt-record: %s: %zu steps trapped late: their middle instruction is filled in\n",
			       path, late);
		encode_flow(path, 0, 0);
		fprintf(f, "%zu %d\n", k, thr[k].tid);
	}
	if (fclose(f))
		die("OUT.threads");
}

static void add_kernel_ip(uint64_t ip, enum gt_walk_step step)
{
	add_ip(ip, step == GT_WALK_AGAIN ? IPF_SIGNAL : step == GT_WALK_STOP ? IPF_STOP : 0);
}

/* The flow of a walk through the running kernel's code (gt_kernel.h). */
static void record_kernel(const char *func, const char *n, const char *seed)
{
	static struct gt_ktext kt;
	char err[512];

	if (gt_ktext_load(&kt, "/proc/kallsyms", "/proc/kcore", func, err,
			  sizeof(err))) {
		fprintf(stderr, "gt-record: %s\n", err);
		exit(2);
	}
	sects = calloc(1, sizeof(*sects));
	if (!sects)
		die("calloc");
	sects[0] = (struct section){ kt.vaddr, kt.size, kt.bytes };
	nsects = 1;
	gt_kernel_walk(&kt, strtoul(n, NULL, 0), strtoul(seed, NULL, 0),
		       add_kernel_ip);
}

int main(int argc, char **argv)
{
	size_t ovf = 0;
	int cyc = 0;
	int kernel = argc == 6 && !strcmp(argv[1], "--kernel");
	char files[4096];
	size_t late = 0;

	while (!kernel) {
		if (argc > 1 && !strcmp(argv[1], "--cyc")) {
			cyc = 1;
			argv++;
			argc--;
		} else if (argc > 2 && !strcmp(argv[1], "--ovf")) {
			ovf = strtoul(argv[2], NULL, 0);
			if (!ovf) {
				fprintf(stderr, "gt-record: --ovf needs a positive count\n");
				return 2;
			}
			argv += 2;
			argc -= 2;
		} else if (argc > 1 && !strcmp(argv[1], "--late-cpuid")) {
			late_cpuid = 1;
			argv++;
			argc--;
		} else if (argc > 2 && !strcmp(argv[1], "--start")) {
			start_at = strtoul(argv[2], NULL, 0);
			argv += 2;
			argc -= 2;
		} else if (argc > 1 && !strcmp(argv[1], "--late-sample")) {
			late_sample_wanted = 1;
			argv++;
			argc--;
		} else if (argc > 2 && !strcmp(argv[1], "--tsc0")) {
			tsc0 = strtoull(argv[2], NULL, 0);
			argv += 2;
			argc -= 2;
		} else {
			break;
		}
	}
	if (kernel) {
		record_kernel(argv[2], argv[3], argv[4]);
		argv[1] = argv[5];	/* OUT */
	} else {
		if (argc < 4 || strcmp(argv[2], "--")) {
			fprintf(stderr,
				"usage: gt-record [--cyc] [--ovf N] [--tsc0 N] [--late-cpuid] [--start N [--late-sample]]\n"
				"                 OUT -- PROG [ARGS...]\n"
				"       gt-record --kernel FUNC N SEED OUT\n");
			return 2;
		}
		snprintf(files, sizeof(files), "%s.files", argv[1]);
		files_out = files;
		record(argv + 3);
		use_thread(0);
		if (nthreads > 1 && (cyc || ovf || start_at)) {
			fprintf(stderr, "gt-record: --cyc, --ovf and --start trace one thread; the program ran %zu\n",
				nthreads);
			return 2;
		}
		late = fill_late_steps();
		if (start_at)
			start_late(argv[1]);
	}
	if (!nips || !nsects) {
		fprintf(stderr, "gt-record: nothing recorded\n");
		return 2;
	}
	if (late)
		printf("gt-record: %zu steps trapped late: their middle instruction is filled in\n",
		       late);
	encode_flow(argv[1], cyc, ovf);
	if (nthreads > 1)
		encode_threads(argv[1]);
	return 0;
}
