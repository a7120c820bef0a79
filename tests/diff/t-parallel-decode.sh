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
#    which also makes auxrec say per chunk how many units and joins);
#  - for decode units only, a damaged copy of the bench stream.
# Without --jobs, script and report decode on one thread per CPU the
# process may run on (nproc: the affinity mask, as lib/util/cpus.c counts),
# script with --stack-samples on one (default-jobs, on the bench stream).
# Out of memory in a decode thread is said as such (parallel-nomem, on the
# bench stream). A bench stream with one byte damaged so that its units
# stop joining decodes with --jobs 2 in bounded memory, the exact state
# handing its events over as it walks (parallel-unjoined-memory). On the
# bench stream, report cuts larger units than script --json (unit-sizes:
# what a unit keeps of its events decides its size).
# Each file must be cut into several units (parallel-cut-NAME) and, over
# all files, units must join (parallel-joined): a decode in which nothing
# is handed over would be sequential and prove nothing.
# Decode units (units-NAME): `script --list-units` (text and JSON agree),
# and `script --unit K` of every unit, concatenated in order, gives the
# bytes of the whole `script --events all` (and of `script --json` on
# the files cut by the default unit size), on every file above. So does
# `script --unit K:JOIN` of every unit the listing (made with the same
# options) says the whole decode joins, JOIN its join_drop (the others'
# part is empty); and a self-contained unit decodes only itself and the
# units up to the next joined one (the AUXREC_PAR_UNIT line says how many).
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
	units_concat "$name" "$f" "${3-1024}" "${3-1024 6000}"
	if [ "$units" -lt 2 ]; then
		echo "not ok parallel-cut-$name: not cut into units"
		rc=1
		return
	fi
	echo "ok parallel-$name ($units units, $joined joined over its --jobs 2 and 7 runs; $errors error events)"
}

# NAME FILE UNIT SIZES: every decode unit of FILE (units of about UNIT
# bytes) decoded alone, in order, gives the whole output; so do the joined
# units decoded from their join, with units of each of SIZES bytes
units_concat() {
	local name=$1 f=$2 unit=${3##* } n k st mode i size modes=("script --events all")
	[ "$unit" = 0 ] && modes+=("script --json")
	export AUXREC_PAR_UNIT=$unit
	bounded=0 nr_joined=0
	n=$("$A" script --list-units --json -i "$f" 2> /dev/null | grep -c '"type":"unit"')
	if [ "$n" != "$("$A" script --list-units -i "$f" 2> /dev/null | grep -c '^ ')" ] ||
		[ "$n" -lt 2 ]; then
		echo "not ok units-$name: --list-units gives $n units (text and JSON must agree, >= 2)"
		rc=1
		unset AUXREC_PAR_UNIT
		return
	fi
	for i in "${!modes[@]}"; do
		mode=${modes[$i]}
		# shellcheck disable=SC2086
		"$A" $mode -i "$f" > "$tmp/whole.$i" 2> /dev/null
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
		if ! cmp -s "$tmp/whole.$i" "$tmp/units"; then
			echo "not ok units-$name: $mode --unit 0..$((n - 1)) concatenated differs" \
				"from the whole output (units of $unit bytes)"
			diff "$tmp/whole.$i" "$tmp/units" | head -6
			rc=1
			unset AUXREC_PAR_UNIT
			return
		fi
	done
	# a join the unit does not have: one error line, exit 1
	"$A" script --unit 1:999999999 -i "$f" 2>&1 > /dev/null |
		grep -v '^auxrec: parallel decode' > "$tmp/err.u"
	st=${PIPESTATUS[0]}
	if [ "$st" != 1 ] || [ "$(wc -l < "$tmp/err.u")" != 1 ] || ! grep -q 'cannot be joined' "$tmp/err.u"; then
		echo "not ok units-$name: --unit 1:999999999 exit $st: $(head -2 "$tmp/err.u")"
		rc=1
		unset AUXREC_PAR_UNIT
		return
	fi
	for size in $4; do
		export AUXREC_PAR_UNIT=$size
		for i in "${!modes[@]}"; do
			units_joined "$name" "$f" "${modes[$i]}" "$tmp/whole.$i" ||
				{ rc=1; unset AUXREC_PAR_UNIT; return; }
		done
	done
	unset AUXREC_PAR_UNIT
	echo "ok units-$name ($n units of about ${unit/#0/64K} bytes; ${#modes[@]} outputs," \
		"$(wc -l < "$tmp/whole.0") lines; from their join, units of $4 bytes:" \
		"$nr_joined joined, $bounded self-contained decoded alone)"
}

# NAME FILE MODE WHOLE: the units the listing says are joined, each decoded
# from its join (--unit K:JOIN), concatenated, give WHOLE; a self-contained
# one decodes the units from it up to the next joined one of its piece
units_joined() {
	local name=$1 f=$2 mode=$3 whole=$4 k drop alone want st line
	# shellcheck disable=SC2086
	"$A" $mode --list-units --json -i "$f" 2> /dev/null | python3 -c '
import json, sys
# the listing of a damaged file may end with {"error": ...} (docs/json.md)
units = [u for u in map(json.loads, sys.stdin) if u.get("type") == "unit"]
for u in units:
    if not u["joined"]:
        continue
    piece = [v for v in units if v["piece"] == u["piece"]]
    later = [v["unit"] for v in piece if v["unit"] > u["unit"] and v["joined"]]
    want = (later[0] if later else piece[-1]["unit"]) - u["unit"] + 1
    print(u["unit"], u["join_drop"], int(u["self_contained"]), want if len(piece) > 1 else 0)
' > "$tmp/joins"
	[ -s "$tmp/joins" ] || { echo "not ok units-$name: $mode --list-units --json: no joined unit"; return 1; }
	: > "$tmp/units.bad"
	while read -r k drop alone want; do
		# shellcheck disable=SC2086
		timeout 120 "$A" $mode --unit "$k:$drop" --jobs $((k % 2 + 1)) -i "$f" 2> "$tmp/err.u"
		st=$?
		[ $st -gt 1 ] && echo "unit $k:$drop exit $st: $(head -2 "$tmp/err.u")" >> "$tmp/units.bad"
		[ "$alone" = 1 ] && [ "$want" != 0 ] || continue
		line=$(grep '^auxrec: parallel decode' "$tmp/err.u")
		if [ "$(echo "$line" | awk '{print $11}')" != "$want" ] || [ "$(echo "$line" | wc -l)" != 1 ]; then
			echo "unit $k:$drop, self-contained, decoded not $want units but: $line" >> "$tmp/units.bad"
		else
			bounded=$((bounded + 1))
		fi
	done < "$tmp/joins" > "$tmp/units"
	if [ -s "$tmp/units.bad" ]; then
		echo "not ok units-$name: $mode --unit K:JOIN: $(head -3 "$tmp/units.bad")"
		rm -f "$tmp/units.bad"
		return 1
	fi
	if ! cmp -s "$whole" "$tmp/units"; then
		echo "not ok units-$name: $mode --unit K:JOIN of the $(wc -l < "$tmp/joins") joined" \
			"units concatenated differs from the whole output (units of $AUXREC_PAR_UNIT bytes)"
		diff "$whole" "$tmp/units" | head -6
		return 1
	fi
	nr_joined=$((nr_joined + $(wc -l < "$tmp/joins")))
}

# FILE (the bench stream: two AUXTRACE records of 3.7 MB, one piece): a
# piece of several records the reader maps is copied into one buffer on
# the decode threads (lib/util/gather_copy.c, parts of 2 MiB or more), so
# --jobs 2, 3 and 7 copy it on 2, 3 and 3 threads: report --json and
# script --itrace=c must give the bytes of --jobs 1.
joined_chunks() {
	local j want got bad= n
	n=$("$A" dump --no-packets -i "$1" | grep -c 'PERF_RECORD_AUXTRACE ')
	want=$("$A" report --json --jobs 1 -i "$1" | md5sum; "$A" script --itrace=c --jobs 1 -i "$1" | md5sum)
	for j in 2 3 7; do
		got=$("$A" report --json --jobs $j -i "$1" | md5sum
		      "$A" script --itrace=c --jobs $j -i "$1" | md5sum)
		[ "$got" = "$want" ] || bad+=" --jobs $j differs;"
	done
	[ "$n" -ge 2 ] || bad+=" the file has $n AUXTRACE records, not several;"
	if [ -z "$bad" ]; then
		echo "ok joined-chunks ($n AUXTRACE records in one piece, the same for --jobs 1, 2, 3, 7)"
	else
		echo "not ok joined-chunks:$bad"
		rc=1
	fi
}

# FILE: which runs without --jobs decode in parallel (the AUXREC_PAR_UNIT
# line on stderr): script and report when there are several online CPUs,
# never script --stack-samples (its events go to one printer) nor --jobs 1
default_jobs() {
	local want=no cmd got bad=
	[ "$(nproc)" -gt 1 ] && want=yes
	for cmd in "script --itrace=b:$want" "report:$want" "script --itrace=b --stack-samples:no" \
		"script --itrace=b --jobs 1:no" "report --jobs 1:no"; do
		# shellcheck disable=SC2086
		AUXREC_PAR_UNIT=0 "$A" ${cmd%:*} -i "$1" 2>&1 > /dev/null |
			grep -q '^auxrec: parallel decode of' && got=yes || got=no
		[ "$got" = "${cmd##*:}" ] || bad+=" ${cmd%:*}: parallel $got;"
	done
	if [ -z "$bad" ]; then
		echo "ok default-jobs ($(nproc) CPUs to run on)"
	else
		echo "not ok default-jobs:$bad"
		rc=1
	fi
}

# FILE (the bench stream, 7.4 MB): the size of the units of a decode on
# threads (the AUXREC_PAR_UNIT=0 line): report keeps counts, so it cuts
# about 64 KiB units (cmd/report.c's thread_unit); script --json keeps its
# output, in about 16 KiB units (parallel.h's PAR_THREAD_UNIT).
unit_sizes() {
	local cmd want units size got bad= out=
	for cmd in "report:65536" "script --itrace=b --json:16384"; do
		want=${cmd##*:}
		# shellcheck disable=SC2086
		read -r size units < <(AUXREC_PAR_UNIT=0 "$A" ${cmd%:*} --jobs 2 -i "$1" 2>&1 > /dev/null |
			sed -n 's/^auxrec: parallel decode of \([0-9]*\) bytes: \([0-9]*\) units.*/\1 \2/p')
		got=$((size / ${units:-0}))
		# split points come a PSB (about 5 KB here) past each cut
		[ "$got" -ge "$want" ] && [ "$got" -le $((want + 8192)) ] ||
			bad+=" ${cmd%:*}: $units units of $size bytes (want $want);"
		out+=" ${cmd%:*}: $units units;"
	done
	if [ -z "$bad" ]; then
		echo "ok unit-sizes (${out# })"
	else
		echo "not ok unit-sizes:$bad"
		rc=1
	fi
}

# FILE: script --json --jobs 2 under an address-space limit (ulimit -v),
# from the least under which auxrec starts upwards in steps of 4 MB until
# it works: a run whose decode threads' buffers (megabytes a unit) cannot
# grow says so in one line, "parallel decode failed: Cannot allocate
# memory" (it said "Operation canceled"), and at least one run must fail
# there. Skipped for a sanitizer build (its shadow memory needs the space).
parallel_nomem() {
	local kb=4000 st runs=0 hit=0 bad=
	if nm -D "$A" 2> /dev/null | grep -q '__[at]san_init' || ldd "$A" | grep -q 'lib[at]san'; then
		echo "skip parallel-nomem: a sanitizer build"
		return
	fi
	while [ $kb -le 100000 ] &&
	      ! { (ulimit -v $kb; exec "$A" script --help > /dev/null 2>&1); } 2> /dev/null; do
		kb=$((kb + 200))
	done
	while [ $kb -le 400000 ]; do
		(ulimit -v $kb; exec timeout 60 "$A" script --itrace=b --json --jobs 2 -i "$1" \
			> "$tmp/out" 2> "$tmp/err")
		st=$?
		runs=$((runs + 1))
		[ $st = 0 ] && break
		grep '^{"error":' "$tmp/out" >> "$tmp/err"
		if [ $st != 1 ] || [ "$(wc -l < "$tmp/err")" != 1 ] || grep -q 'canceled' "$tmp/err"; then
			bad="ulimit -v $kb: exit $st: $(head -3 "$tmp/err" | tr '\n' '|')"
			break
		fi
		grep -q 'parallel decode failed: Cannot allocate memory' "$tmp/err" && hit=$((hit + 1))
		kb=$((kb + 4000))
	done
	if [ -n "$bad" ]; then
		echo "not ok parallel-nomem: $bad"
		rc=1
	elif [ $st != 0 ] || [ $hit = 0 ]; then
		echo "not ok parallel-nomem: $runs runs up to ulimit -v $kb, exit $st," \
			"$hit said the parallel decode ran out of memory"
		rc=1
	else
		echo "ok parallel-nomem ($runs runs, $hit ran out of memory in the parallel decode)"
	fi
}

# FILE (the bench stream): one byte of its first chunk damaged (the first
# 0x59 an eighth in, as an MTC's header, made 0xd7, as a CYC's): the
# exact state calibrates a cycles-to-TSC ratio there that the decodes
# started later never get (the file gives no nominal frequency, and no
# other CYC follows), and never read. Units must join again after it (the
# ratio is handed over, flow_time_hand_over()): before, hardly one did (26
# of 440) and --jobs 2 decoded on one thread. --jobs 2 gives --jobs 1's
# bytes, and at least 9 in 10 units join.
rejoin_after_ratio() {
	local want got line units joined
	python3 -c 'import struct, sys
d = bytearray(open(sys.argv[1], "rb").read())
o = struct.unpack_from("<Q", d, 40)[0]
while struct.unpack_from("<I", d, o)[0] != 71:	# the first AUXTRACE
    o += struct.unpack_from("<H", d, o + 6)[0]
at = d.index(0x59, o + 48 + struct.unpack_from("<Q", d, o + 8)[0] // 8)
d[at] = 0xd7
open(sys.argv[2], "wb").write(d)' "$1" "$tmp/cyc.data" ||
		{ echo "not ok parallel-rejoin-ratio: cannot damage $1"; rc=1; return; }
	want=$("$A" script --itrace=b --jobs 1 -i "$tmp/cyc.data" | md5sum)
	got=$(AUXREC_PAR_UNIT=0 "$A" script --itrace=b --jobs 2 -i "$tmp/cyc.data" 2> "$tmp/err" |
	      md5sum)
	line=$(grep '^auxrec: parallel decode' "$tmp/err")
	units=$(echo "$line" | sed -n 's/.* \([0-9]*\) units, .*/\1/p')
	joined=$(echo "$line" | sed -n 's/.* \([0-9]*\) joined.*/\1/p')
	rm -f "$tmp/cyc.data"
	if [ "$got" != "$want" ] || [ -z "$units" ] || [ -z "$joined" ] ||
	   [ $((joined * 10)) -lt $((units * 9)) ]; then
		echo "not ok parallel-rejoin-ratio: --jobs 2 $([ "$got" != "$want" ] &&
			echo 'differs from --jobs 1,') ${line:-no parallel decode line}"
		rc=1
	else
		echo "ok parallel-rejoin-ratio (${line#auxrec: })"
	fi
}

# FILE (the bench stream) decoded with no join ever found
# (AUXREC_PAR_NO_JOIN=1, as in a trace whose units stop joining): the
# exact state walks on alone and hands over what it kept as it goes:
# script --events all --jobs 2 runs under ulimit -v 1.5 GB and gives the
# bytes of --jobs 1 (it kept the rest of the chunk's events, GBs, to its
# end). Skipped for a sanitizer build, as parallel-nomem.
unjoined_memory() {
	local st want got line
	if nm -D "$A" 2> /dev/null | grep -q '__[at]san_init' || ldd "$A" | grep -q 'lib[at]san'; then
		echo "skip parallel-unjoined-memory: a sanitizer build"
		return
	fi
	want=$("$A" script --events all --jobs 1 -i "$1" | md5sum)
	got=$( (ulimit -v 1500000; AUXREC_PAR_NO_JOIN=1 AUXREC_PAR_UNIT=0 exec timeout 120 "$A" \
		script --events all --jobs 2 -i "$1" 2> "$tmp/err" | md5sum; exit "${PIPESTATUS[0]}") )
	st=$?
	line=$(grep '^auxrec: parallel decode' "$tmp/err")
	if [ $st != 0 ] || [ "$got" != "$want" ] || [[ "$line" != *" 0 joined"* ]]; then
		echo "not ok parallel-unjoined-memory: --jobs 2 under ulimit -v 1500000:" \
			"exit $st, $(grep -v '^auxrec: parallel' "$tmp/err" | head -2 | tr '\n' '|')" \
			"$([ "$got" != "$want" ] && echo 'differs from --jobs 1')" "$line"
		rc=1
	else
		echo "ok parallel-unjoined-memory (${line#auxrec: })"
	fi
}

# the recordings (tests/diff/recordings.sh), each for any --jobs
diff_recordings parallel same_for_any_jobs || exit $?

# The bench stream (tests/bench/gt-stream.sh: indirect's 20000 iterations
# as 40 copies, 7.4 MB, made once) with 200 bytes overwritten past its
# first quarter, in units of 6000 bytes (899; 887 joined, 317 before the
# cycles-to-TSC ratio was handed over at joins):
# its joined units, each decoded from its join, give the whole `script
# --itrace=b`, the self-contained ones decoding a bounded number of units.
. tests/bench/gt-stream.sh
gt_bench_perf_data 20000 40
st=$?
if [ $st = 0 ]; then
	python3 -c 'import random, sys
d = bytearray(open(sys.argv[1], "rb").read())
r = random.Random(1)
for _ in range(200):
    d[r.randrange(len(d) // 4, len(d) - 4096)] = r.randrange(256)
open(sys.argv[2], "wb").write(d)' "$f" "$tmp/bench-bad.data"
	export AUXREC_PAR_UNIT=6000
	bounded=0 nr_joined=0
	"$A" script --itrace=b -i "$tmp/bench-bad.data" > "$tmp/whole.b" 2> /dev/null
	if units_joined bench-damaged "$tmp/bench-bad.data" "script --itrace=b" "$tmp/whole.b"; then
		echo "ok units-bench-damaged ($nr_joined joined units of 6000 bytes from their join," \
			"$bounded self-contained decoded alone; $(wc -l < "$tmp/whole.b") lines)"
	else
		rc=1
	fi
	rm -f "$tmp/whole.b" "$tmp/units" "$tmp/bench-bad.data"
	unset AUXREC_PAR_UNIT
	default_jobs "$f"
	joined_chunks "$f"
	unit_sizes "$f"
	parallel_nomem "$f"
	rejoin_after_ratio "$f"
	unjoined_memory "$f"
elif [ $st = 77 ]; then
	echo "skip units-bench-damaged: the bench stream cannot be recorded here (gt-record)"
else
	echo "not ok units-bench-damaged: the bench stream (tests/bench/gt-stream.sh) failed"
	rc=1
fi

if [ "$joins" -gt 0 ]; then
	echo "ok parallel-joined ($joins joins)"
else
	echo "not ok parallel-joined: no unit joined the one before it"
	rc=1
fi
exit $rc
