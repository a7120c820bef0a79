// SPDX-License-Identifier: GPL-2.0
/*
 * perf_records.c - names of perf.data record types and header features,
 * spelled as perf 6.1 prints them (`perf report -D`), plus the snake_case
 * forms used as JSON "type" values; and the least size of each record type
 * of a fixed layout, for its readers to refuse shorter ones.
 */
#include <stddef.h>
#include "perf_records.h"

struct rec_name {
	const char *perf;
	const char *json;
};

static const struct rec_name rec_names[] = {
	[PERF_RECORD_MMAP]		= { "PERF_RECORD_MMAP", "mmap" },
	[PERF_RECORD_LOST]		= { "PERF_RECORD_LOST", "lost" },
	[PERF_RECORD_COMM]		= { "PERF_RECORD_COMM", "comm" },
	[PERF_RECORD_EXIT]		= { "PERF_RECORD_EXIT", "exit" },
	[PERF_RECORD_THROTTLE]		= { "PERF_RECORD_THROTTLE", "throttle" },
	[PERF_RECORD_UNTHROTTLE]	= { "PERF_RECORD_UNTHROTTLE", "unthrottle" },
	[PERF_RECORD_FORK]		= { "PERF_RECORD_FORK", "fork" },
	[PERF_RECORD_READ]		= { "PERF_RECORD_READ", "read" },
	[PERF_RECORD_SAMPLE]		= { "PERF_RECORD_SAMPLE", "sample" },
	[PERF_RECORD_MMAP2]		= { "PERF_RECORD_MMAP2", "mmap2" },
	[PERF_RECORD_AUX]		= { "PERF_RECORD_AUX", "aux" },
	[PERF_RECORD_ITRACE_START]	= { "PERF_RECORD_ITRACE_START", "itrace_start" },
	[PERF_RECORD_LOST_SAMPLES]	= { "PERF_RECORD_LOST_SAMPLES", "lost_samples" },
	[PERF_RECORD_SWITCH]		= { "PERF_RECORD_SWITCH", "switch" },
	[PERF_RECORD_SWITCH_CPU_WIDE]	= { "PERF_RECORD_SWITCH_CPU_WIDE", "switch_cpu_wide" },
	[PERF_RECORD_NAMESPACES]	= { "PERF_RECORD_NAMESPACES", "namespaces" },
	[PERF_RECORD_KSYMBOL]		= { "PERF_RECORD_KSYMBOL", "ksymbol" },
	[PERF_RECORD_BPF_EVENT]		= { "PERF_RECORD_BPF_EVENT", "bpf_event" },
	[PERF_RECORD_CGROUP]		= { "PERF_RECORD_CGROUP", "cgroup" },
	[PERF_RECORD_TEXT_POKE]		= { "PERF_RECORD_TEXT_POKE", "text_poke" },
	[PERF_RECORD_AUX_OUTPUT_HW_ID]	= { "PERF_RECORD_AUX_OUTPUT_HW_ID", "aux_output_hw_id" },
	[PERF_RECORD_HEADER_ATTR]	= { "PERF_RECORD_ATTR", "attr" },
	[PERF_RECORD_HEADER_EVENT_TYPE]	= { "PERF_RECORD_EVENT_TYPE", "event_type" },
	[PERF_RECORD_HEADER_TRACING_DATA] = { "PERF_RECORD_TRACING_DATA", "tracing_data" },
	[PERF_RECORD_HEADER_BUILD_ID]	= { "PERF_RECORD_BUILD_ID", "build_id" },
	[PERF_RECORD_FINISHED_ROUND]	= { "PERF_RECORD_FINISHED_ROUND", "finished_round" },
	[PERF_RECORD_ID_INDEX]		= { "PERF_RECORD_ID_INDEX", "id_index" },
	[PERF_RECORD_AUXTRACE_INFO]	= { "PERF_RECORD_AUXTRACE_INFO", "auxtrace_info" },
	[PERF_RECORD_AUXTRACE]		= { "PERF_RECORD_AUXTRACE", "auxtrace" },
	[PERF_RECORD_AUXTRACE_ERROR]	= { "PERF_RECORD_AUXTRACE_ERROR", "auxtrace_error" },
	[PERF_RECORD_THREAD_MAP]	= { "PERF_RECORD_THREAD_MAP", "thread_map" },
	[PERF_RECORD_CPU_MAP]		= { "PERF_RECORD_CPU_MAP", "cpu_map" },
	[PERF_RECORD_STAT_CONFIG]	= { "PERF_RECORD_STAT_CONFIG", "stat_config" },
	[PERF_RECORD_STAT]		= { "PERF_RECORD_STAT", "stat" },
	[PERF_RECORD_STAT_ROUND]	= { "PERF_RECORD_STAT_ROUND", "stat_round" },
	[PERF_RECORD_EVENT_UPDATE]	= { "PERF_RECORD_EVENT_UPDATE", "event_update" },
	[PERF_RECORD_TIME_CONV]		= { "PERF_RECORD_TIME_CONV", "time_conv" },
	[PERF_RECORD_HEADER_FEATURE]	= { "PERF_RECORD_FEATURE", "feature" },
	[PERF_RECORD_COMPRESSED]	= { "PERF_RECORD_COMPRESSED", "compressed" },
	[PERF_RECORD_FINISHED_INIT]	= { "PERF_RECORD_FINISHED_INIT", "finished_init" },
	[PERF_RECORD_COMPRESSED2]	= { "PERF_RECORD_COMPRESSED2", "compressed2" },
};

static const char *const feat_names[] = {
	[HEADER_TRACING_DATA]	= "tracing_data",
	[HEADER_BUILD_ID]	= "build_id",
	[HEADER_HOSTNAME]	= "hostname",
	[HEADER_OSRELEASE]	= "osrelease",
	[HEADER_VERSION]	= "version",
	[HEADER_ARCH]		= "arch",
	[HEADER_NRCPUS]		= "nrcpus",
	[HEADER_CPUDESC]	= "cpudesc",
	[HEADER_CPUID]		= "cpuid",
	[HEADER_TOTAL_MEM]	= "total_mem",
	[HEADER_CMDLINE]	= "cmdline",
	[HEADER_EVENT_DESC]	= "event_desc",
	[HEADER_CPU_TOPOLOGY]	= "cpu_topology",
	[HEADER_NUMA_TOPOLOGY]	= "numa_topology",
	[HEADER_BRANCH_STACK]	= "branch_stack",
	[HEADER_PMU_MAPPINGS]	= "pmu_mappings",
	[HEADER_GROUP_DESC]	= "group_desc",
	[HEADER_AUXTRACE]	= "auxtrace",
	[HEADER_STAT]		= "stat",
	[HEADER_CACHE]		= "cache",
	[HEADER_SAMPLE_TIME]	= "sample_time",
	[HEADER_MEM_TOPOLOGY]	= "mem_topology",
	[HEADER_CLOCKID]	= "clockid",
	[HEADER_DIR_FORMAT]	= "dir_format",
	[HEADER_BPF_PROG_INFO]	= "bpf_prog_info",
	[HEADER_BPF_BTF]	= "bpf_btf",
	[HEADER_COMPRESSED]	= "compressed",
	[HEADER_CPU_PMU_CAPS]	= "cpu_pmu_caps",
	[HEADER_CLOCK_DATA]	= "clock_data",
	[HEADER_HYBRID_TOPOLOGY] = "hybrid_topology",
	[HEADER_PMU_CAPS]	= "pmu_caps",
};

/* header, fixed fields, and a name's NUL (perf_records.h) */
static const uint16_t rec_min_size[] = {
	[PERF_RECORD_MMAP]		= sizeof(struct perf_rec_mmap) + 1,
	[PERF_RECORD_LOST]		= sizeof(struct perf_rec_lost),
	[PERF_RECORD_COMM]		= sizeof(struct perf_rec_comm) + 1,
	[PERF_RECORD_EXIT]		= sizeof(struct perf_rec_fork),
	[PERF_RECORD_FORK]		= sizeof(struct perf_rec_fork),
	[PERF_RECORD_MMAP2]		= sizeof(struct perf_rec_mmap2) + 1,
	[PERF_RECORD_AUX]		= sizeof(struct perf_rec_aux),
	[PERF_RECORD_ITRACE_START]	= sizeof(struct perf_rec_pid_tid),
	[PERF_RECORD_LOST_SAMPLES]	= sizeof(struct perf_rec_u64),
	[PERF_RECORD_SWITCH_CPU_WIDE]	= sizeof(struct perf_rec_pid_tid),
	[PERF_RECORD_AUX_OUTPUT_HW_ID]	= sizeof(struct perf_rec_u64),
	[PERF_RECORD_AUXTRACE_INFO]	= sizeof(struct perf_rec_auxtrace_info),
	[PERF_RECORD_AUXTRACE]		= sizeof(struct perf_rec_auxtrace),
	/* perf before 5.12 wrote the first three fields only */
	[PERF_RECORD_TIME_CONV]		= offsetof(struct perf_rec_time_conv, time_cycles),
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

const char *perf_record_name(uint32_t type)
{
	return type < ARRAY_LEN(rec_names) ? rec_names[type].perf : NULL;
}

const char *perf_record_json_name(uint32_t type)
{
	return type < ARRAY_LEN(rec_names) ? rec_names[type].json : NULL;
}

const char *perf_feature_name(unsigned int feat)
{
	return feat < ARRAY_LEN(feat_names) ? feat_names[feat] : NULL;
}

size_t perf_record_min_size(uint32_t type)
{
	size_t n = type < ARRAY_LEN(rec_min_size) ? rec_min_size[type] : 0;

	return n ? n : sizeof(struct perf_event_header);
}

int perf_record_has_sample_id(uint32_t type)
{
	return type != PERF_RECORD_SAMPLE && type > 0 && type < PERF_RECORD_HEADER_ATTR;
}
