/* SPDX-License-Identifier: GPL-2.0 */
/*
 * control.h - perf's control-fd protocol for `record --control`: commands
 * (`enable`, `disable`, `snapshot`, `stop`, `ping`) read from a FIFO or an
 * inherited fd, each ended by a newline or a NUL, answered with "ack\n" on
 * the optional ack FIFO/fd once carried out.
 */
#ifndef AUXREC_CONTROL_H
#define AUXREC_CONTROL_H

#include <stdbool.h>
#include <stddef.h>

enum control_cmd {
	CONTROL_NONE,
	CONTROL_ENABLE,
	CONTROL_DISABLE,
	CONTROL_SNAPSHOT,
	CONTROL_STOP,
	CONTROL_PING,
	CONTROL_UNKNOWN,
};

struct record_control {
	int fd;			/* commands; -1 when there is no control */
	int ack_fd;		/* answers; -1 for none */
	bool close_fds;		/* we opened them (fifo:), not inherited (fd:) */
	bool eof;		/* the writer closed an fd: channel */
	char buf[128];		/* bytes read, not yet taken as commands */
	size_t len;
};

/*
 * Parses "fifo:CTL[,ACK]" or "fd:N[,M]" and opens the FIFOs (read-write and
 * non-blocking, as perf: no writer needs to be there). On error -errno and
 * one line in err.
 */
int control_open(struct record_control *c, const char *spec, char *err, size_t errlen);
/*
 * The next complete command, reading what the fd has (never blocking):
 * 1 and *cmd (the text of an unknown one in name), 0 when none is complete,
 * or -errno.
 */
int control_next(struct record_control *c, enum control_cmd *cmd, char *name, size_t namelen);
/* Writes "ack\n" to the ack fd, if there is one. */
int control_ack(struct record_control *c);
void control_close(struct record_control *c);

#endif
