/* SPDX-License-Identifier: GPL-2.0 */
/*
 * perf_records.h - the on-disk layouts of perf.data that are perf's own
 * (not the kernel's): file headers, perf's user record types (64..83) and
 * their layouts, header feature ids, and the names perf prints for records
 * and features. Layouts follow perf 6.1 (tools/lib/perf/include/perf/event.h,
 * tools/perf/util/header.h, Documentation/perf.data-file-format.txt).
 */
#ifndef AUXREC_PERF_RECORDS_H
#define AUXREC_PERF_RECORDS_H

#include <stddef.h>
#include <stdint.h>
#include <linux/perf_event.h>

#define PERF_MAGIC2		0x32454c4946524550ULL	/* "PERFILE2" little-endian */
#define PERF_MAGIC2_SWAPPED	0x50455246494c4532ULL
#define PERF_FEAT_BITS		256
#define PERF_NAME_ALIGN		64	/* perf_header_string padding */

struct perf_file_section {
	uint64_t offset;
	uint64_t size;
};

/* File mode header (104 bytes). */
struct perf_file_header {
	uint64_t magic;
	uint64_t size;			/* sizeof(struct perf_file_header) */
	uint64_t attr_size;		/* size of one perf_file_attr */
	struct perf_file_section attrs;
	struct perf_file_section data;
	struct perf_file_section event_types;	/* ignored, zero */
	uint64_t features[PERF_FEAT_BITS / 64];
};

/* Pipe mode header (16 bytes); attrs and features come as records. */
struct perf_pipe_file_header {
	uint64_t magic;
	uint64_t size;
};

enum perf_user_record_type {
	PERF_RECORD_HEADER_ATTR		= 64,
	PERF_RECORD_HEADER_EVENT_TYPE	= 65,
	PERF_RECORD_HEADER_TRACING_DATA	= 66,
	PERF_RECORD_HEADER_BUILD_ID	= 67,
	PERF_RECORD_FINISHED_ROUND	= 68,
	PERF_RECORD_ID_INDEX		= 69,
	PERF_RECORD_AUXTRACE_INFO	= 70,
	PERF_RECORD_AUXTRACE		= 71,
	PERF_RECORD_AUXTRACE_ERROR	= 72,
	PERF_RECORD_THREAD_MAP		= 73,
	PERF_RECORD_CPU_MAP		= 74,
	PERF_RECORD_STAT_CONFIG		= 75,
	PERF_RECORD_STAT		= 76,
	PERF_RECORD_STAT_ROUND		= 77,
	PERF_RECORD_EVENT_UPDATE	= 78,
	PERF_RECORD_TIME_CONV		= 79,
	PERF_RECORD_HEADER_FEATURE	= 80,
	PERF_RECORD_COMPRESSED		= 81,
	PERF_RECORD_FINISHED_INIT	= 82,
	PERF_RECORD_COMPRESSED2		= 83,	/* perf 6.15: u64 data_size, 8-aligned */
	PERF_RECORD_USER_MAX
};

/* Set in perf_event_header.misc of a build id entry whose size is valid. */
#define PERF_RECORD_MISC_BUILD_ID_SIZE	(1 << 15)

enum perf_header_feature {
	HEADER_RESERVED		= 0,
	HEADER_TRACING_DATA	= 1,
	HEADER_BUILD_ID,
	HEADER_HOSTNAME,
	HEADER_OSRELEASE,
	HEADER_VERSION,
	HEADER_ARCH,
	HEADER_NRCPUS,
	HEADER_CPUDESC,
	HEADER_CPUID,
	HEADER_TOTAL_MEM,
	HEADER_CMDLINE,
	HEADER_EVENT_DESC,
	HEADER_CPU_TOPOLOGY,
	HEADER_NUMA_TOPOLOGY,
	HEADER_BRANCH_STACK,
	HEADER_PMU_MAPPINGS,
	HEADER_GROUP_DESC,
	HEADER_AUXTRACE,
	HEADER_STAT,
	HEADER_CACHE,
	HEADER_SAMPLE_TIME,
	HEADER_MEM_TOPOLOGY,
	HEADER_CLOCKID,
	HEADER_DIR_FORMAT,
	HEADER_BPF_PROG_INFO,
	HEADER_BPF_BTF,
	HEADER_COMPRESSED,
	HEADER_CPU_PMU_CAPS,
	HEADER_CLOCK_DATA,
	HEADER_HYBRID_TOPOLOGY,
	HEADER_PMU_CAPS,
	HEADER_LAST_FEATURE,
};

/* One attr in the attrs section: attr (attr.size bytes), then its ids. */
struct perf_file_attr {
	struct perf_event_attr attr;
	struct perf_file_section ids;
};

struct perf_rec_auxtrace_info {
	struct perf_event_header header;
	uint32_t type;			/* enum auxtrace_type */
	uint32_t reserved;
	uint64_t priv[];
};

/* PERF_RECORD_AUXTRACE; `size` payload bytes (padded to 8) follow it. */
struct perf_rec_auxtrace {
	struct perf_event_header header;
	uint64_t size;
	uint64_t offset;
	uint64_t reference;
	uint32_t idx;
	uint32_t tid;
	uint32_t cpu;
	uint32_t reserved;
};

struct perf_rec_auxtrace_error {
	struct perf_event_header header;
	uint32_t type, code, cpu, pid, tid, fmt;
	uint64_t ip;
	uint64_t time;
	char msg[64];
	uint32_t machine_pid, vcpu;
};

/* perf 6.1 layout: time_cycles, time_mask and the caps came with 5.12. */
struct perf_rec_time_conv {
	struct perf_event_header header;
	uint64_t time_shift;
	uint64_t time_mult;
	uint64_t time_zero;
	uint64_t time_cycles;
	uint64_t time_mask;
	uint8_t cap_user_time_zero;
	uint8_t cap_user_time_short;
	uint8_t reserved[6];
};

struct perf_rec_header_feature {
	struct perf_event_header header;
	uint64_t feat_id;
	uint8_t data[];
};

struct perf_rec_thread_map_entry {
	uint64_t pid;
	char comm[16];
};

struct perf_rec_thread_map {
	struct perf_event_header header;
	uint64_t nr;
	struct perf_rec_thread_map_entry entries[];
};

struct perf_rec_build_id {
	struct perf_event_header header;
	int32_t pid;
	uint8_t build_id[20];
	uint8_t size;
	uint8_t reserved1;
	uint16_t reserved2;
	char filename[];
};

/* Kernel records, as they leave the ring (sample_id trailer not shown). */
struct perf_rec_mmap2 {
	struct perf_event_header header;
	uint32_t pid, tid;
	uint64_t start, len, pgoff;
	union {
		struct {
			uint32_t maj, min;
			uint64_t ino, ino_generation;
		};
		struct {
			uint8_t build_id_size;
			uint8_t reserved1;
			uint16_t reserved2;
			uint8_t build_id[20];
		};
	};
	uint32_t prot, flags;
	char filename[];
};

struct perf_rec_mmap {
	struct perf_event_header header;
	uint32_t pid, tid;
	uint64_t start, len, pgoff;
	char filename[];
};

struct perf_rec_comm {
	struct perf_event_header header;
	uint32_t pid, tid;
	char comm[];
};

struct perf_rec_fork {
	struct perf_event_header header;
	uint32_t pid, ppid, tid, ptid;
	uint64_t time;
};

struct perf_rec_aux {
	struct perf_event_header header;
	uint64_t aux_offset, aux_size, flags;
};

struct perf_rec_pid_tid {	/* ITRACE_START, SWITCH_CPU_WIDE */
	struct perf_event_header header;
	uint32_t pid, tid;
};

struct perf_rec_lost {
	struct perf_event_header header;
	uint64_t id, lost;
};

struct perf_rec_u64 {		/* LOST_SAMPLES, AUX_OUTPUT_HW_ID */
	struct perf_event_header header;
	uint64_t value;
};

/* "PERF_RECORD_MMAP2", or NULL for a type perf does not name. */
const char *perf_record_name(uint32_t type);
/* "mmap2": perf's name without the prefix, lower case; NULL when unknown. */
const char *perf_record_json_name(uint32_t type);
/* "build_id", "hostname", ...; NULL when unknown. */
const char *perf_feature_name(unsigned int feat);
/* Does the kernel append a sample_id trailer to this record type? */
int perf_record_has_sample_id(uint32_t type);
/*
 * The fewest bytes a record of a fixed-layout type holds: its header and
 * fixed fields, and one byte (the NUL) of the name an MMAP, MMAP2 or COMM
 * ends with; sizeof(struct perf_event_header) for a type of no fixed
 * fields or one not known here (SAMPLE's layout is its attr's).
 */
size_t perf_record_min_size(uint32_t type);

#endif
