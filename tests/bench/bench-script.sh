#!/bin/bash
# End-to-end decoding: `auxrec script` against Debian's `perf script
# --itrace=b` on the same perf.data, side by side in one run: reading the
# file, decoding Intel PT, following the binary's code and printing every
# taken branch with symbols (stdout to /dev/null).
# The file: the ground-truth stream of bench-flow (tests/gt/progs/indirect.c,
# BENCH_SCRIPT_N iterations, default 20000, return compression) repeated
# BENCH_SCRIPT_COPIES times (default 20; each copy starts with a PSB, so
# both decoders resynchronize there), written by tests/tools/pd-gen with the
# static binary mapped where it ran. Before timing, both must print the
# same number of branches with the same symbol+offset on both ends.
# BENCH_RUNS=N: runs per tool (default 10) in alternating rounds; the best
# time counts. Prints a table, PASS/FAIL against BENCH_SCRIPT_TARGET
# (auxrec at least that many times faster, default 2), and one JSON line.
cd "$(dirname "$0")/../.." || exit 1
. tests/bench/gt-stream.sh
gt_bench_tools bench-script || exit $?
command -v perf > /dev/null && perf --version > /dev/null 2>&1 ||
	{ echo "bench-script: no perf" >&2; exit 77; }
B=${AUXREC_BUILD:-build}
A=${AUXREC:-./auxrec}
[ -x "$B/tests/tools/pd-gen" ] && [ -x "$A" ] || { echo "bench-script: make all tools first" >&2; exit 1; }
n=${BENCH_SCRIPT_N:-20000}
copies=${BENCH_SCRIPT_COPIES:-20}
runs=${BENCH_RUNS:-10}
target=${BENCH_SCRIPT_TARGET:-2}
gt_bench_stream "$n" || exit $?

f=$dir/script-$n-x$copies.data
if [ ! -s "$f" ]; then
	python3 -c 'import sys; d = open(sys.argv[1], "rb").read()
open(sys.argv[2], "wb").write(d * int(sys.argv[3]))' "$base-rc.pt" "$f.pt" "$copies" || exit 1
	load=$(readelf -lW "$dir/indirect" | awk '$1 == "LOAD" && / E / {print $3, $6, $2; exit}')
	# shellcheck disable=SC2086
	"$B/tests/tools/pd-gen" "$f" "$f.pt" "$dir/indirect" $load > /dev/null || exit 1
fi

# correctness first: the same branches and symbols, or the timing means nothing
perf script --itrace=b -F ip,sym,symoff,addr -i "$f" 2> /dev/null |
	awk '$3 == "=>" {print $1, $2, $4, $5}' > "$f.perf"
"$A" script --json -i "$f" | python3 -c '
import json, sys
def s(e, k):
    return "%s+%#x" % (e[k + "_sym"], e[k + "_symoff"]) if e.get(k + "_sym") else "[unknown]"
for l in sys.stdin:
    e = json.loads(l)
    if e["type"] in ("branch", "trace_begin", "trace_end"):
        print(e["from"][2:], s(e, "from"), e["to"][2:], s(e, "to"))' > "$f.auxrec"
if [ ! -s "$f.perf" ] || ! cmp -s "$f.perf" "$f.auxrec"; then
	echo "bench-script: auxrec script and perf script disagree on $f:" >&2
	diff "$f.perf" "$f.auxrec" | head -5 >&2
	exit 1
fi
branches=$(wc -l < "$f.perf")

seconds() {	# CMD...: wall seconds of one run, output discarded
	local s e
	s=$(date +%s.%N)
	"$@" > /dev/null 2>&1
	e=$(date +%s.%N)
	awk -v s="$s" -v e="$e" 'BEGIN { printf "%.4f", e - s }'
}
min() {
	awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b + 0 < a + 0) ? b : a }'
}
tp= ta= tj=
for i in $(seq "$runs"); do
	if [ $((i % 2)) = 1 ]; then
		tp=$(min "$tp" "$(seconds perf script --itrace=b -i "$f")")
		ta=$(min "$ta" "$(seconds "$A" script -i "$f")")
	else
		ta=$(min "$ta" "$(seconds "$A" script -i "$f")")
		tp=$(min "$tp" "$(seconds perf script --itrace=b -i "$f")")
	fi
	tj=$(min "$tj" "$(seconds "$A" script --json -i "$f")")
done
size=$(stat -c %s "$f.pt")
awk -v tp="$tp" -v ta="$ta" -v tj="$tj" -v n="$branches" -v size="$size" -v target="$target" '
function row(name, t) {
	printf "%-34s %9.3f %12.0f %8.2f\n", name, t, n / t, tp / t
} BEGIN {
	printf "%-34s %9s %12s %8s\n", "decoder (" n " branches)", "seconds", "branches/s", "speedup"
	row("perf script --itrace=b", tp)
	row("auxrec script", ta)
	row("auxrec script --json", tj)
	printf "target: auxrec script >= %.2fx perf script: %s\n", target, (tp / ta >= target) ? "PASS" : "FAIL"
	printf "{\"bench\":\"script\",\"branches\":%d,\"trace_bytes\":%d,\"runs\":%d,", n, size, '"$runs"'
	printf "\"perf_s\":%s,\"auxrec_s\":%s,\"auxrec_json_s\":%s,\"speedup\":%.2f,\"target\":%s,\"pass\":%s}\n",
		tp, ta, tj, tp / ta, target, (tp / ta >= target) ? "true" : "false"
	exit (tp / ta >= target) ? 0 : 1
}'
