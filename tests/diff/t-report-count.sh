#!/bin/bash
# t-report-count.sh - `auxrec report` counts the same whether the decoder
# sums taken branches up per source (its counting mode, the default where
# the decoder has one) or hands over every branch as an event
# (AUXREC_REPORT_EVENTS=1): byte for byte the same output, error lines and
# exit status, for the default sort, --sort sym, dso and sym,dso, as text
# and --json, with --jobs 1, 2 and 7 (units of 1024 bytes: the decode
# threads, which count in ranges joined as the events are, decode most of
# the trace), against the event path with --jobs 1, on
#  - the recordings of tests/diff/recordings.sh (ground truth with
#    compressed returns, CYC timing, overflows; decode errors; per-CPU
#    with context switches; damaged copies; Intel BTS);
#  - every perf.data of the fuzz corpus (and the corpus's other inputs:
#    report must fail on them the same way, never crash).
# report-sums: on the Intel PT recordings the counting mode must have been
# taken (AUXREC_REPORT_STATS=1 says how many branches came as sums), or
# the comparison would prove nothing, and with --jobs 2 and 7 for as many
# branches as with --jobs 1, in ranges that joined (AUXREC_PAR_UNIT's
# line says how many).
cd "$(dirname "$0")/../.." || exit 1
. tests/gt/build-tools.sh
. tests/diff/recordings.sh
diff_check_setup report-count || exit $?
rc=0 files=0 joined=0
declare -A summed=([1]=0 [2]=0 [7]=0)

# OUT ARGS...: report's stdout, stderr (but the stats line) and exit status into OUT
report_to() {
	local out=$1 st
	shift
	AUXREC_PAR_UNIT=1024 timeout 60 "$A" report "$@" > "$out" 2> "$out.err"
	st=$?
	echo "exit $st" >> "$out"
	grep -v '^auxrec: parallel decode\|^auxrec: report: ' "$out.err" >> "$out"
	return $st
}

# NAME FILE: the counting mode must give what the event path gives
same_counts() {
	local name=$1 f=$2 sort fmt j st n=0 sums what
	for sort in "" "--sort sym" "--sort dso" "--sort sym,dso"; do
		for fmt in "" --json; do
			# shellcheck disable=SC2086
			AUXREC_REPORT_EVENTS=1 report_to "$tmp/events" $sort $fmt --jobs 1 -i "$f"
			[ -z "$sort$fmt" ] && cp "$tmp/events" "$tmp/first"
			for j in 1 2 7; do
				# shellcheck disable=SC2086
				AUXREC_REPORT_STATS=1 report_to "$tmp/count" $sort $fmt --jobs $j -i "$f"
				st=$?
				if [ $st -gt 1 ]; then
					echo "not ok report-count-$name: report $sort $fmt --jobs $j:" \
						"exit $st: $(head -2 "$tmp/count.err")"
					rc=1
					return
				fi
				what="report $sort $fmt --jobs $j: counting differs from the events"
				outputs_agree "report-count-$name: $what" "$tmp/events" "$tmp/count" ||
					return
				sums=$(sed -n 's/^auxrec: report: \([0-9]*\) of .*/\1/p' "$tmp/count.err")
				summed[$j]=$((summed[$j] + ${sums:-0}))
				joined=$((joined + $(awk '/^auxrec: parallel/ {n += $9} END {print n + 0}' \
					"$tmp/count.err")))
				n=$((n + 1))
			done
		done
	done
	files=$((files + 1))
	echo "ok report-count-$name ($n outputs the same as the event path's;" \
		"$(grep -c '^ ' "$tmp/first") rows)"
}

diff_recordings report-count same_counts || exit $?

diff_corpus report-count same_counts '*'

if [ "${summed[1]}" -le 0 ]; then
	echo "not ok report-sums: no branch came as a sum: the counting mode was not taken"
	rc=1
elif [ "${summed[2]}" != "${summed[1]}" ] || [ "${summed[7]}" != "${summed[1]}" ]; then
	echo "not ok report-sums: branches as sums: ${summed[1]} with --jobs 1," \
		"${summed[2]} with --jobs 2, ${summed[7]} with --jobs 7"
	rc=1
elif [ "$joined" -le 0 ]; then
	echo "not ok report-sums: no range joined with --jobs 2 or 7"
	rc=1
else
	echo "ok report-sums (${summed[1]} branches counted as sums with each of --jobs 1, 2" \
		"and 7 over $files files; $joined joins)"
fi
exit $rc
