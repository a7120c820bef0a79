#!/bin/bash
# t-export-pipe.sh - `auxrec export` builds the call stacks on a thread of
# their own while the decoder runs (lib/output/call_stack_pipe.c); it must
# write what the serial build (AUXREC_EXPORT_SERIAL=1) writes: byte for
# byte the file, stdout, stderr and exit status, for -f chrome, perfetto
# and folded, each with -c time and -c insns, on
#  - the recordings of tests/diff/recordings.sh (ground truth with
#    compressed returns, CYC, overflows; decode errors; per-CPU with
#    context switches; damaged copies; Intel BTS; a 300 KB stream);
#  - recordings seeded by stack samples (docs/stack-seed.md): a trace
#    begun deep in recursion with a sample at its start, one with a sample
#    only at a later stop, and that one on the trace with overflows;
#  - every input of the fuzz corpus's perf_data (tracepoints as instant
#    events, snapshots, ARM SPE, CoreSight ETM, perf's pipe format,
#    broken files: the same error lines and status).
# The pipeline hands events over in batches of 5 (AUXREC_EXPORT_BATCH), so
# that small recordings go through the builder thread, its ring filling
# up and draining at each piece; the Perfetto export's blocks are 4 KiB
# (AUXREC_EXPORT_BLOCK, for both), so that many are compressed on two
# threads. Each recording also -f perfetto with the default sizes and
# read from a pipe (-i -) against the serial export of the file, and with
# --jobs 2 (units of 1024 bytes) against the serial export with --jobs 2.
# export-pipe-used: the builder thread took batches (AUXREC_EXPORT_STATS),
# or the comparisons would prove nothing.
# export-pipe-full: -o /dev/full: one error line, exit 1.
cd "$(dirname "$0")/../.." || exit 1
. tests/gt/build-tools.sh
. tests/diff/recordings.sh
diff_check_setup export-pipe || exit $?
rc=0 batches=0 files=0

# OUT: the number of batches the builder thread took, from OUT.err
batches_of() {
	sed -n 's/^auxrec: export: \([0-9]*\) batches to the builder thread$/\1/p' "$1.err"
}

# after each pair of exports that agree: they count, and the batches taken
count_batches() {
	b=$(batches_of "$tmp/new")
	took=$((took + ${b:-0}))
	n=$((n + 1))
}

# NAME FILE: the pipelined exports must be the serial ones
same_exports() {
	local name=$1 f=$2 n=0 b took=0
	exports_agree "export-pipe-$name" "$f" "AUXREC_EXPORT_BLOCK=4096 AUXREC_EXPORT_SERIAL=1" \
		"AUXREC_EXPORT_BLOCK=4096 AUXREC_EXPORT_BATCH=5" "the pipeline differs" \
		count_batches || return 0
	# the default sizes, and a pipe, against the serial export of the file
	AUXREC_EXPORT_SERIAL=1 export_to "$tmp/serial" -f perfetto -i "$f"
	export_to "$tmp/pipe" -f perfetto -i "$f"
	outputs_agree "export-pipe-$name: -f perfetto: the pipeline differs" \
		"$tmp/serial" "$tmp/pipe" || return 0
	AUXREC_EXPORT_BATCH=5 export_to "$tmp/pipe" -f perfetto -i - < "$f"
	sed -i "s|$f|-|g" "$tmp/serial"	# a pipe's errors name no file
	outputs_agree "export-pipe-$name: -f perfetto -i -: the pipeline differs" \
		"$tmp/serial" "$tmp/pipe" || return 0
	# --jobs 2: decode threads, then the builder's
	AUXREC_PAR_UNIT=1024 AUXREC_EXPORT_SERIAL=1 export_to "$tmp/serial" -f perfetto \
		--jobs 2 -i "$f"
	AUXREC_PAR_UNIT=1024 AUXREC_EXPORT_BATCH=5 export_to "$tmp/pipe" -f perfetto \
		--jobs 2 -i "$f"
	# AUXREC_PAR_UNIT's line (after the binary file, not at a line's
	# start): how many units joined depends on the threads' timing
	sed -i 's/auxrec: parallel decode of [0-9]* bytes: [0-9]* units, [0-9]* joined, .*$//' \
		"$tmp/serial" "$tmp/pipe"
	outputs_agree "export-pipe-$name: -f perfetto --jobs 2: the pipeline differs" \
		"$tmp/serial" "$tmp/pipe" || return 0
	if [ $took -gt 0 ]; then
		batches=$((batches + took))
		files=$((files + 1))
	fi
	echo "ok export-pipe-$name ($((n + 3)) exports the same as the serial one's;" \
		"$took batches to the builder thread)"
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
	"$B/tests/tools/pd-gen" --stack-sample "$g.late-sample:$(cat "$g.late-tsc")" \
		"$g.late.data" "$g-rc.pt" "$g" $load > /dev/null &&
	"$B/tests/tools/pd-gen" --stack-sample "$g.late-sample:$(cat "$g.late-tsc")" \
		"$g.gap.data" "$g-ovf.pt" "$g" $load > /dev/null ||
		{ echo "not ok export-pipe-seeded: pd-gen --stack-sample"; rc=1; return; }
	same_exports seeded-start "$g.data"
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

# a full disk: one error line, exit 1, with batches in flight
f=$tmp/big-default-units.data
[ -f "$f" ] || f=$(ls "$tmp"/*.data | head -1)
AUXREC_EXPORT_BATCH=5 timeout 60 "$A" export -f perfetto -i "$f" -o /dev/full \
	> "$tmp/full.out" 2> "$tmp/full.err"
st=$?
if [ $st = 1 ] && [ "$(wc -l < "$tmp/full.err")" = 1 ] && grep -q "^auxrec export: " "$tmp/full.err"; then
	echo "ok export-pipe-full ($(cat "$tmp/full.err"))"
else
	echo "not ok export-pipe-full: exit $st: $(head -3 "$tmp/full.err")"
	rc=1
fi
exit $rc
