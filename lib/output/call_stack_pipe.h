/* SPDX-License-Identifier: GPL-2.0 */
/*
 * call_stack_pipe.h - the call-stack builder (lib/output/call_stack.c) on
 * a thread of its own while the decoder runs: the decoding thread hands
 * its events over in batches, the builder thread feeds them to cs_event()
 * in the same order. The call stacks come out as cs_event() on the
 * decoding thread would make them (see call_stack_pipe.c for the rule
 * that keeps them so).
 */
#ifndef AUXREC_CALL_STACK_PIPE_H
#define AUXREC_CALL_STACK_PIPE_H

#include "lib/output/call_stack.h"

struct cs_pipe;

/*
 * Starts the builder thread for cs, which it owns until cs_pipe_end():
 * the caller touches cs only between cs_pipe_drain() and the next
 * cs_pipe_event(). Events go over in batches of `batch` (0 or over 2^20:
 * the default; tests make them small). Returns 0, or -errno (no memory, no thread:
 * build the stacks on the calling thread instead).
 */
int cs_pipe_start(struct cs_pipe **out, struct call_stacks *cs, size_t batch);
/*
 * Hands te over (its event and owner copied). Returns 0, or the builder's
 * error (-ENOMEM of cs_event), found when a batch is handed over: stop.
 */
int cs_pipe_event(struct cs_pipe *p, const struct trace_event *te);
/*
 * Returns when every event handed over is in cs: the builder is idle and
 * no longer reads what the events pointed to (their processes, maps and
 * thread names). 0 or the builder's error.
 */
int cs_pipe_drain(struct cs_pipe *p);
/* The batches handed to the builder thread so far (the rest were fed at drains). */
uint64_t cs_pipe_batches(const struct cs_pipe *p);
/* Drains, stops the thread and frees p (NULL: nothing). 0 or the builder's error. */
int cs_pipe_end(struct cs_pipe *p);

#endif
