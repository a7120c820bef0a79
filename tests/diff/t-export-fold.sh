#!/bin/bash
# t-export-fold.sh - `auxrec export` makes the same output whether the
# decoder folds plain branches (decode_opts.fold_branches, the default) or
# hands over every branch as an event (AUXREC_EXPORT_EVENTS=1): byte for
# byte the same file, error lines and exit status, for -f chrome, perfetto
# and folded, each with -c time and -c insns, on
#  - the recordings of tests/diff/recordings.sh (ground truth with
#    compressed returns, CYC timing, overflows; decode errors; per-CPU
#    with context switches; damaged copies; Intel BTS);
#  - every input of the fuzz corpus's perf_data (export must fail on the
#    broken ones the same way, never crash).
# The same again with the decode threads of --jobs 3 on units of 1024
# bytes (AUXREC_PAR_UNIT): they fold too, delivering what they hold at
# each PSBEND, where a unit may be joined.
# export-folds: on the Intel PT recordings the folding must have been
# taken (AUXREC_EXPORT_STATS=1 says how many events the call stacks got:
# fewer than without), or the comparison would prove nothing; and so on
# the decode threads (export-folds-threads).
cd "$(dirname "$0")/../.." || exit 1
. tests/gt/build-tools.sh
. tests/diff/recordings.sh
diff_check_setup export-fold || exit $?
rc=0 fewer=0 folded_files=0 fewer_threads=0

# after each pair of exports that agree: they count, and what was folded
count_folds() {
	ev=$(cat "$tmp/ref.events") fo=$(cat "$tmp/new.events")
	[ -n "$ev" ] && [ -n "$fo" ] && [ "$fo" -lt "$ev" ] && less=$((ev - fo))
	n=$((n + 1))
}

# NAME FILE: the folded decode must give what the event path gives
same_exports() {
	local name=$1 f=$2 n=0 ev fo less=0
	exports_agree "export-fold-$name" "$f" "AUXREC_EXPORT_EVENTS=1 --jobs=1" --jobs=1 \
		"folding differs" count_folds || return 0
	if [ $less -gt 0 ]; then
		fewer=$((fewer + less))
		folded_files=$((folded_files + 1))
	fi
	echo "ok export-fold-$name ($n exports the same as the event path's;" \
		"${fo:-no} events folded, ${ev:-no} not)"
	less=0 n=0
	exports_agree "export-fold-threads-$name" "$f" "AUXREC_EXPORT_EVENTS=1 --jobs=1" \
		"AUXREC_PAR_UNIT=1024 --jobs=3" "folding on decode threads differs" count_folds ||
		return 0
	fewer_threads=$((fewer_threads + less))
	echo "ok export-fold-threads-$name ($n exports on 3 threads the same as the event" \
		"path's; ${fo:-no} events folded, ${ev:-no} not)"
}

diff_recordings export-fold same_exports || exit $?

diff_corpus export-fold same_exports 'perf_data'

if [ "$fewer" -gt 0 ]; then
	echo "ok export-folds ($fewer events fewer in $folded_files recordings: the folding was taken)"
else
	echo "not ok export-folds: no recording gave fewer events: the folding was not taken"
	rc=1
fi
if [ "$fewer_threads" -gt 0 ]; then
	echo "ok export-folds-threads ($fewer_threads events fewer on decode threads)"
else
	echo "not ok export-folds-threads: the decode threads folded no branch"
	rc=1
fi
exit $rc
