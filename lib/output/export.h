/* SPDX-License-Identifier: GPL-2.0 */
/*
 * export.h - the renderers of call-stack slices (lib/output/call_stack.h)
 * for viewers: Chrome trace-event JSON (export_chrome.c), folded stacks for
 * flame graphs (export_folded.c) and Perfetto's protobuf trace
 * (export_perfetto.c). Each takes the slices after cs_finish() (and the
 * tracepoint samples to show as instant events, struct export_opts) and returns
 * 0, -ENOMEM, or the -errno of a write to out that failed (stream_flush()).
 */
#ifndef AUXREC_EXPORT_H
#define AUXREC_EXPORT_H

#include <stdio.h>
#include "lib/output/call_stack.h"
#include "lib/output/tp_print.h"

/*
 * What an export gets besides the slices (NULL: nothing): the recording's
 * tracepoint samples, shown as instant events on their thread's track (on
 * the time clock only: they have no instruction count; folded stacks
 * leave them out); whether to write without a helper thread (the Perfetto
 * export compresses its blocks on one; the bytes are the same); the size
 * of the Perfetto export's compressed blocks (0: 256 KiB; tests make them
 * small).
 */
struct export_opts {
	const struct tp_samples *ts;	/* NULL: none */
	struct tp_printer *tp;
	bool serial;
	size_t block;
};

int export_chrome(const struct call_stacks *cs, const struct export_opts *o, FILE *out);
int export_folded(const struct call_stacks *cs, const struct export_opts *o, FILE *out);
int export_perfetto(const struct call_stacks *cs, const struct export_opts *o, FILE *out);

#endif
