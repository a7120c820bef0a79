#!/bin/bash
# t-export-pipe.sh - `auxrec export` builds the call stacks beside the
# decode: on a thread of their own fed in batches (lib/output/call_stack_pipe.c),
# and with --jobs N > 1 (the default on more than one CPU) from records the
# decode threads make, fed in order by whichever decode thread hands them
# over (cmd/export.c). It must write what the serial build
# (AUXREC_EXPORT_SERIAL=1 --jobs 1) writes: byte for byte the file, stdout,
# stderr and exit status, for -f chrome, perfetto and folded, each with
# -c time and -c insns, pipelined with --jobs 1, 2 and 7, on
#  - the recordings of tests/diff/recordings.sh (ground truth with
#    compressed returns, CYC, overflows; decode errors; per-CPU with
#    context switches; damaged copies; Intel BTS; a 300 KB stream);
#  - recordings seeded by stack samples (docs/stack-seed.md): a trace
#    begun deep in recursion with a sample at its start (with compressed
#    returns, and with returns as TIPs: long enough to be cut for threads),
#    one with a sample only at a later stop, and that one on the trace with
#    overflows;
#  - every input of the fuzz corpus's perf_data (tracepoints as instant
#    events, snapshots, ARM SPE, CoreSight ETM, perf's pipe format,
#    broken files: the same error lines and status).
# The pipeline hands events over in batches of 5 (AUXREC_EXPORT_BATCH), so
# that small recordings go through the builder thread, its ring filling
# up and draining at each piece; with --jobs 2 and 7 the trace is cut into
# units of 1024 bytes (AUXREC_PAR_UNIT), so that small streams are decoded
# on threads too; the Perfetto export's blocks are 4 KiB
# (AUXREC_EXPORT_BLOCK, for both), so that many are compressed on two
# threads. Each recording also -f perfetto with the default sizes and
# threads, read from a pipe (-i -) with --jobs 2, and with --jobs 2 in
# serial mode (the events handed from the decode threads to the calling
# thread), against the serial export of the file.
# export-pipe-used: the builder thread took batches, export-pipe-threads:
# the decode threads fed records (AUXREC_EXPORT_STATS), or the comparisons
# would prove nothing.
# export-pipe-full: -o /dev/full with --jobs 1, 2 and 7: one error line,
# exit 1.
cd "$(dirname "$0")/../.." || exit 1
. tests/gt/build-tools.sh
. tests/diff/recordings.sh
diff_check_setup export-pipe || exit $?
rc=0 batches=0 files=0 thread_events=0 thread_files=0

# OUT: the number N of AUXREC_EXPORT_STATS' line "N WHAT", from OUT.err
stat_of() {
	sed -n "s/^auxrec: export: \([0-9]*\) $2\$/\1/p" "$1.err"
}

# after each pair of exports that agree: they count, and the batches taken
# and the records fed by decode threads
count_batches() {
	b=$(stat_of "$tmp/new" "batches to the builder thread")
	took=$((took + ${b:-0}))
	b=$(stat_of "$tmp/new" "events fed by decode threads")
	fed=$((fed + ${b:-0}))
	n=$((n + 1))
}

# NAME FILE: the pipelined exports must be the serial ones
same_exports() {
	local name=$1 f=$2 n=0 b took=0 fed=0 j
	local serial="AUXREC_EXPORT_BLOCK=4096 AUXREC_EXPORT_SERIAL=1 --jobs=1"
	local pipe="AUXREC_EXPORT_BLOCK=4096 AUXREC_EXPORT_BATCH=5"
	exports_agree "export-pipe-$name" "$f" "$serial" "$pipe --jobs=1" \
		"the pipeline differs" count_batches || return 0
	for j in 2 7; do
		exports_agree "export-pipe-$name" "$f" "$serial" \
			"$pipe AUXREC_PAR_UNIT=1024 --jobs=$j" "--jobs $j differs" \
			count_batches || return 0
	done
	# the default sizes and threads, a pipe, and the serial --jobs 2
	# against the serial export of the file
	AUXREC_EXPORT_SERIAL=1 export_to "$tmp/serial" -f perfetto --jobs 1 -i "$f"
	export_to "$tmp/pipe" -f perfetto -i "$f"
	outputs_agree "export-pipe-$name: -f perfetto: the pipeline differs" \
		"$tmp/serial" "$tmp/pipe" || return 0
	AUXREC_EXPORT_SERIAL=1 AUXREC_PAR_UNIT=1024 export_to "$tmp/pipe" -f perfetto \
		--jobs 2 -i "$f"
	outputs_agree "export-pipe-$name: -f perfetto --jobs 2, serial: differs" \
		"$tmp/serial" "$tmp/pipe" || return 0
	AUXREC_EXPORT_BATCH=5 AUXREC_PAR_UNIT=1024 export_to "$tmp/pipe" -f perfetto \
		--jobs 2 -i - < "$f"
	sed -i "s|$f|standard input|g" "$tmp/serial"	# a pipe's errors name no file
	outputs_agree "export-pipe-$name: -f perfetto --jobs 2 -i -: the pipeline differs" \
		"$tmp/serial" "$tmp/pipe" || return 0
	if [ $took -gt 0 ]; then
		batches=$((batches + took))
		files=$((files + 1))
	fi
	if [ $fed -gt 0 ]; then
		thread_events=$((thread_events + fed))
		thread_files=$((thread_files + 1))
	fi
	echo "ok export-pipe-$name ($((n + 3)) exports the same as the serial one's;" \
		"$took batches to the builder thread, $fed events fed by decode threads)"
}

# the seeded recordings of tests/export/t-export-seed.sh, made the same way
seeded() {
	local g=$tmp/seeded load
	gcc -O1 -static -no-pie -o "$g" tests/gt/progs/recursion.c ||
		{ echo "not ok export-pipe-seeded: cannot compile"; rc=1; return; }
	gt_record export-pipe-seeded "$g.rec" --ovf 20000 --start 60000 --late-sample "$g" \
		-- "$g" || { rc=1; return; }
	load=$(load_of "$g")
	# shellcheck disable=SC2086
	"$B/tests/tools/pd-gen" --stack-sample "$g.sample" "$g.data" "$g-rc.pt" "$g" $load \
		> /dev/null &&
	"$B/tests/tools/pd-gen" --stack-sample "$g.sample" "$g.tip.data" "$g.pt" "$g" $load \
		> /dev/null &&
	"$B/tests/tools/pd-gen" --stack-sample "$g.late-sample:$(cat "$g.late-tsc")" \
		"$g.late.data" "$g-rc.pt" "$g" $load > /dev/null &&
	"$B/tests/tools/pd-gen" --stack-sample "$g.late-sample:$(cat "$g.late-tsc")" \
		"$g.gap.data" "$g-ovf.pt" "$g" $load > /dev/null ||
		{ echo "not ok export-pipe-seeded: pd-gen --stack-sample"; rc=1; return; }
	same_exports seeded-start "$g.data"
	# returns as TIPs: a longer stream, with PSBs to cut it at for threads
	same_exports seeded-start-tip "$g.tip.data"
	same_exports seeded-late "$g.late.data"
	same_exports seeded-gap "$g.gap.data"
}

diff_recordings export-pipe same_exports || exit $?
seeded
diff_corpus export-pipe same_exports 'perf_data'

if [ "$batches" -gt 0 ]; then
	echo "ok export-pipe-used ($batches batches to the builder thread in $files recordings)"
else
	echo "not ok export-pipe-used: no batch went to the builder thread"
	rc=1
fi
if [ "$thread_events" -gt 0 ]; then
	echo "ok export-pipe-threads ($thread_events events fed by decode threads in" \
		"$thread_files recordings)"
else
	echo "not ok export-pipe-threads: no decode thread fed the call stacks"
	rc=1
fi

# a full disk: one error line, exit 1, with batches in flight
f=$tmp/big-default-units.data
[ -f "$f" ] || f=$(ls "$tmp"/*.data | head -1)
for j in 1 2 7; do
	AUXREC_EXPORT_BATCH=5 AUXREC_PAR_UNIT=4096 timeout 60 "$A" export -f perfetto --jobs $j \
		-i "$f" -o /dev/full > "$tmp/full.out" 2> "$tmp/full.err"
	st=$?
	grep -v '^auxrec: parallel decode of ' "$tmp/full.err" > "$tmp/full.err1"
	if [ $st = 1 ] && [ "$(wc -l < "$tmp/full.err1")" = 1 ] &&
	   grep -q "^auxrec export: " "$tmp/full.err1"; then
		echo "ok export-pipe-full-jobs$j ($(cat "$tmp/full.err1"))"
	else
		echo "not ok export-pipe-full-jobs$j: exit $st: $(head -3 "$tmp/full.err1")"
		rc=1
	fi
done
exit $rc
