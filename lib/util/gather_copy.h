/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gather_copy.h - byte ranges from several places copied one after another
 * into one buffer, on several threads when they are large
 * (lib/util/gather_copy.c). The session joins an AUX buffer's chunks, each
 * an AUXTRACE record's payload where the reader maps the file, into the
 * one contiguous piece a decoder reads.
 */
#ifndef AUXREC_GATHER_COPY_H
#define AUXREC_GATHER_COPY_H

#include <stddef.h>
#include <stdint.h>

struct gather_seg {
	const uint8_t *p;
	size_t n;
	/*
	 * The open file the bytes at p are mapped from and their offset in it,
	 * or fd -1: with a file, they are copied by pread(), which reads the
	 * page cache through the kernel's own mapping and takes none of the
	 * page faults a first touch of p would (about 4 ms for the parallel
	 * bench's 37 MB on the virtual machines measured). Where pread()
	 * fails, they are copied from p.
	 */
	int fd;
	uint64_t off;
};

/*
 * Copies segs[0..nr) to dst, one after another, on up to `threads`
 * threads: each writes its own part of dst, of GATHER_PART bytes or more,
 * so that the page faults of fresh memory (most of the cost) are taken on
 * several CPUs at once; a segment with a file is read from it. The
 * calling thread copies a part too; where a thread cannot be started, the
 * caller copies its part. dst holds the sum of the segments' sizes.
 */
void gather_copy(uint8_t *dst, const struct gather_seg *segs, size_t nr, unsigned int threads);

#define GATHER_PART	((size_t)2 << 20)

#endif
