// SPDX-License-Identifier: GPL-2.0
/*
 * tp_samples.c - reads a recording's tracepoint samples and the names of
 * their threads (see tp_samples.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/perf_data/perf_data.h"
#include "lib/util/array_grow.h"
#include "thread_map.h"
#include "tp_samples.h"

/* A thread's name changing: a COMM record, or a FORK (the parent's name). */
struct comm_change {
	uint64_t time;
	size_t order;			/* file order */
	int32_t pid, tid, ptid;		/* ptid >= 0: a fork, the name is the parent's */
	char comm[16];
};

struct reading {
	struct tp_samples *ts;
	size_t cap_s;
	size_t *order;			/* file order of each sample */
	size_t cap_order;
	struct comm_change *cc;
	size_t nr_cc, cap_cc;
	uint8_t **raws;			/* owned copies of the raw data */
	size_t nr_raws, cap_raws;
};

/*
 * The fields of a tracepoint sample in perf's order up to RAW. Returns 0,
 * or -EINVAL when the record is short or has fields before RAW that are not
 * handled (READ).
 */
static int parse_sample(const struct perf_event_header *h, uint64_t type, struct tp_sample *s)
{
	const uint8_t *p = (const uint8_t *)(h + 1), *end = (const uint8_t *)h + h->size;
	uint64_t nr;
	uint32_t u32[2];

#define TAKE(dst, n) do {						\
		if ((size_t)(end - p) < (n))				\
			return -EINVAL;					\
		memcpy((dst), p, (n));					\
		p += (n);						\
	} while (0)
#define SKIP(n) do {							\
		if ((uint64_t)(end - p) < (n))				\
			return -EINVAL;					\
		p += (n);						\
	} while (0)

	s->pid = s->tid = s->cpu = -1;
	if (type & PERF_SAMPLE_IDENTIFIER)
		SKIP(8);
	if (type & PERF_SAMPLE_IP)
		SKIP(8);
	if (type & PERF_SAMPLE_TID) {
		TAKE(u32, 8);
		s->pid = (int32_t)u32[0];
		s->tid = (int32_t)u32[1];
	}
	if (type & PERF_SAMPLE_TIME)
		TAKE(&s->time, 8);
	if (type & PERF_SAMPLE_ADDR)
		SKIP(8);
	if (type & PERF_SAMPLE_ID)
		SKIP(8);
	if (type & PERF_SAMPLE_STREAM_ID)
		SKIP(8);
	if (type & PERF_SAMPLE_CPU) {
		TAKE(u32, 8);
		s->cpu = (int32_t)u32[0];
	}
	if (type & PERF_SAMPLE_PERIOD)
		SKIP(8);
	if (type & PERF_SAMPLE_READ)
		return -EINVAL;
	if (type & PERF_SAMPLE_CALLCHAIN) {
		TAKE(&nr, 8);
		if (nr > (uint64_t)(end - p) / 8)
			return -EINVAL;
		SKIP(nr * 8);
	}
	if (!(type & PERF_SAMPLE_RAW))
		return -EINVAL;
	TAKE(&u32[0], 4);
	if (u32[0] > (size_t)(end - p))
		return -EINVAL;
	s->raw_size = u32[0];
	s->raw = p;
	return 0;
#undef TAKE
#undef SKIP
}

static int add_sample(struct reading *rd, const struct perf_event_header *h, uint32_t attr,
		      uint64_t sample_type, size_t order)
{
	struct tp_samples *ts = rd->ts;
	struct tp_sample s = { .attr = attr };
	uint8_t *raw;

	if (parse_sample(h, sample_type, &s)) {
		ts->skipped++;
		return 0;
	}
	raw = malloc(s.raw_size ? s.raw_size : 1);
	if (!raw || ARRAY_GROW(ts->s, rd->cap_s, ts->nr + 1, 256) ||
	    ARRAY_GROW(rd->order, rd->cap_order, ts->nr + 1, 256) ||
	    ARRAY_GROW(rd->raws, rd->cap_raws, rd->nr_raws + 1, 256)) {
		free(raw);
		return -ENOMEM;
	}
	memcpy(raw, s.raw, s.raw_size);
	s.raw = raw;
	rd->raws[rd->nr_raws++] = raw;
	rd->order[ts->nr] = order;
	ts->s[ts->nr++] = s;
	return 0;
}

static int add_comm_change(struct reading *rd, struct pd_reader *r,
			   const struct perf_event_header *h, size_t order)
{
	struct comm_change c = { .ptid = -1, .order = order };
	struct pd_sample_id sid;

	if (h->type == PERF_RECORD_COMM) {
		const struct perf_rec_comm *rc = (const void *)h;
		size_t room = h->size - sizeof(*rc);

		c.pid = (int32_t)rc->pid;
		c.tid = (int32_t)rc->tid;
		memcpy(c.comm, rc->comm, room < 15 ? room : 15);
		if (!pd_reader_sample_id(r, h, &sid) && (sid.sample_type & PERF_SAMPLE_TIME))
			c.time = sid.time;
	} else {
		const struct perf_rec_fork *rf = (const void *)h;

		c.pid = (int32_t)rf->pid;
		c.tid = (int32_t)rf->tid;
		c.ptid = (int32_t)rf->ptid;
		c.time = rf->time;
	}
	if (ARRAY_GROW(rd->cc, rd->cap_cc, rd->nr_cc + 1, 64))
		return -ENOMEM;
	rd->cc[rd->nr_cc++] = c;
	return 0;
}

/* sorting by (time, file order): samples through their order array */
static struct reading *sort_reading;

static int cmp_sample(const void *a, const void *b)
{
	size_t ia = *(const size_t *)a, ib = *(const size_t *)b;
	const struct tp_sample *sa = &sort_reading->ts->s[ia], *sb = &sort_reading->ts->s[ib];

	if (sa->time != sb->time)
		return sa->time < sb->time ? -1 : 1;
	return sort_reading->order[ia] < sort_reading->order[ib] ? -1 : 1;
}

static int cmp_comm(const void *a, const void *b)
{
	const struct comm_change *ca = a, *cb = b;

	if (ca->time != cb->time)
		return ca->time < cb->time ? -1 : 1;
	return ca->order < cb->order ? -1 : ca->order > cb->order;
}

static bool before(const struct comm_change *c, const struct tp_sample *s, size_t order)
{
	return c->time < s->time || (c->time == s->time && c->order < order);
}

/* Sorts the samples and gives each its thread's name at its time. */
static int sort_and_name(struct reading *rd)
{
	struct tp_samples *ts = rd->ts;
	struct thread_map names = { 0 };
	struct tp_sample *sorted;
	size_t *idx, c = 0;
	int ret = 0;

	idx = malloc((ts->nr ? ts->nr : 1) * sizeof(*idx));
	sorted = malloc((ts->nr ? ts->nr : 1) * sizeof(*sorted));
	if (!idx || !sorted) {
		free(idx);
		free(sorted);
		return -ENOMEM;
	}
	for (size_t i = 0; i < ts->nr; i++)
		idx[i] = i;
	sort_reading = rd;
	qsort(idx, ts->nr, sizeof(*idx), cmp_sample);
	if (rd->nr_cc)	/* none: rd->cc may be NULL, which qsort() may not take */
		qsort(rd->cc, rd->nr_cc, sizeof(*rd->cc), cmp_comm);
	for (size_t i = 0; i < ts->nr && !ret; i++) {
		struct tp_sample *s = &ts->s[idx[i]];
		const char *name;

		for (; c < rd->nr_cc && before(&rd->cc[c], s, rd->order[idx[i]]) && !ret; c++) {
			const struct comm_change *cc = &rd->cc[c];

			/* applied in time order here: the latest is the name at s */
			ret = cc->ptid < 0 ?
			      thread_map_set_comm(&names, cc->tid, cc->pid, cc->comm, sizeof(cc->comm),
						  0) :
			      thread_map_fork(&names, cc->tid, cc->pid, cc->ptid, 0);
		}
		name = thread_map_comm(&names, s->tid);
		memset(s->comm, 0, sizeof(s->comm));
		if (name)
			strncpy(s->comm, name, sizeof(s->comm) - 1);
		sorted[i] = *s;
	}
	sort_reading = NULL;
	if (!ret) {
		free(ts->s);
		ts->s = sorted;
		rd->cap_s = ts->nr;
	} else {
		free(sorted);
	}
	free(idx);
	thread_map_free(&names);
	return ret;
}

static void free_attrs(struct tp_samples *ts)
{
	for (uint32_t i = 0; ts->attr_names && i < ts->nr_attrs; i++)
		free(ts->attr_names[i]);
	free(ts->attr_names);
	free(ts->attr_config);
	ts->attr_names = NULL;
	ts->attr_config = NULL;
	ts->nr_attrs = 0;
}

static int read_attrs(struct tp_samples *ts, struct pd_reader *r, bool *any)
{
	ts->nr_attrs = pd_reader_nr_attrs(r);
	ts->attr_names = calloc(ts->nr_attrs + 1, sizeof(*ts->attr_names));
	ts->attr_config = calloc(ts->nr_attrs + 1, sizeof(*ts->attr_config));
	if (!ts->attr_names || !ts->attr_config)
		return -ENOMEM;
	for (uint32_t i = 0; i < ts->nr_attrs; i++) {
		const struct pd_attr *a = pd_reader_attr(r, i);

		if (a->attr.type != PERF_TYPE_TRACEPOINT)
			continue;
		*any = true;
		ts->attr_config[i] = a->attr.config;
		if (a->name) {
			ts->attr_names[i] = strdup(a->name);
			if (!ts->attr_names[i])
				return -ENOMEM;
		}
	}
	return 0;
}

/* Which attr index a record's attr is; nr_attrs when none. */
static uint32_t attr_index(struct pd_reader *r, const struct pd_attr *a, uint32_t nr)
{
	for (uint32_t i = 0; i < nr; i++)
		if (pd_reader_attr(r, i) == a)
			return i;
	return nr;
}

static int read_records(struct reading *rd, struct pd_reader *r)
{
	struct pd_record rec;
	size_t order = 0;
	int ret;

	/* a damaged file stops here quietly: the decode reports it */
	while ((ret = pd_reader_next(r, &rec)) > 0) {
		const struct perf_event_header *h = rec.hdr;
		const struct pd_attr *a;
		uint32_t i;

		order++;
		/* too short for its type: the decode's pass says it (session.c) */
		if (h->size < perf_record_min_size(h->type))
			continue;
		if (h->type == PERF_RECORD_COMM || h->type == PERF_RECORD_FORK) {
			if (add_comm_change(rd, r, h, order))
				return -ENOMEM;
			continue;
		}
		if (h->type != PERF_RECORD_SAMPLE)
			continue;
		/* not the first event's by default, as pd_reader_attr_of() would have it */
		a = pd_reader_sample_attr(r, h);
		if (!a) {
			rd->ts->no_event++;
			continue;
		}
		if (a->attr.type != PERF_TYPE_TRACEPOINT)
			continue;
		/* pipe mode: the attrs known so far (HEADER_ATTR records come first) */
		i = attr_index(r, a, pd_reader_nr_attrs(r));
		if (i < pd_reader_nr_attrs(r) && add_sample(rd, h, i, a->attr.sample_type, order))
			return -ENOMEM;
	}
	return 0;
}

int tp_samples_read(struct tp_samples *ts, const char *path, char *err, size_t errlen)
{
	struct reading *rd;
	struct pd_reader *r;
	bool any = false, pipe;
	int ret;

	memset(ts, 0, sizeof(*ts));
	ret = pd_reader_open(path, &r, err, errlen);
	if (ret)
		return ret;
	pipe = pd_reader_is_pipe(r);
	rd = calloc(1, sizeof(*rd));
	if (!rd) {
		pd_reader_close(r);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	rd->ts = ts;
	ts->priv = rd;
	ret = read_attrs(ts, r, &any);
	if (!ret && pipe) {
		/* the attrs, their names and the tracing data are records among the samples */
		ret = read_records(rd, r);
		free_attrs(ts);
		if (!ret)
			ret = read_attrs(ts, r, &any);
	}
	for (size_t i = 0; !ret && any && i < pd_reader_nr_features(r); i++) {
		const struct pd_feature *f = pd_reader_feature(r, i);

		if (f->id != HEADER_TRACING_DATA)
			continue;
		if (f->err) {
			ret = f->err;	/* f goes with the reader */
			snprintf(err, errlen, "%s", f->errmsg ? f->errmsg : "bad tracing data");
			pd_reader_close(r);
			return ret;
		}
		ts->tracing_data = malloc(f->size ? f->size : 1);
		if (!ts->tracing_data) {
			ret = -ENOMEM;
			break;
		}
		memcpy(ts->tracing_data, f->data, f->size);
		ts->tracing_data_len = f->size;
	}
	if (!ret && any && !pipe)
		ret = read_records(rd, r);
	if (!any)	/* no tracepoint event: no tracepoint sample was left out */
		ts->no_event = 0;
	if (!ret && ts->nr)
		ret = sort_and_name(rd);
	pd_reader_close(r);
	if (ret)
		snprintf(err, errlen, "%s", strerror(-ret));
	return ret;
}

void tp_samples_free(struct tp_samples *ts)
{
	struct reading *rd = ts->priv;

	if (rd) {
		for (size_t i = 0; i < rd->nr_raws; i++)
			free(rd->raws[i]);
		free(rd->raws);
		free(rd->order);
		free(rd->cc);
		free(rd);
	}
	free_attrs(ts);
	free(ts->s);
	free(ts->tracing_data);
	memset(ts, 0, sizeof(*ts));
}
