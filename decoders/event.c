// SPDX-License-Identifier: GPL-2.0
/*
 * event.c - the one name table of the typed events (event.h), used by
 * every output and by the event selection of `auxrec script`.
 */
#include <string.h>
#include "decoders/event.h"

static const char *const kind_names[EVENT_KIND_NR] = {
	[EVENT_BRANCH] = "branch",
	[EVENT_TRACE_BEGIN] = "trace_begin",
	[EVENT_TRACE_END] = "trace_end",
	[EVENT_SYNC] = "sync",
	[EVENT_OVERFLOW] = "overflow",
	[EVENT_ERROR] = "error",
	[EVENT_PTWRITE] = "ptwrite",
	[EVENT_TSX] = "tsx",
	[EVENT_PAGING] = "paging",
	[EVENT_POWER] = "power",
	[EVENT_STOP] = "stop",
	[EVENT_INSN] = "insn",
	[EVENT_MEM_SAMPLE] = "mem_sample",
};

static const char *const detail_names[EVENT_DETAIL_NR] = {
	[EVENT_DETAIL_TX_BEGIN] = "tx_begin",
	[EVENT_DETAIL_TX_COMMIT] = "tx_commit",
	[EVENT_DETAIL_TX_ABORT] = "tx_abort",
	[EVENT_DETAIL_EXSTOP] = "exstop",
	[EVENT_DETAIL_MWAIT] = "mwait",
	[EVENT_DETAIL_PWRE] = "pwre",
	[EVENT_DETAIL_PWRX] = "pwrx",
};

static const char *const mem_op_names[MEM_OP_NR] = {
	[MEM_OP_OTHER] = "other",
	[MEM_OP_LOAD] = "load",
	[MEM_OP_STORE] = "store",
	[MEM_OP_BRANCH] = "branch",
};

static const char *const mem_class_names[MEM_C_NR] = {
	"l1d_miss", "l1d_access", "llc_miss", "llc_access",
	"tlb_miss", "tlb_access", "branch_miss", "remote_access",
};

const char *event_kind_name(unsigned int kind)
{
	return kind < EVENT_KIND_NR ? kind_names[kind] : NULL;
}

int event_kind_by_name(const char *name)
{
	for (int i = 0; i < EVENT_KIND_NR; i++)
		if (!strcmp(kind_names[i], name))
			return i;
	return -1;
}

const char *event_detail_name(unsigned int detail)
{
	return detail < EVENT_DETAIL_NR ? detail_names[detail] : NULL;
}

const char *branch_kind_name(unsigned int f)
{
	if (!(f & BRANCH_F_BRANCH))
		return NULL;
	if (f & BRANCH_F_TX_ABORT)
		return "tx_abort";
	if (f & BRANCH_F_ASYNC)
		return "async";
	if (f & BRANCH_F_SYSCALLRET)
		return f & BRANCH_F_RETURN ? "sysret" : "syscall";
	if (f & BRANCH_F_FAR)
		return f & BRANCH_F_CALL ? "far_call" :
		       f & BRANCH_F_RETURN ? "far_return" : "far_jmp";
	if (f & BRANCH_F_CALL)
		return "call";
	if (f & BRANCH_F_RETURN)
		return "return";
	return f & BRANCH_F_CONDITIONAL ? "jcc" : "jmp";
}

const char *event_subkind_name(const struct decode_event *ev)
{
	if (ev->detail)
		return event_detail_name(ev->detail);
	return branch_kind_name(ev->branch);
}

const char *mem_op_name(unsigned int op)
{
	return op < MEM_OP_NR ? mem_op_names[op] : "other";
}

const char *mem_class_name(unsigned int bit)
{
	return bit < MEM_C_NR ? mem_class_names[bit] : NULL;
}
