#!/bin/bash
# t-json-schema.sh - every JSON output of auxrec against its JSON Schema in
# docs/schema/, every line, with no object holding a key twice
# (tests/tools/json_check.py): `dump --json` (also --stats, --raw), `script
# --json` (every event kind the recordings give), `report --json` under each
# --sort, `list --json`, `version --json`, `script --list-units --json`,
# and the {"error": ...} objects of failing commands.
# The recordings, none needing QEMU: the perf.data files of the fuzz corpus,
# pd-gen files of a real program's single-stepped flow (tests/gt; a per-CPU
# one of two programs taking turns too) and of each libipt conformance
# stream (../shared, skipped without it), and the host perf's own (skipped
# when perf cannot record). Also: the schemas are valid schemas, the spec's
# expected packet lines validate, and the validator rejects bad lines.
cd "$(dirname "$0")/../.." || exit 1
A=${AUXREC:-./auxrec}
B=${AUXREC_BUILD:-build}
PY=${PYTHON:-python3}
S=docs/schema
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

[ -x "$A" ] || { echo "not ok build: $A missing (run make)"; exit 1; }
if ! $PY -c 'import jsonschema' 2>/dev/null; then
	echo "skip json-schema: python3-jsonschema missing"; exit 0
fi

# check NAME [--doc] SCHEMA FILE...: ok when every
# line (document) of every FILE is valid against docs/schema/SCHEMA
check() {
	local name=$1 opts=() out
	shift
	while [[ $1 == --* ]]; do
		opts+=("$1")
		shift
	done
	local schema=$1
	shift
	if out=$($PY tests/tools/json_check.py "${opts[@]}" "$S/$schema" "$@" 2>&1); then
		echo "ok $name (${out##*$'\n'})"
	else
		echo "not ok $name: $out"
	fi
}

# run FILE WANT CMD...: CMD's stdout into FILE (stderr FILE.err); says
# "not ok" when its exit status is not WANT (0, or "fail": any but 0)
run() {
	local f=$1 want=$2 rc
	shift 2
	"$@" > "$f" 2> "$f.err"
	rc=$?
	if [ "$want" = fail ] && [ $rc != 0 ]; then return 0; fi
	[ "$want" = "$rc" ] && return 0
	echo "not ok status-of-${f#"$tmp"/}: $* exited $rc, want $want: $(head -2 "$f.err")"
	return 1
}

# ---------------------------------------------------------------- schemas
check_schemas() {
	local out
	if out=$($PY tests/tools/json_check.py --check-schema $S/*.schema.json 2>&1); then
		echo "ok schemas-valid ($(printf '%s\n' $S/*.schema.json | wc -l) schemas, \$refs resolve)"
	else
		echo "not ok schemas-valid: $out"
	fi
}

# The validator must fail: a repeated key (top level, nested, and in a
# record of another type), a wrong type, a key the set of
# a closed object does not have, a bad address string; and pass a good line.
validator_fails() {
	local good='{"type":"record","record":"itrace_start","record_type":12,"offset":4736,"size":48,"misc":"0x0","pid":4242,"tid":4242}'
	local -a name line schema why
	name+=(repeated-key);   schema+=(dump);   why+=("repeated key 'pid'")
	line+=('{"type":"record","record":"itrace_start","record_type":12,"offset":4736,"size":48,"misc":"0x0","pid":4242,"tid":4242,"pid":1}')
	name+=(repeated-nested-key); schema+=(dump); why+=("repeated key 'time'")
	line+=('{"type":"record","record":"itrace_start","record_type":12,"offset":4736,"size":48,"misc":"0x0","pid":1,"tid":1,"sample_id":{"time":1,"time":2}}')
	name+=(repeated-key-in-another-record); schema+=(dump); why+=("repeated key 'size'")
	line+=('{"type":"record","record":"lost","record_type":2,"offset":4736,"size":48,"misc":"0x0","id":1,"lost":2,"size":3}')
	name+=(wrong-type);     schema+=(dump);   why+=("is not of type 'integer'")
	line+=('{"type":"record","record":"itrace_start","record_type":12,"offset":"4736","size":48,"misc":"0x0","pid":4242,"tid":4242}')
	name+=(unknown-key);    schema+=(script); why+=("'color' was unexpected")
	line+=('{"type":"sync","pid":1,"tid":1,"cpu":-1,"from":"0x0","to":"0x0","insn_count":0,"aux_offset":0,"color":"red"}')
	name+=(bad-address);    schema+=(intel-pt-packet); why+=("does not match")
	line+=('{"offset":16,"size":9,"packet":"fup","ipc":6,"payload":"0x7F3A12345678","ip":"0x7f3a12345678"}')
	name+=(nan);            schema+=(report); why+=("not JSON: NaN")
	line+=('{"type":"report","input":"x","insns":1,"branches":0,"errors":0,"entries":[{"sym":"f","insns":1,"branches":0,"insns_percent":100,"branches_percent":NaN}]}')
	for i in "${!name[@]}"; do
		printf '%s\n%s\n' "$good" "${line[$i]}" > "$tmp/bad.jsonl"
		[ "${schema[$i]}" = dump ] || printf '%s\n' "${line[$i]}" > "$tmp/bad.jsonl"
		out=$($PY tests/tools/json_check.py "$S/${schema[$i]}.schema.json" "$tmp/bad.jsonl" 2>&1)
		rc=$?
		if [ $rc = 1 ] && [[ $out == *"${why[$i]}"* ]]; then
			echo "ok validator-rejects-${name[$i]}"
		else
			echo "not ok validator-rejects-${name[$i]}: status $rc: $out"
		fi
	done
	printf '%s\n' "$good" > "$tmp/good.jsonl"
	check validator-accepts-good-line dump.schema.json "$tmp/good.jsonl"
}

# ----------------------------------------------------------- recordings
# every output of one perf.data: dump (with and without --stats), and if
# it has AUX data script (every kind) and report under each sort
outputs_of() {	# NAME FILE [script]
	local n=$1 f=$2 o=$tmp/out/$1
	mkdir -p "$o"
	run "$o/dump" 0 $A dump --json -i "$f" &&
		check "dump-$n" dump.schema.json "$o/dump"
	run "$o/stats" 0 $A dump --json --stats -i "$f" &&
		check "dump-stats-$n" dump.schema.json "$o/stats"
	[ "$3" = script ] || return 0
	run "$o/script" 0 $A script --json --itrace=bcrewpxi --events=all -i "$f" &&
		check "script-all-events-$n" script.schema.json "$o/script"
	for s in dso sym dso,sym; do
		run "$o/report-$s" 0 $A report --json --sort $s -i "$f" || continue
		check "report-sort-$s-$n" report.schema.json "$o/report-$s"
	done
}

# perf.data files in the tree (tests/fuzz/corpus: auxrec's writer, perf's
# file, pipe and -z layouts, and damaged ones whose outputs end in errors)
corpus() {
	local f n
	for f in tests/fuzz/corpus/perf_data/*.data; do
		n=corpus-$(basename "$f" .data)
		mkdir -p "$tmp/out/$n"
		# a damaged file exits 1 after what it could read: any status
		$A dump --json -i "$f" > "$tmp/out/$n/dump" 2>/dev/null
		$A dump --json --stats -i "$f" > "$tmp/out/$n/stats" 2>/dev/null
		$A script --json --itrace=bcrewpxi --events=all -i "$f" > "$tmp/out/$n/script" 2>/dev/null
		$A report --json -i "$f" > "$tmp/out/$n/report" 2>/dev/null
	done
	check corpus-dump dump.schema.json "$tmp"/out/corpus-*/dump
	check corpus-dump-stats dump.schema.json "$tmp"/out/corpus-*/stats
	# no output: a recording without AUX data (a warning on stderr)
	cat "$tmp"/out/corpus-*/script > "$tmp/corpus-script"
	check corpus-script script.schema.json "$tmp/corpus-script"
	cat "$tmp"/out/corpus-*/report > "$tmp/corpus-report"
	check corpus-report report.schema.json "$tmp/corpus-report"
}

# the libipt conformance streams: raw dumps (packets, decode errors,
# --stats), the spec's expected lines, and each stream in a pd-gen file
conformance() {
	local dir=../shared/conformance/libipt-ptt f n c=$tmp/conf kinds
	[ -d $dir ] || dir=/work/shared/conformance/libipt-ptt
	if [ ! -d $dir ]; then
		echo "skip conformance-streams: no ../shared/conformance/libipt-ptt"
		return
	fi
	check spec-expected-packets intel-pt-packet.schema.json $dir/*.want.jsonl
	mkdir -p $c
	touch $c/dump $c/script $c/report
	for f in $dir/*.pt; do
		n=$(basename "$f" .pt)
		$A dump --raw "$f" --pmu intel_pt --json >> $c/raw 2>> $c/raw.err
		$A dump --raw "$f" --pmu intel_pt --stats --json >> $c/raw-stats 2>> $c/raw.err
		if $B/tests/tools/pd-gen $c/$n.data "$f" /usr/bin/true > /dev/null 2>> $c/pd-gen.err; then
			$A dump --json -i $c/$n.data >> $c/dump 2>> $c/dump.err
			$A script --json --itrace=bcrewpxi --events=all -i $c/$n.data >> $c/script 2>> $c/script.err
			$A report --json -i $c/$n.data >> $c/report 2>> $c/report.err
		fi
	done
	if [ ! -x $B/tests/tools/pd-gen ]; then
		echo "not ok pd-gen: $B/tests/tools/pd-gen missing (make tools)"
	elif [ -s $c/pd-gen.err ]; then
		echo "not ok pd-gen-conformance-streams: $(head -2 $c/pd-gen.err)"
	fi
	check raw-dump-packets intel-pt-packet.schema.json $c/raw
	check raw-dump-lines dump.schema.json $c/raw
	check raw-dump-packet-stats dump.schema.json $c/raw-stats
	check pd-gen-conformance-dump dump.schema.json $c/dump
	check pd-gen-conformance-script script.schema.json $c/script
	check pd-gen-conformance-report report.schema.json $c/report
	# the kinds of events these give (insn: from the real program below)
	kinds=$($PY -c 'import json, sys
print(" ".join(sorted({json.loads(l).get("type", "error-object") for l in open(sys.argv[1])})))' $c/script)
	echo "# event types of the conformance streams: $kinds"
}

# a real program's flow (tests/gt) in pd-gen files: one process, its trace
# cut short for every instruction (--itrace=i), and two programs taking
# turns on one CPU of a per-CPU recording
ground_truth() {
	local g=$tmp/gt a b ninsn tsc1
	. tests/gt/build-tools.sh
	if [ -n "$GT_SKIP" ]; then
		echo "skip ground-truth-recordings: $GT_SKIP"; return
	fi
	[ -x $B/tests/tools/pd-gen ] || { echo "not ok pd-gen-gt: $B/tests/tools/pd-gen missing (make tools)"; return; }
	mkdir -p $g
	gcc -O1 -static -no-pie -o $g/a tests/gt/progs/loops.c &&
	gcc -O1 -static -no-pie -o $g/b tests/gt/progs/recursion.c || { echo "not ok gt-compile"; return; }
	if ! "$GT_BIN/gt-record" $g/a -- $g/a > $g/rec.log 2>&1; then
		echo "skip ground-truth-recordings: gt-record: $(tail -1 $g/rec.log)"; return
	fi
	ninsn=$(sed -n 's/.*: \([0-9]*\) instructions.*/\1/p' $g/rec.log | head -1)
	tsc1=$((0x1000000 + ninsn * 8 * 2))
	"$GT_BIN/gt-record" --tsc0 $tsc1 $g/b -- $g/b >> $g/rec.log 2>&1 || { echo "not ok gt-record-b"; return; }
	a=$(readelf -lW $g/a | awk '$1 == "LOAD" && / E / {print $3","$6","$2; exit}')
	b=$(readelf -lW $g/b | awk '$1 == "LOAD" && / E / {print $3","$6","$2; exit}')
	# shellcheck disable=SC2086
	$B/tests/tools/pd-gen $g/a.data $g/a-rc.pt $g/a ${a//,/ } > /dev/null &&
	head -c 600 $g/a-rc.pt > $g/cut.pt &&
	$B/tests/tools/pd-gen $g/cut.data $g/cut.pt $g/a ${a//,/ } > /dev/null &&
	$B/tests/tools/pd-gen --cpu-wide $g/w.data 1001,$g/a-rc.pt,0x1000000,$g/a,$a \
		1002,$g/b-rc.pt,$tsc1,$g/b,$b > /dev/null || { echo "not ok pd-gen-gt"; return; }
	# whole flows: every line of dump, branches (with source lines; of the
	# per-CPU one the events around its context switches), report
	run $tmp/gt-a-script 0 $A script --json --srcline -i $g/a.data &&
		check script-branches-gt-a script.schema.json $tmp/gt-a-script
	run $tmp/gt-w-script 0 $A script --json --itrace=e --events=trace_begin,trace_end,sync -i $g/w.data &&
		check script-trace-bounds-gt-w script.schema.json $tmp/gt-w-script
	for n in a w; do
		outputs_of gt-$n $g/$n.data
		for s in dso sym dso,sym; do
			run $tmp/gt-$n-report-$s 0 $A report --json --sort $s -i $g/$n.data &&
				check report-sort-$s-gt-$n report.schema.json $tmp/gt-$n-report-$s
		done
	done
	# decode units of the per-CPU one (cut small by the test knob)
	run $tmp/gt-w-units 0 env AUXREC_PAR_UNIT=1024 $A script --list-units --json -i $g/w.data &&
		check script-units-gt-w units.schema.json $tmp/gt-w-units
	run $tmp/gt-w-pretty 0 $A -p report -i $g/w.data &&
		check report-pretty-gt-w --doc report.schema.json $tmp/gt-w-pretty
	# -p pretty-prints documents; streams stay JSON Lines, as under --json
	for c in "dump" "dump --stats" "script --itrace=b"; do
		n=pretty-stream-${c// /}
		# shellcheck disable=SC2086
		if cmp -s <($A -p $c -i $g/w.data 2>&1) <($A --json $c -i $g/w.data 2>&1); then
			echo "ok $n"
		else
			echo "not ok $n: -p $c differs from --json $c"
		fi
	done
	# every event kind of the first 600 bytes of the trace, instructions too
	outputs_of gt-cut $g/cut.data script
}

# the host perf's recordings: file, pipe, -z and a --threads directory
host_perf() {
	local p=$tmp/perf
	mkdir -p $p
	if ! command -v perf > /dev/null || ! perf record -q -e cpu-clock -o $p/file.data -- true > /dev/null 2>&1; then
		echo "skip host-perf-recordings: perf record -e cpu-clock does not work here"; return
	fi
	outputs_of perf-file $p/file.data
	perf record -q -e cpu-clock -o - -- true 2> /dev/null > $p/pipe.data && outputs_of perf-pipe $p/pipe.data
	perf record -q -z -e cpu-clock -o $p/z.data -- true > /dev/null 2>&1 && outputs_of perf-z $p/z.data
	perf record -q --threads -e cpu-clock -o $p/dir.data -- true > /dev/null 2>&1 &&
		outputs_of perf-threads-dir $p/dir.data
}

lists() {
	run $tmp/list 0 $A list --all --json && check list-host list.schema.json $tmp/list
	run $tmp/list-aux 0 $A list --json && check list-host-aux list.schema.json $tmp/list-aux
	run $tmp/list-fixture 0 env AUXREC_SYSFS_ROOT=tests/data/sysfs $A list --all --json &&
		check list-fixture list.schema.json $tmp/list-fixture
	run $tmp/list-pretty 0 env AUXREC_SYSFS_ROOT=tests/data/sysfs $A -p list --all &&
		check list-fixture-pretty --doc list.schema.json $tmp/list-pretty
	run $tmp/version 0 $A version --json && check version version.schema.json $tmp/version
	run $tmp/version-pretty 0 $A -p version &&
		check version-pretty --doc version.schema.json $tmp/version-pretty
}

# failing commands under --json: one error object on stdout, non-zero exit;
# valid against error.schema.json and the command's own schema
errors() {
	local e=$tmp/err i=0
	mkdir -p $e
	while IFS='|' read -r schema cmd; do
		i=$((i + 1))
		# shellcheck disable=SC2086
		run $e/$i fail env AUXREC_SYSFS_ROOT=tests/data/sysfs $A $cmd || continue
		check "error-$i-is-error-object" error.schema.json $e/$i
		check "error-$i-valid-$schema-output" $schema.schema.json $e/$i
	done <<-EOF
	dump|-j dump -i /nonexistent
	dump|dump --json -i tests/fuzz/corpus/perf_data/header-only.data
	dump|dump --json --raw /nonexistent --pmu intel_pt
	dump|dump --json --raw /dev/null --pmu nosuch
	script|--json script -i /nonexistent
	report|--json report -i /nonexistent
	units|--json script --list-units -i /nonexistent
	list|--json list nosuch
	EOF
}

# Two record types perf has no name for: one "unknown" count in dump --stats
# (each was once printed under its own "unknown" key).
unnamed_types() {
	local f=$tmp/unnamed.data
	python3 -c 'import struct, sys
d = bytearray(open(sys.argv[1], "rb").read())
for off, t in ((520, 30), (560, 200)):
    struct.pack_into("<I", d, off, t)
open(sys.argv[2], "wb").write(d)' tests/fuzz/corpus/perf_data/perf-cpu-clock.data "$f" || return
	"$A" dump --json --stats -i "$f" > "$tmp/unnamed.json" 2> /dev/null
	check unnamed-record-types-stats dump.schema.json "$tmp/unnamed.json"
}

check_schemas
validator_fails
unnamed_types
corpus
conformance
ground_truth
host_perf
lists
errors
exit 0
