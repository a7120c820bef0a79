// SPDX-License-Identifier: GPL-2.0
/*
 * auxtest_check: runs inside the test guest.  Opens the auxtest PMU with the
 * raw perf_event_open syscall (per thread or per CPU, optionally inherited),
 * maps the data ring and the AUX area, drains both the way a recorder must,
 * and proves the received trace against the module's ground truth in
 * /sys/kernel/debug/auxtest: bytes received == emitted, pattern sequence
 * gaps == dropped words per stream, AUX record counts and flags (TRUNCATED,
 * PARTIAL, OVERWRITE) == the module's, skipped holes == skipped bytes.
 * Prints "ok NAME" or "not ok NAME: why" (exit 0 or 1); usage errors exit 2.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/perf_event.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DBG		"/sys/kernel/debug/"
#define NSTREAMS	65536
#define SEQ_MASK	((1ULL << 48) - 1)

struct opts {
	const char *name, *pmu, *replay_file, *dump;
	int cpu, inherit, overwrite, partial, replay, once, reenable;
	int expect_drops, expect_no_drops, drain_delay_ms, no_workload, check_rate;
	unsigned long long rate, period_us, skip;
	int aux_pages, data_pages, ms;
};

/* PERF_RECORD_AUX as the uapi header describes it (no struct there) */
struct perf_record_aux {
	struct perf_event_header header;
	uint64_t aux_offset;
	uint64_t aux_size;
	uint64_t flags;
};

struct stream {
	int seen;
	uint64_t first, last, words, gaps;
};

struct state {
	struct perf_event_mmap_page *pc;
	uint8_t *data, *aux;
	uint64_t data_size, aux_size;
	uint64_t received, records, truncated, partial, overwrite, zero_size;
	uint64_t lost, itrace_start, holes, next_off, bad_words;
	int have_off, trunc_pending, replay_cut;
	uint8_t *replay;
	uint64_t replay_len, replay_cmp;
	struct stream *streams;
	FILE *dump;
	char err[512];
};

static struct opts o = {
	.pmu = "auxtest", .cpu = -1, .reenable = 1, .aux_pages = 1024,
	.data_pages = 64, .ms = 500, .name = "auxtest_check",
};
static const char *dbg_dir = DBG "auxtest/";

static void fail(struct state *s, const char *fmt, ...)
{
	va_list ap;

	if (s->err[0])
		return;		/* keep the first reason */
	va_start(ap, fmt);
	vsnprintf(s->err, sizeof(s->err), fmt, ap);
	va_end(ap);
}

static int read_u64(const char *path, unsigned long long *v)
{
	FILE *f = fopen(path, "r");
	int ok;

	if (!f)
		return -1;
	ok = fscanf(f, "%llu", v) == 1;
	fclose(f);
	return ok ? 0 : -1;
}

static unsigned long long counter(const char *name)
{
	char path[256];
	unsigned long long v;

	snprintf(path, sizeof(path), "%s%s", dbg_dir, name);
	if (read_u64(path, &v)) {
		fprintf(stderr, "cannot read %s\n", path);
		exit(1);
	}
	return v;
}

static int write_str(const char *path, const char *str, size_t len)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, str, len);
	close(fd);
	return n == (ssize_t)len ? 0 : -1;
}

static void feed_words(struct state *s, const uint8_t *p, uint64_t len)
{
	uint64_t i;

	if (len % 8) {
		fail(s, "AUX record of %llu bytes is not whole words",
		     (unsigned long long)len);
		return;
	}
	for (i = 0; i < len; i += 8) {
		uint64_t w, seq;
		unsigned int id;
		struct stream *st;

		memcpy(&w, p + i, 8);
		id = w >> 48;
		seq = w & SEQ_MASK;
		st = &s->streams[id];
		if (!id) {
			s->bad_words++;
			fail(s, "word %#llx has stream id 0", (unsigned long long)w);
			continue;
		}
		if (st->seen && seq <= st->last) {
			s->bad_words++;
			fail(s, "stream %u: seq %llu after %llu (duplicate or reordered)",
			     id, (unsigned long long)seq,
			     (unsigned long long)st->last);
			continue;
		}
		if (!st->seen)
			st->first = seq;
		st->gaps += st->seen ? seq - st->last - 1 : seq;
		st->seen = 1;
		st->last = seq;
		st->words++;
	}
}

/* Replayed bytes must be the file's, cycled, until the first truncation. */
static void cmp_replay(struct state *s, const uint8_t *p, uint64_t len)
{
	uint64_t i;

	for (i = 0; i < len; i++, s->replay_cmp++) {
		if (o.once && s->replay_cmp >= s->replay_len) {
			fail(s, "replay once: more bytes than the file holds");
			return;
		}
		if (p[i] != s->replay[s->replay_cmp % s->replay_len]) {
			fail(s, "replay byte %llu differs from the file",
			     (unsigned long long)s->replay_cmp);
			return;
		}
	}
}

/* Copies [off, off + len) of the AUX area (with wrap) and checks it. */
static void take_aux(struct state *s, uint64_t off, uint64_t len)
{
	static uint8_t *tmp;
	static uint64_t cap;
	uint64_t o1 = off % s->aux_size, n1 = len;

	if (len > s->aux_size) {
		fail(s, "AUX record of %llu bytes > AUX area",
		     (unsigned long long)len);
		return;
	}
	if (cap < len) {
		tmp = realloc(tmp, len);
		cap = len;
	}
	if (o1 + len > s->aux_size)
		n1 = s->aux_size - o1;
	memcpy(tmp, s->aux + o1, n1);
	memcpy(tmp + n1, s->aux, len - n1);
	if (s->dump)
		fwrite(tmp, 1, len, s->dump);
	if (!o.replay)
		feed_words(s, tmp, len);
	else if (!s->replay_cut)
		cmp_replay(s, tmp, len);
	s->received += len;
}

static void on_aux(struct state *s, struct perf_record_aux *r)
{
	s->records++;
	if (r->flags & PERF_AUX_FLAG_TRUNCATED) {
		s->truncated++;
		s->trunc_pending = 1;
	}
	if (r->flags & PERF_AUX_FLAG_PARTIAL)
		s->partial++;
	/* data after a truncation no longer lines up with the replay file */
	if (s->truncated > 1 || (s->truncated && !(r->flags & PERF_AUX_FLAG_TRUNCATED)))
		s->replay_cut = 1;
	if (r->flags & PERF_AUX_FLAG_OVERWRITE) {
		s->overwrite++;
		return;	/* snapshot data is read from aux_head at the end */
	}
	if (!r->aux_size)
		s->zero_size++;
	if (s->have_off && r->aux_offset < s->next_off)
		fail(s, "AUX record at %llu overlaps the previous one ending at %llu",
		     (unsigned long long)r->aux_offset,
		     (unsigned long long)s->next_off);
	if (s->have_off)
		s->holes += r->aux_offset - s->next_off;
	else
		s->holes += r->aux_offset;
	s->have_off = 1;
	s->next_off = r->aux_offset + r->aux_size;
	take_aux(s, r->aux_offset, r->aux_size);
	/* the span is consumed: give it back to the kernel */
	__atomic_store_n(&s->pc->aux_tail, s->next_off, __ATOMIC_RELEASE);
}

static void drain(struct state *s)
{
	uint64_t head = __atomic_load_n(&s->pc->data_head, __ATOMIC_ACQUIRE);
	uint64_t tail = s->pc->data_tail;
	union {
		struct perf_event_header h;
		uint8_t b[65536];
	} rec;

	while (tail < head) {
		struct perf_event_header h;
		uint64_t off = tail % s->data_size, n1;

		/* the header itself may wrap */
		for (n1 = 0; n1 < sizeof(h); n1++)
			((uint8_t *)&h)[n1] = s->data[(off + n1) % s->data_size];
		if (h.size < sizeof(h)) {
			fail(s, "bad record size %u", h.size);
			break;
		}
		n1 = h.size;
		if (off + n1 > s->data_size)
			n1 = s->data_size - off;
		memcpy(rec.b, s->data + off, n1);
		memcpy(rec.b + n1, s->data, h.size - n1);
		switch (h.type) {
		case PERF_RECORD_AUX:
			on_aux(s, (struct perf_record_aux *)&rec);
			break;
		case PERF_RECORD_LOST:
			s->lost++;
			break;
		case PERF_RECORD_ITRACE_START:
			s->itrace_start++;
			break;
		}
		tail += h.size;
	}
	__atomic_store_n(&s->pc->data_tail, tail, __ATOMIC_RELEASE);
}

static void spin_until(int go_fd)
{
	char c;

	if (read(go_fd, &c, 1) != 1)
		_exit(1);
	for (;;)
		__asm__ volatile("" ::: "memory");
}

/* Forks the monitored task (and, with --inherit, its child). */
static pid_t start_worker(int *go)
{
	int p[2];
	pid_t pid;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		setpgid(0, 0);	/* so one kill reaches an inherited child too */
		close(p[1]);
		if (o.cpu >= 0) {
			cpu_set_t set;

			CPU_ZERO(&set);
			CPU_SET(o.cpu, &set);
			sched_setaffinity(0, sizeof(set), &set);
		}
		if (o.inherit) {
			char c;

			if (read(p[0], &c, 1) != 1)
				_exit(1);
			/* the event is on now: this child inherits it */
			if (fork() == 0)
				for (;;)
					__asm__ volatile("" ::: "memory");
			for (;;)
				__asm__ volatile("" ::: "memory");
		}
		spin_until(p[0]);
	}
	setpgid(pid, pid);
	close(p[0]);
	*go = p[1];
	return pid;
}

static int pmu_type(const char *pmu)
{
	char path[256];
	unsigned long long t;

	snprintf(path, sizeof(path), "/sys/bus/event_source/devices/%s/type", pmu);
	if (read_u64(path, &t))
		return -1;
	return (int)t;
}

/* Compares the received pattern with the module's per-stream table. */
static void check_streams(struct state *s)
{
	char path[256], line[256];
	unsigned long long id, gen, emit, drop, nstreams = 0;
	FILE *f;
	static char known[NSTREAMS];

	snprintf(path, sizeof(path), "%sstreams", dbg_dir);
	f = fopen(path, "r");
	if (!f) {
		fail(s, "cannot open %s", path);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		struct stream *st;
		uint64_t trailing;

		if (sscanf(line, "%llu %llu %llu %llu", &id, &gen, &emit, &drop) != 4 ||
		    !id || id >= NSTREAMS) {
			fail(s, "bad streams line: %s", line);
			continue;
		}
		nstreams++;
		known[id] = 1;
		st = &s->streams[id];
		if (st->words != emit)
			fail(s, "stream %llu: received %llu words, module emitted %llu",
			     id, (unsigned long long)st->words, emit);
		if (st->seen && st->last >= gen)
			fail(s, "stream %llu: seq %llu beyond generated %llu", id,
			     (unsigned long long)st->last, gen);
		trailing = st->seen ? gen - 1 - st->last : gen;
		if (st->gaps + trailing != drop)
			fail(s, "stream %llu: gaps %llu + trailing %llu != dropped %llu",
			     id, (unsigned long long)st->gaps,
			     (unsigned long long)trailing, drop);
	}
	fclose(f);
	for (id = 1; id < NSTREAMS; id++)
		if (s->streams[id].seen && !known[id])
			fail(s, "stream %llu received but unknown to the module", id);
	if (o.inherit && nstreams < 2)
		fail(s, "inherit: expected >= 2 streams, module has %llu", nstreams);
	printf("# streams %llu\n", nstreams);
}

/*
 * Overwrite mode: the last aux_size bytes before aux_head are the snapshot;
 * one stream's newest words, contiguous, ending at its last generated word.
 */
static void check_snapshot(struct state *s, unsigned long long emitted)
{
	uint64_t head = __atomic_load_n(&s->pc->aux_head, __ATOMIC_ACQUIRE);
	uint64_t len = head < s->aux_size ? head : s->aux_size;
	unsigned long long id, gen = 0, e, d;
	struct stream *st;
	char path[256];
	FILE *f;

	if (head != emitted)
		fail(s, "overwrite: aux_head %llu != emitted %llu",
		     (unsigned long long)head, emitted);
	if (o.replay) {
		/* the snapshot is replay bytes [head - len, head) */
		s->replay_cmp = head - len;
		take_aux(s, head - len, len);
		printf("# snapshot %llu replayed bytes\n", (unsigned long long)len);
		return;
	}
	take_aux(s, head - len, len);
	snprintf(path, sizeof(path), "%sstreams", dbg_dir);
	f = fopen(path, "r");
	if (!f || fscanf(f, "%llu %llu %llu %llu", &id, &gen, &e, &d) != 4 ||
	    !id || id >= NSTREAMS) {
		fail(s, "overwrite: cannot read %s", path);
		if (f)
			fclose(f);
		return;
	}
	fclose(f);
	st = &s->streams[id];
	if (!st->seen || st->words != len / 8)
		fail(s, "overwrite: snapshot of %llu bytes holds %llu words of stream %llu",
		     (unsigned long long)len, (unsigned long long)st->words, id);
	else if (st->last - st->first + 1 != st->words)
		fail(s, "overwrite: snapshot is not contiguous");
	else if (st->last + 1 != gen)
		fail(s, "overwrite: snapshot ends at seq %llu, module generated %llu",
		     (unsigned long long)st->last, gen);
	printf("# snapshot %llu bytes, seq %llu..%llu\n", (unsigned long long)len,
	       (unsigned long long)st->first, (unsigned long long)st->last);
}

static int run(void)
{
	struct perf_event_attr attr;
	struct state s = { 0 };
	long pg = sysconf(_SC_PAGESIZE);
	int fd, type, go = -1;
	pid_t worker = -1;
	unsigned long long emitted, dropped, mrecords, mtrunc, mpartial, skipped;
	struct timespec t0, t, t_end;
	size_t len;
	void *base;

	s.streams = calloc(NSTREAMS, sizeof(*s.streams));
	type = pmu_type(o.pmu);
	if (type < 0) {
		printf("not ok %s: PMU %s not found in sysfs\n", o.name, o.pmu);
		return 1;
	}
	if (write_str(DBG "auxtest/reset", "1", 1)) {
		printf("not ok %s: cannot reset %sreset\n", o.name, dbg_dir);
		return 1;
	}
	if (o.replay_file && o.replay) {
		FILE *f = fopen(o.replay_file, "r");
		int rfd = open(DBG "auxtest/replay", O_WRONLY);
		char buf[65536];
		size_t n;

		if (!f || rfd < 0) {
			printf("not ok %s: cannot load replay data\n", o.name);
			return 1;
		}
		while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
			if (write(rfd, buf, n) != (ssize_t)n) {
				printf("not ok %s: replay write: %s\n", o.name,
				       strerror(errno));
				return 1;
			}
			s.replay = realloc(s.replay, s.replay_len + n);
			memcpy(s.replay + s.replay_len, buf, n);
			s.replay_len += n;
		}
		fclose(f);
		if (!s.replay_len) {
			printf("not ok %s: empty replay file\n", o.name);
			return 1;
		}
		close(rfd);
	}

	memset(&attr, 0, sizeof(attr));
	attr.type = type;
	attr.size = sizeof(attr);
	attr.config = (o.rate & 0xffffffffULL) | (o.period_us & 0xfffff) << 32 |
		      (unsigned long long)o.replay << 56 |
		      (unsigned long long)o.once << 60 |
		      (unsigned long long)o.partial << 61;
	attr.config1 = o.skip;
	attr.disabled = 1;
	attr.inherit = o.inherit;

	if (!o.no_workload && (o.cpu < 0 || o.inherit))
		worker = start_worker(&go);
	if (o.inherit && o.cpu >= 0) {
		/*
		 * Share the CPU with the worker and its child, so that they
		 * are also scheduled in after us and not only after each other
		 * (perf swaps equivalent inherited contexts on a direct switch,
		 * and then the child's own event never runs).
		 */
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(o.cpu, &set);
		sched_setaffinity(0, sizeof(set), &set);
	}
	fd = syscall(SYS_perf_event_open, &attr, worker > 0 ? worker : -1,
		     o.cpu, -1, 0);
	if (fd < 0) {
		printf("not ok %s: perf_event_open: %s\n", o.name, strerror(errno));
		goto kill;
	}
	s.data_size = (uint64_t)o.data_pages * pg;
	len = (1 + o.data_pages) * pg;
	base = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (base == MAP_FAILED) {
		printf("not ok %s: mmap data: %s\n", o.name, strerror(errno));
		goto kill;
	}
	s.pc = base;
	s.data = (uint8_t *)base + pg;
	s.aux_size = (uint64_t)o.aux_pages * pg;
	s.pc->aux_offset = len;
	s.pc->aux_size = s.aux_size;
	s.aux = mmap(NULL, s.aux_size, PROT_READ | (o.overwrite ? 0 : PROT_WRITE),
		     MAP_SHARED, fd, len);
	if (s.aux == MAP_FAILED) {
		printf("not ok %s: mmap AUX: %s\n", o.name, strerror(errno));
		goto kill;
	}
	if (o.dump)
		s.dump = fopen(o.dump, "w");

	ioctl(fd, PERF_EVENT_IOC_ENABLE, 0);
	if (go >= 0 && write(go, "g", 1) != 1)
		fail(&s, "cannot start the worker");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		long el;

		if (o.drain_delay_ms)
			usleep(o.drain_delay_ms * 1000);
		else
			poll(&pfd, 1, 10);
		drain(&s);
		if (s.trunc_pending && o.reenable && !o.overwrite) {
			/* the kernel disabled the event on truncation */
			s.trunc_pending = 0;
			ioctl(fd, PERF_EVENT_IOC_ENABLE, 0);
		}
		clock_gettime(CLOCK_MONOTONIC, &t);
		el = (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
		if (el >= o.ms)
			break;
	}
	/* stop emission synchronously, then take what is left */
	ioctl(fd, PERF_EVENT_IOC_DISABLE, 0);
	clock_gettime(CLOCK_MONOTONIC, &t_end);
	drain(&s);

	emitted = counter("emitted");
	dropped = counter("dropped");
	mrecords = counter("records");
	mtrunc = counter("truncated");
	mpartial = counter("partial");
	skipped = counter("skipped");
	printf("# %s: emitted %llu dropped %llu records %llu/%llu truncated %llu/%llu "
	       "partial %llu skipped %llu holes %llu received %llu itrace_start %llu\n",
	       o.name, emitted, dropped, (unsigned long long)s.records, mrecords,
	       (unsigned long long)s.truncated, mtrunc, mpartial, skipped,
	       (unsigned long long)s.holes, (unsigned long long)s.received,
	       (unsigned long long)s.itrace_start);

	if (s.lost)
		fail(&s, "%llu PERF_RECORD_LOST: data ring too small",
		     (unsigned long long)s.lost);
	if (!s.itrace_start)
		fail(&s, "no PERF_RECORD_ITRACE_START");
	if (s.records != mrecords)
		fail(&s, "AUX records: received %llu, module ended %llu",
		     (unsigned long long)s.records, mrecords);
	if (s.truncated != mtrunc)
		fail(&s, "TRUNCATED records: received %llu, module %llu",
		     (unsigned long long)s.truncated, mtrunc);
	if (!dropped != !mtrunc)
		fail(&s, "dropped %llu bytes but %llu truncated records", dropped,
		     mtrunc);
	if (s.partial != mpartial || (o.partial && s.partial != s.records))
		fail(&s, "PARTIAL records: received %llu of %llu, module %llu",
		     (unsigned long long)s.partial, (unsigned long long)s.records,
		     mpartial);
	if (!emitted)
		fail(&s, "module emitted nothing");
	if (o.overwrite) {
		if (s.overwrite != s.records)
			fail(&s, "overwrite: %llu of %llu records lack OVERWRITE",
			     (unsigned long long)(s.records - s.overwrite),
			     (unsigned long long)s.records);
		if (dropped)
			fail(&s, "overwrite: module dropped %llu bytes", dropped);
		check_snapshot(&s, emitted);
	} else {
		if (s.received != emitted)
			fail(&s, "received %llu bytes, module emitted %llu",
			     (unsigned long long)s.received, emitted);
		if (s.holes != skipped)
			fail(&s, "holes between records %llu != skipped %llu",
			     (unsigned long long)s.holes, skipped);
		if (o.skip && !skipped)
			fail(&s, "skip requested but nothing skipped");
	}
	if (!o.replay && !o.overwrite)
		check_streams(&s);
	else if (o.once && !dropped && s.received != s.replay_len)
		fail(&s, "replay once: received %llu of %llu bytes",
		     (unsigned long long)s.received,
		     (unsigned long long)s.replay_len);
	if (o.check_rate) {
		/*
		 * Enabled the whole time: bytes and ticks follow rate and period.
		 * Bytes are generated at ticks, so a late last tick (a starved
		 * vCPU) costs up to its delay: hence the loose lower bound.
		 */
		double secs = (t_end.tv_sec - t0.tv_sec) + (t_end.tv_nsec - t0.tv_nsec) / 1e9;
		double want = o.rate * secs, got = emitted + dropped;
		double ticks = secs * 1e6 / o.period_us;

		printf("# rate: %.0f bytes in %.3f s, expected %.0f; %llu records, "
		       "expected about %.0f\n", got, secs, want, mrecords, ticks);
		if (got < want * 0.75 - 2.0 * o.rate * o.period_us / 1e6 ||
		    got > want * 1.05)
			fail(&s, "generated %.0f bytes in %.3f s at rate %llu",
			     got, secs, o.rate);
		if (mrecords < ticks * 0.2 || mrecords > ticks * 1.1 + 1)
			fail(&s, "%llu records in %.3f s at period %llu us",
			     mrecords, secs, o.period_us);
	}
	if (o.expect_drops && !dropped)
		fail(&s, "expected drops, module dropped nothing");
	if (o.expect_no_drops && dropped)
		fail(&s, "module dropped %llu bytes", dropped);
	if (s.dump)
		fclose(s.dump);
kill:
	if (worker > 0) {
		kill(-worker, SIGKILL);
		kill(worker, SIGKILL);
		waitpid(worker, NULL, 0);
	}
	if (fd < 0 || s.pc == NULL || s.aux == MAP_FAILED)
		return 1;
	if (s.err[0]) {
		printf("not ok %s: %s\n", o.name, s.err);
		return 1;
	}
	printf("ok %s\n", o.name);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "name", 1, 0, 'n' }, { "pmu", 1, 0, 'P' }, { "cpu", 1, 0, 'c' },
		{ "inherit", 0, 0, 'i' }, { "rate", 1, 0, 'r' },
		{ "period-us", 1, 0, 'p' }, { "replay", 1, 0, 'R' },
		{ "once", 0, 0, 'o' }, { "partial", 0, 0, 'a' },
		{ "skip", 1, 0, 's' }, { "aux-pages", 1, 0, 'A' },
		{ "data-pages", 1, 0, 'D' }, { "overwrite", 0, 0, 'w' },
		{ "ms", 1, 0, 'm' }, { "no-reenable", 0, 0, 'E' },
		{ "expect-drops", 0, 0, 'd' }, { "expect-no-drops", 0, 0, 'N' },
		{ "drain-delay-ms", 1, 0, 'y' }, { "dump", 1, 0, 'u' },
		{ "no-workload", 0, 0, 'W' }, { "check-rate", 0, 0, 'C' }, { 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'n': o.name = optarg; break;
		case 'P': o.pmu = optarg; break;
		case 'c': o.cpu = atoi(optarg); break;
		case 'i': o.inherit = 1; break;
		case 'r': o.rate = strtoull(optarg, NULL, 0); break;
		case 'p': o.period_us = strtoull(optarg, NULL, 0); break;
		case 'R': o.replay = 1; o.replay_file = optarg; break;
		case 'o': o.once = 1; break;
		case 'a': o.partial = 1; break;
		case 's': o.skip = strtoull(optarg, NULL, 0); break;
		case 'A': o.aux_pages = atoi(optarg); break;
		case 'D': o.data_pages = atoi(optarg); break;
		case 'w': o.overwrite = 1; break;
		case 'm': o.ms = atoi(optarg); break;
		case 'E': o.reenable = 0; break;
		case 'd': o.expect_drops = 1; break;
		case 'N': o.expect_no_drops = 1; break;
		case 'y': o.drain_delay_ms = atoi(optarg); break;
		case 'u': o.dump = optarg; break;
		case 'W': o.no_workload = 1; break;
		case 'C': o.check_rate = 1; break;
		default:
			fprintf(stderr, "usage: auxtest_check [--name N] [--pmu P] "
				"[--cpu C] [--inherit] [--rate B/s] [--period-us U] "
				"[--replay FILE [--once]] [--partial] [--skip BYTES] "
				"[--aux-pages N] [--data-pages N] [--overwrite] "
				"[--ms MS] [--no-reenable] [--expect-drops] "
				"[--expect-no-drops] [--drain-delay-ms MS] "
				"[--dump FILE] [--no-workload] [--check-rate]\n");
			return 2;
		}
	}
	if (o.check_rate && (!o.rate || !o.period_us)) {
		fprintf(stderr, "auxtest_check: --check-rate needs --rate and --period-us\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	return run();
}
