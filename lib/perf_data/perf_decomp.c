// SPDX-License-Identifier: GPL-2.0
/*
 * perf_decomp.c - inner records of PERF_RECORD_COMPRESSED/COMPRESSED2
 * (see perf_decomp.h): one zstd stream per file, decompressed through a
 * fixed window, records cut at header.size.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>
#include "perf_decomp.h"
#include "perf_records.h"

struct pd_decomp {
	ZSTD_DStream *ds;
	uint8_t *win;			/* PD_DECOMP_WINDOW bytes */
	size_t head, len;		/* [head, len): not handed out yet */
	uint8_t *rec;			/* aligned copy of a misaligned record */
	ZSTD_inBuffer in;		/* the data of the record being read */
	uint64_t offset;		/* its file offset */
	uint64_t out, limit;		/* bytes it decompressed to, cap */
	/*
	 * zstd gave all it had for the input so far: it stopped short of
	 * the window's end. Until then it may hold decoded bytes although
	 * it consumed all the input.
	 */
	bool drained;
};

struct pd_decomp *pd_decomp_new(void)
{
	struct pd_decomp *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->ds = ZSTD_createDStream();
	d->win = malloc(PD_DECOMP_WINDOW);
	d->rec = malloc(UINT16_MAX + 1);
	d->drained = true;
	if (!d->ds || !d->win || !d->rec || ZSTD_isError(ZSTD_initDStream(d->ds))) {
		pd_decomp_free(d);
		return NULL;
	}
	return d;
}

void pd_decomp_free(struct pd_decomp *d)
{
	if (!d)
		return;
	ZSTD_freeDStream(d->ds);
	free(d->win);
	free(d->rec);
	free(d);
}

size_t pd_decomp_pending(const struct pd_decomp *d)
{
	return d->len - d->head;
}

int pd_decomp_feed(struct pd_decomp *d, const struct perf_event_header *h, uint64_t offset,
		   uint64_t limit, char *err, size_t errlen)
{
	const uint8_t *p = (const uint8_t *)h;
	struct perf_event_header hdr;	/* h may be misaligned: read a copy */
	uint64_t size;

	memcpy(&hdr, p, sizeof(hdr));
	h = &hdr;
	d->offset = offset;
	d->out = 0;
	d->drained = false;
	d->limit = !limit ? PD_DECOMP_DEFAULT_LIMIT :
		   limit > PD_DECOMP_MAX_LIMIT ? PD_DECOMP_MAX_LIMIT : limit;
	d->in = (ZSTD_inBuffer){ NULL, 0, 0 };
	if (h->type == PERF_RECORD_COMPRESSED2) {
		if (h->size < 16) {
			snprintf(err, errlen, "COMPRESSED2 record at offset %llu has size %u, "
				 "less than its 16-byte header", (unsigned long long)offset,
				 h->size);
			return -EINVAL;
		}
		memcpy(&size, p + 8, 8);
		if (size > h->size - 16u) {
			snprintf(err, errlen, "COMPRESSED2 record at offset %llu: data_size %llu "
				 "exceeds the record (%u bytes)", (unsigned long long)offset,
				 (unsigned long long)size, h->size);
			return -EINVAL;
		}
		d->in = (ZSTD_inBuffer){ p + 16, size, 0 };
	} else {
		d->in = (ZSTD_inBuffer){ p + 8, h->size - 8u, 0 };
	}
	return 0;
}

/* Decompresses more of the fed data into the window; 0, or -EINVAL. */
static int fill(struct pd_decomp *d, char *err, size_t errlen)
{
	size_t keep = d->len - d->head, in_pos = d->in.pos, ret;
	ZSTD_outBuffer o;

	memmove(d->win, d->win + d->head, keep);
	d->head = 0;
	d->len = keep;
	o = (ZSTD_outBuffer){ d->win, PD_DECOMP_WINDOW, keep };
	ret = ZSTD_decompressStream(d->ds, &o, &d->in);
	if (ZSTD_isError(ret)) {
		snprintf(err, errlen, "COMPRESSED record at offset %llu: zstd data are corrupt "
			 "(%s)", (unsigned long long)d->offset, ZSTD_getErrorName(ret));
		return -EINVAL;
	}
	d->out += o.pos - keep;
	d->len = o.pos;
	d->drained = o.pos < o.size;
	if (d->out > d->limit) {
		snprintf(err, errlen, "COMPRESSED record at offset %llu decompresses to more "
			 "than %llu bytes (the limit of one record)",
			 (unsigned long long)d->offset, (unsigned long long)d->limit);
		return -EINVAL;
	}
	/* the window always has room (keep < 64 KiB), so zstd moves or is drained */
	if (o.pos == keep && d->in.pos == in_pos && !d->drained) {
		snprintf(err, errlen, "COMPRESSED record at offset %llu: zstd makes no "
			 "progress", (unsigned long long)d->offset);
		return -EINVAL;
	}
	return 0;
}

int pd_decomp_next(struct pd_decomp *d, const struct perf_event_header **out, char *err,
		   size_t errlen)
{
	for (;;) {
		size_t avail = d->len - d->head;
		struct perf_event_header h;
		int ret;

		if (avail >= sizeof(h)) {
			memcpy(&h, d->win + d->head, sizeof(h));
			if (h.size < sizeof(h)) {
				snprintf(err, errlen, "COMPRESSED record at offset %llu: inner "
					 "record (type %u) has size %u, less than its header",
					 (unsigned long long)d->offset, h.type, h.size);
				return -EINVAL;
			}
			if (h.size <= avail) {
				const uint8_t *p = d->win + d->head;

				if (d->head & 7) {
					memcpy(d->rec, p, h.size);
					p = d->rec;
				}
				d->head += h.size;
				*out = (const void *)p;
				return 1;
			}
		}
		if (d->in.pos == d->in.size && d->drained) {
			if (!d->out) {
				snprintf(err, errlen, "COMPRESSED record at offset %llu: its zstd "
					 "data decompress to nothing (truncated or not zstd)",
					 (unsigned long long)d->offset);
				return -EINVAL;
			}
			return 0;
		}
		ret = fill(d, err, errlen);
		if (ret)
			return ret;
	}
}
