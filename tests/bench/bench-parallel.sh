#!/bin/bash
# Parallel decode: `auxrec report` and `auxrec script --itrace=b --json`
# with --jobs 1, 2 (and 4) on the same trace, each a whole process with
# output to /dev/null, best of BENCH_RUNS runs, every command once per
# round in alternating order (gt_bench_best). Scaling = seconds of
# --jobs 1 / seconds of --jobs N; the issue's target is >= 1.8 for
# --jobs 2 on a 2-core machine (PASS/FAIL on that row; the --jobs 4 row
# is reported only). The trace: the ground-truth stream of
# tests/gt/progs/indirect.c (BENCH_PAR_N iterations, default 20000,
# return compression) repeated BENCH_PAR_COPIES times (default 40:
# 4.2 M taken branches, 7.4 MB) in a perf.data by pd-gen
# (gt_bench_perf_data). Correctness first: the outputs of every --jobs
# must be the same, byte for byte, or the script exits 1. Prints a
# table and one JSON line; exits 0 whether the target is met or not.
# Also the CPU time of each command (task-clock of `perf stat`, least of
# BENCH_RUNS runs: what the threads cost, which other jobs on the machine
# disturb less than elapsed time), the context switches and page faults
# of that run, and the load average before and after.
# Knobs: BENCH_RUNS (default 5), BENCH_PAR_N, BENCH_PAR_COPIES, AUXREC,
# AUXREC_BUILD.
cd "$(dirname "$0")/../.." || exit 1
export LC_ALL=C
. tests/bench/gt-stream.sh
gt_bench_e2e_setup bench-parallel || exit $?
gt_bench_perf_data "${BENCH_PAR_N:-20000}" "${BENCH_PAR_COPIES:-40}" || exit $?
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

jobs="1 2 4"
for j in $jobs; do
	"$A" report --jobs $j -i "$f" > "$tmp/report.$j" || exit 1
	"$A" script --itrace=b --json --jobs $j -i "$f" > "$tmp/json.$j" || exit 1
	for c in report json; do
		cmp -s "$tmp/$c.1" "$tmp/$c.$j" ||
			{ echo "bench-parallel: $c --jobs $j differs from --jobs 1 on $f" >&2; exit 1; }
	done
done
branches=$(grep -c '"type":"branch"' "$tmp/json.1")
rm -f "$tmp"/json.*

for j in $jobs; do
	eval "t_report$j() { \"\$A\" report --jobs $j -i \"\$f\"; }"
	eval "t_json$j() { \"\$A\" script --itrace=b --json --jobs $j -i \"\$f\"; }"
done
declare -A best cpu cs faults	# microseconds; counts of the least-cpu run
load0=$(cut -d' ' -f1 /proc/loadavg)
# shellcheck disable=SC2046
gt_bench_best $(for j in $jobs; do echo report$j json$j; done)
for c in report json; do
	for j in $jobs; do
		args=(report --jobs "$j" -i "$f")
		[ $c = json ] && args=(script --itrace=b --json --jobs "$j" -i "$f")
		for _ in $(seq "$runs"); do
			perf stat -x, -e task-clock,context-switches,page-faults -o "$tmp/stat" \
				"$A" "${args[@]}" > /dev/null 2>&1
			u=$(awk -F, '/task-clock/ { printf "%d", $1 * 1000 }' "$tmp/stat")
			[ -z "${cpu[$c$j]:-}" ] || [ "$u" -lt "${cpu[$c$j]}" ] || continue
			cpu[$c$j]=$u
			cs[$c$j]=$(awk -F, '/context-switches/ { print $1 }' "$tmp/stat")
			faults[$c$j]=$(awk -F, '/page-faults/ { print $1 }' "$tmp/stat")
		done
	done
done
load1=$(cut -d' ' -f1 /proc/loadavg)

for c in report json; do
	for j in $jobs; do
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$c" "$j" "${best[$c$j]}" "${best[${c}1]}" \
			"${cpu[$c$j]:-0}" "${cs[$c$j]:-0}" "${faults[$c$j]:-0}"
	done
done | awk -F '\t' -v n="$branches" -v size="$(stat -c %s "$f.pt")" -v runs="$runs" \
	-v cpus="$(nproc)" -v load0="$load0" -v load1="$load1" '
BEGIN {
	printf "%d taken branches, %d trace bytes, %d online CPUs, best of %d runs, load %s -> %s\n",
		n, size, cpus, runs, load0, load1
	printf "%-40s %6s %8s %8s %7s       %8s %8s %8s\n", "command", "jobs", "seconds", "scaling",
		"target", "cpu s", "switches", "faults"
}
{
	cmd = $1 == "report" ? "auxrec report" : "auxrec script --itrace=b --json"
	t = $3 / 1e6; s = $4 / $3; tgt = $2 == 2 ? "1.80" : "-"; c = $5 / 1e6
	ok = $2 == 2 ? (s >= 1.8 ? "PASS" : "FAIL") : ""
	printf "%-40s %6d %8.3f %8.2f %7s  %4s %8.3f %8d %8d\n", cmd, $2, t, s, tgt, ok, c, $6, $7
	json = json sprintf("%s{\"cmd\":\"%s\",\"jobs\":%d,\"s\":%.4f,\"scaling\":%.2f,\"cpu_s\":%.4f,\"switches\":%d,\"faults\":%d%s}",
		NR > 1 ? "," : "", cmd, $2, t, s, c, $6, $7,
		$2 == 2 ? sprintf(",\"target\":1.8,\"pass\":%s", ok == "PASS" ? "true" : "false") : "")
}
END {
	printf "{\"bench\":\"parallel\",\"branches\":%d,\"trace_bytes\":%d,\"cpus\":%d,\"runs\":%d,\"load\":[%s,%s],\"rows\":[%s]}\n",
		n, size, cpus, runs, load0, load1, json
}'
