// SPDX-License-Identifier: GPL-2.0
/*
 * progress.c - the progress line of long decodes (see progress.h). One
 * progress can be active at a time; p_err/p_warn erase its terminal line
 * first so that their lines stay whole.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include "progress.h"
#include "util.h"

#define NS		1000000000ULL
#define FIRST_NS	NS		/* a terminal line appears after a second */
#define TTY_EVERY_NS	(NS / 4)
#define LOG_EVERY_NS	NS

static struct progress *active;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS + ts.tv_nsec;
}

static void print_line(struct progress *p, uint64_t now, bool last)
{
	char done[32], total[32];
	unsigned int secs = (unsigned int)((now - p->start_ns) / NS);

	fprintf(stderr, "%sauxrec %s: ", p->tty ? "\r" : "", cmd_name ? cmd_name : "");
	fmt_size(done, sizeof(done), p->done);
	if (p->total) {
		/* the index may undercount (a cut file): no 100% before the end */
		unsigned int pct = p->done >= p->total ? (last ? 100 : 99) :
				   (unsigned int)(p->done * 100 / p->total);

		fmt_size(total, sizeof(total), p->total);
		fprintf(stderr, "%u%% of %s %s", pct, total, p->what);
	} else {
		fprintf(stderr, "%s %s", done, p->what);
	}
	fprintf(stderr, ", %u s%s", secs, p->tty ? "\033[K" : "\n");
	fflush(stderr);
	p->shown = true;
}

void progress_start(struct progress *p, enum progress_mode mode, bool output_at_end,
		    uint64_t total, const char *what)
{
	const char *every_ms;

	*p = (struct progress){ .total = total, .what = what };
	p->tty = isatty(STDERR_FILENO);
	if (mode == PROGRESS_NEVER || json_output)
		return;
	if (mode == PROGRESS_AUTO && (!p->tty || (!output_at_end && isatty(STDOUT_FILENO))))
		return;
	p->on = true;
	p->every_ns = p->tty ? TTY_EVERY_NS : LOG_EVERY_NS;
	/* tests: a line every N ms, to see one move within a short decode */
	every_ms = getenv("AUXREC_PROGRESS_EVERY_MS");
	if (every_ms)
		p->every_ns = strtoull(every_ms, NULL, 0) * (NS / 1000);
	p->start_ns = now_ns();
	p->next_ns = p->start_ns + (mode == PROGRESS_AUTO ? FIRST_NS : 0);
	active = p;
}

void progress_set(struct progress *p, uint64_t done)
{
	uint64_t now;

	if (done < p->done)	/* pieces may come back out of file order */
		return;
	p->done = done;
	if (!p->on)
		return;
	now = now_ns();
	if (now < p->next_ns)
		return;
	print_line(p, now, false);
	p->next_ns = now + p->every_ns;
}

void progress_clear(void)
{
	if (active && active->tty && active->shown) {
		fputs("\r\033[K", stderr);
		active->shown = false;
	}
}

void progress_end(struct progress *p)
{
	if (!p->on)
		return;
	if (p->tty)
		progress_clear();
	else
		print_line(p, now_ns(), true);
	p->on = false;
	if (active == p)
		active = NULL;
}
