/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tracing_data.h - perf.data's HEADER_TRACING_DATA feature, the formats of
 * the tracepoints a recording samples, as perf's trace-event-info.c writes
 * it and trace-event-read.c reads it:
 *
 *   "\x17\x08\x44tracing", version "0.6\0", endianness (u8, 1 big),
 *   sizeof(long) (u8), page size (u32),
 *   "header_page\0" u64 size + text, "header_event\0" u64 size + text,
 *   ftrace formats: u32 count, each u64 size + text,
 *   event systems: u32 count, each "NAME\0" u32 count, each u64 size + text,
 *   kallsyms: u32 size + text, printk formats: u32 size + text,
 *   saved cmdlines (version >= 0.6): u64 size + text.
 *
 * Numbers are in the endianness the file names. The builder reads the
 * files from a tracefs directory; the parser only splits and checks (the
 * texts point into the buffer it was given), libtraceevent parses them.
 */
#ifndef AUXREC_TRACING_DATA_H
#define AUXREC_TRACING_DATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A file's contents; p is never NULL: an absent or unread text is "", len 0. */
struct td_text {
	const char *p;
	size_t len;
};

struct td_format {
	const char *system;		/* "ftrace" for the ftrace formats */
	struct td_text text;
};

struct tracing_data {
	char version[16];
	bool big_endian;
	uint8_t long_size;
	uint32_t page_size;
	struct td_text header_page, header_event;
	struct td_format *formats;
	size_t nr_formats;
	char **systems;			/* owned names the formats point to */
	size_t nr_systems;
	struct td_text kallsyms, printk, cmdlines;
	size_t size;			/* bytes the tracing data took */
};

/*
 * Splits LEN bytes of tracing data into td (texts point into buf). Returns
 * 0, or -EINVAL with one line in err naming what is wrong and at which
 * byte, -ENOMEM.
 */
int tracing_data_parse(const void *buf, size_t len, struct tracing_data *td, char *err,
		       size_t errlen);
void tracing_data_free(struct tracing_data *td);

/* A tracepoint the builder writes the format of. */
struct td_event {
	const char *system, *name;
};

/*
 * Builds tracing data as perf record does for the tracepoints EVENTS (each
 * format once, under its system, systems in order of first mention), from
 * the tracefs directory TRACEFS (events/header_page, events/SYS/NAME/format,
 * printk_formats, saved_cmdlines); kallsyms is left empty, as perf since
 * 5.x. Returns 0 with *out (malloc'd) and *len, or -errno with one line
 * in err.
 */
int tracing_data_build(const char *tracefs, const struct td_event *events, size_t nr,
		       uint8_t **out, size_t *len, char *err, size_t errlen);

#endif
