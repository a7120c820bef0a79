/* SPDX-License-Identifier: GPL-2.0 */
/*
 * export.h - the renderers of call-stack slices (lib/output/call_stack.h)
 * for viewers: Chrome trace-event JSON (export_chrome.c), folded stacks for
 * flame graphs (export_folded.c) and Perfetto's protobuf trace
 * (export_perfetto.c). Each takes the slices after cs_finish() and returns
 * 0, -ENOMEM, or -EIO when out failed.
 */
#ifndef AUXREC_EXPORT_H
#define AUXREC_EXPORT_H

#include <stdio.h>
#include "lib/output/call_stack.h"

int export_chrome(const struct call_stacks *cs, FILE *out);
int export_folded(const struct call_stacks *cs, FILE *out);
int export_perfetto(const struct call_stacks *cs, FILE *out);

#endif
