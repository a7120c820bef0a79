#!/bin/bash
# Tracepoint samples merged with the decoded trace by time (host, no guest):
# `pd-gen --tp` writes an ARM SPE recording (tests/tools/spe-stream.py's
# records, timed) with 8 samples of the fixture tracepoint test:tick
# (tests/data/tracefs: signed, char array and __data_loc fields) at perf
# times inside the trace, written before the AUX data. auxrec script must
# print every sample with its fields, each before the first memory sample
# that is later (times never go back), in text and JSON, with --jobs too;
# the chrome export holds them as instant events.
# tp_merge_intel_pt: the same 8 samples (every 61,037 ns: never at an MTC's
# time, so no sample ties with a branch) among the branches of the
# ground-truth Intel PT trace of tests/gt/progs/spin.c (gt-record --tsc0
# 0x1000: TSC in each PSB+, an MTC every 64 instructions; pd-gen --gt-clock
# declares that clock and TIME_CONV); `auxrec script --json` and Debian's
# `perf script --ns --itrace=b` of the same file must place them as the
# true times order them, each by its own times (tests/perf/tp-order.py).
# tp_pipe_*: Debian's `perf record -o -` of two sched tracepoints (pipe
# mode: the attrs, names and tracing data are records, the tracing data's
# bytes after its header; needs this host's tracefs, else skip):
# `auxrec script -i -` from a pipe, from the file on stdin, and `-i FILE`
# print the samples perf script prints, field by field (tests/vm/tp-compare.py),
# and `export` holds them as instants.
cd "$(dirname "$0")/../.." || exit 1
. tests/check-lib.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
AUXREC=${AUXREC:-./auxrec}
B=${AUXREC_BUILD:-build}
if [ ! -x "$AUXREC" ] || [ ! -x "$B/tests/tools/pd-gen" ]; then
	echo "not ok build: run make all tools first"; exit 1
fi
cut=$(python3 tests/tools/spe-stream.py random "$tmp/r.spe" 5 60) &&
	"$B/tests/tools/pd-gen" --tp tests/data/tracefs 8 20000 --spe "$tmp/t.data" "$tmp/r.spe" \
		"$cut" /bin/true > "$tmp/gen.log" 2>&1 ||
	{ echo "not ok tp_merge_generate: $(head -2 "$tmp/gen.log")"; exit 1; }

check_order() {	# NAME FILE: the script's text lines in time order, ticks among samples
	python3 - "$2" <<'PY'
import re, sys
times, kinds = [], []
for line in open(sys.argv[1]):
    m = re.search(r' (\d+)\.(\d{9}): +(\S+)', line)
    if m:
        times.append(int(m.group(1)) * 10**9 + int(m.group(2)))
        kinds.append(m.group(3))
ticks = [i for i, k in enumerate(kinds) if k == 'test:tick:']
if len(ticks) != 8:
    print(f'{len(ticks)} test:tick lines, want 8'); sys.exit(1)
if any(b < a for a, b in zip(times, times[1:])):
    i = next(i for i, (a, b) in enumerate(zip(times, times[1:])) if b < a)
    print(f'time goes back at timed line {i + 1}: {times[i]} then {times[i + 1]}'); sys.exit(1)
after = sum(1 for i in range(ticks[0], len(kinds)) if kinds[i] == 'mem_sample')
if not after or ticks[0] == 0:
    print('the ticks are not among the memory samples'); sys.exit(1)
print(f'{len(times)} timed lines, 8 ticks, {after} memory samples after the first')
PY
}

"$AUXREC" script -i "$tmp/t.data" > "$tmp/t.txt" 2> "$tmp/err"
if r=$(check_order text "$tmp/t.txt"); then
	echo "ok tp_merge_text_in_time_order # $r"
else
	echo "not ok tp_merge_text_in_time_order: $r $(head -2 "$tmp/err")"
fi
if grep -q 'test:tick: seq=3 delta=-3 label=tick msg=sample 0003$' "$tmp/t.txt" &&
   grep -q '^ *pd-gen  4242 \[000\]     0.000060000: ' "$tmp/t.txt"; then
	echo "ok tp_merge_fields"
else
	echo "not ok tp_merge_fields: $(grep -m1 tick "$tmp/t.txt")"
fi
"$AUXREC" script --jobs 2 -i "$tmp/t.data" > "$tmp/j.txt" 2>&1
cmp -s "$tmp/t.txt" "$tmp/j.txt" && echo "ok tp_merge_jobs_same" ||
	echo "not ok tp_merge_jobs_same: --jobs 2 prints otherwise"
# --unit cannot place tracepoints (they go between all units' events): one line, status 1
"$AUXREC" script --unit 0 -i "$tmp/t.data" > "$tmp/u.txt" 2> "$tmp/u.err"
rc=$?
why=""
[ "$rc" = 1 ] || why="status $rc"
[ ! -s "$tmp/u.txt" ] || why="$why, output on stdout"
[ "$(wc -l < "$tmp/u.err")" = 1 ] && grep -q -- '--unit cannot place' "$tmp/u.err" ||
	why="$why, stderr: $(head -2 "$tmp/u.err")"
verdict tp_merge_unit_refused "$why" "$(cat "$tmp/u.err")"
"$AUXREC" script --json -i "$tmp/t.data" > "$tmp/t.json" 2> "$tmp/err"
if r=$(python3 - "$tmp/t.json" <<'PY'
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1])]
timed = [o['time'] for o in objs if 'time' in o]
ticks = [o for o in objs if o['type'] == 'tracepoint']
if len(ticks) != 8 or timed != sorted(timed):
    print(f'{len(ticks)} tracepoints, in time order: {timed == sorted(timed)}'); sys.exit(1)
f = ticks[2]['fields']
if f != {'seq': 3, 'delta': -3, 'label': 'tick', 'msg': 'sample 0003'} or \
   ticks[2]['name'] != 'test:tick' or ticks[2]['comm'] != 'pd-gen' or ticks[2]['time'] != 60000:
    print(f'third tick: {ticks[2]}'); sys.exit(1)
print(f'{len(objs)} objects')
PY
) && python3 tests/tools/json_check.py docs/schema/script.schema.json "$tmp/t.json" > /dev/null; then
	echo "ok tp_merge_json # $r"
else
	echo "not ok tp_merge_json: $r $(head -2 "$tmp/err")"
fi
"$AUXREC" export -i "$tmp/t.data" -o "$tmp/t.chrome.json" 2> "$tmp/err"
n=$(grep -c '"name":"test:tick","ph":"i","s":"t","ts":[0-9.]*,"pid":4242,"tid":4242,"args":{"seq":' "$tmp/t.chrome.json")
[ "$n" = 8 ] && echo "ok tp_merge_export_chrome # $n instants" ||
	echo "not ok tp_merge_export_chrome: $n instant events of test:tick, want 8 $(head -2 "$tmp/err")"

# tracepoints among the branches of a timed Intel PT trace, auxrec against perf
tp_merge_intel_pt() {
	local g=$tmp/gt bin load
	. tests/gt/build-tools.sh
	if [ -n "$GT_SKIP" ]; then
		echo "skip tp_merge_intel_pt: $GT_SKIP"; return
	elif ! command -v perf > /dev/null; then
		echo "skip tp_merge_intel_pt: no perf (Debian linux-perf)"; return
	fi
	mkdir -p "$g"
	bin=$g/spin
	gcc -O1 -static -no-pie -o "$bin" tests/gt/progs/spin.c ||
		{ echo "not ok tp_merge_intel_pt: cannot compile"; return; }
	gt_record tp_merge_intel_pt "$g/rec.log" --tsc0 0x1000 "$g/spin" -- "$bin" 200 || return
	load=$(readelf -lW "$bin" | awk '$1 == "LOAD" && / E / {print $3, $6, $2; exit}')
	# shellcheck disable=SC2086
	if ! "$B/tests/tools/pd-gen" --tp tests/data/tracefs 8 61037 --gt-clock "$g/w.data" \
		"$g/spin-rc.pt" "$bin" $load > "$g/gen.log" 2>&1; then
		echo "not ok tp_merge_intel_pt: pd-gen: $(head -2 "$g/gen.log")"; return
	fi
	"$AUXREC" script --json -i "$g/w.data" > "$g/aux.json" 2> "$g/err" &&
	timeout 120 perf script --ns --itrace=b -i "$g/w.data" > "$g/perf.txt" 2>> "$g/err" ||
		{ echo "not ok tp_merge_intel_pt: script: $(head -2 "$g/err")"; return; }
	if r=$(python3 tests/perf/tp-order.py "$g/spin-rc.branches" "$g/spin-rc.times" \
	       "$g/aux.json" "$g/perf.txt"); then
		echo "ok tp_merge_intel_pt # $r"
	else
		echo "not ok tp_merge_intel_pt: $(head -4 <<<"$r")"
	fi
}
tp_merge_intel_pt

# perf's pipe mode with tracepoints, read from a pipe, stdin and the file
tp_pipe() {
	local p=$tmp/pipe tps="sched:sched_process_exec sched:sched_process_exit" how n
	if ! command -v perf > /dev/null; then
		echo "skip tp_pipe: no perf (Debian linux-perf)"; return
	fi
	# shellcheck disable=SC2086
	if ! perf record -q -o - -e ${tps// / -e } -- sh -c '/bin/true; /bin/true' \
		> "$p.data" 2> "$p.log" || [ ! -s "$p.data" ]; then
		echo "skip tp_pipe: perf cannot record tracepoints here: $(head -1 "$p.log")"
		return
	fi
	perf script --ns -F comm,tid,cpu,time,event,trace -i - < "$p.data" > "$p.perf" 2> /dev/null
	for how in pipe stdin file; do
		case $how in
		pipe) cat "$p.data" | "$AUXREC" script -i - ;;
		stdin) "$AUXREC" script -i - < "$p.data" ;;
		file) "$AUXREC" script -i "$p.data" ;;
		esac > "$p.$how" 2> "$p.$how.err"
		# shellcheck disable=SC2086
		if r=$(python3 tests/vm/tp-compare.py "$p.$how" "$p.perf" $tps); then
			echo "ok tp_pipe_$how # $r"
		else
			echo "not ok tp_pipe_$how: $r $(grep -v 'holds no AUX data' "$p.$how.err" | head -2)"
		fi
	done
	n=$(cat "$p.data" | "$AUXREC" export -i - 2> "$p.err" | grep -c '"name":"sched:sched_process_e[a-z]*","ph":"i"')
	if [ "$n" -gt 0 ] && [ "$n" = "$(grep -c 'sched:sched_process_e' "$p.perf")" ]; then
		echo "ok tp_pipe_export # $n instants"
	else
		echo "not ok tp_pipe_export: $n instants: $(head -2 "$p.err")"
	fi
}
tp_pipe

# record's -e SUBSYS:NAME refusals, before anything is opened (the fixture as tracefs)
# NAME LINES WANT ARGS...: status 1, no file, the first line naming WANT, and
# nothing else (LINES one) or the usage after it (LINES usage, as every usage error)
bad_record() {
	local name=$1 lines=$2 want=$3 rc n
	shift 3
	(cd "$tmp" && AUXREC_TRACEFS=$root/tests/data/tracefs AUXREC_SYSFS_ROOT=$root/tests/data/sysfs \
		"$A" record "$@" \
		-o bad.data -- true) > "$tmp/bad.out" 2>&1
	rc=$?
	n=$(wc -l < "$tmp/bad.out")
	if [ $rc = 1 ] && head -1 "$tmp/bad.out" | grep -q -- "$want" && ! [ -e "$tmp/bad.data" ] &&
	   { [ "$n" = 1 ] || { [ "$lines" = usage ] && grep -q '^Usage: auxrec record' "$tmp/bad.out"; }; }; then
		echo "ok tp_record_refuses_$name # $(head -1 "$tmp/bad.out")"
	else
		echo "not ok tp_record_refuses_$name: status $rc: $(head -2 "$tmp/bad.out")"
	fi
}
root=$PWD
A=$(realpath "$AUXREC")
bad_record unknown one 'no tracepoint sched:nope' -e intel_pt// -e sched:nope
bad_record malformed one "bad tracepoint 'sched:a b'" -e intel_pt// -e 'sched:a b'
bad_record second_aux_event usage 'only one AUX event' -e intel_pt// -e sched:sched_switch -e intel_bts//
bad_record no_aux_event usage 'no event given' -e sched:sched_switch
