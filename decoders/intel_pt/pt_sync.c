// SPDX-License-Identifier: GPL-2.0
/*
 * pt_sync.c - PSB search: pt_sync_forward() and the resume point after a
 * decode error, pt_sync_after_error(), reproducing libipt 2.0.5
 * (pt_sync.c, pt_packet_decoder.c) offset for offset.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include "decoders/aux_window.h"
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

/* find_psb()'s answer when the run reaches the end of a window */
#define PSB_UNSURE	(-2)

/*
 * Given pos right after an 8-byte word of PSB pattern, returns the offset
 * of the PSB that ends where this run of 02 82 pairs ends, or -1.
 * libipt reads buf[len] when pos == len; we take that byte as not 02.
 * When len is not the end of the trace (at_end false, a window's end),
 * PSB_UNSURE if the run may go on past len.
 */
static ssize_t find_psb(const uint8_t *buf, size_t len, size_t pos, bool at_end)
{
	if (pos >= len || buf[pos] != PT_PSB_HI)
		pos++;
	while (pos + 1 < len && buf[pos] == PT_PSB_HI &&
	       buf[pos + 1] == PT_PSB_LO)
		pos += 2;
	if (!at_end && pos + 1 >= len)
		return PSB_UNSURE;
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

/*
 * The words at 8-aligned offsets from `from` up to word_end (and len) of
 * buf[0..len), as pt_sync_forward() scans them for a PSB at or after
 * start. With at_end false, PSB_UNSURE when a word's run may go on past
 * len, its offset in *unsure.
 */
static ssize_t scan_words(const uint8_t *buf, size_t len, size_t from, size_t word_end,
			  bool at_end, size_t start, size_t *unsure)
{
	for (size_t pos = (from + 7) & ~(size_t)7; pos + 8 <= len && pos < word_end; pos += 8) {
		ssize_t psb;

		if (!is_psb_word(buf + pos))
			continue;
		psb = find_psb(buf, len, pos + 8, at_end);
		if (psb == PSB_UNSURE) {
			*unsure = pos;
			return PSB_UNSURE;
		}
		/* a PSB that start points into is skipped */
		if (psb >= 0 && (size_t)psb >= start)
			return psb;
	}
	return -PT_ERR_NEED_MORE;
}

ssize_t pt_sync_forward(const uint8_t *buf, size_t len, size_t start)
{
	size_t unsure;

	return scan_words(buf, len, start, len, true, start, &unsure);
}

/* The chunk's byte at off (< len), through its window. */
static uint8_t window_byte(const struct pt_windows *w, size_t off, size_t *hint)
{
	*hint = aux_window_index(w->v, w->nr, off, *hint);
	return aux_window_base(&w->v[*hint])[off];
}

/*
 * find_psb() over the windows, a byte at a time: a run longer than their
 * overlap. Where the run ends in *run_end.
 */
static ssize_t find_psb_windows(const struct pt_windows *w, size_t pos, size_t *run_end)
{
	size_t len = w->len, hint = 0;

	if (pos >= len || window_byte(w, pos, &hint) != PT_PSB_HI)
		pos++;
	while (pos + 1 < len && window_byte(w, pos, &hint) == PT_PSB_HI &&
	       window_byte(w, pos + 1, &hint) == PT_PSB_LO)
		pos += 2;
	*run_end = pos;
	if (pos < PT_PS_PSB)
		return -1;
	pos -= PT_PS_PSB;
	if (pos + PT_PS_PSB > len)
		return -1;
	for (size_t i = 0; i < PT_PS_PSB; i++)
		if (window_byte(w, pos + i, &hint) != psb_run[i])
			return -1;
	return pos;
}

ssize_t pt_sync_forward_windows(const struct pt_windows *w, size_t start)
{
	size_t pos = start, i = 0;

	for (;;) {
		const struct aux_window *win;
		size_t end, unsure;
		bool last;
		ssize_t psb;

		i = aux_window_index(w->v, w->nr, pos, i);
		win = &w->v[i];
		last = i + 1 == w->nr;
		end = last ? w->len : win->off + win->len;
		/*
		 * The words up to half the overlap before the window's end: the
		 * next window holds the rest with the bytes before them.
		 */
		psb = scan_words(aux_window_base(win), end, pos,
				 last ? end : end - AUX_WINDOW_OVERLAP / 2, last, start, &unsure);
		if (psb != PSB_UNSURE) {
			if (psb >= 0 || last)
				return psb;
			pos = end - AUX_WINDOW_OVERLAP / 2;
			continue;
		}
		psb = find_psb_windows(w, unsure + 8, &end);
		if (psb >= 0 && (size_t)psb >= start)
			return psb;
		/* the run's other words end it there too: the same PSB, or none */
		pos = end - 8 > unsure + 8 ? end - 8 : unsure + 8;
	}
}

/*
 * Where pt_sync_after_error() starts its search (see pt_sync.h), or
 * SIZE_MAX past len.
 */
static size_t after_error_from(size_t len, size_t pos, size_t last_sync)
{
	size_t back;

	if (pos == last_sync)
		pos += PT_PS_PSB;
	back = pos < PT_PS_PSB - 1 ? pos : PT_PS_PSB - 1;
	pos -= back;
	return pos > len ? SIZE_MAX : pos;
}

ssize_t pt_sync_after_error(const uint8_t *buf, size_t len, size_t pos,
			    size_t last_sync)
{
	size_t from = after_error_from(len, pos, last_sync);

	return from == SIZE_MAX ? -PT_ERR_NEED_MORE : pt_sync_forward(buf, len, from);
}

ssize_t pt_sync_after_error_windows(const struct pt_windows *w, size_t pos, size_t last_sync)
{
	size_t from = after_error_from(w->len, pos, last_sync);

	return from == SIZE_MAX ? -PT_ERR_NEED_MORE : pt_sync_forward_windows(w, from);
}
