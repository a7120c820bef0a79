// SPDX-License-Identifier: GPL-2.0
/*
 * perf_sample_id.c - the sample_id trailer that the kernel appends to
 * non-sample records when attr.sample_id_all is set (pid/tid, time, id,
 * stream_id, cpu, identifier: in that order, each present when its
 * PERF_SAMPLE_* bit is in sample_type), and the leading fields of
 * PERF_RECORD_SAMPLE (identifier, ip, tid, time, addr, id, stream_id, cpu).
 */
#include <errno.h>
#include <string.h>
#include "perf_data.h"

size_t pd_sample_id_size(uint64_t st)
{
	size_t n = 0;

	n += !!(st & PERF_SAMPLE_TID);
	n += !!(st & PERF_SAMPLE_TIME);
	n += !!(st & PERF_SAMPLE_ID);
	n += !!(st & PERF_SAMPLE_STREAM_ID);
	n += !!(st & PERF_SAMPLE_CPU);
	n += !!(st & PERF_SAMPLE_IDENTIFIER);
	return n * 8;
}

static uint8_t *put_u64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
	return p + 8;
}

static uint8_t *put_u32x2(uint8_t *p, uint32_t a, uint32_t b)
{
	memcpy(p, &a, 4);
	memcpy(p + 4, &b, 4);
	return p + 8;
}

void pd_sample_id_write(void *buf, uint64_t st, const struct pd_sample_id *sid)
{
	uint8_t *p = buf;

	if (st & PERF_SAMPLE_TID)
		p = put_u32x2(p, sid->pid, sid->tid);
	if (st & PERF_SAMPLE_TIME)
		p = put_u64(p, sid->time);
	if (st & PERF_SAMPLE_ID)
		p = put_u64(p, sid->id);
	if (st & PERF_SAMPLE_STREAM_ID)
		p = put_u64(p, sid->stream_id);
	if (st & PERF_SAMPLE_CPU)
		p = put_u32x2(p, sid->cpu, sid->res);
	if (st & PERF_SAMPLE_IDENTIFIER)
		put_u64(p, sid->id);
}

static const uint8_t *get_u64(const uint8_t *p, uint64_t *v)
{
	memcpy(v, p, 8);
	return p + 8;
}

static const uint8_t *get_u32x2(const uint8_t *p, uint32_t *a, uint32_t *b)
{
	memcpy(a, p, 4);
	memcpy(b, p + 4, 4);
	return p + 8;
}

static int parse_sample(const uint8_t *p, size_t size, uint64_t st, struct pd_sample_id *s)
{
	size_t need = sizeof(struct perf_event_header);
	const uint64_t lead = PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_IP | PERF_SAMPLE_TID |
			      PERF_SAMPLE_TIME | PERF_SAMPLE_ADDR | PERF_SAMPLE_ID |
			      PERF_SAMPLE_STREAM_ID | PERF_SAMPLE_CPU;

	need += 8 * __builtin_popcountll(st & lead);
	if (size < need)
		return -EINVAL;
	memset(s, 0, sizeof(*s));
	s->sample_type = st & lead;
	p += sizeof(struct perf_event_header);
	if (st & PERF_SAMPLE_IDENTIFIER)
		p = get_u64(p, &s->id);
	if (st & PERF_SAMPLE_IP)
		p = get_u64(p, &s->ip);
	if (st & PERF_SAMPLE_TID)
		p = get_u32x2(p, &s->pid, &s->tid);
	if (st & PERF_SAMPLE_TIME)
		p = get_u64(p, &s->time);
	if (st & PERF_SAMPLE_ADDR)
		p = get_u64(p, &s->addr);
	if (st & PERF_SAMPLE_ID)
		p = get_u64(p, &s->id);
	if (st & PERF_SAMPLE_STREAM_ID)
		p = get_u64(p, &s->stream_id);
	if (st & PERF_SAMPLE_CPU)
		get_u32x2(p, &s->cpu, &s->res);
	return 0;
}

int pd_sample_id_parse(const void *rec, size_t size, uint32_t type, uint64_t st,
		       struct pd_sample_id *s)
{
	const uint8_t *p;
	size_t n;

	if (type == PERF_RECORD_SAMPLE)
		return parse_sample(rec, size, st, s);
	n = pd_sample_id_size(st);
	if (size < sizeof(struct perf_event_header) + n)
		return -EINVAL;
	memset(s, 0, sizeof(*s));
	s->sample_type = st & (PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_ID |
			       PERF_SAMPLE_STREAM_ID | PERF_SAMPLE_CPU | PERF_SAMPLE_IDENTIFIER);
	p = (const uint8_t *)rec + size - n;
	if (st & PERF_SAMPLE_TID)
		p = get_u32x2(p, &s->pid, &s->tid);
	if (st & PERF_SAMPLE_TIME)
		p = get_u64(p, &s->time);
	if (st & PERF_SAMPLE_ID)
		p = get_u64(p, &s->id);
	if (st & PERF_SAMPLE_STREAM_ID)
		p = get_u64(p, &s->stream_id);
	if (st & PERF_SAMPLE_CPU)
		p = get_u32x2(p, &s->cpu, &s->res);
	if (st & PERF_SAMPLE_IDENTIFIER)
		get_u64(p, &s->id);
	return 0;
}
