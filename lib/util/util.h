/* SPDX-License-Identifier: GPL-2.0 */
/*
 * util.h - process-wide output settings and the error/warning printers
 * every command uses: one line for people, or {"error": ...} under --json.
 */
#ifndef AUXREC_UTIL_H
#define AUXREC_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

extern bool json_output;	/* --json / -j */
extern bool pretty_output;	/* --pretty / -p */
extern int verbose;		/* -v, repeatable */
extern const char *cmd_name;	/* "record", "dump", ... for messages */

/* "auxrec CMD: message" on stderr, or {"error":"message"} on stdout under --json */
void p_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "auxrec CMD: warning: message" on stderr (never on stdout) */
void p_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* printed only with -v */
void p_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Right after a write (fwrite, fflush) that failed: its -errno, or -EIO. */
int write_errno(void);
/*
 * After the last write to f: 0 when all of it reached f, else the error of
 * the write that failed (-ENOSPC on a full disk; -EIO when it is gone).
 */
int stream_flush(FILE *f);

/* Human size: "12.3 MiB", "4096 B"; buf of at least 32 bytes */
const char *fmt_size(char *buf, size_t len, uint64_t bytes);
/* Parses an unsigned integer (decimal, 0x hex, 0 octal); -EINVAL on junk or overflow */
int parse_u64(const char *s, uint64_t *out);
/* Parses a size with an optional K/M/G suffix (powers of 1024) */
int parse_size(const char *s, uint64_t *out);

/* qsort()/bsearch() order of ints, ascending */
int cmp_int(const void *a, const void *b);

static inline bool is_power_of_2(uint64_t n)
{
	return n && !(n & (n - 1));
}

#endif
