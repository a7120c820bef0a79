// SPDX-License-Identifier: GPL-2.0
/*
 * perf_data_read.c - the perf.data reader: file mode (mmapped) and pipe
 * mode (mmapped when a regular file, else streamed from a pipe or stdin).
 *
 * A directory's data.N files are merged in by perf_data_dir.c, COMPRESSED
 * records opened by perf_decomp.c.
 *
 * Framing rules (as perf): records follow each other from the start of the
 * data; a record's size is header.size, except PERF_RECORD_AUXTRACE whose
 * `size` payload bytes follow its header, and in pipe mode
 * PERF_RECORD_HEADER_TRACING_DATA, whose `size` bytes of tracing data
 * (padded to 8) follow it (perf's perf_event__synthesize_tracing_data). Every size is checked against
 * the bytes there are; the first bad record ends the iteration with an
 * error naming its offset, after every record before it was delivered.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "lib/util/mapped_files.h"
#include "perf_data.h"
#include "perf_data_read_int.h"
#include "perf_decomp.h"
#include "lib/util/stdin_spool.h"

#define MAX_AUX_PAYLOAD	(1ULL << 32)	/* streamed AUXTRACE chunks larger are refused */
#define IN_BUF_SIZE	(1 << 16)

struct id_map {
	uint64_t id;
	uint32_t attr;
};

struct pd_reader {
	int fd;
	bool close_fd;
	bool pipe_mode;			/* 16-byte header, attrs/features inline */
	bool stream;			/* not mapped: read() as we go */
	const uint8_t *map;
	uint64_t map_size;
	int map_named;			/* mapped_file_add()'s handle of map */

	struct perf_file_header hdr;
	struct pd_attr *attrs;
	size_t nr_attrs;
	struct id_map *ids;
	size_t nr_ids;

	struct pd_feature *feats;
	size_t nr_feats;
	struct pd_features f;

	uint64_t pos, end;		/* file offsets of the data left */
	uint64_t data_end;		/* as the header says (file mode) */

	int err;
	char errmsg[320];

	uint8_t *rec;			/* 8-aligned copy of the current record */
	size_t rec_cap;
	uint8_t *payload;		/* streamed AUXTRACE payload */
	size_t payload_cap;
	uint8_t in[IN_BUF_SIZE];	/* stream input */
	size_t in_len, in_pos;

	struct pd_decomp *decomp;	/* perf record -z: the file's zstd stream */
	bool in_compressed;		/* handing out a COMPRESSED record's records */
	uint64_t comp_offset;		/* its file offset */

	struct pd_dir *dir;		/* a perf.data directory's data.N files */
	char warning[640];		/* "": none; several joined by "; " */
	bool decomp_warned;		/* the cut compressed record was said */
};

int pd_reader_fail(struct pd_reader *r, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->errmsg, sizeof(r->errmsg), fmt, ap);
	va_end(ap);
	r->err = err;
	return err;
}

/* the reader sets its errors with the name the rest of the file uses */
#define set_error pd_reader_fail

void pd_reader_warn(struct pd_reader *r, const char *fmt, ...)
{
	va_list ap;

	size_t n = strlen(r->warning);

	/* several warnings (a directory's files): all of them, "; " between */
	if (n && n + 3 < sizeof(r->warning)) {
		memcpy(r->warning + n, "; ", 3);
		n += 2;
	}
	if (n + 1 >= sizeof(r->warning))
		return;
	va_start(ap, fmt);
	vsnprintf(r->warning + n, sizeof(r->warning) - n, fmt, ap);
	va_end(ap);
}

const char *pd_reader_warning(const struct pd_reader *r)
{
	return r->warning[0] ? r->warning : NULL;
}

const char *pd_reader_error(const struct pd_reader *r)
{
	return r->errmsg;
}

bool pd_reader_is_pipe(const struct pd_reader *r)
{
	return r->pipe_mode;
}

bool pd_reader_is_dir(const struct pd_reader *r)
{
	return r->dir;
}

const struct perf_file_header *pd_reader_header(const struct pd_reader *r)
{
	return &r->hdr;
}

size_t pd_reader_nr_attrs(const struct pd_reader *r)
{
	return r->nr_attrs;
}

const struct pd_attr *pd_reader_attr(const struct pd_reader *r, size_t i)
{
	return i < r->nr_attrs ? &r->attrs[i] : NULL;
}

size_t pd_reader_nr_features(const struct pd_reader *r)
{
	return r->nr_feats;
}

const struct pd_feature *pd_reader_feature(const struct pd_reader *r, size_t i)
{
	return i < r->nr_feats ? &r->feats[i] : NULL;
}

const struct pd_features *pd_reader_features(const struct pd_reader *r)
{
	return &r->f;
}

/* ---------------------------------------------------------------- ids */

static int cmp_id(const void *a, const void *b)
{
	const struct id_map *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static void sort_ids(struct pd_reader *r)
{
	if (r->nr_ids)
		qsort(r->ids, r->nr_ids, sizeof(*r->ids), cmp_id);
}

static int add_ids(struct pd_reader *r, uint32_t attr, const uint8_t *p, uint64_t nr)
{
	struct id_map *m;

	if (!nr)
		return 0;
	m = realloc(r->ids, (r->nr_ids + nr) * sizeof(*m));
	if (!m)
		return -ENOMEM;
	r->ids = m;
	for (uint64_t i = 0; i < nr; i++) {
		memcpy(&m[r->nr_ids].id, p + 8 * i, 8);
		m[r->nr_ids++].attr = attr;
	}
	sort_ids(r);
	return 0;
}

/* Adds an attr: SZ bytes of attr at p, NR ids at ids. */
static int add_attr(struct pd_reader *r, const uint8_t *p, uint32_t sz,
		    const uint8_t *ids, uint64_t nr)
{
	struct pd_attr *a = realloc(r->attrs, (r->nr_attrs + 1) * sizeof(*a));

	if (!a)
		return -ENOMEM;
	r->attrs = a;
	a += r->nr_attrs;
	memset(a, 0, sizeof(*a));
	memcpy(&a->attr, p, sz < sizeof(a->attr) ? sz : sizeof(a->attr));
	a->file_size = a->attr.size;
	a->ids = malloc(nr ? nr * 8 : 1);
	if (!a->ids)
		return -ENOMEM;
	if (nr)
		memcpy(a->ids, ids, nr * 8);
	a->nr_ids = nr;
	r->nr_attrs++;
	return add_ids(r, r->nr_attrs - 1, ids, nr);
}

static const struct pd_attr *attr_by_id(const struct pd_reader *r, uint64_t id)
{
	size_t lo = 0, hi = r->nr_ids;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (r->ids[mid].id == id)
			return &r->attrs[r->ids[mid].attr];
		if (r->ids[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* strict: NULL for an id that names no attr (perf's evlist__event2evsel()) */
static const struct pd_attr *attr_of(const struct pd_reader *r,
				     const struct perf_event_header *h, bool strict)
{
	const struct pd_attr *first;
	struct pd_sample_id sid;
	const struct pd_attr *a;

	if (!r->nr_attrs)
		return NULL;
	first = &r->attrs[0];
	if (r->nr_attrs == 1)
		return first;
	if (h->type != PERF_RECORD_SAMPLE && !first->attr.sample_id_all)
		return first;
	if (!(first->attr.sample_type & (PERF_SAMPLE_ID | PERF_SAMPLE_IDENTIFIER)))
		return first;
	/* all attrs of a session put the id at the same place (perf checks) */
	if (pd_sample_id_parse(h, h->size, h->type, first->attr.sample_type, &sid))
		return strict ? NULL : first;
	a = attr_by_id(r, sid.id);
	if (a)
		return a;
	return strict && sid.id ? NULL : first;	/* id 0: the first attr's, as perf */
}

const struct pd_attr *pd_reader_attr_of(const struct pd_reader *r,
					const struct perf_event_header *h)
{
	return attr_of(r, h, false);
}

const struct pd_attr *pd_reader_sample_attr(const struct pd_reader *r,
					    const struct perf_event_header *h)
{
	return attr_of(r, h, true);
}

int pd_reader_sample_id(const struct pd_reader *r, const struct perf_event_header *h,
			struct pd_sample_id *sid)
{
	const struct pd_attr *a;

	if (h->type != PERF_RECORD_SAMPLE && !perf_record_has_sample_id(h->type))
		return -ENOENT;
	a = pd_reader_attr_of(r, h);
	if (!a || (h->type != PERF_RECORD_SAMPLE && !a->attr.sample_id_all))
		return -ENOENT;
	if (pd_sample_id_parse(h, h->size, h->type, a->attr.sample_type, sid))
		return -ENOENT;
	return 0;
}

/* ------------------------------------------------------------ features */

static struct pd_feature *add_feature(struct pd_reader *r, unsigned int id,
				      uint64_t offset, uint64_t size, const uint8_t *data)
{
	struct pd_feature *f = realloc(r->feats, (r->nr_feats + 1) * sizeof(*f));

	if (!f)
		return NULL;
	r->feats = f;
	f += r->nr_feats++;
	memset(f, 0, sizeof(*f));
	f->id = id;
	f->offset = offset;
	f->size = size;
	if (data && size) {
		uint8_t *copy = malloc(size);

		if (copy)
			memcpy(copy, data, size);
		f->data = copy;
		if (!copy) {
			f->err = -ENOMEM;
			f->errmsg = strdup("out of memory");
		}
	}
	return f;
}

static void feature_error(struct pd_feature *f, const char *fmt, unsigned long long a,
			  unsigned long long b)
{
	char msg[200];

	snprintf(msg, sizeof(msg), fmt, a, b);
	f->err = -EINVAL;
	if (asprintf(&f->errmsg, "feature %s: %s", perf_feature_name(f->id) ?: "?", msg) < 0)
		f->errmsg = NULL;
}

/* Names attrs after EVENT_DESC: by their first id, else by position. */
static void name_attrs(struct pd_reader *r)
{
	for (uint32_t i = 0; i < r->f.nr_evdesc; i++) {
		const struct pd_event_desc *d = &r->f.evdesc[i];
		struct pd_attr *a = NULL;

		if (!d->name)
			continue;
		if (d->nr_ids)
			a = (struct pd_attr *)attr_by_id(r, d->first_id);
		if (!a && i < r->nr_attrs)
			a = &r->attrs[i];
		if (a && !a->name)
			a->name = strdup(d->name);
	}
}

static void parse_feature(struct pd_reader *r, struct pd_feature *f)
{
	if (!f->err)
		pd_feature_parse(&r->f, f);
	if (f->id == HEADER_EVENT_DESC && !f->err)
		name_attrs(r);
}

static void read_file_features(struct pd_reader *r)
{
	uint64_t table = r->hdr.data.offset + r->hdr.data.size;
	unsigned int n = 0;

	for (unsigned int bit = 1; bit < PERF_FEAT_BITS; bit++) {
		struct perf_file_section s = { 0, 0 };
		struct pd_feature *f;
		bool bad_table;

		if (!(r->hdr.features[bit / 64] & (1ULL << (bit % 64))))
			continue;
		bad_table = table > r->map_size || (r->map_size - table) / 16 <= n;
		if (!bad_table)
			memcpy(&s, r->map + table + 16 * n, sizeof(s));
		n++;
		if (bad_table) {
			f = add_feature(r, bit, table + 16 * (n - 1), 0, NULL);
			if (f)
				feature_error(f, "section table entry at offset %llu is past the "
					      "end of the file (%llu bytes)",
					      table + 16ULL * (n - 1), r->map_size);
			continue;
		}
		if (s.offset > r->map_size || s.size > r->map_size - s.offset) {
			f = add_feature(r, bit, s.offset, s.size, NULL);
			if (f)
				feature_error(f, "section at offset %llu (size %llu) is past "
					      "the end of the file", s.offset, s.size);
			continue;
		}
		f = add_feature(r, bit, s.offset, s.size, r->map + s.offset);
		if (f)
			parse_feature(r, f);
	}
}

/* ----------------------------------------------------------------- open */

static int read_file_attrs(struct pd_reader *r)
{
	const struct perf_file_header *h = &r->hdr;
	uint64_t asz = h->attr_size, nr;

	if (!h->attrs.size)
		return 0;
	if (asz < PERF_ATTR_SIZE_VER0 + 16 || asz > 4096 + 16)
		return set_error(r, -EINVAL, "header attr_size %llu is not a valid attr size "
				 "(offset 16)", (unsigned long long)asz);
	if (h->attrs.offset > r->map_size || h->attrs.size > r->map_size - h->attrs.offset)
		return set_error(r, -EINVAL, "attrs section at offset %llu (size %llu) is past "
				 "the end of the file (%llu bytes)",
				 (unsigned long long)h->attrs.offset,
				 (unsigned long long)h->attrs.size,
				 (unsigned long long)r->map_size);
	if (h->attrs.size % asz)
		return set_error(r, -EINVAL, "attrs section size %llu is not a multiple of "
				 "attr_size %llu", (unsigned long long)h->attrs.size,
				 (unsigned long long)asz);
	nr = h->attrs.size / asz;
	for (uint64_t i = 0; i < nr; i++) {
		uint64_t off = h->attrs.offset + i * asz;
		struct perf_file_section ids;
		uint32_t sz;
		int err;

		memcpy(&sz, r->map + off + offsetof(struct perf_event_attr, size), 4);
		if (!sz)
			sz = PERF_ATTR_SIZE_VER0;
		if (sz < PERF_ATTR_SIZE_VER0 || sz > asz - 16)
			return set_error(r, -EINVAL, "attr %llu at offset %llu: attr.size %u does "
					 "not fit attr_size %llu", (unsigned long long)i,
					 (unsigned long long)off, sz, (unsigned long long)asz);
		memcpy(&ids, r->map + off + asz - 16, sizeof(ids));
		if (ids.offset > r->map_size || ids.size > r->map_size - ids.offset ||
		    ids.size % 8)
			return set_error(r, -EINVAL, "attr %llu at offset %llu: ids section at "
					 "offset %llu (size %llu) is out of range",
					 (unsigned long long)i, (unsigned long long)off,
					 (unsigned long long)ids.offset,
					 (unsigned long long)ids.size);
		err = add_attr(r, r->map + off, sz, r->map + ids.offset, ids.size / 8);
		if (err)
			return set_error(r, err, "out of memory reading attrs");
	}
	return 0;
}

static int check_magic(struct pd_reader *r, uint64_t magic)
{
	if (magic == PERF_MAGIC2)
		return 0;
	if (magic == PERF_MAGIC2_SWAPPED)
		return set_error(r, -ENOTSUP, "byte-swapped (big-endian) perf.data is not "
				 "supported");
	if (!memcmp(&magic, "PERFFILE", 8))
		return set_error(r, -ENOTSUP, "perf.data version 1 (PERFFILE) is not supported");
	return set_error(r, -EINVAL, "not a perf.data file (bad magic at offset 0)");
}

static int open_mapped(struct pd_reader *r)
{
	struct perf_file_header *h = &r->hdr;
	int err;

	if (r->map_size < 16)
		return set_error(r, -EINVAL, "file too short for a perf.data header (%llu bytes)",
				 (unsigned long long)r->map_size);
	memcpy(h, r->map, 16);
	err = check_magic(r, h->magic);
	if (err)
		return err;
	if (h->size == sizeof(struct perf_pipe_file_header)) {
		r->pipe_mode = true;
		r->pos = 16;
		r->end = r->data_end = r->map_size;
		return 0;
	}
	if (h->size < sizeof(*h))
		return set_error(r, -EINVAL, "unsupported header size %llu at offset 8",
				 (unsigned long long)h->size);
	if (r->map_size < sizeof(*h))
		return set_error(r, -EINVAL, "file too short for a perf.data header (%llu bytes)",
				 (unsigned long long)r->map_size);
	memcpy(h, r->map, sizeof(*h));
	err = read_file_attrs(r);
	if (err)
		return err;
	if (h->data.offset > r->map_size || h->data.offset < sizeof(*h) ||
	    h->data.size > UINT64_MAX - h->data.offset)
		return set_error(r, -EINVAL, "data section at offset %llu (size %llu) is out of "
				 "range (file has %llu bytes)",
				 (unsigned long long)h->data.offset,
				 (unsigned long long)h->data.size,
				 (unsigned long long)r->map_size);
	r->pos = h->data.offset;
	r->data_end = h->data.offset + h->data.size;
	/* a recording that was killed before its header was final: read to EOF */
	if (!h->data.size && !h->features[0] && !h->features[1] && !h->features[2] &&
	    !h->features[3])
		r->data_end = r->map_size;
	r->end = r->data_end < r->map_size ? r->data_end : r->map_size;
	read_file_features(r);
	return 0;
}

/* Streams: reads up to n bytes; returns how many (less only at EOF/error). */
static ssize_t stream_read(struct pd_reader *r, void *dst, size_t n)
{
	size_t got = 0;

	while (got < n) {
		size_t avail = r->in_len - r->in_pos;

		if (avail) {
			size_t k = avail < n - got ? avail : n - got;

			memcpy((uint8_t *)dst + got, r->in + r->in_pos, k);
			r->in_pos += k;
			got += k;
			continue;
		}
		if (n - got >= sizeof(r->in)) {
			ssize_t k = read(r->fd, (uint8_t *)dst + got, n - got);

			if (k < 0 && errno == EINTR)
				continue;
			if (k < 0)
				return -errno;
			if (!k)
				break;
			got += k;
			continue;
		}
		{
			ssize_t k = read(r->fd, r->in, sizeof(r->in));

			if (k < 0 && errno == EINTR)
				continue;
			if (k < 0)
				return -errno;
			if (!k)
				break;
			r->in_len = k;
			r->in_pos = 0;
		}
	}
	return got;
}

/* Maps size bytes of fd (a regular file, what names it in messages) into r. */
static int map_fd(struct pd_reader *r, int fd, off_t size, const char *what)
{
	void *m = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);

	if (m == MAP_FAILED)
		return set_error(r, -errno, "cannot map %s: %s", what, strerror(errno));
	r->map = m;
	r->map_size = size;
	r->map_named = mapped_file_add(m, size, what);
	return 0;
}

/*
 * A file-mode perf.data on a piped standard input (cat f.data | auxrec
 * dump -i -): the bytes read so far and the rest of the pipe go to a
 * temporary file that becomes standard input (stdin_spool.h), mapped as a
 * file is. A pipe-mode stream is never spooled: it is read as it comes.
 */
static int spool_file_mode(struct pd_reader *r)
{
	size_t left = r->in_len - r->in_pos, n = 16;	/* magic and size, read */
	uint8_t *head = malloc(n + left);
	struct stat st;
	char err[sizeof(r->errmsg)];
	int ret;

	if (!head)
		return set_error(r, -ENOMEM, "%s", strerror(ENOMEM));
	memcpy(head, &r->hdr, n);
	memcpy(head + n, r->in + r->in_pos, left);
	r->in_len = r->in_pos = 0;
	ret = stdin_spool_after(head, n + left, err, sizeof(err));
	free(head);
	if (ret)
		return set_error(r, ret, "%s", err);
	if (fstat(0, &st) < 0)
		return set_error(r, -errno, "cannot stat its copy: %s", strerror(errno));
	ret = map_fd(r, 0, st.st_size, "its copy");
	if (ret)
		return ret;
	r->stream = false;
	return open_mapped(r);
}

static int open_stream(struct pd_reader *r)
{
	ssize_t n = stream_read(r, &r->hdr, 16);

	if (n < 0)
		return set_error(r, n, "read error: %s", strerror(-n));
	if (n < 16)
		return set_error(r, -EINVAL, "input too short for a perf.data header (%zd bytes)",
				 n);
	if (check_magic(r, r->hdr.magic))
		return r->err;
	if (r->hdr.size != 16) {
		if (r->close_fd)	/* a FIFO named by path: not ours to replace */
			return set_error(r, -ENOTSUP, "a file-mode perf.data cannot be read "
					 "from a pipe; give it as a file (-i FILE)");
		return spool_file_mode(r);
	}
	r->pipe_mode = true;
	r->pos = 16;
	r->end = r->data_end = UINT64_MAX;
	return 0;
}

/* Opens PATH into r: mapped, or streamed. *opened: the open() worked. */
static int open_path(struct pd_reader *r, const char *path, bool *opened)
{
	struct stat st;

	*opened = false;
	if (!strcmp(path, "-")) {
		r->fd = 0;
	} else {
		r->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (r->fd < 0)
			return set_error(r, -errno, "cannot open %s: %s", path, strerror(errno));
		r->close_fd = true;
	}
	*opened = true;
	if (fstat(r->fd, &st) < 0)
		return set_error(r, -errno, "cannot stat %s: %s", path, strerror(errno));
	if (S_ISREG(st.st_mode) && st.st_size > 0)
		return map_fd(r, r->fd, st.st_size, path);
	/* pd_reader_open() puts the file's name before these */
	if (S_ISDIR(st.st_mode))
		return set_error(r, -EISDIR, "a directory");
	if (S_ISREG(st.st_mode))
		return set_error(r, -ENODATA, "the file is empty");
	r->stream = true;
	return 0;
}

/* A perf.data directory: its `data` is open in r; now the data.N files. */
static int open_dir(struct pd_reader *r, const char *path)
{
	char err[sizeof(r->errmsg)];
	int ret;

	if (r->f.dir_version != PERF_DIR_VERSION)
		return set_error(r, -ENOTSUP, "directory format version %llu is not supported "
				 "(feature dir_format; known: %d)",
				 (unsigned long long)r->f.dir_version, PERF_DIR_VERSION);
	ret = pd_dir_open(path, r, &r->dir, err, sizeof(err));
	if (ret)
		return set_error(r, ret, "%s", err);
	return 0;
}

int pd_reader_open(const char *path, struct pd_reader **out, char *errbuf, size_t errlen)
{
	struct pd_reader *r = calloc(1, sizeof(*r));
	const char *file = path;
	char data[4096];
	struct stat st;
	bool opened, no_data;
	int err;

	*out = NULL;
	if (!r)
		return -ENOMEM;
	/* perf record --threads: PATH/data holds the header */
	if (strcmp(path, "-") && !stat(path, &st) && S_ISDIR(st.st_mode)) {
		snprintf(data, sizeof(data), "%s/data", path);
		file = data;
	}
	err = open_path(r, file, &opened);
	no_data = err == -ENOENT && file != path;
	if (no_data)
		set_error(r, err, "a directory without the data file of perf record --threads");
	if (!err)
		err = r->stream ? open_stream(r) : open_mapped(r);
	if (!err && file != path && r->f.dir_version)
		err = open_dir(r, path);
	if (err) {
		/* "cannot open FILE: ..." names it already */
		if (errbuf && !opened && !no_data)
			snprintf(errbuf, errlen, "%s", r->errmsg);
		else if (errbuf)
			snprintf(errbuf, errlen, "%s: %s", !strcmp(path, "-") ? "standard input" :
				 no_data ? path : file, r->errmsg);
		pd_reader_close(r);
		return err == -ENODATA ? -EINVAL : err;
	}
	*out = r;
	return 0;
}

int pd_reader_open_records(const char *path, const struct pd_reader *main,
			   struct pd_reader **out, char *errbuf, size_t errlen)
{
	struct pd_reader *r = calloc(1, sizeof(*r));
	bool opened;
	int err;

	*out = NULL;
	if (!r)
		return -ENOMEM;
	err = open_path(r, path, &opened);
	if (!err && r->stream)
		err = set_error(r, -EINVAL, "%s is not a regular file", path);
	if (err) {
		snprintf(errbuf, errlen, "%s", r->errmsg);
		pd_reader_close(r);
		return err;
	}
	r->hdr = main->hdr;
	r->pos = 0;
	r->end = r->data_end = r->map_size;
	r->f.compressed = main->f.compressed;
	r->f.comp_type = main->f.comp_type;
	r->f.comp_mmap_len = main->f.comp_mmap_len;
	*out = r;
	return 0;
}

void pd_reader_close(struct pd_reader *r)
{
	if (!r)
		return;
	if (r->map) {
		mapped_file_remove(r->map_named);
		munmap((void *)r->map, r->map_size);
	}
	if (r->close_fd)
		close(r->fd);
	for (size_t i = 0; i < r->nr_attrs; i++) {
		free(r->attrs[i].ids);
		free(r->attrs[i].name);
	}
	free(r->attrs);
	free(r->ids);
	for (size_t i = 0; i < r->nr_feats; i++) {
		free((void *)r->feats[i].data);
		free(r->feats[i].errmsg);
	}
	free(r->feats);
	pd_features_free(&r->f);
	free(r->rec);
	free(r->payload);
	pd_decomp_free(r->decomp);
	pd_dir_free(r->dir);
	free(r);
}

/* -------------------------------------------------------------- records */

static int grow(uint8_t **p, size_t *cap, uint64_t need)
{
	uint8_t *n;
	size_t c = *cap ? *cap : 4096;

	if (need <= *cap)
		return 0;
	while (c < need)
		c *= 2;
	n = realloc(*p, c);	/* malloc alignment is enough for u64 */
	if (!n)
		return -ENOMEM;
	*p = n;
	*cap = c;
	return 0;
}

/* Pipe mode: attrs and features come as records. */
static int absorb(struct pd_reader *r, const struct pd_record *rec)
{
	const struct perf_event_header *h = rec->hdr;
	const uint8_t *p = (const uint8_t *)h;

	if (h->type == PERF_RECORD_HEADER_ATTR) {
		uint32_t sz;

		if (h->size < 8 + PERF_ATTR_SIZE_VER0)
			return set_error(r, -EINVAL, "HEADER_ATTR record at offset %llu too short "
					 "(%u bytes)", (unsigned long long)rec->offset, h->size);
		memcpy(&sz, p + 8 + offsetof(struct perf_event_attr, size), 4);
		if (!sz)
			sz = PERF_ATTR_SIZE_VER0;
		if (sz < PERF_ATTR_SIZE_VER0 || sz > h->size - 8u || (h->size - 8u - sz) % 8)
			return set_error(r, -EINVAL, "HEADER_ATTR record at offset %llu: attr.size "
					 "%u does not fit the record (%u bytes)",
					 (unsigned long long)rec->offset, sz, h->size);
		if (add_attr(r, p + 8, sz, p + 8 + sz, (h->size - 8u - sz) / 8))
			return set_error(r, -ENOMEM, "out of memory");
	} else if (h->type == PERF_RECORD_HEADER_FEATURE) {
		struct pd_feature *f;
		uint64_t id;

		if (h->size < 16)
			return set_error(r, -EINVAL, "HEADER_FEATURE record at offset %llu too "
					 "short (%u bytes)", (unsigned long long)rec->offset,
					 h->size);
		memcpy(&id, p + 8, 8);
		if (id == 0 || id >= HEADER_LAST_FEATURE)
			return 0;	/* perf ends the list with HEADER_LAST_FEATURE */
		f = add_feature(r, id, rec->offset + 16, h->size - 16, p + 16);
		if (!f)
			return set_error(r, -ENOMEM, "out of memory");
		parse_feature(r, f);
	} else if (h->type == PERF_RECORD_HEADER_TRACING_DATA) {
		/* the tracing data feature of a file, here as a record and its payload */
		struct pd_feature *f = add_feature(r, HEADER_TRACING_DATA, rec->payload_offset,
						   rec->payload_size, rec->payload);

		if (!f)
			return set_error(r, -ENOMEM, "out of memory");
		parse_feature(r, f);
	}
	return 0;
}

/* Whether records of type follow their header with a payload (see the top). */
static bool has_payload(const struct pd_reader *r, uint32_t type)
{
	return type == PERF_RECORD_AUXTRACE ||
	       (r->pipe_mode && type == PERF_RECORD_HEADER_TRACING_DATA);
}

static const char *payload_record_name(uint32_t type)
{
	return type == PERF_RECORD_AUXTRACE ? "AUXTRACE" : "TRACING_DATA";
}

/*
 * The payload size of record p (has_payload()) at offset: 0, or -EINVAL
 * (set as the error) when the record is too short to hold it.
 */
static int payload_size(struct pd_reader *r, const uint8_t *p, uint64_t offset, uint64_t *sz)
{
	const struct perf_event_header *h = (const void *)p;
	size_t need = h->type == PERF_RECORD_AUXTRACE ? sizeof(struct perf_rec_auxtrace) : 12;
	uint32_t sz32;

	if (h->size < need)
		return set_error(r, -EINVAL, "%s at offset %llu has size %u, less than its "
				 "%zu-byte header", payload_record_name(h->type),
				 (unsigned long long)offset, h->size, need);
	if (h->type == PERF_RECORD_AUXTRACE) {
		memcpy(sz, p + offsetof(struct perf_rec_auxtrace, size), 8);
	} else {
		memcpy(&sz32, p + 8, 4);
		*sz = sz32;
	}
	return 0;
}

static int next_mapped(struct pd_reader *r, struct pd_record *rec)
{
	struct perf_event_header h;
	uint64_t left = r->end - r->pos;
	const uint8_t *p = r->map + r->pos;

	if (left < sizeof(h))
		return set_error(r, -EINVAL, "truncated record header at offset %llu "
				 "(%llu bytes left)", (unsigned long long)r->pos,
				 (unsigned long long)left);
	memcpy(&h, p, sizeof(h));
	if (h.size < sizeof(h))
		return set_error(r, -EINVAL, "record at offset %llu (type %u) has size %u, "
				 "less than its header", (unsigned long long)r->pos, h.type,
				 h.size);
	if (h.size > left)
		return set_error(r, -EINVAL, "record at offset %llu (type %u, size %u) extends "
				 "past the end of the data at %llu", (unsigned long long)r->pos,
				 h.type, h.size, (unsigned long long)r->end);
	if ((uintptr_t)p & 7) {
		if (grow(&r->rec, &r->rec_cap, h.size))
			return set_error(r, -ENOMEM, "out of memory");
		memcpy(r->rec, p, h.size);
		p = r->rec;
	}
	rec->hdr = (const void *)p;
	rec->offset = r->pos;
	r->pos += h.size;
	if (has_payload(r, h.type)) {
		uint64_t sz = 0;

		if (payload_size(r, p, rec->offset, &sz))
			return r->err;
		if (sz > r->end - r->pos)
			return set_error(r, -EINVAL, "%s at offset %llu: payload of %llu "
					 "bytes extends past the end of the data at %llu",
					 payload_record_name(h.type), (unsigned long long)rec->offset,
					 (unsigned long long)sz, (unsigned long long)r->end);
		rec->payload = r->map + r->pos;
		rec->payload_mapped = true;
		rec->payload_fd = r->fd;
		rec->payload_size = sz;
		rec->payload_offset = r->pos;
		r->pos += sz;
	}
	return 1;
}

static int next_streamed(struct pd_reader *r, struct pd_record *rec)
{
	struct perf_event_header h;
	ssize_t n;

	n = stream_read(r, &h, sizeof(h));
	if (n == 0)
		return 0;
	if (n < 0)
		return set_error(r, n, "read error at offset %llu: %s",
				 (unsigned long long)r->pos, strerror(-n));
	if (n < (ssize_t)sizeof(h))
		return set_error(r, -EINVAL, "truncated record header at offset %llu",
				 (unsigned long long)r->pos);
	if (h.size < sizeof(h))
		return set_error(r, -EINVAL, "record at offset %llu (type %u) has size %u, "
				 "less than its header", (unsigned long long)r->pos, h.type,
				 h.size);
	if (grow(&r->rec, &r->rec_cap, h.size))
		return set_error(r, -ENOMEM, "out of memory");
	memcpy(r->rec, &h, sizeof(h));
	n = stream_read(r, r->rec + sizeof(h), h.size - sizeof(h));
	if (n != (ssize_t)(h.size - sizeof(h)))
		return set_error(r, -EINVAL, "record at offset %llu (type %u, size %u) is "
				 "truncated by the end of the input", (unsigned long long)r->pos,
				 h.type, h.size);
	rec->hdr = (const void *)r->rec;
	rec->offset = r->pos;
	r->pos += h.size;
	if (has_payload(r, h.type)) {
		const char *name = payload_record_name(h.type);
		uint64_t sz = 0, got = 0;

		if (payload_size(r, r->rec, rec->offset, &sz))
			return r->err;
		if (sz > MAX_AUX_PAYLOAD)
			return set_error(r, -EFBIG, "%s at offset %llu: payload of %llu "
					 "bytes is too large", name, (unsigned long long)rec->offset,
					 (unsigned long long)sz);
		/* grow as bytes arrive, so a lying size cannot allocate much */
		while (got < sz) {
			uint64_t step = sz - got < (1 << 20) ? sz - got : (1 << 20);

			if (grow(&r->payload, &r->payload_cap, got + step))
				return set_error(r, -ENOMEM, "out of memory");
			n = stream_read(r, r->payload + got, step);
			if (n < 0 || (uint64_t)n != step)
				return set_error(r, -EINVAL, "%s at offset %llu: payload of "
						 "%llu bytes is truncated by the end of the input",
						 name, (unsigned long long)rec->offset,
						 (unsigned long long)sz);
			got += step;
		}
		rec->payload = r->payload;
		rec->payload_mapped = false;
		rec->payload_fd = -1;
		rec->payload_size = sz;
		rec->payload_offset = r->pos;
		r->pos += sz;
	}
	return 1;
}

/* Starts on the records inside a COMPRESSED/COMPRESSED2 record. */
static int start_compressed(struct pd_reader *r, const struct pd_record *rec)
{
	char err[256];

	if (r->f.compressed && r->f.comp_type != PERF_COMP_ZSTD)
		return set_error(r, -ENOTSUP, "COMPRESSED record at offset %llu: compression "
				 "type %u is not zstd (feature compressed)",
				 (unsigned long long)rec->offset, r->f.comp_type);
	if (!r->decomp) {
		r->decomp = pd_decomp_new();
		if (!r->decomp)
			return set_error(r, -ENOMEM, "out of memory");
	}
	if (pd_decomp_feed(r->decomp, rec->hdr, rec->offset, r->f.comp_mmap_len, err,
			   sizeof(err)))
		return set_error(r, -EINVAL, "%s", err);
	r->in_compressed = true;
	r->comp_offset = rec->offset;
	return 0;
}

/* The next record inside the current COMPRESSED record: 1, 0 (no more), -errno. */
static int next_compressed(struct pd_reader *r, struct pd_record *rec)
{
	const struct perf_event_header *h;
	char err[256];
	int ret = pd_decomp_next(r->decomp, &h, err, sizeof(err));

	if (ret < 0)
		return set_error(r, ret, "%s", err);
	if (!ret) {
		r->in_compressed = false;
		return 0;
	}
	if (h->type == PERF_RECORD_AUXTRACE || h->type == PERF_RECORD_COMPRESSED ||
	    h->type == PERF_RECORD_COMPRESSED2)
		return set_error(r, -EINVAL, "COMPRESSED record at offset %llu holds a record "
				 "of type %u, which perf never compresses",
				 (unsigned long long)r->comp_offset, h->type);
	rec->hdr = h;
	rec->offset = r->comp_offset;
	rec->compressed = true;
	return 1;
}

/* The next record of the file, the records inside COMPRESSED ones included. */
static int next_record(struct pd_reader *r, struct pd_record *rec)
{
	int ret;

	if (r->in_compressed) {
		ret = next_compressed(r, rec);
		if (ret)
			return ret;
	}
	if (r->stream) {
		ret = next_streamed(r, rec);
	} else if (r->pos >= r->end) {
		if (r->data_end > r->map_size)
			return set_error(r, -EINVAL, "file truncated: the data section ends at "
					 "%llu but the file has %llu bytes",
					 (unsigned long long)r->data_end,
					 (unsigned long long)r->map_size);
		ret = 0;
	} else {
		ret = next_mapped(r, rec);
	}
	/*
	 * A record cut by the end of the compressed data: perf's reader keeps
	 * it for a next COMPRESSED record (tool.c decomp_last) and so drops
	 * it silently at the end; here it is said, and the reading goes on.
	 */
	if (!ret && r->decomp && pd_decomp_pending(r->decomp) && !r->decomp_warned) {
		r->decomp_warned = true;
		pd_reader_warn(r, "the compressed data end inside a record: %zu bytes after "
			       "the COMPRESSED record at offset %llu were dropped (perf drops "
			       "them too)", pd_decomp_pending(r->decomp),
			       (unsigned long long)r->comp_offset);
	}
	if (ret <= 0)
		return ret;
	if ((rec->hdr->type == PERF_RECORD_COMPRESSED ||
	     rec->hdr->type == PERF_RECORD_COMPRESSED2) && start_compressed(r, rec))
		return r->err;
	return 1;
}

int pd_reader_next_file(struct pd_reader *r, struct pd_record *rec)
{
	if (r->err)
		return r->err;
	memset(rec, 0, sizeof(*rec));
	return next_record(r, rec);
}

int pd_reader_next(struct pd_reader *r, struct pd_record *rec)
{
	int ret;

	if (r->err)
		return r->err;
	memset(rec, 0, sizeof(*rec));
	ret = r->dir ? pd_dir_next(r->dir, rec) : next_record(r, rec);
	if (ret <= 0)
		return ret;
	if (rec->hdr->type == PERF_RECORD_AUXTRACE &&
	    rec->hdr->size < sizeof(struct perf_rec_auxtrace))
		return set_error(r, -EINVAL, "AUXTRACE at offset %llu has size %u, less than "
				 "its %zu-byte header", (unsigned long long)rec->offset,
				 rec->hdr->size, sizeof(struct perf_rec_auxtrace));
	if (r->pipe_mode && absorb(r, rec))
		return r->err;
	return 1;
}
