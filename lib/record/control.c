// SPDX-License-Identifier: GPL-2.0
/*
 * control.c - the control channel of `auxrec record --control`: opening
 * the FIFOs or fds, splitting the byte stream into perf's commands, acks.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "lib/record/control.h"
#include "lib/util/util.h"

static const struct {
	const char *name;
	enum control_cmd cmd;
} control_names[] = {
	{ "enable", CONTROL_ENABLE },
	{ "disable", CONTROL_DISABLE },
	{ "snapshot", CONTROL_SNAPSHOT },
	{ "stop", CONTROL_STOP },
	{ "ping", CONTROL_PING },
};

static int control_open_fifo(const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0) {
		snprintf(err, errlen, "--control: cannot open %s: %s", path, strerror(errno));
		return -errno;
	}
	return fd;
}

static int control_parse_fd(const char *s, char *err, size_t errlen)
{
	uint64_t v;

	if (parse_u64(s, &v) || v > 1024 * 1024 || fcntl((int)v, F_GETFD) < 0) {
		snprintf(err, errlen, "--control: '%s' is not an open file descriptor", s);
		return -EBADF;
	}
	return (int)v;
}

int control_open(struct record_control *c, const char *spec, char *err, size_t errlen)
{
	bool fifo = !strncmp(spec, "fifo:", 5), fd = !strncmp(spec, "fd:", 3);
	char *copy, *ack;
	int ret = 0;

	memset(c, 0, sizeof(*c));
	c->fd = c->ack_fd = -1;
	if (!fifo && !fd) {
		snprintf(err, errlen, "--control '%s': use fifo:CTL[,ACK] or fd:N[,M]", spec);
		return -EINVAL;
	}
	copy = strdup(spec + (fifo ? 5 : 3));
	if (!copy)
		return -ENOMEM;
	ack = strchr(copy, ',');
	if (ack)
		*ack++ = 0;
	if (!*copy || (ack && !*ack)) {
		snprintf(err, errlen, "--control '%s': an empty name", spec);
		ret = -EINVAL;
		goto out;
	}
	c->close_fds = fifo;
	ret = fifo ? control_open_fifo(copy, err, errlen) : control_parse_fd(copy, err, errlen);
	if (ret < 0)
		goto out;
	c->fd = ret;
	ret = 0;
	if (fd && fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK) < 0) {
		ret = -errno;
		snprintf(err, errlen, "--control: fd %d: %s", c->fd, strerror(errno));
		goto out;
	}
	if (ack) {
		ret = fifo ? control_open_fifo(ack, err, errlen) : control_parse_fd(ack, err, errlen);
		if (ret < 0)
			goto out;
		c->ack_fd = ret;
		ret = 0;
	}
out:
	free(copy);
	if (ret)
		control_close(c);
	return ret;
}

static enum control_cmd control_lookup(const char *line)
{
	for (size_t i = 0; i < sizeof(control_names) / sizeof(control_names[0]); i++)
		if (!strcmp(line, control_names[i].name))
			return control_names[i].cmd;
	return CONTROL_UNKNOWN;
}

/* Takes one command ended by '\n' or NUL out of the buffer: 1, or 0 if none. */
static int control_take(struct record_control *c, enum control_cmd *cmd, char *name,
			size_t namelen)
{
	size_t end;

	for (end = 0; end < c->len; end++)
		if (c->buf[end] == '\n' || !c->buf[end])
			break;
	if (end == c->len)
		return 0;
	c->buf[end] = 0;
	if (end && c->buf[end - 1] == '\r')
		c->buf[end - 1] = 0;
	snprintf(name, namelen, "%s", c->buf);
	*cmd = c->buf[0] ? control_lookup(c->buf) : CONTROL_NONE;
	memmove(c->buf, c->buf + end + 1, c->len - end - 1);
	c->len -= end + 1;
	return 1;
}

int control_next(struct record_control *c, enum control_cmd *cmd, char *name, size_t namelen)
{
	ssize_t n;

	if (c->fd < 0)
		return 0;
	for (;;) {
		int ret = control_take(c, cmd, name, namelen);

		if (ret && *cmd == CONTROL_NONE)
			continue;	/* an empty line */
		if (ret)
			return 1;
		if (c->len == sizeof(c->buf)) {
			/* a line longer than any command: drop it as unknown */
			snprintf(name, namelen, "%.*s...", 16, c->buf);
			c->len = 0;
			*cmd = CONTROL_UNKNOWN;
			return 1;
		}
		if (c->eof)
			return 0;
		n = read(c->fd, c->buf + c->len, sizeof(c->buf) - c->len);
		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -errno;
		if (!n) {
			c->eof = true;	/* fd: the writer is gone; a FIFO opened O_RDWR never is */
			return 0;
		}
		c->len += n;
	}
}

int control_ack(struct record_control *c)
{
	static const char ack[] = "ack\n";

	if (c->ack_fd < 0)
		return 0;
	return write(c->ack_fd, ack, sizeof(ack) - 1) == sizeof(ack) - 1 ? 0 : -errno;
}

void control_close(struct record_control *c)
{
	if (c->close_fds) {
		if (c->fd >= 0)
			close(c->fd);
		if (c->ack_fd >= 0)
			close(c->ack_fd);
	}
	c->fd = c->ack_fd = -1;
}
