// SPDX-License-Identifier: GPL-2.0
/*
 * perf_buf.c - a growable byte buffer for building perf.data features and
 * records, with perf's padded string encoding. Allocation failure is
 * remembered (b->oom) instead of checked at every append.
 */
#include <stdlib.h>
#include <string.h>
#include "perf_data_int.h"

void pd_buf_add(struct pd_buf *b, const void *data, size_t len)
{
	if (b->oom)
		return;
	if (len > b->cap - b->len) {
		size_t cap = b->cap ? b->cap : 256;
		uint8_t *p;

		while (cap - b->len < len) {
			if (cap > SIZE_MAX / 2) {
				b->oom = true;
				return;
			}
			cap *= 2;
		}
		p = realloc(b->p, cap);
		if (!p) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	if (len)
		memcpy(b->p + b->len, data, len);
	b->len += len;
}

void pd_buf_add_u32(struct pd_buf *b, uint32_t v)
{
	pd_buf_add(b, &v, sizeof(v));
}

void pd_buf_add_u64(struct pd_buf *b, uint64_t v)
{
	pd_buf_add(b, &v, sizeof(v));
}

void pd_buf_add_string(struct pd_buf *b, const char *s)
{
	static const uint8_t zeros[PERF_NAME_ALIGN];
	size_t olen = strlen(s) + 1;
	size_t len = (olen + PERF_NAME_ALIGN - 1) & ~(size_t)(PERF_NAME_ALIGN - 1);

	pd_buf_add_u32(b, len);
	pd_buf_add(b, s, olen);
	pd_buf_add(b, zeros, len - olen);
}

void pd_buf_free(struct pd_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}
