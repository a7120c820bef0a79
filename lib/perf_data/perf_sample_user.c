// SPDX-License-Identifier: GPL-2.0
/*
 * perf_sample_user.c - the user register and user stack fields of a
 * PERF_RECORD_SAMPLE (PERF_SAMPLE_REGS_USER, PERF_SAMPLE_STACK_USER), found
 * by walking the fields the kernel writes before them (perf_event.h's
 * order: the leading ids, PERIOD, CALLCHAIN, RAW); a sample that also has
 * READ or BRANCH_STACK is not read (their sizes depend on more of the attr).
 */
#include <errno.h>
#include <string.h>
#include "perf_data.h"

/* Takes n bytes at *p within end: false when they are not there. */
static bool take(const uint8_t **p, const uint8_t *end, size_t n, const uint8_t **at)
{
	if ((size_t)(end - *p) < n)
		return false;
	*at = *p;
	*p += n;
	return true;
}

static bool take_u64(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	const uint8_t *at;

	if (!take(p, end, 8, &at))
		return false;
	memcpy(v, at, 8);
	return true;
}

/* Skips PERIOD, CALLCHAIN and RAW, the fields between the ids and the registers. */
static bool skip_to_regs(const uint8_t **p, const uint8_t *end, uint64_t st)
{
	const uint8_t *at;
	uint64_t n;
	uint32_t raw;

	if ((st & PERF_SAMPLE_PERIOD) && !take(p, end, 8, &at))
		return false;
	if (st & PERF_SAMPLE_CALLCHAIN) {
		if (!take_u64(p, end, &n) || n > (uint64_t)(end - *p) / 8 || !take(p, end, n * 8, &at))
			return false;
	}
	if (st & PERF_SAMPLE_RAW) {
		if (!take(p, end, 4, &at))
			return false;
		memcpy(&raw, at, 4);
		if (!take(p, end, raw, &at))
			return false;
	}
	return true;
}

int pd_sample_user_parse(const void *rec, size_t size, const struct perf_event_attr *attr,
			 struct pd_sample_user *u)
{
	const uint64_t lead = PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_IP | PERF_SAMPLE_TID |
			      PERF_SAMPLE_TIME | PERF_SAMPLE_ADDR | PERF_SAMPLE_ID |
			      PERF_SAMPLE_STREAM_ID | PERF_SAMPLE_CPU;
	uint64_t st = attr->sample_type;
	const uint8_t *p = rec, *end = p + size, *at;

	memset(u, 0, sizeof(*u));
	if (!(st & (PERF_SAMPLE_REGS_USER | PERF_SAMPLE_STACK_USER)))
		return -ENOENT;
	if (st & (PERF_SAMPLE_READ | PERF_SAMPLE_BRANCH_STACK))
		return -EOPNOTSUPP;
	if (!take(&p, end, sizeof(struct perf_event_header) +
				8 * __builtin_popcountll(st & lead), &at) ||
	    !skip_to_regs(&p, end, st))
		return -EINVAL;
	if (st & PERF_SAMPLE_REGS_USER) {
		if (!take_u64(&p, end, &u->abi))
			return -EINVAL;
		if (u->abi) {
			u->mask = attr->sample_regs_user;
			u->nr_regs = (uint32_t)__builtin_popcountll(u->mask);
			if (!take(&p, end, 8 * (size_t)u->nr_regs, &at))
				return -EINVAL;
			u->regs = at;
		}
	}
	if (st & PERF_SAMPLE_STACK_USER) {
		if (!take_u64(&p, end, &u->stack_size))
			return -EINVAL;
		if (u->stack_size) {
			if (u->stack_size > (uint64_t)(end - p) || !take(&p, end, u->stack_size, &at))
				return -EINVAL;
			u->stack = at;
			if (!take_u64(&p, end, &u->dyn_size))
				return -EINVAL;
			if (u->dyn_size > u->stack_size)
				u->dyn_size = u->stack_size;
		}
	}
	return 0;
}

bool pd_sample_user_reg(const struct pd_sample_user *u, unsigned int perf_reg, uint64_t *v)
{
	uint64_t below;

	if (!u->regs || perf_reg >= 64 || !(u->mask & (1ULL << perf_reg)))
		return false;
	below = u->mask & ((1ULL << perf_reg) - 1);
	memcpy(v, u->regs + 8 * (size_t)__builtin_popcountll(below), 8);
	return true;
}
