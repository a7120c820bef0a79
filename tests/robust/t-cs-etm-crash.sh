#!/bin/bash
# t-cs-etm-crash.sh - the OpenCSD crash guard (decoders/cs_etm/cs_tree.c)
# through the commands, not only the fuzz target: the bytes of
# tests/fuzz/corpus/cs_etm/opencsd-1.3.3-mispredict-crash, on which
# Debian's libopencsd 1.3.3 faults in TrcPktDecodeEtmV4I::mispredictAtom(),
# in a perf.data (etm-gen --fuzz-input: that input's AUXTRACE_INFO words
# and AUX chunk, the fuzz target's code in an ELF mapped at 0x400000 as the
# fuzz target has it, then a second chunk, a sound trace of a walk through
# that code, whose events etm-gen lists). The library reads through an
# invalidated deque iterator, i.e. freed memory: glibc's malloc leaves it
# looking valid (no fault), so the decode runs with MALLOC_PERTURB_ (freed
# memory filled with a byte), under which it faults every time; ASan's
# allocator (make SANITIZE=1) faults without it. Checks, each run under a
# timeout (a hang fails):
#  - script, text and --json, --jobs 1 and 2: exit 0, nothing on stderr,
#    exactly one "OpenCSD crashed on this data" error, and after it the
#    decode goes on: the events of the second chunk, exactly (--json: as
#    etm-gen lists them; text: as many lines);
#  - export, chrome and folded, --jobs 1 and 2: exit 0, nothing on stderr,
#    the same bytes at both, and the walk's first call in its stacks.
# Without the guard (its handler not installed) every one fails: auxrec
# dies of SIGSEGV. On another libopencsd than 1.3.3 the input may not
# fault: skipped then.
cd "$(dirname "$0")/../.." || exit 1
A=$(realpath "${AUXREC:-./auxrec}")
B=${AUXREC_BUILD:-build}
[ -x "$A" ] || { echo "not ok build: $A missing"; exit 1; }
[ -x "$B/tests/tools/etm-gen" ] || { echo "not ok cs-etm-crash: $B/tests/tools/etm-gen missing (make tools)"; exit 1; }
. tests/check-lib.sh
. tests/perf/cs-etm-events.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=86"
export MALLOC_PERTURB_=165
input=tests/fuzz/corpus/cs_etm/opencsd-1.3.3-mispredict-crash
crash="OpenCSD crashed on this data"
version=$(dpkg-query -W -f '${Version}' libopencsd1 2> /dev/null)
case $version in
1.3.3*) ;;
*) echo "skip cs-etm-crash: libopencsd1 ${version:-not from a package}, not 1.3.3"; exit 0 ;;
esac

if ! "$B/tests/tools/etm-gen" --fuzz-input "$input" "$tmp/code.elf" "$tmp/crash.data" \
	"$tmp/expected" 2> "$tmp/gen.err"; then
	echo "not ok cs-etm-crash: etm-gen: $(tail -1 "$tmp/gen.err")"
	exit 1
fi
nev=$(wc -l < "$tmp/expected")

# ERR: "" when the command ran well (its exit status in $rc, stderr in ERR)
ran_well() {
	if [ "$rc" = 124 ]; then
		echo "no end in 60 s"
	elif [ "$rc" != 0 ]; then
		echo "exit status $rc$( [ "$rc" -gt 128 ] && echo " (signal $((rc - 128)))"): $(
			head -2 "$1" | tr '\n' ' ')"
	elif [ -s "$1" ]; then
		echo "stderr: $(head -2 "$1" | tr '\n' ' ')"
	fi
}

for jobs in 1 2; do
	for mode in text json; do
		name=cs-etm-crash-script-$mode-jobs$jobs
		opt=()
		[ $mode = json ] && opt=(--json)
		timeout 60 "$A" script "${opt[@]}" --jobs $jobs -i "$tmp/crash.data" \
			> "$tmp/out" 2> "$tmp/err"
		rc=$?
		why=$(ran_well "$tmp/err")
		n=$(grep -c "$crash" "$tmp/out")
		[ -z "$why" ] && [ "$n" != 1 ] && why="$n lines of \"$crash\", want 1"
		sed -n "/$crash/,\$p" "$tmp/out" | sed 1d > "$tmp/after"
		if [ -z "$why" ] && [ $mode = json ]; then
			script_events "$tmp/after" > "$tmp/got"
			why=$(first_difference "$tmp/expected" "$tmp/got" "events after the crash" \
				"< etm-gen > auxrec")
		elif [ -z "$why" ] && [ "$(wc -l < "$tmp/after")" != "$nev" ]; then
			why="$(wc -l < "$tmp/after") lines after the crash, want the $nev events of the chunk after it"
		fi
		verdict "$name" "$why" "exit 0, one \"$crash\", then the $nev events of the next chunk"
	done
done

first_call=$(awk '$1 == "call" { sub(/^0x/, "", $3); print $3; exit }' "$tmp/expected")
for fmt in chrome folded; do
	why=
	for jobs in 1 2; do
		timeout 60 "$A" export -f $fmt --jobs $jobs -i "$tmp/crash.data" \
			-o "$tmp/export-$jobs" 2> "$tmp/err"
		rc=$?
		why=$(ran_well "$tmp/err")
		[ -n "$why" ] && { why="--jobs $jobs: $why"; break; }
	done
	[ -z "$why" ] && ! cmp -s "$tmp/export-1" "$tmp/export-2" && why="--jobs 1 and 2 differ"
	[ -z "$why" ] && ! grep -q "0x$first_call" "$tmp/export-1" &&
		why="the walk's first call (to 0x$first_call) is in no stack"
	verdict "cs-etm-crash-export-$fmt" "$why" "exit 0, $(wc -c < "$tmp/export-1") bytes at --jobs 1 and 2, the walk's calls in it"
done
