// SPDX-License-Identifier: GPL-2.0
/*
 * trace_decode.c - runs the recording's decoder over every session piece
 * (see trace_decode.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include "lib/output/line_buf.h"
#include "lib/util/cache_line.h"
#include "lib/util/progress.h"
#include "parallel.h"
#include "piece_merge.h"
#include "trace_decode.h"
#include "lib/util/util.h"

struct run {
	const struct trace_decode_opts *o;
	struct session *s;
	const struct session_piece *piece;
	struct proc *proc;	/* whose code runs at the decoder's position */
	const struct maps *kmaps;	/* the kernel's, for every process */
	int pid, tid;
	const char *comm;	/* tid's name (session_thread_comm) */
	void *state;
	struct progress prog;
	uint64_t aux_done;	/* AUX bytes handed to the decoder */
	uint64_t merged_at;	/* merged: aux_offset of a recent event (atomic, relaxed) */
	uint64_t merged_events;	/* merged: its events so far */
	uint64_t events;	/* delivered in the piece so far (for piece_progress) */
	/*
	 * The event handed on (to o->fn, a renderer, kept): here, not on the
	 * stack, so that on_event()'s common path keeps only r across the
	 * call. te.cpu is kept here between events: the buffer's from
	 * run_take_piece() on, or the one the decoder told (events_cpu()),
	 * so that decoders that tell none cost no work per event for it.
	 */
	struct trace_event te;
	/*
	 * What the progress line goes through while pieces are decoded
	 * (piece_progress): from span_from to span_to of the file as the
	 * span_bytes of AUX data of the pieces are decoded, span_before of
	 * them in pieces before this one. A piece alone, or the pieces left
	 * at the end decoded one after another (span_group).
	 */
	uint64_t span_from, span_to, span_bytes, span_before;
	bool span_group;
	uint64_t data_start;	/* file offset of the data section */
	int stop;
	bool no_decoder;
	bool kernel_checked;
	bool mute;		/* events not delivered: a snapshot before the unit */
	bool unit_seen;		/* o->unit is in this piece or was */
	bool merge_group;	/* its pieces are the ones the whole decode merges by time */
	struct par_unit *const *unit;	/* a parallel decode's state: its events' unit */
	const struct par_unit *kept_unit;	/* the unit keeps says it of */
	bool keeps;		/* par_unit_kept() of kept_unit */
	struct par_ends *ends;	/* par_unit_ends() of the state's units */
	struct pm_stream *stream;	/* pieces merged by time: where its events go */
	struct line_buf *out;	/* the renderer's buffer (render_new's) */
	size_t units;		/* decode units of the pieces before this one */
	size_t pieces;		/* AUX pieces so far */
	unsigned long long bad_samples;	/* samples o->sample could not get: warned of */
	void *renderer;		/* its o->render_new() */
	struct line_buf kept;	/* its events kept, without a renderer */
	unsigned int jobs;	/* decode threads */
	const struct event_filter *filter;	/* o->filter when it has a condition */
};

static int read_code(void *ctx, uint64_t ip, uint8_t *buf, size_t len)
{
	struct run *r = ctx;

	if (!r->proc)
		return ip >= KERNEL_START ? maps_read(r->kmaps, ip, buf, len) : 0;
	return maps_read(&r->proc->maps, ip, buf, len);
}

/*
 * Makes pid/tid (code and comm in p, NULL unknown) the owner from perf
 * time `time` on (0: not known); *image names its code: the process and
 * the generation of its mappings. Returns when the owner's name changes
 * next (an exec, a rename; UINT64_MAX: not, or time unknown).
 */
static uint64_t set_owner(struct run *r, struct proc *p, int pid, int tid, uint64_t time,
			  uint64_t *image)
{
	uint64_t next;

	*image = (uint64_t)(uint32_t)pid << 32 | (p ? p->gen : 0);
	r->proc = p;
	r->pid = pid;
	r->tid = tid;
	r->comm = session_thread_comm_at(r->s, tid, p, time, &next);
	return next;
}

/*
 * The decoder's trace time reached `time` (0: a piece starts; what the
 * decoder cached is the code of the owner where the previous piece ended;
 * it asks again at its first time): in a per-CPU buffer with CPU-wide
 * context switches on record, the task switched in last owns the code;
 * otherwise the piece's owner does. Either way the owner's name is the
 * one it had at that time: the next call is due at the next switch or
 * the next change of name, whichever comes first.
 */
static uint64_t reached(void *ctx, uint64_t time, uint64_t *image)
{
	struct run *r = ctx;
	const struct session_piece *p = r->piece;
	uint64_t next = UINT64_MAX, name_next;
	struct proc *proc;
	int pid, tid;

	if (!time) {	/* ask again at the trace's first time */
		set_owner(r, p->proc, p->pid, p->tid, 0, image);
		return 0;
	}
	if (session_has_switches(r->s, p->chunk.cpu) &&
	    session_owner_at(r->s, p->chunk.cpu, time, &proc, &pid, &tid, &next))
		name_next = set_owner(r, proc, pid, tid, time, image);
	else
		r->comm = session_thread_comm_at(r->s, r->tid, r->proc, time, &name_next);
	return next < name_next ? next : name_next;
}

/*
 * The trace names the thread (ARM SPE's CONTEXT packet, CoreSight ETM's
 * context ID: Linux writes the tid into CONTEXTIDR): it ran as tid,
 * whatever the sideband says (perf too prefers it to context switch
 * records); its process is the one of that pid, as perf finds it.
 */
static struct proc *context_owner(struct run *r, int tid, int *pid)
{
	struct proc *p = session_thread_proc(r->s, tid);

	*pid = p ? p->pid : -1;
	return p;
}

/* A sampled operation that names its context ran as that thread. */
static void sample_owner(struct run *r, const struct decode_event *ev, struct trace_event *te)
{
	te->tid = (int)ev->mem->context;
	te->proc = context_owner(r, te->tid, &te->pid);
	te->comm = session_thread_comm_at(r->s, te->tid, te->proc, ev->time, NULL);
}

/*
 * The trace's context changed to tid at perf time `time` (0: not known):
 * its code and events from here on, with the name it had then.
 */
static uint64_t context(void *ctx, int tid, uint64_t time, uint64_t *image)
{
	struct run *r = ctx;
	int pid;
	struct proc *p = context_owner(r, tid, &pid);

	return set_owner(r, p, pid, tid, time, image);
}

/*
 * The decoder's events from here on are of CPU `cpu` (a CoreSight trace
 * ID's ETM; -1: the buffer's CPU again): shown, filtered and exported so.
 */
static void events_cpu(void *ctx, int cpu)
{
	struct run *r = ctx;

	r->te.cpu = cpu >= 0 ? cpu : r->piece->chunk.cpu;
}

/*
 * An event of a parallel decode, as kept until its turn: the event and
 * its owner, then its memory sample if it has one.
 */
struct kept_event {
	struct decode_event ev;
	const struct proc *proc;
	int pid, tid;
	const char *comm;
};

/*
 * The event as the outputs see it, with its owner, made in place (r->te):
 * built elsewhere and copied, it was read back by 16-byte loads over the
 * 4- and 8-byte stores that had just made it, which the CPU cannot
 * forward (a stall per event, a fifth of `auxrec report`). Its cpu is
 * there already (struct run).
 */
static inline __attribute__((always_inline)) struct trace_event *
trace_event_fill_owner(struct run *r, const struct decode_event *ev)
{
	struct trace_event *te = &r->te;

	te->ev = ev;
	te->piece = r->piece;
	te->proc = r->proc;
	te->pid = r->pid;
	te->tid = r->tid;
	te->comm = r->comm;
	te->kmaps = r->kmaps;
	return te;
}

/* trace_event_fill_owner(), but a sampled operation's owner is the one it names. */
static inline __attribute__((always_inline)) struct trace_event *
trace_event_fill(struct run *r, const struct decode_event *ev)
{
	struct trace_event *te = trace_event_fill_owner(r, ev);

	if (ev->kind == EVENT_MEM_SAMPLE && ev->mem && (ev->mem->valid & MEM_HAS_CONTEXT))
		sample_owner(r, ev, te);
	return te;
}

/* Whether te (made by trace_event_fill()) passes the filter. */
static inline __attribute__((always_inline)) bool wanted(const struct run *r, const struct trace_event *te)
{
	return !r->filter || event_filter_match(r->filter, te->pid, te->tid, te->cpu, te->comm,
						te->ev->time);
}

/* Whether sums of taken branches with r's owner pass the filter (it has no --time). */
static bool sums_wanted(const struct run *r)
{
	return !r->filter ||
	       event_filter_owner(r->filter, r->pid, r->tid, r->te.cpu, r->comm);
}

/*
 * Whether the events of the state's unit are kept, not only counted: asked
 * once per unit, not per event, with where their ends go (r->ends). (The
 * buffer they are kept in is r->kept or the renderer's, the state's for
 * good; ending an event says when to stop.)
 */
static bool unit_keeps(struct run *r)
{
	if (*r->unit != r->kept_unit) {
		r->kept_unit = *r->unit;
		r->keeps = par_unit_kept(r->kept_unit);
		r->ends = par_unit_ends(*r->unit);
	}
	return r->keeps;
}

/*
 * A merged piece decoded on threads (merged_decode_parallel()): each
 * event's output in a unit's buffer behind a frame with its time and
 * length, for the merge's keys when the units are handed over.
 */
struct key_frame {
	uint64_t time;
	uint64_t len;
};

/* Renders te behind its frame; an event that renders nothing leaves none. */
static int keyed_render(struct run *r, const struct trace_event *te)
{
	struct key_frame k = { .time = te->ev->time };
	size_t at = r->out->len;

	lb_mem(r->out, (const char *)&k, sizeof(k));
	if (r->o->render(r->renderer, te))
		return 1;
	if (r->out->err)
		return 0;	/* par_ends_event_end() says it */
	k.len = r->out->len - at - sizeof(k);
	if (!k.len)
		r->out->len = at;
	else
		memcpy(r->out->p + at, &k, sizeof(k));
	return 0;
}

/*
 * Keeps an event of a parallel decode: its output, or the event itself;
 * only its end when its unit is not handed over.
 */
static int keep_event(struct run *r, const struct decode_event *ev)
{
	if (unit_keeps(r)) {
		const struct trace_event *te = trace_event_fill(r, ev);

		if (!wanted(r, te)) {
			/* only its end */
		} else if (r->stream) {
			if (keyed_render(r, te))
				return 1;
		} else if (r->renderer) {
			if (r->o->render(r->renderer, te))
				return 1;
		} else {
			/* its cpu the buffer's (par_emit()): events_cpu is not for ranges */
			struct kept_event k = { .ev = *ev, .proc = te->proc, .pid = te->pid,
						.tid = te->tid, .comm = te->comm };

			lb_mem(&r->kept, (const char *)&k, sizeof(k));
			if (ev->mem)
				lb_mem(&r->kept, (const char *)ev->mem, sizeof(*ev->mem));
		}
	}
	return par_ends_event_end(r->ends);
}

/* An event of pieces merged by time: its output, ended with its time. */
static int merge_event(struct run *r, const struct decode_event *ev)
{
	const struct trace_event *te = trace_event_fill(r, ev);

	if (wanted(r, te) && r->o->render(r->renderer, te))
		return r->stop = 1;
	/* for merged_progress(), every 256th event: a line the writer reads */
	if (!(++r->merged_events & 255))
		__atomic_store_n(&r->merged_at, ev->aux_offset, __ATOMIC_RELAXED);
	return pm_event_end(r->stream, r->out, ev->time);
}

/*
 * The progress line inside the piece r decodes, pos of its bytes through
 * (a piece can be gigabytes, all of it decoded once the file is read):
 * along its span (see struct run).
 */
static void piece_progress(struct run *r, uint64_t pos)
{
	const struct aux_chunk *c = &r->piece->chunk;
	uint64_t done;

	if (!r->prog.on || !c->size)
		return;
	if (pos > c->size)
		pos = c->size;
	if (!r->prog.total) {
		progress_set(&r->prog, r->aux_done + pos);
		return;
	}
	done = r->span_before + pos;
	if (r->span_to > r->span_from && r->span_bytes)
		progress_set(&r->prog, r->span_from + (uint64_t)((double)(r->span_to - r->span_from) *
								  done / r->span_bytes));
}

/* par_hooks.handed: a parallel decode's units up to end are out */
static void par_handed(void *ctx, size_t end)
{
	piece_progress(ctx, end);
}

/*
 * on_event() of a parallel decode's, a merged piece's, muted, with a
 * filter, a sampled operation, or with progress due.
 */
static __attribute__((noinline)) int on_other_event(struct run *r, const struct decode_event *ev)
{
	if (r->unit)
		return keep_event(r, ev);
	if (r->stream)
		return merge_event(r, ev);
	if (r->mute)
		return 0;
	if (!(++r->events & 1023) && ev->aux_offset >= r->piece->chunk.aux_offset)
		piece_progress(r, ev->aux_offset - r->piece->chunk.aux_offset);
	trace_event_fill(r, ev);
	if (!wanted(r, &r->te))
		return 0;
	r->stop = r->o->fn(r->o->ctx, &r->te);
	return r->stop;
}

/* An event of a decode on the calling thread to o->fn; the common case inline. */
static int on_event(void *ctx, const struct decode_event *ev)
{
	struct run *r = ctx;

	if (r->unit || r->stream || r->mute || r->filter || ev->kind == EVENT_MEM_SAMPLE ||
	    !((r->events + 1) & 1023))
		return on_other_event(r, ev);
	r->events++;
	trace_event_fill_owner(r, ev);
	r->stop = r->o->fn(r->o->ctx, &r->te);
	return r->stop;
}

/* What sums of taken branches are handed over with: their owner, no event. */
static struct trace_event sums_owner(const struct run *r)
{
	return (struct trace_event){ .piece = r->piece, .proc = r->proc, .pid = r->pid,
				     .tid = r->tid, .comm = r->comm, .kmaps = r->kmaps,
				     .cpu = r->te.cpu };
}

/* Sums of taken branches (decode_opts.count) to o->count, with their owner. */
static int on_count(void *ctx, const struct branch_sum *sums, size_t nr)
{
	struct run *r = ctx;
	struct trace_event te = sums_owner(r);

	if (r->mute || !sums_wanted(r))
		return 0;
	r->stop = r->o->count(r->o->ctx, &te, sums, nr);
	return r->stop;
}

/*
 * Sums of a parallel decode, kept as an event (o->render_sums) until
 * their turn; only their end when their unit is not handed over.
 */
static int keep_sums(void *ctx, const struct branch_sum *sums, size_t nr)
{
	struct run *r = ctx;
	struct trace_event te = sums_owner(r);

	if (unit_keeps(r) && sums_wanted(r) && r->o->render_sums(r->renderer, &te, sums, nr))
		return 1;
	return par_ends_event_end(r->ends);
}

/*
 * The decoder's options; counting (o->count) on the calling thread, and
 * on a decode thread where its sums can be kept (o->render_sums).
 */
static struct decode_opts decode_opts_of(struct run *r)
{
	const struct session *s = r->s;
	bool keep = r->renderer && r->o->render_sums;
	/* a --time range needs each event's time: no sums (they have none), times read */
	bool timed = r->filter && r->filter->timed, sums = r->o->count && !timed;

	return (struct decode_opts){
		.read_code = read_code, .read_ctx = r, .reached = reached, .context = context,
		.events_cpu = events_cpu,
		.event = on_event, .event_ctx = r,
		.count = !sums ? NULL : !r->unit ? on_count : keep ? keep_sums : NULL,
		.insns = r->o->insns, .no_time = r->o->no_time && !timed,
		.fold_branches = r->o->fold_branches && !r->o->insns,
		.attr = s->aux_attr,
		.info_priv = s->have_info ? s->priv : NULL, .nr_priv = s->nr_priv,
		.time_shift = s->time_shift, .time_mult = s->time_mult,
		.time_zero = s->time_zero,
	};
}

/*
 * Whether the decode threads of --jobs render the events (else they keep
 * them for o->fn): not when the output puts records among them, which
 * only o->fn, or the merge by time, places.
 */
static bool threads_render(const struct trace_decode_opts *o)
{
	return o->render_new && !o->between_next;
}

/* A decoder state of a parallel decode: a copy of the run, with its own owner. */
static void *par_open(void *ctx, struct par_unit *const *unit, void **state,
		      struct line_buf **buf)
{
	/*
	 * Its lines its own: the owner fields read per event sat on a line
	 * with another thread's per-event writes (the next slot's allocations),
	 * and on_other_event() took a tenth of `script --json --jobs 2`.
	 */
	struct run *r = ctx, *w = aligned_alloc(CACHE_LINE, CACHE_LINES(sizeof(*w)));
	struct decode_opts opts;
	bool render;

	if (!w)
		return NULL;
	*w = *r;
	w->state = NULL;
	w->unit = unit;
	w->kept_unit = NULL;
	w->kept = (struct line_buf){ 0 };
	*buf = &w->kept;
	/* a merged piece's units keep their output too: the merge's, with keys */
	render = threads_render(r->o) || r->stream;
	w->renderer = render ? r->o->render_new(r->o->ctx, buf) : NULL;
	if (render && !w->renderer) {
		free(w);
		return NULL;
	}
	w->out = *buf;
	opts = decode_opts_of(w);
	if (r->stream)
		opts.no_time = false;	/* the merge's keys */
	*state = r->s->dec->decode_begin(&opts);
	if (!*state) {
		if (w->renderer)
			r->o->render_free(w->renderer);
		free(w);
		return NULL;
	}
	return w;
}

static void par_close(void *ctx, void *slot, void *state)
{
	struct run *r = ctx, *w = slot;

	r->s->dec->decode_end(state);
	if (w->renderer)
		r->o->render_free(w->renderer);
	lb_free(&w->kept);
	free(w);
}

/*
 * The framed events of a merged piece's units (keyed_render()), in order,
 * to its stream as its own decode would end them (merge_event()).
 */
static int keyed_emit(struct run *r, const char *bytes, size_t len)
{
	struct key_frame k;
	size_t off = 0;

	while (!r->stop && off + sizeof(k) <= len) {
		memcpy(&k, bytes + off, sizeof(k));
		off += sizeof(k);
		lb_mem(r->out, bytes + off, k.len);
		off += k.len;
		if (pm_event_end(r->stream, r->out, k.time))
			r->stop = 1;
	}
	return r->stop;
}

/* Events kept by keep_event(), in order: their output, or each to o->fn. */
static int par_emit(void *ctx, const char *bytes, size_t len)
{
	struct run *r = ctx;
	struct mem_sample mem;
	struct kept_event k;
	size_t off = 0;

	if (r->stream)
		return keyed_emit(r, bytes, len);
	if (threads_render(r->o)) {
		r->stop = r->o->write(r->o->ctx, bytes, len);
		return r->stop;
	}
	while (!r->stop && off + sizeof(k) <= len) {
		struct trace_event te = { .ev = &k.ev, .piece = r->piece, .kmaps = r->kmaps,
					  .cpu = r->piece->chunk.cpu };

		memcpy(&k, bytes + off, sizeof(k));
		off += sizeof(k);
		if (k.ev.mem) {
			memcpy(&mem, bytes + off, sizeof(mem));
			off += sizeof(mem);
			k.ev.mem = &mem;
		}
		te.proc = k.proc;
		te.pid = k.pid;
		te.tid = k.tid;
		te.comm = k.comm;
		r->stop = r->o->fn(r->o->ctx, &te);
	}
	return r->stop;
}

static const struct par_hooks par_hooks = {
	.open = par_open, .close = par_close, .emit = par_emit, .handed = par_handed,
};

/*
 * r's piece on r->jobs threads, the progress of its units handed over to
 * handed(): as par_decode(); a failure other than -ERANGE (no point to
 * cut at) is said and stops the decode.
 */
static int par_decode_piece(struct run *r, void (*handed)(void *ctx, size_t end))
{
	struct par_hooks h = par_hooks;
	int ret;

	h.unit_size = r->o->thread_unit;
	h.handed = handed;
	ret = par_decode(r->s->dec, &r->piece->chunk, r->jobs, &h, r);
	if (ret < 0 && ret != -ERANGE && !r->stop) {
		p_err("%s: parallel decode failed: %s", r->s->path, strerror(-ret));
		r->stop = 1;
	}
	return ret;
}

/*
 * The piece on o->jobs threads when its decoder can and it is worth it:
 * 0 (or the output's non-zero value) when it was decoded, -ERANGE when
 * it is to be decoded as usual. The session's state stays as it is
 * meanwhile; looking processes up must not grow its index on a worker.
 */
static int decode_parallel(struct run *r, struct session *s, const struct session_piece *p)
{
	if (!par_worth(s->dec, &p->chunk, r->jobs))
		return -ERANGE;
	session_proc(s, -1, false);
	return par_decode_piece(r, par_handed);
}

/* Whether the recording was made by the running kernel (same host name and release). */
static bool recorded_here(struct session *s)
{
	const struct pd_features *f = pd_reader_features(s->r);
	struct utsname u;

	return f && f->str[HEADER_HOSTNAME] && f->str[HEADER_OSRELEASE] && !uname(&u) &&
	       !strcmp(f->str[HEADER_HOSTNAME], u.nodename) &&
	       !strcmp(f->str[HEADER_OSRELEASE], u.release);
}

/*
 * Kernel symbols and code, once the sideband before the first AUX data is
 * known: the --vmlinux again, relocated to where the recording says the
 * kernel ran (its "[kernel.kallsyms]_text" MMAP), or as loaded (link-time
 * addresses) with a warning when it does not say; or the --kallsyms text
 * (symbols only); or, for a recording of the running kernel, its
 * /proc/kallsyms and /proc/kcore. Returns -1 (said) when the --kallsyms
 * file cannot be read at all; the rest are warnings.
 */
static int load_kernel(struct run *r)
{
	char err[512] = "";
	int ret;

	dso_cache_set_kernel_ref(r->s->dsos, r->s->kernel_ref, r->s->kernel_ref_addr);
	if (r->o->vmlinux && !r->s->kernel_ref[0]) {
		p_warn("%s has no kernel map ([kernel.kallsyms] MMAP): %s is used at its "
		       "link-time addresses, no KASLR offset known", r->s->path, r->o->vmlinux);
		return 0;
	}
	if (r->o->vmlinux) {
		if (dso_cache_load_kernel(r->s->dsos, r->o->vmlinux, NULL, NULL, err, sizeof(err)))
			p_warn("kernel addresses not decoded: %s", err);
		else if (*err)
			p_warn("%s", err);
		return 0;
	}
	if (r->o->kallsyms) {
		ret = dso_cache_load_kernel(r->s->dsos, NULL, r->o->kallsyms, NULL, err,
					    sizeof(err));
		if (dso_kernel_file_unread(ret)) {
			p_err("%s", err);
			return -1;
		}
		if (ret)
			p_warn("kernel addresses not symbolized: %s", err);
		return 0;
	}
	if (!r->s->aux_attr || r->s->aux_attr->exclude_kernel || !recorded_here(r->s))
		return 0;
	if (dso_cache_load_kernel(r->s->dsos, NULL, "/proc/kallsyms", "/proc/kcore", err,
				  sizeof(err)))
		p_warn("kernel addresses not symbolized: %s", err);
	return 0;
}

/*
 * The units of a piece as the whole decode goes through them, in joins[nr]:
 * 0, or a negative errno.
 */
static int piece_joins(struct run *r, struct session *s, const struct session_piece *p,
		       struct par_unit_join *joins, size_t nr)
{
	int ret = -ERANGE;

	if (nr > 1) {
		session_proc(s, -1, false);
		ret = par_list_units(s->dec, &p->chunk, r->jobs, &par_hooks, r, joins);
	}
	if (ret == -ERANGE) {	/* one unit: decoded from the piece's start */
		/* a snapshot's decode depends on the one before */
		joins[0] = (struct par_unit_join){ .joined = true,
				.used_before = p->chunk.flags & PERF_AUX_FLAG_OVERWRITE };
		ret = 0;
	}
	return ret;
}

/* Lists the piece's units (o->list_units); < 0 when it stopped the run. */
static int list_piece_units(struct run *r, struct session *s, const struct session_piece *p,
			    const size_t *ends, size_t nr, size_t first)
{
	struct par_unit_join *joins = calloc(nr, sizeof(*joins));
	int ret = joins ? piece_joins(r, s, p, joins, nr) : -ENOMEM;

	for (size_t i = 0; !ret && i < nr; i++) {
		struct decode_unit u = { .index = first + i, .piece = r->pieces,
					 .chunk = &p->chunk, .start = i ? ends[i - 1] : 0,
					 .end = ends[i], .joined = joins[i].joined,
					 .drop = joins[i].drop,
					 .self_contained = !joins[i].used_before,
					 .merged = r->merge_group };

		if (r->o->list_units(r->o->ctx, &u))
			ret = -ECANCELED;
	}
	free(joins);
	return ret;
}

/*
 * Decode units: the piece's listed, or, with o->one_unit, decoded when it
 * holds the unit (0), skipped when it does not (1). Another snapshot
 * chunk before it is decoded without output: a snapshot's decode depends
 * on the one before. Returns < 0 when it stopped the run.
 */
static int piece_units(struct run *r, struct session *s, const struct session_piece *p)
{
	size_t *ends, nr = par_units(s->dec, &p->chunk, &ends), first = r->units;
	int ret = 1;

	if (!nr)
		return -ENOMEM;
	r->units += nr;
	if (r->o->list_units)
		ret = list_piece_units(r, s, p, ends, nr, first);
	free(ends);
	r->pieces++;
	if (r->o->list_units || ret < 0)
		return ret < 0 ? ret : 1;
	if (r->o->unit >= first && r->o->unit < r->units) {
		r->unit_seen = true;
		/* a piece's first unit is joined where the piece starts */
		ret = r->o->unit_joined && r->o->unit == first && r->o->unit_drop ? -EINVAL : 0;
		if (!ret && nr == 1)
			return 0;
		session_proc(s, -1, false);
		if (!ret)
			ret = par_decode_unit(s->dec, &p->chunk, r->o->unit - first,
					      r->o->unit_joined ? &r->o->unit_drop : NULL, r->jobs,
					      &par_hooks, r);
		if (ret == -EINVAL && r->o->unit_joined) {
			p_err("%s: decode unit %zu cannot be joined at %" PRIu64 " (its join_drop "
			      "in --list-units with the same options)", s->path, r->o->unit,
			      r->o->unit_drop);
			return -ECANCELED;
		}
		return ret < 0 && !r->stop ? ret : 1;
	}
	if (!(p->chunk.flags & PERF_AUX_FLAG_OVERWRITE))
		return 1;
	r->mute = true;
	return 0;
}

/* Kernel symbols and code, before the first piece is decoded; 1 when it stops the run. */
static int kernel_once(struct run *r)
{
	if (r->kernel_checked)	/* also for units: they are decoded */
		return 0;
	r->kernel_checked = true;
	if (load_kernel(r)) {
		r->stop = 1;
		return 1;
	}
	return 0;
}

/* The piece r decodes, and its owner until the decoder says otherwise. */
static void run_take_piece(struct run *r, const struct session_piece *p)
{
	r->piece = p;
	r->proc = p->proc;	/* for decoders that do not call reached() */
	r->pid = p->pid;
	r->tid = p->tid;
	r->comm = session_thread_comm(r->s, p->tid, p->proc);
	r->te.cpu = p->chunk.cpu;	/* until the decoder tells another */
}

#define UNIT_DONE	2	/* on_piece(): o->unit is decoded, stop reading */

static int decode_piece(struct run *r, struct session *s, const struct session_piece *p)
{
	if (!s->dec || !s->dec->decode_begin) {
		r->no_decoder = true;
		return 1;
	}
	if (kernel_once(r))
		return 1;
	run_take_piece(r, p);
	r->events = 0;
	if (!r->span_group) {	/* from where the line stands to the piece's end */
		r->span_from = r->prog.done;
		r->span_to = p->chunk.file_offset + p->chunk.size - r->data_start;
		r->span_bytes = p->chunk.size;
		r->span_before = 0;
	}
	if (r->o->list_units || r->o->one_unit) {
		int ret = piece_units(r, s, p);

		if (ret < 0) {
			if (ret != -ECANCELED)
				p_err("%s: decode unit: %s", s->path, strerror(-ret));
			r->stop = 1;
			return 1;
		}
		if (ret)
			goto done;
	}
	if (decode_parallel(r, s, p) != -ERANGE)
		goto done;
	if (!r->state) {
		struct decode_opts opts = decode_opts_of(r);

		r->state = s->dec->decode_begin(&opts);
		if (!r->state)
			return -ENOMEM;
	}
	s->dec->decode_chunk(r->state, &p->chunk);
	r->mute = false;
done:
	r->aux_done += p->chunk.size;
	progress_set(&r->prog, r->prog.total ? p->chunk.file_offset + p->chunk.size -
					       r->data_start : r->aux_done);
	/* o->unit decoded: the rest of the file is not read (nor its damage) */
	return r->stop ? r->stop : r->unit_seen ? UNIT_DONE : 0;
}

/* A piece decoded, then o->piece_end: the session may change after it. */
static int on_piece(void *ctx, struct session *s, const struct session_piece *p)
{
	struct run *r = ctx;
	int ret = decode_piece(r, s, p);

	if (r->o->piece_end && r->o->piece_end(r->o->ctx) && !r->stop) {
		r->stop = 1;
		if (ret >= 0)
			ret = 1;
	}
	return ret;
}

/*
 * Pieces decoded at once, merged by time (piece_merge.h): a run for each;
 * the progress is the caller's (of its run `to`), moved on from `base` as
 * the pieces' AUX bytes are decoded.
 */
struct merged {
	struct run *runs;
	size_t n;
	struct run *to;
	uint64_t base, aux_total;
	uint64_t writes;
};

/*
 * The progress line while the pieces are merged: the share of their bytes
 * the decode threads are past (by their latest events), of what the file
 * has left to go through after base, or of AUX bytes decoded.
 */
static void merged_progress(struct merged *m, unsigned int every)
{
	struct progress *prog = &m->to->prog;
	uint64_t decoded = 0, left;

	/* every so many writes: loads of lines the decode threads write */
	if (!prog->on || !m->aux_total || ++m->writes % every)
		return;
	for (size_t i = 0; i < m->n; i++) {
		const struct aux_chunk *c = &m->runs[i].piece->chunk;
		uint64_t at = __atomic_load_n(&m->runs[i].merged_at, __ATOMIC_RELAXED);

		if (at > c->aux_offset)
			decoded += at - c->aux_offset < c->size ? at - c->aux_offset : c->size;
	}
	left = prog->total > m->base ? prog->total - m->base : 0;
	progress_set(prog, prog->total ? m->base + (uint64_t)((double)left * decoded / m->aux_total) :
					 m->base + decoded);
}

/* par_hooks.handed of a merged piece: for merged_progress() */
static void merged_handed(void *ctx, size_t end)
{
	struct run *w = ctx;

	__atomic_store_n(&w->merged_at, w->piece->chunk.aux_offset + end, __ATOMIC_RELAXED);
}

/*
 * A merged piece on its share of the threads (w->jobs), its units' events
 * framed with their times (keyed_render()) and ended in its stream in
 * order (keyed_emit()): -ERANGE when it is to be decoded as usual.
 */
static int merged_decode_parallel(struct run *w)
{
	if (!par_worth(w->s->dec, &w->piece->chunk, w->jobs))
		return -ERANGE;
	return par_decode_piece(w, merged_handed);
}

static int merged_decode(void *ctx, size_t i, struct pm_stream *st)
{
	struct run *w = &((struct merged *)ctx)->runs[i];

	w->stream = st;
	if (merged_decode_parallel(w) == -ERANGE)
		w->s->dec->decode_chunk(w->state, &w->piece->chunk);
	if (!w->stop && pm_stream_flush(st, w->out))
		w->stop = 1;
	return w->stop;
}

static int merged_write(void *ctx, const char *bytes, size_t len)
{
	struct merged *m = ctx;
	const struct trace_decode_opts *o = m->runs[0].o;

	merged_progress(m, 64);	/* a run of a dozen events */
	return o->write(o->ctx, bytes, len);
}

static int merged_writev(void *ctx, struct iovec *v, int n)
{
	struct merged *m = ctx;
	const struct trace_decode_opts *o = m->runs[0].o;

	merged_progress(m, 1);	/* a batch's runs */
	return o->writev(o->ctx, v, n);
}

static uint64_t merged_next(void *ctx)
{
	const struct trace_decode_opts *o = ((struct merged *)ctx)->runs[0].o;

	return o->between_next(o->ctx);
}

static int merged_put(void *ctx, uint64_t time)
{
	const struct trace_decode_opts *o = ((struct merged *)ctx)->runs[0].o;

	return o->between_put(o->ctx, time);
}

static void merged_close(struct merged *m)
{
	for (size_t i = 0; i < m->n; i++) {
		struct run *w = &m->runs[i];

		if (w->state)
			w->s->dec->decode_end(w->state);
		if (w->renderer)
			w->o->render_free(w->renderer);
	}
	free(m->runs);
}

/*
 * A merged piece decoded on threads copies every event's output once
 * more, on the thread that hands the units over (keyed_emit()): on two
 * vCPUs, two threads for one buffer made `script --json` of a per-CPU
 * recording slower (0.24 s against 0.19 s for 2 M branches) and barely
 * faster on ten times that (docs/testing.md, "Buffers merged by time on
 * threads"). So a piece takes threads of its own from this share on.
 */
#define MERGED_MIN_JOBS	3

/*
 * The decode threads of a merged piece of `size` bytes of all `total`:
 * its share of `jobs` when that is MERGED_MIN_JOBS or more (a recording
 * that ran mostly on one CPU decodes that buffer on most of them), else
 * one, its own.
 */
static unsigned int merged_jobs(unsigned int jobs, uint64_t size, uint64_t total)
{
	double share = total ? (double)jobs * (double)size / (double)total : 0;

	return share + 0.5 >= MERGED_MIN_JOBS ? (unsigned int)(share + 0.5) : 1;
}

/* A run per piece: its owner, renderer and decoder state. 0 or -ENOMEM. */
static int merged_open(struct merged *m, struct run *r, const struct session_piece *const *v,
		       size_t n)
{
	m->n = n;
	m->to = r;
	m->base = r->prog.total ? r->prog.done : r->aux_done;
	m->aux_total = 0;
	m->writes = 0;
	for (size_t i = 0; i < n; i++)
		m->aux_total += v[i]->chunk.size;
	m->runs = calloc(n, sizeof(*m->runs));
	if (!m->runs)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		struct run *w = &m->runs[i];
		struct decode_opts opts;

		*w = *r;
		w->state = NULL;
		w->merged_at = 0;
		w->merged_events = 0;
		w->jobs = merged_jobs(r->jobs, v[i]->chunk.size, m->aux_total);
		run_take_piece(w, v[i]);
		w->renderer = r->o->render_new(r->o->ctx, &w->out);
		if (!w->renderer)
			break;
		opts = decode_opts_of(w);
		opts.no_time = false;	/* the merge's keys */
		w->state = r->s->dec->decode_begin(&opts);
		if (!w->state)
			break;
	}
	if (!m->runs[n - 1].state) {
		merged_close(m);
		return -ENOMEM;
	}
	return 0;
}

/*
 * Whether the whole decode merges the pieces left at the end by time:
 * asked for (with the renderer, but to list units), more than one, events
 * of time (TIME_CONV), by a decoder that decodes on threads; not
 * snapshots (a snapshot's decode depends on the one before).
 * AUXREC_NO_MERGE=1 (tests): never, as before.
 */
static bool merge_wanted(const struct run *r, const struct session *s,
			 const struct session_piece *const *v, size_t n)
{
	const struct trace_decode_opts *o = r->o;

	if (n < 2 || !o->merge_by_time || !s->time_mult || !s->dec ||
	    !s->dec->decode_begin || !s->dec->split_next || getenv("AUXREC_NO_MERGE"))
		return false;
	for (size_t i = 0; i < n; i++)
		if (v[i]->chunk.flags & PERF_AUX_FLAG_OVERWRITE)
			return false;
	return true;
}

/*
 * The pieces decoded at once, their events written in time order; then
 * o->piece_end. -EAGAIN: no thread to be had, nothing decoded.
 */
static int decode_merged(struct run *r, struct session *s, const struct session_piece *const *v,
			 size_t n)
{
	struct pm_output out = { .write = merged_write };
	struct merged m;
	int ret;

	if (r->o->writev)
		out.writev = merged_writev;
	if (r->o->between_next) {
		out.next = merged_next;
		out.put = merged_put;
	}
	if (kernel_once(r))
		return 1;
	session_proc(s, -1, false);	/* its index built: looked up on the threads */
	ret = merged_open(&m, r, v, n);
	if (!ret) {
		ret = pm_run(n, merged_decode, &out, &m);
		merged_close(&m);
	}
	if (ret == -EAGAIN)
		return ret;
	if (ret > 0)
		r->stop = 1;
	for (size_t i = 0; i < n; i++)
		r->aux_done += v[i]->chunk.size;
	progress_set(&r->prog, r->prog.total ? v[n - 1]->chunk.file_offset +
					       v[n - 1]->chunk.size - r->data_start : r->aux_done);
	if (r->o->piece_end && r->o->piece_end(r->o->ctx) && !r->stop) {
		r->stop = 1;
		if (ret >= 0)
			ret = 1;
	}
	return ret;
}

/*
 * The pieces left when the file ends (session.h, pieces_at_end): merged
 * by time where merge_wanted(), else one after another.
 */
static int on_pieces_at_end(void *ctx, struct session *s, const struct session_piece *const *v,
			    size_t n)
{
	struct run *r = ctx;
	bool merge = merge_wanted(r, s, v, n);
	int ret = 0;

	/* units are listed and decoded piece by piece, and say it */
	r->merge_group = merge;
	if (merge && r->o->render_new && !r->o->list_units && !r->o->one_unit) {
		ret = decode_merged(r, s, v, n);
		if (ret != -EAGAIN)
			return ret;
	}
	/* one after another: the progress line goes through the rest of the file */
	r->span_group = true;
	r->span_from = r->prog.done;
	r->span_to = r->prog.total;
	r->span_bytes = 0;
	for (size_t i = 0; i < n; i++)
		r->span_bytes += v[i]->chunk.size;
	r->span_before = 0;
	for (size_t i = 0; i < n; i++) {
		ret = on_piece(r, s, v[i]);
		r->span_before += v[i]->chunk.size;
		if (ret)
			break;
	}
	r->span_group = false;
	return ret;
}

/* A PERF_RECORD_SAMPLE: to o->sample with its owner, when it has the ids. */
static int on_sample(void *ctx, struct session *s, const struct pd_record *rec)
{
	struct run *r = ctx;
	const struct pd_attr *a = pd_reader_sample_attr(s->r, rec->hdr);
	struct trace_sample ts = { .rec = rec, .pid = -1, .tid = -1 };
	struct pd_sample_id sid;

	if (!a || pd_sample_id_parse(rec->hdr, rec->hdr->size, PERF_RECORD_SAMPLE,
				     a->attr.sample_type, &sid)) {
		r->bad_samples++;	/* perf: "failed to process type: 9" */
		return 0;
	}
	ts.attr = &a->attr;
	if (sid.sample_type & PERF_SAMPLE_TID) {
		ts.pid = (int)sid.pid;
		ts.tid = (int)sid.tid;
		ts.proc = session_proc(s, ts.pid, false);
		ts.comm = session_thread_comm_at(s, ts.tid, ts.proc,
						 sid.sample_type & PERF_SAMPLE_TIME ? sid.time : 0, NULL);
	}
	ts.cpu = sid.sample_type & PERF_SAMPLE_CPU ? (int)sid.cpu : -1;
	ts.time = sid.time;
	if (r->filter && !event_filter_match(r->filter, ts.pid, ts.tid, ts.cpu, ts.comm, ts.time))
		return 0;
	r->stop = r->o->sample(r->o->ctx, &ts);
	return r->stop;
}

/*
 * Progress of a file is its data section read (pieces come in file order);
 * of a pipe or a directory, the AUX bytes decoded so far.
 */
static void start_progress(struct run *r)
{
	const struct perf_file_header *h = pd_reader_header(r->s->r);
	uint64_t total = 0;

	if (!pd_reader_is_pipe(r->s->r) && !pd_reader_is_dir(r->s->r) && h->data.size) {
		total = h->data.size;
		r->data_start = h->data.offset;
	}
	progress_start(&r->prog, r->o->progress, r->o->output_at_end, total,
		       total ? "read" : "of AUX decoded");
	progress_set(&r->prog, 0);
}

/*
 * Once per binary that could not be opened (ctx: the --symfs, or NULL). A
 * relative name without --symfs was looked up from the current directory,
 * which may not be the one the recording was made in: the warning says
 * what to do. Under a relative --symfs the path is relative too, but the
 * user chose it.
 */
static void warn_missing(const struct dso *d, void *ctx)
{
	const char *symfs = ctx;

	if ((d->path[0] == '/' || (symfs && d->path[0] != '[')) && strcmp(d->path, "//anon"))
		p_warn("cannot read %s: its code was not decoded", d->path);
	else if (d->path[0] && d->path[0] != '/' && d->path[0] != '[')
		p_warn("cannot read %s (a relative path, looked up from the current "
		       "directory): its code was not decoded; run auxrec in the directory "
		       "the recording was made in, or give --symfs DIR", d->path);
}

/* --jobs, else one thread (script and report ask for one per CPU). */
static unsigned int jobs_of(const struct trace_decode_opts *o)
{
	return o->jobs ? o->jobs : 1;
}

/* The error line of a failure: its message, or (an allocation's left none) its errno's. */
static void report_failure(const char *path, const char *err, int ret)
{
	if (err[0])
		p_err("%s", err);
	else
		p_err("%s: %s", path, strerror(ret < 0 ? -ret : EIO));
}

int trace_decode(const struct trace_decode_opts *o)
{
	struct run r = { .o = o, .jobs = jobs_of(o),
			 .filter = o->filter && event_filter_set(o->filter) ? o->filter : NULL };
	char err[512] = "";
	int ret;

	ret = session_open(&r.s, o->path, o->symfs, err, sizeof(err));
	if (ret) {
		report_failure(o->path, err, ret);
		return 1;
	}
	dso_cache_set_debug_dirs(r.s->dsos, o->symfs, o->debug_dir);
	r.kmaps = dso_cache_kernel_maps(r.s->dsos);
	/*
	 * --vmlinux (used instead of --kallsyms) is loaded now to refuse one
	 * that cannot be used, with the loader's cause; a --kallsyms file that
	 * cannot be read is refused where it is loaded (load_kernel()).
	 */
	if (o->vmlinux && dso_cache_load_kernel(r.s->dsos, o->vmlinux, NULL, NULL, err,
						sizeof(err))) {
		p_err("%s", err);
		session_close(r.s);
		return 1;
	}
	if (o->sample) {
		r.s->on_sample = on_sample;
		r.s->sample_ctx = &r;
	}
	r.s->copy_jobs = r.jobs;	/* the chunks of a piece joined on the decode threads */
	r.s->windows = true;
	r.s->pieces_at_end = on_pieces_at_end;
	start_progress(&r);
	ret = session_process(r.s, on_piece, &r, err, sizeof(err));
	if (ret == UNIT_DONE)
		ret = 0;
	if (!ret)	/* read to its end */
		progress_set(&r.prog, r.prog.total ? r.prog.total : r.aux_done);
	progress_end(&r.prog);
	if (pd_reader_warning(r.s->r))
		p_warn("%s: %s", r.s->path, pd_reader_warning(r.s->r));
	if (r.bad_samples)
		p_warn("%s: %llu samples whose id names no event or whose ids are cut short "
		       "were left out", r.s->path, r.bad_samples);
	if (r.state)
		r.s->dec->decode_end(r.state);
	if (r.no_decoder) {
		p_err("%s: no decoder for its AUX data (AUXTRACE type %u)%s", r.s->path,
		      r.s->auxtrace_type, r.s->dec ? " that can decode flow" : "");
		ret = 1;
	} else if (ret < 0) {
		if (o->flush)
			o->flush(o->ctx);
		report_failure(o->path, err, ret);	/* the events before it were delivered */
		ret = 1;
	} else if (o->one_unit && !r.unit_seen && !r.stop) {
		p_err("%s: no decode unit %zu (it has %zu)", r.s->path, o->unit, r.units);
		ret = 1;
	} else if (!r.stop && !o->list_units) {
		dso_cache_for_each_missing(r.s->dsos, warn_missing, (void *)r.s->symfs);
		if (!r.s->pieces)
			p_warn("%s holds no AUX data", r.s->path);
	}
	session_close(r.s);
	return ret < 0 ? 1 : ret;
}
