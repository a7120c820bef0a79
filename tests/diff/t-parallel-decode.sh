#!/bin/bash
# t-parallel-decode.sh - `--jobs N` changes nothing but the speed: auxrec
# script (text and --json, also with every event kind), and report --json
# give byte for byte the same output with --jobs 1, 2 and 7 on
#  - ground-truth recordings (tests/gt: real programs single-stepped, their
#    flow encoded as Intel PT and wrapped into a perf.data by pd-gen), with
#    returns as TIPs, compressed returns, a cycle-accurate trace and one
#    with overflows;
#  - a dynamic program whose libc is not in the recording (decode errors
#    and resynchronization at every call into it);
#  - a per-CPU recording of two processes with CPU-wide context switches
#    (pd-gen --cpu-wide: the owner of the code changes inside a chunk);
#  - damaged copies of a recording (bytes of the trace overwritten);
#  - the flow of a program as Intel BTS records (cut at record boundaries);
#  - a stream repeated to over 256 KiB, cut by the default unit size
#    (the others are cut in small units by the test knob AUXREC_PAR_UNIT,
#    which also makes auxrec say per chunk how many units and joins).
# Each file must be cut into several units (parallel-cut-NAME) and, over
# all files, units must join (parallel-joined): a decode in which nothing
# is handed over would be sequential and prove nothing.
# Decode units (units-NAME): `script --list-units` (text and JSON agree),
# and `script --unit K` of every unit, concatenated in order, gives the
# bytes of the whole `script --events all` (and of `script --json` on
# the files cut by the default unit size), on every file above.
cd "$(dirname "$0")/../.." || exit 1
A=${AUXREC:-./auxrec}
B=${AUXREC_BUILD:-build}
[ -x "$A" ] || { echo "not ok build: $A missing"; exit 1; }
. tests/gt/build-tools.sh
gt_tools_verdict parallel || exit $?
[ -x "$B/tests/tools/pd-gen" ] || { echo "not ok parallel: $B/tests/tools/pd-gen missing (make tools)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=86"
rc=0 joins=0

load_of() {	# BINARY: START LEN PGOFF of its executable segment
	readelf -lW "$1" | awk '$1 == "LOAD" && / E / {print $3, $6, $2; exit}'
}

# NAME FILE [UNITS]: the outputs of --jobs 1, 2, 7 must be the same, with
# units of each size in UNITS (default: 1024 and 6000 bytes, about one and
# two PSBs of these traces)
same_for_any_jobs() {
	local name=$1 f=$2 unit mode j out st units=0 joined=0 errors
	for unit in ${3-1024 6000}; do
		for mode in "script" "script --json" "script --events all" "report --json"; do
			for j in 1 2 7; do
				out=$tmp/out.$j
				# shellcheck disable=SC2086
				AUXREC_PAR_UNIT=$unit timeout 60 "$A" $mode --jobs $j -i "$f" \
					> "$out" 2> "$tmp/err.$j"
				st=$?
				if [ $st -gt 1 ]; then
					echo "not ok parallel-$name: $mode --jobs $j: exit $st"
					head -3 "$tmp/err.$j"
					rc=1
					return
				fi
				echo "exit $st" >> "$out"
				grep -v '^auxrec: parallel decode' "$tmp/err.$j" >> "$out"
				[ $j = 1 ] && continue
				if ! cmp -s "$tmp/out.1" "$out"; then
					echo "not ok parallel-$name: $mode --jobs $j differs from --jobs 1" \
						"(units of $unit bytes)"
					diff "$tmp/out.1" "$out" | head -6
					rc=1
					return
				fi
				units=$((units + $(awk '/^auxrec: parallel/ {n += $7} END {print n + 0}' \
							"$tmp/err.$j")))
				joined=$((joined + $(awk '/^auxrec: parallel/ {n += $9} END {print n + 0}' \
							"$tmp/err.$j")))
			done
			[ "$mode" = "script --events all" ] && errors=$(grep -c ' error ' "$tmp/out.1")
		done
	done
	joins=$((joins + joined))
	units_concat "$name" "$f" "${3-1024}"
	if [ "$units" -lt 2 ]; then
		echo "not ok parallel-cut-$name: not cut into units"
		rc=1
		return
	fi
	echo "ok parallel-$name ($units units, $joined joined over its --jobs 2 and 7 runs; $errors error events)"
}

# NAME FILE UNIT: every decode unit of FILE (units of about UNIT bytes)
# decoded alone, in order, gives the whole output
units_concat() {
	local name=$1 f=$2 unit=${3##* } n k st mode modes=("script --events all")
	[ "$unit" = 0 ] && modes+=("script --json")
	export AUXREC_PAR_UNIT=$unit
	n=$("$A" script --list-units --json -i "$f" 2> /dev/null | grep -c '"type":"unit"')
	if [ "$n" != "$("$A" script --list-units -i "$f" 2> /dev/null | grep -c '^ ')" ] ||
		[ "$n" -lt 2 ]; then
		echo "not ok units-$name: --list-units gives $n units (text and JSON must agree, >= 2)"
		rc=1
		unset AUXREC_PAR_UNIT
		return
	fi
	for mode in "${modes[@]}"; do
		# shellcheck disable=SC2086
		"$A" $mode -i "$f" > "$tmp/whole" 2> /dev/null
		for ((k = 0; k < n; k++)); do
			# shellcheck disable=SC2086
			timeout 120 "$A" $mode --unit $k --jobs $((k % 2 + 1)) -i "$f" 2> "$tmp/err.u"
			st=$?
			[ $st -gt 1 ] && echo "unit $k exit $st: $(head -2 "$tmp/err.u")" > "$tmp/units.bad"
		done > "$tmp/units"
		if [ -s "$tmp/units.bad" ]; then
			echo "not ok units-$name: $mode --unit: $(cat "$tmp/units.bad")"
			rm -f "$tmp/units.bad"
			rc=1
			unset AUXREC_PAR_UNIT
			return
		fi
		if ! cmp -s "$tmp/whole" "$tmp/units"; then
			echo "not ok units-$name: $mode --unit 0..$((n - 1)) concatenated differs" \
				"from the whole output (units of $unit bytes)"
			diff "$tmp/whole" "$tmp/units" | head -6
			rc=1
			unset AUXREC_PAR_UNIT
			return
		fi
	done
	unset AUXREC_PAR_UNIT
	echo "ok units-$name ($n units of about ${unit/#0/64K} bytes; ${#modes[@]} outputs, $(wc -l < "$tmp/whole") lines)"
}

# the ground truth of real programs
progs="loops recursion indirect"
for p in $progs; do
	gcc -O1 -static -no-pie -o "$tmp/$p" "tests/gt/progs/$p.c" ||
		{ echo "not ok parallel-$p: cannot compile"; rc=1; continue; }
	gt_record "parallel-$p" "$tmp/$p.rec" --cyc --ovf 1000 "$tmp/$p-gt" -- "$tmp/$p" ||
		{ [ $? = 77 ] && exit 77; rc=1; continue; }
	for v in "" -rc -cyc -ovf; do
		# shellcheck disable=SC2046
		"$B/tests/tools/pd-gen" "$tmp/$p$v.data" "$tmp/$p-gt$v.pt" "$tmp/$p" \
			$(load_of "$tmp/$p") > /dev/null ||
			{ echo "not ok parallel-$p$v: pd-gen"; rc=1; continue; }
		same_for_any_jobs "$p$v" "$tmp/$p$v.data"
	done
done

# a dynamic program recorded without its libc: errors, resync at PSBs
gcc -O1 -o "$tmp/qsort" tests/gt/progs/qsort.c &&
"$GT_BIN/gt-record" "$tmp/qsort-gt" -- "$tmp/qsort" > "$tmp/qsort.rec" 2>&1 &&
"$B/tests/tools/pd-gen" "$tmp/qsort.data" "$tmp/qsort-gt-rc.pt" "$tmp/qsort" > /dev/null &&
	same_for_any_jobs qsort-no-libc "$tmp/qsort.data" ||
	{ echo "not ok parallel-qsort-no-libc: cannot record"; rc=1; }

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
		same_for_any_jobs cpu-wide-switches "$tmp/cpu-wide.data"
	else
		echo "not ok parallel-cpu-wide-switches: pd-gen --cpu-wide"
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
		same_for_any_jobs "damaged-$seed" "$tmp/bad$seed.data"
	done
fi

# Intel BTS: the flow of indirect as BTS records (pd-gen --bts, two
# chunks), cut at record boundaries: at the default size and at 128 KiB
if [ -s "$tmp/indirect-gt.branches" ]; then
	# shellcheck disable=SC2046
	"$B/tests/tools/pd-gen" --bts "$tmp/bts.data" "$tmp/indirect-gt.branches" "$tmp/indirect" \
		$(load_of "$tmp/indirect") > /dev/null &&
		same_for_any_jobs intel-bts "$tmp/bts.data" "0 131072" ||
		{ echo "not ok parallel-intel-bts: pd-gen --bts"; rc=1; }
fi

# over 256 KiB: cut by the default unit size, without the knob
if [ -s "$tmp/indirect-gt-rc.pt" ]; then
	python3 -c 'import sys; d = open(sys.argv[1], "rb").read()
open(sys.argv[2], "wb").write(d * (300000 // len(d) + 2))' "$tmp/indirect-gt-rc.pt" "$tmp/big.pt"
	# shellcheck disable=SC2046
	"$B/tests/tools/pd-gen" "$tmp/big.data" "$tmp/big.pt" "$tmp/indirect" \
		$(load_of "$tmp/indirect") > /dev/null &&
		same_for_any_jobs big-default-units "$tmp/big.data" 0 ||
		{ echo "not ok parallel-big-default-units: pd-gen"; rc=1; }
fi

if [ "$joins" -gt 0 ]; then
	echo "ok parallel-joined ($joins joins)"
else
	echo "not ok parallel-joined: no unit joined the one before it"
	rc=1
fi
exit $rc
