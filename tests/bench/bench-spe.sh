#!/bin/bash
# ARM SPE end to end: `auxrec script` against `perf script` on the same
# SPE perf.data, one line per sampled operation: auxrec's default text
# (comm, tid, time, ip sym+off (dso), op, data VA and PA, total latency,
# data source, events) against perf's --itrace=i1i (one "instructions"
# sample per record) with -F comm,tid,time,ip,sym,symoff,dso,addr,
# phys_addr,weight,data_src, each a whole process (start-up, reading the
# file, decoding, symbols, output to /dev/null), best of BENCH_RUNS runs,
# the two alternating which goes first. Ratio = perf seconds / auxrec
# seconds; the issue's target is 5 (>= 5 is PASS).
# The trace: BENCH_SPE_RECORDS (default 1,050,000) records described as
# samples of tests/perf/spe/workload.c's three loops (loads of a table, a
# pointer chase, stores; varied addresses, events and latencies), built
# for AArch64 with aarch64-linux-gnu-gcc and mapped where it would run,
# written by tests/tools/spe-stream.py and `pd-gen --spe` in two AUX
# chunks (about 47 MB). Correctness first: the script exits 1 unless both
# list the same ips with the same symbols, and perf says nothing on stderr
# but its warning that the trace has no CONTEXT packets. It prints a table
# and one JSON line and exits 0 whether the target PASSes or FAILs.
# Knobs: BENCH_RUNS (default 5), BENCH_SPE_RECORDS, AUXREC (default
# ./auxrec), AUXREC_BUILD (default build).
cd "$(dirname "$0")/../.." || exit 1
export LC_ALL=C
B=${AUXREC_BUILD:-build}
A=${AUXREC:-./auxrec}
runs=${BENCH_RUNS:-5}
records=${BENCH_SPE_RECORDS:-1050000}
if ! command -v perf > /dev/null || ! perf --version > /dev/null 2>&1; then
	echo "bench-spe: no perf" >&2; exit 77
fi
if ! command -v aarch64-linux-gnu-gcc > /dev/null; then
	echo "bench-spe: no aarch64-linux-gnu-gcc" >&2; exit 77
fi
if [ ! -x "$B/tests/tools/pd-gen" ] || [ ! -x "$A" ]; then
	echo "bench-spe: make all tools first" >&2; exit 1
fi
. tests/bench/gt-stream.sh	# gt_bench_best
dir=$B/bench-spe
mkdir -p "$dir"
f=$dir/spe-$records.data
if [ ! -s "$f" ]; then
	aarch64-linux-gnu-gcc -O1 -static -o "$dir/workload" tests/perf/spe/workload.c || exit 1
	python3 - "$dir/workload" "$records" > "$dir/workload.desc" <<'PY' || exit 1
import random, subprocess, sys
syms = {}
for l in subprocess.check_output(["nm", "-S", sys.argv[1]], text=True).splitlines():
    f = l.split()
    if len(f) == 4:
        syms[f[3]] = int(f[0], 16)
r = random.Random(1)
lines, repeat = 3000, -(-int(sys.argv[2]) // 3000)
for i in range(lines):
    k = r.randrange(3)
    if k == 0:
        print("pc=%#x op=ld va=%#x pa=%#x events=%s lat=%d issue=2 ds=0 repeat=%d" % (
            syms["sum_table"] + 4 * r.randrange(8), syms["table"] + 8 * r.randrange(4096),
            0x80000000 + r.randrange(1 << 20), r.choice(["0x6", "0xe", "0x34e"]),
            r.randrange(4, 40), repeat))
    elif k == 1:
        print("pc=%#x op=ld va=%#x events=%s lat=%d xlat=%d ds=0 repeat=%d" % (
            syms["chase"] + 4 * r.randrange(14), syms["nodes"] + 64 * r.randrange(4096),
            r.choice(["0x30e", "0x3e"]), r.randrange(100, 400), r.randrange(30), repeat))
    else:
        print("pc=%#x op=st va=%#x events=0x6 lat=%d repeat=%d" % (
            syms["fill_buffer"] + 4 * r.randrange(8), syms["buffer"] + r.randrange(32768),
            r.randrange(2, 20), repeat))
PY
	cut=$(python3 tests/tools/spe-stream.py workload "$dir/workload.spe" "$dir/workload.desc") ||
		exit 1
	load=$(readelf -lW "$dir/workload" | awk '$1 == "LOAD" && / E / {print $3, $6, $2; exit}')
	# shellcheck disable=SC2086
	"$B/tests/tools/pd-gen" --spe "$f" "$dir/workload.spe" "$cut" "$dir/workload" $load \
		> /dev/null || { rm -f "$f"; exit 1; }
	rm -f "$dir/workload.spe"
fi

t_auxrec()	{ "$A" script -i "$f"; }
t_perf()	{ perf script --itrace=i1i -F comm,tid,time,ip,sym,symoff,dso,addr,phys_addr,weight,data_src -i "$f"; }

# correctness first: the ip and symbol+offset of every sample
t_auxrec 2> "$f.auxrec.err" | awk '{ print $5, $6 }' > "$f.auxrec"
t_perf 2> "$f.perf.err" | awk '{ for (i = 1; i < NF; i++) if ($i ~ /^\(/) { print $(i - 2), $(i - 1); next } }' > "$f.perf"
grep -v -e 'CONTEXT packets not found' -e 'Matching of TIDs' -e '^Warning:$' "$f.perf.err" > "$f.perf.err2"
n=$(wc -l < "$f.auxrec")
gt_bench_agree bench-spe "$f.auxrec" "$f.perf" "$f.auxrec.err" "$f.perf.err2" \
	"$f ($n samples)" || exit 1
if [ "$n" -lt 1000000 ]; then
	echo "bench-spe: $n samples in both scripts, fewer than 1000000" >&2
	exit 1
fi
grep -q 'chase+0x' "$f.perf" || { echo "bench-spe: no symbols in $f.perf" >&2; exit 1; }

declare -A best	# microseconds
gt_bench_best auxrec perf

gt_bench_vs_perf spe "SPE records" "$n" "$f" 5 \
	"perf script --itrace=i1i -F comm,tid,time,ip,sym,..."
