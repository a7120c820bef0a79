// SPDX-License-Identifier: GPL-2.0
/*
 * recording.c - the rules shared by every reader of a recording (see
 * recording.h).
 */
#include "lib/perf_data/perf_records.h"
#include "recording.h"

const char *recording_pmu_name(struct pd_reader *r, uint32_t type)
{
	const struct pd_features *f = pd_reader_features(r);

	for (uint32_t i = 0; f && i < f->nr_pmus; i++)
		if (f->pmus[i].type == type)
			return f->pmus[i].name;
	switch (type) {
	case PERF_TYPE_HARDWARE: return "cpu";
	case PERF_TYPE_SOFTWARE: return "software";
	case PERF_TYPE_TRACEPOINT: return "tracepoint";
	case PERF_TYPE_HW_CACHE: return "hw_cache";
	case PERF_TYPE_BREAKPOINT: return "breakpoint";
	}
	return NULL;
}

const struct decoder_ops *recording_decoder(struct pd_reader *r, uint32_t auxtrace_type,
					    const struct perf_event_attr **aux_attr)
{
	const struct decoder_ops *dec = auxtrace_type ? decoder_find_by_type(auxtrace_type) : NULL;
	const struct perf_event_attr *attr = NULL;

	for (size_t i = 0; i < pd_reader_nr_attrs(r); i++) {
		const struct pd_attr *a = pd_reader_attr(r, i);
		const char *pmu = recording_pmu_name(r, a->attr.type);
		const struct decoder_ops *d = pmu ? decoder_find_by_name(pmu) : NULL;

		if (d && (!dec || d == dec)) {
			dec = d;
			attr = &a->attr;
			break;
		}
	}
	if (!attr && pd_reader_nr_attrs(r))
		attr = &pd_reader_attr(r, 0)->attr;
	if (aux_attr)
		*aux_attr = attr;
	return dec;
}

void recording_aux_rec(struct pd_reader *r, const struct pd_record *rec, struct aux_join_rec *out)
{
	const struct perf_rec_aux *a = (const void *)rec->hdr;
	struct pd_sample_id s;
	bool have = !pd_reader_sample_id(r, rec->hdr, &s);

	*out = (struct aux_join_rec){
		.offset = a->aux_offset,
		.size = a->aux_size,
		.flags = a->flags,
		.cpu = have && (s.sample_type & PERF_SAMPLE_CPU) ? (int64_t)s.cpu : -1,
		.tid = have && (s.sample_type & PERF_SAMPLE_TID) ? (int64_t)(int32_t)s.tid : -1,
		.pid = have && (s.sample_type & PERF_SAMPLE_TID) ? (int64_t)(int32_t)s.pid : -1,
		.time = have && (s.sample_type & PERF_SAMPLE_TIME) ? s.time : 0,
	};
}
