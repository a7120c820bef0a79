// SPDX-License-Identifier: GPL-2.0
/*
 * mapped_files.c - the table of files mapped for reading and the SIGBUS
 * handler that names the one a fault is in (see mapped_files.h). The
 * handler may run on any thread at any time: it reads the table without
 * a lock, through atomics, and calls only write() and _exit(). A slot is
 * filled (path, then length, then start) before it can match an address,
 * and emptied (start first) before its path is freed; a slot's mapping is
 * unmapped only after it is emptied, so no fault can be in it then.
 */
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "mapped_files.h"

#define MAX_MAPPED	4096	/* files mapped at once that a fault can be named in */

static struct mapped_file {
	_Atomic uintptr_t start;	/* 0: a free slot */
	_Atomic size_t len;
	char *_Atomic path;
} mapped[MAX_MAPPED];
static pthread_mutex_t mapped_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t guard_once = PTHREAD_ONCE_INIT;

/* Appends s to the line in buf (n bytes of it used, at most len). */
static size_t append(char *buf, size_t n, size_t len, const char *s)
{
	while (*s && n < len)
		buf[n++] = *s++;
	return n;
}

/* The error line, written at once (async-signal-safe: no stdio). */
static void say_shorter(const char *path)
{
	char line[PATH_MAX + 128];
	size_t n = append(line, 0, sizeof(line) - 1, "auxrec: error: ");
	ssize_t w;

	n = append(line, n, sizeof(line) - 1, path);
	n = append(line, n, sizeof(line) - 1,
		   " got shorter while it was read (truncated, or rewritten in place)");
	line[n++] = '\n';
	w = write(STDERR_FILENO, line, n);
	(void)w;
}

static void on_bus_error(int sig, siginfo_t *si, void *uc)
{
	uintptr_t a = (uintptr_t)si->si_addr;

	(void)uc;
	for (size_t i = 0; i < MAX_MAPPED; i++) {
		uintptr_t start = atomic_load(&mapped[i].start);

		if (start && a - start < atomic_load(&mapped[i].len)) {
			say_shorter(atomic_load(&mapped[i].path));
			_exit(1);
		}
	}
	/* not a file of ours: the default action, when the fault comes again */
	signal(sig, SIG_DFL);
}

static void install(void)
{
	struct sigaction sa = { .sa_sigaction = on_bus_error, .sa_flags = SA_SIGINFO };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
}

void mapped_files_guard(void)
{
	pthread_once(&guard_once, install);
}

int mapped_file_add(const void *start, size_t len, const char *path)
{
	char *copy = strdup(path);
	int h = -1;

	if (!copy || !start || !len) {
		free(copy);
		return -1;
	}
	pthread_mutex_lock(&mapped_lock);
	for (int i = 0; i < MAX_MAPPED; i++) {
		if (atomic_load(&mapped[i].path))	/* in use (free: path and start 0) */
			continue;
		atomic_store(&mapped[i].path, copy);
		atomic_store(&mapped[i].len, len);
		atomic_store(&mapped[i].start, (uintptr_t)start);
		h = i;
		break;
	}
	pthread_mutex_unlock(&mapped_lock);
	if (h < 0)
		free(copy);
	return h;
}

void mapped_file_remove(int h)
{
	char *path;

	if (h < 0 || h >= MAX_MAPPED)
		return;
	pthread_mutex_lock(&mapped_lock);
	atomic_store(&mapped[h].start, 0);
	path = atomic_exchange(&mapped[h].path, NULL);
	pthread_mutex_unlock(&mapped_lock);
	free(path);
}
