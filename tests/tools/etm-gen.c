// SPDX-License-Identifier: GPL-2.0
/*
 * etm-gen.c - the cs_etm ground truth: turns the executed PCs of an
 * AArch64 program (qemu-aarch64 -singlestep -d exec,nochain's log: one
 * "Trace N: HOST [FLAGS/PC/...]" line per instruction) into ETMv4
 * instruction trace, wraps it in a perf.data as arm64 perf records
 * cs_etm, and writes the taken transfers a decoder must find.
 *
 * Usage: etm-gen [--repeat N] [--v0 | --ete | --raw | --damage | --threads [--own-code] | --thread | --two-ids [--cpus=A,B,C] [--own-code]] [--timestamps[=BASE] [--rename=TIME]] LOG ELF MAIN OUT.data EXPECTED
 *        etm-gen --stream PID [--timestamps[=BASE]] LOG ELF MAIN OUT.bin EXPECTED
 *        etm-gen --fuzz-input INPUT OUT.elf OUT.data EXPECTED
 *
 * The traced window is the call of MAIN (an address, e.g. main's): from
 * its first instruction up to the return to its caller (after the last
 * call before it: main is reached by a tail call from glibc's
 * __wrap_main), and on to the next branch instruction (so that the return is followed by a range).
 * The code comes from ELF (a static AArch64 executable), whose executable
 * PT_LOAD is mapped by an MMAP2 of ELF in the file.
 *
 * The encoder (ETMv4.2, IHI0064, as OpenCSD reads it): each AUX chunk
 * starts with A-sync, Trace Info, Trace On, and an Address-with-Context
 * packet (64-bit IS0: EL0, AArch64, non-secure, context ID = the pid);
 * then one atom per branch instruction executed (B, BL, B.cond, CBZ,
 * CBNZ, TBZ, TBNZ, BR, BLR, RET and the other unconditional branches to
 * a register): E when the next PC is not the one after it, else N, packed
 * three to an atom format 3 packet where possible (else format 2 and 1).
 * A taken branch to a register is followed by its target as an exact
 * match (the target is in the 3-entry address history), a short address
 * (1 or 2 bytes: only bits 2-8 or 2-16 differ from the last address) or
 * a long 64-bit address. Every SYNC_PERIOD bytes, after a branch, comes
 * a periodic A-sync, Trace Info and Address with Context of the next
 * instruction (a decoder in sync just goes on). An SVC (qemu-user runs the system call between
 * two instructions of the log) is written as user-only tracing shows it:
 * an Exception packet (type 2, with the preferred return address), then
 * Trace On and the address where user code resumes; EXPECTED has a trace
 * end (a syscall) at the SVC and a trace begin there. Any other change of
 * flow is refused. The trace of trace ID 0x10 (CPU 0) goes into
 * 16-byte CoreSight frames, each starting with its ID; the last frame
 * switches to the null ID 0 for its padding.
 *
 * The perf.data (auxrec's writer): a cs_etm attr (config: context ID,
 * no timestamps, so perf decodes it timeless), sample_id_all; version 1
 * cs_etm AUXTRACE_INFO with ETMv4 blocks for CPUs 0 and 1 (trace IDs
 * 0x10, 0x12, a Cortex-A53's ID registers, TRCCONFIGR with context ID
 * tracing); COMM and MMAP2 of ELF; the trace in two AUX chunks (split at
 * the middle branch, per CPU 0 as perf -a records them). With --repeat N
 * the window's trace is written N times into each chunk, for benchmarks.
 * --v0 writes AUXTRACE_INFO header version 0 (blocks without their
 * parameter count, as perf before 5.11 wrote them); --ete writes ETE
 * blocks (TRCDEVARCH of an ETE, TRCIDR1 architecture 0xf) instead;
 * --damage makes the last byte before the first periodic A-sync of each
 * chunk (an atom or address byte) the reserved header 0x08, EXPECTED
 * staying that of the undamaged trace.
 * --raw leaves the trace unformatted, as an ETE writes it into a TRBE (so
 * ETE blocks too), padded to 64 bytes with ETE Ignore packets as Linux's
 * TRBE driver pads (coresight-trbe.c), and flags the AUX records
 * PERF_AUX_FLAG_CORESIGHT_FORMAT_RAW.
 *
 * --threads traces two processes of the same program (pids 4242 and
 * 4243, comms etm-prog and etm-prog-b, an MMAP2 of ELF each), as perf
 * -a records a CPU that switches between them, in one chunk: the first
 * half of the window in the first, then Trace On and an Address with
 * Context packet naming the second (user-only tracing stops in the
 * kernel's switch) and the second half there; EXPECTED's lines end with
 * the tid (context ID) each event belongs to.
 * --thread is --threads with 4243 a thread of 4242 (a COMM record of pid
 * 4242, tid 4243, named as the process, as clone() leaves it; no mapping
 * of its own): its events belong to process 4242.
 * --two-ids traces the two processes of --threads on two CPUs sharing a
 * sink (an ETR: perf's per-thread mode, or CPU-wide CPUs on one sink), in
 * one chunk: the first half of the window in 4242 as trace ID 0x10 (CPU
 * 0's ETM), the second half in 4243 as 0x12 (CPU 1's), each stream with
 * its own sync and context ID, their frames alternating (then the longer
 * one's rest); with --timestamps the second stream's clock starts a tick
 * after the first's, so that the streams' timestamps interleave and one
 * steps back from the other's in the chunk. EXPECTED: the events of 0x10,
 * then those of 0x12, each with its own stream's tid and time.
 * --cpus=A,B,C (with --two-ids): the AUXTRACE_INFO blocks of trace IDs
 * 0x10 and 0x12 are of CPUs A and B (default 0 and 1), and the chunk is
 * CPU C's buffer (default 0; -1: a per-thread buffer of 4242), so that
 * each ID's events have a CPU of their own, neither the buffer's.
 * --own-code (with --two-ids, after --cpus, or --threads): 4242 and 4243 map ELF.4242
 * and ELF.4243, copies of ELF in which the instructions only the other
 * stream executes are changed (a branch into a NOP, any other into a B to
 * the next): different code at the same addresses, which a
 * decoder must read from each trace ID's own process (EXPECTED as without).
 * --rename=TIME (with --timestamps, not --thread) adds a COMM record of
 * 4243 (with --threads; else of 4242, the two chunks' process) at perf
 * time TIME, without the exec flag, naming it etm-prog-c: its events
 * from TIME on have that name.
 * --timestamps[=BASE] adds ETMv4 Timestamp packets whose values follow
 * the instruction count from BASE (see TS_PER_INSN below), the timestamp option in the
 * attr's config and TRCCONFIGR, and a TIME_CONV record; EXPECTED's lines
 * end with the perf time (ns) of the last timestamp before each event.
 * --stream PID writes no perf.data: OUT.bin gets the frame-formatted
 * trace of the whole window as one chunk, context ID PID, for a PMU to
 * replay into an AUX area (the auxtest module as cs_etm in the guest,
 * tests/vm/t-cs-etm-guest.sh), and EXPECTED the events of that one chunk.
 *
 * --fuzz-input takes no log: INPUT is an input of the libFuzzer target
 * tests/fuzz/fuzz_cs_etm.c (flags byte, count of AUXTRACE_INFO words, the
 * words, the AUX chunk); OUT.elf gets that target's code
 * (tests/fuzz/cs_etm_code.h) as an AArch64 executable loaded at its
 * address, and OUT.data the words as they are (the AUXTRACE_INFO), COMM
 * and MMAP2 of OUT.elf, and the chunk as an AUX record of CPU 0 with the
 * input's flags (raw, truncated): the fuzz input through `auxrec script`.
 * A second AUX record follows, a sound trace of a walk through that code
 * (fuzz_path()), framed for trace ID 0x10 unless the input is raw; its
 * events go to EXPECTED: what a decode that goes on after the input's
 * chunk gives.
 *
 * EXPECTED: one line per event a decoder must give, "kind from to":
 * tr_strt 0 TO, BRANCH-KIND FROM TO (call, return, jcc, jmp),
 * tr_end/syscall SVC 0 and tr_strt 0 RESUME around a system call, and
 * tr_end/KIND FROM 0 at each chunk's end, KIND that of its last branch,
 * taken or not (when taken, its target starts the next chunk).
 */
#include <endian.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include "decoders/cs_etm/cs_etm.h"
#include "lib/perf_data/perf_data.h"
#include "tests/fuzz/cs_etm_code.h"
#include "tests/tools/tool_pd.h"

#define ETM_TYPE	8	/* the PMU type of cs_etm in the file */
#define TRACE_ID	0x10

static const uint64_t sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_TIME |
				    PERF_SAMPLE_CPU | PERF_SAMPLE_IDENTIFIER;

static __attribute__((noreturn)) void die(const char *what, const char *why)
{
	fprintf(stderr, "etm-gen: %s: %s\n", what, why);
	exit(1);
}

/* ------------------------------------------------------------ input */

struct image {
	uint8_t *file;
	size_t size;
	uint64_t vaddr, filesz, offset;	/* the executable PT_LOAD */
};

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *p;
	long n;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) <= 0)
		die(path, "cannot read");
	rewind(f);
	p = malloc(n + 1);
	if (!p || fread(p, 1, n, f) != (size_t)n)
		die(path, "cannot read");
	fclose(f);
	p[n] = 0;
	*len = n;
	return p;
}

static void load_elf(const char *path, struct image *im)
{
	const uint8_t *e;
	uint64_t phoff;
	uint16_t phnum, phentsize;

	im->file = slurp(path, &im->size);
	e = im->file;
	if (im->size < 64 || memcmp(e, "\177ELF\2\1", 6) || le16toh(*(uint16_t *)(e + 18)) != 183)
		die(path, "not a little-endian AArch64 ELF64 file");
	memcpy(&phoff, e + 32, 8);
	memcpy(&phentsize, e + 54, 2);
	memcpy(&phnum, e + 56, 2);
	for (uint16_t i = 0; i < phnum; i++) {
		const uint8_t *ph = e + phoff + (uint64_t)i * phentsize;
		uint32_t type, flags;

		if (phoff + (uint64_t)(i + 1) * phentsize > im->size)
			break;
		memcpy(&type, ph, 4);
		memcpy(&flags, ph + 4, 4);
		if (type == 1 && (flags & 1)) {	/* PT_LOAD, PF_X */
			memcpy(&im->offset, ph + 8, 8);
			memcpy(&im->vaddr, ph + 16, 8);
			memcpy(&im->filesz, ph + 32, 8);
			if (im->offset + im->filesz > im->size)
				die(path, "PT_LOAD past the end of the file");
			return;
		}
	}
	die(path, "no executable PT_LOAD");
}

static uint32_t insn_at(const struct image *im, uint64_t pc)
{
	uint32_t v;

	if (pc < im->vaddr || pc + 4 > im->vaddr + im->filesz)
		die("code", "a PC of the window is outside the executable segment");
	memcpy(&v, im->file + im->offset + (pc - im->vaddr), 4);
	return le32toh(v);
}

/* The guest PCs of the log, in order. */
static uint64_t *load_pcs(const char *path, size_t *nr)
{
	size_t len, n = 0, cap = 1 << 16;
	char *s = (char *)slurp(path, &len), *line, *save = NULL;
	uint64_t *pc = malloc(cap * sizeof(*pc));

	for (line = strtok_r(s, "\n", &save); line && pc; line = strtok_r(NULL, "\n", &save)) {
		char *b = strchr(line, '['), *slash = b ? strchr(b, '/') : NULL;

		if (strncmp(line, "Trace ", 6) || !slash)
			continue;
		if (n == cap)
			pc = realloc(pc, (cap *= 2) * sizeof(*pc));
		if (pc)
			pc[n++] = strtoull(slash + 1, NULL, 16);
	}
	if (!pc)
		die(path, "out of memory");
	free(s);
	*nr = n;
	return pc;
}

/* ------------------------------------------------------------ A64 */

enum br { BR_NONE, BR_DIRECT, BR_COND, BR_CALL, BR_IND, BR_IND_CALL, BR_RET };

static enum br classify(uint32_t i)
{
	if ((i & 0xfc000000) == 0x14000000)
		return BR_DIRECT;			/* B */
	if ((i & 0xfc000000) == 0x94000000)
		return BR_CALL;				/* BL */
	if ((i & 0xff000010) == 0x54000000 ||		/* B.cond */
	    (i & 0x7e000000) == 0x34000000 ||		/* CBZ, CBNZ */
	    (i & 0x7e000000) == 0x36000000)		/* TBZ, TBNZ */
		return BR_COND;
	if ((i & 0xfe000000) == 0xd6000000) {		/* branch to register */
		uint32_t opc = (i >> 21) & 0xf;

		return opc == 1 ? BR_IND_CALL : opc == 2 ? BR_RET : BR_IND;
	}
	return BR_NONE;
}

static const char *kind_name(enum br b)
{
	switch (b) {
	case BR_CALL:
	case BR_IND_CALL:
		return "call";
	case BR_RET:
		return "return";
	case BR_COND:
		return "jcc";
	default:
		return "jmp";
	}
}

/* ------------------------------------------------------------ ETMv4 */

static int ete, v0, raw, damage, threads, thread, two_ids, own_code, timestamps;	/* the options */
static uint64_t ts_base = 0x1000000;	/* --timestamps=BASE */
static uint64_t rename_at;	/* --rename=TIME: 4243 (4242) renamed etm-prog-c then */
static uint32_t pid = 4242;	/* the traced process: context ID, COMM, MMAP2 */
static int id_cpu[2] = { 0, 1 }, buf_cpu;	/* --cpus=A,B,C */
static char *own_elf[2];	/* --own-code: 4242's and 4243's copies of ELF */
static int stream;		/* --stream: the AUX bytes only */

#define SYNC_PERIOD	1024	/* trace bytes between A-syncs, as TRCSYNCPR 2^10 */

struct etm {
	uint8_t *p;
	size_t n, cap;
	size_t last_sync;	/* where the last A-sync starts */
	size_t damage_at;	/* --damage: offset of the byte made reserved */
	uint64_t hist[3];	/* address history, [0] the latest */
	uint8_t atoms;		/* pending atoms, oldest in bit 0 */
	int nr_atoms;
	uint64_t stats[4];	/* addresses: exact, short, long, atoms packets */
	uint32_t cid;		/* the context ID of the thread traced */
	uint64_t ts;		/* --timestamps: the last timestamp written */
	uint64_t ts_off;	/* added to the clock (modulo 2^64) */
	uint64_t taken;		/* taken branches so far */
};

/*
 * --timestamps[=BASE]: the trace's clock is the instruction count (the
 * index in the log) times TS_PER_INSN from BASE (default 0x1000000: the
 * guest test gives a TSC value, so that times fall after the recording's
 * time_zero), and a TIME_CONV written here converts it
 * to TS_ZERO + 40 ns a tick (shift 4, mult 640: exact); a timestamp
 * follows each sync or switch and every TS_EVERY-th taken branch.
 */
#define TS_PER_INSN	3
#define TS_SHIFT	4
#define TS_MULT		640
#define TS_ZERO		1000000000ull
#define TS_EVERY	3

static void put(struct etm *t, uint8_t b)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 4096;
		t->p = realloc(t->p, t->cap);
		if (!t->p)
			die("encoder", "out of memory");
	}
	t->p[t->n++] = b;
}

static void push_addr(struct etm *t, uint64_t a)
{
	t->hist[2] = t->hist[1];
	t->hist[1] = t->hist[0];
	t->hist[0] = a;
}

static void flush_atoms(struct etm *t)
{
	while (t->nr_atoms) {
		int n = t->nr_atoms >= 3 ? 3 : t->nr_atoms;
		uint8_t bits = t->atoms & ((1 << n) - 1);

		/* format 3: 0xf8 | EEE; format 2: 0xd8 | EE; format 1: 0xf6 | E */
		put(t, n == 3 ? 0xf8 | bits : n == 2 ? 0xd8 | bits : 0xf6 | bits);
		t->atoms >>= n;
		t->nr_atoms -= n;
		t->stats[3]++;
	}
}

static void atom(struct etm *t, int taken)
{
	t->atoms |= taken << t->nr_atoms;
	if (++t->nr_atoms == 3)
		flush_atoms(t);
}

/* 64-bit IS0 address payload: A[8:2], A[15:9], then A[63:16] a byte each */
static void put_long64(struct etm *t, uint64_t a)
{
	put(t, (a >> 2) & 0x7f);
	put(t, (a >> 9) & 0x7f);
	for (int s = 16; s < 64; s += 8)
		put(t, a >> s);
}

static void address(struct etm *t, uint64_t a)
{
	flush_atoms(t);
	for (int i = 0; i < 3; i++) {
		if (t->hist[i] == a) {
			put(t, 0x90 + i);		/* exact match */
			t->stats[0]++;
			push_addr(t, a);
			return;
		}
	}
	if ((a >> 9) == (t->hist[0] >> 9)) {
		put(t, 0x95);				/* short, IS0, 1 byte */
		put(t, (a >> 2) & 0x7f);
		t->stats[1]++;
	} else if ((a >> 17) == (t->hist[0] >> 17)) {
		put(t, 0x95);				/* short, IS0, 2 bytes */
		put(t, 0x80 | ((a >> 2) & 0x7f));
		put(t, a >> 9);
		t->stats[1]++;
	} else {
		put(t, 0x9d);				/* long, 64-bit IS0 */
		put_long64(t, a);
		t->stats[2]++;
	}
	push_addr(t, a);
}

/* A-sync, Trace Info, Address with Context: where a decoder can sync. */
/* Address with Context: next, in the thread of context ID t->cid. */
static void address_context(struct etm *t, uint64_t next)
{
	put(t, 0x85);		/* address with context, 64-bit IS0 */
	put_long64(t, next);
	put(t, 0x80 | 0x20 | 0x10);	/* context ID present, NS, AArch64, EL0 */
	for (int s = 0; s < 32; s += 8)
		put(t, t->cid >> s);
	push_addr(t, next);
}

/* A-sync, Trace Info, Address with Context: where a decoder can sync. */
static void sync(struct etm *t, uint64_t next, int trace_on)
{
	t->last_sync = t->n;
	for (int i = 0; i < 11; i++)
		put(t, 0);
	put(t, 0x80);
	put(t, 0x01);		/* trace info: no sections (all zero) */
	put(t, 0x00);
	if (trace_on)
		put(t, 0x04);
	memset(t->hist, 0, sizeof(t->hist));
	address_context(t, next);
}

/*
 * --threads: the thread of context ID cid runs from next on. Tracing
 * (user only) was off in the kernel's switch: Trace On, then where the
 * new thread resumes, with its context.
 */
static void switch_to(struct etm *t, uint32_t cid, uint64_t next)
{
	flush_atoms(t);
	put(t, 0x04);
	t->cid = cid;
	address_context(t, next);
}

/*
 * Timestamp packet (no cycle count) of the instruction at log index k:
 * all 64 bits, seven a byte with a continuation bit, the ninth byte eight.
 */
static void timestamp(struct etm *t, size_t k)
{
	uint64_t ts = ts_base + TS_PER_INSN * (uint64_t)k + t->ts_off;

	flush_atoms(t);
	put(t, 0x02);
	for (int i = 0; i < 8; i++)
		put(t, 0x80 | ((ts >> (7 * i)) & 0x7f));
	put(t, ts >> 56);
	t->ts = ts;
}

/*
 * An EXPECTED line; with --threads the tid (context ID) after it, with
 * --timestamps the perf time of the last timestamp.
 */
static void expect(FILE *exp, const struct etm *t, const char *kind, uint64_t from, uint64_t to)
{
	if (!exp)
		return;
	fprintf(exp, "%s 0x%" PRIx64 " 0x%" PRIx64, kind, from, to);
	if (threads)
		fprintf(exp, " %u", t->cid);
	if (timestamps)
		fprintf(exp, " %" PRIu64, (uint64_t)(TS_ZERO + t->ts * (TS_MULT >> TS_SHIFT)));
	fputc('\n', exp);
}

static int is_svc(uint32_t i)
{
	return (i & 0xffe0001f) == 0xd4000001;
}

/*
 * SVC at pc, back at ret: an Exception packet (type 2, a call; the
 * preferred return address as its address), then, as tracing was off
 * in the kernel (user-only tracing), Trace On and the address it resumes
 * at.
 */
static void syscall(struct etm *t, uint64_t pc, uint64_t ret)
{
	flush_atoms(t);
	put(t, 0x06);
	put(t, 2 << 1);
	address(t, pc + 4);
	put(t, 0x04);
	address(t, ret);
}

/*
 * The trace of pcs[from..to] (to: a branch), and its events to exp; it
 * starts with a sync, or (switch_cid non-zero) with a switch to the
 * thread of that context ID.
 */
static void encode(struct etm *t, const struct image *im, const uint64_t *pc, size_t from,
		   size_t to, uint32_t switch_cid, FILE *exp)
{
	if (switch_cid)
		switch_to(t, switch_cid, pc[from]);
	else
		sync(t, pc[from], 1);
	if (timestamps)
		timestamp(t, from);
	expect(exp, t, "tr_strt", 0, pc[from]);
	for (size_t k = from; k <= to; k++) {
		enum br b = classify(insn_at(im, pc[k]));
		int taken = pc[k + 1] != pc[k] + 4;

		if (b == BR_NONE && is_svc(insn_at(im, pc[k]))) {
			syscall(t, pc[k], pc[k + 1]);
			expect(exp, t, "tr_end/syscall", pc[k], 0);
			expect(exp, t, "tr_strt", 0, pc[k + 1]);
			continue;
		}
		if (b == BR_NONE) {
			if (taken)
				die("log", "a change of flow after an instruction that is no branch");
			continue;
		}
		atom(t, taken);
		if (taken && (b == BR_IND || b == BR_IND_CALL || b == BR_RET))
			address(t, pc[k + 1]);
		if (timestamps && taken && ++t->taken % TS_EVERY == 0)
			timestamp(t, k);
		if (k < to && t->n - t->last_sync >= SYNC_PERIOD) {
			flush_atoms(t);
			if (damage && !t->damage_at)
				t->damage_at = t->n - 1;
			sync(t, pc[k + 1], 0);
		}
		if (k == to) {
			char end[32];

			snprintf(end, sizeof(end), "tr_end/%s", kind_name(b));
			expect(exp, t, end, pc[k], 0);
		} else if (taken) {
			expect(exp, t, kind_name(b), pc[k], pc[k + 1]);
		}
	}
	flush_atoms(t);
}

/* Data byte d at position k of frame fr: an even one's bit 0 in byte 15. */
static void frame_data(uint8_t *fr, size_t k, uint8_t d)
{
	if (k % 2) {
		fr[k] = d;
	} else {
		fr[k] = d & 0xfe;
		fr[15] |= (d & 1) << (k / 2);
	}
}

/* CoreSight frames of data for trace ID id (see the top of the file). */
static uint8_t *frame(const uint8_t *data, size_t n, uint8_t id, size_t *out_len)
{
	size_t nr = (n + 13) / 14, o = 0;
	uint8_t *f = calloc(nr ? nr : 1, 16);

	if (!f)
		die("frames", "out of memory");
	for (size_t i = 0; i < nr; i++) {
		uint8_t *fr = f + 16 * i;
		size_t r = n - o < 14 ? n - o : 14;
		/* an even count ends with the null ID, effective one byte later */
		size_t last = r == 14 || r % 2 ? r : r - 1;

		fr[0] = id << 1 | 1;
		for (size_t k = 1; k <= last; k++)
			frame_data(fr, k, data[o++]);
		if (last < r) {
			fr[r] = 0x01;
			fr[15] |= 1 << (r / 2);
			fr[r + 1] = data[o++];
		} else if (r < 14) {
			fr[r + 1] = 0x01;	/* null ID: padding */
		}
	}
	*out_len = nr * 16;
	return f;
}

/* --stream: the framed trace of pcs[first..last] alone, one chunk. */
static void write_stream(const char *out, const struct image *im, const uint64_t *pc,
			 size_t first, size_t last, FILE *exp)
{
	struct etm t = { .cid = pid };
	size_t flen;
	uint8_t *f;
	FILE *o;

	encode(&t, im, pc, first, last, 0, exp);
	f = frame(t.p, t.n, TRACE_ID, &flen);
	o = fopen(out, "wb");
	if (!o || fwrite(f, 1, flen, o) != flen || fclose(o) || fclose(exp))
		die(out, "write failed");
	fprintf(stderr, "etm-gen: %zu trace bytes, %zu framed, context ID %u\n", t.n, flen, pid);
	free(f);
	free(t.p);
}

/* ------------------------------------------------------------ perf.data */

static void put_as(struct pd_writer *w, void *rec, size_t len, const char *str, uint64_t time)
{
	struct pd_sample_id sid = { .pid = pid, .tid = pid, .time = time, .id = 100,
				    .cpu = buf_cpu < 0 ? 0 : (uint32_t)buf_cpu };
	int err = tool_put_record(w, sample_type, rec, len, str, &sid);

	if (err == -ENAMETOOLONG)
		die("record", "name too long");
	if (err)
		die("perf.data", "write failed");
}

static void cpu_block(struct cs_cpu_info *c, int cpu, uint8_t trace_id)
{
	memset(c, 0, sizeof(*c));
	c->magic = ete ? CS_MAGIC_ETE : CS_MAGIC_ETMV4;
	c->cpu = cpu;
	c->param[CS_V4_TRCCONFIGR] = 1 << 6 | timestamps << 11;	/* context ID, TS */
	c->param[CS_V4_TRCTRACEIDR] = trace_id;
	c->param[CS_V4_TRCIDR0] = 0x28000ea1;
	c->param[CS_V4_TRCIDR1] = 0x4100f424;		/* ETMv4.2 */
	c->param[CS_V4_TRCIDR2] = 0x20001088;		/* 64-bit addresses, 32-bit CID */
	c->param[CS_V4_TRCIDR8] = 0;
	c->param[CS_V4_TRCAUTHSTATUS] = 0xcc;
	if (ete) {
		c->param[CS_V4_TRCIDR1] = 0x4100fff0;	/* TRCARCHMAJ 0xf: see TRCDEVARCH */
		c->param[CS_ETE_TRCDEVARCH] = 0x47705a13;	/* ETE v1.0 */
	}
}

/* Version 0: the same blocks without their parameter count (word 2). */
static int info_v0(uint64_t *priv, int n)
{
	int o = CS_HDR_WORDS;

	priv[CS_HDR_VERSION] = 0;
	for (int i = CS_HDR_WORDS, np; i < n; i += 3 + np) {
		np = priv[i + 2];
		priv[o++] = priv[i];
		priv[o++] = priv[i + 1];
		for (int k = 0; k < np; k++)
			priv[o++] = priv[i + 3 + k];
	}
	return o;
}

/* The AUXTRACE_INFO words are those of the blocks below, or the N GIVEN. */
static struct pd_writer *start_file(const char *out, const char *elf, const struct image *im,
				    int argc, char **argv, const uint64_t *given, int ngiven)
{
	struct perf_event_attr attr = { .type = ETM_TYPE, .size = sizeof(attr) };
	struct perf_rec_comm c = { .header = { .type = PERF_RECORD_COMM } };
	struct perf_rec_mmap2 m = { .header = { .type = PERF_RECORD_MMAP2,
						.misc = PERF_RECORD_MISC_USER } };
	struct cs_cpu_info cpus[2];
	struct cs_etm_info info = { .pmu_type = ETM_TYPE, .nr_cpus = 2, .cpus = cpus };
	uint64_t id = 100, priv[64];
	struct perf_event_mmap_page tc = { .time_shift = TS_SHIFT, .time_mult = TS_MULT,
					   .time_zero = TS_ZERO, .cap_user_time_zero = 1 };
	struct pd_writer *w;
	char errbuf[256];
	int n;

	if (pd_writer_create(out, &w, errbuf, sizeof(errbuf)))
		die(out, errbuf);
	attr.config = 1ULL << 14;	/* perf's ETM_OPT_CTXTID */
	if (timestamps)
		attr.config |= 1ULL << 28;	/* ETM_OPT_TS */
	attr.sample_type = sample_type;
	attr.sample_id_all = 1;
	attr.exclude_kernel = 1;
	attr.disabled = 1;
	attr.sample_period = 1;
	if (pd_writer_add_attr(w, &attr, &id, 1, "cs_etm//u") < 0)
		die(out, "cannot add the attr");
	pd_writer_add_pmu_mapping(w, ETM_TYPE, "cs_etm");
	pd_writer_set_cmdline(w, argc, argv);
	cpu_block(&cpus[0], id_cpu[0], TRACE_ID);
	cpu_block(&cpus[1], id_cpu[1], TRACE_ID + 2);
	n = cs_etm_info_write(&info, priv, 64);
	if (given) {
		n = ngiven;
		memcpy(priv, given, n * sizeof(*priv));
	}
	if (n > 0 && v0)
		n = info_v0(priv, n);
	if (timestamps && pd_write_time_conv(w, &tc))
		die(out, "cannot write TIME_CONV");
	if (n < 0 || pd_write_auxtrace_info(w, AUXTRACE_TYPE_CS_ETM, priv, n))
		die(out, "cannot write AUXTRACE_INFO");
	for (uint32_t p = pid; p <= pid + !!threads; p++) {
		c.pid = c.tid = p;
		if (thread && p != pid) {	/* a thread: its comm, no mapping */
			c.pid = pid;
			put_as(w, &c, sizeof(c), "etm-prog", 1);
			continue;
		}
		put_as(w, &c, sizeof(c), p == pid ? "etm-prog" : "etm-prog-b", 1);
		m.pid = m.tid = p;
		m.start = im->vaddr;
		m.len = im->filesz;
		m.pgoff = im->offset;
		m.prot = PROT_READ | PROT_EXEC;
		m.flags = MAP_PRIVATE;
		put_as(w, &m, sizeof(m), own_elf[0] ? own_elf[p != pid] : elf, 2);
	}
	if (rename_at) {	/* as prctl(PR_SET_NAME) leaves it: no exec flag */
		uint32_t who = pid + !!threads;
		struct pd_sample_id sid = { .pid = who, .tid = who, .time = rename_at,
					    .id = 100, .cpu = 0 };

		c.pid = c.tid = who;
		if (tool_put_record(w, sample_type, &c, sizeof(c), "etm-prog-c", &sid))
			die(out, "write failed");
	}
	pd_write_finished_round(w);
	if (pd_writer_checkpoint(w))
		die(out, "write failed");
	return w;
}

static void aux_chunk(struct pd_writer *w, const uint8_t *data, size_t len, uint64_t off,
		      uint64_t time, uint64_t flags)
{
	struct perf_rec_aux a = { .header = { .type = PERF_RECORD_AUX } };
	struct iovec iov = { (void *)data, len };
	struct pd_auxtrace_desc d = { .offset = off, .reference = 1000 + off, .idx = 0,
				      .tid = buf_cpu < 0 ? pid : (uint32_t)-1,
				      .cpu = (uint32_t)buf_cpu };

	a.aux_offset = off;
	a.aux_size = len;
	a.flags = flags;
	put_as(w, &a, sizeof(a), NULL, time);
	if (pd_write_auxtrace(w, &iov, 1, &d))
		die("perf.data", "write failed");
}

/*
 * --two-ids: pcs[first..mid] in 4242 as trace ID 0x10 and pcs[mid+1..last]
 * in 4243 as 0x12, their frames alternating (see the top), one chunk.
 */
static void two_ids_chunk(struct pd_writer *w, const struct image *im, const uint64_t *pc,
			  size_t first, size_t mid, size_t last, FILE *exp)
{
	/* the second stream's clock from a tick after the first's start */
	struct etm t[2] = { { .cid = pid },
			    { .cid = pid + 1, .ts_off = 1 - TS_PER_INSN * (uint64_t)(mid + 1 - first) } };
	uint8_t *f[2], *out;
	size_t flen[2], n = 0;

	encode(&t[0], im, pc, first, mid, 0, exp);
	encode(&t[1], im, pc, mid + 1, last, 0, exp);
	for (int i = 0; i < 2; i++)
		f[i] = frame(t[i].p, t[i].n, TRACE_ID + 2 * i, &flen[i]);
	out = malloc(flen[0] + flen[1]);
	if (!out)
		die("frames", "out of memory");
	for (size_t o = 0; o < flen[0] || o < flen[1]; o += 16)
		for (int i = 0; i < 2; i++)
			if (o < flen[i]) {
				memcpy(out + n, f[i] + o, 16);
				n += 16;
			}
	aux_chunk(w, out, n, 0, 10, 0);
	fprintf(stderr, "etm-gen: one chunk: %zu and %zu trace bytes, %zu framed\n", t[0].n, t[1].n,
		n);
	for (int i = 0; i < 2; i++) {
		free(f[i]);
		free(t[i].p);
	}
	free(out);
}

/*
 * --own-code: ELF.4242 and ELF.4243, copies of ELF in which each
 * instruction the other stream executes (pcs[mid+1..last] for 4242,
 * pcs[first..mid] for 4243) and this one does not is changed, a branch
 * into a NOP and any other into B .+4 (a decoder that reads it sees a
 * different waypoint): the two
 * processes have different code at the same addresses, each the same as
 * ELF where it runs, so that the trace and EXPECTED stay those of ELF.
 */
static int executes(const uint64_t *pc, size_t from, size_t to, uint64_t at)
{
	for (size_t k = from; k <= to; k++)
		if (pc[k] == at)
			return 1;
	return 0;
}

static void write_own_code(const char *elf, const struct image *im, const uint64_t *pc,
			   size_t first, size_t mid, size_t last)
{
	const uint32_t nop = htole32(0xd503201f), b4 = htole32(0x14000001);	/* B .+4 */

	for (int i = 0; i < 2; i++) {
		uint8_t *copy = malloc(im->size);
		size_t from = i ? first : mid + 1, to = i ? mid : last, changed = 0;
		FILE *f;

		if (!copy || asprintf(&own_elf[i], "%s.%u", elf, pid + i) < 0)
			die("own code", "out of memory");
		memcpy(copy, im->file, im->size);
		for (size_t k = from; k <= to; k++) {
			uint64_t o = im->offset + (pc[k] - im->vaddr);

			if (executes(pc, i ? mid + 1 : first, i ? last : mid, pc[k]) ||
			    !memcmp(copy + o, classify(insn_at(im, pc[k])) == BR_NONE ? &b4 : &nop, 4))
				continue;
			memcpy(copy + o, classify(insn_at(im, pc[k])) == BR_NONE ? &b4 : &nop, 4);
			changed++;
		}
		f = fopen(own_elf[i], "wb");
		if (!f || fwrite(copy, 1, im->size, f) != im->size || fclose(f))
			die(own_elf[i], "write failed");
		fprintf(stderr, "etm-gen: %s: %zu instructions of the other stream changed\n",
			own_elf[i], changed);
		free(copy);
	}
}

/* A little-endian AArch64 ET_EXEC: one R+X PT_LOAD of CODE at VADDR. */
static void write_elf(const char *path, const uint32_t *code, size_t len, uint64_t vaddr)
{
	uint8_t h[0x1000] = { 0x7f, 'E', 'L', 'F', 2, 1, 1 };
	const struct { unsigned int at, size; uint64_t v; } fields[] = {
		{ 16, 2, 2 },		/* e_type: ET_EXEC */
		{ 18, 2, 183 },		/* e_machine: AArch64 */
		{ 20, 4, 1 },		/* e_version */
		{ 24, 8, vaddr },	/* e_entry */
		{ 32, 8, 64 },		/* e_phoff */
		{ 52, 2, 64 },		/* e_ehsize */
		{ 54, 2, 56 },		/* e_phentsize */
		{ 56, 2, 1 },		/* e_phnum */
		{ 64, 4, 1 },		/* p_type: PT_LOAD */
		{ 68, 4, 5 },		/* p_flags: R, X */
		{ 72, 8, sizeof(h) },	/* p_offset */
		{ 80, 8, vaddr },	/* p_vaddr */
		{ 88, 8, vaddr },	/* p_paddr */
		{ 96, 8, len },		/* p_filesz */
		{ 104, 8, len },	/* p_memsz */
		{ 112, 8, sizeof(h) },	/* p_align */
	};
	FILE *f = fopen(path, "wb");

	for (size_t i = 0; i < sizeof(fields) / sizeof(*fields); i++) {
		uint64_t v = htole64(fields[i].v);	/* its low bytes first */

		memcpy(h + fields[i].at, &v, fields[i].size);
	}
	if (!f || fwrite(h, 1, sizeof(h), f) != sizeof(h) || fwrite(code, 1, len, f) != len ||
	    fclose(f))
		die(path, "write failed");
}

/*
 * A walk through the fuzz target's code from its first instruction into PC
 * (at most MAX - 1 instructions, until it leaves the code): conditional
 * branches taken every other time, a return to the last call's next
 * instruction (without one, 3 instructions on), a branch to a register 3
 * instructions on. Returns the index of its last branch (with a PC after it).
 */
static size_t fuzz_path(const struct image *im, uint64_t *pc, size_t max)
{
	size_t n = 0, last = 0, sp = 0;
	uint64_t stack[64];
	int64_t i = 0;
	int toggle = 0;

	while (n < max && i >= 0 && i < CS_CODE_INSNS) {
		uint32_t insn = insn_at(im, CS_CODE_BASE + 4 * i);
		enum br b = classify(insn);
		int64_t imm26 = (int32_t)(insn << 6) >> 6, imm19 = (int32_t)(insn << 8) >> 13;

		if (n && classify(insn_at(im, pc[n - 1])) != BR_NONE)
			last = n - 1;	/* the branch before this PC */
		pc[n++] = CS_CODE_BASE + 4 * i;
		switch (b) {
		case BR_CALL:
			if (sp < 64)
				stack[sp++] = i + 1;
			/* fall through */
		case BR_DIRECT:
			i += imm26;
			break;
		case BR_COND:
			i += (toggle ^= 1) ? imm19 : 1;
			break;
		case BR_RET:
			i = sp ? (int64_t)stack[--sp] : i + 3;
			break;
		case BR_IND_CALL:
			if (sp < 64)
				stack[sp++] = i + 1;
			/* fall through */
		case BR_IND:
			i += 3;
			break;
		default:
			i++;
		}
	}
	if (!last)
		die("fuzz code", "a walk without branches");
	return last;
}

/* --fuzz-input INPUT OUT.elf OUT.data EXPECTED */
static int fuzz_input(const char *input, const char *elf, const char *out, const char *expected,
		      int argc, char **argv)
{
	static uint64_t path[4096];
	struct etm t = { .cid = pid };
	size_t flen, to;
	uint8_t *f;
	FILE *exp;
	static uint32_t code[CS_CODE_INSNS];
	uint64_t priv[256];
	struct image im;
	struct pd_writer *w;
	size_t size, n;
	uint8_t *d = slurp(input, &size);

	if (size < 2 || size < 2 + (n = d[1]) * 8 + 1)
		die(input, "too short for a fuzz_cs_etm input with trace");
	memcpy(priv, d + 2, n * 8);
	cs_code_make(code);
	write_elf(elf, code, sizeof(code), CS_CODE_BASE);
	load_elf(elf, &im);
	w = start_file(out, elf, &im, argc, argv, priv, n);
	aux_chunk(w, d + 2 + n * 8, size - 2 - n * 8, 0, 10,
		  (d[0] & 1 ? CS_AUX_FORMAT_RAW : 0) | (d[0] & 2 ? PERF_AUX_FLAG_TRUNCATED : 0));
	exp = fopen(expected, "w");
	if (!exp)
		die(expected, strerror(errno));
	to = fuzz_path(&im, path, sizeof(path) / sizeof(*path));
	encode(&t, &im, path, 0, to, 0, exp);
	if (d[0] & 1) {
		f = t.p;
		flen = t.n;
		t.p = NULL;
	} else {
		f = frame(t.p, t.n, TRACE_ID, &flen);
	}
	aux_chunk(w, f, flen, size - 2 - n * 8, 11, d[0] & 1 ? CS_AUX_FORMAT_RAW : 0);
	pd_write_finished_round(w);
	if (pd_writer_finish(w) || fclose(exp))
		die(out, "write failed");
	free(f);
	free(t.p);
	free(d);
	free(im.file);
	return 0;
}

int main(int argc, char **argv)
{
	struct image im;
	size_t nr, first = 0, ret_at = 0, last = 0, mid = 0, nbr = 0, half, k, off = 0;
	uint64_t *pc, entry, ret_addr;
	int repeat = 1, a = 1;
	struct pd_writer *w;
	FILE *exp;

	if (argc == 6 && !strcmp(argv[1], "--fuzz-input"))
		return fuzz_input(argv[2], argv[3], argv[4], argv[5], argc, argv);
	if (argc > 2 && !strcmp(argv[1], "--repeat")) {
		repeat = atoi(argv[2]);
		a = 3;
	}
	if (argc > a + 1 && !strcmp(argv[a], "--stream")) {
		pid = strtoul(argv[a + 1], NULL, 10);
		stream = a += 2;
	} else if (argc > a && !strcmp(argv[a], "--v0")) {
		v0 = ++a;
	}
	if (argc > a && !strcmp(argv[a], "--ete"))
		ete = ++a;
	else if (argc > a && !strcmp(argv[a], "--raw"))
		raw = ete = ++a;
	else if (argc > a && !strcmp(argv[a], "--damage"))
		damage = ++a;
	else if (argc > a && !strcmp(argv[a], "--threads"))
		threads = ++a;
	else if (argc > a && !strcmp(argv[a], "--thread"))
		threads = thread = ++a;
	else if (argc > a && !strcmp(argv[a], "--two-ids"))
		threads = two_ids = ++a;
	if (two_ids && argc > a && !strncmp(argv[a], "--cpus=", 7) &&
	    sscanf(argv[a++] + 7, "%d,%d,%d", &id_cpu[0], &id_cpu[1], &buf_cpu) != 3)
		a = argc;	/* the usage */
	if ((two_ids || (threads && !thread)) && argc > a && !strcmp(argv[a], "--own-code"))
		own_code = ++a;
	if (argc > a && !strncmp(argv[a], "--timestamps", 12) &&
	    (!argv[a][12] || argv[a][12] == '=')) {
		if (argv[a][12])
			ts_base = strtoull(argv[a] + 13, NULL, 0);
		timestamps = ++a;
	}
	if (!thread && timestamps && argc > a && !strncmp(argv[a], "--rename=", 9))
		rename_at = strtoull(argv[a++] + 9, NULL, 0);
	if (argc - a != 5 || repeat < 1 || (stream && (ete || damage || threads || repeat > 1))) {
		fprintf(stderr, "usage: etm-gen [--repeat N] [--v0 | --ete | --raw | --damage | --threads [--own-code] | --thread | --two-ids [--cpus=A,B,C] [--own-code]] [--timestamps[=BASE] [--rename=TIME]] LOG ELF MAIN OUT.data EXPECTED\n"
			"       etm-gen --stream PID [--timestamps[=BASE]] LOG ELF MAIN OUT.bin EXPECTED\n"
			"       etm-gen --fuzz-input INPUT OUT.elf OUT.data EXPECTED\n");
		return 2;
	}
	load_elf(argv[a + 1], &im);
	pc = load_pcs(argv[a], &nr);
	entry = strtoull(argv[a + 2], NULL, 16);
	for (first = 1; first < nr && pc[first] != entry; first++)
		;
	if (first >= nr)
		die(argv[a], "MAIN never runs");
	/* the return address: of the last call before MAIN (maybe a tail call) */
	for (k = first - 1; k > 0; k--) {
		enum br b = classify(insn_at(&im, pc[k]));

		if (b == BR_CALL || b == BR_IND_CALL)
			break;
	}
	ret_addr = pc[k] + 4;
	for (ret_at = first + 1; ret_at < nr && pc[ret_at] != ret_addr; ret_at++)
		;
	for (last = ret_at; last + 1 < nr && classify(insn_at(&im, pc[last])) == BR_NONE; last++)
		;
	if (last + 1 >= nr)
		die(argv[a], "MAIN does not return to a branch before the log ends");
	for (k = first; k <= last; k++)	/* the middle branch splits the chunks */
		nbr += classify(insn_at(&im, pc[k])) != BR_NONE;
	for (k = first, half = nbr / 2, nbr = 0; k <= last && !mid; k++)
		if (classify(insn_at(&im, pc[k])) != BR_NONE && ++nbr == half)
			mid = k;
	if (!mid || mid == last)
		die(argv[a], "too few branches in the window");

	exp = fopen(argv[a + 4], "w");
	if (!exp)
		die(argv[a + 4], strerror(errno));
	if (stream) {
		write_stream(argv[a + 3], &im, pc, first, last, exp);
		free(pc);
		free(im.file);
		return 0;
	}
	if (own_code)
		write_own_code(argv[a + 1], &im, pc, first, mid, last);
	w = start_file(argv[a + 3], argv[a + 1], &im, argc, argv, NULL, 0);
	if (two_ids)
		two_ids_chunk(w, &im, pc, first, mid, last, exp);
	for (int c = 0; c < (two_ids ? 0 : threads ? 1 : 2); c++) {
		struct etm t = { 0 };
		size_t flen;
		uint8_t *f;

		for (int r = 0; r < repeat; r++) {
			t.cid = pid;
			if (threads) {	/* the second half in the other thread */
				encode(&t, &im, pc, first, mid, 0, r ? NULL : exp);
				encode(&t, &im, pc, mid + 1, last, pid + 1, r ? NULL : exp);
				continue;
			}
			encode(&t, &im, pc, c ? mid + 1 : first, c ? last : mid, 0, r ? NULL : exp);
		}
		if (t.damage_at)
			t.p[t.damage_at] = 0x08;	/* a reserved header */
		if (raw) {
			while (t.n % 64)
				put(&t, 0x70);	/* ETE Ignore */
			f = t.p;
			flen = t.n;
			t.p = NULL;
		} else {
			f = frame(t.p, t.n, TRACE_ID, &flen);
		}
		aux_chunk(w, f, flen, off, 10 + c, raw ? CS_AUX_FORMAT_RAW : 0);
		off += flen;
		fprintf(stderr, "etm-gen: chunk %d: %zu trace bytes, %zu framed; addresses: %" PRIu64
			" exact, %" PRIu64 " short, %" PRIu64 " long; %" PRIu64 " atom packets\n",
			c, t.n, flen, t.stats[0], t.stats[1], t.stats[2], t.stats[3]);
		free(f);
		free(t.p);
	}
	pd_write_finished_round(w);
	if (pd_writer_finish(w) || fclose(exp))
		die(argv[a + 3], "write failed");
	free(pc);
	free(im.file);
	return 0;
}
