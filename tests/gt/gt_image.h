/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gt_image.h - loading the ground-truth memory image (OUT.img + OUT.map
 * written by gt-record) and the trace file, for the test decoders.
 */
#ifndef AUXREC_GT_IMAGE_H
#define AUXREC_GT_IMAGE_H

#include <stddef.h>
#include <stdint.h>

struct gt_section {
	uint64_t vaddr, size, offset;	/* offset in the .img file */
	const uint8_t *bytes;
};

struct gt_image {
	struct gt_section *sects;	/* sorted by vaddr */
	size_t nsects;
	uint8_t *data;
	size_t size;
	char img_path[4096];
};

int gt_image_load(struct gt_image *img, const char *base);
void gt_image_free(struct gt_image *img);
/* Copies up to len bytes at ip; returns the count, 0 when unmapped. */
int gt_image_read(const struct gt_image *img, uint64_t ip, uint8_t *buf,
		  size_t len);
/* Whole file into a malloc'd buffer (8-byte aligned). */
uint8_t *gt_read_file(const char *path, size_t *len);

#endif
