#!/bin/bash
# auxrec export -f perfetto against auxrec script --json on the same
# perf.data (the issue's targets): whole processes, output to a file or
# /dev/null, best of BENCH_RUNS runs alternating the order (gt_bench_best):
#   export -f perfetto    >= 2x the speed of script --json
#   its file              <= 1/4 of the size of export -f chrome's JSON
# The trace is bench-e2e's: the ground-truth stream of
# tests/gt/progs/indirect.c (BENCH_E2E_N iterations, default 20000, return
# compression) repeated BENCH_E2E_COPIES times (default 20: 2.09 M taken
# branches) in a pd-gen perf.data. Correctness first: the protobuf's slices
# (unpacked, decoded by protoc) must be the JSON's, and the protobuf made
# with plain branches folded by the decoder (the default) the bytes of the
# one made from every branch (AUXREC_EXPORT_EVENTS=1) and of the one made
# on a single thread (AUXREC_EXPORT_SERIAL=1), or it exits 1. The table
# also times that single-thread export and the Chrome JSON export (the
# default format), for comparison.
# Prints a table with the load average before and after (a loaded machine
# slows script --json more than the export: the ratio then says too much)
# and one JSON line; exits 0 whether the targets PASS or FAIL.
# Knobs: BENCH_RUNS (default 5), BENCH_E2E_N, BENCH_E2E_COPIES, AUXREC,
# AUXREC_BUILD.
cd "$(dirname "$0")/../.." || exit 1
export LC_ALL=C
. tests/bench/gt-stream.sh
gt_bench_tools bench-export || exit $?
for tool in protoc zstd; do
	command -v $tool > /dev/null || { echo "bench-export: no $tool" >&2; exit 77; }
done
A=${AUXREC:-./auxrec}
runs=${BENCH_RUNS:-5}
gt_bench_perf_data "${BENCH_E2E_N:-20000}" "${BENCH_E2E_COPIES:-20}" || exit $?
out=$dir/export
mkdir -p "$out"

# correctness first: the same slices in both exports
"$A" export -i "$f" -o "$out/x.json" &&
"$A" export -f perfetto -i "$f" -o "$out/x.pftrace" &&
python3 tests/export/perfetto-unpack.py "$out/x.pftrace" "$out/x.raw" > /dev/null &&
protoc --decode=perfetto.protos.Trace -I tests/export perfetto_subset.proto \
	< "$out/x.raw" > "$out/x.ptxt" || { echo "bench-export: cannot export" >&2; exit 1; }
same=$(python3 tests/export/gt-calltree.py check-proto "$out/x.json" "$out/x.ptxt") ||
	{ echo "bench-export: the exports disagree: $same" >&2; exit 1; }
AUXREC_EXPORT_EVENTS=1 "$A" export -f perfetto -i "$f" -o "$out/e.pftrace" &&
cmp -s "$out/x.pftrace" "$out/e.pftrace" ||
	{ echo "bench-export: folding plain branches changed the protobuf" >&2; exit 1; }
AUXREC_EXPORT_SERIAL=1 "$A" export -f perfetto -i "$f" -o "$out/s.pftrace" &&
cmp -s "$out/x.pftrace" "$out/s.pftrace" ||
	{ echo "bench-export: the single-thread export made another protobuf" >&2; exit 1; }
branches=$("$A" report --json -i "$f" | python3 -c 'import json, sys; print(json.load(sys.stdin)["branches"])')

t_perfetto()	{ "$A" export -f perfetto -i "$f" -o "$out/t.pftrace"; }
t_json()	{ "$A" script --json -i "$f"; }
t_serial()	{ AUXREC_EXPORT_SERIAL=1 "$A" export -f perfetto -i "$f" -o "$out/t.pftrace"; }
t_chrome()	{ "$A" export -f chrome -i "$f" -o "$out/t.json"; }
declare -A best	# microseconds
load0=$(cut -d' ' -f1 /proc/loadavg)
gt_bench_best perfetto json serial chrome
load1=$(cut -d' ' -f1 /proc/loadavg)
pb=$(stat -c %s "$out/x.pftrace")
js=$(stat -c %s "$out/x.json")
awk -v n="$branches" -v runs="$runs" -v tp="${best[perfetto]}" -v tj="${best[json]}" \
    -v ts="${best[serial]}" -v tc="${best[chrome]}" \
    -v pb="$pb" -v js="$js" -v slices="${same%% *}" -v load0="$load0" -v load1="$load1" 'BEGIN {
	tp /= 1e6; tj /= 1e6; ts /= 1e6; tc /= 1e6; r = tj / tp; q = pb / js
	okr = r >= 2 ? "PASS" : "FAIL"; okq = q <= 0.25 ? "PASS" : "FAIL"
	printf "%d taken branches, %d slices, best of %d runs, load average %s before, %s after\n",
		n, slices, runs, load0, load1
	printf "%-36s %8.3f s\n", "auxrec script --json", tj
	printf "%-36s %8.3f s  speed ratio %.2f (target >= 2)  %s\n", "auxrec export -f perfetto", tp, r, okr
	printf "%-36s %8.3f s  speed ratio %.2f\n", "  the same on one thread", ts, tj / ts
	printf "%-36s %8.3f s  speed ratio %.2f (the default format; no target)\n", "auxrec export -f chrome (JSON)", tc, tj / tc
	printf "%-36s %10d bytes\n", "auxrec export -f chrome (JSON)", js
	printf "%-36s %10d bytes  size ratio %.3f (target <= 0.25)  %s\n", "auxrec export -f perfetto", pb, q, okq
	printf "{\"bench\":\"export\",\"branches\":%d,\"slices\":%d,\"runs\":%d,\"script_json_s\":%.4f,\"perfetto_s\":%.4f,\"perfetto_serial_s\":%.4f,\"chrome_s\":%.4f,\"speed_ratio\":%.2f,\"speed_pass\":%s,\"json_bytes\":%d,\"perfetto_bytes\":%d,\"size_ratio\":%.4f,\"size_pass\":%s,\"load_before\":%s,\"load_after\":%s}\n",
		n, slices, runs, tj, tp, ts, tc, r, okr == "PASS" ? "true" : "false", js, pb, q, okq == "PASS" ? "true" : "false",
		load0, load1
}'
