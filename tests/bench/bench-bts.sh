#!/bin/bash
# Intel BTS end to end: `auxrec script` against `perf script` on the same
# BTS perf.data, the same fields (comm, tid, kind, ip sym+off (dso) =>
# addr sym+off (dso): auxrec's default text, perf's
# -F comm,tid,flags,ip,sym,symoff,dso,addr with --itrace=b), each a whole
# process (start-up, reading the file, decoding, symbols, output to
# /dev/null), best of BENCH_RUNS runs, the two alternating which goes
# first. Ratio = perf seconds / auxrec seconds; the issue's target is 5
# (>= 5 is PASS).
# The trace: the ground-truth flow of tests/gt/progs/indirect.c
# (BENCH_BTS_N iterations, default 20000: 104317 records, gt_bench_stream
# in gt-stream.sh) repeated BENCH_BTS_COPIES times (default 10: 1.04 M
# BTS records, 25 MB), written by `pd-gen --bts` (tests/tools/pd-gen.c)
# as intel_bts records in two AUX chunks with the static binary mapped
# where it ran. Correctness first, the script exits 1 unless both list
# the same transfers with the same symbols, but for each chunk's last
# record (perf's BTS decoder never emits it), and perf says nothing on
# stderr. It prints a table and one JSON line and exits 0 whether the
# target PASSes or FAILs (it reports, it does not test).
# Knobs: BENCH_RUNS (default 5), BENCH_BTS_N, BENCH_BTS_COPIES, AUXREC
# (default ./auxrec), AUXREC_BUILD (default build).
cd "$(dirname "$0")/../.." || exit 1
export LC_ALL=C
. tests/bench/gt-stream.sh
gt_bench_e2e_setup bench-bts || exit $?
n=${BENCH_BTS_N:-20000}
copies=${BENCH_BTS_COPIES:-10}
gt_bench_stream "$n" || exit $?

# the BTS perf.data, made once (paths relative to here: perf and auxrec
# find the binary by the name pd-gen gives it)
f=$dir/bts-$n-x$copies.data
if [ ! -s "$f" ]; then
	for _ in $(seq "$copies"); do cat "$base.branches"; done > "$f.branches" || exit 1
	load=$(gt_bench_load)
	# shellcheck disable=SC2086
	"$B/tests/tools/pd-gen" --bts "$f" "$f.branches" "$dir/indirect" $load > /dev/null ||
		{ rm -f "$f"; exit 1; }
fi
records=$(wc -l < "$f.branches")

# correctness first: "ip sym (dso) => addr sym (dso)" of every line
t_auxrec()	{ "$A" script -i "$f"; }
t_perf()	{ perf script --itrace=b -F comm,tid,flags,ip,sym,symoff,dso,addr -i "$f"; }
t_auxrec 2> "$f.auxrec.err" | gt_bench_transfers |
	awk -v a=$((records / 2)) -v b="$records" 'NR != a && NR != b' > "$f.auxrec"
t_perf 2> "$f.perf.err" | gt_bench_transfers > "$f.perf"
gt_bench_agree bench-bts "$f.auxrec" "$f.perf" "$f.auxrec.err" "$f.perf.err" \
	"$f ($records records)" || exit 1
if [ "$(wc -l < "$f.auxrec")" != $((records - 2)) ]; then
	echo "bench-bts: $(wc -l < "$f.auxrec") transfers in both scripts, not $((records - 2))" \
	     "($records records but each chunk's last)" >&2
	exit 1
fi
grep -q '_start+0x1b' "$f.perf" || { echo "bench-bts: no symbols in $f.perf" >&2; exit 1; }

declare -A best	# microseconds
gt_bench_best auxrec perf

gt_bench_vs_perf bts "BTS records" "$records" "$f" 5
