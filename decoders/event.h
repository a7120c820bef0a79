/* SPDX-License-Identifier: GPL-2.0 */
/*
 * event.h - the typed events every decoder emits and every output renders:
 * an enum of event kinds with one name table, branch kinds as flag bits
 * (perf's PERF_IP_FLAG_* values, plus a far-transfer bit), a detail for
 * transactional and power events, and the fields of a memory-access sample
 * (what ARM SPE and similar samplers produce). Outputs never parse names
 * back: they switch on the kind and test the flags; the names here are the
 * ones docs/json.md documents.
 */
#ifndef AUXREC_EVENT_H
#define AUXREC_EVENT_H

#include <stdint.h>

enum event_kind {
	EVENT_BRANCH,		/* a taken branch: from -> to, see branch */
	EVENT_TRACE_BEGIN,	/* tracing (re)starts at to */
	EVENT_TRACE_END,	/* tracing stops after from (branch: why) */
	EVENT_SYNC,		/* the decoder synchronized, tracing on at to */
	EVENT_OVERFLOW,		/* trace lost; resumes at to (0: tracing off) */
	EVENT_ERROR,		/* error says what; the decoder resynchronizes */
	EVENT_PTWRITE,		/* payload written by the instruction at from */
	EVENT_TSX,		/* detail: tx_begin, tx_commit, tx_abort */
	EVENT_PAGING,		/* payload: the new page table base (CR3) */
	EVENT_POWER,		/* detail: exstop, mwait, pwre, pwrx; payload */
	EVENT_STOP,		/* the hardware stopped tracing (buffer full) */
	EVENT_INSN,		/* one instruction at from */
	EVENT_MEM_SAMPLE,	/* a sampled operation at from, see mem */
	EVENT_KIND_NR
};

/* Branch flags: the values of perf's PERF_IP_FLAG_*, and FAR. */
#define BRANCH_F_BRANCH		(1u << 0)	/* a branch instruction */
#define BRANCH_F_CALL		(1u << 1)
#define BRANCH_F_RETURN		(1u << 2)
#define BRANCH_F_CONDITIONAL	(1u << 3)
#define BRANCH_F_SYSCALLRET	(1u << 4)	/* syscall (call) or sysret (return) */
#define BRANCH_F_ASYNC		(1u << 5)	/* interrupt, exception, signal */
#define BRANCH_F_INTERRUPT	(1u << 6)	/* an asynchronous interrupt */
#define BRANCH_F_TX_ABORT	(1u << 7)
#define BRANCH_F_TRACE_BEGIN	(1u << 8)
#define BRANCH_F_TRACE_END	(1u << 9)
#define BRANCH_F_IN_TX		(1u << 10)
#define BRANCH_F_FAR		(1u << 15)	/* a far transfer (lcall, iret, ...) */

/* What a transactional or power event is. */
enum event_detail {
	EVENT_DETAIL_NONE,
	EVENT_DETAIL_TX_BEGIN,
	EVENT_DETAIL_TX_COMMIT,
	EVENT_DETAIL_TX_ABORT,
	EVENT_DETAIL_EXSTOP,
	EVENT_DETAIL_MWAIT,
	EVENT_DETAIL_PWRE,
	EVENT_DETAIL_PWRX,
	EVENT_DETAIL_NR
};

/* Which fields of a memory-access sample are valid. */
#define MEM_HAS_VADDR		(1u << 0)
#define MEM_HAS_PADDR		(1u << 1)
#define MEM_HAS_TARGET		(1u << 2)	/* branch target */
#define MEM_HAS_TOTAL_LAT	(1u << 3)
#define MEM_HAS_ISSUE_LAT	(1u << 4)
#define MEM_HAS_XLAT_LAT	(1u << 5)
#define MEM_HAS_DATA_SRC	(1u << 6)
#define MEM_HAS_CONTEXT		(1u << 7)

/*
 * The classes a sampled operation falls in (perf's names for them, as
 * `perf script --itrace` selects them: l1d-miss, l1d-access, ...).
 */
#define MEM_C_L1D_MISS		(1u << 0)
#define MEM_C_L1D_ACCESS	(1u << 1)
#define MEM_C_LLC_MISS		(1u << 2)
#define MEM_C_LLC_ACCESS	(1u << 3)
#define MEM_C_TLB_MISS		(1u << 4)
#define MEM_C_TLB_ACCESS	(1u << 5)
#define MEM_C_BRANCH_MISS	(1u << 6)
#define MEM_C_REMOTE_ACCESS	(1u << 7)
#define MEM_C_NR		8

enum mem_op {
	MEM_OP_OTHER,
	MEM_OP_LOAD,
	MEM_OP_STORE,
	MEM_OP_BRANCH,
	MEM_OP_NR
};

/* A sampled operation (its pc is the event's from). */
struct mem_sample {
	uint32_t valid;			/* MEM_HAS_* */
	uint8_t op;			/* enum mem_op */
	uint8_t op_raw;			/* the sampler's own operation type bits */
	uint64_t vaddr, paddr;		/* data virtual and physical address */
	uint64_t target;		/* branch target */
	uint32_t total_lat;		/* cycles from dispatch to completion */
	uint32_t issue_lat;		/* cycles from dispatch to issue */
	uint32_t xlat_lat;		/* cycles of address translation */
	uint64_t data_src;		/* perf's union perf_mem_data_src */
	uint64_t events;		/* the sampler's event bits (L1D miss, ...) */
	uint32_t context;		/* context id (e.g. the tid), MEM_HAS_CONTEXT */
	uint32_t classes;		/* MEM_C_* */
};

/* One decoded event (see docs/json.md, "auxrec script"). */
struct decode_event {
	uint8_t kind;		/* enum event_kind */
	uint8_t detail;		/* enum event_detail: tsx and power events */
	uint16_t branch;	/* BRANCH_F_*: branches, trace begin and end */
	uint64_t from, to;	/* 0: unknown or not applicable */
	uint64_t insn_count;	/* instructions since the previous event */
	uint64_t time;		/* perf clock ns; 0 when the trace has no time */
	uint64_t aux_offset;	/* offset in the AUX stream of the packet behind it */
	uint64_t payload;	/* ptwrite value, cr3, power hints */
	const char *error;	/* EVENT_ERROR: what went wrong (static text) */
	const struct mem_sample *mem;	/* EVENT_MEM_SAMPLE */
};

/*
 * Counting (decode_opts.count): the taken branches that left from since
 * the last hand-over, and the sum of the insn_count their EVENT_BRANCH
 * events would have carried.
 */
struct branch_sum {
	uint64_t from;
	uint64_t insns;
	uint64_t branches;
};

/* "branch", "trace_begin", ...; NULL out of range. */
const char *event_kind_name(unsigned int kind);
/* The kind whose name is name, or -1. */
int event_kind_by_name(const char *name);
/* "tx_begin", ...; NULL for none or out of range. */
const char *event_detail_name(unsigned int detail);
/*
 * The branch kind of BRANCH_F_* flags: "call", "return", "jmp", "jcc",
 * "far_call", "far_return", "far_jmp", "syscall", "sysret", "async",
 * "tx_abort"; NULL without BRANCH_F_BRANCH.
 */
const char *branch_kind_name(unsigned int flags);
/* The "kind" an output shows for ev: its branch kind or detail, or NULL. */
const char *event_subkind_name(const struct decode_event *ev);
/* "load", "store", "branch", "other". */
const char *mem_op_name(unsigned int op);
/* "l1d_miss", ... of MEM_C_* bit number bit; NULL out of range. */
const char *mem_class_name(unsigned int bit);

#endif
