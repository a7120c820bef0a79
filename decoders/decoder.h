/* SPDX-License-Identifier: GPL-2.0 */
/*
 * decoder.h - the decoder plugin interface.
 *
 * A decoder is a table of operations registered under its PMU name and
 * perf's AUXTRACE type id (PERF_AUXTRACE_*, the first u64 of
 * PERF_RECORD_AUXTRACE_INFO). Built-in decoders are listed in
 * decoders/registry.c; an external one is a shared object exporting
 * `const struct decoder_ops *auxrec_decoder_register(void)`, found in the
 * plugin directory (see decoders/registry.c). Adding a PMU touches
 * decoders/ only.
 */
#ifndef AUXREC_DECODER_H
#define AUXREC_DECODER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/perf_event.h>
#include "decoders/event.h"

struct pmu;

/* What the record side knows when it writes PERF_RECORD_AUXTRACE_INFO. */
struct aux_record_ctx {
	const struct perf_event_attr *attr;	/* the AUX event as opened */
	const struct pmu *pmu;			/* its sysfs description */
	const struct perf_event_mmap_page *pc;	/* first ring: time conversion */
	bool per_cpu_mmaps;
	int have_sched_switch;	/* perf's: 0 none, 2 SWITCH, 3 SWITCH_CPU_WIDE */
	bool snapshot_mode;
	/* record --filter in the kernel's form, or NULL (added last: plugins built before still read the rest) */
	const char *addr_filter;
};

/*
 * What record_options adjusts: the AUX event as auxrec set it up (the
 * user's terms applied) and the tracking event auxrec would add next to it
 * (perf's dummy:u with the sideband: mmap, comm, task, the AUX event's
 * sample type).
 */
struct record_options_ctx {
	const struct pmu *pmu;
	const char *user_terms;		/* the terms the user gave, "" none */
	bool per_cpu;			/* events per cpu (-a, -C, a COMMAND without --per-thread) */
	struct perf_event_attr *aux;
	struct perf_event_attr *track;
};

/*
 * 2: reached() names the image; 3: typed events (decoders/event.h), and
 * the packet dump is described, not printed (struct packet_ops replaces
 * dump_begin/dump_chunk/dump_end and struct dump_opts); 4: record-side
 * rules (per_thread_only, aux_size_*); 5: struct mem_sample has classes
 * (MEM_C_*), and parallel decode (split_next, decode_range, decode_join);
 * 6: packet_ops.count (count-only packet scan)
 * 7: record_options and the tracking event
 * 8: decode_opts.count (taken branches as sums per source), no_time
 * 9: range_take_over, range_used_before (bounded decode units)
 * 10: decode_opts.fold_branches (plain branches folded for call stacks)
 * 11: decode_opts.count in decode_range()/decode_join() states
 * 12: context() takes the trace's time and says when to call it again
 * 13: events_cpu() (the CPU of the events, when not the buffer's)
 * 14: decode_opts.fold_branches also in decode_range()/decode_join() states
 * 15: aux_chunk.windows (a chunk's bytes where the file maps them), for
 *     decoders with decoder_ops.windows
 */
#define DECODER_ABI_VERSION 15

/* perf's AUXTRACE type ids (tools/perf/util/auxtrace.h, enum auxtrace_type) */
enum auxtrace_type {
	AUXTRACE_TYPE_UNKNOWN = 0,
	AUXTRACE_TYPE_INTEL_PT = 1,
	AUXTRACE_TYPE_INTEL_BTS = 2,
	AUXTRACE_TYPE_CS_ETM = 3,
	AUXTRACE_TYPE_ARM_SPE = 4,
	AUXTRACE_TYPE_S390_CPUMSF = 5,
	AUXTRACE_TYPE_HISI_PTT = 6,
};

/*
 * auxrec's own bit in aux_chunk.flags (the kernel's PERF_AUX_FLAG_* use the
 * low 16): a snapshot (PERF_AUX_FLAG_OVERWRITE) whose area's next snapshot
 * in the file starts with this one's last bytes, so that a decoder that
 * decodes across the seam loses nothing where this one ends (a packet it
 * cuts there is whole in the next). Never set on the last snapshot of an
 * area, nor when the next one starts after a gap. A decoder may ignore it.
 * It is set on equal bytes (aux_chunk.next_overlap of them): a decoder
 * that can read time in them tells a chance match from a continuation
 * (snapshot_continues() of lib/util/snapshot_overlap.h), with
 * AUX_CHUNK_F_AT_OFFSET: the AUXTRACE offsets give that overlap
 * (snapshot_seam(): directly, or one area off).
 */
#define AUX_CHUNK_F_CONTINUED	(1ULL << 63)
#define AUX_CHUNK_F_AT_OFFSET	(1ULL << 62)

/*
 * Part of a chunk's bytes: len bytes at p, from offset off of the chunk.
 * See aux_chunk.windows and decoders/aux_window.h.
 */
struct aux_window {
	size_t off, len;
	const uint8_t *p;
};

/* Bytes each window of a chunk shares with the next one, at least. */
#define AUX_WINDOW_OVERLAP	((size_t)8 << 10)

/* One span of AUX bytes as recorded (a PERF_RECORD_AUXTRACE payload). */
struct aux_chunk {
	const uint8_t *data;
	size_t size;
	/*
	 * data NULL and nr_windows > 0: the bytes are where the windows say,
	 * not in one place (a piece of several AUXTRACE payloads decoded where
	 * the file is mapped, not copied together). The windows are in order
	 * of offset, the first at 0, the last ending at size; each starts
	 * before the next (and ends before the next ends) and ends at least
	 * AUX_WINDOW_OVERLAP bytes after the next starts. Only given to a
	 * decoder whose decoder_ops.windows is set.
	 */
	const struct aux_window *windows;
	size_t nr_windows;
	uint64_t aux_offset;	/* offset of the span in the AUX ring stream */
	uint64_t file_offset;	/* where data starts in the file, 0 for raw input */
	uint64_t flags;		/* PERF_AUX_FLAG_* of the matching PERF_RECORD_AUX,
				 * and AUX_CHUNK_F_CONTINUED, _AT_OFFSET */
	size_t next_overlap;	/* AUX_CHUNK_F_CONTINUED: the bytes of this
				 * one's end that the next snapshot starts with */
	int32_t cpu;		/* -1 when per-thread */
	int32_t tid;
	uint32_t idx;		/* index of the mmap the span came from */
	/* the recording's PERF_RECORD_AUXTRACE_INFO priv; NULL: none known */
	const uint64_t *info_priv;
	size_t nr_priv;
};

/*
 * Packet descriptions: the packet dump (`auxrec dump`). A decoder never
 * prints: it describes each packet type once (a name and typed fields)
 * and hands out each packet as the values of those fields; lib/output
 * renders them as text or JSON and counts them (--stats).
 */
enum packet_field_kind {
	PACKET_FIELD_DEC,	/* a number: 1234 */
	PACKET_FIELD_HEX,	/* 0x4d2 (JSON: the string "0x4d2") */
	PACKET_FIELD_BITS,	/* n bits of v, oldest (highest) first, as
				 * characters: "TNNT" (JSON: a string) */
};

struct packet_field_desc {
	const char *key;	/* snake_case; JSON key and text label */
	uint8_t kind;		/* enum packet_field_kind */
	char bits[2];		/* PACKET_FIELD_BITS: the characters of 0, 1 */
};

#define PACKET_TYPE_PAD	0x1	/* padding: hidden on request */

struct packet_type_desc {
	const char *name;	/* "tnt.8": the JSON "packet" value */
	uint8_t nr_fields;	/* at most PACKET_MAX_FIELDS */
	uint8_t flags;		/* PACKET_TYPE_* */
	const struct packet_field_desc *fields;
};

#define PACKET_MAX_FIELDS 8

/*
 * One packet, or one decode error, of a chunk: 96 bytes, so that a batch
 * stays in the L1 cache between the decoder and the output. An error's
 * text comes from packet_ops.errstr.
 */
struct packet_desc {
	uint64_t offset;	/* in the chunk */
	uint32_t size;		/* bytes */
	uint16_t type;		/* index in packet_ops.types */
	uint8_t nr;		/* fields present: the first nr of the type's */
	int err;		/* non-zero: a decode error at offset (only
				 * offset is set); the decoder resynchronizes */
	uint8_t nbits[PACKET_MAX_FIELDS];	/* PACKET_FIELD_BITS: how
						 * many bits of v, <= 64 */
	uint64_t v[PACKET_MAX_FIELDS];		/* field values */
};

/* Called with packets in stream order; non-zero stops the walk. */
typedef int (*packet_fn)(void *ctx, const struct packet_desc *pkts, size_t nr);

#define PACKETS_NO_FIELDS 0x1	/* fn reads offset, size, type, err only */

/* begin, end and errstr are optional; types and packets are not. */
struct packet_ops {
	const struct packet_type_desc *types;	/* indexed by packet_desc.type */
	uint16_t nr_types;
	/* per-stream state (NULL: out of memory); flags: PACKETS_* */
	void *(*begin)(unsigned int flags);
	/*
	 * Describes the packets of one chunk to fn, one or more at a time.
	 * Errors are entries with err set, after which the decoder
	 * resynchronizes. Returns 0, fn's non-zero value, or a negative errno.
	 */
	int (*packets)(void *state, const struct aux_chunk *chunk, packet_fn fn,
		       void *ctx);
	void (*end)(void *state);
	const char *(*errstr)(int err);	/* the text of packet_desc.err */
	/*
	 * Non-NULL: chunks cannot be described without the recording's
	 * AUXTRACE_INFO (aux_chunk.info_priv); says what it holds, for the
	 * error of `auxrec dump --raw`, which has none to give.
	 */
	const char *needs_info;
	/*
	 * Optional, for counting only (--stats): adds the packets of one
	 * chunk to count[type] and their bytes to bytes[type] (nr_types
	 * entries each): the totals of packets() with PACKETS_NO_FIELDS,
	 * without describing each packet. state is begin()'s with
	 * PACKETS_NO_FIELDS. Returns 0, 1 when it leaves this chunk to
	 * packets() (count and bytes untouched; e.g. it has decode errors),
	 * or a negative errno.
	 */
	int (*count)(void *state, const struct aux_chunk *chunk, uint64_t *count,
		     uint64_t *bytes);
};

struct decode_opts {
	/* code of the traced process: up to len bytes at ip; returns the count */
	int (*read_code)(void *ctx, uint64_t ip, uint8_t *buf, size_t len);
	void *read_ctx;
	/* each event in trace order; non-zero stops decoding */
	int (*event)(void *ctx, const struct decode_event *ev);
	void *event_ctx;
	bool insns;				/* an event per instruction as well */
	const struct perf_event_attr *attr;	/* the traced event */
	const uint64_t *info_priv;		/* PERF_RECORD_AUXTRACE_INFO priv; NULL: none read */
	size_t nr_priv;
	/* perf's TSC conversion (TIME_CONV); time_mult 0: none */
	uint64_t time_shift, time_mult, time_zero;
	/*
	 * Optional, called with read_ctx, for code that changes with time (a
	 * per-CPU buffer crossing context switches): at the start of each
	 * chunk with time 0 (not known yet), then whenever the trace's time
	 * (perf clock) reaches the value it returned last (UINT64_MAX: no
	 * further switch known; a decoder may call it more often). *image
	 * names the code read_code reads from `time` on (a process and the
	 * generation of its mappings; left as it was when the owner stays):
	 * code a decoder cached under one value it may use again whenever
	 * that value comes back, and not under any other.
	 */
	uint64_t (*reached)(void *ctx, uint64_t time, uint64_t *image);
	/*
	 * Optional, called with read_ctx when the trace itself names the
	 * thread that runs from here on (CoreSight ETM's context ID, where
	 * Linux writes the tid into CONTEXTIDR): it owns the code and the
	 * events from then on, whatever the sideband says, until the next
	 * call or the next piece. `time` is the trace's perf time there (0:
	 * not known); the thread's name is the one it had then. Returns the
	 * perf time its name changes next (an exec, a rename; UINT64_MAX:
	 * not, or time unknown): a decoder calls it again, with the same tid,
	 * once its time reaches that. *image as for reached().
	 */
	uint64_t (*context)(void *ctx, int tid, uint64_t time, uint64_t *image);
	/*
	 * Optional, for a consumer that needs of taken branches only their
	 * source and instruction counts (auxrec report): a decoder may then
	 * hand over EVENT_BRANCH events not one by one but as sums per source
	 * address (struct branch_sum), called with event_ctx. The sums so far
	 * go over before any other event, before each reached() or context()
	 * call and before decode_chunk() returns, so that whatever the
	 * consumer knows at that point (the owner) holds for them as it would
	 * for the events; their order is not the events'. Decoders without
	 * it deliver events as ever. Never set with insns. In states that
	 * decode_range() and decode_join() use, the sums also go over at each
	 * point where a join may happen, and each call counts as one event
	 * for decode_join()'s *drop. Non-zero stops decoding.
	 */
	int (*count)(void *ctx, const struct branch_sum *sums, size_t nr);
	/*
	 * The events' time is not read: a decoder may give them a coarser
	 * one (Intel PT: its MTC and CYC packets are skipped while reached()
	 * needs no finer time). reached() gets the exact time all the same.
	 */
	bool no_time;
	/*
	 * Optional, for a consumer of call stacks (auxrec export), which reads
	 * of a plain branch (EVENT_BRANCH without BRANCH_F_CALL, _RETURN,
	 * _FAR, _ASYNC, _SYSCALLRET or _TX_ABORT: a jump or a taken
	 * conditional branch) only its source when it is the first event of
	 * a stack, its insn_count and its time: a decoder may then leave such
	 * branches out, their insn_count added to that of the next event it
	 * delivers. Not every one: a plain branch right after an event that
	 * is no taken branch, at the start of each decode_chunk() and after
	 * each reached() or context() call is delivered, and so is one whose
	 * time is earlier than the last event's, or is one (not 0) where the
	 * last event had none; where no event
	 * follows before a reached() or context() call or the end of
	 * decode_chunk(), or the next one steps back in time from them, the
	 * last left out is delivered, with the instructions of all. So the
	 * latest time and the first non-zero one of the events delivered are
	 * those of all. Intel PT does it (not in snapshot mode); BTS, SPE
	 * and ETM deliver every branch. Never set with insns or count. Also
	 * set for the states that decode_range() and decode_join() use: a
	 * decoder that folds there delivers what it left out at each point a
	 * join may be taken (Intel PT: each PSBEND, in every decode, so one
	 * decode_chunk() delivers the same events as the ranges joined).
	 */
	bool fold_branches;
	/*
	 * Optional, called with read_ctx when the events from here on are of
	 * another CPU than the buffer's, told again each time that changes:
	 * cpu for them, or -1 the buffer's (aux_chunk.cpu) again. Each
	 * decode_chunk() starts with the buffer's. CoreSight ETM: several
	 * CPUs' ETMs sharing a sink write one buffer, and each trace ID's
	 * events are of the CPU whose AUXTRACE_INFO block has that ID, as
	 * perf gives them. Events an output shows and filters (-C) by that
	 * CPU. Decoders that never call it (Intel PT, BTS, SPE) cost nothing;
	 * not called by states that decode_range() and decode_join() use
	 * (their events keep the buffer's CPU).
	 */
	void (*events_cpu)(void *ctx, int cpu);
};

struct decoder_ops {
	int abi_version;		/* DECODER_ABI_VERSION */
	const char *name;		/* PMU name in sysfs, e.g. "intel_pt" */
	const char *description;
	enum auxtrace_type auxtrace_type;

	/*
	 * Record side. Both optional.
	 * default_terms: writes into buf the terms applied before the user's
	 * (e.g. "tsc,mtc,mtc_period=3,psb_period=3,pt,branch" for intel_pt,
	 * chosen from the PMU's caps as perf chooses them); user terms
	 * override them.
	 * info_priv: fills the PMU's private u64s of PERF_RECORD_AUXTRACE_INFO
	 * as perf writes them; returns the count written (<= max) or a
	 * negative errno.
	 */
	void (*default_terms)(const struct pmu *pmu, char *buf, size_t len);
	int (*info_priv)(const struct aux_record_ctx *ctx, uint64_t *priv, size_t max);
	/*
	 * Record-side rules, applied by `auxrec record` to any PMU; zero is
	 * auxrec's rule.
	 * per_thread_only: the PMU traces threads, not cpus: -a and -C are
	 * refused (perf's intel_bts).
	 * aux_size_priv, aux_size_unpriv: the default AUX area in bytes, as
	 * root and otherwise, a power of two (auxrec's: 4 MiB and 128 KiB).
	 * aux_size_min: the smallest AUX area -m may ask for, in bytes.
	 */
	bool per_thread_only;
	uint32_t aux_size_priv, aux_size_unpriv, aux_size_min;
	/*
	 * record_options (optional): the PMU's perf recording options, applied
	 * after auxrec's: sample period, terms perf sets only per cpu, sample
	 * bits; returns 1 to record the tracking event ctx->track as adjusted
	 * (the sideband then moves from the AUX event to it), 0 to record the
	 * AUX event alone, a negative errno on failure.
	 */
	int (*record_options)(const struct record_options_ctx *ctx);

	/* Packet dump (optional): packet descriptions. */
	const struct packet_ops *packets;

	/*
	 * Event decode (optional). decode_chunk decodes one contiguous piece
	 * of a trace stream, reading code through opts->read_code; errors
	 * become error events and the decoder resynchronizes.
	 */
	void *(*decode_begin)(const struct decode_opts *opts);
	int (*decode_chunk)(void *state, const struct aux_chunk *chunk);
	void (*decode_end)(void *state);

	/*
	 * Parallel decode (optional; all three or none): a chunk cut at split
	 * points is decoded in ranges by several states, on several threads,
	 * and joined so that the events are exactly those of one
	 * decode_chunk() of the whole chunk.
	 * split_next: the first offset at or after from where a decode may
	 * start alone (Intel PT: a PSB), or -1 when there is none.
	 * decode_range: decodes the chunk from split point start (0: its
	 * beginning) as decode_chunk() would a chunk starting there, up to
	 * the first point at or past end where it can stop (chunk->size: to
	 * the end, with what ends a chunk), and keeps what a join needs.
	 * decode_join: goes on with state, which decoded the range before
	 * next's and is exact (it started at 0, or took over by a join), up
	 * to end, until it is where next delivers the same events as it
	 * would: next then takes over (it becomes exact), *drop gets the
	 * number of events next delivered before that point, and it returns
	 * 1. Returns 0 when end came first, a negative errno on failure or
	 * when the event callback stopped it. The chunk is decode_range's.
	 */
	long (*split_next)(const struct aux_chunk *chunk, size_t from);
	int (*decode_range)(void *state, const struct aux_chunk *chunk, size_t start, size_t end);
	int (*decode_join)(void *state, void *next, size_t end, uint64_t *drop);
	/*
	 * Bounded decode units (optional, both or none, with the three
	 * above). A join hands the flow over: decode_join's next goes on with
	 * what it decoded alone plus what the state before hands it (Intel PT:
	 * the return addresses below its own, the clock's calibration).
	 * range_take_over: state, which decoded a range (decode_range), takes
	 * the flow over as a decode_join into it with that *drop would, but
	 * with nothing handed over; -EINVAL when no join into it can drop
	 * that many events. range_used_before: whether state, since it last
	 * took the flow over (by a join or range_take_over), used anything a
	 * hand-over gives (a return popped from below its own stack, a join
	 * decided by the addresses below, the calibration): when it did not,
	 * it delivered the same events and joins the next range at the same
	 * point with or without the hand-over, so a decode that starts there
	 * is exact without the trace before. False when it never took over.
	 */
	int (*range_take_over)(void *state, uint64_t drop);
	bool (*range_used_before)(const void *state);
	/*
	 * decode_chunk, split_next and decode_range take chunks whose bytes
	 * are in windows (aux_chunk.windows) when not a snapshot's
	 * (PERF_AUX_FLAG_OVERWRITE): the others are copied into one buffer.
	 */
	bool windows;
};

/*
 * The decoder named pmu_name, else the one pmu_name is a numbered instance
 * of ("arm_spe_0", "arm_spe_1": "arm_spe"); NULL when none.
 */
const struct decoder_ops *decoder_find_by_name(const char *pmu_name);
const struct decoder_ops *decoder_find_by_type(enum auxtrace_type type);
/* Iterates built-ins, then loaded plugins; returns NULL past the end. */
const struct decoder_ops *decoder_next(const struct decoder_ops *prev);
/* The file a decoder was loaded from, NULL for a built-in one. */
const char *decoder_plugin_path(const struct decoder_ops *ops);
/* The directory plugins are loaded from ($AUXREC_PLUGIN_DIR, else the one built in). */
const char *decoder_plugin_dir(void);

#endif
