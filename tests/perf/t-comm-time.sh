#!/bin/bash
# A thread's name at each event's time (host, no guest): an exec or a
# prctl(PR_SET_NAME) during the trace renames the thread from its time on,
# as perf script prints it (perf reads the sideband in time order).
# comm_exec: the ground-truth Intel PT trace of tests/gt/progs/spin.c in a
# pd-gen perf.data with its clock (--gt-clock), and a COMM record with the
# exec flag at a perf time T between two branch times in the middle of the
# trace (pd-gen --comm). Every line of auxrec script (text and JSON) names
# the thread "pd-gen" before T and "renamed" from T on, by its own time;
# --jobs 1, 2 and 7 print the same bytes, by time; --comm pd-gen and
# --comm renamed print just the lines the rule by time names so; Debian
# perf script follows the same rule by its own times (within 1 us of T
# either name), and its branches are auxrec's one by one (order, tid,
# addresses, times within 1 us or, at a jump of the clock, that of the
# branch before or after), each with the name auxrec gives it but within
# 1 us of T; the exports name the thread's track by its latest name
# (chrome's thread_name, the protobuf's thread descriptor); comm_late: the
# same name given twice, the record of the later time first in the file,
# counts from the earlier time.
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
# turns (the thread each record names). The same checks, with perf
# script's samples auxrec's one by one (order, tid, address, time to the
# nanosecond), each named as auxrec names it, its timed ones by time to
# the nanosecond.
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

# comm_py MODE ARGS: the checks by line of auxrec script's text or perf
# script's, a line being: a name, the pid or tid, [the CPU], the time
# (none: an SPE sample without one) and the event, whose addresses are the
# hex numbers before a symbol and its "(dso)"
#  by_time FILE T PID OLD NEW SLACK: every line of PID with a time names
#   OLD before T and NEW from T on, and both names occur; the other pids'
#   lines keep theirs. Lines within SLACK ns of T may carry either name
#   (perf applies a record when its decoder's clock passes it, a little
#   ahead of the time it prints for the branches), but the name changes
#   once.
#  rule FILE T PID OLD NEW NAME: the lines of FILE the rule by time names
#   NAME (PID's lines with a time by it, the others by their own name)
#  pair PERF TEXT T PID OLD NEW SLACK: perf script's lines PERF and
#   auxrec's TEXT are the same events in the same order (the same tid,
#   times at most SLACK ns apart, 0 in PERF for a sample TEXT gives none
#   a time, and PERF's addresses TEXT's first ones), each named as in TEXT
#   but for PID's within SLACK ns of T, which may carry either name. At a
#   jump of the clock perf may give the new time one event later or
#   earlier than auxrec: an event's time in PERF may be that of the event
#   before or after it in TEXT.
comm_py() {
	python3 - "$@" <<'PY'
import re, sys
mode, a = sys.argv[1], sys.argv[2:]
line_re = re.compile(r'^ *(\S+) +(\d+)(?: +\[\d+\])?(?: +(\d+)\.(\d{9}):)?(?= )(.*)')
ip_re = re.compile(r'(?<!\S)([0-9a-f]+) +\S+ \(')

def parse(line):
    m = line_re.match(line)
    if not m:
        return None
    time = int(m.group(3)) * 10**9 + int(m.group(4)) if m.group(3) else None
    return m.group(1), m.group(2), time, ip_re.findall(m.group(5))

def fail(why):
    print(why)
    sys.exit(1)

path, t, pid, old, new = a[0], int(a[1]), a[2], a[3], a[4]
if mode == 'by_time':
    slack = int(a[5])
    counts, others = {old: 0, new: 0}, {}
    for n, line in enumerate(open(path), 1):
        e = parse(line)
        if not e or e[2] is None:
            continue
        comm, p, time, _ = e
        if p != pid:
            others.setdefault(p, set()).add(comm)
            continue
        want = old if time < t else new
        if abs(time - t) <= slack and comm in (old, new):
            want = comm
        if comm != want or (comm == old and counts[new]):
            fail(f'line {n}: {comm} at {time}, want {want} (the name changes at {t})')
        counts[want] += 1
    if not counts[old] or not counts[new]:
        fail(f'lines of pid {pid}: {counts}')
    if any(len(c) != 1 for c in others.values()):
        fail(f'other pids change names: {others}')
    print(f'{counts[old]} lines as {old}, {counts[new]} as {new}' +
          (f', other pids {sorted(others)} one name each' if others else ''))
elif mode == 'rule':
    for line in open(path):
        e = parse(line)
        if e:
            comm, p, time, _ = e
            if p == pid and time is not None:
                comm = old if time < t else new
            if comm == a[5]:
                print(line, end='')
elif mode == 'pair':
    text, slack = a[5], int(a[6])
    def events(f):
        return [(n, parse(line)) for n, line in enumerate(open(f), 1) if line.strip()]
    perf, ours = events(path), events(text)
    if len(perf) != len(ours):
        fail(f'perf script printed {len(perf)} events, auxrec {len(ours)}')
    near = apart = most = moved = 0
    for i, ((pn, pe), (n, e)) in enumerate(zip(perf, ours)):
        if not pe or not e:
            fail(f'cannot read perf script line {pn} or auxrec line {n}')
        d = abs(pe[2] - (e[2] or 0))
        if d <= slack:
            apart, most = apart + (d > 0), max(most, d)
        elif any(0 <= j < len(ours) and ours[j][1] and abs(pe[2] - (ours[j][1][2] or 0)) <= slack
                 for j in (i - 1, i + 1)):
            moved += 1
            d = 0
        if pe[1] != e[1] or d > slack or not pe[3] or pe[3] != e[3][:len(pe[3])]:
            fail(f'perf script line {pn} ({pe[1]} at {pe[2]}: {" ".join(pe[3])}) is not'
                 f' auxrec line {n} ({e[1]} at {e[2]}: {" ".join(e[3])})')
        if pe[0] != e[0]:
            if e[1] == pid and {pe[0], e[0]} == {old, new} and e[2] is not None and abs(e[2] - t) <= slack:
                near += 1
                continue
            fail(f'line {n}: perf script names {e[1]} at {e[2]} {pe[0]}, auxrec {e[0]}')
    times = ([f'{apart} at times up to {most} ns apart'] if apart else []) + \
        ([f'{moved} at the time of the event before or after'] if moved else [])
    print(f'{len(ours)} events paired with auxrec\'s by order, tid, time and address' +
          (f' ({", ".join(times)})' if times else '') +
          f', {len(ours) - near} named as by auxrec' +
          (f', {near} within {slack} ns of the rename named the other way' if near else ''))
PY
}

# by_time FILE T PID OLD NEW [SLACK]: comm_py by_time
by_time() {
	comm_py by_time "$1" "$2" "$3" "$4" "$5" "${6:-0}"
}

# text_by_time NAME DATA T PID OLD NEW: by_time of auxrec script's text of
# DATA, which stays in $tmp/NAME.txt
text_by_time() {
	local r
	"$AUXREC" script -i "$2" > "$tmp/$1.txt" 2> "$tmp/$1.err"
	if r=$(by_time "$tmp/$1.txt" "$3" "$4" "$5" "$6"); then
		echo "ok $1 # $r, the name changes at $3 ns"
	else
		echo "not ok $1: $r $(head -2 "$tmp/$1.err")"
	fi
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

# jobs_by_time NAME FILE T PID OLD NEW: script --jobs 1, 2 and 7 print
# the same bytes, and by_time holds for them
jobs_by_time() {
	local j r why=""
	for j in 1 2 7; do
		"$AUXREC" script --jobs $j -i "$2" > "$tmp/j$j" 2>&1
		[ $j = 1 ] || cmp -s "$tmp/j$j" "$tmp/j1" || why="$why--jobs $j differs; "
	done
	r=$(by_time "$tmp/j1" "$3" "$4" "$5" "$6") || why="$why$r"
	verdict "$1" "$why" "$(grep -c . "$tmp/j1") lines, the same for each; $r"
}

# filter_by_time NAME FILE T PID OLD NEW TEXT: script --comm OLD and
# --comm NEW each print just the lines of TEXT (auxrec script's) that the
# rule by time names so (comm_py rule: PID's lines before T by OLD, from T
# on by NEW), each line carrying that name
filter_by_time() {
	local c n why="" seen=""
	for c in "$5" "$6"; do
		"$AUXREC" script --comm "$c" -i "$2" > "$tmp/f.got" 2> "$tmp/f.err"
		comm_py rule "$7" "$3" "$4" "$5" "$6" "$c" > "$tmp/f.want"
		n=$(grep -c . "$tmp/f.want")
		if [ "$n" = 0 ]; then
			why="${why}no line of $7 is $c's by time; "
		elif ! cmp -s "$tmp/f.want" "$tmp/f.got"; then
			why="$why--comm $c printed $(grep -c . "$tmp/f.got") lines, not the $n that are $c's by time"
			why="$why ($(diff "$tmp/f.want" "$tmp/f.got" | grep -m1 '^[<>]' | cut -c1-90)); "
		elif grep -vq "^ *$c " "$tmp/f.got"; then
			why="$why--comm $c printed lines of other names: $(grep -m1 -v "^ *$c " "$tmp/f.got" | cut -c1-60); "
		fi
		seen="$seen$n lines as $c, "
	done
	verdict "$1" "$why" "${seen%, }: --comm prints just those of that name by time"
}

# perf_by_time NAME FILE T PID OLD NEW TEXT ITRACE FIELDS SLACK: Debian perf
# script's events of FILE (--itrace=ITRACE -F FIELDS) hold by_time with
# SLACK (its samples at time 0, without one, left out), and they are the
# events of auxrec script's text TEXT one by one, with the names auxrec
# gives them (comm_py pair)
perf_by_time() {
	local r p
	if ! command -v perf > /dev/null; then
		echo "skip $1: no perf (Debian linux-perf)"; return
	fi
	timeout 120 perf script --ns --itrace="$8" -F "$9" -i "$2" > "$tmp/perf.txt" \
		2> "$tmp/perf.err" || { echo "not ok $1: perf script: $(head -2 "$tmp/perf.err")"; return; }
	grep -v ' 0\.000000000: ' "$tmp/perf.txt" > "$tmp/perf.timed"
	if ! r=$(by_time "$tmp/perf.timed" "$3" "$4" "$5" "$6" "${10}"); then
		echo "not ok $1: perf script: $r"; return
	fi
	if ! p=$(comm_py pair "$tmp/perf.txt" "$3" "$4" "$5" "$6" "$7" "${10}"); then
		echo "not ok $1: perf script # $r; but $p"; return
	fi
	echo "ok $1 # perf script: $r; $p"
}

# name_checks NAME DATA T PID OLD NEW ITRACE FIELDS SLACK: the checks
# above for DATA, perf script's events by ITRACE, FIELDS and SLACK
name_checks() {
	text_by_time "$1_text" "$2" "$3" "$4" "$5" "$6"
	json_by_time "$1_json" "$2" "$3" "$4" "$5" "$6"
	jobs_by_time "$1_jobs" "$2" "$3" "$4" "$5" "$6"
	filter_by_time "$1_filter" "$2" "$3" "$4" "$5" "$6" "$tmp/$1_text.txt"
	perf_by_time "$1_perf" "$2" "$3" "$4" "$5" "$6" "$tmp/$1_text.txt" "$7" "$8" "$9"
}

# pt_checks NAME DATA T PID OLD NEW: for an Intel PT file, perf script's
# branches (from and to addresses) at times up to 1 us from auxrec's (or,
# at a jump of the clock, the branch's before or after), those within 1 us
# of T named either way
pt_checks() {
	name_checks "$@" b comm,tid,time,ip,sym,dso,addr 1000
}

# spe_checks NAME DATA T PID OLD NEW: for an ARM SPE file, perf script's
# samples (--itrace=i1i: one per SPE record, in auxrec's order; those
# without time too, which perf prints at time 0 with the name in force
# when it decodes them) named by time to the nanosecond (perf decodes up
# to a sideband record's time before it applies it)
spe_checks() {
	name_checks "$@" i1i comm,tid,time,ip,sym,dso 0
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

# middle_time FILE PID: a perf time halfway between two distinct times of
# PID's events in the middle of auxrec script's output of FILE (its
# SPE samples without time left out)
middle_time() {
	"$AUXREC" script -i "$1" | awk -v pid="$2" '$2 == pid { for (i = 3; i <= 4; i++)
		if ($i ~ /^[0-9]+\.[0-9]+:$/) { t = $i; sub(":", "", t); sub("\\.", "", t); print t + 0 } }' |
		uniq | awk '{ v[NR] = $1 } END { m = int(NR / 2); print int((v[m] + v[m + 1]) / 2) }'
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
	t=$(middle_time "$g/plain.data" 4242)
	# shellcheck disable=SC2086
	"$B/tests/tools/pd-gen" --comm "$t:4242:renamed:exec" --gt-clock "$g/w.data" \
		"$g/spin-rc.pt" "$g/spin" $load > "$g/gen.log" 2>&1 ||
		{ echo "not ok comm_exec: pd-gen --comm: $(head -2 "$g/gen.log")"; return; }
	pt_checks comm_exec "$g/w.data" "$t" 4242 pd-gen renamed
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
	t=$(middle_time "$g/plain.data" 1002)
	"$B/tests/tools/pd-gen" --comm "$t:1002:renamed" --cpu-wide --cut-psb "$g/w.data" \
		"1001,$g/a-rc.pt,0x1000000,$g/a,$a" "1002,$g/b-rc.pt,$tsc1,$g/b,$b" \
		> "$g/gen.log" 2>&1 || { echo "not ok comm_switches: pd-gen --comm: $(head -2 "$g/gen.log")"; return; }
	pt_checks comm_switches "$g/w.data" "$t" 1002 proc1 renamed
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
	       t=$(middle_time "$g/plain.data" 4242) &&
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
	       t=$(middle_time "$g/plain.data" 4242) &&
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
