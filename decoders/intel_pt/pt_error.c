// SPDX-License-Identifier: GPL-2.0
/*
 * pt_error.c - pt_errstr(): the text of the packet layer's error codes,
 * worded as libipt's pt_errstr() words the same pte_* codes.
 */
#include "pt_packet.h"

const char *pt_errstr(int err)
{
	switch (err < 0 ? -err : err) {
	case PT_ERR_OK:
		return "OK";
	case PT_ERR_INTERNAL:
		return "internal error";
	case PT_ERR_BAD_OPCODE:
		return "unknown opcode";
	case PT_ERR_BAD_PACKET:
		return "unknown packet";
	case PT_ERR_NEED_MORE:
		return "reached end of trace stream";
	default:
		return "unknown error";
	}
}
