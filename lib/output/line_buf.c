// SPDX-License-Identifier: GPL-2.0
/*
 * line_buf.c - the printf-free line builder of line_buf.h. Each function
 * produces exactly what the printf conversion it names would.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "lib/util/huge_array.h"
#include "line_buf.h"

/*
 * A buffer that outgrows BIG_FROM bytes goes straight to HUGE_ARRAY_FROM,
 * a mapping of its own in transparent huge pages (lib/util/huge_array.h),
 * and grows there by moving its pages. A parallel decode unit's output is
 * buffered in megabytes: filled 4 KiB page fault by 4 KiB page fault (or
 * faulted in ahead with MADV_POPULATE_WRITE, which a guest under shadow
 * paging pays for again at the first store), that cost `script --json
 * --jobs 2` a sixth of its time (docs/testing.md, "Unit buffers in huge
 * pages").
 */
#define BIG_FROM	((size_t)256 << 10)

static int reserve(struct line_buf *b, size_t n)
{
	size_t need = b->len + n;
	void *p = b->p;

	if (need <= b->cap)
		return 0;
	if (need > BIG_FROM && need < HUGE_ARRAY_FROM)
		need = HUGE_ARRAY_FROM;
	if (need < b->len || huge_array_grow(&p, &b->cap, need, 1, 256)) {
		b->err = -ENOMEM;
		return -ENOMEM;
	}
	b->p = p;
	return 0;
}

void lb_free(struct line_buf *b)
{
	huge_array_free(b->p, b->cap, 1);
	*b = (struct line_buf){ 0 };
}

void lb_grow_mem(struct line_buf *b, const char *s, size_t n)
{
	if (reserve(b, n))
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

char *lb_grow_room(struct line_buf *b, size_t n)
{
	return reserve(b, n) ? NULL : b->p + b->len;
}

static void pad(struct line_buf *b, char c, size_t n)
{
	if (reserve(b, n))
		return;
	memset(b->p + b->len, c, n);
	b->len += n;
}

void lb_str_right(struct line_buf *b, const char *s, int width)
{
	size_t n = strlen(s);

	if (width > 0 && n < (size_t)width)
		pad(b, ' ', width - n);
	lb_mem(b, s, n);
}

/* Decimal or hex digits of v at the end of tmp; their start. */
static char *digits10(char *end, uint64_t v)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return end;
}

static char *digits16(char *end, uint64_t v)
{
	static const char hex[] = "0123456789abcdef";

	do {
		*--end = hex[v & 15];
		v >>= 4;
	} while (v);
	return end;
}

/* The digits p..end, padded on the left with c to width: one reservation. */
static void put_padded(struct line_buf *b, const char *p, const char *end, int width, char c)
{
	size_t n = (size_t)(end - p), w = width > 0 && n < (size_t)width ? (size_t)width : n;

	if (reserve(b, w))
		return;
	memset(b->p + b->len, c, w - n);
	memcpy(b->p + b->len + (w - n), p, n);
	b->len += w;
}

void lb_dec_right(struct line_buf *b, int64_t v, int width)
{
	char tmp[24], *end = tmp + sizeof(tmp), *p;

	p = digits10(end, v < 0 ? -(uint64_t)v : (uint64_t)v);
	if (v < 0)
		*--p = '-';
	put_padded(b, p, end, width, ' ');
}

void lb_udec_zero(struct line_buf *b, uint64_t v, int width)
{
	char tmp[24], *end = tmp + sizeof(tmp);

	put_padded(b, digits10(end, v), end, width, '0');
}

void lb_hex_padded(struct line_buf *b, uint64_t v, int width)
{
	char tmp[24], *end = tmp + sizeof(tmp);

	put_padded(b, digits16(end, v), end, width, ' ');
}

void lb_hex0x(struct line_buf *b, uint64_t v)
{
	char tmp[24], *end = tmp + sizeof(tmp), *p = digits16(end, v);

	*--p = 'x';
	*--p = '0';
	put_padded(b, p, end, 0, ' ');
}

void lb_printf(struct line_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || reserve(b, (size_t)n + 1))
		return;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += n;
}

int lb_write(struct line_buf *b, FILE *f)
{
	return !b->len || fwrite(b->p, 1, b->len, f) == b->len;	/* p is NULL until used */
}
