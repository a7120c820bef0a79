/* SPDX-License-Identifier: GPL-2.0 */
/*
 * event_print.h - the renderers of typed trace events: a text line as
 * `perf script` prints a branch, or a JSON Lines object (docs/json.md,
 * "auxrec script"). Neither knows which decoder made the event; names
 * come from decoders/event.h, symbol text from a sym_cache.
 */
#ifndef AUXREC_EVENT_PRINT_H
#define AUXREC_EVENT_PRINT_H

#include <stdbool.h>
#include <stdio.h>
#include "lib/output/line_buf.h"
#include "lib/output/sym_cache.h"
#include "lib/session/trace_decode.h"

/* Who an event ran as: the part of each line that changes at context switches. */
struct event_context {
	bool valid;
	int pid, tid, cpu;
	const char *comm_at;		/* the event's comm, NULL unknown */
	char comm[16];			/* what it said then */
	struct line_buf text;		/* rendered once per change */
};

struct iovec;
/* A symbol as printed at one end of an event (see event_print.c). */
struct sym_print;
struct pair_slot;

enum sym_form { FORM_JSON_FROM, FORM_JSON_TO, FORM_JSON_VADDR, FORM_TEXT, SYM_FORMS };

struct event_printer {
	FILE *out;
	bool json;
	bool srcline;			/* file:line of each address */
	struct sym_cache *syms;
	struct line_buf buf;		/* lines not written yet */
	struct event_context ctx;
	struct sym_print **sym_print[SYM_FORMS];	/* by sym_frag id */
	size_t sym_print_cap[SYM_FORMS];
	struct kind_text {		/* " %10s " of a kind column, by (kind, branch) */
		bool valid;
		uint8_t kind, len;
		uint16_t branch;
		char text[26];
	} kind_text[16];
	struct pair_slot *pairs;	/* rendered (from, to) pieces, by hash */
	bool render_failed;		/* a piece came out as [unknown]: out of memory */
	uint64_t time;			/* of the text in time_text */
	char time_text[32];		/* " S.NNNNNNNNN:" */
	uint8_t time_len;
	int write_err;			/* the first write to out that failed: -errno */
};

/* Returns 0 or -ENOMEM. */
int event_printer_init(struct event_printer *p, FILE *out, bool json, bool srcline);
/*
 * Bytes buffered before a flush. Each flush is two or three write(2)s
 * through stdio: at 64 KiB they were 40260 writes for the 1.3 GB of
 * `script --itrace=b --json --jobs 1` on the bench stream, and on the VMs
 * measured a system call is dear (docs/testing.md, "Output in larger
 * writes"); at 256 KiB they are four times fewer, and the buffer still
 * fits a core's L2 cache.
 */
#define EVENT_PRINT_FLUSH_AT	((size_t)256 << 10)

/*
 * Writes what is buffered; returns 0, or the error of the first write to
 * out that failed (-ENOSPC, ...; it stays), or -ENOMEM when the buffer
 * could not grow.
 */
int event_printer_flush(struct event_printer *p);
/* Writes what is buffered, then len bytes; as event_printer_flush(). */
int event_printer_write(struct event_printer *p, const char *bytes, size_t len);
/*
 * Writes what is buffered, then the bytes of v[0..n-1] where they are
 * (v is changed): straight to out's file descriptor, with none of the
 * copies of event_printer_write(); as event_printer_flush().
 */
int event_printer_writev(struct event_printer *p, struct iovec *v, int n);
/* Flushes (when it has an out) and frees. */
void event_printer_free(struct event_printer *p);
/* Prints one event (buffered); returns 0, or -EIO when out has failed. */
int event_print(struct event_printer *p, const struct trace_event *te);
/*
 * Renders one event at the end of p->buf and leaves it there (a parallel
 * decode's thread: a printer each, made with out NULL, whose buf the
 * decode hands over; rendering into a buffer of its own, not one swapped
 * in per event, spares a store-to-load stall per line); returns 0 or
 * -ENOMEM.
 */
int event_render(struct event_printer *p, const struct trace_event *te);

#endif
