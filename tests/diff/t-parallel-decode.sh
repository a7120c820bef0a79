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
. tests/diff/recordings.sh
gt_tools_verdict parallel || exit $?
[ -x "$B/tests/tools/pd-gen" ] || { echo "not ok parallel: $B/tests/tools/pd-gen missing (make tools)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=86"
rc=0 joins=0

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

# the recordings (tests/diff/recordings.sh), each for any --jobs
diff_recordings parallel same_for_any_jobs || exit $?

if [ "$joins" -gt 0 ]; then
	echo "ok parallel-joined ($joins joins)"
else
	echo "not ok parallel-joined: no unit joined the one before it"
	rc=1
fi
exit $rc
