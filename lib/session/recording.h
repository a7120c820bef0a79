/* SPDX-License-Identifier: GPL-2.0 */
/*
 * recording.h - the rules every reader of a recording (the session behind
 * script and report, and dump's listing) applies alike: which PMU an
 * attr's type names, which decoder the recording's AUX data needs, and what
 * a PERF_RECORD_AUX says for joining it to its AUXTRACE chunk.
 */
#ifndef AUXREC_RECORDING_H
#define AUXREC_RECORDING_H

#include <stdint.h>
#include "decoders/decoder.h"
#include "lib/perf_data/perf_data.h"
#include "aux_join.h"

/* The PMU of attr type TYPE: from PMU_MAPPINGS, else perf's generic names; or NULL. */
const char *recording_pmu_name(struct pd_reader *r, uint32_t type);

/*
 * The decoder of the recording's AUX data: the one of its AUXTRACE_INFO
 * type (0: none seen), else the first attr's PMU that has one; NULL when
 * none. *aux_attr (when not NULL) gets the attr of that PMU, else the
 * first attr (NULL in a file without attrs).
 */
const struct decoder_ops *recording_decoder(struct pd_reader *r, uint32_t auxtrace_type,
					    const struct perf_event_attr **aux_attr);

/* A PERF_RECORD_AUX as aux_join takes it: span, flags, and its sample id's cpu, tid, time. */
void recording_aux_rec(struct pd_reader *r, const struct pd_record *rec,
		       struct aux_join_rec *out);

#endif
