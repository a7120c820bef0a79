/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cs_etm.h - the cs_etm decoder's shared definitions: perf's layout of
 * PERF_RECORD_AUXTRACE_INFO for CoreSight (tools/perf/util/cs-etm.h: a
 * global header, then one block per CPU whose magic names the tracer),
 * the parsed form of it, the OpenCSD decode tree built from it, and the
 * operations cs_etm.c registers.
 */
#ifndef AUXREC_CS_ETM_H
#define AUXREC_CS_ETM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "decoders/decoder.h"

/* Global header words (perf's CS_HEADER_VERSION ... CS_ETM_SNAPSHOT). */
enum {
	CS_HDR_VERSION,
	CS_HDR_PMU_TYPE_CPUS,	/* (pmu type << 32) | number of CPU blocks */
	CS_HDR_SNAPSHOT,
	CS_HDR_WORDS,
};

/* perf 6.1 writes version 1; version 0 blocks have no parameter count. */
#define CS_HDR_VERSION_MAX	1

#define CS_MAGIC_ETMV3	0x3030303030303030ULL
#define CS_MAGIC_ETMV4	0x4040404040404040ULL
#define CS_MAGIC_ETE	0x5050505050505050ULL

/*
 * Registers of one CPU's block, in perf's order after magic, cpu (and,
 * from version 1, the parameter count). ETMv3/PTM: ETMCR, ETMTRACEIDR,
 * ETMCCER, ETMIDR. ETMv4: TRCCONFIGR, TRCTRACEIDR, TRCIDR0, TRCIDR1,
 * TRCIDR2, TRCIDR8, TRCAUTHSTATUS; ETE adds TRCDEVARCH.
 */
enum { CS_V3_ETMCR, CS_V3_TRACEIDR, CS_V3_ETMCCER, CS_V3_ETMIDR, CS_V3_NR_PARAMS };
enum {
	CS_V4_TRCCONFIGR, CS_V4_TRCTRACEIDR, CS_V4_TRCIDR0, CS_V4_TRCIDR1, CS_V4_TRCIDR2,
	CS_V4_TRCIDR8, CS_V4_TRCAUTHSTATUS, CS_V4_NR_PARAMS,
	CS_ETE_TRCDEVARCH = CS_V4_NR_PARAMS, CS_ETE_NR_PARAMS,
};

#define CS_MAX_PARAMS	16	/* kept of a block; newer perf adds more */
#define CS_MAX_CPUS	1024

enum cs_protocol { CS_PROTO_ETMV3, CS_PROTO_PTM, CS_PROTO_ETMV4, CS_PROTO_ETE };

struct cs_cpu_info {
	uint64_t magic;
	int32_t cpu;
	uint8_t protocol;	/* enum cs_protocol */
	uint8_t trace_id;	/* from the block's trace ID register */
	uint32_t nr_params;	/* as present in the file */
	uint64_t param[CS_MAX_PARAMS];	/* the first ones, zero beyond */
};

struct cs_etm_info {
	uint64_t version;
	uint32_t pmu_type;
	bool snapshot;
	uint32_t nr_cpus;
	struct cs_cpu_info *cpus;
};

/* The AUX record's format bits: raw (TRBE) rather than frame-formatted. */
#define CS_AUX_FORMAT_RAW	0x100

/*
 * Parses priv (nr words) into info; returns 0 or -EINVAL with *why set
 * to a static reason. cs_etm_info_free() releases it either way.
 */
int cs_etm_info_parse(const uint64_t *priv, size_t nr, struct cs_etm_info *info,
		      const char **why);
void cs_etm_info_free(struct cs_etm_info *info);
/* The CPU block whose trace ID is id, or the one of cpu; NULL if none. */
const struct cs_cpu_info *cs_etm_info_by_trace_id(const struct cs_etm_info *info, uint8_t id);
const struct cs_cpu_info *cs_etm_info_by_cpu(const struct cs_etm_info *info, int32_t cpu);

/*
 * Writes AUXTRACE_INFO private words as perf 6.1 on arm64 writes them
 * (header version 1): the header, then for each CPU its magic, number,
 * parameter count and registers. Returns the count written, or -ENOSPC.
 */
int cs_etm_info_write(const struct cs_etm_info *info, uint64_t *priv, size_t max);

/*
 * The OpenCSD decode tree of one stream: frame-formatted (every CPU's
 * decoder, demultiplexed by trace ID) or raw (the one decoder of the
 * chunk's CPU). Packet processors only for the dump, full decoders (with
 * the code callback) for decoding.
 */
struct cs_tree;
struct _ocsd_generic_trace_elem;

struct cs_tree_ops {
	void *ctx;
	/* full decode: code of the traced program; returns the bytes read */
	uint32_t (*read_code)(void *ctx, uint8_t trace_id, uint64_t addr, uint32_t len,
			      uint8_t *buf);
	/* full decode: each generic element; non-zero stops the data path */
	int (*element)(void *ctx, uint64_t index, uint8_t trace_id,
		       const struct _ocsd_generic_trace_elem *elem);
	/* dump: each packet (an ocsd_etmv4_i_pkt, ...) and its bytes */
	void (*packet)(void *ctx, uint64_t index, uint8_t trace_id, int protocol,
		       const void *pkt, uint32_t size);
	/* the data path failed at index (what says why); decoding resumes */
	int (*error)(void *ctx, uint64_t index, const char *what);
};

/* NULL when out of memory or OpenCSD refuses the configuration (*why says). */
struct cs_tree *cs_tree_new(const struct cs_etm_info *info, bool raw, int32_t cpu,
			    bool full, const struct cs_tree_ops *ops, const char **why);
/*
 * Decodes the first len bytes of chunk c (its data, or its windows) from
 * a reset state: they have stream indexes 0..len-1, and the last ends the
 * trace (the decoders flush). Where the data path fails, ops->error is
 * told and decoding resumes after the bytes it had taken. Returns 0 or
 * the first non-zero value a callback returned.
 */
int cs_tree_decode(struct cs_tree *t, const struct aux_chunk *c, size_t len);
/*
 * Full decode: the code read so far is no longer what the IDs run (the
 * host's thread of the current ID changed): OpenCSD's cache of it goes.
 * From ops->element only, never from ops->read_code.
 */
void cs_tree_forget_code(struct cs_tree *t);
void cs_tree_free(struct cs_tree *t);

/* Record side: AUXTRACE_INFO as perf on arm64 writes it (cs_record.c). */
int cs_etm_info_priv(const struct aux_record_ctx *ctx, uint64_t *priv, size_t max);

extern const struct packet_ops cs_etm_packet_ops;

void *cs_etm_decode_begin(const struct decode_opts *opts);
int cs_etm_decode_chunk(void *state, const struct aux_chunk *chunk);
void cs_etm_decode_end(void *state);

#endif
