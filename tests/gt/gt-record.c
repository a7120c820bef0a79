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
static int late_cpuid;		/* --late-cpuid: simulate late traps */
static size_t start_at;		/* --start: the first traced instruction (0: all) */
static struct gt_start_sample start_sample;	/* taken there */
static int late_sample_wanted;	/* --late-sample */
static struct gt_start_sample late_sample;	/* after the first syscall traced */
static size_t late_at;		/* the index of its instruction in ips, then */

/* --tsc0: the first instruction's time (traces of several processes follow each other) */
static uint64_t tsc0 = GT_TSC0;

/* The synthetic clock: GT_TSC_PER_INSN ticks per recorded instruction. */
static uint64_t tsc_at(size_t i)
{
	return tsc0 + (uint64_t)i * GT_TSC_PER_INSN;
}

static const char *files_out;	/* OUT.files: the file mappings (gt_filemaps.h) */

static void die(const char *what)
{
	fprintf(stderr, "gt-record: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void add_ip(uint64_t ip, uint8_t flags)
{
	if (nips == capips) {
		capips = capips ? 2 * capips : 1 << 16;
		ips = realloc(ips, capips * sizeof(*ips));
		ipf = realloc(ipf, capips);
		if (!ips || !ipf)
			die("realloc");
	}
	ipf[nips] = flags;
	ips[nips++] = ip;
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

static int exit_stop(pid_t pid, int status)
{
	if (status >> 8 != (SIGTRAP | PTRACE_EVENT_EXIT << 8))
		return 0;
	dump_maps(pid, 0, UINT64_MAX);
	if (files_out && gt_filemaps_write(files_out))
		die(files_out);
	ptrace(PTRACE_CONT, pid, NULL, NULL);
	waitpid(pid, &status, 0);
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
 * Single-steps the program, one recorded address per step. A stop for
 * another signal than SIGTRAP ran no instruction (or ran the previous one
 * if the rip moved, e.g. the kill() syscall raising it): the signal is
 * passed on with the next step, which stops at the handler's first
 * instruction without running anything; that address is flagged
 * IPF_SIGNAL: the instruction before it never ran. With --late-cpuid a
 * step that ran a cpuid and stopped right after it is not recorded: the
 * next step's landing is, as a late trap would have it.
 */
static void record(char **argv)
{
	int status, sig = 0, delivered;
	pid_t pid = fork();
	uint64_t ip;

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
		   (void *)(PTRACE_O_TRACEEXIT | PTRACE_O_EXITKILL)) < 0)
		die("PTRACE_SETOPTIONS");
	add_ip(get_ip(pid), 0);
	gt_filemaps_scan(pid, 0);	/* what exec mapped: before the trace */
	for (;;) {
		if (start_at && !start_sample.body && nips - 1 == start_at)
			gt_start_capture(pid, &start_sample);
		else if (late_sample_wanted && start_sample.body && !late_sample.body &&
			 nips >= 2 && insn_is(pid, ips[nips - 2], OP_SYSCALL)) {
			gt_start_capture(pid, &late_sample);
			late_at = nips - 1;
		}
		if (nips >= MAX_STEPS) {
			fprintf(stderr, "gt-record: more than %lu steps\n",
				MAX_STEPS);
			kill(pid, SIGKILL);
			exit(2);
		}
		/* dlclose(): the code of what munmap() removes, while it is there */
		if (tracee_regs.rax == SYS_munmap && insn_is(pid, tracee_regs.rip, OP_SYSCALL))
			dump_maps(pid, tracee_regs.rdi, tracee_regs.rdi + tracee_regs.rsi);
		if (ptrace(PTRACE_SINGLESTEP, pid, NULL,
			   (void *)(long)sig) < 0)
			die("PTRACE_SINGLESTEP");
		delivered = sig;
		sig = 0;
		if (waitpid(pid, &status, 0) < 0)
			die("waitpid");
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			fprintf(stderr, "gt-record: exited early\n");
			exit(2);
		}
		if (exit_stop(pid, status))
			return;
		ip = get_ip(pid);
		/* an mmap() (ld.so, dlopen) is seen when its syscall returns */
		if (last_syscall >= 0)
			gt_filemaps_scan(pid, tsc_at(nips));
		if (WSTOPSIG(status) != SIGTRAP) {
			if (ip != ips[nips - 1])
				add_ip(ip, 0);
			sig = WSTOPSIG(status);
			continue;
		}
		if (late_cpuid && !delivered && ip == ips[nips - 1] + 2 &&
		    insn_is(pid, ips[nips - 1], OP_CPUID))
			continue;
		add_ip(ip, delivered ? IPF_SIGNAL : 0);
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
	size_t i, n = nips, added = 0;

	ips = NULL;
	ipf = NULL;
	nips = capips = 0;
	for (i = 0; i < n; i++) {
		if (i && !(old_ipf[i] & IPF_SIGNAL) &&
		    gt_step_check(decode_step, NULL, old_ips[i - 1], old_ips[i],
				  &between) == GT_STEP_TWO) {
			late_before = realloc(late_before, (nlate_before + 1) * sizeof(*late_before));
			if (!late_before)
				die("realloc");
			late_before[nlate_before++] = i;
			add_ip(between, 0);
			added++;
		}
		add_ip(old_ips[i], old_ipf[i]);
	}
	free(old_ips);
	free(old_ipf);
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
	char rc[4096], files[4096];
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
	encode(argv[1], 0, 0, 0);
	snprintf(rc, sizeof(rc), "%s-rc", argv[1]);
	encode(rc, 1, 0, 0);
	if (cyc) {
		snprintf(rc, sizeof(rc), "%s-cyc", argv[1]);
		encode(rc, 1, 1, 0);
	}
	if (ovf) {
		snprintf(rc, sizeof(rc), "%s-ovf", argv[1]);
		encode(rc, 1, 0, ovf);
	}
	return 0;
}
