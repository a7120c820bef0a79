#!/bin/bash
# Snapshot mode against perf: the auxtest module impersonating intel_pt is
# recorded in one boot by Debian's `perf record -S` and by `auxrec record -S`
# (three SIGUSR2 each). Each file is read by both tools: snap_verify (on
# auxrec's reader) checks every snapshot of either file against the module's
# stop log, with AUXTRACE_INFO's snapshot flag (Intel PT word 8) set; `perf
# report -D` reads both files to the end, shows "Snapshot mode 1" and the
# same AUXTRACE chunks (count and bytes) as snap_verify; `auxrec dump` reads
# perf's file.
cd "$(dirname "$0")/../.." || exit 1
A=${AUXREC:-./auxrec}
V=${AUXREC_BUILD:-build}/tests/tools/snap_verify
OUT=build/vm/t-snapshot-perf.out
[ -x "$A" ] && [ -x $V ] || { echo "not ok build: $A or $V missing (make all tools)"; exit 1; }
command -v perf > /dev/null || { echo "skip snapshot_perf: no perf on the host (linux-perf)"; exit 0; }
rm -rf "$OUT"; mkdir -p "$OUT"

. tests/check-lib.sh
guest_script snapshot-perf "$OUT" 300 --perf --module-arg name=intel_pt --cpus 2 || exit 1

for n in perf auxrec; do
	f=$OUT/$n
	rc=$(cat "$f.rc" 2>/dev/null)
	# perf's status after SIGINT is its killed workload's (128 + 15); auxrec's 0
	if [ "$rc" != 0 ] && ! { [ $n = perf ] && [ "$rc" = 143 ]; }; then
		echo "not ok snapshot_perf_${n}_record: status $rc: $(tail -3 "$f.out")"
		continue
	fi
	# auxrec's reader on the file: every snapshot the newest 64K before its stop
	if $V "$f.data" --log "$f.log" --size 65536 --info-word 8 > "$f.verify"; then
		echo "ok snapshot_perf_${n}_file_verified # $(grep -E '^# (snapshots|logged_stops)' "$f.verify" | tr '\n' ' ')"
	else
		echo "not ok snapshot_perf_${n}_file_verified: $(grep -v '^#' "$f.verify" | head -4 | tr '\n' ' ')"
	fi
	# three snapshots of two cpus: a chunk per area with new data (perf's
	# first one may come before a cpu wrote anything)
	nsnap=$(sed -n 's/^# snapshots //p' "$f.verify")
	grep -q '^# info_word 8 1$' "$f.verify" && [ "${nsnap:-0}" -ge 3 ] && [ "$nsnap" -le 6 ] &&
		echo "ok snapshot_perf_${n}_flag_and_count" ||
		echo "not ok snapshot_perf_${n}_flag_and_count: $(grep -E '^# (info_word|snapshots)' "$f.verify" | tr '\n' ' ')"
	# perf reads the file to its end, in snapshot mode, with the same chunks
	perf report -D -i "$f.data" > "$f.txt" 2> "$f.report.err"
	prc=$?
	chunks=$(grep -c ' PERF_RECORD_AUXTRACE size' "$f.txt")
	bytes=$(python3 -c 'import sys; print(sum(int(l.split()[6], 16) for l in open(sys.argv[1]) if len(l.split()) > 6 and l.split()[4] == "PERF_RECORD_AUXTRACE"))' "$f.txt")
	want=$(sed -n 's/^# bytes //p' "$f.verify")
	if [ $prc = 0 ] && grep -q 'Snapshot mode *1$' "$f.txt" && [ "$chunks" = "$nsnap" ] && [ "$bytes" = "$want" ]; then
		echo "ok snapshot_perf_reads_${n}_file # $chunks chunks, $bytes bytes"
	else
		echo "not ok snapshot_perf_reads_${n}_file: status $prc, $chunks chunks, $bytes bytes (want $nsnap, $want), snapshot mode: $(grep -o 'Snapshot mode.*' "$f.txt" | head -1); $(head -2 "$f.report.err")"
	fi
done
# intel_pt: perf reads it, so no closing line says otherwise
grep -q 'perf cannot read' "$OUT/auxrec.out" && echo "not ok snapshot_perf_no_unreadable_note: $(cat "$OUT/auxrec.out")" ||
	echo "ok snapshot_perf_no_unreadable_note"
if "$A" dump --stats -i "$OUT/perf.data" > "$OUT/perf.dump" 2> "$OUT/perf.dump.err"; then
	echo "ok snapshot_auxrec_dumps_perf_file"
else
	echo "not ok snapshot_auxrec_dumps_perf_file: $(head -2 "$OUT/perf.dump.err")"
fi
