// SPDX-License-Identifier: GPL-2.0
/*
 * gt_image.c - the ground-truth memory image and trace file loaders shared
 * by gt-flow and gt-ipt.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gt_image.h"

uint8_t *gt_read_file(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "r");
	uint8_t *buf;
	long n;

	if (!fp)
		return NULL;
	if (fseek(fp, 0, SEEK_END) || (n = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET)) {
		fclose(fp);
		return NULL;
	}
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, fp) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

static int cmp_sect(const void *a, const void *b)
{
	const struct gt_section *x = a, *y = b;

	return x->vaddr < y->vaddr ? -1 : x->vaddr > y->vaddr;
}

int gt_image_load(struct gt_image *img, const char *base)
{
	char path[4096 + 8];
	uint64_t va, sz, off;
	FILE *map;
	size_t i;

	memset(img, 0, sizeof(*img));
	snprintf(img->img_path, sizeof(img->img_path), "%s.img", base);
	img->data = gt_read_file(img->img_path, &img->size);
	snprintf(path, sizeof(path), "%s.map", base);
	map = fopen(path, "r");
	if (!img->data || !map)
		return -1;
	while (fscanf(map, "%" SCNx64 " %" SCNx64 " %" SCNx64, &va, &sz,
		      &off) == 3) {
		struct gt_section *s;

		if (off > img->size || sz > img->size - off)
			break;
		s = realloc(img->sects, (img->nsects + 1) * sizeof(*s));
		if (!s)
			break;
		img->sects = s;
		s[img->nsects++] = (struct gt_section){ va, sz, off, NULL };
	}
	fclose(map);
	qsort(img->sects, img->nsects, sizeof(*img->sects), cmp_sect);
	for (i = 0; i < img->nsects; i++)
		img->sects[i].bytes = img->data + img->sects[i].offset;
	return img->nsects ? 0 : -1;
}

void gt_image_free(struct gt_image *img)
{
	free(img->sects);
	free(img->data);
	memset(img, 0, sizeof(*img));
}

int gt_image_read(const struct gt_image *img, uint64_t ip, uint8_t *buf,
		  size_t len)
{
	size_t lo = 0, hi = img->nsects;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct gt_section *s = &img->sects[mid];

		if (ip < s->vaddr) {
			hi = mid;
		} else if (ip - s->vaddr >= s->size) {
			lo = mid + 1;
		} else {
			uint64_t left = s->size - (ip - s->vaddr);

			if (len > left)
				len = (size_t)left;
			memcpy(buf, s->bytes + (ip - s->vaddr), len);
			return (int)len;
		}
	}
	return 0;
}
