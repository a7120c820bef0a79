/* SPDX-License-Identifier: GPL-2.0 */
/*
 * build_id.h - reading the GNU build id (.note.gnu.build-id) of an ELF file.
 */
#ifndef AUXREC_BUILD_ID_H
#define AUXREC_BUILD_ID_H

#include <stddef.h>
#include <stdint.h>

/* Copies up to max bytes of PATH's build id; returns its length or -errno. */
int build_id_read(const char *path, uint8_t *id, size_t max);
/* The same for an ELF opened with libelf. */
struct Elf;
int build_id_of_elf(struct Elf *e, uint8_t *id, size_t max);
/* Lower-case hex of id[0..len) into buf (2*len+1 bytes). */
void build_id_hex(const uint8_t *id, size_t len, char *buf);

#endif
