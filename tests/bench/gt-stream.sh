# Sourced by the benchmarks that decode ground truth: builds the tools
# (tests/gt/build-tools.sh) and makes the stream they decode, once, kept in
# build/tests/gt/bench.
. tests/gt/build-tools.sh

# gt_bench_tools NAME: 0 when the tools are there; else says why on stderr
# ("not ok NAME: ..." or "skip NAME: ...") and returns 1 (they do not
# build) or 77 (skipped: no libipt, ...).
gt_bench_tools() {
	gt_tools_verdict "$1" >&2
}

# gt_bench_stream N: tests/gt/progs/indirect.c single-stepped by gt-record
# with N iterations; sets dir (the binary is $dir/indirect) and base
# ($base.pt returns as TIP, $base-rc.pt compressed, .branches each).
# Returns 77 when gt-record cannot trace here (no ptrace), 1 on failure.
gt_bench_stream() {
	dir=$GT_BIN/bench
	base=$dir/indirect-$1
	mkdir -p "$dir" || return 1
	[ -s "$base-rc.pt" ] && return 0
	gcc -O1 -static -no-pie -o "$dir/indirect" tests/gt/progs/indirect.c || return 1
	if ! "$GT_BIN/gt-record" "$base" -- "$dir/indirect" "$1" > "$base.rec" 2>&1; then
		cat "$base.rec" >&2
		return 77
	fi
}

# gt_bench_load: "START LEN PGOFF" of the bench binary's code segment
# ($dir/indirect's executable LOAD), as pd-gen maps it.
gt_bench_load() {
	readelf -lW "$dir/indirect" | awk '$1 == "LOAD" && / E / {print $3, $6, $2; exit}'
}

# gt_bench_perf_data N COPIES: a perf.data of a real program for the end
# to end benchmarks: the return-compressed stream of gt_bench_stream N
# repeated COPIES times (each copy starts with a PSB, so decoders
# resynchronize there), wrapped by tests/tools/pd-gen with the static
# binary mapped where it ran. Sets f (the perf.data; its trace alone is
# $f.pt) besides dir and base; made once. Returns as gt_bench_stream.
gt_bench_perf_data() {
	local load
	gt_bench_stream "$1" || return
	f=$dir/script-$1-x$2.data
	[ -s "$f" ] && return 0
	python3 -c 'import sys; d = open(sys.argv[1], "rb").read()
open(sys.argv[2], "wb").write(d * int(sys.argv[3]))' "$base-rc.pt" "$f.pt" "$2" || return 1
	load=$(gt_bench_load)
	# shellcheck disable=SC2086
	"${AUXREC_BUILD:-build}/tests/tools/pd-gen" "$f" "$f.pt" "$dir/indirect" $load > /dev/null ||
		{ rm -f "$f"; return 1; }
}

# gt_bench_cpu_wide_data N COPIES CPUS: a per-CPU recording (pd-gen
# --cpu-wide) of CPUS processes of the same static binary, one on each CPU
# from the same time, each running the stream of gt_bench_perf_data N
# COPIES: CPUS buffers whose events interleave in time, as `record -a`
# makes them (decoded each on its own share of the threads and merged by
# time). Sets f (the perf.data) and one (gt_bench_perf_data's, whose
# trace $one.pt each CPU runs), dir and base; made once. Returns as
# gt_bench_stream.
gt_bench_cpu_wide_data() {
	local load c procs=()
	gt_bench_perf_data "$1" "$2" || return
	one=$f
	f=$dir/cpu-wide-$1-x$2-$3cpus.data
	[ -s "$f" ] && return 0
	load=$(gt_bench_load | tr ' ' ,)
	for ((c = 0; c < $3; c++)); do
		procs+=("$((1001 + c)),$one.pt,0x1000000,$dir/indirect,$load,$c")
	done
	"${AUXREC_BUILD:-build}/tests/tools/pd-gen" --cpu-wide "$f" "${procs[@]}" > /dev/null ||
		{ rm -f "$f"; return 1; }
}

# gt_bench_e2e_setup NAME: what the end to end benchmarks need besides the
# stream: the ground-truth tools, perf, pd-gen and auxrec built; sets B
# (the build directory), A (auxrec) and runs (BENCH_RUNS, default 5).
# Returns 77 (skipped) or 1 with the reason said as NAME.
gt_bench_e2e_setup() {
	gt_bench_tools "$1" || return
	if ! command -v perf > /dev/null || ! perf --version > /dev/null 2>&1; then
		echo "$1: no perf" >&2
		return 77
	fi
	B=${AUXREC_BUILD:-build}
	A=${AUXREC:-./auxrec}
	if [ ! -x "$B/tests/tools/pd-gen" ] || [ ! -x "$A" ]; then
		echo "$1: make all tools first" >&2
		return 1
	fi
	runs=${BENCH_RUNS:-5}
}

# gt_bench_best NAME...: runs each function t_NAME (output to /dev/null)
# once per round, $runs rounds, every other round in reverse order so that
# a slow stretch of a shared machine hits them alike; best[NAME] (declare
# -A best first) is its best time in microseconds.
gt_bench_best() {
	local i k c s e order names=("$@")
	for i in $(seq "$runs"); do
		order=("${names[@]}")
		[ $((i % 2)) = 0 ] && for k in "${!names[@]}"; do
			order[k]=${names[${#names[@]} - 1 - k]}
		done
		for c in "${order[@]}"; do
			s=${EPOCHREALTIME/./}
			"t_$c" > /dev/null 2>&1
			e=${EPOCHREALTIME/./}
			[ -z "${best[$c]:-}" ] || [ $((e - s)) -lt "${best[$c]}" ] && best[$c]=$((e - s))
		done
	done
}

# gt_bench_transfers: "ip sym (dso) => addr sym (dso)" of each branch line
# of `auxrec script` or `perf script -F ...,ip,sym,symoff,dso,addr` (stdin)
gt_bench_transfers() {
	awk '{ for (i = 4; i < NF - 2; i++) if ($i == "=>") {
		print $(i - 3), $(i - 2), $(i - 1), $(i + 1), $(i + 2), $(i + 3); next } }'
}

# gt_bench_agree NAME AUXREC-OUT PERF-OUT AUXREC-ERR PERF-ERR WHAT: 0 when
# both scripts were silent on stderr and wrote the same lines; else says
# which (WHAT: what they read) as NAME and returns 1.
gt_bench_agree() {
	if [ -s "$4" ] || [ -s "$5" ]; then
		echo "$1: stderr: $(head -1 "$4") $(head -1 "$5")" >&2
		return 1
	fi
	if ! cmp -s "$2" "$3"; then
		echo "$1: auxrec script and perf script disagree on $6:" >&2
		diff "$2" "$3" | head -5 >&2
		return 1
	fi
}

# gt_bench_vs_perf BENCH UNIT COUNT FILE TARGET [ANCHOR]: the table and JSON
# line of an end-to-end benchmark of `auxrec script` (best[auxrec]) against
# `perf script` (best[perf]; ANCHOR, by default --itrace=b -F
# comm,tid,flags,ip,sym,symoff,dso,addr, as the table shows it) on FILE,
# which holds COUNT UNITs ("BTS records", "ETM branches"); ratio = perf
# seconds / auxrec seconds, PASS at TARGET or more. The JSON key of COUNT is
# the UNIT's last word ("records", "branches").
gt_bench_vs_perf() {
	local anchor=${6:-"perf script --itrace=b -F comm,tid,flags,ip,sym,symoff,dso,addr"}
	awk -v bench="$1" -v unit="$2" -v n="$3" -v size="$(stat -c %s "$4")" -v runs="$runs" \
		-v t="${best[auxrec]}" -v tp="${best[perf]}" -v target="$5" -v anchor="$anchor" 'BEGIN {
		t /= 1e6; tp /= 1e6; r = tp / t; ok = r >= target ? "PASS" : "FAIL"
		key = unit; sub(/.* /, "", key)
		printf "%d %s, %d file bytes, best of %d runs\n", n, unit, size, runs
		printf "%-16s %8s  %-62s %8s %7s %6s\n", "command", "seconds", "anchor", "seconds",
			"ratio", "target"
		printf "%-16s %8.3f  %-62s %8.3f %7.2f %6.2f  %s\n", "auxrec script", t,
			anchor, tp, r, target, ok
		printf "{\"bench\":\"%s\",\"%s\":%d,\"file_bytes\":%d,\"runs\":%d,\"s\":%.4f,\"perf_s\":%.4f,\"ratio\":%.2f,\"target\":%d,\"pass\":%s}\n",
			bench, key, n, size, runs, t, tp, r, target, ok == "PASS" ? "true" : "false"
	}'
}
