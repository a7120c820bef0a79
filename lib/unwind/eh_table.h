/* SPDX-License-Identifier: GPL-2.0 */
/*
 * eh_table.h - the binary search table of a binary's DWARF call frame
 * entries (FDEs) that libunwind looks addresses up in: the one the linker
 * wrote in .eh_frame_hdr (PT_GNU_EH_FRAME), or, for binaries linked without
 * it (gcc -static does not ask for one), the same table built by walking
 * .eh_frame. Entries are pairs of int32 (start address, FDE address), both
 * relative to segbase, sorted by start address: .eh_frame_hdr's layout.
 */
#ifndef AUXREC_EH_TABLE_H
#define AUXREC_EH_TABLE_H

#include <stddef.h>
#include <stdint.h>
#include "lib/symbols/symbols.h"

struct eh_table {
	uint64_t segbase;	/* ELF address the entries are relative to */
	int32_t *entries;	/* 2 * nr_fdes */
	size_t nr_fdes;
};

/* Loads d's table: 0, -ENOENT (no unwind information), -EINVAL (damaged), -ENOMEM. */
int eh_table_load(const struct dso *d, struct eh_table *t);
void eh_table_free(struct eh_table *t);

#endif
