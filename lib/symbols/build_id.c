// SPDX-License-Identifier: GPL-2.0
/*
 * build_id.c - the GNU build id of an ELF file, read with libelf from its
 * SHT_NOTE sections (or PT_NOTE segments when it has no section headers).
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <string.h>
#include <unistd.h>
#include "build_id.h"

static int note_build_id(Elf_Data *d, uint8_t *id, size_t max)
{
	GElf_Nhdr nh;
	size_t off = 0, name_off, desc_off, next;

	while (off < d->d_size &&
	       (next = gelf_getnote(d, off, &nh, &name_off, &desc_off)) > 0) {
		if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
		    !memcmp((const char *)d->d_buf + name_off, "GNU", 4) && nh.n_descsz) {
			size_t n = nh.n_descsz < max ? nh.n_descsz : max;

			memcpy(id, (const uint8_t *)d->d_buf + desc_off, n);
			return n;
		}
		off = next;
	}
	return -ENOENT;
}

static int from_sections(Elf *e, uint8_t *id, size_t max)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(e, scn))) {
		Elf_Data *d;
		int n;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		d = elf_getdata(scn, NULL);
		if (d && (n = note_build_id(d, id, max)) > 0)
			return n;
	}
	return -ENOENT;
}

static int from_segments(Elf *e, uint8_t *id, size_t max)
{
	size_t nph;
	GElf_Phdr ph;

	if (elf_getphdrnum(e, &nph))
		return -ENOENT;
	for (size_t i = 0; i < nph; i++) {
		Elf_Data *d;
		int n;

		if (!gelf_getphdr(e, i, &ph) || ph.p_type != PT_NOTE)
			continue;
		d = elf_getdata_rawchunk(e, ph.p_offset, ph.p_filesz, ELF_T_NHDR);
		if (d && (n = note_build_id(d, id, max)) > 0)
			return n;
	}
	return -ENOENT;
}

int build_id_of_elf(Elf *e, uint8_t *id, size_t max)
{
	int n = from_sections(e, id, max);

	return n < 0 ? from_segments(e, id, max) : n;
}

int build_id_read(const char *path, uint8_t *id, size_t max)
{
	int fd, n = -ENOENT;
	Elf *e;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (e && elf_kind(e) == ELF_K_ELF)
		n = build_id_of_elf(e, id, max);
	if (e)
		elf_end(e);
	close(fd);
	return n;
}

void build_id_hex(const uint8_t *id, size_t len, char *buf)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		buf[2 * i] = hex[id[i] >> 4];
		buf[2 * i + 1] = hex[id[i] & 15];
	}
	buf[2 * len] = 0;
}
