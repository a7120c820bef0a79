/* SPDX-License-Identifier: GPL-2.0 */
/*
 * unit_code.h - one buffer of machine code at a fixed address, read
 * through decode_opts.read_code (read_ctx: the struct unit_code), for the
 * unit tests of decoders that walk code.
 */
#ifndef AUXREC_UNIT_CODE_H
#define AUXREC_UNIT_CODE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct unit_code {
	uint64_t base;		/* address of bytes[0] */
	const void *bytes;
	size_t size;
};

/* Up to len bytes at ip, fewer at the end of the buffer, none outside it. */
static inline int unit_read_code(void *ctx, uint64_t ip, uint8_t *buf, size_t len)
{
	const struct unit_code *c = ctx;
	size_t n;

	if (ip < c->base || ip >= c->base + c->size)
		return 0;
	n = c->base + c->size - ip;
	n = n < len ? n : len;
	memcpy(buf, (const uint8_t *)c->bytes + (ip - c->base), n);
	return n;
}

#endif
