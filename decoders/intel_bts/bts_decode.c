// SPDX-License-Identifier: GPL-2.0
/*
 * bts_decode.c - Intel BTS's decode operations: every 24-byte record of a
 * chunk becomes a typed event (decoders/event.h), classified as perf's
 * tools/perf/util/intel-bts.c (intel_bts_get_branch_type) classifies it:
 *
 *  - from 0 and to 0: nothing (perf skips such records);
 *  - from 0: EVENT_TRACE_BEGIN at to;
 *  - to 0: EVENT_TRACE_END after from;
 *  - otherwise EVENT_BRANCH, its BRANCH_F_* flags those of the
 *    instruction at from (read through opts->read_code, decoded as 64-bit
 *    code by decoders/x86), mapped as perf's intel_pt_insn_type() maps
 *    them, plus BRANCH_F_FAR for lcall, ljmp and lret; no flags when the
 *    code cannot be read or decoded (perf: flags 0, and an error only
 *    with --itrace=e); a branch from user space into the kernel that is
 *    not a syscall is an interrupt (BRANCH_F_CALL|ASYNC|INTERRUPT).
 *
 * Trace begin and end carry BRANCH_F_TRACE_BEGIN/END as the intel_pt
 * decoder's do: a trace end also the kind of the instruction at from
 * (a syscall, ...), a trace begin no kind. perf gives both
 * PERF_IP_FLAG_BRANCH and no kind, which auxrec's outputs would show as
 * a "jmp".
 *
 * Unlike perf, which never emits the last record of a buffer (its loop
 * runs while more than one record is left), every record is emitted.
 * BTS counts no instructions, so insn_count is 0 (and opts->insns gives
 * nothing more); its records carry no time, so time is 0 and code is read
 * as the chunk's owner's (opts->reached is never called). A trailing
 * partial record is an EVENT_ERROR "partial record"; a chunk whose
 * PERF_RECORD_AUX had PERF_AUX_FLAG_TRUNCATED is followed, after its
 * records, by an EVENT_ERROR "lost trace data": the buffer filled up and
 * the branches after the chunk's last record were lost.
 *
 * Parallel decode: a record decodes alone, so every record boundary is a
 * split point, a range is its records (with what ends a chunk when it
 * ends the chunk), and a range joins the one before it at its start,
 * dropping nothing.
 */
#include <errno.h>
#include <stdlib.h>
#include "decoders/aux_window.h"
#include "intel_bts.h"
#include "decoders/x86/x86_insn.h"
#include "lib/symbols/symbols.h"

struct bts_decode {
	struct decode_opts opts;
};

#define F_B	BRANCH_F_BRANCH

/* perf's intel_pt_insn_type() of the instruction, plus BRANCH_F_FAR */
static uint16_t insn_flags(const struct x86_insn *in)
{
	switch (in->kind) {
	case X86_KIND_JCC:
	case X86_KIND_LOOP:
	case X86_KIND_JRCXZ:
		return F_B | BRANCH_F_CONDITIONAL;
	case X86_KIND_JMP_REL:
	case X86_KIND_JMP_IND:
		return F_B;
	case X86_KIND_CALL_REL:
	case X86_KIND_CALL_IND:
	case X86_KIND_VMLAUNCH:		/* perf adds its VMENTRY flag */
	case X86_KIND_VMRESUME:
		return F_B | BRANCH_F_CALL;
	case X86_KIND_RET:
		return F_B | BRANCH_F_RETURN;
	case X86_KIND_FAR_CALL:
		return F_B | BRANCH_F_CALL | BRANCH_F_FAR;
	case X86_KIND_FAR_JMP:
		return F_B | BRANCH_F_FAR;
	case X86_KIND_FAR_RET:
		return F_B | BRANCH_F_RETURN | BRANCH_F_FAR;
	case X86_KIND_SYSCALL:
	case X86_KIND_SYSENTER:
		return F_B | BRANCH_F_CALL | BRANCH_F_SYSCALLRET;
	case X86_KIND_SYSRET:
	case X86_KIND_SYSEXIT:
		return F_B | BRANCH_F_RETURN | BRANCH_F_SYSCALLRET;
	case X86_KIND_INT:
	case X86_KIND_INT3:
	case X86_KIND_INTO:
		return F_B | BRANCH_F_CALL | BRANCH_F_INTERRUPT;
	case X86_KIND_IRET:
		return F_B | BRANCH_F_RETURN | BRANCH_F_INTERRUPT;
	default:	/* int1, vmcall, uiret, not a branch: perf's OTHER */
		return 0;
	}
}

/* The flags of the instruction at ip; -1 when it cannot be read or decoded. */
static int code_flags(struct bts_decode *d, uint64_t ip)
{
	uint8_t buf[X86_MAX_INSN_LEN];
	struct x86_insn in;
	int n = d->opts.read_code ?
		d->opts.read_code(d->opts.read_ctx, ip, buf, sizeof(buf)) : 0;

	if (n <= 0 || x86_insn_decode(buf, n, ip, X86_MODE_64, &in) <= 0)
		return -1;
	return insn_flags(&in);
}

static uint16_t branch_flags(struct bts_decode *d, uint64_t from, uint64_t to)
{
	int flags = code_flags(d, from);

	if (flags < 0)	/* perf: no flags, not even the async check */
		return 0;
	if (from < KERNEL_START && to >= KERNEL_START &&
	    flags != (F_B | BRANCH_F_CALL | BRANCH_F_SYSCALLRET))
		flags = F_B | BRANCH_F_CALL | BRANCH_F_ASYNC | BRANCH_F_INTERRUPT;
	return flags;
}

static int emit_error(struct bts_decode *d, uint64_t aux_offset, const char *what)
{
	struct decode_event ev = { .kind = EVENT_ERROR, .aux_offset = aux_offset,
				   .error = what };

	return d->opts.event(d->opts.event_ctx, &ev);
}

static int emit_record(struct bts_decode *d, const struct bts_record *r, uint64_t aux_offset)
{
	struct decode_event ev = { .from = r->from, .to = r->to, .aux_offset = aux_offset };

	if (!r->from && !r->to)
		return 0;
	if (!r->from) {
		ev.kind = EVENT_TRACE_BEGIN;
		ev.branch = BRANCH_F_TRACE_BEGIN;
	} else if (!r->to) {
		int flags = code_flags(d, r->from);

		ev.kind = EVENT_TRACE_END;
		ev.branch = (flags < 0 ? 0 : flags) | BRANCH_F_TRACE_END;
	} else {
		ev.kind = EVENT_BRANCH;
		ev.branch = branch_flags(d, r->from, r->to);
	}
	return d->opts.event(d->opts.event_ctx, &ev);
}

void *intel_bts_decode_begin(const struct decode_opts *opts)
{
	struct bts_decode *d = calloc(1, sizeof(*d));

	if (d)
		d->opts = *opts;
	return d;
}

/* The records of chunk from off up to end, and what ends the chunk when end is its size. */
static int decode_records(struct bts_decode *d, const struct aux_chunk *chunk, size_t off,
			  size_t end)
{
	struct aux_reader at = { 0 };
	int ret = 0;

	if (!d || !chunk || !aux_chunk_readable(chunk) || end > chunk->size)
		return -EINVAL;
	aux_reader_chunk(&at, chunk, off);
	for (; !ret && off + BTS_RECORD_SIZE <= end; off += BTS_RECORD_SIZE) {
		struct bts_record r;

		aux_reader_need(&at, chunk, off, BTS_RECORD_SIZE);
		bts_record_get(at.base + off, &r);
		ret = emit_record(d, &r, chunk->aux_offset + off);
	}
	if (end < chunk->size)
		return ret;
	if (!ret && off < chunk->size)
		ret = emit_error(d, chunk->aux_offset + off, "partial record");
	if (!ret && (chunk->flags & PERF_AUX_FLAG_TRUNCATED))
		ret = emit_error(d, chunk->aux_offset + chunk->size, "lost trace data");
	return ret;
}

int intel_bts_decode_chunk(void *state, const struct aux_chunk *chunk)
{
	return decode_records(state, chunk, 0, chunk ? chunk->size : 0);
}

long intel_bts_split_next(const struct aux_chunk *chunk, size_t from)
{
	size_t off = (from + BTS_RECORD_SIZE - 1) / BTS_RECORD_SIZE * BTS_RECORD_SIZE;

	return off + BTS_RECORD_SIZE <= chunk->size ? (long)off : -1;
}

/* split_next() gives record boundaries only: end is one, or the chunk's size. */
int intel_bts_decode_range(void *state, const struct aux_chunk *chunk, size_t start, size_t end)
{
	if (start % BTS_RECORD_SIZE || (end < (chunk ? chunk->size : 0) && end % BTS_RECORD_SIZE))
		return -EINVAL;
	return decode_records(state, chunk, start, end);
}

int intel_bts_decode_join(void *state, void *next, size_t end, uint64_t *drop)
{
	(void)state;
	(void)next;
	(void)end;
	*drop = 0;
	return 1;
}

/* A range is joined at its start: nothing is handed over, nothing used from before. */
int intel_bts_range_take_over(void *state, uint64_t drop)
{
	(void)state;
	return drop ? -EINVAL : 0;
}

bool intel_bts_range_used_before(const void *state)
{
	(void)state;
	return false;
}

void intel_bts_decode_end(void *state)
{
	free(state);
}
