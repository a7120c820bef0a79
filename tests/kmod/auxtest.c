// SPDX-License-Identifier: GPL-2.0
/*
 * auxtest: a test PMU that writes through the kernel's AUX-area API.
 *
 * Owns: the "auxtest" PMU (or any name given with name=, e.g. name=intel_pt
 * to impersonate Intel PT for Debian's perf), its per-CPU hrtimer emitter
 * (pattern words or replayed bytes), and the ground-truth counters under
 * /sys/kernel/debug/auxtest/.  See tests/kmod/README.md for the term layout,
 * the pattern word format and every debugfs file.
 *
 * Every perf_aux_output_begin()..end() pair is taken inside one timer tick
 * under aux_lock, so two events sharing one buffer (an inherited child
 * running on another CPU than its parent) never nest on the buffer.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/perf_event.h>
#include <linux/hrtimer.h>
#include <linux/debugfs.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/percpu.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>
#include <linux/mutex.h>
#include <linux/stringhash.h>
#include <linux/kobject.h>

#define AUXTEST_NSTREAMS	65536
#define AUXTEST_SEQ_MASK	((1ULL << 48) - 1)
#define AUXTEST_MAX_TICK_NS	NSEC_PER_SEC

enum { MODE_PATTERN = 0, MODE_REPLAY = 1 };

static char *name = "auxtest";
module_param(name, charp, 0444);
MODULE_PARM_DESC(name, "PMU name (auxtest; intel_pt, intel_bts, arm_spe_N, cs_etm impersonate them)");
static ulong rate = 1048576;
module_param(rate, ulong, 0644);
MODULE_PARM_DESC(rate, "default bytes per second per event");
static uint period_us = 1000;
module_param(period_us, uint, 0644);
MODULE_PARM_DESC(period_us, "default timer period in microseconds");
static uint mode;
module_param(mode, uint, 0644);
MODULE_PARM_DESC(mode, "default content: 0 pattern, 1 replay");
static bool once;
module_param(once, bool, 0644);
MODULE_PARM_DESC(once, "replay: emit the data once, then stop (default: cycle)");
static uint skip;
module_param(skip, uint, 0644);
MODULE_PARM_DESC(skip, "default bytes skipped with perf_aux_output_skip per record");
static bool partial;
module_param(partial, bool, 0644);
MODULE_PARM_DESC(partial, "default: set PERF_AUX_FLAG_PARTIAL on every record");
static uint fault;
module_param(fault, uint, 0644);
MODULE_PARM_DESC(fault, "self-test of checkers: 1 duplicate a word, 2 omit TRUNCATED, 3 over-count emitted");
static int charge_pid;
module_param(charge_pid, int, 0644);
MODULE_PARM_DESC(charge_pid, "count the emitter's time in ticks that interrupt this process (charged_ns)");
static uint align;
module_param(align, uint, 0644);
MODULE_PARM_DESC(align, "replay: emit whole multiples of this many bytes a tick (fixed-size SPE records)");
static uint nr_addr_filters;
module_param(nr_addr_filters, uint, 0444);
MODULE_PARM_DESC(nr_addr_filters, "address filters the PMU takes (0: none)");
static bool head_offset;
module_param(head_offset, bool, 0644);
MODULE_PARM_DESC(head_offset, "overwrite buffers: the head is an offset in the buffer, as Intel PT's, not a byte count");
static ulong replay_max = 16 << 20;
module_param(replay_max, ulong, 0444);
MODULE_PARM_DESC(replay_max, "capacity of the replay buffer in bytes");

/* the emitter's settings, taken from terms (auxtest) or module parameters */
struct auxtest_ev {
	u64 rate;
	u64 period_ns;
	u64 pos;		/* replay: bytes generated so far */
	u64 credit;		/* bytes owed, scaled by NSEC_PER_SEC */
	u64 last_ns;
	u64 off_ns;		/* stopped at, after a TRUNCATED end; 0 if not */
	struct auxtest_cpu *off_cpu;	/* where it stopped then */
	bool last_truncated;	/* the last end was TRUNCATED */
	u32 skip;
	u16 stream;
	u8 mode;
	bool once;
	bool partial;
	bool overwrite;		/* its last tick wrote an overwrite (snapshot) buffer */
	u64 stop_logged;	/* its stream's words at the last logged stop */
};

struct auxtest_stats {
	u64 emitted;		/* bytes written into the AUX buffer */
	u64 dropped;		/* bytes generated but not written */
	u64 ends_data;		/* perf_aux_output_end(size > 0) */
	u64 ends_empty;		/* perf_aux_output_end(0) */
	u64 records;		/* ends that produce a PERF_RECORD_AUX */
	u64 truncated;		/* ends with PERF_AUX_FLAG_TRUNCATED */
	u64 partial;		/* ends with PERF_AUX_FLAG_PARTIAL */
	u64 overwrite;		/* ends on an overwrite (snapshot) buffer */
	u64 skips;		/* successful perf_aux_output_skip calls */
	u64 skipped;		/* bytes skipped by them */
	u64 begin_fail;		/* perf_aux_output_begin returned NULL */
	u64 ticks;		/* timer callbacks with an event */
	/*
	 * bytes not generated while the event was off after a TRUNCATED end
	 * (the kernel disables it; a reader that does not enable it again
	 * loses the rest of the run), counted at its next start or its end
	 */
	u64 off_dropped;
	/*
	 * ns spent emitting in ticks that interrupted a task of charge_pid:
	 * without IRQ time accounting the kernel bills them to that task
	 */
	u64 charged_ns;
};

struct auxtest_stream {
	u64 generated;		/* words (pattern) or bytes (replay) */
	u64 emitted;
	u64 dropped;
};

struct auxtest_cpu {
	struct hrtimer timer;
	struct perf_event *event;
	struct perf_output_handle handle;
	struct auxtest_stats st;
	/*
	 * an event stopped here after a TRUNCATED end that has not started
	 * again: since when and at what rate (for off_pending; aux_lock)
	 */
	u64 off_since_ns;
	u64 off_rate;
};

/* what setup_aux hands back: the page array, never virtually contiguous */
struct auxtest_buf {
	void **pages;
	int nr_pages;
	bool overwrite;
};

static struct pmu auxtest_pmu;
static DEFINE_PER_CPU(struct auxtest_cpu, auxtest_cpus);
static DEFINE_RAW_SPINLOCK(aux_lock);
static struct auxtest_stream *streams;
static u32 next_stream = 1;
static atomic_t nr_events = ATOMIC_INIT(0);
static bool impersonate;
static bool cs_etm;		/* name=cs_etm */
static struct dentry *dbg_dir;

static DEFINE_MUTEX(replay_mutex);
static u8 *replay_buf;
static u64 replay_len;
static int replay_users;

static inline u64 stat_add(u64 *p, u64 v)
{
	WRITE_ONCE(*p, *p + v);
	return *p;
}

/* Copy len bytes to AUX offset off (already reduced modulo the size). */
static void aux_copy(struct auxtest_buf *buf, u64 off, const u8 *src, u64 len)
{
	u64 size = (u64)buf->nr_pages << PAGE_SHIFT;

	while (len) {
		u64 in_page = off & (PAGE_SIZE - 1);
		u64 n = min_t(u64, len, PAGE_SIZE - in_page);

		memcpy((u8 *)buf->pages[off >> PAGE_SHIFT] + in_page, src, n);
		src += n;
		len -= n;
		off += n;
		if (off == size)
			off = 0;
	}
}

/* Pattern: words [seq, seq + n) of stream id at AUX offset off (8-aligned). */
static void aux_pattern(struct auxtest_buf *buf, u64 off, u16 id, u64 seq,
			u64 n)
{
	u64 size = (u64)buf->nr_pages << PAGE_SHIFT;

	for (; n; n--, seq++) {
		u64 *w = (u64 *)((u8 *)buf->pages[off >> PAGE_SHIFT] +
				 (off & (PAGE_SIZE - 1)));

		*w = cpu_to_le64(((u64)id << 48) | (seq & AUXTEST_SEQ_MASK));
		off += 8;
		if (off == size)
			off = 0;
	}
}

/* Replay: bytes [pos, pos + len) of the replay data at AUX offset off. */
static void aux_replay(struct auxtest_buf *buf, u64 off, u64 pos, u64 len)
{
	u64 size = (u64)buf->nr_pages << PAGE_SHIFT;

	while (len) {
		u64 r = pos % replay_len;
		u64 n = min_t(u64, len, replay_len - r);

		aux_copy(buf, off, replay_buf + r, n);
		off = (off + n) % size;
		pos += n;
		len -= n;
	}
}

/* Bytes the event generates this tick, whole words in pattern mode. */
static u64 tick_bytes(struct auxtest_ev *ev, u64 now)
{
	u64 dt = now - ev->last_ns, n;

	ev->last_ns = now;
	if (dt > AUXTEST_MAX_TICK_NS)
		dt = AUXTEST_MAX_TICK_NS;
	ev->credit += ev->rate * dt;
	n = div64_u64(ev->credit, NSEC_PER_SEC);
	if (ev->mode == MODE_PATTERN)
		n &= ~7ULL;
	else if (align > 1)
		n -= n % align;
	ev->credit -= n * NSEC_PER_SEC;
	if (ev->mode == MODE_REPLAY && ev->once) {
		if (ev->pos >= replay_len)
			n = 0;
		else
			n = min_t(u64, n, replay_len - ev->pos);
	}
	return n;
}

static void account_end(struct auxtest_stats *st, u64 size, u64 flags,
			bool overwrite)
{
	if (size)
		stat_add(&st->ends_data, 1);
	else
		stat_add(&st->ends_empty, 1);
	if (size || (flags & (PERF_AUX_FLAG_TRUNCATED | PERF_AUX_FLAG_PARTIAL |
			      PERF_AUX_FLAG_COLLISION)))
		stat_add(&st->records, 1);
	if (flags & PERF_AUX_FLAG_TRUNCATED)
		stat_add(&st->truncated, 1);
	if (flags & PERF_AUX_FLAG_PARTIAL)
		stat_add(&st->partial, 1);
	if (overwrite)
		stat_add(&st->overwrite, 1);
}

/* One tick of one event on this CPU; called with aux_lock held. */
static void emit(struct auxtest_cpu *c, struct perf_event *event)
{
	struct auxtest_ev *ev = event->pmu_private;
	struct auxtest_stream *s = &streams[ev->stream];
	struct perf_output_handle *h = &c->handle;
	struct auxtest_buf *buf;
	u64 n, room, put, off, over, size, unit, flags = 0;

	n = tick_bytes(ev, ktime_get_ns());
	if (!n)
		return;
	unit = ev->mode == MODE_PATTERN ? 8 : 1;

	buf = perf_aux_output_begin(h, event);
	if (!buf) {
		stat_add(&c->st.begin_fail, 1);
		stat_add(&c->st.dropped, n);
		s->dropped += n / unit;
		s->generated += n / unit;
		ev->pos += n;
		return;
	}
	WARN_ON_ONCE(perf_get_aux(h) != buf);
	size = (u64)buf->nr_pages << PAGE_SHIFT;

	if (!buf->overwrite && ev->skip && h->size >= ev->skip + unit) {
		if (!perf_aux_output_skip(h, ev->skip)) {
			stat_add(&c->st.skips, 1);
			stat_add(&c->st.skipped, ev->skip);
		}
	}

	/* overwrite buffers take everything; others at most h->size */
	room = buf->overwrite ? n : h->size;
	put = min_t(u64, n, room) / unit * unit;
	off = h->head % size;
	/* more than the buffer holds: only the last size bytes survive */
	over = put > size ? put - size : 0;
	if (ev->mode == MODE_PATTERN)
		aux_pattern(buf, (off + over) % size, ev->stream,
			    s->generated + over / 8,
			    (put - over) / 8 - (fault == 1 && put >= 16));
	else
		aux_replay(buf, (off + over) % size, ev->pos + over, put - over);
	/* fault=1: the last word repeats the one before it */
	if (fault == 1 && ev->mode == MODE_PATTERN && put >= 16)
		aux_pattern(buf, (off + put - 8) % size, ev->stream,
			    s->generated + put / 8 - 2, 1);

	s->generated += n / unit;
	s->emitted += put / unit;
	ev->pos += n;
	stat_add(&c->st.emitted, put + (fault == 3 && put ? 8 : 0));
	if (put < n) {
		stat_add(&c->st.dropped, n - put);
		s->dropped += (n - put) / unit;
		if (fault != 2)
			flags |= PERF_AUX_FLAG_TRUNCATED;
	}
	ev->last_truncated = put < n && fault != 2;
	if (ev->partial)
		flags |= PERF_AUX_FLAG_PARTIAL;
	if (flags)
		perf_aux_output_flag(h, flags);
	ev->overwrite = buf->overwrite;
	/* in overwrite mode the driver supplies the new head */
	if (buf->overwrite)
		h->head = head_offset ? (h->head + put) % size : h->head + put;
	account_end(&c->st, put, flags, buf->overwrite);
	perf_aux_output_end(h, put);
}

static enum hrtimer_restart auxtest_tick(struct hrtimer *t)
{
	struct auxtest_cpu *c = container_of(t, struct auxtest_cpu, timer);
	struct perf_event *event = READ_ONCE(c->event);
	struct auxtest_ev *ev;
	unsigned long fl;
	bool charged;
	u64 t0;

	if (!event || event->hw.state & PERF_HES_STOPPED)
		return HRTIMER_NORESTART;
	ev = event->pmu_private;
	charged = charge_pid && current->tgid == READ_ONCE(charge_pid);
	t0 = charged ? ktime_get_ns() : 0;
	raw_spin_lock_irqsave(&aux_lock, fl);
	stat_add(&c->st.ticks, 1);
	emit(c, event);
	if (charged)
		stat_add(&c->st.charged_ns, ktime_get_ns() - t0);
	raw_spin_unlock_irqrestore(&aux_lock, fl);
	hrtimer_forward_now(t, ns_to_ktime(ev->period_ns));
	return HRTIMER_RESTART;
}

/* The time the event was off after a truncation, as bytes not generated. */
static void account_off(struct auxtest_cpu *c, struct auxtest_ev *ev, u64 now)
{
	unsigned long fl;

	if (!ev->off_ns)
		return;
	raw_spin_lock_irqsave(&aux_lock, fl);
	stat_add(&c->st.off_dropped,
		 mul_u64_u64_div_u64(ev->rate, now - ev->off_ns, NSEC_PER_SEC) & ~7ULL);
	if (ev->off_cpu) {
		ev->off_cpu->off_since_ns = 0;
		ev->off_cpu = NULL;
	}
	raw_spin_unlock_irqrestore(&aux_lock, fl);
	ev->off_ns = 0;
}

/*
 * Snapshot ground truth: where each stream stood when an event that writes
 * an overwrite buffer stopped (a recorder disables it to take a snapshot),
 * logged when it wrote since the last such stop; `snapshots` in debugfs.
 */
#define SNAP_LOG_MAX 4096
struct snap_stop {
	u64 time_ns;
	u64 words;		/* the stream's words so far: its last seq + 1 */
	u16 stream;
	int cpu;
};
static struct snap_stop snap_log[SNAP_LOG_MAX];
static u32 snap_log_nr;		/* entries, at most SNAP_LOG_MAX kept */

static void snap_log_stop(struct auxtest_ev *ev)
{
	u64 words;
	unsigned long fl;

	if (!ev->overwrite || ev->mode != MODE_PATTERN)
		return;
	raw_spin_lock_irqsave(&aux_lock, fl);
	words = streams[ev->stream].generated;
	if (words != ev->stop_logged) {
		ev->stop_logged = words;
		if (snap_log_nr < SNAP_LOG_MAX)
			snap_log[snap_log_nr] = (struct snap_stop){
				ktime_get_ns(), words, ev->stream, smp_processor_id() };
		snap_log_nr++;
	}
	raw_spin_unlock_irqrestore(&aux_lock, fl);
}

static int snapshots_show(struct seq_file *m, void *v)
{
	u32 i, nr = min_t(u32, READ_ONCE(snap_log_nr), SNAP_LOG_MAX);

	for (i = 0; i < nr; i++)
		seq_printf(m, "%u %llu %d %llu\n", snap_log[i].stream, snap_log[i].words,
			   snap_log[i].cpu, snap_log[i].time_ns);
	if (snap_log_nr > SNAP_LOG_MAX)
		seq_printf(m, "overflow %u\n", snap_log_nr - SNAP_LOG_MAX);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(snapshots);

/*
 * Address filters (nr_addr_filters): the ranges the kernel resolved for the
 * newest event whose filters were synced with a range set, in `filters`.
 */
#define FILTERS_MAX 16
struct filter_seen {
	unsigned long start, size;
	int action;
};
static struct filter_seen filters_seen[FILTERS_MAX];
static u32 filters_seen_nr;
static DEFINE_RAW_SPINLOCK(filters_lock);

static int auxtest_addr_filters_validate(struct list_head *filters)
{
	struct perf_addr_filter *f;
	u32 n = 0;

	list_for_each_entry(f, filters, entry)
		if (++n > nr_addr_filters)
			return -EOPNOTSUPP;
	return 0;
}

static void auxtest_addr_filters_sync(struct perf_event *event)
{
	struct perf_addr_filters_head *head = perf_event_addr_filters(event);
	struct perf_addr_filter_range *fr = event->addr_filter_ranges;
	struct filter_seen seen[FILTERS_MAX];
	struct perf_addr_filter *f;
	unsigned long fl;
	u32 n = 0;
	bool any = false;

	list_for_each_entry(f, &head->list, entry) {
		if (n == FILTERS_MAX)
			break;
		seen[n] = (struct filter_seen){ fr[n].start, fr[n].size, f->action };
		any |= fr[n].start || fr[n].size;
		n++;
	}
	if (!any)
		return;	/* its file not mapped (yet) */
	raw_spin_lock_irqsave(&filters_lock, fl);
	memcpy(filters_seen, seen, n * sizeof(*seen));
	filters_seen_nr = n;
	raw_spin_unlock_irqrestore(&filters_lock, fl);
}

static int filters_show(struct seq_file *m, void *v)
{
	/* enum perf_addr_filter_action_t */
	static const char *const names[] = { "stop", "start", "filter" };
	struct filter_seen seen[FILTERS_MAX];
	unsigned long fl;
	u32 i, n;

	raw_spin_lock_irqsave(&filters_lock, fl);
	n = filters_seen_nr;
	memcpy(seen, filters_seen, n * sizeof(*seen));
	raw_spin_unlock_irqrestore(&filters_lock, fl);
	for (i = 0; i < n; i++)
		seq_printf(m, "%s 0x%lx 0x%lx\n",
			   seen[i].action >= 0 && seen[i].action < 3 ? names[seen[i].action] : "?",
			   seen[i].start, seen[i].size);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(filters);

static void auxtest_start(struct perf_event *event, int flags)
{
	struct auxtest_cpu *c = this_cpu_ptr(&auxtest_cpus);
	struct auxtest_ev *ev = event->pmu_private;

	if (has_addr_filter(event))
		perf_event_addr_filters_sync(event);
	ev->last_ns = ktime_get_ns();
	account_off(c, ev, ev->last_ns);
	event->hw.state = 0;
	hrtimer_start(&c->timer, ns_to_ktime(ev->period_ns),
		      HRTIMER_MODE_REL_PINNED_HARD);
}

static void auxtest_stop(struct perf_event *event, int flags)
{
	struct auxtest_cpu *c = this_cpu_ptr(&auxtest_cpus);
	struct auxtest_ev *ev = event->pmu_private;

	if (event->hw.state & PERF_HES_STOPPED)
		return;
	event->hw.state = PERF_HES_STOPPED;
	snap_log_stop(ev);
	if (ev->last_truncated && !ev->off_ns) {
		unsigned long fl;

		ev->off_ns = ktime_get_ns();
		raw_spin_lock_irqsave(&aux_lock, fl);
		c->off_since_ns = ev->off_ns;
		c->off_rate = ev->rate;
		ev->off_cpu = c;
		raw_spin_unlock_irqrestore(&aux_lock, fl);
	}
	/* pinned to this CPU, and we run with interrupts off: never running */
	hrtimer_try_to_cancel(&c->timer);
}

static int auxtest_add(struct perf_event *event, int flags)
{
	struct auxtest_cpu *c = this_cpu_ptr(&auxtest_cpus);

	if (c->event)
		return -EBUSY;
	c->event = event;
	event->hw.state = PERF_HES_STOPPED;
	if (flags & PERF_EF_START)
		auxtest_start(event, 0);
	return 0;
}

static void auxtest_del(struct perf_event *event, int flags)
{
	struct auxtest_cpu *c = this_cpu_ptr(&auxtest_cpus);

	auxtest_stop(event, PERF_EF_UPDATE);
	if (c->event == event)
		WRITE_ONCE(c->event, NULL);
}

static void auxtest_read(struct perf_event *event)
{
}

static void auxtest_destroy(struct perf_event *event)
{
	struct auxtest_ev *ev = event->pmu_private;

	if (ev)
		account_off(per_cpu_ptr(&auxtest_cpus, event->cpu >= 0 ? event->cpu : 0), ev,
			    ktime_get_ns());
	if (ev && ev->mode == MODE_REPLAY) {
		mutex_lock(&replay_mutex);
		replay_users--;
		mutex_unlock(&replay_mutex);
	}
	kfree(ev);
	event->pmu_private = NULL;
	atomic_dec(&nr_events);
}

/* The attr of the event opened last, as perf_event_open gave it: `attr` in debugfs. */
static struct perf_event_attr last_attr;

/*
 * auxtest terms: config:0-31 rate, config:32-51 period_us, config:56-59 mode,
 * config:60 once, config:61 partial, config1:0-15 skip.  Zero means "use the
 * module parameter".  The intel_pt impersonation takes module parameters only.
 */
static void cs_event_init(struct perf_event *event);
static bool cs_sink_ok(struct perf_event *event);

static int auxtest_event_init(struct perf_event *event)
{
	u64 cfg = event->attr.config, cfg1 = event->attr.config1;
	struct auxtest_ev *ev;
	u64 r = rate, p = period_us, m = mode, sk = skip;
	bool on = once, pa = partial;
	unsigned long fl;

	if (event->attr.type != auxtest_pmu.type)
		return -ENOENT;
	last_attr = event->attr;
	if (!impersonate) {
		if (cfg & GENMASK_ULL(31, 0))
			r = cfg & GENMASK_ULL(31, 0);
		if ((cfg >> 32) & 0xfffff)
			p = (cfg >> 32) & 0xfffff;
		if ((cfg >> 56) & 0xf)
			m = (cfg >> 56) & 0xf;
		on = on || (cfg & BIT_ULL(60));
		pa = pa || (cfg & BIT_ULL(61));
		if (cfg1 & 0xffff)
			sk = cfg1 & 0xffff;
	}
	if (m > MODE_REPLAY || !p || p > 1000000)
		return -EINVAL;
	if (m == MODE_PATTERN && (sk & 7))
		return -EINVAL;

	ev = kzalloc(sizeof(*ev), GFP_KERNEL);
	if (!ev)
		return -ENOMEM;
	ev->rate = r;
	ev->period_ns = p * NSEC_PER_USEC;
	ev->mode = m;
	ev->once = on;
	ev->partial = pa;
	ev->skip = sk;
	if (m == MODE_REPLAY) {
		mutex_lock(&replay_mutex);
		if (!replay_len) {
			mutex_unlock(&replay_mutex);
			kfree(ev);
			return -ENODATA;
		}
		replay_users++;
		mutex_unlock(&replay_mutex);
	}
	raw_spin_lock_irqsave(&aux_lock, fl);
	ev->stream = next_stream;
	next_stream = next_stream == AUXTEST_NSTREAMS - 1 ? 1 : next_stream + 1;
	memset(&streams[ev->stream], 0, sizeof(streams[0]));
	raw_spin_unlock_irqrestore(&aux_lock, fl);

	if (cs_etm)
		cs_event_init(event);
	event->pmu_private = ev;
	event->destroy = auxtest_destroy;
	atomic_inc(&nr_events);
	return 0;
}

static void *auxtest_setup_aux(struct perf_event *event, void **pages,
			       int nr_pages, bool overwrite)
{
	struct auxtest_buf *buf;

	if (!nr_pages || (cs_etm && !cs_sink_ok(event)))
		return NULL;
	buf = kzalloc(sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return NULL;
	buf->pages = pages;
	buf->nr_pages = nr_pages;
	buf->overwrite = overwrite;
	return buf;
}

static void auxtest_free_aux(void *data)
{
	kfree(data);
}

/* ---- sysfs: format and (for intel_pt) caps ---- */

PMU_FORMAT_ATTR(rate,		"config:0-31");
PMU_FORMAT_ATTR(period_us,	"config:32-51");
PMU_FORMAT_ATTR(mode,		"config:56-59");
PMU_FORMAT_ATTR(once,		"config:60");
PMU_FORMAT_ATTR(partial,	"config:61");
PMU_FORMAT_ATTR(skip,		"config1:0-15");

static struct attribute *auxtest_format_attrs[] = {
	&format_attr_rate.attr, &format_attr_period_us.attr,
	&format_attr_mode.attr, &format_attr_once.attr,
	&format_attr_partial.attr, &format_attr_skip.attr, NULL,
};

static struct attribute_group auxtest_format_group = {
	.name = "format", .attrs = auxtest_format_attrs,
};

static const struct attribute_group *auxtest_groups[] = {
	&auxtest_format_group, NULL,
};

/* A read-only sysfs file of a table: its name and the line it shows. */
struct sysfs_line {
	const char *name, *text;
};

static const struct sysfs_line pt_formats[] = {
	{ "pt", "config:0" }, { "cyc", "config:1" }, { "pwr_evt", "config:4" },
	{ "fup_on_ptw", "config:5" }, { "mtc", "config:9" },
	{ "tsc", "config:10" }, { "noretcomp", "config:11" },
	{ "ptw", "config:12" }, { "branch", "config:13" },
	{ "mtc_period", "config:14-17" }, { "cyc_thresh", "config:19-22" },
	{ "psb_period", "config:24-27" }, { "event", "config:31" },
	{ "notnt", "config:55" },
};

/*
 * A Skylake client's CPUID leaf 0x14 as real intel_pt shows it in caps/
 * (hexadecimal, no 0x).
 */
static const struct sysfs_line pt_caps[] = {
	{ "max_subleaf", "1" }, { "cr3_filtering", "1" }, { "psb_cyc", "1" },
	{ "ip_filtering", "1" }, { "mtc", "1" }, { "ptwrite", "0" },
	{ "power_event_trace", "0" }, { "event_trace", "0" },
	{ "tnt_disable", "0" }, { "topa_output", "1" },
	{ "topa_multiple_entries", "1" }, { "single_range_output", "1" },
	{ "output_subsys", "0" }, { "payloads_lip", "0" },
	{ "num_address_ranges", "2" }, { "mtc_periods", "249" },
	{ "cycle_thresholds", "3fff" }, { "psb_periods", "3f" },
};

struct line_attr {
	struct device_attribute attr;
	const char *text;
};

static ssize_t line_show(struct device *d, struct device_attribute *a, char *page)
{
	struct line_attr *l = container_of(a, struct line_attr, attr);

	return sysfs_emit(page, "%s\n", l->text);
}

/* One read-only file in attrs[i] and list[i] per line of table[0..n-1]. */
static void line_group_init(const struct sysfs_line *table, int n, struct line_attr *attrs,
			    struct attribute **list)
{
	int i;

	for (i = 0; i < n; i++) {
		sysfs_attr_init(&attrs[i].attr.attr);
		attrs[i].attr.attr.name = table[i].name;
		attrs[i].attr.attr.mode = 0444;
		attrs[i].attr.show = line_show;
		attrs[i].text = table[i].text;
		list[i] = &attrs[i].attr.attr;
	}
}

/* attrs and NULL-terminated list of the files of TABLE */
#define LINE_GROUP(table)						\
	static struct line_attr table##_attrs[ARRAY_SIZE(table)];	\
	static struct attribute *table##_list[ARRAY_SIZE(table) + 1]

#define LINE_GROUP_INIT(table)						\
	line_group_init(table, ARRAY_SIZE(table), table##_attrs, table##_list)

static ssize_t pt_timing_show(struct device *d, struct device_attribute *a,
			      char *page)
{
	if (!strcmp(a->attr.name, "max_nonturbo_ratio"))
		return sysfs_emit(page, "%u\n", 34);
	return sysfs_emit(page, "%u:%u\n", 216, 2);	/* tsc_art_ratio */
}

LINE_GROUP(pt_formats);
LINE_GROUP(pt_caps);
static struct device_attribute pt_timing_attrs[] = {
	__ATTR(max_nonturbo_ratio, 0444, pt_timing_show, NULL),
	__ATTR(tsc_art_ratio, 0444, pt_timing_show, NULL),
};
static struct attribute *pt_timing_list[] = {
	&pt_timing_attrs[0].attr, &pt_timing_attrs[1].attr, NULL,
};
static struct attribute_group pt_fmt_group = {
	.name = "format", .attrs = pt_formats_list,
};
static struct attribute_group pt_cap_group = {
	.name = "caps", .attrs = pt_caps_list,
};
static struct attribute_group pt_timing_group = { .attrs = pt_timing_list };
static const struct attribute_group *pt_groups[] = {
	&pt_cap_group, &pt_fmt_group, &pt_timing_group, NULL,
};

static void pt_groups_init(void)
{
	LINE_GROUP_INIT(pt_formats);
	LINE_GROUP_INIT(pt_caps);
}

/*
 * arm_spe_N: format/ and caps/ as drivers/perf/arm_spe_pmu.c shows them
 * (caps of a Neoverse N1: count_size 12 bits, min_interval 256; decimal).
 */
static const struct sysfs_line spe_formats[] = {
	{ "ts_enable", "config:0" }, { "pa_enable", "config:1" },
	{ "pct_enable", "config:2" }, { "jitter", "config:16" },
	{ "branch_filter", "config:32" }, { "load_filter", "config:33" },
	{ "store_filter", "config:34" }, { "event_filter", "config1:0-63" },
	{ "min_latency", "config2:0-11" },
};
static const struct sysfs_line spe_caps[] = {
	{ "arch_inst", "1" }, { "ernd", "1" }, { "count_size", "12" }, { "min_interval", "256" },
};

LINE_GROUP(spe_formats);
LINE_GROUP(spe_caps);
static struct attribute_group spe_fmt_group = { .name = "format", .attrs = spe_formats_list };
static struct attribute_group spe_cap_group = { .name = "caps", .attrs = spe_caps_list };
static const struct attribute_group *spe_groups[] = { &spe_cap_group, &spe_fmt_group, NULL };

static void spe_groups_init(void)
{
	LINE_GROUP_INIT(spe_formats);
	LINE_GROUP_INIT(spe_caps);
}

/*
 * cs_etm: what drivers/hwtracing/coresight/coresight-etm-perf.c and
 * coresight-etm4x-sysfs.c (6.1) show for CoreSight ETMv4 tracers whose
 * trace goes to a TMC-ETR: format/ (the driver's ten terms; contextid is
 * config:14, CONTEXTIDR_EL1, as on a kernel not at EL2), sinks/tmc_etr0
 * (the sink's name hash perf writes into config2 for @tmc_etr0), an empty
 * events/, and per online CPU cpuN/trcidr/trcidr0..2,8 and
 * cpuN/mgmt/trcauthstatus, trcdevarch, trcconfig, trctraceid, the
 * registers of a Cortex-A53's ETM ("0x%x"). trctraceid is the legacy
 * trace ID 0x10 + 2 * cpu; trcconfig the TRCCONFIGR the driver programs
 * for the last event on that CPU (its options as etm4_parse_event_config
 * maps them). setup_aux refuses a sink ID that is not tmc_etr0's, as the
 * driver finds no sink for it; debugfs cs_sink names the last one taken.
 */
static const struct sysfs_line cs_formats[] = {
	{ "cycacc", "config:12" }, { "contextid", "config:14" },
	{ "contextid1", "config:14" }, { "contextid2", "config:15" },
	{ "timestamp", "config:28" }, { "retstack", "config:29" },
	{ "sinkid", "config2:0-31" }, { "preset", "config:0-3" },
	{ "configid", "config2:32-63" }, { "branch_broadcast", "config:8" },
};
static char cs_sink_text[24];	/* tmc_etr0's hash, "0x%lx" */
static const struct sysfs_line cs_sinks[] = { { "tmc_etr0", cs_sink_text } };

LINE_GROUP(cs_formats);
LINE_GROUP(cs_sinks);
static struct attribute *cs_no_events[] = { NULL };
static struct attribute_group cs_fmt_group = { .name = "format", .attrs = cs_formats_list };
static struct attribute_group cs_sink_group = { .name = "sinks", .attrs = cs_sinks_list };
static struct attribute_group cs_events_group = { .name = "events", .attrs = cs_no_events };
static const struct attribute_group *cs_groups[] = {
	&cs_fmt_group, &cs_sink_group, &cs_events_group, NULL,
};

static u32 cs_sink_hash;
static const char *cs_sink_seen = "none";
static DEFINE_PER_CPU(u32, cs_trcconfigr);
static struct kobject *cs_cpu_dirs[NR_CPUS];

/* The ID registers of a Cortex-A53's ETM, as the sysfs files name them. */
static const struct { const char *name; u32 value; } cs_id_regs[] = {
	{ "trcidr0", 0x28000ea1 }, { "trcidr1", 0x4100f424 },
	{ "trcidr2", 0x20001088 }, { "trcidr8", 0 },
	{ "trcauthstatus", 0xcc }, { "trcdevarch", 0x47704a13 },
};

static ssize_t cs_reg_show(struct kobject *kobj, struct kobj_attribute *a, char *page)
{
	int cpu;
	u32 v = 0;
	size_t i;

	if (kstrtoint(kobject_name(kobj) + 3, 10, &cpu) || cpu < 0 || cpu >= nr_cpu_ids)
		return -EINVAL;
	if (!strcmp(a->attr.name, "trctraceid"))
		v = 0x10 + 2 * cpu;
	else if (!strcmp(a->attr.name, "trcconfig"))
		v = READ_ONCE(per_cpu(cs_trcconfigr, cpu));
	for (i = 0; i < ARRAY_SIZE(cs_id_regs); i++)
		if (!strcmp(a->attr.name, cs_id_regs[i].name))
			v = cs_id_regs[i].value;
	return sysfs_emit(page, "0x%x\n", v);
}

static struct kobj_attribute cs_trcidr_attrs[] = {
	__ATTR(trcidr0, 0444, cs_reg_show, NULL), __ATTR(trcidr1, 0444, cs_reg_show, NULL),
	__ATTR(trcidr2, 0444, cs_reg_show, NULL), __ATTR(trcidr8, 0444, cs_reg_show, NULL),
};
static struct kobj_attribute cs_mgmt_attrs[] = {
	__ATTR(trcauthstatus, 0444, cs_reg_show, NULL),
	__ATTR(trcdevarch, 0444, cs_reg_show, NULL),
	__ATTR(trcconfig, 0444, cs_reg_show, NULL),
	__ATTR(trctraceid, 0444, cs_reg_show, NULL),
};
static struct attribute *cs_trcidr_list[] = {
	&cs_trcidr_attrs[0].attr, &cs_trcidr_attrs[1].attr, &cs_trcidr_attrs[2].attr,
	&cs_trcidr_attrs[3].attr, NULL,
};
static struct attribute *cs_mgmt_list[] = {
	&cs_mgmt_attrs[0].attr, &cs_mgmt_attrs[1].attr, &cs_mgmt_attrs[2].attr,
	&cs_mgmt_attrs[3].attr, NULL,
};
static struct attribute_group cs_trcidr_group = { .name = "trcidr", .attrs = cs_trcidr_list };
static struct attribute_group cs_mgmt_group = { .name = "mgmt", .attrs = cs_mgmt_list };
static const struct attribute_group *cs_cpu_groups[] = {
	&cs_trcidr_group, &cs_mgmt_group, NULL,
};

static void cs_groups_init(void)
{
	cs_sink_hash = (u32)hashlen_hash(hashlen_string(NULL, "tmc_etr0"));
	snprintf(cs_sink_text, sizeof(cs_sink_text), "0x%lx",
		 (unsigned long)hashlen_hash(hashlen_string(NULL, "tmc_etr0")));
	LINE_GROUP_INIT(cs_formats);
	LINE_GROUP_INIT(cs_sinks);
}

/* cpuN/ of each online CPU, under the registered PMU's directory. */
static int cs_cpu_dirs_add(void)
{
	char dir[16];
	int cpu, ret;

	for_each_online_cpu(cpu) {
		snprintf(dir, sizeof(dir), "cpu%d", cpu);
		cs_cpu_dirs[cpu] = kobject_create_and_add(dir, &auxtest_pmu.dev->kobj);
		if (!cs_cpu_dirs[cpu])
			return -ENOMEM;
		ret = sysfs_create_groups(cs_cpu_dirs[cpu], cs_cpu_groups);
		if (ret)
			return ret;
	}
	return 0;
}

static void cs_cpu_dirs_del(void)
{
	int cpu;

	for (cpu = 0; cpu < NR_CPUS; cpu++) {
		if (cs_cpu_dirs[cpu]) {
			sysfs_remove_groups(cs_cpu_dirs[cpu], cs_cpu_groups);
			kobject_put(cs_cpu_dirs[cpu]);
			cs_cpu_dirs[cpu] = NULL;
		}
	}
}

/* TRCCONFIGR for the event's options (ETM_OPT_* -> ETM4_CFG_BIT_*). */
static void cs_event_init(struct perf_event *event)
{
	u64 cfg = event->attr.config;
	u32 r = 0;
	int cpu;

	if (cfg & BIT_ULL(8))
		r |= BIT(3);			/* branch broadcast */
	if (cfg & BIT_ULL(12))
		r |= BIT(4);			/* cycle accurate */
	if (cfg & BIT_ULL(14))
		r |= BIT(6);			/* context ID */
	if (cfg & BIT_ULL(15))
		r |= BIT(7) | BIT(15);		/* VMID, VMID_OPT */
	if (cfg & BIT_ULL(28))
		r |= BIT(11);			/* timestamp */
	if (cfg & BIT_ULL(29))
		r |= BIT(12);			/* return stack */
	for_each_online_cpu(cpu)
		if (event->cpu < 0 || event->cpu == cpu)
			WRITE_ONCE(per_cpu(cs_trcconfigr, cpu), r);
}

/* The sink of config2's sink ID: 0 the default (tmc_etr0), else its hash. */
static bool cs_sink_ok(struct perf_event *event)
{
	u32 id = (u32)event->attr.config2;

	if (id && id != cs_sink_hash)
		return false;
	cs_sink_seen = id ? "tmc_etr0" : "default";
	return true;
}

static int cs_sink_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%s\n", cs_sink_seen);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(cs_sink);

/* ---- debugfs ---- */

#define STAT_FIELDS(X)							\
	X(emitted) X(dropped) X(ends_data) X(ends_empty) X(records)	\
	X(truncated) X(partial) X(overwrite) X(skips) X(skipped)	\
	X(begin_fail) X(ticks) X(off_dropped) X(charged_ns)

static void stats_sum(struct auxtest_stats *sum)
{
	int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		struct auxtest_stats *st = &per_cpu_ptr(&auxtest_cpus, cpu)->st;
#define X(f) sum->f += READ_ONCE(st->f);
		STAT_FIELDS(X)
#undef X
	}
}

#define X(f)								\
static int total_##f##_get(void *data, u64 *val)			\
{									\
	struct auxtest_stats sum;					\
									\
	stats_sum(&sum);						\
	*val = sum.f;							\
	return 0;							\
}									\
DEFINE_DEBUGFS_ATTRIBUTE(total_##f##_fops, total_##f##_get, NULL, "%llu\n");
STAT_FIELDS(X)
#undef X

static void stats_line(struct seq_file *m, const char *who,
		       struct auxtest_stats *st, u64 off_pending)
{
	seq_printf(m, "%s", who);
#define X(f) seq_printf(m, " " #f "=%llu", READ_ONCE(st->f));
	STAT_FIELDS(X)
#undef X
	seq_printf(m, " off_pending=%llu\n", off_pending);
}

/*
 * Bytes not generated so far by an event that is still off after a
 * TRUNCATED end (off_dropped counts them only once it starts again or is
 * freed): a reader of percpu while recording sees the loss up to now.
 */
static u64 off_pending(struct auxtest_cpu *c, u64 now)
{
	unsigned long fl;
	u64 n = 0;

	raw_spin_lock_irqsave(&aux_lock, fl);
	if (c->off_since_ns && now > c->off_since_ns)
		n = mul_u64_u64_div_u64(c->off_rate, now - c->off_since_ns,
					NSEC_PER_SEC) & ~7ULL;
	raw_spin_unlock_irqrestore(&aux_lock, fl);
	return n;
}

static int percpu_show(struct seq_file *m, void *v)
{
	struct auxtest_stats sum;
	u64 now = ktime_get_ns(), pend, pend_sum = 0;
	char who[16];
	int cpu;

	for_each_possible_cpu(cpu) {
		struct auxtest_cpu *c = per_cpu_ptr(&auxtest_cpus, cpu);

		snprintf(who, sizeof(who), "cpu%d", cpu);
		pend = off_pending(c, now);
		pend_sum += pend;
		stats_line(m, who, &c->st, pend);
	}
	stats_sum(&sum);
	stats_line(m, "total", &sum, pend_sum);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(percpu);

static int streams_show(struct seq_file *m, void *v)
{
	u32 i;

	for (i = 1; i < AUXTEST_NSTREAMS; i++) {
		struct auxtest_stream s = streams[i];

		if (s.generated)
			seq_printf(m, "%u %llu %llu %llu\n", i, s.generated,
				   s.emitted, s.dropped);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(streams);

static int attr_show(struct seq_file *m, void *v)
{
	struct perf_event_attr a = last_attr;

	seq_printf(m, "config=%#llx config1=%#llx config2=%#llx sample_period=%llu freq=%u sample_type=%#llx\n",
		   a.config, a.config1, a.config2, a.sample_period, a.freq, a.sample_type);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(attr);

static int active_get(void *data, u64 *val)
{
	*val = atomic_read(&nr_events);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(active_fops, active_get, NULL, "%llu\n");

static ssize_t reset_write(struct file *f, const char __user *ubuf,
			   size_t len, loff_t *ppos)
{
	unsigned long fl;
	int cpu;

	raw_spin_lock_irqsave(&aux_lock, fl);
	for_each_possible_cpu(cpu)
		memset(&per_cpu_ptr(&auxtest_cpus, cpu)->st, 0,
		       sizeof(struct auxtest_stats));
	memset(streams, 0, AUXTEST_NSTREAMS * sizeof(*streams));
	next_stream = 1;
	snap_log_nr = 0;
	filters_seen_nr = 0;
	raw_spin_unlock_irqrestore(&aux_lock, fl);
	return len;
}

static const struct file_operations reset_fops = {
	.owner = THIS_MODULE,
	.write = reset_write,
	.llseek = noop_llseek,
};

/* Writing at offset 0 replaces the replay data; later writes append. */
static ssize_t replay_write(struct file *f, const char __user *ubuf,
			    size_t len, loff_t *ppos)
{
	ssize_t ret;

	mutex_lock(&replay_mutex);
	ret = -EBUSY;
	if (replay_users)
		goto out;
	ret = -ENOMEM;
	if (!replay_buf)
		replay_buf = vmalloc(replay_max);
	if (!replay_buf)
		goto out;
	if (*ppos == 0)
		replay_len = 0;
	ret = -ENOSPC;
	if (len > replay_max - replay_len)
		goto out;
	ret = -EFAULT;
	if (copy_from_user(replay_buf + replay_len, ubuf, len))
		goto out;
	replay_len += len;
	*ppos += len;
	ret = len;
out:
	mutex_unlock(&replay_mutex);
	return ret;
}

static const struct file_operations replay_fops = {
	.owner = THIS_MODULE,
	.write = replay_write,
	.llseek = noop_llseek,
};

static int replay_len_get(void *data, u64 *val)
{
	*val = READ_ONCE(replay_len);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(replay_len_fops, replay_len_get, NULL, "%llu\n");

static void debugfs_init(void)
{
	dbg_dir = debugfs_create_dir("auxtest", NULL);
#define X(f) debugfs_create_file_unsafe(#f, 0444, dbg_dir, NULL, &total_##f##_fops);
	STAT_FIELDS(X)
#undef X
	debugfs_create_file("percpu", 0444, dbg_dir, NULL, &percpu_fops);
	debugfs_create_file("streams", 0444, dbg_dir, NULL, &streams_fops);
	debugfs_create_file("attr", 0444, dbg_dir, NULL, &attr_fops);
	debugfs_create_file("snapshots", 0444, dbg_dir, NULL, &snapshots_fops);
	debugfs_create_file("filters", 0444, dbg_dir, NULL, &filters_fops);
	debugfs_create_file_unsafe("active", 0444, dbg_dir, NULL, &active_fops);
	debugfs_create_file("reset", 0200, dbg_dir, NULL, &reset_fops);
	debugfs_create_file("replay", 0200, dbg_dir, NULL, &replay_fops);
	debugfs_create_file_unsafe("replay_len", 0444, dbg_dir, NULL,
				   &replay_len_fops);
}

static int __init auxtest_init(void)
{
	int cpu, ret;

	streams = vzalloc(AUXTEST_NSTREAMS * sizeof(*streams));
	if (!streams)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct auxtest_cpu *c = per_cpu_ptr(&auxtest_cpus, cpu);

		hrtimer_init(&c->timer, CLOCK_MONOTONIC,
			     HRTIMER_MODE_REL_PINNED_HARD);
		c->timer.function = auxtest_tick;
	}
	impersonate = strcmp(name, "auxtest") != 0;
	if (!strcmp(name, "intel_pt")) {
		pt_groups_init();
		auxtest_pmu.attr_groups = pt_groups;
	} else if (!strncmp(name, "arm_spe_", 8)) {
		spe_groups_init();
		auxtest_pmu.attr_groups = spe_groups;
	} else if (!strcmp(name, "cs_etm")) {
		cs_etm = true;
		cs_groups_init();
		auxtest_pmu.attr_groups = cs_groups;
	} else if (!strcmp(name, "intel_bts")) {
		/* as arch/x86/events/intel/bts.c: no format, no caps */
		auxtest_pmu.attr_groups = NULL;
	} else {
		auxtest_pmu.attr_groups = auxtest_groups;
	}
	auxtest_pmu.module = THIS_MODULE;
	auxtest_pmu.capabilities = PERF_PMU_CAP_ITRACE | PERF_PMU_CAP_EXCLUSIVE;
	auxtest_pmu.task_ctx_nr = perf_sw_context;
	auxtest_pmu.event_init = auxtest_event_init;
	auxtest_pmu.add = auxtest_add;
	auxtest_pmu.del = auxtest_del;
	auxtest_pmu.start = auxtest_start;
	auxtest_pmu.stop = auxtest_stop;
	auxtest_pmu.read = auxtest_read;
	auxtest_pmu.setup_aux = auxtest_setup_aux;
	auxtest_pmu.free_aux = auxtest_free_aux;
	if (nr_addr_filters) {
		auxtest_pmu.nr_addr_filters = min_t(uint, nr_addr_filters, FILTERS_MAX);
		auxtest_pmu.addr_filters_validate = auxtest_addr_filters_validate;
		auxtest_pmu.addr_filters_sync = auxtest_addr_filters_sync;
	}

	debugfs_init();
	ret = perf_pmu_register(&auxtest_pmu, name, -1);
	if (ret) {
		debugfs_remove_recursive(dbg_dir);
		vfree(streams);
		return ret;
	}
	if (cs_etm) {
		ret = cs_cpu_dirs_add();
		if (ret) {
			cs_cpu_dirs_del();
			perf_pmu_unregister(&auxtest_pmu);
			debugfs_remove_recursive(dbg_dir);
			vfree(streams);
			return ret;
		}
		debugfs_create_file("cs_sink", 0444, dbg_dir, NULL, &cs_sink_fops);
	}
	pr_info("auxtest: registered PMU %s type %d\n", name, auxtest_pmu.type);
	return 0;
}

static void __exit auxtest_exit(void)
{
	int cpu;

	cs_cpu_dirs_del();
	perf_pmu_unregister(&auxtest_pmu);
	for_each_possible_cpu(cpu)
		hrtimer_cancel(&per_cpu_ptr(&auxtest_cpus, cpu)->timer);
	debugfs_remove_recursive(dbg_dir);
	vfree(replay_buf);
	vfree(streams);
}

module_init(auxtest_init);
module_exit(auxtest_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("AUX-area test PMU for auxrec's tests");
