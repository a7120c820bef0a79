/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tp_print.h - tracepoint samples as text and JSON through libtraceevent:
 * the formats come from the recording's tracing data (header page, event
 * formats, printk formats, saved cmdlines, as perf's trace-event-read.c
 * hands them over); a sample's fields print as perf script prints them
 * (tep_print_event's INFO) or as JSON values by field name and type.
 */
#ifndef AUXREC_TP_PRINT_H
#define AUXREC_TP_PRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/output/line_buf.h"
#include "lib/session/tp_samples.h"

struct tp_printer;

/*
 * Loads the formats of ts's tracing data. Returns 0, or -errno with one
 * line in err (no tracing data in a recording with tracepoint samples, a
 * format libtraceevent cannot parse).
 */
int tp_printer_new(struct tp_printer **out, const struct tp_samples *ts, char *err,
		   size_t errlen);
void tp_printer_free(struct tp_printer *tp);
/*
 * The tracepoint samples of the recording PATH and their printer (*tp NULL
 * when it has none). PATH "-": standard input, made re-readable first (a
 * pipe is copied to a temporary file, lib/util/stdin_spool.h) for the
 * decode's pass after this one.
 * Returns 0, or -errno with one line in err, starting with "PATH: ".
 */
int tp_load(const char *path, struct tp_samples *ts, struct tp_printer **tp, char *err,
	    size_t errlen);

/* "sched:sched_switch": the event's system and name from its format. */
const char *tp_event_name(struct tp_printer *tp, const struct tp_sample *s);
/*
 * A text line as perf script prints a tracepoint sample (with --ns):
 * "COMM TID [CPU] S.NNNNNNNNN: SYS:NAME: FIELDS\n".
 */
void tp_print_text(struct tp_printer *tp, const struct tp_sample *s, struct line_buf *out);
/*
 * A JSON Lines object: {"type":"tracepoint","name":...,"time":...,"pid":...,
 * "tid":...,"cpu":...,"comm":...,"fields":{...},"text":...}\n.
 */
void tp_print_json(struct tp_printer *tp, const struct tp_sample *s, struct line_buf *out);
/* The fields alone as a JSON object {"name":value,...}: for exports' arguments. */
void tp_fields_json(struct tp_printer *tp, const struct tp_sample *s, struct line_buf *out);

/* One field of a sample, by the type its format gives it. */
struct tp_field {
	const char *name;
	enum { TP_FIELD_NONE, TP_FIELD_NUMBER, TP_FIELD_STRING, TP_FIELD_ARRAY } kind;
	bool is_signed;
	uint64_t number;		/* NUMBER (sign-extended when signed) */
	const uint8_t *bytes;		/* STRING (len bytes, no NUL) or ARRAY */
	size_t len;
	size_t elem_size;		/* ARRAY: bytes per element, 1 to 8 */
};

/* fn for each field of the sample's format (NONE: outside the raw data); stops at non-zero. */
typedef int (*tp_field_fn)(void *ctx, const struct tp_field *f);
int tp_for_each_field(struct tp_printer *tp, const struct tp_sample *s, tp_field_fn fn,
		      void *ctx);
/* Element i of an ARRAY field. */
uint64_t tp_field_element(const struct tp_field *f, size_t i);

#endif
