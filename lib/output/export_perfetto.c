// SPDX-License-Identifier: GPL-2.0
/*
 * export_perfetto.c - call-stack slices as a Perfetto protobuf trace
 * (perfetto.protos.Trace: a stream of TracePacket), written directly in
 * the protobuf wire format: the messages used are few and small, and
 * writing their bytes needs no generated code, no allocation per packet
 * and no library (protobuf-c would build a struct per packet and pack it).
 * Field numbers are those of Perfetto's protos/perfetto/trace/ (the
 * subset used is tests/export/perfetto_subset.proto, which protoc decodes
 * the output with in tests/export/t-export.sh).
 *
 * Each thread is one packet sequence (trusted_packet_sequence_id) with
 * one thread track (TrackDescriptor with a ThreadDescriptor):
 * - its first packet clears the incremental state and sets the sequence's
 *   defaults: timestamps on a sequence-scoped incremental clock (id 64,
 *   each packet's timestamp a delta from the previous one, in ns, its
 *   origin given by a ClockSnapshot against BOOTTIME) and the thread's
 *   track for every TrackEvent;
 * - a slice is a TYPE_SLICE_BEGIN with an interned name (name_iid; the
 *   EventName goes in the interned_data of the first packet using it;
 *   SEQ_NEEDS_INCREMENTAL_STATE set) and a TYPE_SLICE_END (no flags: it
 *   uses only the defaults), in pre-order, so the stream is in time order.
 * A slice that began before the trace, was open at its end or was cut by
 * lost trace says so in debug annotations of its begin (the JSON's args).
 * On the instruction clock one nanosecond stands for one instruction, and
 * the track's name says so.
 *
 * Tracepoint samples (time clock only) are one more sequence after the
 * threads': a TYPE_INSTANT TrackEvent each, with its name and absolute
 * timestamp (BOOTTIME, as the threads' clocks are given), on the track of
 * its thread (a TrackDescriptor of its own for a thread without slices),
 * its fields as debug annotations (numbers as int or uint values, strings
 * and arrays as strings).
 *
 * The packets go out compressed, as Perfetto's tracing service writes
 * them: every block of about BLOCK bytes of whole packets becomes one zstd
 * frame in a TracePacket's zstd_compressed_packets (field 133; the frame
 * holds the packets as a Trace message would), which Perfetto's trace
 * processor reads. Slice packets repeat themselves, so this is 50-100
 * times smaller, at a cost below that of writing them.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/output/export.h"
#include "lib/output/zstd_blocks.h"
#include "lib/util/util.h"

/* Field numbers (Perfetto's protos) */
#define TRACE_PACKET			1	/* Trace.packet */
#define PKT_CLOCK_SNAPSHOT		6
#define PKT_TIMESTAMP			8
#define PKT_SEQUENCE_ID			10	/* trusted_packet_sequence_id */
#define PKT_TRACK_EVENT			11
#define PKT_INTERNED_DATA		12
#define PKT_SEQUENCE_FLAGS		13
#define PKT_TIMESTAMP_CLOCK_ID		58
#define PKT_DEFAULTS			59	/* trace_packet_defaults */
#define PKT_TRACK_DESCRIPTOR		60
#define PKT_ZSTD_COMPRESSED		133	/* zstd_compressed_packets */
#define DEFAULTS_TRACK_EVENT		11	/* TracePacketDefaults.track_event_defaults */
#define DEFAULTS_CLOCK_ID		58
#define TE_DEFAULTS_TRACK_UUID		11	/* TrackEventDefaults.track_uuid */
#define CLOCKS				1	/* ClockSnapshot.clocks */
#define CLOCK_ID			1
#define CLOCK_TIMESTAMP			2
#define CLOCK_INCREMENTAL		3
#define TD_UUID				1	/* TrackDescriptor */
#define TD_NAME				2
#define TD_THREAD			4
#define THREAD_PID			1	/* ThreadDescriptor */
#define THREAD_TID			2
#define THREAD_NAME			5
#define TE_TYPE				9	/* TrackEvent */
#define TE_NAME_IID			10
#define TE_TRACK_UUID			11
#define TE_NAME				23
#define TE_DEBUG_ANNOTATIONS		4
#define ANNOTATION_BOOL			2	/* DebugAnnotation.bool_value */
#define ANNOTATION_NAME			10	/* DebugAnnotation.name */
#define ANNOTATION_UINT			3
#define ANNOTATION_INT			4
#define ANNOTATION_STRING		6
#define INTERNED_EVENT_NAMES		2	/* InternedData.event_names */
#define NAME_IID			1	/* EventName */
#define NAME_NAME			2

#define SEQ_INCREMENTAL_STATE_CLEARED	1
#define SEQ_NEEDS_INCREMENTAL_STATE	2
#define CLOCK_BOOTTIME			6
#define CLOCK_SEQUENCE			64	/* the first sequence-scoped clock id */
#define TYPE_SLICE_BEGIN		1
#define TYPE_SLICE_END			2
#define TYPE_INSTANT			3

enum { WT_VARINT = 0, WT_LEN = 2 };

#define BLOCK		(256 << 10)	/* bytes of packets per compressed packet */
#define ZSTD_LEVEL	(-5)	/* a fast level: the packets repeat themselves */

/* A growing byte buffer; messages are built inside out. */
struct pb {
	uint8_t *p;
	size_t len, cap;
	bool failed;
};

static uint8_t *pb_grow(struct pb *b, size_t n)
{
	size_t cap = b->cap ? b->cap : 4096;
	uint8_t *p;

	while (cap < b->len + n)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p) {
		b->failed = true;
		b->len = 0;
		return NULL;
	}
	b->p = p;
	b->cap = cap;
	return b->p + b->len;
}

/* Room for n more bytes: where they go, or NULL (b failed). */
static inline uint8_t *pb_room(struct pb *b, size_t n)
{
	return b->len + n <= b->cap ? b->p + b->len : pb_grow(b, n);
}

static inline uint8_t *put_varint(uint8_t *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (uint8_t)v | 0x80;
		v >>= 7;
	}
	*p++ = (uint8_t)v;
	return p;
}

static void pb_varint(struct pb *b, uint32_t field, uint64_t v)
{
	uint8_t *p = pb_room(b, 20);

	if (!p)
		return;
	p = put_varint(p, (uint64_t)field << 3 | WT_VARINT);
	b->len = put_varint(p, v) - b->p;
}

static void pb_bytes(struct pb *b, uint32_t field, const void *data, size_t len)
{
	uint8_t *p = pb_room(b, 20 + len);

	if (!p)
		return;
	p = put_varint(p, (uint64_t)field << 3 | WT_LEN);
	p = put_varint(p, len);
	memcpy(p, data, len);
	b->len = p + len - b->p;
}

/* Appends the message in m as field of b, and empties m. */
static void pb_message(struct pb *b, uint32_t field, struct pb *m)
{
	if (m->failed)
		b->failed = true;
	pb_bytes(b, field, m->p, m->len);
	m->len = 0;
}

struct sequence {
	const struct call_stacks *cs;
	const struct cs_thread *th;
	uint32_t id;			/* sequence id and track uuid */
	uint64_t now;			/* the last packet's time */
	uint8_t *named;			/* name ids interned on this sequence */
	struct pb out, packet, msg, sub;
	struct zstd_blocks *zb;		/* compresses out's blocks */
	size_t block;			/* bytes of packets a block, about */
	uint64_t tracks[256];		/* instants: tracks made for threads without slices */
	size_t nr_tracks;
	uint8_t end_tail[16];		/* a slice end's bytes after its timestamp */
	uint8_t end_tail_len;
	uint8_t begin_tail[16];		/* a slice begin's bytes after its TrackEvent */
	uint8_t begin_tail_len;
};

/*
 * The sequence (and track) id of the packets from here on, and the bytes
 * of slice packets that depend on it alone: a slice end's after its
 * timestamp (its TrackEvent, type SLICE_END, 2 bytes, and the sequence
 * id), a slice begin's after its TrackEvent (the sequence id and flags).
 */
static void set_sequence(struct sequence *s, uint32_t id)
{
	uint8_t *p = s->end_tail;

	s->id = id;
	*p++ = PKT_TRACK_EVENT << 3 | WT_LEN;
	*p++ = 2;
	*p++ = TE_TYPE << 3 | WT_VARINT;
	*p++ = TYPE_SLICE_END;
	*p++ = PKT_SEQUENCE_ID << 3 | WT_VARINT;
	p = put_varint(p, id);
	s->end_tail_len = (uint8_t)(p - s->end_tail);
	p = s->begin_tail;
	*p++ = PKT_SEQUENCE_ID << 3 | WT_VARINT;
	p = put_varint(p, id);
	*p++ = PKT_SEQUENCE_FLAGS << 3 | WT_VARINT;
	*p++ = SEQ_NEEDS_INCREMENTAL_STATE;
	s->begin_tail_len = (uint8_t)(p - s->begin_tail);
}

/* The packet built in s->packet, as a Trace.packet into s->out. */
static void end_packet(struct sequence *s)
{
	pb_varint(&s->packet, PKT_SEQUENCE_ID, s->id);
	pb_message(&s->out, TRACE_PACKET, &s->packet);
}

/* A thread's track: its TrackDescriptor (name NULL: the viewer's own). */
static void put_track(struct sequence *s, uint64_t uuid, const char *name, int pid, int tid,
		      const char comm[16])
{
	pb_varint(&s->msg, TD_UUID, uuid);
	if (name)
		pb_bytes(&s->msg, TD_NAME, name, strlen(name));
	pb_varint(&s->sub, THREAD_PID, (uint32_t)pid);
	pb_varint(&s->sub, THREAD_TID, (uint32_t)tid);
	if (comm[0])
		pb_bytes(&s->sub, THREAD_NAME, comm, strnlen(comm, 16));
	pb_message(&s->msg, TD_THREAD, &s->sub);
	pb_message(&s->packet, PKT_TRACK_DESCRIPTOR, &s->msg);
	end_packet(s);
}

/* The first packets: incremental state, defaults, the clock, the track. */
static void start_sequence(struct sequence *s, uint64_t t0)
{
	const struct cs_thread *th = s->th;
	char name[64];

	pb_varint(&s->sub, CLOCK_ID, CLOCK_SEQUENCE);
	pb_varint(&s->sub, CLOCK_TIMESTAMP, t0);
	pb_varint(&s->sub, CLOCK_INCREMENTAL, 1);
	pb_message(&s->msg, CLOCKS, &s->sub);
	pb_varint(&s->sub, CLOCK_ID, CLOCK_BOOTTIME);
	pb_varint(&s->sub, CLOCK_TIMESTAMP, t0);
	pb_message(&s->msg, CLOCKS, &s->sub);
	pb_message(&s->packet, PKT_CLOCK_SNAPSHOT, &s->msg);
	pb_varint(&s->packet, PKT_TIMESTAMP, t0);
	pb_varint(&s->packet, PKT_TIMESTAMP_CLOCK_ID, CLOCK_BOOTTIME);
	pb_varint(&s->packet, PKT_SEQUENCE_FLAGS, SEQ_INCREMENTAL_STATE_CLEARED);
	pb_varint(&s->msg, DEFAULTS_CLOCK_ID, CLOCK_SEQUENCE);
	pb_varint(&s->sub, TE_DEFAULTS_TRACK_UUID, s->id);
	pb_message(&s->msg, DEFAULTS_TRACK_EVENT, &s->sub);
	pb_message(&s->packet, PKT_DEFAULTS, &s->msg);
	end_packet(s);
	s->now = t0;

	snprintf(name, sizeof(name), "%s %d%s", th->comm[0] ? th->comm : "thread", th->tid,
		 s->cs->clock == CS_CLOCK_INSNS ? " (clock: 1 ns = 1 instruction)" : "");
	put_track(s, s->id, name, th->pid, th->tid, th->comm);
}

static inline unsigned int varint_len(uint64_t v)
{
	return v < 0x80 ? 1 : (64 - __builtin_clzll(v) + 6) / 7;
}

#define BEGIN_BODY_MAX	(1 + 10 + 2 + 2 + 1 + 5 + 16)	/* < 128: its length is one byte */

/*
 * A plain slice begin's packet after its interned data, at p: the
 * timestamp delta, the TrackEvent (type SLICE_BEGIN, name iid) and
 * s->begin_tail. Returns the end, at most BEGIN_BODY_MAX bytes on.
 */
static inline uint8_t *put_begin_body(const struct sequence *s, uint8_t *p, uint64_t delta,
				      uint64_t iid)
{
	uint8_t *te_len;

	*p++ = PKT_TIMESTAMP << 3 | WT_VARINT;
	p = put_varint(p, delta);
	*p++ = PKT_TRACK_EVENT << 3 | WT_LEN;
	te_len = p++;
	*p++ = TE_TYPE << 3 | WT_VARINT;
	*p++ = TYPE_SLICE_BEGIN;
	*p++ = TE_NAME_IID << 3 | WT_VARINT;
	p = put_varint(p, iid);
	*te_len = (uint8_t)(p - te_len - 1);
	memcpy(p, s->begin_tail, sizeof(s->begin_tail));
	return p + s->begin_tail_len;
}

/* A slice begin with annotations: the rare packet, built message by message. */
static void put_annotated_begin(struct sequence *s, uint64_t delta, uint64_t iid,
				uint32_t flags)
{
	pb_varint(&s->packet, PKT_TIMESTAMP, delta);
	pb_varint(&s->msg, TE_TYPE, TYPE_SLICE_BEGIN);
	pb_varint(&s->msg, TE_NAME_IID, iid);
	for (const struct cs_flag_name *f = cs_flag_names; f->name; f++) {
		if (!(flags & f->flag))
			continue;
		pb_bytes(&s->sub, ANNOTATION_NAME, f->name, strlen(f->name));
		pb_varint(&s->sub, ANNOTATION_BOOL, 1);
		pb_message(&s->msg, TE_DEBUG_ANNOTATIONS, &s->sub);
	}
	pb_message(&s->packet, PKT_TRACK_EVENT, &s->msg);
	pb_varint(&s->packet, PKT_SEQUENCE_FLAGS, SEQ_NEEDS_INCREMENTAL_STATE);
	end_packet(s);
}

/*
 * A slice begin at time t, written straight into the output (half of all
 * packets): it names its function by iid, interned in the same packet the
 * first time, and says it needs the sequence's incremental state. A begin
 * of a slice with flags (CS_SHOWN_FLAGS) carries them as debug
 * annotations (name: true).
 */
static void put_slice_begin(struct sequence *s, uint64_t t, uint32_t name, uint32_t flags)
{
	uint64_t delta, iid = (uint64_t)name + 1;
	uint8_t *p, *end, body[BEGIN_BODY_MAX];
	size_t len;

	if (!s->named[name]) {
		const char *n = cs_name(s->cs, name);

		s->named[name] = 1;
		pb_varint(&s->sub, NAME_IID, iid);
		pb_bytes(&s->sub, NAME_NAME, n, strlen(n));
		pb_message(&s->msg, INTERNED_EVENT_NAMES, &s->sub);
		pb_message(&s->packet, PKT_INTERNED_DATA, &s->msg);
	}
	if (t < s->now)		/* never: slices are in pre-order */
		t = s->now;
	delta = t - s->now;
	s->now = t;
	if (flags & CS_SHOWN_FLAGS) {
		put_annotated_begin(s, delta, iid, flags);
		return;
	}
	if (!s->packet.len) {	/* the body in place, its length after it */
		p = pb_room(&s->out, 2 + BEGIN_BODY_MAX);
		if (!p)
			return;
		p[0] = TRACE_PACKET << 3 | WT_LEN;
		end = put_begin_body(s, p + 2, delta, iid);
		p[1] = (uint8_t)(end - (p + 2));
		s->out.len = end - s->out.p;
		return;
	}
	/* after interned data: the body made aside, its length first */
	len = put_begin_body(s, body, delta, iid) - body;
	p = pb_room(&s->out, 10 + s->packet.len + len);
	if (!p)
		return;
	*p++ = TRACE_PACKET << 3 | WT_LEN;
	p = put_varint(p, s->packet.len + len);
	memcpy(p, s->packet.p, s->packet.len);
	p += s->packet.len;
	s->packet.len = 0;
	memcpy(p, body, len);
	s->out.len = p + len - s->out.p;
}

/*
 * A slice end at time t (the other half): it needs only the sequence's
 * defaults, so its bytes are the same but for the time delta; those after
 * it are made once per sequence (set_sequence()).
 */
static inline void put_slice_end(struct sequence *s, uint64_t t)
{
	uint8_t *p = pb_room(&s->out, 3 + 10 + sizeof(s->end_tail)), *q;
	uint64_t delta = t > s->now ? t - s->now : 0;

	if (!p)
		return;
	s->now += delta;
	p[0] = TRACE_PACKET << 3 | WT_LEN;
	p[2] = PKT_TIMESTAMP << 3 | WT_VARINT;
	q = put_varint(p + 3, delta);
	p[1] = (uint8_t)(q - (p + 2) + s->end_tail_len);	/* < 128: one byte */
	memcpy(q, s->end_tail, sizeof(s->end_tail));
	s->out.len = q + s->end_tail_len - s->out.p;
}

/* A compressed block as one Trace.packet { zstd_compressed_packets } to out (ctx). */
static int put_frame(void *ctx, const uint8_t *frame, size_t n)
{
	uint8_t hdr[32], *p = hdr;
	size_t k;

	*p++ = TRACE_PACKET << 3 | WT_LEN;
	p = put_varint(p, varint_len((uint64_t)PKT_ZSTD_COMPRESSED << 3 | WT_LEN) +
			  varint_len(n) + n);
	p = put_varint(p, (uint64_t)PKT_ZSTD_COMPRESSED << 3 | WT_LEN);
	p = put_varint(p, n);
	k = p - hdr;
	if (fwrite(hdr, 1, k, ctx) != k || fwrite(frame, 1, n, ctx) != n)
		return write_errno();
	return 0;
}

/* The packets in s->out to be compressed into one TracePacket (put_frame()). */
static int flush(struct sequence *s)
{
	int err;

	if (s->out.failed || s->packet.failed || s->msg.failed || s->sub.failed)
		return -ENOMEM;
	if (!s->out.len)
		return 0;
	err = zstd_blocks_put(s->zb, &s->out.p, s->out.len, &s->out.cap);
	s->out.len = 0;
	return err;
}

struct open_slice {
	uint64_t end;
	uint32_t depth;
};

/* One thread's slices: begins and ends from the pre-order walk. */
static int put_thread(struct sequence *s)
{
	const struct cs_thread *th = s->th;
	struct open_slice *open = NULL;
	const struct cs_slice *sl;
	size_t nr_open = 0;
	bool started = false;
	struct cs_walk w;
	int err = 0;

	if (!cs_nr_slices(th))
		return 0;
	open = malloc(cs_nr_slices(th) * sizeof(*open));
	if (!open)
		return -ENOMEM;
	cs_walk_start(&w, s->cs, th);
	while (!err && (sl = cs_walk_next(&w))) {
		if (!started)
			start_sequence(s, sl->start);
		started = true;
		while (nr_open && open[nr_open - 1].depth >= cs_depth(th, sl))
			put_slice_end(s, open[--nr_open].end);
		put_slice_begin(s, sl->start, sl->name, sl->flags);
		open[nr_open++] = (struct open_slice){ .end = sl->end, .depth = cs_depth(th, sl) };
		if (s->out.len >= s->block)
			err = flush(s);
	}
	while (nr_open)
		put_slice_end(s, open[--nr_open].end);
	free(open);
	return err ? err : flush(s);
}

/* A field of a tracepoint sample as a debug annotation of the event in s->msg. */
static int put_annotation(void *ctx, const struct tp_field *f)
{
	struct sequence *s = ctx;
	char text[512];
	size_t n = 0;

	switch (f->kind) {
	case TP_FIELD_NUMBER:
		pb_varint(&s->sub, f->is_signed ? ANNOTATION_INT : ANNOTATION_UINT, f->number);
		break;
	case TP_FIELD_STRING:
		pb_bytes(&s->sub, ANNOTATION_STRING, f->bytes, f->len);
		break;
	case TP_FIELD_ARRAY:
		for (size_t i = 0; i < f->len / f->elem_size && n < sizeof(text) - 24; i++)
			n += snprintf(text + n, sizeof(text) - n, "%s%" PRIu64, i ? "," : "[",
				      tp_field_element(f, i));
		n += snprintf(text + n, sizeof(text) - n, n ? "]" : "[]");
		pb_bytes(&s->sub, ANNOTATION_STRING, text, n < sizeof(text) ? n : sizeof(text) - 1);
		break;
	default:
		return 0;
	}
	pb_bytes(&s->sub, ANNOTATION_NAME, f->name, strlen(f->name));
	pb_message(&s->msg, TE_DEBUG_ANNOTATIONS, &s->sub);
	return 0;
}

/* The track of tid: its thread's (uuid = sequence id), else one made here. */
static uint64_t instant_track(struct sequence *s, const struct tp_sample *tps)
{
	uint64_t uuid = (1ULL << 32) | (uint32_t)tps->tid;
	ssize_t t = cs_thread_find(s->cs, tps->tid);

	if (t >= 0 && cs_nr_slices(&s->cs->threads[t]))
		return (uint64_t)t + 1;
	for (size_t i = 0; i < s->nr_tracks; i++)
		if (s->tracks[i] == uuid)
			return uuid;
	if (s->nr_tracks < sizeof(s->tracks) / sizeof(s->tracks[0]))
		s->tracks[s->nr_tracks++] = uuid;
	put_track(s, uuid, NULL, tps->pid, tps->tid, tps->comm);
	return uuid;
}

static int put_instants(struct sequence *s, const struct export_opts *o)
{
	int err = 0;

	for (size_t i = 0; !err && i < o->ts->nr; i++) {
		const struct tp_sample *tps = &o->ts->s[i];
		const char *name = tp_event_name(o->tp, tps);
		uint64_t track = instant_track(s, tps);

		pb_varint(&s->packet, PKT_TIMESTAMP, tps->time);
		pb_varint(&s->msg, TE_TYPE, TYPE_INSTANT);
		pb_bytes(&s->msg, TE_NAME, name, strlen(name));
		pb_varint(&s->msg, TE_TRACK_UUID, track);
		tp_for_each_field(o->tp, tps, put_annotation, s);
		pb_message(&s->packet, PKT_TRACK_EVENT, &s->msg);
		end_packet(s);
		if (s->out.len >= s->block)
			err = flush(s);
	}
	return err ? err : flush(s);
}

int export_perfetto(const struct call_stacks *cs, const struct export_opts *o, FILE *out)
{
	struct sequence s = { .cs = cs, .block = o && o->block ? o->block : BLOCK };
	int err = 0, end;

	s.named = malloc(cs->nr_names + 1);
	s.zb = zstd_blocks_start(ZSTD_LEVEL, put_frame, out, !o || !o->serial);
	if (!s.named || !s.zb) {
		free(s.named);
		if (s.zb)
			zstd_blocks_end(s.zb);
		return -ENOMEM;
	}
	for (size_t t = 0; !err && t < cs->nr_threads; t++) {
		s.th = &cs->threads[t];
		set_sequence(&s, (uint32_t)t + 1);
		memset(s.named, 0, cs->nr_names + 1);
		err = put_thread(&s);
	}
	if (!err && o && o->ts && o->tp && cs->clock != CS_CLOCK_INSNS) {
		s.th = NULL;
		set_sequence(&s, (uint32_t)cs->nr_threads + 1);
		err = put_instants(&s, o);
	}
	end = zstd_blocks_end(s.zb);
	free(s.named);
	free(s.out.p);
	free(s.packet.p);
	free(s.msg.p);
	free(s.sub.p);
	if (err || end)
		return err ? err : end;
	return stream_flush(out);
}
