#!/bin/bash
# recordings.sh - the recordings the differential checks of tests/diff
# decode, made under $tmp (sourced, after tests/gt/build-tools.sh and
# gt_tools_verdict; uses A, B, tmp, rc). diff_recordings PREFIX FN calls
# FN NAME FILE [UNITS] for each (UNITS: unit sizes for a parallel decode,
# when not the usual ones); a recording that cannot be made sets rc=1
# and says "not ok PREFIX-NAME". Returns 77 when ptrace is not allowed
# (nothing recorded), else 0. The recordings:
#  - ground-truth recordings (tests/gt: real programs single-stepped, their
#    flow encoded as Intel PT and wrapped into a perf.data by pd-gen: loops,
#    recursion, indirect calls), with
#    returns as TIPs, compressed returns, a cycle-accurate trace and one
#    with overflows;
#  - a dynamic program whose libc is not in the recording (decode errors
#    and resynchronization at every call into it);
#  - a per-CPU recording of two processes with CPU-wide context switches
#    (pd-gen --cpu-wide: the owner of the code changes inside a chunk);
#  - damaged copies of a recording (bytes of the trace overwritten);
#  - the flow of a program as Intel BTS records (cut at record boundaries);
#  - a stream repeated to over 256 KiB.

# Every kind of event script prints but insn (one per instruction): what
# the selection checks compare with their references.
diff_event_kinds=branch,trace_begin,trace_end,sync,overflow,error,ptwrite,tsx,paging,power,stop,mem_sample

# diff_check_setup NAME: what a check over the recordings needs: A (auxrec)
# and B (the build directory) set and built, the ground-truth tools and
# pd-gen; tmp made (removed at exit), sanitizer findings as exit 86.
# Returns 77 (skipped) or 1 with "not ok NAME..." said.
diff_check_setup() {
	A=${AUXREC:-./auxrec}
	B=${AUXREC_BUILD:-build}
	[ -x "$A" ] || { echo "not ok build: $A missing"; return 1; }
	gt_tools_verdict "$1" || return
	[ -x "$B/tests/tools/pd-gen" ] ||
		{ echo "not ok $1: $B/tests/tools/pd-gen missing (make tools)"; return 1; }
	tmp=$(mktemp -d)
	# shellcheck disable=SC2064
	trap "rm -rf '$tmp'" EXIT
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86"
	export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=86"
}

# diff_corpus PREFIX FN DIR: FN NAME FILE for each input of
# tests/fuzz/corpus/DIR (a glob: * for them all), its "ok" lines left out;
# then "ok PREFIX-fuzz-corpus" when rc is still 0
diff_corpus() {
	local pre=$1 fn=$2 f name
	for f in tests/fuzz/corpus/$3/*; do
		[ -f "$f" ] || continue
		name=fuzz-${f#tests/fuzz/corpus/}
		"$fn" "${name//\//-}" "$f" > "$tmp/fuzz.out"
		grep -v '^ok ' "$tmp/fuzz.out"
	done
	[ "$rc" = 0 ] && echo "ok $pre-fuzz-corpus (every input of tests/fuzz/corpus/$3)"
}

load_of() {	# BINARY: START LEN PGOFF of its executable segment
	readelf -lW "$1" | awk '$1 == "LOAD" && / E / {print $3, $6, $2; exit}'
}

# WHAT A B: 0 when files A and B are the same, else says "not ok WHAT"
# with the first lines of their difference, sets rc=1 and returns 1
outputs_agree() {
	cmp -s "$2" "$3" && return 0
	echo "not ok $1"
	diff "$2" "$3" | head -6
	rc=1
	return 1
}

# OUT ARGS...: `auxrec export ARGS -o FILE`'s file, stdout, stderr (but the
# stats lines and AUXREC_PAR_UNIT's, whose count of joins depends on the
# threads' timing) and exit status into OUT; the number of events it took
# into OUT.events (AUXREC_EXPORT_STATS)
export_to() {
	local out=$1 st
	shift
	rm -f "$out.file"
	AUXREC_EXPORT_STATS=1 timeout 60 "$A" export "$@" -o "$out.file" > "$out" 2> "$out.err"
	st=$?
	echo "exit $st" >> "$out"
	[ -f "$out.file" ] && cat "$out.file" >> "$out"
	grep -v -e '^auxrec: export: ' -e '^auxrec: parallel decode of ' "$out.err" >> "$out"
	sed -n 's/^auxrec: export: \([0-9]*\) events$/\1/p' "$out.err" > "$out.events"
	return $st
}

# [NAME=VALUE|--OPTION]... -- OUT ARGS...: export_to OUT --OPTION... ARGS
# with each NAME=VALUE in the environment (run it in a subshell)
env_and_export() {
	local opts=()
	while [ "$1" != -- ]; do
		case $1 in
		--*) opts+=("$1") ;;
		*) export "${1?}" ;;
		esac
		shift
	done
	shift
	export_to "$1" "${opts[@]}" "${@:2}"
}

# CHECK FILE REF NEW DIFFERS [SEEN]: `auxrec export -f F -c C -i FILE` for
# F chrome, perfetto and folded and C time and insns, run with the
# environment assignments REF into $tmp/ref and with NEW into $tmp/new
# (export_to; words of REF and NEW that begin with -- are options, e.g.
# --jobs=2), must agree: "not ok CHECK: -f F -c C: DIFFERS" otherwise.
# SEEN, a function, is called after each pair that agrees (with F and C:
# the caller's counters; $tmp/new.events etc. are there). Returns 1, with
# rc=1 and a "not ok" line, when an export exits > 1 or the outputs differ.
exports_agree() {
	local check=$1 f=$2 ref=$3 new=$4 differs=$5 seen=${6:-} fmt clock st
	for fmt in chrome perfetto folded; do
		for clock in time insns; do
			# shellcheck disable=SC2086
			(env_and_export $ref -- "$tmp/ref" -f $fmt -c $clock -i "$f")
			# shellcheck disable=SC2086
			(env_and_export $new -- "$tmp/new" -f $fmt -c $clock -i "$f")
			st=$?
			if [ $st -gt 1 ]; then
				echo "not ok $check: export -f $fmt -c $clock:" \
					"exit $st: $(head -2 "$tmp/new.err")"
				rc=1
				return 1
			fi
			outputs_agree "$check: -f $fmt -c $clock: $differs" \
				"$tmp/ref" "$tmp/new" || return 1
			[ -z "$seen" ] || "$seen" $fmt $clock
		done
	done
}

diff_recordings() {
	local pre=$1 fn=$2 p v seed ninsn tsc1 a b
	# the ground truth of real programs (built by tests/gt/progs.sh), and
	# those of GT_DIFF_EXTRA (e.g. "tailcall deep": too slow for every
	# run, deep adds 47 s to t-parallel-decode; see docs/testing.md)
	. tests/gt/progs.sh
	for p in loops recursion indirect $GT_DIFF_EXTRA; do
		gt_prog_build "$p" "$tmp/$p" static > /dev/null ||
			{ echo "not ok $pre-$p: cannot compile"; rc=1; continue; }
		gt_record "$pre-$p" "$tmp/$p.rec" --cyc --ovf 1000 "$tmp/$p-gt" -- "$tmp/$p" ||
			{ [ $? = 77 ] && return 77; rc=1; continue; }
		for v in "" -rc -cyc -ovf; do
			# shellcheck disable=SC2046
			"$B/tests/tools/pd-gen" "$tmp/$p$v.data" "$tmp/$p-gt$v.pt" "$tmp/$p" \
				$(load_of "$tmp/$p") > /dev/null ||
				{ echo "not ok $pre-$p$v: pd-gen"; rc=1; continue; }
			"$fn" "$p$v" "$tmp/$p$v.data"
		done
	done

	# a dynamic program recorded without its libc: errors, resync at PSBs
	gcc -O1 -o "$tmp/qsort" tests/gt/progs/qsort.c &&
	"$GT_BIN/gt-record" "$tmp/qsort-gt" -- "$tmp/qsort" > "$tmp/qsort.rec" 2>&1 &&
	"$B/tests/tools/pd-gen" "$tmp/qsort.data" "$tmp/qsort-gt-rc.pt" "$tmp/qsort" > /dev/null &&
		"$fn" qsort-no-libc "$tmp/qsort.data" ||
		{ echo "not ok $pre-qsort-no-libc: cannot record"; rc=1; }

	# per-CPU: loops, then recursion on the same CPU, switches in between
	if [ -s "$tmp/loops-gt-rc.pt" ] && [ -s "$tmp/recursion-gt-rc.pt" ]; then
		ninsn=$(sed -n 's/.*: \([0-9]*\) instructions.*/\1/p' "$tmp/loops.rec" | head -1)
		tsc1=$((0x1000000 + ninsn * 8 * 2))
		"$GT_BIN/gt-record" --tsc0 $tsc1 "$tmp/rec2" -- "$tmp/recursion" > /dev/null 2>&1
		a=$(load_of "$tmp/loops" | tr ' ' ,)
		b=$(load_of "$tmp/recursion" | tr ' ' ,)
		if "$B/tests/tools/pd-gen" --cpu-wide "$tmp/cpu-wide.data" \
			1001,"$tmp/loops-gt-rc.pt",0x1000000,"$tmp/loops",$a \
			1002,"$tmp/rec2-rc.pt",$tsc1,"$tmp/recursion",$b > /dev/null; then
			"$fn" cpu-wide-switches "$tmp/cpu-wide.data"
		else
			echo "not ok $pre-cpu-wide-switches: pd-gen --cpu-wide"
			rc=1
		fi
	fi

	# damaged copies: bytes of the trace (the second half of the file) overwritten
	if [ -s "$tmp/indirect-rc.data" ]; then
		for seed in 1 2 3 4; do
			python3 -c 'import random, sys
d = bytearray(open(sys.argv[1], "rb").read())
r = random.Random(int(sys.argv[3]))
for _ in range(40):
    d[r.randrange(len(d) // 2, len(d) - 4096)] = r.randrange(256)
open(sys.argv[2], "wb").write(d)' "$tmp/indirect-rc.data" "$tmp/bad$seed.data" $seed
			"$fn" "damaged-$seed" "$tmp/bad$seed.data"
		done
	fi

	# Intel BTS: the flow of indirect as BTS records (pd-gen --bts, two
	# chunks), cut at record boundaries: at the default size and at 128 KiB
	if [ -s "$tmp/indirect-gt.branches" ]; then
		# shellcheck disable=SC2046
		"$B/tests/tools/pd-gen" --bts "$tmp/bts.data" "$tmp/indirect-gt.branches" "$tmp/indirect" \
			$(load_of "$tmp/indirect") > /dev/null &&
			"$fn" intel-bts "$tmp/bts.data" "0 131072" ||
			{ echo "not ok $pre-intel-bts: pd-gen --bts"; rc=1; }
	fi

	# over 256 KiB: cut by the default unit size, without the knob
	if [ -s "$tmp/indirect-gt-rc.pt" ]; then
		python3 -c 'import sys; d = open(sys.argv[1], "rb").read()
open(sys.argv[2], "wb").write(d * (300000 // len(d) + 2))' "$tmp/indirect-gt-rc.pt" "$tmp/big.pt"
		# shellcheck disable=SC2046
		"$B/tests/tools/pd-gen" "$tmp/big.data" "$tmp/big.pt" "$tmp/indirect" \
			$(load_of "$tmp/indirect") > /dev/null &&
			"$fn" big-default-units "$tmp/big.data" 0 ||
			{ echo "not ok $pre-big-default-units: pd-gen"; rc=1; }
	fi
	return 0
}
