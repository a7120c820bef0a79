// SPDX-License-Identifier: GPL-2.0
/*
 * pt_sync.c - PSB search: pt_sync_forward() and the resume point after a
 * decode error, pt_sync_after_error(), reproducing libipt 2.0.5
 * (pt_sync.c, pt_packet_decoder.c) offset for offset.
 */
#include <string.h>
#include "pt_opcodes.h"
#include "pt_packet.h"
#include "pt_sync.h"

/* 02 82 ... 02 82 02: a PSB, and at +1 the other phase of its pattern. */
static const uint8_t psb_run[PT_PS_PSB + 1] = {
	PT_PSB_HI, PT_PSB_LO, PT_PSB_HI, PT_PSB_LO, PT_PSB_HI, PT_PSB_LO,
	PT_PSB_HI, PT_PSB_LO, PT_PSB_HI, PT_PSB_LO, PT_PSB_HI, PT_PSB_LO,
	PT_PSB_HI, PT_PSB_LO, PT_PSB_HI, PT_PSB_LO, PT_PSB_HI,
};

static int is_psb_word(const uint8_t *p)
{
	return !memcmp(p, psb_run, 8) || !memcmp(p, psb_run + 1, 8);
}

/*
 * Given pos right after an 8-byte word of PSB pattern, returns the offset
 * of the PSB that ends where this run of 02 82 pairs ends, or -1.
 * libipt reads buf[len] when pos == len; we take that byte as not 02.
 */
static ssize_t find_psb(const uint8_t *buf, size_t len, size_t pos)
{
	if (pos >= len || buf[pos] != PT_PSB_HI)
		pos++;
	while (pos + 1 < len && buf[pos] == PT_PSB_HI &&
	       buf[pos + 1] == PT_PSB_LO)
		pos += 2;
	if (pos < PT_PS_PSB)
		return -1;
	pos -= PT_PS_PSB;
	if (pos + PT_PS_PSB > len || memcmp(buf + pos, psb_run, PT_PS_PSB))
		return -1;
	return pos;
}

ssize_t pt_sync_backward(const uint8_t *buf, size_t len, size_t pos)
{
	if (len < PT_PS_PSB)
		return -PT_ERR_NEED_MORE;
	if (pos > len - PT_PS_PSB)
		pos = len - PT_PS_PSB;
	for (size_t q = pos + 1; q-- > 0;)
		if (buf[q] == PT_PSB_HI && !memcmp(buf + q, psb_run, PT_PS_PSB))
			return (ssize_t)q;
	return -PT_ERR_NEED_MORE;
}

ssize_t pt_sync_forward(const uint8_t *buf, size_t len, size_t start)
{
	size_t pos = (start + 7) & ~(size_t)7;

	for (; pos + 8 <= len; pos += 8) {
		ssize_t psb;

		if (!is_psb_word(buf + pos))
			continue;
		psb = find_psb(buf, len, pos + 8);
		/* a PSB that start points into is skipped */
		if (psb >= 0 && (size_t)psb >= start)
			return psb;
	}
	return -PT_ERR_NEED_MORE;
}

ssize_t pt_sync_after_error(const uint8_t *buf, size_t len, size_t pos,
			    size_t last_sync)
{
	size_t back;

	if (pos == last_sync)
		pos += PT_PS_PSB;
	back = pos < PT_PS_PSB - 1 ? pos : PT_PS_PSB - 1;
	pos -= back;
	if (pos > len)
		return -PT_ERR_NEED_MORE;
	return pt_sync_forward(buf, len, pos);
}
