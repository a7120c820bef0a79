// SPDX-License-Identifier: GPL-2.0
/*
 * perf_features_read.c - decoding perf.data header features (strings,
 * nrcpus, total_mem, cmdline, event_desc, cpu_topology, pmu_mappings,
 * build ids, the auxtrace index, clockid, sample_time, compressed,
 * dir_format) from untrusted bytes:
 * every count is checked against the bytes left before anything is
 * allocated, and a bad feature is reported with its file offset.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tracing_data.h"
#include "perf_data.h"

struct cur {
	const uint8_t *p;
	size_t n, off;
	const char *bad;	/* what was short or wrong */
	size_t bad_off;
};

static bool need(struct cur *c, size_t n, const char *what)
{
	if (c->bad)
		return false;
	if (n > c->n - c->off) {
		c->bad = what;
		c->bad_off = c->off;
		return false;
	}
	return true;
}

static uint32_t get_u32(struct cur *c, const char *what)
{
	uint32_t v = 0;

	if (need(c, 4, what)) {
		memcpy(&v, c->p + c->off, 4);
		c->off += 4;
	}
	return v;
}

static uint64_t get_u64(struct cur *c, const char *what)
{
	uint64_t v = 0;

	if (need(c, 8, what)) {
		memcpy(&v, c->p + c->off, 8);
		c->off += 8;
	}
	return v;
}

/* perf_header_string: u32 len, then len bytes (NUL-padded). */
static char *get_string(struct cur *c, const char *what)
{
	uint32_t len = get_u32(c, what);
	char *s;

	if (!need(c, len, what))
		return NULL;
	s = strndup((const char *)c->p + c->off, len);
	if (!s) {
		c->bad = "out of memory";
		return NULL;
	}
	c->off += len;
	return s;
}

/* A count of items of at least min_size bytes each. */
static bool count_ok(struct cur *c, uint64_t nr, size_t min_size, const char *what)
{
	if (c->bad)
		return false;
	if (nr > (c->n - c->off) / min_size) {
		c->bad = what;
		c->bad_off = c->off;
		return false;
	}
	return true;
}

static void get_strlist(struct cur *c, struct pd_strlist *l, const char *what)
{
	uint32_t nr = get_u32(c, what);

	if (!count_ok(c, nr, 4, what))
		return;
	l->s = calloc(nr ? nr : 1, sizeof(*l->s));
	if (!l->s) {
		c->bad = "out of memory";
		return;
	}
	for (l->nr = 0; l->nr < nr && !c->bad; l->nr++)
		l->s[l->nr] = get_string(c, what);
	if (c->bad && l->nr)
		l->nr--;
}

static void strlist_free(struct pd_strlist *l)
{
	for (uint32_t i = 0; i < l->nr; i++)
		free(l->s[i]);
	free(l->s);
	memset(l, 0, sizeof(*l));
}

static void parse_build_ids(struct pd_features *f, struct cur *c)
{
	const size_t fixed = sizeof(struct perf_rec_build_id);

	while (c->off < c->n && !c->bad) {
		struct perf_rec_build_id e;
		struct pd_build_id *b;

		if (!need(c, fixed, "build id entry"))
			return;
		memcpy(&e, c->p + c->off, fixed);
		if (e.header.size < fixed || e.header.size > c->n - c->off) {
			c->bad = "build id entry size";
			c->bad_off = c->off;
			return;
		}
		b = realloc(f->build_ids, (f->nr_build_ids + 1) * sizeof(*b));
		if (!b) {
			c->bad = "out of memory";
			return;
		}
		f->build_ids = b;
		b += f->nr_build_ids;
		b->pid = e.pid;
		b->misc = e.header.misc;
		memcpy(b->id, e.build_id, 20);
		b->size = (e.header.misc & PERF_RECORD_MISC_BUILD_ID_SIZE) && e.size <= 20 ?
			  e.size : 20;
		b->filename = strndup((const char *)c->p + c->off + fixed, e.header.size - fixed);
		if (!b->filename) {
			c->bad = "out of memory";
			return;
		}
		f->nr_build_ids++;
		c->off += e.header.size;
	}
}

static void parse_event_desc(struct pd_features *f, struct cur *c)
{
	uint32_t nr = get_u32(c, "event_desc count");
	uint32_t asz = get_u32(c, "event_desc attr size");

	if (c->bad)
		return;
	if (asz < PERF_ATTR_SIZE_VER0 || asz > 4096) {
		c->bad = "event_desc attr size";
		c->bad_off = c->off - 4;
		return;
	}
	if (!count_ok(c, nr, asz + 8, "event_desc count"))
		return;
	f->evdesc = calloc(nr ? nr : 1, sizeof(*f->evdesc));
	if (!f->evdesc) {
		c->bad = "out of memory";
		return;
	}
	for (uint32_t i = 0; i < nr && !c->bad; i++) {
		struct pd_event_desc *d = &f->evdesc[i];
		struct perf_event_attr a;

		f->nr_evdesc = i + 1;
		if (!need(c, asz, "event_desc attr"))
			return;
		memset(&a, 0, sizeof(a));
		memcpy(&a, c->p + c->off, asz < sizeof(a) ? asz : sizeof(a));
		c->off += asz;
		d->type = a.type;
		d->config = a.config;
		d->nr_ids = get_u32(c, "event_desc id count");
		d->name = get_string(c, "event_desc name");
		if (!count_ok(c, d->nr_ids, 8, "event_desc id count"))
			return;
		if (d->nr_ids)
			memcpy(&d->first_id, c->p + c->off, 8);
		c->off += (size_t)d->nr_ids * 8;
	}
}

static void parse_topology(struct pd_features *f, struct cur *c)
{
	get_strlist(c, &f->sibling_sockets, "cpu_topology sockets");
	get_strlist(c, &f->sibling_threads, "cpu_topology threads");
	if (c->bad || c->off >= c->n || !f->nr_cpus_avail)
		return;
	if (!count_ok(c, f->nr_cpus_avail, 8, "cpu_topology cpu ids"))
		return;
	f->core_id = calloc(f->nr_cpus_avail, sizeof(uint32_t));
	f->socket_id = calloc(f->nr_cpus_avail, sizeof(uint32_t));
	if (!f->core_id || !f->socket_id) {
		c->bad = "out of memory";
		return;
	}
	f->nr_topo_cpus = f->nr_cpus_avail;
	for (uint32_t i = 0; i < f->nr_cpus_avail; i++) {
		f->core_id[i] = get_u32(c, "core id");
		f->socket_id[i] = get_u32(c, "socket id");
	}
	if (c->off < c->n)
		get_strlist(c, &f->sibling_dies, "cpu_topology dies");
	/* die ids follow; not kept */
	c->off = c->n;
}

static void parse_pmu_mappings(struct pd_features *f, struct cur *c)
{
	uint32_t nr = get_u32(c, "pmu_mappings count");

	if (!count_ok(c, nr, 8, "pmu_mappings count"))
		return;
	f->pmus = calloc(nr ? nr : 1, sizeof(*f->pmus));
	if (!f->pmus) {
		c->bad = "out of memory";
		return;
	}
	for (uint32_t i = 0; i < nr && !c->bad; i++) {
		f->pmus[i].type = get_u32(c, "pmu type");
		f->pmus[i].name = get_string(c, "pmu name");
		if (!c->bad)
			f->nr_pmus = i + 1;
	}
}

static void parse_auxtrace(struct pd_features *f, struct cur *c)
{
	uint64_t nr = get_u64(c, "auxtrace index count");

	if (!count_ok(c, nr, sizeof(struct pd_aux_index_entry), "auxtrace index count"))
		return;
	f->aux_index = malloc(nr ? nr * sizeof(*f->aux_index) : 1);
	if (!f->aux_index) {
		c->bad = "out of memory";
		return;
	}
	memcpy(f->aux_index, c->p + c->off, nr * sizeof(*f->aux_index));
	c->off += nr * sizeof(*f->aux_index);
	f->nr_aux_index = nr;
}

/* Checked whole here, so that its users need not; kept as bytes. */
static int parse_tracing_data(struct pd_features *f, struct pd_feature *ft)
{
	struct tracing_data td;
	char why[256];
	int ret = tracing_data_parse(ft->data, ft->size, &td, why, sizeof(why));

	if (!ret) {
		tracing_data_free(&td);
		f->tracing_data = ft->data;
		f->tracing_data_len = ft->size;
		return 0;
	}
	ft->err = ret;
	free(ft->errmsg);
	if (asprintf(&ft->errmsg, "feature %s at offset %llu (size %llu): %s",
		     perf_feature_name(ft->id), (unsigned long long)ft->offset,
		     (unsigned long long)ft->size, ret == -ENOMEM ? "out of memory" : why) < 0)
		ft->errmsg = NULL;
	return ft->err;
}

int pd_feature_parse(struct pd_features *f, struct pd_feature *ft)
{
	struct cur c = { .p = ft->data, .n = ft->size };

	switch (ft->id) {
	case HEADER_HOSTNAME: case HEADER_OSRELEASE: case HEADER_VERSION:
	case HEADER_ARCH: case HEADER_CPUDESC: case HEADER_CPUID:
		free(f->str[ft->id]);
		f->str[ft->id] = get_string(&c, "string");
		break;
	case HEADER_NRCPUS:
		f->nr_cpus_avail = get_u32(&c, "nr_cpus_avail");
		f->nr_cpus_online = get_u32(&c, "nr_cpus_online");
		break;
	case HEADER_TOTAL_MEM:
		f->total_mem = get_u64(&c, "total_mem");
		break;
	case HEADER_CMDLINE:
		strlist_free(&f->cmdline);
		get_strlist(&c, &f->cmdline, "cmdline");
		break;
	case HEADER_BUILD_ID:
		parse_build_ids(f, &c);
		break;
	case HEADER_EVENT_DESC:
		if (!f->evdesc)
			parse_event_desc(f, &c);
		break;
	case HEADER_CPU_TOPOLOGY:
		if (!f->sibling_sockets.s)
			parse_topology(f, &c);
		break;
	case HEADER_PMU_MAPPINGS:
		if (!f->pmus)
			parse_pmu_mappings(f, &c);
		break;
	case HEADER_AUXTRACE:
		if (!f->aux_index)
			parse_auxtrace(f, &c);
		break;
	case HEADER_CLOCKID:
		f->clockid_res_ns = get_u64(&c, "clockid");
		break;
	case HEADER_SAMPLE_TIME:
		f->sample_time[0] = get_u64(&c, "sample_time");
		f->sample_time[1] = get_u64(&c, "sample_time");
		break;
	case HEADER_COMPRESSED:	/* perf header.c write_compressed */
		f->comp_ver = get_u32(&c, "compressed version");
		f->comp_type = get_u32(&c, "compressed type");
		f->comp_level = get_u32(&c, "compressed level");
		f->comp_ratio = get_u32(&c, "compressed ratio");
		f->comp_mmap_len = get_u32(&c, "compressed mmap_len");
		f->compressed = !c.bad;
		break;
	case HEADER_DIR_FORMAT:
		f->dir_version = get_u64(&c, "dir_format version");
		break;
	case HEADER_TRACING_DATA:
		return parse_tracing_data(f, ft);
	default:
		return 0;
	}
	if (!c.bad)
		return 0;
	ft->err = -EINVAL;
	free(ft->errmsg);
	if (asprintf(&ft->errmsg, "feature %s at offset %llu (size %llu): bad %s at offset %llu",
		     perf_feature_name(ft->id), (unsigned long long)ft->offset,
		     (unsigned long long)ft->size, c.bad,
		     (unsigned long long)(ft->offset + c.bad_off)) < 0)
		ft->errmsg = NULL;
	return ft->err;
}

void pd_features_free(struct pd_features *f)
{
	for (int i = 0; i < HEADER_LAST_FEATURE; i++)
		free(f->str[i]);
	strlist_free(&f->cmdline);
	strlist_free(&f->sibling_sockets);
	strlist_free(&f->sibling_threads);
	strlist_free(&f->sibling_dies);
	for (uint32_t i = 0; i < f->nr_build_ids; i++)
		free(f->build_ids[i].filename);
	free(f->build_ids);
	free(f->aux_index);
	for (uint32_t i = 0; i < f->nr_pmus; i++)
		free(f->pmus[i].name);
	free(f->pmus);
	free(f->core_id);
	free(f->socket_id);
	for (uint32_t i = 0; i < f->nr_evdesc; i++)
		free(f->evdesc[i].name);
	free(f->evdesc);
	memset(f, 0, sizeof(*f));
}
