/* SPDX-License-Identifier: GPL-2.0 */
/*
 * perf_data.h - writing and reading perf.data (PERFILE2).
 *
 * Writer (perf_data_write.c): file mode only, what `perf record -o FILE`
 * writes. Layout: header (104 bytes), the ids of every attr, the attrs
 * (perf_file_attr: attr + ids section), the data records, then the feature
 * section table and the features. The attrs/ids block is written when the
 * data starts (first record, checkpoint or finish) and again at finish; if
 * attrs or ids were added after the data started and no longer fit in front
 * of the data, finish writes them after the features instead (perf reads the
 * attrs wherever the header points).
 * Every write error is sticky and returned as -errno; checkpoint and finish
 * still leave a file perf can read, whose data section covers every record
 * that reached the file completely.
 *
 * Reader (perf_data_read.c): file mode (mmapped when regular) and pipe mode
 * (records PERF_RECORD_HEADER_ATTR / HEADER_FEATURE inline), from a path or
 * "-" for stdin. Nothing is assumed about who wrote the file; every size and
 * offset is checked against the bytes there are, and an error names what is
 * wrong and its file offset (pd_reader_error()).
 */
#ifndef AUXREC_PERF_DATA_H
#define AUXREC_PERF_DATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <linux/perf_event.h>
#include "perf_records.h"

/* ---------------------------------------------------------------- writer */

struct pd_writer;

/* Where an AUX span came from (fields of PERF_RECORD_AUXTRACE). */
struct pd_auxtrace_desc {
	uint64_t offset;	/* offset of the span in the AUX stream */
	uint64_t reference;	/* perf: a TSC or counter; any unique value */
	uint32_t idx;		/* mmap index */
	uint32_t tid;		/* (u32)-1 when per-cpu */
	uint32_t cpu;		/* (u32)-1 when per-thread */
	/*
	 * The bytes may stay unchanged where they are until pd_writer_flush()
	 * returns and go out with the other pending records in one write (a
	 * record under 4 KiB is copied instead). Else they
	 * are written before returning.
	 */
	bool hold;
};

/*
 * Creates PATH (mode 0600, O_EXCL|O_NOFOLLOW) after renaming an existing
 * regular file to PATH.old, like perf. A symlink at PATH is refused.
 * On error returns -errno and, when errbuf is given, a one-line reason.
 */
int pd_writer_create(const char *path, struct pd_writer **out, char *errbuf, size_t errlen);
/*
 * Adds an event: its attr (attr->size 0 is taken as the current size),
 * its sample ids and a name for EVENT_DESC. Returns the attr index (>= 0).
 */
int pd_writer_add_attr(struct pd_writer *w, const struct perf_event_attr *attr,
		       const uint64_t *ids, size_t nr_ids, const char *name);
/* Appends ids to attr IDX (an event opened later, e.g. a new cpu). */
int pd_writer_add_ids(struct pd_writer *w, int idx, const uint64_t *ids, size_t nr_ids);
/* Argument vector for HEADER_CMDLINE (copied). */
int pd_writer_set_cmdline(struct pd_writer *w, int argc, char *const argv[]);
/* A PMU for HEADER_PMU_MAPPINGS in addition to the ones sysfs lists. */
int pd_writer_add_pmu_mapping(struct pd_writer *w, uint32_t type, const char *name);

/*
 * The bytes of HEADER_TRACING_DATA (copied), the formats of the recording's
 * tracepoints as tracing_data_build() makes them.
 */
int pd_writer_set_tracing_data(struct pd_writer *w, const void *data, size_t len);

/* A record exactly as the kernel wrote it (hdr->size bytes). */
int pd_write_record(struct pd_writer *w, const struct perf_event_header *hdr);
/* A record given in pieces (header first); the pieces add up to its size. */
int pd_write_recordv(struct pd_writer *w, const struct iovec *iov, int n);
/*
 * PERF_RECORD_AUXTRACE carrying the bytes of iov[0..n-1], zero padded to a
 * multiple of 8 (the padding counted in the record's size field), and
 * indexed for HEADER_AUXTRACE.
 */
int pd_write_auxtrace(struct pd_writer *w, const struct iovec *iov, int n,
		      const struct pd_auxtrace_desc *desc);
/* PERF_RECORD_AUXTRACE_INFO of TYPE (enum auxtrace_type) with NR priv words. */
int pd_write_auxtrace_info(struct pd_writer *w, uint32_t type, const uint64_t *priv, size_t nr);
/*
 * PERF_RECORD_TIME_CONV from the mmap page (read under its seqlock).
 * -EOPNOTSUPP (nothing written) when !cap_user_time_zero, like perf.
 */
int pd_write_time_conv(struct pd_writer *w, const struct perf_event_mmap_page *pc);
/* PERF_RECORD_FINISHED_ROUND: nothing before it sorts after anything behind it. */
int pd_write_finished_round(struct pd_writer *w);
/*
 * Writes every pending record (the buffered ones and those whose bytes are
 * held) in one pwritev. Returns 0 or the writer's first error; on an error
 * the file's records up to the last whole one stay readable.
 */
int pd_writer_flush(struct pd_writer *w);

/*
 * Flushes the buffer and rewrites the header (attrs, data size) without
 * features, so that a recording killed after it still reads. Cheap: call
 * it every second or so.
 */
int pd_writer_checkpoint(struct pd_writer *w);
/*
 * Flushes, writes the features and the final header, closes and frees.
 * Also after a write error: the file then holds every complete record
 * written before the error (features best-effort). Returns the first
 * error of the session (or of finishing), 0 when all went well.
 */
int pd_writer_finish(struct pd_writer *w);
/* First write error so far (sticky), 0 if none. */
int pd_writer_error(const struct pd_writer *w);
/* Bytes of complete records in the data section so far. */
uint64_t pd_writer_data_size(const struct pd_writer *w);
/* Sample-id trailer (sample_id_all) size of attr IDX; 0 when none. */
size_t pd_writer_id_hdr_size(const struct pd_writer *w, int idx);
const struct perf_event_attr *pd_writer_attr(const struct pd_writer *w, int idx);
/* First sample id of attr IDX (0 when it has none). */
uint64_t pd_writer_first_id(const struct pd_writer *w, int idx);

/* ------------------------------------------------------------- sample id */

/* Fields of a sample_id trailer / the leading fields of a sample. */
struct pd_sample_id {
	uint64_t sample_type;	/* which fields below were present */
	uint32_t pid, tid;
	uint64_t time;
	uint64_t id;
	uint64_t stream_id;
	uint32_t cpu, res;
	uint64_t ip, addr;	/* PERF_RECORD_SAMPLE only */
};

/* Bytes of the trailer for SAMPLE_TYPE (only trailer fields counted). */
size_t pd_sample_id_size(uint64_t sample_type);
/* Writes the trailer for SAMPLE_TYPE into buf (pd_sample_id_size bytes). */
void pd_sample_id_write(void *buf, uint64_t sample_type, const struct pd_sample_id *sid);
/*
 * Parses the trailer at the end of a record of SIZE bytes (rec), or the
 * leading fields of a PERF_RECORD_SAMPLE. Returns 0, or -EINVAL when the
 * record is too short for the fields (sid untouched).
 */
int pd_sample_id_parse(const void *rec, size_t size, uint32_t type, uint64_t sample_type,
		       struct pd_sample_id *sid);

/*
 * The user registers and user stack of a PERF_RECORD_SAMPLE (REC, SIZE
 * bytes) of ATTR, pointing into the record: abi 0 when the sample has no
 * registers (a kernel thread); stack_size bytes copied from the user stack
 * pointer up, of which dyn_size are valid. Returns 0, -ENOENT when ATTR
 * samples neither, -EOPNOTSUPP for samples with READ or BRANCH_STACK
 * fields, -EINVAL when the record is too short for its fields.
 */
struct pd_sample_user {
	uint64_t abi;			/* PERF_SAMPLE_REGS_ABI_* */
	uint64_t mask;			/* attr.sample_regs_user */
	const uint8_t *regs;		/* nr_regs u64, in mask bit order */
	uint32_t nr_regs;
	const uint8_t *stack;
	uint64_t stack_size, dyn_size;
};
int pd_sample_user_parse(const void *rec, size_t size, const struct perf_event_attr *attr,
			 struct pd_sample_user *u);
/* The value of register PERF_REG (perf_regs.h numbering) in *v, or false: not sampled. */
bool pd_sample_user_reg(const struct pd_sample_user *u, unsigned int perf_reg, uint64_t *v);

/* ---------------------------------------------------------------- reader */

struct pd_attr {
	struct perf_event_attr attr;	/* zero-extended copy */
	uint32_t file_size;		/* attr.size as found in the file */
	uint64_t *ids;
	uint32_t nr_ids;
	char *name;			/* from EVENT_DESC, or NULL */
};

struct pd_build_id {
	int32_t pid;
	uint16_t misc;
	uint8_t size;			/* bytes of id used */
	uint8_t id[20];
	char *filename;
};

struct pd_aux_index_entry {
	uint64_t file_offset;
	uint64_t size;			/* header.size of the AUXTRACE record */
};

struct pd_pmu_mapping {
	uint32_t type;
	char *name;
};

struct pd_strlist {
	uint32_t nr;
	char **s;
};

/* One header feature: where it is and, when decoded, what it says. */
struct pd_feature {
	unsigned int id;
	uint64_t offset;		/* file offset of its bytes */
	uint64_t size;
	const uint8_t *data;		/* size bytes (owned by the reader) */
	int err;			/* < 0: corrupt, see errmsg */
	char *errmsg;
};

struct pd_event_desc {
	char *name;
	uint32_t nr_ids;
	uint64_t first_id;		/* valid when nr_ids */
	uint32_t type;
	uint64_t config;
};

struct pd_features {
	char *str[HEADER_LAST_FEATURE];	/* HOSTNAME, OSRELEASE, VERSION, ARCH, CPUDESC, CPUID */
	uint32_t nr_cpus_avail, nr_cpus_online;
	uint64_t total_mem;		/* kB */
	struct pd_strlist cmdline;
	struct pd_build_id *build_ids;
	uint32_t nr_build_ids;
	struct pd_aux_index_entry *aux_index;
	uint64_t nr_aux_index;
	struct pd_pmu_mapping *pmus;
	uint32_t nr_pmus;
	struct pd_strlist sibling_sockets, sibling_threads, sibling_dies;
	uint32_t nr_topo_cpus;
	uint32_t *core_id, *socket_id;	/* nr_topo_cpus each, may be NULL */
	uint64_t clockid_res_ns;
	uint64_t sample_time[2];	/* first, last */
	struct pd_event_desc *evdesc;
	uint32_t nr_evdesc;
	/* HEADER_COMPRESSED (perf record -z): all u32 */
	bool compressed;
	uint32_t comp_ver, comp_type, comp_level, comp_ratio, comp_mmap_len;
	uint64_t dir_version;		/* HEADER_DIR_FORMAT, 0: not a directory */
	/* HEADER_TRACING_DATA as found (checked, see tracing_data.h), or NULL */
	const uint8_t *tracing_data;
	size_t tracing_data_len;
};

#define PERF_COMP_ZSTD	1		/* HEADER_COMPRESSED comp_type */
#define PERF_DIR_VERSION 1		/* HEADER_DIR_FORMAT version perf writes */

/*
 * Decodes feature ft->id from ft->data/ft->size into f (the parts it
 * knows); on corrupt input sets ft->err and ft->errmsg (naming the file
 * offset) and returns ft->err. Features not decoded return 0.
 */
int pd_feature_parse(struct pd_features *f, struct pd_feature *ft);
void pd_features_free(struct pd_features *f);

struct pd_record {
	/*
	 * File offset of the header; of a record inside a COMPRESSED one
	 * (compressed set), that record's offset, as perf report -D says.
	 */
	uint64_t offset;
	bool compressed;
	const char *file;		/* directory: "data.N" of a per-thread file, else NULL */
	const struct perf_event_header *hdr;	/* hdr->size bytes, 8-aligned */
	const uint8_t *payload;		/* PERF_RECORD_AUXTRACE: the AUX bytes */
	bool payload_mapped;		/* in the mapped file: valid until the reader is closed */
	uint64_t payload_size;		/* including perf's zero padding */
	uint64_t payload_offset;	/* file offset of payload */
	/*
	 * Of a mapped payload, the open file it lies in at payload_offset
	 * (valid until the reader is closed), for a copy by pread() that
	 * takes no page faults on the mapping; of a streamed one, -1. Read
	 * only where payload_mapped is set.
	 */
	int payload_fd;
};

struct pd_reader;

/* Opens PATH ("-": stdin). On error returns -errno and the reason in errbuf. */
int pd_reader_open(const char *path, struct pd_reader **out, char *errbuf, size_t errlen);
void pd_reader_close(struct pd_reader *r);
/* The reason of the last error (open, next, feature). */
const char *pd_reader_error(const struct pd_reader *r);
/*
 * Damage that did not stop the reading (compressed data ending inside a
 * record, which perf drops silently), or NULL.
 */
const char *pd_reader_warning(const struct pd_reader *r);

bool pd_reader_is_pipe(const struct pd_reader *r);
/* A perf.data directory (perf record --threads): its data.N files are read too. */
bool pd_reader_is_dir(const struct pd_reader *r);
/* The file header as read (pipe mode: magic and size only). */
const struct perf_file_header *pd_reader_header(const struct pd_reader *r);
/* Attrs (pipe mode: those seen so far). */
size_t pd_reader_nr_attrs(const struct pd_reader *r);
const struct pd_attr *pd_reader_attr(const struct pd_reader *r, size_t i);
/* The attr a record belongs to (by sample id; single attr: that one). */
const struct pd_attr *pd_reader_attr_of(const struct pd_reader *r, const struct perf_event_header *hdr);
/*
 * The same, but NULL where the record's ids are cut short or its id
 * (not 0) names no attr, as perf, which then fails ("failed to process
 * type"); pd_reader_attr_of() falls back to the first attr there.
 */
const struct pd_attr *pd_reader_sample_attr(const struct pd_reader *r,
					    const struct perf_event_header *hdr);
/*
 * The sample id fields of a record (trailer, or leading fields of a
 * sample), given the attr it belongs to. Returns 0, or -ENOENT when the
 * record has none.
 */
int pd_reader_sample_id(const struct pd_reader *r, const struct perf_event_header *hdr,
			struct pd_sample_id *sid);

/* Features in id order (file mode: all after open; pipe: as read). */
size_t pd_reader_nr_features(const struct pd_reader *r);
const struct pd_feature *pd_reader_feature(const struct pd_reader *r, size_t i);
const struct pd_features *pd_reader_features(const struct pd_reader *r);

/*
 * The next record in file order: 1 and *rec filled, 0 at the end, or a
 * negative errno with pd_reader_error() naming the offset. After an error
 * every later call returns the same error. rec's pointers stay valid
 * until the next call.
 */
int pd_reader_next(struct pd_reader *r, struct pd_record *rec);

#endif
