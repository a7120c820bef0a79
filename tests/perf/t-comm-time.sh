#!/bin/bash
# A thread's name at each event's time (host, no guest): an exec or a
# prctl(PR_SET_NAME) during the trace renames the thread from its time on,
# as perf script prints it (perf reads the sideband in time order).
# comm_exec: the ground-truth Intel PT trace of tests/gt/progs/spin.c in a
# pd-gen perf.data with its clock (--gt-clock), and a COMM record with the
# exec flag at a perf time T between two branch times in the middle of the
# trace (pd-gen --comm). Every line of auxrec script (text and JSON) names
# the thread "pd-gen" before T and "renamed" from T on, by its own time;
# --jobs 1, 2 and 7 print the same bytes; --comm renamed selects the lines
# from T on; Debian perf script follows the same rule by its own times;
# the exports name the thread's track by its latest name (chrome's
# thread_name, the protobuf's thread descriptor); comm_late: the same name
# given twice, the record of the later time first in the file, counts from
# the earlier time.
# comm_switches: two ground-truth processes taking turns on one CPU
# (pd-gen --cpu-wide --cut-psb, context switch records), the second
# renaming itself (a COMM without exec) in the middle of its run: the same
# checks, with the other process's lines keeping their name.
# comm_spe_exec, comm_spe_switches, comm_spe_context: ARM SPE samples
# (pd-gen --spe with --comm, the streams of tests/tools/spe-stream.py that
# tests/perf/t-arm-spe.sh uses) take the name at their time the same way,
# in three files: per thread with an exec in the middle (the buffer's
# thread owns the samples), per CPU with context switches and a rename in
# the middle of a process's run (the task switched in last), per CPU with
# CONTEXT packets and a rename while runs of two threads' samples take
# turns (the thread each record names). Text and JSON by time; --jobs 1,
# 2 and 7 print the same bytes, by time; --comm OLD and --comm NEW print
# just the lines of that name, together by time; Debian perf script names
# each sample as auxrec does, its timed ones by time to the nanosecond.
# Samples without time (records ending in END) are outside the rule by
# time (perf prints them at time 0), not outside the comparison with perf.
cd "$(dirname "$0")/../.." || exit 1
. tests/check-lib.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
AUXREC=${AUXREC:-./auxrec}
B=${AUXREC_BUILD:-build}
if [ ! -x "$AUXREC" ] || [ ! -x "$B/tests/tools/pd-gen" ]; then
	echo "not ok build: run make all tools first"; exit 1
fi
. tests/gt/build-tools.sh
if [ -n "$GT_SKIP" ]; then
	echo "skip comm_time: $GT_SKIP"; exit 0
fi

# middle_time FILE: a perf time halfway between two distinct branch times
# in the middle of auxrec script's output of FILE
middle_time() {
	"$AUXREC" script -i "$1" | awk '{ t = $3; sub(":", "", t); sub("\\.", "", t); print t + 0 }' |
		uniq | awk '{ v[NR] = $1 } END { m = int(NR / 2); print int((v[m] + v[m + 1]) / 2) }'
}

# by_time NAME FILE T PID OLD NEW [SLACK]: every line of FILE (auxrec
# script text, or perf script's) of PID names OLD before T and NEW from T
# on, by its own time, and both names occur; the other pids' lines keep
# theirs. With SLACK (ns; for perf, which applies a record when its
# decoder's clock passes it, a little ahead of the time it prints for the
# branches): lines that far from T may carry either name, but the name
# changes once.
by_time() {
	python3 - "$2" "$3" "$4" "$5" "$6" "${7:-}" <<'PY'
import re, sys
path, t, pid, old, new = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
slack = int(sys.argv[6] or 0)
line_re = re.compile(r'^ *(\S+) +(\d+)(?: +\[\d+\])? +(\d+)\.(\d{9}):')
counts, others = {old: 0, new: 0}, {}
for n, line in enumerate(open(path), 1):
    m = line_re.match(line)
    if not m:
        continue
    comm, p, time = m.group(1), m.group(2), int(m.group(3)) * 10**9 + int(m.group(4))
    if p != pid:
        others.setdefault(p, set()).add(comm)
        continue
    want = old if time < t else new
    if abs(time - t) <= slack and comm in (old, new):
        want = comm
    if comm != want or (comm == old and counts[new]):
        print(f'line {n}: {comm} at {time}, want {want} (the name changes at {t})')
        sys.exit(1)
    counts[want] += 1
if not counts[old] or not counts[new]:
    print(f'lines of pid {pid}: {counts}'); sys.exit(1)
if any(len(c) != 1 for c in others.values()):
    print(f'other pids change names: {others}'); sys.exit(1)
print(f'{counts[old]} lines as {old}, {counts[new]} as {new}' +
      (f', other pids {sorted(others)} one name each' if others else ''))
PY
}

# text_by_time NAME DATA T PID OLD NEW: by_time of auxrec script's text of
# DATA, which stays in $tmp/NAME.txt
text_by_time() {
	local r
	"$AUXREC" script -i "$2" > "$tmp/$1.txt" 2> "$tmp/$1.err"
	if r=$(by_time "$1" "$tmp/$1.txt" "$3" "$4" "$5" "$6"); then
		echo "ok $1 # $r, the name changes at $3 ns"
	else
		echo "not ok $1: $r $(head -2 "$tmp/$1.err")"
	fi
}

# same_by_jobs NAME FILE: --jobs 1, 2 and 7 print the same bytes
same_by_jobs() {
	local j why=""
	"$AUXREC" script --jobs 1 -i "$2" > "$tmp/j1" 2>&1
	for j in 2 7; do
		"$AUXREC" script --jobs $j -i "$2" 2>&1 | cmp -s - "$tmp/j1" || why="$why --jobs $j differs;"
	done
	verdict "$1" "$why" "$(grep -c . "$tmp/j1") lines"
}

# json_by_time NAME FILE T PID OLD NEW: the same rule for script --json
json_by_time() {
	local r
	if r=$("$AUXREC" script --json -i "$2" 2> "$tmp/json.err" |
		python3 -c '
import json, sys
t, pid, old, new = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
seen = set()
for n, line in enumerate(sys.stdin, 1):
    o = json.loads(line)
    if o.get("pid") != pid or "time" not in o:
        continue
    time, comm = o["time"], o.get("comm")
    want = old if time < t else new
    if comm != want:
        print(f"object {n}: comm {comm} at {time}, want {want}"); sys.exit(1)
    seen.add(want)
if seen != {old, new}:
    print(f"names seen: {sorted(seen)}"); sys.exit(1)
print("both names, each at its times")
' "$3" "$4" "$5" "$6"); then
		echo "ok $1 # $r"
	else
		echo "not ok $1: $r $(head -2 "$tmp/json.err")"
	fi
}

# filter_by_comm NAME FILE NEW WANT: script --comm NEW prints WANT's lines of NEW
filter_by_comm() {
	local want got
	want=$(grep -c "^ *$3 " "$4")
	got=$("$AUXREC" script --comm "$3" -i "$2" | grep -c .)
	[ "$want" = "$got" ] && echo "ok $1 # $got lines" ||
		echo "not ok $1: --comm $3 printed $got lines, $want carry that name"
}

perf_by_time() {	# NAME FILE T PID OLD NEW
	local r
	if ! command -v perf > /dev/null; then
		echo "skip $1: no perf (Debian linux-perf)"; return
	fi
	timeout 120 perf script --ns --itrace=b -i "$2" > "$tmp/perf.txt" 2> "$tmp/perf.err" ||
		{ echo "not ok $1: perf script: $(head -2 "$tmp/perf.err")"; return; }
	if r=$(by_time "$1" "$tmp/perf.txt" "$3" "$4" "$5" "$6" 1000); then
		echo "ok $1 # $r"
	else
		echo "not ok $1: perf script: $r"
	fi
}

# export_names NAME FILE TID COMM: the chrome and perfetto exports name TID's track COMM
export_names() {
	local why=""
	"$AUXREC" export -i "$2" -o "$tmp/x.json" 2> "$tmp/x.err" &&
	"$AUXREC" export -f perfetto -i "$2" -o "$tmp/x.pftrace" 2>> "$tmp/x.err" ||
		{ echo "not ok $1: $(head -2 "$tmp/x.err")"; return; }
	grep -q "\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":[0-9]*,\"tid\":$3,\"args\":{\"name\":\"$4\"}" \
		"$tmp/x.json" || why="chrome: $(grep -o '"name":"thread_name"[^}]*}' "$tmp/x.json" | head -2)"
	if command -v protoc > /dev/null; then
		python3 tests/export/perfetto-unpack.py "$tmp/x.pftrace" "$tmp/x.raw" > /dev/null &&
		protoc --decode=perfetto.protos.Trace -I tests/export perfetto_subset.proto \
			< "$tmp/x.raw" > "$tmp/x.ptxt" 2>> "$tmp/x.err" &&
		grep -A3 "^ *thread {" "$tmp/x.ptxt" | grep -q "thread_name: \"$4\"" ||
			why="$why perfetto: $(grep -m2 thread_name "$tmp/x.ptxt")"
	fi
	verdict "$1" "$why" "thread $3's track named $4"
}

comm_exec() {
	local g=$tmp/exec load t
	mkdir -p "$g"
	gcc -O1 -static -no-pie -o "$g/spin" tests/gt/progs/spin.c ||
		{ echo "not ok comm_exec: cannot compile"; return; }
	gt_record comm_exec "$g/rec.log" --tsc0 0x1000 "$g/spin" -- "$g/spin" 200 || return
	load=$(readelf -lW "$g/spin" | awk '$1 == "LOAD" && / E / {print $3, $6, $2; exit}')
	# shellcheck disable=SC2086
	"$B/tests/tools/pd-gen" --gt-clock "$g/plain.data" "$g/spin-rc.pt" "$g/spin" $load \
		> "$g/gen.log" 2>&1 || { echo "not ok comm_exec: pd-gen: $(head -2 "$g/gen.log")"; return; }
	t=$(middle_time "$g/plain.data")
	# shellcheck disable=SC2086
	"$B/tests/tools/pd-gen" --comm "$t:4242:renamed:exec" --gt-clock "$g/w.data" \
		"$g/spin-rc.pt" "$g/spin" $load > "$g/gen.log" 2>&1 ||
		{ echo "not ok comm_exec: pd-gen --comm: $(head -2 "$g/gen.log")"; return; }
	text_by_time comm_exec_text "$g/w.data" "$t" 4242 pd-gen renamed
	json_by_time comm_exec_json "$g/w.data" "$t" 4242 pd-gen renamed
	same_by_jobs comm_exec_jobs "$g/w.data"
	filter_by_comm comm_exec_filter "$g/w.data" renamed "$tmp/comm_exec_text.txt"
	perf_by_time comm_exec_perf "$g/w.data" "$t" 4242 pd-gen renamed
	export_names comm_exec_export "$g/w.data" 4242 renamed
	# the same name given twice, the later time first in the file: from the earlier on
	# shellcheck disable=SC2086
	"$B/tests/tools/pd-gen" --comm "$((t + 20000)):4242:renamed" --comm "$t:4242:renamed" \
		--gt-clock "$g/late.data" "$g/spin-rc.pt" "$g/spin" $load > "$g/gen.log" 2>&1 ||
		{ echo "not ok comm_late: pd-gen: $(head -2 "$g/gen.log")"; return; }
	text_by_time comm_late "$g/late.data" "$t" 4242 pd-gen renamed
}

comm_switches() {
	local g=$tmp/sw ninsn tsc1 a b t
	mkdir -p "$g"
	gcc -O1 -static -no-pie -o "$g/a" tests/gt/progs/loops.c &&
	gcc -O1 -static -no-pie -o "$g/b" tests/gt/progs/recursion.c ||
		{ echo "not ok comm_switches: cannot compile"; return; }
	gt_record comm_switches "$g/rec.log" "$g/a" -- "$g/a" || return
	# b's trace starts well after a's last instruction (8 TSC ticks each)
	ninsn=$(sed -n 's/.*: \([0-9]*\) instructions.*/\1/p' "$g/rec.log" | head -1)
	tsc1=$((0x1000000 + ninsn * 8 * 2))
	"$GT_BIN/gt-record" --tsc0 $tsc1 "$g/b" -- "$g/b" >> "$g/rec.log" 2>&1 ||
		{ echo "not ok comm_switches: gt-record: $(tail -1 "$g/rec.log")"; return; }
	a=$(readelf -lW "$g/a" | awk '$1 == "LOAD" && / E / {print $3","$6","$2; exit}')
	b=$(readelf -lW "$g/b" | awk '$1 == "LOAD" && / E / {print $3","$6","$2; exit}')
	"$B/tests/tools/pd-gen" --cpu-wide --cut-psb "$g/plain.data" \
		"1001,$g/a-rc.pt,0x1000000,$g/a,$a" "1002,$g/b-rc.pt,$tsc1,$g/b,$b" \
		> "$g/gen.log" 2>&1 || { echo "not ok comm_switches: pd-gen: $(head -2 "$g/gen.log")"; return; }
	# halfway through b's branches
	t=$("$AUXREC" script -i "$g/plain.data" | awk '$2 == 1002 { t = $4; sub(":", "", t);
		sub("\\.", "", t); print t + 0 }' | uniq |
		awk '{ v[NR] = $1 } END { m = int(NR / 2); print int((v[m] + v[m + 1]) / 2) }')
	"$B/tests/tools/pd-gen" --comm "$t:1002:renamed" --cpu-wide --cut-psb "$g/w.data" \
		"1001,$g/a-rc.pt,0x1000000,$g/a,$a" "1002,$g/b-rc.pt,$tsc1,$g/b,$b" \
		> "$g/gen.log" 2>&1 || { echo "not ok comm_switches: pd-gen --comm: $(head -2 "$g/gen.log")"; return; }
	text_by_time comm_switches_text "$g/w.data" "$t" 1002 proc1 renamed
	json_by_time comm_switches_json "$g/w.data" "$t" 1002 proc1 renamed
	same_by_jobs comm_switches_jobs "$g/w.data"
	filter_by_comm comm_switches_filter "$g/w.data" renamed "$tmp/comm_switches_text.txt"
	perf_by_time comm_switches_perf "$g/w.data" "$t" 1002 proc1 renamed
}

# spe_middle FILE PID: a perf time halfway between two distinct times of
# PID's samples in the middle of auxrec script's output of FILE (its
# samples without time left out)
spe_middle() {
	"$AUXREC" script -i "$1" | awk -v pid="$2" '$2 == pid { for (i = 3; i <= 4; i++)
		if ($i ~ /^[0-9]+\.[0-9]+:$/) { t = $i; sub(":", "", t); sub("\\.", "", t); print t + 0 } }' |
		uniq | awk '{ v[NR] = $1 } END { m = int(NR / 2); print int((v[m] + v[m + 1]) / 2) }'
}

# spe_perf_by_time NAME FILE T PID OLD NEW TEXT: Debian perf script's samples
# of FILE (--itrace=i1i: one per SPE record, in auxrec's order) name PID
# OLD before T and NEW from T on, to the nanosecond (perf decodes up to
# a sideband record's time before it applies it), the other pids one name
# each; and sample by sample (those without time too, which perf prints
# at time 0 with the name in force when it decodes them) perf's name and
# tid are those of auxrec script's text TEXT
spe_perf_by_time() {
	local r
	if ! command -v perf > /dev/null; then
		echo "skip $1: no perf (Debian linux-perf)"; return
	fi
	timeout 120 perf script --ns --itrace=i1i -F comm,tid,time,ip -i "$2" > "$tmp/perf.txt" \
		2> "$tmp/perf.err" || { echo "not ok $1: perf script: $(head -2 "$tmp/perf.err")"; return; }
	grep -v ' 0\.000000000: ' "$tmp/perf.txt" > "$tmp/perf.timed"
	if ! r=$(by_time "$1" "$tmp/perf.timed" "$3" "$4" "$5" "$6"); then
		echo "not ok $1: perf script: $r"; return
	fi
	awk '{ print $1, $2 }' "$tmp/perf.txt" > "$tmp/perf.names"
	awk '{ print $1, $2 }' "$7" > "$tmp/auxrec.names"
	if ! cmp -s "$tmp/perf.names" "$tmp/auxrec.names"; then
		echo "not ok $1: perf script's names and tids (<) differ from auxrec's (>):" \
			"$(diff "$tmp/perf.names" "$tmp/auxrec.names" | grep -m2 '^[<>]' | tr '\n' ' ')"
		return
	fi
	echo "ok $1 # $r; $(grep -c . "$tmp/perf.txt") samples, each named as by auxrec"
}

# spe_jobs_by_time NAME FILE T PID OLD NEW: script --jobs 1, 2 and 7 print
# the same bytes, and by_time holds for them
spe_jobs_by_time() {
	local j r why=""
	for j in 1 2 7; do
		"$AUXREC" script --jobs $j -i "$2" > "$tmp/j$j" 2>&1
		[ $j = 1 ] || cmp -s "$tmp/j$j" "$tmp/j1" || why="$why--jobs $j differs; "
	done
	r=$(by_time "$1" "$tmp/j1" "$3" "$4" "$5" "$6") || why="$why$r"
	verdict "$1" "$why" "$(grep -c . "$tmp/j1") lines; $r"
}

# spe_filter_by_time NAME FILE T PID OLD NEW TEXT: script --comm OLD and
# --comm NEW print just the lines of TEXT (auxrec script's) that carry
# that name, and together by_time holds for them: --comm selects PID's
# lines before T by OLD, from T on by NEW
spe_filter_by_time() {
	local r why="" c
	for c in "$5" "$6"; do
		"$AUXREC" script --comm "$c" -i "$2" > "$tmp/f.$c" 2> "$tmp/f.err"
		grep "^ *$c " "$7" | cmp -s - "$tmp/f.$c" ||
			why="$why--comm $c printed $(grep -c . "$tmp/f.$c") lines, not the $(grep -c "^ *$c " "$7") of that name; "
	done
	cat "$tmp/f.$5" "$tmp/f.$6" > "$tmp/f.both"
	r=$(by_time "$1" "$tmp/f.both" "$3" "$4" "$5" "$6") || why="$why$r"
	verdict "$1" "$why" "$r"
}

# spe_checks NAME DATA T PID OLD NEW: the checks above for an SPE file
spe_checks() {
	text_by_time "$1_text" "$2" "$3" "$4" "$5" "$6"
	json_by_time "$1_json" "$2" "$3" "$4" "$5" "$6"
	spe_jobs_by_time "$1_jobs" "$2" "$3" "$4" "$5" "$6"
	spe_filter_by_time "$1_filter" "$2" "$3" "$4" "$5" "$6" "$tmp/$1_text.txt"
	spe_perf_by_time "$1_perf" "$2" "$3" "$4" "$5" "$6" "$tmp/$1_text.txt"
}

# comm_spe_exec: a per-thread SPE file (a stream of
# tests/tools/spe-stream.py as tests/perf/t-arm-spe.sh makes them), the
# traced process execing in the middle: its samples' owner is the
# buffer's thread, named by time
comm_spe_exec() {
	local g=$tmp/spe-exec cut t
	mkdir -p "$g"
	if ! { cut=$(python3 tests/tools/spe-stream.py random "$g/thread.spe" 11 2000 --no-context) &&
	       "$B/tests/tools/pd-gen" --spe "$g/plain.data" "$g/thread.spe" "$cut" /bin/true \
			> "$g/gen.log" 2>&1 &&
	       t=$(spe_middle "$g/plain.data" 4242) &&
	       "$B/tests/tools/pd-gen" --comm "$t:4242:renamed:exec" --spe "$g/w.data" \
			"$g/thread.spe" "$cut" /bin/true > "$g/gen.log" 2>&1; }; then
		echo "not ok comm_spe_exec: pd-gen --spe: $(head -2 "$g/gen.log")"; return
	fi
	spe_checks comm_spe_exec "$g/w.data" "$t" 4242 pd-gen renamed
}

# comm_spe_switches: a per-CPU SPE file without CONTEXT packets, CPU 0
# handed between processes by context switch records (pd-gen --switch, as
# in t-arm-spe.sh), process 5001 renaming itself in the middle of its
# run: the owner is the task switched in last, named by time
comm_spe_switches() {
	local g=$tmp/spe-sw cut
	local sw=(--switch 5:4242 --switch 1200001:5001 --switch 2400001:5002 --switch 3600001:4242)
	mkdir -p "$g"
	if ! { cut=$(python3 tests/tools/spe-stream.py random "$g/cpu.spe" 13 2000 --no-context) &&
	       "$B/tests/tools/pd-gen" --comm 1800001:5001:renamed --spe --cpu-wide "${sw[@]}" \
			"$g/w.data" "$g/cpu.spe" "$cut" /bin/true > "$g/gen.log" 2>&1; }; then
		echo "not ok comm_spe_switches: pd-gen --spe: $(head -2 "$g/gen.log")"; return
	fi
	spe_checks comm_spe_switches "$g/w.data" 1800001 5001 proc5001 renamed
}

# comm_spe_context: a per-CPU SPE file whose records name their thread
# (CONTEXT packets, spe-stream.py workload), runs of 4242's samples and
# 5001's taking turns, 4242 renaming itself in the middle of one of its
# runs: the owner is the thread the record names, named by time
comm_spe_context() {
	local g=$tmp/spe-ctx cut t i
	mkdir -p "$g"
	for i in $(seq 0 8); do
		printf 'pc=%#x op=ld va=%#x lat=%d ctx=4242 repeat=70\n' $((0x401000 + i * 4)) \
			$((0x600100 + i * 8)) $((10 + i))
		printf 'pc=%#x op=st va=%#x lat=%d ctx=5001 repeat=30\n' $((0x402000 + i * 4)) \
			$((0x600500 + i * 8)) $((20 + i))
	done > "$g/ctx.desc"
	# --switch names 5001 (a COMM) before the trace
	if ! { cut=$(python3 tests/tools/spe-stream.py workload "$g/ctx.spe" "$g/ctx.desc") &&
	       "$B/tests/tools/pd-gen" --spe --cpu-wide --switch 5:5001 "$g/plain.data" \
			"$g/ctx.spe" "$cut" /bin/true > "$g/gen.log" 2>&1 &&
	       t=$(spe_middle "$g/plain.data" 4242) &&
	       "$B/tests/tools/pd-gen" --comm "$t:4242:renamed" --spe --cpu-wide --switch 5:5001 \
			"$g/w.data" "$g/ctx.spe" "$cut" /bin/true > "$g/gen.log" 2>&1; }; then
		echo "not ok comm_spe_context: pd-gen --spe: $(head -2 "$g/gen.log")"; return
	fi
	spe_checks comm_spe_context "$g/w.data" "$t" 4242 pd-gen renamed
}

comm_exec
comm_switches
comm_spe_exec
comm_spe_switches
comm_spe_context
