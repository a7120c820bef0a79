/* SPDX-License-Identifier: GPL-2.0 */
/*
 * perf_data_int.h - internals shared by the perf.data writer and the
 * feature builders: the growable byte buffer and struct pd_writer.
 */
#ifndef AUXREC_PERF_DATA_INT_H
#define AUXREC_PERF_DATA_INT_H

#include "perf_data.h"

struct pd_buf {
	uint8_t *p;
	size_t len, cap;
	bool oom;		/* an append failed; contents incomplete */
};

void pd_buf_add(struct pd_buf *b, const void *data, size_t len);
void pd_buf_add_u32(struct pd_buf *b, uint32_t v);
void pd_buf_add_u64(struct pd_buf *b, uint64_t v);
/* perf_header_string: u32 length (padded to 64, with NUL), then the bytes */
void pd_buf_add_string(struct pd_buf *b, const char *s);
void pd_buf_free(struct pd_buf *b);

struct pd_wattr {
	struct perf_event_attr attr;
	uint64_t *ids;
	size_t nr_ids, cap_ids;
	char *name;
};

struct pd_pmu_extra {
	uint32_t type;
	char *name;
};

/* Most pieces of a held payload (an AUXTRACE's pieces and its padding). */
#define PD_HELD_IOV	9
/* Held records per flush (also bounded by PD_FLUSH_IOV pieces in all). */
#define PD_HELD_MAX	256
/* Pieces of one flush, one pwritev: IOV_MAX on Linux. */
#define PD_FLUSH_IOV	1024

/* A record whose bytes after its header are written from the caller's memory. */
struct pd_held {
	size_t at;			/* buf offset where its header ends */
	int n;
	struct iovec iov[PD_HELD_IOV];
};

struct pd_writer {
	int fd;
	char *path;
	int error;			/* first write error, sticky */

	uint8_t *buf;			/* records not yet written */
	size_t buf_len, buf_cap;
	struct pd_held held[PD_HELD_MAX];	/* in buf order */
	size_t nr_held;
	size_t held_iov;		/* pieces a flush writes for them */
	uint64_t held_len;		/* bytes of the held pieces */
	uint64_t pos;			/* file offset of buf[0] */
	uint64_t committed;		/* end of the last complete record on disk */

	bool data_started;
	uint64_t data_offset;
	uint64_t front_attr_room;	/* bytes between header and data */
	struct perf_file_section front_attrs;	/* as written by start_data */

	struct pd_wattr *attrs;
	size_t nr_attrs;

	bool auxtrace_info;		/* an AUXTRACE_INFO was written */
	struct pd_aux_index_entry *aux_index;
	size_t nr_aux_index, cap_aux_index;

	char **cmdline;
	int nr_cmdline;

	struct pd_pmu_extra *pmus;
	size_t nr_pmus;

	uint8_t *tracing_data;		/* HEADER_TRACING_DATA, NULL when none */
	size_t tracing_data_len;

	/* executable files seen in MMAP/MMAP2 records, for HEADER_BUILD_ID */
	char **dsos;
	size_t nr_dsos, cap_dsos;	/* cap_dsos: open-addressing table size */
};

/* Builds feature FEAT into b; -ENOENT when there is nothing to say. */
int pd_feature_build(const struct pd_writer *w, unsigned int feat, struct pd_buf *b);
/* Notes the file of an MMAP/MMAP2 record for the build id table. */
void pd_writer_note_mmap(struct pd_writer *w, const struct perf_event_header *hdr);

#endif
