// SPDX-License-Identifier: GPL-2.0
/*
 * perf_data_write.c - the perf.data (file mode) writer: creating the file
 * safely, buffered appends of records and AUXTRACE chunks, the auxtrace
 * index, checkpoints, and the final header with its features.
 *
 * Invariant: the next record goes to file offset pos + buf_len + held_len
 * (buf holds small records and the headers of large ones, whose payloads
 * are "held": written from the caller's memory at the next flush, in their
 * place, by one pwritev), and `committed` is the end of the last record
 * known to be completely on disk; the header written by checkpoint/finish
 * never covers more.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include "perf_data_int.h"
#include "lib/util/write_all.h"

#define PD_BUF_SIZE	(1u << 20)
#define PD_ATTR_SLACK	4096	/* room for ids added after the data started */

static int set_err(char *errbuf, size_t errlen, int err, const char *fmt, const char *path)
{
	if (errbuf && errlen)
		snprintf(errbuf, errlen, fmt, path, strerror(-err));
	return err;
}

int pd_writer_create(const char *path, struct pd_writer **out, char *errbuf, size_t errlen)
{
	struct pd_writer *w;
	struct stat st;
	char *old;
	int fd;

	*out = NULL;
	if (lstat(path, &st) == 0) {
		if (S_ISLNK(st.st_mode))
			return set_err(errbuf, errlen, -ELOOP,
				       "%s is a symbolic link; not writing through it (%s)", path);
		if (!S_ISREG(st.st_mode))
			return set_err(errbuf, errlen, -EEXIST,
				       "%s exists and is not a regular file (%s)", path);
		if (asprintf(&old, "%s.old", path) < 0)
			return -ENOMEM;
		if (rename(path, old) < 0) {
			int err = -errno;

			free(old);
			return set_err(errbuf, errlen, err, "cannot rename %s to .old: %s", path);
		}
		free(old);
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		int err = -errno;

		if (err == -ELOOP)
			return set_err(errbuf, errlen, err,
				       "%s is a symbolic link; not writing through it (%s)", path);
		return set_err(errbuf, errlen, err, "cannot create %s: %s", path);
	}
	w = calloc(1, sizeof(*w));
	if (w) {
		w->buf = malloc(PD_BUF_SIZE);
		w->path = strdup(path);
	}
	if (!w || !w->buf || !w->path) {
		if (w) {
			free(w->buf);
			free(w->path);
		}
		free(w);
		close(fd);
		unlink(path);
		return set_err(errbuf, errlen, -ENOMEM, "%s: %s", path);
	}
	w->fd = fd;
	w->buf_cap = PD_BUF_SIZE;
	*out = w;
	return 0;
}

static int grow_ids(struct pd_wattr *a, size_t more)
{
	uint64_t *p;
	size_t cap;

	if (a->nr_ids + more <= a->cap_ids)
		return 0;
	cap = a->cap_ids ? a->cap_ids : 8;
	while (cap < a->nr_ids + more)
		cap *= 2;
	p = realloc(a->ids, cap * sizeof(*p));
	if (!p)
		return -ENOMEM;
	a->ids = p;
	a->cap_ids = cap;
	return 0;
}

int pd_writer_add_ids(struct pd_writer *w, int idx, const uint64_t *ids, size_t nr)
{
	struct pd_wattr *a;

	if (idx < 0 || (size_t)idx >= w->nr_attrs)
		return -EINVAL;
	a = &w->attrs[idx];
	if (grow_ids(a, nr))
		return -ENOMEM;
	if (nr)
		memcpy(a->ids + a->nr_ids, ids, nr * sizeof(*ids));
	a->nr_ids += nr;
	return 0;
}

int pd_writer_add_attr(struct pd_writer *w, const struct perf_event_attr *attr,
		       const uint64_t *ids, size_t nr_ids, const char *name)
{
	struct pd_wattr *a;
	size_t sz = attr->size && attr->size < sizeof(*attr) ? attr->size : sizeof(*attr);

	a = realloc(w->attrs, (w->nr_attrs + 1) * sizeof(*a));
	if (!a)
		return -ENOMEM;
	w->attrs = a;
	a = &w->attrs[w->nr_attrs];
	memset(a, 0, sizeof(*a));
	memcpy(&a->attr, attr, sz);
	a->attr.size = sizeof(a->attr);
	a->name = strdup(name ? name : "");
	if (!a->name)
		return -ENOMEM;
	w->nr_attrs++;
	if (pd_writer_add_ids(w, w->nr_attrs - 1, ids, nr_ids) < 0) {
		free(a->name);
		w->nr_attrs--;
		return -ENOMEM;
	}
	return w->nr_attrs - 1;
}

int pd_writer_set_cmdline(struct pd_writer *w, int argc, char *const argv[])
{
	char **v = calloc(argc + 1, sizeof(*v));

	if (!v)
		return -ENOMEM;
	for (int i = 0; i < argc; i++) {
		v[i] = strdup(argv[i]);
		if (!v[i]) {
			while (i--)
				free(v[i]);
			free(v);
			return -ENOMEM;
		}
	}
	for (int i = 0; i < w->nr_cmdline; i++)
		free(w->cmdline[i]);
	free(w->cmdline);
	w->cmdline = v;
	w->nr_cmdline = argc;
	return 0;
}

int pd_writer_add_pmu_mapping(struct pd_writer *w, uint32_t type, const char *name)
{
	struct pd_pmu_extra *p = realloc(w->pmus, (w->nr_pmus + 1) * sizeof(*p));

	if (!p)
		return -ENOMEM;
	w->pmus = p;
	p[w->nr_pmus].type = type;
	p[w->nr_pmus].name = strdup(name);
	if (!p[w->nr_pmus].name)
		return -ENOMEM;
	w->nr_pmus++;
	return 0;
}

int pd_writer_set_tracing_data(struct pd_writer *w, const void *data, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);

	if (!copy)
		return -ENOMEM;
	memcpy(copy, data, len);
	free(w->tracing_data);
	w->tracing_data = copy;
	w->tracing_data_len = len;
	return 0;
}

int pd_writer_error(const struct pd_writer *w)
{
	return w->error;
}

uint64_t pd_writer_data_size(const struct pd_writer *w)
{
	if (!w->data_started)
		return 0;
	return w->pos + w->buf_len + w->held_len - w->data_offset;
}

const struct perf_event_attr *pd_writer_attr(const struct pd_writer *w, int idx)
{
	return idx >= 0 && (size_t)idx < w->nr_attrs ? &w->attrs[idx].attr : NULL;
}

uint64_t pd_writer_first_id(const struct pd_writer *w, int idx)
{
	return pd_writer_attr(w, idx) && w->attrs[idx].nr_ids ? w->attrs[idx].ids[0] : 0;
}

size_t pd_writer_id_hdr_size(const struct pd_writer *w, int idx)
{
	const struct perf_event_attr *a = pd_writer_attr(w, idx);

	return a && a->sample_id_all ? pd_sample_id_size(a->sample_type) : 0;
}

/* Writes len bytes at off; returns bytes written, *err set on failure. */
static size_t pwrite_all(int fd, const void *p, size_t len, uint64_t off, int *err)
{
	struct iovec v = { .iov_base = (void *)p, .iov_len = len };
	uint64_t done;

	*err = write_all_v(fd, &v, 1, (int64_t)off, &done);
	return done;
}

static uint64_t attr_section_size(const struct pd_writer *w)
{
	uint64_t n = w->nr_attrs * sizeof(struct perf_file_attr);

	for (size_t i = 0; i < w->nr_attrs; i++)
		n += w->attrs[i].nr_ids * sizeof(uint64_t);
	return n;
}

/* The ids of every attr, then the attrs, for placement at BASE. */
static int build_attr_section(const struct pd_writer *w, uint64_t base, struct pd_buf *b)
{
	uint64_t id_off = base;

	for (size_t i = 0; i < w->nr_attrs; i++)
		pd_buf_add(b, w->attrs[i].ids, w->attrs[i].nr_ids * sizeof(uint64_t));
	for (size_t i = 0; i < w->nr_attrs; i++) {
		struct perf_file_attr fa;

		memset(&fa, 0, sizeof(fa));
		fa.attr = w->attrs[i].attr;
		fa.ids.offset = id_off;
		fa.ids.size = w->attrs[i].nr_ids * sizeof(uint64_t);
		id_off += fa.ids.size;
		pd_buf_add(b, &fa, sizeof(fa));
	}
	return b->oom ? -ENOMEM : 0;
}

/* Writes the attr block at BASE; fills the header's attrs section. */
static int write_attrs(struct pd_writer *w, uint64_t base, struct perf_file_header *h)
{
	struct pd_buf b = { 0 };
	int err = build_attr_section(w, base, &b);

	if (!err)
		pwrite_all(w->fd, b.p, b.len, base, &err);
	if (!err) {
		uint64_t ids = b.len - w->nr_attrs * sizeof(struct perf_file_attr);

		h->attrs.offset = base + ids;
		h->attrs.size = w->nr_attrs * sizeof(struct perf_file_attr);
	}
	pd_buf_free(&b);
	return err;
}

static void init_header(struct perf_file_header *h)
{
	memset(h, 0, sizeof(*h));
	h->magic = PERF_MAGIC2;
	h->size = sizeof(*h);
	h->attr_size = sizeof(struct perf_file_attr);
}

static int fail(struct pd_writer *w, int err)
{
	if (!w->error)
		w->error = err;
	return w->error;
}

/* Lays out header and attrs in front of the data (first record). */
static int start_data(struct pd_writer *w)
{
	struct perf_file_header h;
	int err;

	w->front_attr_room = attr_section_size(w) + PD_ATTR_SLACK;
	w->data_offset = sizeof(h) + w->front_attr_room;
	w->pos = w->committed = w->data_offset;
	w->data_started = true;
	init_header(&h);
	err = write_attrs(w, sizeof(h), &h);
	w->front_attrs = h.attrs;
	if (!err) {
		h.data.offset = w->data_offset;
		pwrite_all(w->fd, &h, sizeof(h), 0, &err);
	}
	return err ? fail(w, err) : 0;
}

/* Size of the record at p (AUXTRACE: with its payload). */
static uint64_t buffered_record_size(const uint8_t *p)
{
	struct perf_event_header h;
	uint64_t size;

	memcpy(&h, p, sizeof(h));
	size = h.size;
	if (h.type == PERF_RECORD_AUXTRACE) {
		uint64_t payload;

		memcpy(&payload, p + offsetof(struct perf_rec_auxtrace, size), sizeof(payload));
		size += payload;
	}
	return size;
}

/*
 * Bytes of the pending output [0, done) hold how many bytes of whole
 * records? Records are walked in buf; a held record's bytes in buf end at
 * its entry's `at` (its payload is elsewhere), which is below its end.
 */
static uint64_t whole_records(const struct pd_writer *w, uint64_t done)
{
	uint64_t f = 0;
	size_t b = 0, k = 0;

	while (b + sizeof(struct perf_event_header) <= w->buf_len) {
		uint64_t sz = buffered_record_size(w->buf + b);

		if (sz < sizeof(struct perf_event_header) || f + sz > done)
			break;
		f += sz;
		if (k < w->nr_held && w->held[k].at < b + sz)
			b = w->held[k++].at;
		else
			b += sz;
	}
	return f;
}

/*
 * Writes the buffered records with the held payloads in their places, in
 * one pwritev. On failure `committed` covers the records wholly written.
 */
static int flush(struct pd_writer *w)
{
	struct iovec v[PD_FLUSH_IOV];
	uint64_t done;
	size_t b = 0;
	int nv = 0, err;

	if (w->error)
		return w->error;
	if (!w->buf_len)
		return 0;
	for (size_t k = 0; k < w->nr_held; k++) {
		const struct pd_held *h = &w->held[k];

		v[nv].iov_base = w->buf + b;
		v[nv++].iov_len = h->at - b;
		for (int i = 0; i < h->n; i++)
			if (h->iov[i].iov_len)
				v[nv++] = h->iov[i];
		b = h->at;
	}
	if (b < w->buf_len) {
		v[nv].iov_base = w->buf + b;
		v[nv++].iov_len = w->buf_len - b;
	}
	err = write_all_v(w->fd, v, nv, (int64_t)w->pos, &done);
	if (err) {
		w->committed = w->pos + whole_records(w, done);
		w->nr_held = 0;
		w->held_iov = 0;
		return fail(w, err);
	}
	w->pos += w->buf_len + w->held_len;
	w->committed = w->pos;
	w->buf_len = 0;
	w->nr_held = 0;
	w->held_iov = 0;
	w->held_len = 0;
	return 0;
}

int pd_writer_flush(struct pd_writer *w)
{
	if (!w->data_started && start_data(w))
		return w->error;
	return flush(w);
}

/*
 * Appends a record by reference: iov[0] (its header) is copied, the other
 * pieces are written from where they are at the next flush, which comes
 * before returning unless `hold` (the caller keeps them unchanged until
 * pd_writer_flush()).
 */
static int emit_held(struct pd_writer *w, const struct iovec *iov, int n, size_t total,
		     bool hold)
{
	size_t pieces = 1 + (n - 1);	/* the buffer before it, its pieces */
	struct pd_held *h;

	/* the flush also writes the buffer after the last held record */
	if ((iov[0].iov_len > w->buf_cap - w->buf_len || w->nr_held == PD_HELD_MAX ||
	     w->held_iov + pieces + 1 > PD_FLUSH_IOV) && flush(w))
		return w->error;
	memcpy(w->buf + w->buf_len, iov[0].iov_base, iov[0].iov_len);
	w->buf_len += iov[0].iov_len;
	h = &w->held[w->nr_held++];
	h->at = w->buf_len;
	h->n = n - 1;
	memcpy(h->iov, iov + 1, (n - 1) * sizeof(*iov));
	w->held_iov += pieces;
	w->held_len += total - iov[0].iov_len;
	return hold ? 0 : flush(w);
}

/* Records at least this large (AUX chunks) are written from where they are, not copied. */
#define EMIT_DIRECT_MIN 4096

/* Appends one record made of pieces; copied into the buffer unless large. */
static int emit(struct pd_writer *w, const struct iovec *iov, int n, size_t total, bool hold)
{
	bool by_ref = n > 1 && n - 1 <= PD_HELD_IOV && iov[0].iov_len <= w->buf_cap &&
		      (total >= EMIT_DIRECT_MIN || total > w->buf_cap);

	if (w->error)
		return w->error;
	if (!w->data_started && start_data(w))
		return w->error;
	if (by_ref)
		return emit_held(w, iov, n, total, hold);
	if (total > w->buf_cap)
		return fail(w, -EINVAL);
	if (total > w->buf_cap - w->buf_len && flush(w))
		return w->error;
	for (int i = 0; i < n; i++) {
		if (iov[i].iov_len)
			memcpy(w->buf + w->buf_len, iov[i].iov_base, iov[i].iov_len);
		w->buf_len += iov[i].iov_len;
	}
	return 0;
}

int pd_write_recordv(struct pd_writer *w, const struct iovec *iov, int n)
{
	struct perf_event_header h;
	size_t total = 0;

	for (int i = 0; i < n; i++)
		total += iov[i].iov_len;
	if (n < 1 || iov[0].iov_len < sizeof(h))
		return -EINVAL;
	memcpy(&h, iov[0].iov_base, sizeof(h));
	if (h.size != total || h.type == PERF_RECORD_AUXTRACE)
		return -EINVAL;
	if (h.type == PERF_RECORD_MMAP || h.type == PERF_RECORD_MMAP2) {
		if (n == 1) {
			pd_writer_note_mmap(w, iov[0].iov_base);
		} else {
			uint8_t *tmp = malloc(total);

			if (tmp) {
				size_t at = 0;

				for (int i = 0; i < n; i++) {
					memcpy(tmp + at, iov[i].iov_base, iov[i].iov_len);
					at += iov[i].iov_len;
				}
				pd_writer_note_mmap(w, (const void *)tmp);
				free(tmp);
			}
		}
	}
	return emit(w, iov, n, total, false);
}

int pd_write_record(struct pd_writer *w, const struct perf_event_header *hdr)
{
	struct iovec iov = { (void *)hdr, hdr->size };

	if (hdr->size < sizeof(*hdr))
		return -EINVAL;
	return pd_write_recordv(w, &iov, 1);
}

static int add_index(struct pd_writer *w, uint64_t offset, uint64_t size)
{
	if (w->nr_aux_index == w->cap_aux_index) {
		size_t cap = w->cap_aux_index ? 2 * w->cap_aux_index : 256;
		struct pd_aux_index_entry *p = realloc(w->aux_index, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		w->aux_index = p;
		w->cap_aux_index = cap;
	}
	w->aux_index[w->nr_aux_index].file_offset = offset;
	w->aux_index[w->nr_aux_index].size = size;
	w->nr_aux_index++;
	return 0;
}

#define MAX_AUX_IOV (PD_HELD_IOV - 1)	/* the payload's pieces, then the padding */

int pd_write_auxtrace(struct pd_writer *w, const struct iovec *iov, int n,
		      const struct pd_auxtrace_desc *d)
{
	static const uint8_t zeros[8];
	struct iovec v[MAX_AUX_IOV + 2];
	struct perf_rec_auxtrace ev;
	uint64_t payload = 0, offset;
	size_t pad;
	int err;

	if (n < 0 || n > MAX_AUX_IOV)
		return -EINVAL;
	for (int i = 0; i < n; i++)
		payload += iov[i].iov_len;
	pad = (8 - (payload & 7)) & 7;
	memset(&ev, 0, sizeof(ev));
	ev.header.type = PERF_RECORD_AUXTRACE;
	ev.header.size = sizeof(ev);
	ev.size = payload + pad;
	ev.offset = d->offset;
	ev.reference = d->reference;
	ev.idx = d->idx;
	ev.tid = d->tid;
	ev.cpu = d->cpu;
	v[0].iov_base = &ev;
	v[0].iov_len = sizeof(ev);
	memcpy(v + 1, iov, n * sizeof(*iov));
	v[n + 1].iov_base = (void *)zeros;
	v[n + 1].iov_len = pad;
	if (w->error)
		return w->error;
	if (!w->data_started && start_data(w))
		return w->error;
	offset = w->pos + w->buf_len + w->held_len;
	if (add_index(w, offset, sizeof(ev)))
		return -ENOMEM;
	err = emit(w, v, n + 2, sizeof(ev) + payload + pad, d->hold);
	if (err)
		w->nr_aux_index--;
	return err;
}

int pd_write_auxtrace_info(struct pd_writer *w, uint32_t type, const uint64_t *priv, size_t nr)
{
	struct perf_rec_auxtrace_info ev;
	struct iovec v[2];

	if (nr > (0xffff - sizeof(ev)) / 8)
		return -EINVAL;
	memset(&ev, 0, sizeof(ev));
	ev.header.type = PERF_RECORD_AUXTRACE_INFO;
	ev.header.size = sizeof(ev) + nr * 8;
	ev.type = type;
	v[0].iov_base = &ev;
	v[0].iov_len = sizeof(ev);
	v[1].iov_base = (void *)priv;
	v[1].iov_len = nr * 8;
	w->auxtrace_info = true;
	return emit(w, v, 2, ev.header.size, false);
}

int pd_write_time_conv(struct pd_writer *w, const struct perf_event_mmap_page *pc)
{
	struct perf_rec_time_conv ev;
	struct iovec v = { &ev, sizeof(ev) };
	uint32_t seq;
	int tries = 0;

	memset(&ev, 0, sizeof(ev));
	ev.header.type = PERF_RECORD_TIME_CONV;
	ev.header.size = sizeof(ev);
	do {
		if (++tries > 10000)
			return -EAGAIN;
		seq = __atomic_load_n(&pc->lock, __ATOMIC_ACQUIRE);
		ev.time_shift = pc->time_shift;
		ev.time_mult = pc->time_mult;
		ev.time_zero = pc->time_zero;
		ev.time_cycles = pc->time_cycles;
		ev.time_mask = pc->time_mask;
		ev.cap_user_time_zero = pc->cap_user_time_zero;
		ev.cap_user_time_short = pc->cap_user_time_short;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
	} while ((seq & 1) || __atomic_load_n(&pc->lock, __ATOMIC_RELAXED) != seq);
	if (!ev.cap_user_time_zero)
		return -EOPNOTSUPP;
	return emit(w, &v, 1, sizeof(ev), false);
}

int pd_write_finished_round(struct pd_writer *w)
{
	struct perf_event_header h = { .type = PERF_RECORD_FINISHED_ROUND, .size = sizeof(h) };
	struct iovec v = { &h, sizeof(h) };

	return emit(w, &v, 1, sizeof(h), false);
}

/*
 * The header for a data section ending at `committed`, the attrs in front
 * of the data when they fit there, else at tail_base (after the features;
 * 0: not possible now, keep the block written when the data started).
 */
static int write_header(struct pd_writer *w, uint64_t tail_base, const uint64_t *features)
{
	struct perf_file_header h;
	int err = -ENOSPC;

	init_header(&h);
	if (attr_section_size(w) <= w->front_attr_room)
		err = write_attrs(w, sizeof(h), &h);
	else if (tail_base)
		err = write_attrs(w, tail_base, &h);
	if (err) {
		err = 0;
		h.attrs = w->front_attrs;
	}
	h.data.offset = w->data_offset;
	h.data.size = w->committed - w->data_offset;
	if (features)
		memcpy(h.features, features, sizeof(h.features));
	pwrite_all(w->fd, &h, sizeof(h), 0, &err);
	return err;
}

int pd_writer_checkpoint(struct pd_writer *w)
{
	int err;

	if (!w->data_started && start_data(w))
		return w->error;
	flush(w);
	err = write_header(w, 0, NULL);
	if (err)
		fail(w, err);
	return w->error;
}

static const unsigned int feature_order[] = {
	HEADER_TRACING_DATA, HEADER_BUILD_ID, HEADER_HOSTNAME, HEADER_OSRELEASE, HEADER_VERSION,
	HEADER_ARCH, HEADER_NRCPUS, HEADER_CPUDESC, HEADER_CPUID,
	HEADER_TOTAL_MEM, HEADER_CMDLINE, HEADER_EVENT_DESC, HEADER_CPU_TOPOLOGY,
	HEADER_PMU_MAPPINGS, HEADER_AUXTRACE, HEADER_CLOCKID,
};

/* Table of sections, then every feature; written at `committed`. */
static int write_features(struct pd_writer *w, uint64_t *bits, uint64_t *end)
{
	size_t nfeat = sizeof(feature_order) / sizeof(feature_order[0]);
	struct pd_buf data[sizeof(feature_order) / sizeof(feature_order[0])];
	struct perf_file_section sec[sizeof(feature_order) / sizeof(feature_order[0])];
	struct pd_buf all = { 0 };
	size_t nsec = 0;
	uint64_t off;
	int err = 0;

	memset(data, 0, sizeof(data));
	for (size_t i = 0; i < nfeat; i++) {
		if (pd_feature_build(w, feature_order[i], &data[nsec]) || data[nsec].oom) {
			pd_buf_free(&data[nsec]);
			continue;
		}
		bits[feature_order[i] / 64] |= 1ULL << (feature_order[i] % 64);
		nsec++;
	}
	off = w->committed + nsec * sizeof(struct perf_file_section);
	for (size_t i = 0; i < nsec; i++) {
		sec[i].offset = off;
		sec[i].size = data[i].len;
		off += data[i].len;
	}
	pd_buf_add(&all, sec, nsec * sizeof(sec[0]));
	for (size_t i = 0; i < nsec; i++) {
		pd_buf_add(&all, data[i].p, data[i].len);
		pd_buf_free(&data[i]);
	}
	if (all.oom)
		err = -ENOMEM;
	else
		pwrite_all(w->fd, all.p, all.len, w->committed, &err);
	pd_buf_free(&all);
	*end = off;
	return err;
}

static void free_writer(struct pd_writer *w)
{
	for (size_t i = 0; i < w->nr_attrs; i++) {
		free(w->attrs[i].ids);
		free(w->attrs[i].name);
	}
	free(w->attrs);
	for (int i = 0; i < w->nr_cmdline; i++)
		free(w->cmdline[i]);
	free(w->cmdline);
	for (size_t i = 0; i < w->nr_pmus; i++)
		free(w->pmus[i].name);
	free(w->pmus);
	free(w->tracing_data);
	for (size_t i = 0; i < w->cap_dsos; i++)
		free(w->dsos[i]);
	free(w->dsos);
	free(w->aux_index);
	free(w->buf);
	free(w->path);
	free(w);
}

int pd_writer_finish(struct pd_writer *w)
{
	uint64_t bits[PERF_FEAT_BITS / 64] = { 0 };
	uint64_t end;
	int err;

	if (!w->data_started)
		start_data(w);
	flush(w);
	if (w->error) {
		/* drop the bytes of a partly written record */
		if (ftruncate(w->fd, w->committed) < 0) {
			/* best effort: the header bounds the data anyway */
		}
		/* and the index entries of chunks that did not make it */
		while (w->nr_aux_index &&
		       w->aux_index[w->nr_aux_index - 1].file_offset >= w->committed)
			w->nr_aux_index--;
	}
	err = write_features(w, bits, &end);
	if (err) {
		memset(bits, 0, sizeof(bits));
		end = w->committed;
		if (ftruncate(w->fd, w->committed) < 0) {
			/* best effort: the header bounds the data anyway */
		}
		fail(w, err);
	}
	err = write_header(w, end, bits);
	if (err)
		fail(w, err);	/* the header of the last checkpoint stays */
	if (close(w->fd) < 0)
		fail(w, -errno);
	err = w->error;
	free_writer(w);
	return err;
}
