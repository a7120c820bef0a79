#!/bin/bash
# Decode units (issue 20, past one machine): what decoding a recording as
# its units costs against decoding it whole. The trace: the bench stream of
# tests/gt/progs/indirect.c (BENCH_UNITS_N iterations, default 20000, as
# BENCH_UNITS_COPIES copies, default 40: 7.4 MB, about 110 units of 64 KiB)
# in a perf.data by pd-gen (gt_bench_perf_data). Times, best of BENCH_RUNS
# (default 3), output to /dev/null, each a whole process (elapsed, user +
# sys CPU of it and its children, bash's `time`):
#  - `auxrec script --json`, the whole decode;
#  - `auxrec script --json --list-units`, the listing the units need;
#  - every joined unit's `auxrec script --json --unit K:JOIN --jobs 1`, one
#    process after the other;
#  - contrib/dask/auxrec-dask on a LocalCluster of 2 workers, when Dask is
#    installed.
# Target (PASS/FAIL): the work is linear in the units: the tasks decode at
# most 3 units per unit on average (the AUXREC_PAR_UNIT=0 line of each says
# how many; a task that decoded the units before its own, as `--unit K`
# without JOIN does, makes it grow with the number of units). Correctness
# first: the tasks' outputs concatenated must be the whole output, or the
# script exits 1. Prints a table and one JSON line.
cd "$(dirname "$0")/../.." || exit 1
export LC_ALL=C
. tests/bench/gt-stream.sh
gt_bench_tools bench-units || exit $?
B=${AUXREC_BUILD:-build}
A=$(realpath "${AUXREC:-./auxrec}")
if [ ! -x "$A" ] || [ ! -x "$B/tests/tools/pd-gen" ]; then
	echo "bench-units: make all tools first" >&2
	exit 1
fi
runs=${BENCH_RUNS:-3}
gt_bench_perf_data "${BENCH_UNITS_N:-20000}" "${BENCH_UNITS_COPIES:-40}" || exit $?
f=${f:?}	# gt_bench_perf_data's
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$A" script --json --list-units -i "$f" > "$tmp/list" || exit 1
python3 -c '
import json, sys
for l in open(sys.argv[1]):
    u = json.loads(l)
    if u.get("joined"):
        print(u["unit"], u["join_drop"])' "$tmp/list" > "$tmp/joins" || exit 1
nr=$(grep -c '"type":"unit"' "$tmp/list")
tasks() {	# every joined unit from its join, one process after the other
	local k d
	while read -r k d; do
		"$A" script --json --unit "$k:$d" --jobs 1 -i "$f" || return 1
	done < "$tmp/joins"
}
"$A" script --json -i "$f" | cksum > "$tmp/whole.sum"
AUXREC_PAR_UNIT=0 tasks 2> "$tmp/tasks.err" | cksum > "$tmp/units.sum"
cmp -s "$tmp/whole.sum" "$tmp/units.sum" ||
	{ echo "bench-units: the joined units' outputs concatenated differ from script --json" >&2; exit 1; }
decoded=$(awk '/^auxrec: parallel decode/ {n += $11} END {print n + 0}' "$tmp/tasks.err")

# best of $runs: "elapsed cpu" in seconds of the command
best_of() {
	local t te tu ts e=999999 c=0 TIMEFORMAT='%R %U %S'
	for _ in $(seq "$runs"); do
		t=$( { time "$@" > /dev/null 2>&1; } 2>&1 )
		read -r te tu ts <<< "$t"
		if awk -v a="$te" -v b="$e" 'BEGIN { exit !(a < b) }'; then
			e=$te
			c=$(awk -v u="$tu" -v s="$ts" 'BEGIN { printf "%.3f", u + s }')
		fi
	done
	echo "$e $c"
}
load0=$(cut -d' ' -f1 /proc/loadavg)
read -r whole_e whole_c <<< "$(best_of "$A" script --json -i "$f")"
read -r list_e list_c <<< "$(best_of "$A" script --json --list-units -i "$f")"
read -r tasks_e tasks_c <<< "$(best_of tasks)"
dask_e=- dask_c=-
if /usr/bin/python3 -c 'import dask.distributed' 2> /dev/null; then
	read -r dask_e dask_c <<< "$(best_of contrib/dask/auxrec-dask --workers 2 --auxrec "$A" "$f" -- --json)"
fi
load1=$(cut -d' ' -f1 /proc/loadavg)
njoined=$(wc -l < "$tmp/joins")
awk -v nr="$nr" -v nj="$njoined" -v dec="$decoded" -v we="$whole_e" -v wc="$whole_c" \
	-v le="$list_e" -v lc="$list_c" -v te="$tasks_e" -v tc="$tasks_c" -v de="$dask_e" \
	-v dc="$dask_c" -v runs="$runs" -v load0="$load0" -v load1="$load1" 'BEGIN {
	per = nj ? dec / nr : 0
	printf "%d units (%d joined), best of %d runs, load %s -> %s\n", nr, nj, runs, load0, load1
	printf "%-52s %9s %9s\n", "command", "elapsed", "cpu s"
	printf "%-52s %9.3f %9.3f\n", "auxrec script --json", we, wc
	printf "%-52s %9.3f %9.3f\n", "auxrec script --json --list-units", le, lc
	printf "%-52s %9.3f %9.3f\n", "the joined units, --unit K:JOIN, one process each", te, tc
	printf "%-52s %9s %9s\n", "contrib/dask/auxrec-dask --workers 2 -- --json", de, dc
	printf "units decoded by the tasks: %d, %.2f per unit (target <= 3): %s\n", dec, per,
		per <= 3 ? "PASS" : "FAIL"
	printf "{\"bench\":\"units\",\"units\":%d,\"joined\":%d,\"decoded\":%d,\"whole_s\":%s,\"list_s\":%s,\"tasks_s\":%s,\"tasks_cpu_s\":%s,\"whole_cpu_s\":%s,\"dask_s\":\"%s\",\"pass\":%s}\n",
		nr, nj, dec, we, le, te, tc, wc, de, per <= 3 ? "true" : "false"
}'
