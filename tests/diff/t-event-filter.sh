#!/bin/bash
# t-event-filter.sh - the decoding commands' selection of events (--pid,
# --tid, -C/--cpu, --comm, --time; lib/session/event_filter.c) against a
# reference that applies the same conditions to the unfiltered output
# (tests/diff/event-filter-ref.py), on
#  - the recordings of tests/diff/recordings.sh (ground truth with
#    compressed returns, CYC timing, overflows; decode errors; per-CPU
#    with context switches between two processes; damaged copies; Intel
#    BTS; a stream over 256 KiB);
#  - every perf.data of the fuzz corpus (ARM SPE with tracepoint samples,
#    ETM, perf's own files).
# For each, filters chosen from its events (a pid, two pids, a tid, a CPU,
# a CPU range, a thread name, a time window over the middle third of the
# events, windows open at either end, pid and time together, one that
# matches nothing):
#  - `script --events all-but-insn --json` with the filter (--jobs 1; and
#    --jobs 7 in units of 1024 bytes for the time windows: the decode
#    threads filter too) must be the reference's lines, byte for byte;
#  - `report --json --jobs 2` with the pid and with the time window (the
#    counting mode, in sums per owner, and the events a time needs) must
#    count the instructions, taken branches and errors of those lines;
# and bad values (a pid list with an empty item, a time range backwards,
# a CPU list out of order, ten decimals) are one usage error, exit 1.
cd "$(dirname "$0")/../.." || exit 1
. tests/gt/build-tools.sh
. tests/diff/recordings.sh
diff_check_setup event-filter || exit $?
rc=0
ref=tests/diff/event-filter-ref.py
kinds=$diff_event_kinds

# NAME FILE: every filter the reference picks for FILE
filters_agree() {
	local name=$1 f=$2 fname opts j n=0 st want got
	"$A" script --events $kinds --json --jobs 1 -i "$f" > "$tmp/all.json" 2> /dev/null
	st=$?
	if [ $st -gt 1 ]; then
		echo "not ok event-filter-$name: unfiltered script exit $st"
		rc=1
		return
	fi
	[ $st = 0 ] && [ -s "$tmp/all.json" ] || return 0	# nothing decodes: nothing to select
	rm -rf "$tmp/ref"
	mkdir "$tmp/ref"
	python3 $ref picks "$tmp/all.json" "$tmp/ref" || { rc=1; return; }
	while IFS=$'\t' read -r fname opts; do
		# every filter on one thread; those with a time window on 7 too
		for j in 1 7; do
			[ $j = 7 ] && [ "${fname#*time}" = "$fname" ] && continue
			# shellcheck disable=SC2086
			AUXREC_PAR_UNIT=1024 timeout 60 "$A" script --events $kinds --json --jobs $j \
				$opts -i "$f" > "$tmp/got.json" 2> /dev/null
			outputs_agree "event-filter-$name: script $opts --jobs $j" \
				"$tmp/ref/$fname.json" "$tmp/got.json" || return
			n=$((n + 1))
		done
		# report: by owner (sums, on 2 threads) and by time (events)
		case $fname in
		pid|time) ;;
		*) continue ;;
		esac
		want=$(cat "$tmp/ref/$fname.totals")
		# shellcheck disable=SC2086
		got=$(AUXREC_PAR_UNIT=1024 timeout 60 "$A" report --json --jobs 2 $opts -i "$f" \
			2> /dev/null | python3 -c 'import json, sys
r = json.load(sys.stdin); print(r["insns"], r["branches"], r["errors"])')
		if [ "$got" != "$want" ]; then
			echo "not ok event-filter-$name: report $opts counts '$got'" \
				"(insns branches errors), the filtered events '$want'"
			rc=1
			return
		fi
		n=$((n + 1))
	done < "$tmp/ref/picks"
	echo "ok event-filter-$name ($(wc -l < "$tmp/ref/picks") filters, $n outputs as the reference's)"
}

diff_recordings event-filter filters_agree || exit $?
diff_corpus event-filter filters_agree 'perf_data'

# bad values: one usage error line first, exit 1
f=tests/fuzz/corpus/perf_data/auxrec-pd-gen.data
for bad in "--pid 1," "--pid ,1" "--pid -1" "--tid x" "--cpu 3-1" "--comm a,,b" \
	   "--time 2,1" "--time 1" "--time ," "--time 1.0123456789," "--time 1,2,3"; do
	for cmd in script report; do
		# shellcheck disable=SC2086
		"$A" $cmd $bad -i "$f" > /dev/null 2> "$tmp/err"
		st=$?
		opt=${bad%% *}
		if [ $st != 1 ] || ! head -1 "$tmp/err" | grep -q "^auxrec $cmd: bad $opt '"; then
			echo "not ok event-filter-bad: $cmd $bad: exit $st: $(head -1 "$tmp/err")"
			rc=1
		fi
	done
done
[ $rc = 0 ] && echo "ok event-filter-bad (11 bad values, script and report)"
exit $rc
