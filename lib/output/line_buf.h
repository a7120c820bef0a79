/* SPDX-License-Identifier: GPL-2.0 */
/*
 * line_buf.h - a line of text output built without printf (strings padded
 * to a width, decimal and hex numbers) and written with one fwrite: the
 * hot path of `auxrec script`, which prints a line per branch.
 */
#ifndef AUXREC_LINE_BUF_H
#define AUXREC_LINE_BUF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "lib/output/hex_digits.h"

struct line_buf {
	char *p;
	size_t len, cap;
	int err;		/* -ENOMEM once growing failed: the line is cut */
};

void lb_free(struct line_buf *b);
static inline void lb_reset(struct line_buf *b)
{
	b->len = 0;
}
void lb_grow_mem(struct line_buf *b, const char *s, size_t n);
/*
 * memcpy for the short pieces of a line (names, a context, a few dozen
 * bytes) in fixed-size moves that overlap at the end: a memcpy of unknown
 * size inlined here became `rep movsq`, whose start-up cost was a sixth of
 * `auxrec script`'s time.
 */
static inline void lb_copy_short(char *d, const char *s, size_t n)
{
	if (n >= 16) {
		for (size_t i = 0; i + 16 < n; i += 16)
			memcpy(d + i, s + i, 16);
		memcpy(d + n - 16, s + n - 16, 16);
	} else if (n >= 8) {
		memcpy(d, s, 8);
		memcpy(d + n - 8, s + n - 8, 8);
	} else if (n >= 4) {
		memcpy(d, s, 4);
		memcpy(d + n - 4, s + n - 4, 4);
	} else {
		for (size_t i = 0; i < n; i++)
			d[i] = s[i];
	}
}
static inline void lb_mem(struct line_buf *b, const char *s, size_t n)
{
	if (b->len + n <= b->cap) {	/* the usual case: room */
		lb_copy_short(b->p + b->len, s, n);
		b->len += n;
	} else {
		lb_grow_mem(b, s, n);
	}
}
static inline void lb_str(struct line_buf *b, const char *s)
{
	lb_mem(b, s, strlen(s));
}
static inline void lb_char(struct line_buf *b, char c)
{
	if (b->len < b->cap)
		b->p[b->len++] = c;
	else
		lb_grow_mem(b, &c, 1);
}
/* s right-aligned in width columns (printf "%*s") */
/*
 * Room for n more bytes: where to write them (then lb_end_at() with the new
 * end), or NULL when growing failed.
 */
char *lb_grow_room(struct line_buf *b, size_t n);
static inline char *lb_room(struct line_buf *b, size_t n)
{
	return b->len + n <= b->cap ? b->p + b->len : lb_grow_room(b, n);
}

static inline void lb_end_at(struct line_buf *b, char *end)
{
	b->len = (size_t)(end - b->p);
}

#define LB_LIT(b, lit)	lb_mem(b, lit, sizeof(lit) - 1)

void lb_str_right(struct line_buf *b, const char *s, int width);
/* printf "%*lld" */
void lb_dec_right(struct line_buf *b, int64_t v, int width);
/* printf "%0*llu" */
void lb_udec_zero(struct line_buf *b, uint64_t v, int width);
/* printf "%*llx" */
void lb_hex_padded(struct line_buf *b, uint64_t v, int width);
static inline void lb_hex_right(struct line_buf *b, uint64_t v, int width)
{
	char *p;

	/* the two widths a branch line uses (twice per line): inline */
	if (width != 16 && width != 0) {
		lb_hex_padded(b, v, width);
		return;
	}
	p = lb_room(b, 16);
	if (p)
		lb_end_at(b, width == 16 ? hex_fmt_right16(p, v) : hex_fmt(p, v));
}
/* printf "0x%llx" */
void lb_hex0x(struct line_buf *b, uint64_t v);
void lb_printf(struct line_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Writes the line to f; returns fwrite's count == len. */
int lb_write(struct line_buf *b, FILE *f);

#endif
