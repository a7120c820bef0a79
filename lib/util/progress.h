/* SPDX-License-Identifier: GPL-2.0 */
/*
 * progress.h - the progress line of long decodes on stderr: on a terminal
 * one line rewritten in place (after the first second), with --progress
 * a plain line per second for logs, and nothing otherwise.
 */
#ifndef AUXREC_PROGRESS_H
#define AUXREC_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

enum progress_mode {
	PROGRESS_AUTO,		/* stderr is a terminal (and stdout is not, or output_at_end) */
	PROGRESS_ALWAYS,	/* --progress */
	PROGRESS_NEVER,		/* --no-progress */
};

struct progress {
	bool on, tty, shown;
	const char *what;	/* "read", "of AUX decoded": what done/total count */
	uint64_t total;		/* bytes to go through, 0 unknown */
	uint64_t done;
	uint64_t start_ns, next_ns, every_ns;
};

/*
 * Starts reporting work on `total` bytes (0: unknown), shown as "37% of
 * 1.2 GiB WHAT" or "12.3 MiB WHAT". output_at_end: the command prints its
 * results only when done (report), so a terminal on stdout does not turn
 * the line off.
 */
void progress_start(struct progress *p, enum progress_mode mode, bool output_at_end,
		    uint64_t total, const char *what);
/* `done` bytes are through; prints when it is time to. */
void progress_set(struct progress *p, uint64_t done);
/* Ends the line: erased on a terminal, a last 100% line otherwise. */
void progress_end(struct progress *p);
/* Erases a shown terminal line before other stderr output (p_err, p_warn). */
void progress_clear(void);

#endif
