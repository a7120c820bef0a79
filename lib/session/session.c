// SPDX-License-Identifier: GPL-2.0
/*
 * session.c - a recording read for decoding (see session.h): sideband
 * state, the decoder lookup, and AUX chunks joined into pieces per buffer
 * and process.
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/util/array_grow.h"
#include "lib/util/file_memory.h"
#include "lib/util/gather_copy.h"
#include "lib/util/huge_array.h"
#include "aux_join.h"
#include "piece_windows.h"
#include "recording.h"
#include "sample_hold.h"
#include "session.h"
#include "lib/util/slot_index.h"
#include "lib/util/snapshot_overlap.h"
#include "switch_timeline.h"
#include "lib/util/tsc.h"
#include "lib/util/util.h"

/*
 * A piece buffer of this many bytes or more is a temporary file's mapping
 * (lib/util/file_memory.h), not anonymous memory: a buffer's trace is one
 * piece however long (perf's per-CPU traces reach gigabytes), decoded
 * exactly and merged by time with the other buffers'. Without a usable
 * temporary directory, a piece is cut there instead, as it was always
 * before: the decode starts over after the cut, losing the trace up to the
 * next synchronization point, and the piece is decoded before the end of
 * the file, outside the merge by time. AUXREC_MAX_PIECE (bytes) sets it,
 * for tests.
 */
#define MAX_PIECE (256ULL << 20)

struct piece_buf {
	bool used;
	uint32_t idx;
	uint8_t *data;
	/*
	 * The piece's chunks where the reader maps them, not yet copied to
	 * data (joined when the piece is handed over: join_segs()); none when
	 * its bytes are in data.
	 */
	struct gather_seg *segs;
	size_t nr_segs, cap_segs;
	struct piece_windows win;	/* over segs, when handed over so */
	size_t size, cap;
	bool in_file;			/* data is a file_memory mapping of cap bytes */
	struct session_piece p;
	uint64_t end;			/* AUX offset after the last byte */
};

struct session_state {
	struct aux_join join;
	struct switch_timeline switches;
	struct piece_buf *bufs;
	size_t nr_bufs;
	struct sample_hold held;	/* stack samples before their process's MMAPs */
	uint64_t max_piece;		/* MAX_PIECE, or AUXREC_MAX_PIECE; 0: not read yet */
	int big_pieces;			/* past max_piece: 1 in files, -1 cut, 0 not known yet */
	/* records shorter than perf_record_min_size(): skipped, said at the end */
	uint64_t short_recs[PERF_RECORD_USER_MAX];
	uint64_t nr_short, first_short;	/* all of them, the first's offset */
};

static void piece_free(struct piece_buf *b);

static bool proc_matches(const void *ctx, uint32_t idx, const void *key)
{
	const struct session *s = ctx;

	return s->procs[idx].pid == *(const int *)key;
}

static uint64_t proc_hash_of(const void *ctx, uint32_t idx)
{
	const struct session *s = ctx;

	return slot_hash_u64((uint32_t)s->procs[idx].pid);
}

/*
 * By a hash index: a machine-wide recording has a process per fork, and
 * every sideband record and AUX piece looks its process up.
 */
struct proc *session_proc(struct session *s, int pid, bool create)
{
	uint32_t *slot;

	if (slot_index_reserve(&s->proc_index, s->nr_procs, 64, proc_hash_of, s))
		return NULL;
	slot = slot_index_find(&s->proc_index, slot_hash_u64((uint32_t)pid), proc_matches, s, &pid);
	if (*slot)
		return &s->procs[*slot - 1];
	if (!create)
		return NULL;
	if (ARRAY_GROW(s->procs, s->cap_procs, s->nr_procs + 1, 64))
		return NULL;
	maps_moved();	/* the array may have moved */
	memset(&s->procs[s->nr_procs], 0, sizeof(s->procs[0]));
	s->procs[s->nr_procs].pid = pid;
	s->procs[s->nr_procs].maps.kernel = dso_cache_kernel_maps(s->dsos);
	*slot = (uint32_t)++s->nr_procs;
	return &s->procs[s->nr_procs - 1];
}

struct proc *session_thread_proc(struct session *s, int tid)
{
	int pid = thread_map_pid(&s->threads, tid);

	return session_proc(s, pid >= 0 ? pid : tid, false);
}

const char *session_thread_comm(struct session *s, int tid, const struct proc *p)
{
	return session_thread_comm_at(s, tid, p, 0, NULL);
}

const char *session_thread_comm_at(struct session *s, int tid, const struct proc *p,
				   uint64_t time, uint64_t *next)
{
	const char *comm = thread_map_comm_at(&s->threads, tid, time, next);

	if (comm && *comm)
		return comm;
	return p && p->comm[0] ? p->comm : NULL;
}

/* The perf time of a sideband record (its sample id's), 0 when it has none. */
static uint64_t record_time(struct session *s, const struct perf_event_header *h)
{
	struct pd_sample_id sid;

	return pd_reader_sample_id(s->r, h, &sid) ? 0 : sid.time;
}

int session_open(struct session **out, const char *path, const char *symfs, char *err,
		 size_t errlen)
{
	struct session *s = calloc(1, sizeof(*s));
	int ret;

	if (!s)
		return -ENOMEM;
	s->path = strcmp(path, "-") ? path : "standard input";	/* for messages */
	/* an empty --symfs is none, as perf's path__join() joins "" */
	s->symfs = symfs && *symfs ? symfs : NULL;
	s->priv_state = calloc(1, sizeof(struct session_state));
	s->dsos = dso_cache_new();
	if (!s->priv_state || !s->dsos) {
		session_close(s);
		return -ENOMEM;
	}
	ret = pd_reader_open(path, &s->r, err, errlen);
	if (ret) {
		session_close(s);
		return ret;
	}
	*out = s;
	return 0;
}

void session_close(struct session *s)
{
	struct session_state *st;

	if (!s)
		return;
	st = s->priv_state;
	if (st) {
		for (size_t i = 0; i < st->nr_bufs; i++) {
			piece_free(&st->bufs[i]);
			free(st->bufs[i].segs);
			piece_windows_free(&st->bufs[i].win);
		}
		free(st->bufs);
		switch_timeline_free(&st->switches);
		sample_hold_free(&st->held);
		free(st);
	}
	for (size_t i = 0; i < s->nr_procs; i++)
		maps_free(&s->procs[i].maps);
	free(s->procs);
	slot_index_free(&s->proc_index);
	thread_map_free(&s->threads);
	dso_cache_free(s->dsos);
	if (s->r)
		pd_reader_close(s->r);
	free(s);
}

/*
 * The decoder and the AUX event's attr, by the rule of every reader
 * (recording.h), at the first AUX chunk. Without an AUXTRACE_INFO before
 * it, a decoder that can go on with its defaults is warned of once; one
 * that cannot (packet_ops.needs_info: CoreSight ETM) says so as the error
 * of each piece it is given.
 */
static void find_decoder(struct session *s)
{
	s->dec = recording_decoder(s->r, s->auxtrace_type, &s->aux_attr);
	if (s->dec && !s->have_info && !(s->dec->packets && s->dec->packets->needs_info))
		p_warn("%s: no PERF_RECORD_AUXTRACE_INFO before the AUX data: the %s decoder "
		       "settings were not recorded, its defaults are used", s->path, s->dec->name);
}

/*
 * perf's kernel map, "[kernel.kallsyms]" + the name of its reference
 * symbol (machine.c, machine__process_kernel_mmap_event): a kernel-mode
 * MMAP whose pgoff is that symbol's runtime address (0 when kallsyms was
 * hidden at record time).
 */
static bool on_kernel_mmap(struct session *s, uint16_t misc, uint64_t pgoff, const char *name)
{
	static const char prefix[] = "[kernel.kallsyms]";
	uint16_t mode = misc & PERF_RECORD_MISC_CPUMODE_MASK;

	/* a guest's kernel ([guest.kernel.kallsyms]) is not this reference */
	if (mode != PERF_RECORD_MISC_KERNEL || strncmp(name, prefix, sizeof(prefix) - 1))
		return false;
	if (pgoff && name[sizeof(prefix) - 1]) {
		snprintf(s->kernel_ref, sizeof(s->kernel_ref), "%s", name + sizeof(prefix) - 1);
		s->kernel_ref_addr = pgoff;
	}
	return true;
}

static void on_mmap(struct session *s, uint16_t misc, int pid, uint64_t start, uint64_t len,
		    uint64_t pgoff, const char *name)
{
	struct proc *p;
	char path[4096];
	struct dso *d;

	if (on_kernel_mmap(s, misc, pgoff, name))
		return;
	p = session_proc(s, pid, true);
	if (!p || !*name)
		return;
	/*
	 * As perf opens a DSO (symbol.h, __symbol__join_symfs(): the name
	 * joined to symbol_conf.symfs by path__join()): a relative name (a
	 * file perf did not write, e.g. pd-gen's) is opened from the current
	 * directory, or under --symfs; names in brackets ([vdso]) and
	 * "//anon" are no files. It is printed as recorded, as perf prints
	 * a dso's long name, not the path opened.
	 */
	if (s->symfs && name[0] == '/' && strcmp(name, "//anon"))
		snprintf(path, sizeof(path), "%s%s", s->symfs, name);
	else if (s->symfs && name[0] != '/' && name[0] != '[')
		snprintf(path, sizeof(path), "%s/%s", s->symfs, name);
	else
		snprintf(path, sizeof(path), "%s", name);
	d = dso_get_named(s->dsos, path, name);
	maps_insert(&p->maps, start, len, pgoff, d);
	p->gen++;
}

/*
 * An MMAP or MMAP2 record (its type's fixed fields `fixed` bytes: the
 * same up to pgoff), its name after them ("" when not NUL-terminated);
 * samples held for its process may go on (sample_hold.h).
 */
static void on_mmap_rec(struct session *s, const struct perf_event_header *h, size_t fixed)
{
	struct session_state *st = s->priv_state;
	const struct perf_rec_mmap *m = (const void *)h;
	const char *name = (const char *)h + fixed;
	size_t room = h->size - fixed;

	on_mmap(s, h->misc, m->pid, m->start, m->len, m->pgoff,
		strnlen(name, room) < room ? name : "");
	sample_hold_mmap(&st->held, (int)m->pid);
}

/* A forked process starts with its parent's mappings. */
static void on_fork(struct session *s, int pid, int ppid)
{
	struct proc *parent, *child;

	if (pid == ppid)
		return;	/* a new thread */
	child = session_proc(s, pid, true);
	parent = session_proc(s, ppid, false);	/* after the child: the array may move */
	if (!parent || !child || child->maps.nr)
		return;
	memcpy(child->comm, parent->comm, sizeof(child->comm));
	if (!parent->maps.nr || maps_copy(&child->maps, &parent->maps))
		return;
	child->gen++;	/* code the decoder cached for the child before is not its code */
}

/* MAX_PIECE, or the tests' AUXREC_MAX_PIECE (bytes, > 0). */
static uint64_t max_piece(struct session *s)
{
	struct session_state *st = s->priv_state;
	const char *e;

	if (!st->max_piece) {
		e = getenv("AUXREC_MAX_PIECE");
		st->max_piece = e && strtoull(e, NULL, 0) ? strtoull(e, NULL, 0) : MAX_PIECE;
	}
	return st->max_piece;
}

/* Says once why pieces are cut from now on (why: an errno). */
static void say_cut(struct session *s, const char *what, int why)
{
	p_warn("%s: %s in %s (%s): AUX pieces are cut at %" PRIu64 " %s from here on, and the "
	       "trace at each cut may be lost; set TMPDIR to a directory with room", s->path, what,
	       file_memory_dir(), strerror(why),
	       max_piece(s) % (1 << 20) ? max_piece(s) : max_piece(s) >> 20,
	       max_piece(s) % (1 << 20) ? "bytes" : "MiB");
}

/*
 * Whether b, grown by size bytes, is cut first: only when it goes past
 * max_piece() and temporary files cannot hold it (said once, and cut from
 * then on). The files are made when the pieces are handed over, maybe all
 * at once at the end of the file: the directory must have room for every
 * piece held, and one more as large as b (a piece read from a pipe is
 * copied as it grows).
 */
static bool cut_for_size(struct session *s, const struct piece_buf *b, uint64_t size)
{
	struct session_state *st = s->priv_state;
	uint64_t total = size;
	int why;

	if (b->size + size <= max_piece(s))
		return false;
	if (!st->big_pieces) {
		st->big_pieces = file_memory_usable(&why) ? 1 : -1;
		if (st->big_pieces < 0)
			say_cut(s, "no temporary file can be made", why);
	}
	if (st->big_pieces < 0)
		return true;
	for (size_t i = 0; i < st->nr_bufs; i++)
		if (st->bufs[i].used)
			total += st->bufs[i].size;
	if (!file_memory_has_room(total + b->size + size, b->size + size, &why)) {
		st->big_pieces = -1;
		say_cut(s, "no room for the trace", why);
		return true;
	}
	return false;
}

/*
 * A piece buffer of cap bytes, for a piece of need bytes; from
 * HUGE_ARRAY_FROM on in transparent huge pages where the kernel gives them
 * on request (lib/util/huge_array.h): a
 * 4 KiB page fault per 4 KiB of trace copied in was a tenth of `auxrec
 * report`'s time. A piece of max_piece() bytes or more goes to a temporary
 * file (*in_file set); when none can be had after all (the disk filled
 * since cut_for_size() looked), to memory this once, and pieces are cut
 * from then on (said once).
 */
static uint8_t *piece_alloc(struct session *s, size_t need, size_t cap, bool *in_file)
{
	struct session_state *st = s->priv_state;
	void *p = NULL;
	size_t got = 0;

	*in_file = false;
	if (need >= max_piece(s) && st->big_pieces >= 0) {
		p = file_memory_alloc(cap);
		if (p) {
			*in_file = true;
			return p;
		}
		st->big_pieces = -1;
		say_cut(s, "no temporary file can be had", errno);
	}
	return huge_array_grow(&p, &got, cap, 1, cap) ? NULL : p;
}

static void piece_free(struct piece_buf *b)
{
	if (b->in_file)
		file_memory_free(b->data, b->cap);
	else
		huge_array_free(b->data, b->cap, 1);
	b->data = NULL;
	b->cap = 0;
	b->in_file = false;
}

/* The piece's bytes: where the reader maps them (its one chunk), or the copy. */
static const uint8_t *piece_bytes(const struct piece_buf *b)
{
	return b->nr_segs ? b->segs[0].p : b->data;
}

/*
 * data with room for need bytes: when it has less, a new buffer of cap
 * bytes (cap >= need) with the first keep bytes of the old one. Returns 0
 * or -ENOMEM (b unchanged).
 */
static int data_room(struct session *s, struct piece_buf *b, size_t need, size_t cap,
		     size_t keep)
{
	bool in_file;
	uint8_t *nd;

	if (need <= b->cap)
		return 0;
	nd = piece_alloc(s, need, cap, &in_file);
	if (!nd)
		return -ENOMEM;
	if (keep)
		memcpy(nd, b->data, keep);
	piece_free(b);
	b->data = nd;
	b->cap = cap;
	b->in_file = in_file;
	return 0;
}

/*
 * The piece's mapped chunks, when there are two or more, copied to data
 * one after another (on up to `threads` threads: gather_copy.h), with
 * room for `more` bytes after them. Returns 0 or -ENOMEM (b unchanged).
 */
static int join_segs(struct session *s, struct piece_buf *b, size_t more)
{
	if (b->nr_segs < 2 && !(b->nr_segs && more))
		return 0;
	if (data_room(s, b, b->size + more, more ? (b->size + more) * 2 : b->size, 0))
		return -ENOMEM;
	gather_copy(b->data, b->segs, b->nr_segs, s->copy_jobs);
	b->nr_segs = 0;
	return 0;
}

/* Drops the piece's last n bytes (n <= b->size), and moves its end back. */
static void trim_tail(struct piece_buf *b, size_t n)
{
	b->size -= n;
	b->end -= n;
	for (size_t left = n; left && b->nr_segs; b->nr_segs--) {
		struct gather_seg *g = &b->segs[b->nr_segs - 1];

		if (g->n > left) {
			g->n -= left;
			break;
		}
		left -= g->n;
	}
}

/*
 * Whether the piece's mapped chunks are handed over in windows, not
 * copied into one buffer: when the caller and the decoder read windows,
 * the piece is not a snapshot's (its seams are trimmed in one buffer),
 * and the windows copy at most half of it.
 */
static bool in_windows(const struct session *s, const struct piece_buf *b)
{
	return s->windows && s->dec && s->dec->windows && b->nr_segs >= 2 &&
	       !(b->p.chunk.flags & PERF_AUX_FLAG_OVERWRITE) &&
	       piece_windows_copied(b->segs, b->nr_segs) <= b->size / 2;
}

/* The piece's chunk and owner as handed over; 0 or -ENOMEM. */
static int piece_ready(struct session *s, struct piece_buf *b)
{
	if (in_windows(s, b)) {
		if (piece_windows_make(&b->win, b->segs, b->nr_segs))
			return -ENOMEM;
		b->p.chunk.windows = b->win.v;
		b->p.chunk.nr_windows = b->win.nr;
	} else if (join_segs(s, b, 0)) {
		return -ENOMEM;
	}
	b->p.chunk.data = b->p.chunk.nr_windows ? NULL : piece_bytes(b);
	b->p.chunk.size = b->size;
	b->p.proc = b->p.pid >= 0 ? session_proc(s, b->p.pid, false) : NULL;
	s->pieces++;
	return 0;
}

static void piece_done(struct piece_buf *b)
{
	b->used = false;
	b->size = 0;
	b->nr_segs = 0;
}

static int flush_piece(struct session *s, struct piece_buf *b, session_piece_fn fn, void *ctx)
{
	int ret;

	if (!b->used || !b->size)
		return 0;
	ret = piece_ready(s, b);
	if (!ret)
		ret = fn(ctx, s, &b->p);
	piece_done(b);
	return ret;
}

/*
 * The pieces left when the file ends: to s->pieces_at_end all at once
 * (in buffer order), else one after another to fn.
 */
static int flush_at_end(struct session *s, session_piece_fn fn, void *ctx)
{
	struct session_state *st = s->priv_state;
	const struct session_piece **v;
	size_t n = 0;
	int ret = 0;

	if (!s->pieces_at_end) {
		for (size_t i = 0; !ret && i < st->nr_bufs; i++)
			ret = flush_piece(s, &st->bufs[i], fn, ctx);
		return ret;
	}
	v = calloc(st->nr_bufs ? st->nr_bufs : 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; !ret && i < st->nr_bufs; i++) {
		struct piece_buf *b = &st->bufs[i];

		if (b->used && b->size && !(ret = piece_ready(s, b)))
			v[n++] = &b->p;
	}
	if (!ret && n)
		ret = s->pieces_at_end(ctx, s, v, n);
	for (size_t i = 0; i < st->nr_bufs; i++)
		piece_done(&st->bufs[i]);
	free(v);
	return ret;
}

static struct piece_buf *piece_buf_of(struct session *s, uint32_t idx)
{
	struct session_state *st = s->priv_state;
	struct piece_buf *nv;

	for (size_t i = 0; i < st->nr_bufs; i++)
		if (st->bufs[i].idx == idx)
			return &st->bufs[i];
	nv = realloc(st->bufs, (st->nr_bufs + 1) * sizeof(*nv));
	if (!nv)
		return NULL;
	st->bufs = nv;
	memset(&nv[st->nr_bufs], 0, sizeof(*nv));
	nv[st->nr_bufs].idx = idx;
	return &nv[st->nr_bufs++];
}

/*
 * A snapshot of an area that overwrites (record -S) after a piece of that
 * area which it does not continue: it holds the bytes where the piece's
 * last zeros are, and where they differ, those zeros were perf.data's
 * padding, not trace (a decoder would take them for the rest of a packet
 * that the snapshot cut). When it starts with the piece's last bytes, the
 * piece is AUX_CHUNK_F_CONTINUED, and _AT_OFFSET when its offset says so.
 */
static void trim_snapshot_padding(struct piece_buf *b, const uint8_t *next, uint64_t next_size,
				  uint64_t next_offset)
{
	size_t overlap, pad;
	bool at_offset;

	pad = snapshot_seam(piece_bytes(b), b->size, b->end - b->size, next, next_size,
			    next_offset, &overlap, &at_offset);
	trim_tail(b, pad);
	if (!overlap)
		return;
	/* equal bytes; the decoder weighs them with the offsets and time */
	b->p.chunk.flags |= AUX_CHUNK_F_CONTINUED;
	b->p.chunk.next_overlap = overlap;
	if (at_offset)
		b->p.chunk.flags |= AUX_CHUNK_F_AT_OFFSET;
}

static int on_auxtrace(struct session *s, const struct pd_record *rec, session_piece_fn fn,
		       void *ctx)
{
	struct session_state *st = s->priv_state;
	const struct perf_rec_auxtrace *t = (const void *)rec->hdr;
	struct aux_join_rec owner;
	uint64_t flags = aux_join_take(&st->join, t->offset, t->size, t->cpu, t->tid, &owner);
	struct piece_buf *b = piece_buf_of(s, t->idx);
	int pid = owner.pid >= 0 ? (int)owner.pid : -1;
	uint64_t size = rec->payload_size < t->size ? rec->payload_size : t->size;
	int ret;

	if (!b)
		return -ENOMEM;
	/*
	 * No AUX record joined (lost with the data ring's records, past
	 * AUX_JOIN_MAX_PENDING, or written without a sample id): a per-thread
	 * chunk is the thread's that the AUXTRACE record names, as perf
	 * attributes every chunk (intel-pt.c, intel_pt_set_pid_tid_cpu(): the
	 * queue's tid, its thread's pid); a per-CPU one stays unknown (-1)
	 * unless context switches say who ran.
	 */
	if (pid < 0 && (int32_t)t->tid >= 0)
		pid = thread_map_pid(&s->threads, (int32_t)t->tid);
	s->aux_bytes += size;
	/*
	 * perf (and auxrec) pad a chunk to 8 bytes and count the padding in
	 * its size: a chunk that starts up to 7 bytes before the end of the
	 * previous one continues it, and those bytes were padding.
	 */
	if (b->used && t->offset < b->end && b->end - t->offset < 8 &&
	    b->end - t->offset <= b->size) {
		trim_tail(b, b->end - t->offset);
	}
	/*
	 * A per-CPU buffer with CPU-wide context switches on record stays one piece
	 * across owners when the trace's time can be converted (TIME_CONV): the
	 * decoder follows the switches by trace time.
	 */
	if (b->used && (b->end != t->offset || cut_for_size(s, b, size) ||
			(b->p.pid != pid && !(s->time_mult &&
					      switch_timeline_has(&st->switches, (int32_t)t->cpu))))) {
		if (b->end != t->offset && (b->p.chunk.flags & PERF_AUX_FLAG_OVERWRITE)) {
			if (join_segs(s, b, 0))
				return -ENOMEM;
			trim_snapshot_padding(b, rec->payload, size, t->offset);
		}
		ret = flush_piece(s, b, fn, ctx);
		if (ret)
			return ret;
	}
	if (!b->used) {
		b->used = true;
		b->size = 0;
		b->p = (struct session_piece){
			.chunk = {
				.aux_offset = t->offset, .file_offset = rec->payload_offset,
				.cpu = (int32_t)t->cpu, .tid = (int32_t)t->tid, .idx = t->idx,
			},
			.pid = pid,
			.tid = owner.tid >= 0 ? (int)owner.tid : (int32_t)t->tid,
			.time = owner.time,
		};
	}
	/*
	 * A piece of one chunk the reader maps is decoded where it is: the
	 * copy (7 MB of the parallel bench) was a fifth of `auxrec report`'s
	 * time, and all on one thread. Of several such chunks, the copy is
	 * made when the piece is handed over, on the decode threads
	 * (join_segs()).
	 */
	if (rec->payload_mapped && (!b->size || b->nr_segs)) {
		if (size) {	/* an empty chunk may come before any data */
			if (ARRAY_GROW(b->segs, b->cap_segs, b->nr_segs + 1, 8))
				return -ENOMEM;
			b->segs[b->nr_segs++] = (struct gather_seg){
				.p = rec->payload, .n = size,
				.fd = rec->payload_fd, .off = rec->payload_offset,
			};
		}
	} else {
		if (join_segs(s, b, size) ||
		    data_room(s, b, b->size + size, (b->size + size) * 2, b->size))
			return -ENOMEM;
		if (size)
			memcpy(b->data + b->size, rec->payload, size);
	}
	b->size += size;
	b->end = t->offset + size;
	/* the file's flags: the bits auxrec gives a seam are not theirs to set */
	b->p.chunk.flags |= flags & ~(AUX_CHUNK_F_CONTINUED | AUX_CHUNK_F_AT_OFFSET);
	b->p.nr_chunks++;
	return 0;
}

static void on_aux(struct session *s, const struct pd_record *rec)
{
	struct session_state *st = s->priv_state;
	struct aux_join_rec j;

	recording_aux_rec(s->r, rec, &j);
	aux_join_add(&st->join, &j);
}

/*
 * PERF_RECORD_SWITCH_CPU_WIDE (events of a whole CPU: -a, -C): the sample
 * id is the task going out or coming in, next_prev_pid/tid the other one.
 * PERF_RECORD_SWITCH (a per-task event's: perf record -- PROG where perf
 * adds no CPU-wide switch event, its intel_pt have_sched_switch 2) has no
 * next_prev: a switch in names the task by its sample id, and a switch
 * out hands the CPU's trace to the task switched in next. perf leaves
 * the switch out out and so gives the start of a turn, enabled before
 * its switch in is written and timed by that enable where no MTC
 * follows, to the task before (switch_timeline_add_out()). Per-thread
 * buffers (cpu -1) never ask; an inheriting event's per-CPU buffer holds
 * the trace of all its threads, in turns these switches tell apart.
 */
static void on_switch(struct session *s, const struct pd_record *rec)
{
	struct session_state *st = s->priv_state;
	const struct perf_rec_pid_tid *sw = (const void *)rec->hdr;
	struct pd_sample_id sid;
	int32_t pid, tid;

	if (pd_reader_sample_id(s->r, rec->hdr, &sid) ||
	    (sid.sample_type & (PERF_SAMPLE_TIME | PERF_SAMPLE_CPU)) !=
		    (PERF_SAMPLE_TIME | PERF_SAMPLE_CPU))
		return;
	if (rec->hdr->misc & PERF_RECORD_MISC_SWITCH_OUT) {
		if (rec->hdr->type == PERF_RECORD_SWITCH) {
			switch_timeline_add_out(&st->switches, sid.cpu, sid.time);
			return;
		}
		pid = (int32_t)sw->pid;
		tid = (int32_t)sw->tid;
	} else if (sid.sample_type & PERF_SAMPLE_TID) {
		pid = (int32_t)sid.pid;
		tid = (int32_t)sid.tid;
	} else {
		return;
	}
	/* a failure leaves this switch out: decoding keeps the previous owner */
	switch_timeline_add(&st->switches, sid.cpu, sid.time, pid, tid,
			    rec->hdr->type == PERF_RECORD_SWITCH);
}

bool session_owner_at(struct session *s, int32_t cpu, uint64_t time, struct proc **proc,
		      int *pid, int *tid, uint64_t *next)
{
	struct session_state *st = s->priv_state;
	const struct switch_in *in = switch_timeline_at(&st->switches, cpu, time, next);

	if (!in)
		return false;
	*pid = in->pid;
	*tid = in->tid;
	*proc = session_proc(s, in->pid, false);
	return true;
}

bool session_has_switches(struct session *s, int32_t cpu)
{
	struct session_state *st = s->priv_state;

	return switch_timeline_has(&st->switches, cpu);
}

static void on_time_conv(struct session *s, const struct pd_record *rec)
{
	const struct perf_rec_time_conv *tc = (const void *)rec->hdr;
	struct tsc_conv conv;

	conv = (struct tsc_conv){ .time_shift = tc->time_shift, .time_mult = tc->time_mult,
				  .time_zero = tc->time_zero };
	if (!tsc_conv_valid(&conv)) {
		if (!s->bad_time_conv)
			p_warn("%s: PERF_RECORD_TIME_CONV at offset %#llx has time_shift %llu, "
			       "time_mult %llu: ignored, trace times left out", s->path,
			       (unsigned long long)rec->offset,
			       (unsigned long long)tc->time_shift,
			       (unsigned long long)tc->time_mult);
		s->bad_time_conv = true;
		return;
	}
	s->time_shift = tc->time_shift;
	s->time_mult = tc->time_mult;
	s->time_zero = tc->time_zero;
}

static void on_auxtrace_info(struct session *s, const struct pd_record *rec)
{
	const struct perf_rec_auxtrace_info *ai = (const void *)rec->hdr;
	size_t n = (rec->hdr->size - sizeof(*ai)) / 8;

	s->have_info = true;
	s->auxtrace_type = ai->type;
	s->nr_priv = n < 64 ? n : 64;
	memcpy(s->priv, ai->priv, s->nr_priv * 8);
}

static int deliver_sample(void *ctx, const struct pd_record *rec)
{
	struct session *s = ctx;

	return s->on_sample(s->sample_ctx, s, rec);
}

/*
 * A sample with user stack bytes whose process has no mapping yet: held
 * (sample_hold.h) rather than unwound against nothing; 1 when held, 0
 * when it goes on now, or -ENOMEM. (A kernel thread's switch samples
 * carry no user stack: never held.)
 */
static int hold_sample(struct session *s, const struct pd_record *rec)
{
	struct session_state *st = s->priv_state;
	const struct pd_attr *a = pd_reader_attr_of(s->r, rec->hdr);
	struct pd_sample_user u;
	struct pd_sample_id sid;
	struct proc *p;

	if (!a || !(a->attr.sample_type & PERF_SAMPLE_STACK_USER) ||
	    pd_sample_user_parse(rec->hdr, rec->hdr->size, &a->attr, &u) || !u.stack ||
	    pd_sample_id_parse(rec->hdr, rec->hdr->size, PERF_RECORD_SAMPLE, a->attr.sample_type,
			       &sid) || !(sid.sample_type & PERF_SAMPLE_TID))
		return 0;
	p = session_proc(s, (int)sid.pid, false);
	if (p && p->maps.nr)
		return 0;
	return sample_hold_add(&st->held, rec, (int)sid.pid) ? -ENOMEM : 1;
}

/*
 * Whether a record is shorter than the fixed fields of its type: then
 * counted (said at the end, say_short()) and skipped, its fields not read.
 */
static bool is_short(struct session *s, const struct pd_record *rec)
{
	struct session_state *st = s->priv_state;
	uint32_t type = rec->hdr->type;

	if (rec->hdr->size >= perf_record_min_size(type))
		return false;
	if (!st->nr_short++)
		st->first_short = rec->offset;
	st->short_recs[type]++;	/* a type with a size to meet is below USER_MAX */
	return true;
}

/* The records is_short() skipped, by type, in one warning. */
static void say_short(struct session *s)
{
	struct session_state *st = s->priv_state;
	char list[512] = "";
	size_t n = 0;

	if (!st->nr_short)
		return;
	for (uint32_t t = 0; t < PERF_RECORD_USER_MAX && n < sizeof(list); t++)
		if (st->short_recs[t])
			n += snprintf(list + n, sizeof(list) - n, "%s%s: %" PRIu64, n ? ", " : "",
				      perf_record_name(t), st->short_recs[t]);
	p_warn("%s: %" PRIu64 " records shorter than the fixed fields of their type were "
	       "skipped (%s; the first at offset %#" PRIx64 ")", s->path, st->nr_short, list,
	       st->first_short);
}

/* Whether a record of this type may be among the sideband of an exec. */
static bool is_task_sideband(uint32_t type)
{
	return type == PERF_RECORD_MMAP2 || type == PERF_RECORD_MMAP ||
	       type == PERF_RECORD_COMM || type == PERF_RECORD_FORK;
}

int session_process(struct session *s, session_piece_fn fn, void *ctx, char *err, size_t errlen)
{
	struct session_state *st = s->priv_state;
	struct pd_record rec;
	bool looked_up = false;
	int ret, held;

	while ((ret = pd_reader_next(s->r, &rec)) == 1) {
		const struct perf_event_header *h = rec.hdr;

		/* samples held for a process whose sideband has just been read */
		if (st->held.nr_ready && !is_task_sideband(h->type)) {
			ret = sample_hold_release(&st->held, false, deliver_sample, s);
			if (ret)
				return ret;
		}
		if (is_short(s, &rec))
			continue;
		switch (h->type) {
		case PERF_RECORD_MMAP2:
			on_mmap_rec(s, h, sizeof(struct perf_rec_mmap2));
			break;
		case PERF_RECORD_MMAP:
			on_mmap_rec(s, h, sizeof(struct perf_rec_mmap));
			break;
		case PERF_RECORD_COMM: {
			const struct perf_rec_comm *c = (const void *)h;
			struct proc *p = session_proc(s, c->pid, true);

			thread_map_set_comm(&s->threads, (int)c->tid, (int)c->pid, c->comm,
					    h->size - sizeof(*c), record_time(s, h));
			if (p && c->pid == c->tid)
				snprintf(p->comm, sizeof(p->comm), "%.*s",
					 (int)(h->size - sizeof(*c)), c->comm);
			if (p && (h->misc & PERF_RECORD_MISC_COMM_EXEC))
				p->gen++;
			break;
		}
		case PERF_RECORD_FORK: {
			const struct perf_rec_fork *f = (const void *)h;
			uint64_t t = record_time(s, h);

			/* a FORK has its time in itself too (sample_id_all off) */
			thread_map_fork(&s->threads, (int)f->tid, (int)f->pid, (int)f->ptid,
					t ? t : f->time);
			on_fork(s, f->pid, f->ppid);
			break;
		}
		case PERF_RECORD_AUX:
			on_aux(s, &rec);
			break;
		case PERF_RECORD_SWITCH:
		case PERF_RECORD_SWITCH_CPU_WIDE:
			on_switch(s, &rec);
			break;
		case PERF_RECORD_TIME_CONV:
			on_time_conv(s, &rec);
			break;
		case PERF_RECORD_AUXTRACE_INFO:
			on_auxtrace_info(s, &rec);
			break;
		case PERF_RECORD_SAMPLE:
			if (!s->on_sample)
				break;
			held = hold_sample(s, &rec);
			if (held < 0)
				return held;
			if (!held && (ret = s->on_sample(s->sample_ctx, s, &rec)))
				return ret;
			break;
		case PERF_RECORD_AUXTRACE:
			if (!looked_up) {
				find_decoder(s);
				looked_up = true;
			}
			ret = on_auxtrace(s, &rec, fn, ctx);
			if (ret)
				return ret;
			break;
		}
	}
	say_short(s);
	if (ret < 0)
		snprintf(err, errlen, "%s", pd_reader_error(s->r));
	else if (st->held.nr && (ret = sample_hold_release(&st->held, true, deliver_sample, s)))
		return ret;
	{
		int r2 = flush_at_end(s, fn, ctx);

		if (r2)
			return r2;
	}
	return ret < 0 ? ret : 0;
}
