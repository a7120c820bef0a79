// SPDX-License-Identifier: GPL-2.0
/*
 * decode_args.c - the options shared by the decoding commands (see
 * decode_args.h).
 */
#include "cmd/decode_args.h"
#include "lib/util/util.h"

bool decode_arg(int c, const char *arg, struct trace_decode_opts *o)
{
	switch (c) {
	case 'i': o->path = arg; break;
	case 0x100: o->symfs = arg; break;
	case 0x101: o->debug_dir = arg; break;
	case 0x102: o->vmlinux = arg; break;
	case 0x103: o->progress = PROGRESS_ALWAYS; break;
	case 0x104: o->progress = PROGRESS_NEVER; break;
	case 'j': json_output = true; break;
	default: return false;
	}
	return true;
}
