#!/bin/bash
# t-lazy-opencsd.sh - OpenCSD (and the libstdc++ it brings) is loaded only
# when a CoreSight trace is dumped or decoded (decoders/cs_etm/cs_ocsd.c):
#  - the auxrec binary does not name libopencsd* or libstdc++ as NEEDED;
#  - `script` of an Intel PT recording does not load it (LD_DEBUG=files);
#  - `script` of a CoreSight recording (tests/tools/etm-gen's fuzz seed)
#    loads it with dlopen() and decodes branches without errors, at
#    --jobs 1 and 2;
#  - with a broken library of that name first on LD_LIBRARY_PATH, a
#    CoreSight recording gives one "cannot load OpenCSD" error in the
#    output of script, report and dump (exit 0, as other decode errors),
#    `version` says why OpenCSD could not be loaded (text and JSON), and an
#    Intel PT recording's output is unchanged.
cd "$(dirname "$0")/../.." || exit 1
A=${AUXREC:-./auxrec}
[ -x "$A" ] || { echo "not ok build: $A missing"; exit 1; }
. tests/check-lib.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=86"
etm=tests/fuzz/corpus/perf_data/auxrec-etm-gen.data
pt=tests/fuzz/corpus/perf_data/auxrec-pd-gen.data
etm_corpus_symfs "$tmp/symfs" lazy-opencsd-etm-program
lib=$(strings -a "$A" | grep -m1 -E '^libopencsd_c_api\.so(\.[0-9]+)*$')

why=
[ -n "$lib" ] || why="no libopencsd_c_api SONAME string in $A"
needed=$(objdump -p "$A" | awk '$1 == "NEEDED" && $2 ~ /^lib(opencsd|stdc\+\+)/ { print $2 }')
[ -n "$needed" ] && why="$A needs $(echo $needed)"
verdict lazy-opencsd-not-needed "$why" "NEEDED: $(objdump -p "$A" | awk '$1 == "NEEDED"' | wc -l) libraries"

loaded() {	# stderr file of LD_DEBUG=files: "yes" when OpenCSD was loaded
	grep -q "file=libopencsd_c_api" "$1" && echo yes
}

why=
LD_DEBUG=files "$A" script -i "$pt" > "$tmp/pt.out" 2> "$tmp/pt.ld" || why="exit status $?"
[ -z "$why" ] && [ -n "$(loaded "$tmp/pt.ld")" ] && why="Intel PT script loaded OpenCSD"
[ -z "$why" ] && ! [ -s "$tmp/pt.out" ] && why="no output"
verdict lazy-opencsd-intel-pt-not-loaded "$why" "$(wc -l < "$tmp/pt.out") lines"

for j in 1 2; do
	why=
	LD_DEBUG=files "$A" script --jobs $j -i "$etm" --symfs "$tmp/symfs" > "$tmp/etm.out" 2> "$tmp/etm.ld" ||
		why="exit status $?"
	[ -z "$why" ] && [ -z "$(loaded "$tmp/etm.ld")" ] && why="CoreSight script did not load OpenCSD"
	[ -z "$why" ] && grep -q ' error ' "$tmp/etm.out" && why="$(grep -m1 ' error ' "$tmp/etm.out")"
	n=$(grep -c '=>' "$tmp/etm.out")
	[ -z "$why" ] && [ "$n" -lt 10 ] && why="$n branch lines"
	verdict "lazy-opencsd-cs-etm-decodes-jobs$j" "$why" "$n branch lines"
done

# a broken library of OpenCSD's SONAME found first
mkdir -p "$tmp/badlib"
: > "$tmp/badlib/${lib:-libopencsd_c_api.so.1}"
bad() { LD_LIBRARY_PATH="$tmp/badlib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$A" "$@"; }

why=
bad script -i "$etm" --symfs "$tmp/symfs" > "$tmp/s.out" 2> "$tmp/s.err" || why="script exit status $?"
n=$(grep -c 'cannot load OpenCSD' "$tmp/s.out")
[ -z "$why" ] && [ "$n" != 1 ] && why="$n 'cannot load OpenCSD' lines in script: $(head -2 "$tmp/s.out")"
[ -z "$why" ] && [ -s "$tmp/s.err" ] && why="stderr: $(head -1 "$tmp/s.err")"
verdict lazy-opencsd-missing-script "$why" "$(head -1 "$tmp/s.out" | sed 's/^ *//')"

why=
bad report -i "$etm" --symfs "$tmp/symfs" > "$tmp/r.out" 2> "$tmp/r.err" || why="report exit status $?"
[ -z "$why" ] && ! grep -q '# 0 instructions, 0 taken branches, 1 decode errors' "$tmp/r.out" &&
	why="report: $(sed -n 2p "$tmp/r.out")"
verdict lazy-opencsd-missing-report "$why" "$(sed -n 2p "$tmp/r.out")"

# auxrec version loads OpenCSD to ask its version: without it, the line says why
why=
bad version > "$tmp/v.out" 2> "$tmp/v.err" || why="version exit status $?"
[ -z "$why" ] && ! grep -q "^  OpenCSD  *? *dlopen (${lib:-libopencsd_c_api.so.1}: cannot load OpenCSD" \
	"$tmp/v.out" && why="version: $(grep OpenCSD "$tmp/v.out")"
[ -z "$why" ] && [ -s "$tmp/v.err" ] && why="stderr: $(head -1 "$tmp/v.err")"
[ -z "$why" ] && ! bad version --json | python3 -c '
import json, sys
o = [x for x in json.load(sys.stdin)["libraries"] if x["name"] == "OpenCSD"][0]
assert not o["loaded"] and o["version"] is None and "cannot load OpenCSD" in o["error"], o' 2>&1 &&
	why="version --json: $(bad version --json | head -c 300)"
verdict lazy-opencsd-missing-version "$why" "$(grep OpenCSD "$tmp/v.out" | cut -c1-100)"

why=
bad dump -i "$etm" > "$tmp/d.out" 2> "$tmp/d.err" || why="dump exit status $?"
[ -z "$why" ] && ! grep -q 'error: cannot load OpenCSD' "$tmp/d.out" && why="no error in the dump"
verdict lazy-opencsd-missing-dump "$why" "$(grep -c 'cannot load OpenCSD' "$tmp/d.out") chunks"

why=
bad script -i "$pt" > "$tmp/pt-bad.out" 2>&1 || why="exit status $?"
[ -z "$why" ] && why=$(first_difference "$tmp/pt.out" "$tmp/pt-bad.out" lines "< usual > broken OpenCSD")
verdict lazy-opencsd-missing-intel-pt-unchanged "$why" "$(wc -l < "$tmp/pt-bad.out") lines"
