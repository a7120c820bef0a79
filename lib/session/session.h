/* SPDX-License-Identifier: GPL-2.0 */
/*
 * session.h - reading a recording for decoding: sideband state (process
 * address maps from MMAP/MMAP2/FORK, thread names from COMM), the decoder
 * of the recording's AUXTRACE_INFO, and its AUX chunks joined into
 * contiguous pieces of one buffer and one process, each handed over with
 * the process it belongs to.
 *
 * A piece is the run of consecutive chunks of one buffer (idx) that
 * continue each other (offset == previous end) and belong to the same
 * process (the sample id of their PERF_RECORD_AUX), or, in a per-CPU
 * buffer of a CPU-wide event with PERF_RECORD_SWITCH_CPU_WIDE records and
 * TIME_CONV, to any process: the decoder then asks session_owner_at() who
 * ran at each trace time. The sideband state is the one in effect at the
 * piece's last chunk in file order.
 */
#ifndef AUXREC_SESSION_H
#define AUXREC_SESSION_H

#include <stdbool.h>
#include <stdint.h>
#include "decoders/decoder.h"
#include "lib/perf_data/perf_data.h"
#include "lib/util/slot_index.h"
#include "lib/symbols/symbols.h"
#include "lib/session/thread_map.h"

struct proc {
	int pid;
	uint32_t gen;		/* bumped when its code may change: mmap, exec, fork */
	char comm[16];
	struct maps maps;
};

struct session_piece {
	struct aux_chunk chunk;		/* data, size, aux_offset, idx, cpu, tid */
	int pid, tid;			/* owner, -1 unknown */
	uint64_t time;			/* of its first PERF_RECORD_AUX, 0 unknown */
	struct proc *proc;		/* NULL when the owner is unknown */
	uint32_t nr_chunks;
};

struct session {
	struct pd_reader *r;
	const char *path;
	const char *symfs;		/* prefix for binary paths, or NULL */
	const struct decoder_ops *dec;
	uint32_t auxtrace_type;
	bool have_info;			/* an AUXTRACE_INFO was read: auxtrace_type, priv */
	uint64_t priv[64];
	size_t nr_priv;
	const struct perf_event_attr *aux_attr;	/* the attr of the AUX event */
	uint64_t time_shift, time_mult, time_zero;	/* TIME_CONV; time_mult 0: none */
	bool bad_time_conv;		/* one that cannot convert was ignored (warned) */
	struct dso_cache *dsos;
	/* perf's "[kernel.kallsyms]_text" MMAP: _text ran at its pgoff (KASLR) */
	char kernel_ref[32];		/* "_text"; "" when the recording has none */
	uint64_t kernel_ref_addr;
	struct proc *procs;
	size_t nr_procs, cap_procs;
	struct slot_index proc_index;	/* of procs by pid */
	struct thread_map threads;	/* tid to pid, from COMM and FORK */
	void *priv_state;		/* session.c internals */
	/*
	 * Optional: called with each PERF_RECORD_SAMPLE in file order, the
	 * sideband (maps) as in effect there; non-zero stops the processing.
	 * But a sample with a user stack whose process has no mapping yet
	 * comes once an MMAP of its process has been read (another CPU's
	 * ring, older, written after it: sample_hold.h), or at the end.
	 */
	int (*on_sample)(void *ctx, struct session *s, const struct pd_record *rec);
	void *sample_ctx;
	/*
	 * Optional: the pieces still pending when the file ends (each buffer's
	 * last: all of a per-CPU recording's trace, unless a gap or 256 MiB
	 * cut it before) handed over together, in buffer order, instead of one
	 * by one to session_process()'s fn (with its ctx, the same returns):
	 * for a decode that merges them by time. The sideband is complete then.
	 */
	int (*pieces_at_end)(void *ctx, struct session *s, const struct session_piece *const *v,
			     size_t n);
	uint64_t aux_bytes, pieces;
	/* threads that may copy the chunks of a piece into one buffer; 0 or 1: the caller */
	unsigned int copy_jobs;
	/*
	 * The caller hands pieces to the decoder only: a piece of several
	 * chunks where the reader maps the file comes in windows over them
	 * (aux_chunk.windows), not copied into one buffer, when the decoder
	 * reads windows (decoder_ops.windows).
	 */
	bool windows;
};

typedef int (*session_piece_fn)(void *ctx, struct session *s, const struct session_piece *p);

/* Opens PATH; on error returns -errno with a one-line reason in err. */
int session_open(struct session **out, const char *path, const char *symfs, char *err,
		 size_t errlen);
/*
 * Reads every record, keeping the sideband, and calls fn for each piece.
 * Returns 0, fn's non-zero value, or -errno when the file is corrupt (the
 * pieces before the damage were handed over; err says what and where).
 */
int session_process(struct session *s, session_piece_fn fn, void *ctx, char *err, size_t errlen);
struct proc *session_proc(struct session *s, int pid, bool create);
/* The process of thread tid (a main thread's is its own), or NULL when unknown. */
struct proc *session_thread_proc(struct session *s, int tid);
/*
 * The name of thread tid as perf script prints it: its own (COMM, or its
 * parent thread's at FORK), else its process p's; NULL when neither is
 * known. Valid while p is (a thread's own name until session_close()).
 */
const char *session_thread_comm(struct session *s, int tid, const struct proc *p);
/*
 * The same at perf time `time` (0: the latest, as session_thread_comm()):
 * the name the thread had then (thread_map_comm_at()); *next (when not
 * NULL) gets the time it next changes, UINT64_MAX when it does not.
 */
const char *session_thread_comm_at(struct session *s, int tid, const struct proc *p,
				   uint64_t time, uint64_t *next);
/*
 * The task switched in on cpu last at or before perf time `time`: false
 * when no switch on that cpu is that old; else its pid, tid and process
 * (NULL when the recording has nothing of it). *next gets the time of the
 * following switch there (UINT64_MAX: none).
 */
bool session_owner_at(struct session *s, int32_t cpu, uint64_t time, struct proc **proc,
		      int *pid, int *tid, uint64_t *next);
/* Whether the recording has CPU-wide context switch records for cpu. */
bool session_has_switches(struct session *s, int32_t cpu);
void session_close(struct session *s);

#endif
