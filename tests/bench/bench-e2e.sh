#!/bin/bash
# End to end: the auxrec commands users run against reference tools on the
# same trace, each a whole process (start-up, reading the file, decoding,
# output to /dev/null), best of BENCH_RUNS runs, every command once per
# round, rounds alternating the order so that a slow stretch of a shared
# machine hits them alike. Ratio = anchor seconds / auxrec seconds (the
# issue's targets; >= target is PASS):
#   auxrec report                      >= 4x ipt-anchor blocks-count
#   auxrec script --itrace=b           >= 2x ipt-anchor blocks-print
#   auxrec script --itrace=b --json    >= 1x ipt-anchor blocks-print
#   auxrec script --itrace=b --json    >= 2x perf script --itrace=b -F ip,addr
#   auxrec dump --raw D --pmu intel_pt --stats >= 5x ipt-anchor packets-stats
#   auxrec script --itrace=b           >= 2x perf script --itrace=b (both
#                                      with symbols; bench-script's target)
# The anchors (tests/bench/ipt_anchor.c, built here, libipt 2.0 as Debian
# ships it) read the raw trace T and the memory image gt-record saved,
# not the perf.data: blocks-* run libipt's block decoder (pt_blk, blocks
# ended at calls and jumps, image section cache) and tell a taken branch
# from a block's last instruction and the next block's start (the
# instruction's length and, for cached blocks, class from lib/x86_insn,
# where a libipt user would call XED); blocks-count prints the count,
# blocks-print printf()s "from to" in hex per taken branch. packets-stats
# runs libipt's packet decoder (pt_pkt_sync_forward + pt_pkt_next) and
# counts packets and bytes per type. perf is Debian's perf script.
# The trace: the ground-truth stream of tests/gt/progs/indirect.c
# (BENCH_E2E_N iterations, default 20000, return compression) repeated
# BENCH_E2E_COPIES times (default 20: 2.09 M taken branches, 3.7 MB),
# wrapped into a perf.data by tests/tools/pd-gen (gt_bench_perf_data in
# gt-stream.sh). The packet rows read D, that trace repeated
# BENCH_E2E_DUMP_COPIES times (default 10: 36.8 MB), so that reading
# packets, not starting a process, is what they time; both sides read D. Correctness first, the script exits 1 unless: perf script
# and auxrec script list the same branches with the same symbol+offset on
# both ends; ipt-anchor prints the same from/to pairs as auxrec script and
# counts as many as auxrec report; the packet counts of ipt-anchor and
# auxrec dump --stats are equal. It prints a table and one JSON line and
# exits 0 whether the targets PASS or FAIL (it reports, it does not test).
# Knobs: BENCH_RUNS (default 5), BENCH_E2E_N, BENCH_E2E_COPIES,
# BENCH_E2E_DUMP_COPIES, AUXREC
# (default ./auxrec), AUXREC_BUILD (default build), CC.
cd "$(dirname "$0")/../.." || exit 1
export LC_ALL=C
. tests/bench/gt-stream.sh
gt_bench_e2e_setup bench-e2e || exit $?
gt_bench_perf_data "${BENCH_E2E_N:-20000}" "${BENCH_E2E_COPIES:-20}" || exit $?
img=$base-rc
anchor=$B/tests/bench/ipt-anchor
mkdir -p "$(dirname "$anchor")"
# shellcheck disable=SC2086
${CC:-gcc} $GT_CFLAGS -o "$anchor" tests/bench/ipt_anchor.c \
	tests/bench/bench_intel_pt_ptdump.c tests/gt/gt_image.c "$B/libauxrec.a" -lipt || exit 1

disagree() {	# WHAT FILE1 FILE2: say how they differ, fail
	echo "bench-e2e: $1 disagree on $f:" >&2
	diff "$2" "$3" | head -5 >&2
	exit 1
}
# correctness first: the same branches and symbols, or the timing means nothing
perf script --itrace=b -F ip,sym,symoff,addr -i "$f" 2> /dev/null |
	awk '$3 == "=>" {print $1, $2, $4, $5}' > "$f.perf"
"$A" script --itrace=b --json -i "$f" | python3 -c '
import json, sys
def s(e, k):
    return "%s+%#x" % (e[k + "_sym"], e[k + "_symoff"]) if e.get(k + "_sym") else "[unknown]"
with open(sys.argv[1], "w") as syms, open(sys.argv[2], "w") as pairs:
    for l in sys.stdin:
        e = json.loads(l)
        if e["type"] in ("branch", "trace_begin", "trace_end"):
            print(e["from"][2:], s(e, "from"), e["to"][2:], s(e, "to"), file=syms)
        if e["type"] == "branch":
            print(e["from"][2:], e["to"][2:], file=pairs)' "$f.auxrec" "$f.pairs" || exit 1
[ -s "$f.perf" ] && cmp -s "$f.perf" "$f.auxrec" || disagree "auxrec script and perf script" "$f.perf" "$f.auxrec"
"$anchor" blocks-print "$f.pt" "$img" > "$f.ipt" || exit 1
cmp -s "$f.pairs" "$f.ipt" || disagree "auxrec script and libipt's branches" "$f.pairs" "$f.ipt"
branches=$(wc -l < "$f.ipt")
counts="$("$anchor" blocks-count "$f.pt" "$img") $("$A" report --json -i "$f" |
	python3 -c 'import json, sys; print(json.load(sys.stdin)["branches"])')"
[ "$counts" = "$branches $branches" ] ||
	{ echo "bench-e2e: branches: libipt print $branches, libipt count, auxrec report: $counts" >&2; exit 1; }
dump_trace=$f.pt-x${BENCH_E2E_DUMP_COPIES:-10}
[ -s "$dump_trace" ] || python3 -c 'import sys; d = open(sys.argv[1], "rb").read()
open(sys.argv[2], "wb").write(d * int(sys.argv[3]))' "$f.pt" "$dump_trace" \
	"${BENCH_E2E_DUMP_COPIES:-10}" || exit 1
"$anchor" packets-stats "$dump_trace" | awk 'NF == 3' | sort > "$f.ipt-stats"
"$A" dump --raw "$dump_trace" --pmu intel_pt --stats | awk 'NF == 3 && $1 != "packet" && $2 != 0' |
	sort > "$f.auxrec-stats"
cmp -s "$f.ipt-stats" "$f.auxrec-stats" || disagree "auxrec dump --stats and libipt" "$f.ipt-stats" "$f.auxrec-stats"

# the timed commands, by name
t_report()	{ "$A" report -i "$f"; }
t_script()	{ "$A" script --itrace=b -i "$f"; }
t_json()	{ "$A" script --itrace=b --json -i "$f"; }
t_dump()	{ "$A" dump --raw "$dump_trace" --pmu intel_pt --stats; }
t_perf_ip()	{ perf script --itrace=b -F ip,addr -i "$f"; }
t_perf_sym()	{ perf script --itrace=b -i "$f"; }
t_ipt_count()	{ "$anchor" blocks-count "$f.pt" "$img"; }
t_ipt_print()	{ "$anchor" blocks-print "$f.pt" "$img"; }
t_ipt_stats()	{ "$anchor" packets-stats "$dump_trace"; }
declare -A best	# microseconds
gt_bench_best report script json dump perf_ip perf_sym ipt_count ipt_print ipt_stats

# rows: auxrec command, its name, anchor, its name, target
rows=(
	"auxrec report" report "libipt (ipt-anchor blocks-count)" ipt_count 4
	"auxrec script --itrace=b" script "libipt (ipt-anchor blocks-print)" ipt_print 2
	"auxrec script --itrace=b --json" json "libipt (ipt-anchor blocks-print)" ipt_print 1
	"auxrec script --itrace=b --json" json "perf script --itrace=b -F ip,addr" perf_ip 2
	"auxrec dump --raw D --pmu intel_pt --stats" dump "libipt (ipt-anchor packets-stats)" ipt_stats 5
	"auxrec script --itrace=b" script "perf script --itrace=b" perf_sym 2
)
for ((k = 0; k < ${#rows[@]}; k += 5)); do
	printf '%s\t%s\t%s\t%s\t%s\n' "${rows[k]}" "${best[${rows[k + 1]}]}" \
		"${rows[k + 2]}" "${best[${rows[k + 3]}]}" "${rows[k + 4]}"
done | awk -F '\t' -v n="$branches" -v size="$(stat -c %s "$f.pt")" \
	-v dsize="$(stat -c %s "$dump_trace")" -v runs="$runs" '
BEGIN {
	printf "%d taken branches, %d trace bytes (D: %d bytes), best of %d runs\n", n, size,
		dsize, runs
	printf "%-42s %8s  %-34s %8s %7s %6s\n", "command", "seconds", "anchor", "seconds",
		"ratio", "target"
}
{
	t = $2 / 1e6; ta = $4 / 1e6; r = ta / t; ok = r >= $5 ? "PASS" : "FAIL"
	printf "%-42s %8.3f  %-34s %8.3f %7.2f %6.2f  %s\n", $1, t, $3, ta, r, $5, ok
	json = json sprintf("%s{\"cmd\":\"%s\",\"s\":%.4f,\"anchor\":\"%s\",\"anchor_s\":%.4f,\"ratio\":%.2f,\"target\":%s,\"pass\":%s}",
		NR > 1 ? "," : "", $1, t, $3, ta, r, $5, ok == "PASS" ? "true" : "false")
}
END {
	printf "{\"bench\":\"e2e\",\"branches\":%d,\"trace_bytes\":%d,\"dump_trace_bytes\":%d,\"runs\":%d,\"rows\":[%s]}\n",
		n, size, dsize, runs, json
}'
