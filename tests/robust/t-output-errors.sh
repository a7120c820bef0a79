#!/bin/bash
# t-output-errors.sh - `auxrec export`, `script` and `report` when their
# output or memory fails; export through the builder thread and the block
# compressors (lib/output/call_stack_pipe.c, zstd_blocks.c) and on one
# thread (AUXREC_EXPORT_SERIAL=1); all with --jobs 1 and 2; on a recording
# whose output is not empty in any format (tests/tools/etm-gen's, in the
# fuzz corpus):
#  - export-full-*: -o /dev/full and a standard output on /dev/full: exit 1,
#    one error line that says why (No space left on device, not a bare
#    I/O error);
#  - script-full-*, report-full-*: text and --json on a standard output on
#    /dev/full: the same (script said nothing, report exited 0);
#  - export-dash: -o - is the standard output (the same bytes), not a file
#    named '-';
#  - output-nomem: export, script --json and report under an address-space
#    limit (ulimit -v, from what the program starts under upwards until
#    all work: allocations fail at different places): exit 0, or exit 1
#    with one error line that has a message (no signal, no empty line).
#    Skipped for a sanitizer build (its shadow memory needs the space).
cd "$(dirname "$0")/../.." || exit 1
A=${AUXREC:-./auxrec}
[ -x "$A" ] || { echo "not ok build: $A missing"; exit 1; }
A=$(realpath "$A")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=86"
f=$(realpath tests/fuzz/corpus/perf_data/auxrec-etm-gen.data)
. tests/check-lib.sh
rc=0
etm_corpus_symfs "$tmp/symfs" output-errors-etm-program || rc=1

# NAME STATUS ERRFILE: exit 1 and one line naming ENOSPC
full_verdict() {
	if [ "$2" = 1 ] && [ "$(wc -l < "$3")" = 1 ] &&
	   grep -q "^auxrec [a-z]*: cannot write .*: No space left on device$" "$3"; then
		echo "ok $1 ($(cat "$3"))"
	else
		echo "not ok $1: exit $2: $(head -3 "$3" | tr '\n' '|')"
		rc=1
	fi
}

for fmt in chrome perfetto folded; do
	for mode in pipe serial; do
		for jobs in 1 2; do
			name=export-full-$fmt-$mode-j$jobs
			if [ $mode = serial ]; then
				export AUXREC_EXPORT_SERIAL=1
			else
				unset AUXREC_EXPORT_SERIAL
			fi
			timeout 60 "$A" export -f $fmt --jobs $jobs -i "$f" --symfs "$tmp/symfs" -o /dev/full \
				2> "$tmp/err"
			full_verdict "$name" $? "$tmp/err"
			timeout 60 "$A" export -f $fmt --jobs $jobs -i "$f" --symfs "$tmp/symfs" > /dev/full \
				2> "$tmp/err"
			full_verdict "$name-stdout" $? "$tmp/err"
		done
	done
done
unset AUXREC_EXPORT_SERIAL
for cmd in script report; do
	for json in "" --json; do
		for jobs in 1 2; do
			timeout 60 "$A" $cmd $json --jobs $jobs -i "$f" --symfs "$tmp/symfs" > /dev/full 2> "$tmp/err"
			full_verdict "$cmd-full${json:+-json}-j$jobs" $? "$tmp/err"
		done
	done
done

# -o -: the standard output
mkdir "$tmp/cwd"
for fmt in chrome perfetto folded; do
	"$A" export -f $fmt -i "$f" --symfs "$tmp/symfs" -o "$tmp/file" 2> /dev/null
	(cd "$tmp/cwd" && "$A" export -f $fmt -i "$f" --symfs "$tmp/symfs" -o - > "$tmp/dash" 2> /dev/null)
	if [ -e "$tmp/cwd/-" ]; then
		echo "not ok export-dash-$fmt: -o - made a file named '-'"
		rc=1
	elif ! [ -s "$tmp/file" ] || ! cmp -s "$tmp/file" "$tmp/dash"; then
		echo "not ok export-dash-$fmt: -o - wrote $(wc -c < "$tmp/dash") bytes," \
			"-o FILE $(wc -c < "$tmp/file")"
		rc=1
	else
		echo "ok export-dash-$fmt ($(wc -c < "$tmp/dash") bytes on the standard output)"
	fi
done

# allocations failing: the address space limited to KB kilobytes
if nm -D "$A" 2> /dev/null | grep -q __asan_init || ldd "$A" | grep -q libasan; then
	echo "skip output-nomem: a sanitizer build"
	exit $rc
fi
# upwards in steps of 200 KB from the least under which the program starts
# (below it the loader or a library's constructor fails: libopencsd's
# aborts), until every export of a limit worked
kb=4000
while [ $kb -le 100000 ] &&
      ! { (ulimit -v $kb; exec "$A" export --help > /dev/null 2>&1); } 2> /dev/null; do
	kb=$((kb + 200))
done
runs=0 failed=0 bad=0 worked=0
runs_a_limit=("export -f chrome" "export -f perfetto" "script --json" "report")
while [ $worked -lt $((${#runs_a_limit[@]} * 2)) ] && [ $kb -le 100000 ]; do
	worked=0
	for run in "${runs_a_limit[@]}"; do
		for jobs in 1 2; do
			# shellcheck disable=SC2086
			(ulimit -v $kb; exec timeout 20 "$A" $run --jobs $jobs -i "$f" --symfs "$tmp/symfs" \
				> "$tmp/out" 2> "$tmp/err")
			st=$?
			runs=$((runs + 1))
			[ $st = 127 ] && continue	# the loader itself failed
			[ $st = 0 ] && { worked=$((worked + 1)); continue; }
			failed=$((failed + 1))
			# --json: the error is a {"error":...} line on stdout
			grep '^{"error":' "$tmp/out" >> "$tmp/err"
			if [ $st != 1 ] || [ "$(wc -l < "$tmp/err")" != 1 ] ||
			   grep -q '^auxrec [a-z]*: *$\|^{"error":""}$' "$tmp/err"; then
				[ $bad = 0 ] && echo "not ok output-nomem: ulimit -v $kb, $run" \
					"--jobs $jobs: exit $st: $(head -3 "$tmp/err" | tr '\n' '|')"
				bad=$((bad + 1))
			fi
		done
	done
	kb=$((kb + 200))
done
if [ $bad = 0 ] && [ $failed -gt 0 ]; then
	echo "ok output-nomem ($runs runs, $failed ran out of memory: one error line each)"
elif [ $bad = 0 ]; then
	echo "not ok output-nomem: no run ran out of memory (the sweep proves nothing)"
	rc=1
else
	rc=1
fi
exit $rc
