#!/bin/bash
# t-cs-etm.sh - the cs_etm decoder against AArch64 ground truth: each
# program of tests/gt/progs is built static for AArch64
# (aarch64-linux-gnu-gcc) and run under qemu-aarch64-static -singlestep
# with its execution log (every executed PC); tests/tools/etm-gen writes
# the call of main as ETMv4 trace in CoreSight frames inside a perf.data
# (cs_etm AUXTRACE_INFO, two AUX chunks) and lists every taken transfer.
# Then:
#  - `auxrec script --json` gives exactly those events (trace begin, each
#    taken branch with its kind, a trace end as a syscall and a trace begin
#    around each system call, written as user-only tracing shows one: an
#    Exception packet then Trace On; each chunk's trace end), in order;
#  - Debian's `perf script --itrace=b -F flags,ip,addr` (OpenCSD too)
#    reads the file without a word on stderr and gives the same transfers,
#    but for the last trace end (perf shows none at the end of the data)
#    and the kind of a branch to a register that is no return (BR): perf
#    calls it a return (cs_etm__set_sample_flags), auxrec a jmp; with ETE
#    perf 6.1 gives a system call's trace end no kind (its
#    cs_etm__is_syscall knows ETMv3 and ETMv4 only);
#  - `auxrec dump --json` lists the packets `perf report -D` lists (type,
#    address, atoms), the lines valid against docs/schema/dump.schema.json;
#  - a damaged trace (etm-gen --damage: a reserved header just before the
#    first periodic A-sync of each chunk): the events equal the executed
#    ones but where the damage was: there the trace ends, an error says
#    "bad packet", and the trace begins again at the A-sync, at the target
#    of the transfer the damage cut off (one transfer lost per chunk);
#  - two threads in one chunk (etm-gen --threads: pids 4242 and 4243 of
#    the same program, a Trace On and an Address with Context naming 4243
#    halfway): auxrec attributes each event to the thread of the context ID
#    before it (tid and comm), perf gives the same transfers. Perf 6.1
#    without timestamps does not: it sets the tid when OpenCSD hands it the
#    PE context (cs_etm_decoder__set_tid) but makes its samples later from
#    the queued packets, so every queued branch gets the last tid (here all
#    331 get 4243); its tids are not compared;
#  - the same with 4243 a thread of 4242 (etm-gen --thread): its events
#    are process 4242's (pid, comm, code);
#  - both threads with timestamps (etm-gen --threads --timestamps: the
#    trace's clock is 0x1000000 + 3 x the instruction count, a Timestamp
#    packet after each sync or switch and every third taken branch, and a
#    TIME_CONV of 40 ns a tick from 1 s): every auxrec event has the time
#    of the last timestamp before it, converted; perf gives the same
#    transfers and, now that a timestamp follows the context, the same
#    tids but for the trace end at the switch (perf: the new thread's),
#    and without the last transfer (its timed decode ends without it).
#    Perf 6.1 does not use the trace's time for its samples: each gets the
#    time of the last sideband record perf has processed (cs-etm.c,
#    sample.time = etm->latest_kernel_timestamp; the timestamps only order
#    the CPUs' queues), here the AUX record's 10 ns; not compared;
#  - two trace IDs in one chunk (etm-gen --two-ids --timestamps: the
#    first half of the window in 4242 as trace ID 0x10, the second in 4243
#    as 0x12, as two CPUs sharing a sink write them, frames alternating,
#    the second stream's clock a tick after the first's start, so their
#    times interleave): every auxrec event has the tid and comm of its own
#    stream's context ID and the time of its own stream's last timestamp,
#    each stream's events in order, with --jobs 1 and 2; perf (a queue per
#    trace ID) gives each stream's transfers in order with the same tids,
#    but no trace end at the chunk's end and, 6.1, not the last transfer
#    of 0x10's stream (as the timestamps check: its timed decode), and
#    the two streams merged in another order (by timestamp); its times
#    are the AUX record's, not compared;
#  - the CPU of each event of the two trace IDs: in AUXTRACE_INFO 0x10 is
#    CPU 0's ETM and 0x12 CPU 1's, the chunk CPU 0's buffer; then (etm-gen
#    --cpus) 0x10 of CPU 3 and 0x12 of CPU 2 in CPU 0's buffer, and of
#    CPUs 5 and 4 in a per-thread buffer (CPU -1): every auxrec event has
#    the CPU of its trace ID's block, as perf's samples (cs_etm__get_cpu),
#    and perf's `-F tid,cpu,...` gives each stream's transfers with those
#    CPUs (the per-thread file: but for the three lines perf 6.1 warns of
#    it, an AUX record whose CPU is not the buffer's -1, which it decodes
#    all the same); `script -C` of the second ID's CPU gives its events
#    only, of the buffer's CPU none, and `export -f folded -C` of the
#    buffer's CPU nothing, of both IDs' CPUs what it gives unfiltered
#    (perf's -C is not compared: the generated file has no nrcpus header);
#  - different code at the same addresses (etm-gen --own-code: 4242 and
#    4243 map copies of the program in which what only the other one runs
#    is changed, a branch into a NOP, any other instruction into a B to
#    the next): as two trace IDs in one chunk (--two-ids) and as one ID
#    switching context (--threads), every auxrec event as executed, each
#    ID's code read from its own thread's process and not from OpenCSD
#    1.3.3's memory access cache, which keys its pages by address alone
#    (docs/testing.md). Perf 6.1 shares that cache between the IDs of a
#    buffer and misreads the --two-ids file (indirect: of its 329
#    transfers 5 are not those it gives without --own-code, e.g. 4242's
#    jmp from 0x4007e8 to 0x4007ec: the B .+4 of 4243's copy read for
#    4242's ID); not compared;
#  - the same for AUXTRACE_INFO header version 0, for ETE blocks, and for
#    raw (unformatted, TRBE) trace (etm-gen --v0, --ete, --raw) on one
#    program;
#  - a long trace (etm-gen --repeat 40: two chunks of about 300 KB, one
#    piece the decoder reads in windows where the file is mapped): auxrec
#    script's transfers with their symbols are perf script's.
cd "$(dirname "$0")/../.." || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
AUXREC=${AUXREC:-./auxrec}
AUXREC=$(realpath "$AUXREC")
B=${AUXREC_BUILD:-build}

if [ ! -x "$AUXREC" ] || [ ! -x "$B/tests/tools/etm-gen" ]; then
	echo "not ok build: run make all tools first"; exit 1
fi
. tests/check-lib.sh
. tests/perf/cs-etm-events.sh
missing=$(aarch64_tool_missing)
[ -n "$missing" ] && { echo "skip cs-etm: $missing is not installed (tests/install-deps)"; exit 0; }
have_perf=1
perf --version > /dev/null 2>&1 || have_perf=

# the dump's packets and perf report -D's as "name addr atoms" lines
dump_packets() {
	python3 -c '
import json, sys
for l in open(sys.argv[1]):
    p = json.loads(l)
    if "packet" in p:
        print(p["packet"], p.get("addr", "-"), p.get("atoms", "-"))
    elif "error" in p and "offset" in p and "type" not in p:
        print("error", p["error"])' "$1"
}

perf_packets() {
	python3 -c '
import re, sys
for l in open(sys.argv[1]):
    m = re.match(r"\s*Idx:\d+; ID:[0-9a-f]+;\s*I_(\w+) : ([^;]*);?(.*)", l)
    if not m:
        continue
    name, rest = m.group(1).lower(), m.group(3)
    a = re.search(r"Addr=0x([0-9A-Fa-f]+)", rest)
    t = re.search(r"^\s*([EN]+)\s*$", rest)
    addr = "0x%x" % int(a.group(1), 16) if a else "-"
    print(name, addr, t.group(1) if t else "-")' "$1"
}

check_dump() {	# dir
	local g=$1 why=
	"$AUXREC" dump --json -i "$g/etm.data" > "$g/dump.json" 2> "$g/dump.err" ||
		why="exit status $?: $(head -1 "$g/dump.err")"
	dump_packets "$g/dump.json" > "$g/dump.pk"
	[ -z "$why" ] && grep -q '^error' "$g/dump.pk" && why="$(grep -m1 '^error' "$g/dump.pk")"
	[ -z "$why" ] && why=$(dump_schema_differs "$g/dump.json")
	if [ -z "$why" ] && [ -n "$have_perf" ]; then
		perf report -D -i "$g/etm.data" > "$g/report-D" 2> /dev/null
		perf_packets "$g/report-D" > "$g/perf.pk"
		if ! cmp -s "$g/dump.pk" "$g/perf.pk"; then
			why="$(wc -l < "$g/perf.pk") packets in perf report -D, $(wc -l < "$g/dump.pk"
				) dumped; first difference: $(diff "$g/dump.pk" "$g/perf.pk" |
				grep -m2 '^[<>]' | tr '\n' ' ')"
		fi
	fi
	echo "$why"
}

run_prog() {	# name [etm-gen option] -- args
	local n=$1 opt=$2 g=$tmp/$1$2 why main nev
	shift 2
	mkdir -p "$g"
	if ! aarch64-linux-gnu-gcc -O1 -static -o "$g/prog" "tests/gt/progs/$n.c" 2> "$g/cc.err"; then
		echo "not ok cs-etm-$n: cannot compile tests/gt/progs/$n.c: $(head -1 "$g/cc.err")"
		return
	fi
	if ! qemu-aarch64-static -singlestep -d exec,nochain -D "$g/exec.log" "$g/prog" "$@" \
		> /dev/null 2> "$g/qemu.err"; then
		echo "not ok cs-etm-$n: qemu-aarch64-static: $(head -1 "$g/qemu.err")"; return
	fi
	main=$(aarch64-linux-gnu-nm "$g/prog" | awk '$3 == "main" { print $1 }')
	# shellcheck disable=SC2086
	if ! "$B/tests/tools/etm-gen" $opt "$g/exec.log" "$g/prog" "$main" "$g/etm.data" \
		"$g/expected" 2> "$g/gen.err"; then
		echo "not ok cs-etm-$n$opt: etm-gen: $(tail -1 "$g/gen.err")"; return
	fi
	nev=$(wc -l < "$g/expected")

	"$AUXREC" script --json -i "$g/etm.data" > "$g/script.json" 2> "$g/script.err"
	script_events "$g/script.json" > "$g/got"
	if [ -s "$g/script.err" ]; then
		why="stderr: $(head -1 "$g/script.err")"
	else
		why=$(first_difference "$g/expected" "$g/got" events "< executed > auxrec")
	fi
	verdict "cs-etm-$n$opt-script-equals-executed" "$why" \
		"$nev events: every taken transfer of $(grep -c . "$g/exec.log") executed instructions"

	why=$(check_dump "$g")
	verdict "cs-etm-$n$opt-dump-equals-perf-report-D" "$why" \
		"$(wc -l < "$g/dump.pk") packets, types, addresses and atoms as perf's"

	if [ -z "$have_perf" ]; then
		echo "skip cs-etm-$n$opt-perf-script: perf is not installed"; return
	fi
	want_perf "$g/got" "$g/prog" "$opt" > "$g/want.perf"
	why=$(perf_branches_differ "$g/etm.data" "$g/want.perf" "$g/perf" "< auxrec > perf")
	verdict "cs-etm-$n$opt-perf-script-agrees" "$why" \
		"$(wc -l < "$g/perf") transfers with their kinds, BR as perf's return"
}

# events around each damage: "" or what differs (see the top)
check_resync() {	# expected got
	python3 - "$1" "$2" <<'PY'
import sys
want = [l.split() for l in open(sys.argv[1])]
got = [l.split() for l in open(sys.argv[2])]
i = j = resyncs = 0
while i < len(got) and j < len(want):
    if got[i] == want[j]:
        i += 1; j += 1; continue
    # the damaged transfer: trace end at its source, error, trace begin at its target
    g = got[i:i + 3]
    if len(g) < 3 or not g[0][0].startswith("tr_end") or g[0][1] != want[j][1] or \
       g[1][:1] != ["error"] or g[1][3:] != ["bad", "packet"] or g[2][0] != "tr_strt" or \
       g[2][2] != want[j][2]:
        print("event %d: %s, executed %s" % (i, " ".join(got[i]), " ".join(want[j]))); sys.exit()
    resyncs += 1; i += 3; j += 1
if i != len(got) or j != len(want) or resyncs != 2:
    print("%d of %d events, %d of %d executed, %d resyncs" % (i, len(got), j, len(want), resyncs))
PY
}

run_damaged() {	# name
	local n=$1 g=$tmp/$1 why
	"$B/tests/tools/etm-gen" --damage "$g/exec.log" "$g/prog" \
		"$(aarch64-linux-gnu-nm "$g/prog" | awk '$3 == "main" { print $1 }')" "$g/bad.data" \
		"$g/bad.expected" 2> /dev/null || { echo "not ok cs-etm-$n-damaged: etm-gen"; return; }
	"$AUXREC" script --json -i "$g/bad.data" > "$g/bad.json" 2> "$g/bad.err"
	python3 -c '
import json, sys
for l in open(sys.argv[1]):
    e = json.loads(l)
    k = {"trace_begin": "tr_strt", "trace_end": "tr_end" + ("/" + e["kind"] if "kind" in e else "")}.get(
        e["type"], e.get("kind") or e["type"])
    print(k, e["from"], e["to"], e.get("error", ""))' "$g/bad.json" > "$g/bad.got"
	why=$(check_resync "$g/bad.expected" "$g/bad.got")
	[ -s "$g/bad.err" ] && why="stderr: $(head -1 "$g/bad.err")"
	verdict "cs-etm-$n-damaged-resyncs" "$why" \
		"$(grep -c . "$g/bad.got") events: the executed ones, one transfer per chunk cut at the damage"
}

# etm-gen --threads: two processes of one program in one chunk, the
# second half of the window after a Trace On and an Address with Context
# naming the second pid (see the top); --thread: the second a thread of
# the first process (its COMM record only), so its events are that
# process's (pid 4242, its comm and code)
run_threads() {	# name --threads|--thread
	local n=$1 opt=$2 g=$tmp/$1 why nb t
	t=${opt#--}
	"$B/tests/tools/etm-gen" "$opt" "$g/exec.log" "$g/prog" \
		"$(aarch64-linux-gnu-nm "$g/prog" | awk '$3 == "main" { print $1 }')" "$g/$t.data" \
		"$g/$t.expected" 2> /dev/null || { echo "not ok cs-etm-$n-$t: etm-gen"; return; }
	"$AUXREC" script --json -i "$g/$t.data" > "$g/$t.json" 2> "$g/$t.err"
	script_events "$g/$t.json" tid pid comm > "$g/$t.got"
	awk -v thread="$([ "$opt" = --thread ] && echo 1)" '{
		pid = thread ? 4242 : $4
		print $0, pid, pid == 4242 ? "etm-prog" : "etm-prog-b" }' "$g/$t.expected" > "$g/$t.want"
	why=$(first_difference "$g/$t.want" "$g/$t.got" events "< executed > auxrec")
	[ -s "$g/$t.err" ] && why="stderr: $(head -1 "$g/$t.err")"
	nb=$(awk '$4 == 4243' "$g/$t.want" | wc -l)
	verdict "cs-etm-$n-$t-script-follows-context-id" "$why" \
		"$(wc -l < "$g/$t.want") events, the last $nb of tid 4243 (pid $(awk '$4 == 4243 { print $5; exit }' "$g/$t.want")) after its context ID"
	if [ -z "$have_perf" ]; then
		echo "skip cs-etm-$n-$t-perf-script: perf is not installed"; return
	fi
	cut -d' ' -f1-3 "$g/$t.got" > "$g/$t.got3"
	want_perf "$g/$t.got3" "$g/prog" "" > "$g/$t.want.perf"
	why=$(perf_branches_differ "$g/$t.data" "$g/$t.want.perf" "$g/$t.perf" "< auxrec > perf")
	verdict "cs-etm-$n-$t-perf-script-agrees" "$why" \
		"$(wc -l < "$g/$t.perf") transfers (flags, ip, addr)"
}

# etm-gen --threads --timestamps: the two threads, and Timestamp packets
# that follow the instruction count, with a TIME_CONV (see the top)
run_timestamps() {	# name
	local n=$1 g=$tmp/$1 why
	"$B/tests/tools/etm-gen" --threads --timestamps "$g/exec.log" "$g/prog" \
		"$(aarch64-linux-gnu-nm "$g/prog" | awk '$3 == "main" { print $1 }')" "$g/ts.data" \
		"$g/ts.expected" 2> /dev/null || { echo "not ok cs-etm-$n-timestamps: etm-gen"; return; }
	"$AUXREC" script --json -i "$g/ts.data" > "$g/ts.json" 2> "$g/ts.err"
	script_events "$g/ts.json" tid time > "$g/ts.got"
	why=$(first_difference "$g/ts.expected" "$g/ts.got" events "< executed > auxrec")
	[ -s "$g/ts.err" ] && why="stderr: $(head -1 "$g/ts.err")"
	verdict "cs-etm-$n-timestamps-script-times" "$why" \
		"$(wc -l < "$g/ts.got") events, $(cut -d' ' -f5 "$g/ts.got" | uniq | wc -l) times, each the TIME_CONV of the last timestamp"
	run_rename "$n"
	run_rename_cpus "$n"
	if [ -z "$have_perf" ]; then
		echo "skip cs-etm-$n-timestamps-perf-script: perf is not installed"; return
	fi
	# perf: the trace end at a switch already in the new thread, and (timed
	# decode) not the last transfer before the final trace end either
	cut -d' ' -f1-4 "$g/ts.got" > "$g/ts.got4"
	want_perf "$g/ts.got4" "$g/prog" "" | sed '$d' |
		awk 'NR > 1 { if ($4 != prev[4] && prev[1] ~ /^tr_end/) prev[4] = $4; print prev[1], prev[2], prev[3], prev[4] }
		     { split($0, prev) } END { print prev[1], prev[2], prev[3], prev[4] }' > "$g/ts.want.perf"
	timeout 120 perf script --itrace=b --ns -F tid,time,flags,ip,addr -i "$g/ts.data" \
		2> "$g/ts.perf.err" > "$g/ts.perf.out"
	awk '{ $2 = ""; print }' "$g/ts.perf.out" | perf_branch_lines 1 > "$g/ts.perf"
	why=$(first_difference "$g/ts.want.perf" "$g/ts.perf" branches "< auxrec > perf")
	[ -s "$g/ts.perf.err" ] && why="perf: $(head -1 "$g/ts.perf.err")"
	verdict "cs-etm-$n-timestamps-perf-script-agrees" "$why" \
		"$(wc -l < "$g/ts.perf") transfers and tids; perf's times: $(awk '{ print $2 }' \
		"$g/ts.perf.out" | sort -u | tr '\n' ' ')"
}

# etm-gen --threads --timestamps --rename=T: 4243 renamed (a COMM without
# exec) at T, just before the time of its middle event: its events before
# T have the old name, those from T on the new one (the name at the time of
# the last timestamp, looked up again as the timestamps pass T), though
# its context ID came before the rename
run_rename() {	# name
	local n=$1 g=$tmp/$1 why t
	t=$(awk '$4 == 4243 { v[++k] = $5 } END { if (k > 2) print v[int(k / 2) + 1] - 1 }' \
		"$g/ts.expected")
	[ -n "$t" ] || { echo "not ok cs-etm-$n-rename: too few events of 4243 in ts.expected"; return; }
	"$B/tests/tools/etm-gen" --threads --timestamps --rename="$t" "$g/exec.log" "$g/prog" \
		"$(aarch64-linux-gnu-nm "$g/prog" | awk '$3 == "main" { print $1 }')" "$g/rn.data" \
		"$g/rn.expected" 2> /dev/null || { echo "not ok cs-etm-$n-rename: etm-gen"; return; }
	"$AUXREC" script --json -i "$g/rn.data" > "$g/rn.json" 2> "$g/rn.err"
	script_events "$g/rn.json" tid time comm > "$g/rn.got"
	awk -v t="$t" '{ print $0, $4 == 4242 ? "etm-prog" : $5 < t ? "etm-prog-b" : "etm-prog-c" }' \
		"$g/rn.expected" > "$g/rn.want"
	why=$(first_difference "$g/rn.want" "$g/rn.got" events "< executed > auxrec")
	[ -s "$g/rn.err" ] && why="stderr: $(head -1 "$g/rn.err")"
	[ -z "$why" ] && ! grep -q ' etm-prog-b$' "$g/rn.want" && why="no event before the rename"
	verdict "cs-etm-$n-rename-names-by-time" "$why" \
		"$(grep -c ' etm-prog-b$' "$g/rn.want") events of 4243 as etm-prog-b, $(grep -c ' etm-prog-c$' "$g/rn.want") as etm-prog-c (renamed at $t ns)"
}

# etm-gen --timestamps --rename=T: the two chunks of 4242, renamed
# etm-prog-c at T (a COMM without exec) between its first and last
# timestamp; the chunks then swapped in the file, the later one on CPU 1
# first, as perf -a writes per-CPU buffers in no order of time. Each event
# has the name of its time, though the chunk decoded before the earlier
# one ended after the rename: its last timestamp's time is not the next
# chunk's (it named the whole earlier chunk etm-prog-c)
run_rename_cpus() {	# name
	local n=$1 g=$tmp/$1 why t main
	main=$(aarch64-linux-gnu-nm "$g/prog" | awk '$3 == "main" { print $1 }')
	"$B/tests/tools/etm-gen" --timestamps "$g/exec.log" "$g/prog" "$main" "$g/ts1.data" \
		"$g/ts1.expected" 2> /dev/null || { echo "not ok cs-etm-$n-rename-cpus: etm-gen"; return; }
	t=$(awk '{ v[++k] = $4 } END { if (k > 2) print v[int(k / 2) + 1] - 1 }' "$g/ts1.expected")
	[ -n "$t" ] || { echo "not ok cs-etm-$n-rename-cpus: too few events"; return; }
	"$B/tests/tools/etm-gen" --timestamps --rename="$t" "$g/exec.log" "$g/prog" "$main" \
		"$g/rc.data" "$g/rc.expected" 2> /dev/null || { echo "not ok cs-etm-$n-rename-cpus: etm-gen"; return; }
	python3 - "$g/rc.data" "$g/rcs.data" <<'PY' || { echo "not ok cs-etm-$n-rename-cpus: swap"; return; }
import struct, sys
d = bytearray(open(sys.argv[1], "rb").read())
off, size = struct.unpack_from("<QQ", d, 40)	# the data section
pos, groups = off, []
while pos < off + size:	# each chunk: its AUX (11), then its AUXTRACE (71) and payload
    typ, _, sz = struct.unpack_from("<IHH", d, pos)
    n = sz + (struct.unpack_from("<Q", d, pos + 8)[0] if typ == 71 else 0)
    if typ == 11:
        groups.append([pos, pos + sz])
    elif typ == 71:
        groups[-1][1] = pos + n
    pos += n
(a0, a1), (b0, b1) = groups
assert a1 == b0
later = bytearray(d[b0:b1])	# CPU 1's buffer: idx 1, from offset 0
struct.pack_into("<Q", later, 8, 0)		# AUX aux_offset
struct.pack_into("<I", later, 48, 1)		# AUX sample id cpu
struct.pack_into("<Q", later, 0x40 + 16, 0)	# AUXTRACE offset
struct.pack_into("<III", later, 0x40 + 32, 1, 0xffffffff, 1)	# idx, tid, cpu
d[a0:b1] = later + d[a0:a1]
open(sys.argv[2], "wb").write(d)
PY
	"$AUXREC" script --json -i "$g/rcs.data" > "$g/rcs.json" 2> "$g/rcs.err"
	script_events "$g/rcs.json" time comm | sort > "$g/rcs.got"
	awk -v t="$t" '{ print $0, $4 < t ? "etm-prog" : "etm-prog-c" }' "$g/rc.expected" |
		sort > "$g/rcs.want"
	why=$(first_difference "$g/rcs.want" "$g/rcs.got" events "< executed > auxrec")
	[ -s "$g/rcs.err" ] && why="stderr: $(head -1 "$g/rcs.err")"
	verdict "cs-etm-$n-rename-cpus-names-by-time" "$why" \
		"$(grep -c ' etm-prog$' "$g/rcs.want") events as etm-prog, $(grep -c ' etm-prog-c$' "$g/rcs.want") as etm-prog-c (renamed at $t ns), the later chunk first"
}

# etm-gen --two-ids --timestamps: 4242 as trace ID 0x10 and 4243 as 0x12
# in one chunk, frames alternating, timestamps interleaved (see the top):
# each stream's events, in order, with the tid, comm, time and CPU of that
# stream's context ID, last timestamp and AUXTRACE_INFO block, for --jobs
# 1 and 2; the events are grouped by tid (a stable sort) as EXPECTED lists
# the streams. CPUS: etm-gen's --cpus=A,B,C (0x10's CPU, 0x12's, the
# buffer's; default 0,1,0)
run_two_ids() {	# name [cpus]
	local n=$1 cpus=${2:-0,1,0} g=$tmp/$1 t l why j back ca cb cbuf
	t=two${2:+-$2}
	l=two-ids${2:+-cpus-$2}
	l=${l/%,-1/-per-thread}
	l=${l//,/-}
	IFS=, read -r ca cb cbuf <<< "$cpus"
	"$B/tests/tools/etm-gen" --two-ids ${2:+--cpus=$2} --timestamps "$g/exec.log" "$g/prog" \
		"$(aarch64-linux-gnu-nm "$g/prog" | awk '$3 == "main" { print $1 }')" "$g/$t.data" \
		"$g/$t.expected" 2> /dev/null || { echo "not ok cs-etm-$n-$l: etm-gen"; return; }
	awk -v ca="$ca" -v cb="$cb" '{ print $0, $4 == 4242 ? "etm-prog" : "etm-prog-b",
		$4 == 4242 ? ca : cb }' "$g/$t.expected" > "$g/$t.want"
	for j in 1 2; do
		"$AUXREC" script --json --jobs $j -i "$g/$t.data" > "$g/$t$j.json" 2> "$g/$t$j.err"
		script_events "$g/$t$j.json" tid time comm cpu > "$g/$t$j.got"
		sort -s -k4,4 "$g/$t$j.got" > "$g/$t$j.by-tid"
		why=$(first_difference "$g/$t.want" "$g/$t$j.by-tid" events "< executed > auxrec")
		[ -s "$g/$t$j.err" ] && why="stderr: $(head -1 "$g/$t$j.err")"
		back=$(awk 'NR > 1 && $5 < t { n++ } { t = $5 } END { print n + 0 }' "$g/$t$j.got")
		[ -z "$why" ] && [ "$back" = 0 ] && why="the streams' times do not interleave"
		verdict "cs-etm-$n-$l-jobs$j-script-own-stream" "$why" \
			"$(wc -l < "$g/$t.want") events, $(grep -c ' 4243 ' "$g/$t.want") of 0x12's 4243, each with its stream's tid, comm, time and CPU ($ca, $cb; buffer $cbuf); $back steps back in time from one stream to the other"
	done
	run_two_ids_filter "$n" "$t" "$l" "$ca" "$cb" "$cbuf"
	if [ -z "$have_perf" ]; then
		echo "skip cs-etm-$n-$l-perf-script: perf is not installed"; return
	fi
	# perf, per stream: no trace end at the chunk's end; 6.1 also lacks
	# the last transfer of 0x10's stream (its timed decode)
	cut -d' ' -f1-4,7 "$g/${t}1.by-tid" > "$g/$t.got5"
	want_perf "$g/$t.got5" "$g/prog" "" > "$g/$t.want.br"
	awk '$4 != 4242 { print; next } { l[++k] = $0 } END { for (i = 1; i < k - 1; i++) print l[i] }' \
		"$g/$t.want.br" | sort -s -k4,4 > "$g/$t.want.perf"
	timeout 120 perf script --itrace=b --ns -F tid,cpu,time,flags,ip,addr -i "$g/$t.data" \
		2> "$g/$t.perf.err" > "$g/$t.perf.out"
	awk '{ $3 = ""; gsub(/[][]/, "", $2); $2 += 0; print }' "$g/$t.perf.out" |
		perf_branch_lines 2 | sort -s -k4,4 > "$g/$t.perf"
	# perf 6.1 on a per-thread buffer whose AUX record names a CPU (as the
	# kernel's sample_id does): three lines of warning, then it decodes
	[ "$cbuf" = -1 ] && sed -i -e '/^$/d' \
		-e '/^CS ETM warning: Coresight decode and TRBE support requires random file access\.$/d' \
		-e "/^CS ETM: Couldn't find auxtrace buffer for aux_offset: 0 tid: 4242 cpu: 0$/d" \
		-e '/^Continuing with best effort decoding in piped mode\.$/d' "$g/$t.perf.err"
	why=$(first_difference "$g/$t.want.perf" "$g/$t.perf" branches "< auxrec > perf")
	[ -s "$g/$t.perf.err" ] && why="perf: $(head -1 "$g/$t.perf.err")"
	verdict "cs-etm-$n-$l-perf-script-agrees" "$why" \
		"$(wc -l < "$g/$t.perf") transfers, tids and CPUs ($(awk '{ print $5 }' "$g/$t.perf" |
		sort -un | tr '\n' ' ')), each stream's in order"
}

# etm-gen --own-code: 4242 and 4243 map copies of the program that differ
# where only the other one runs (see the top): with --two-ids (frames
# alternating) each stream's events as executed, so each ID's code read
# from its own process, never OpenCSD's cache of the other's at the same
# address; with --threads (one ID, a context switch) the same
run_own_code() {	# name
	local n=$1 g=$tmp/$1 why o t main
	main=$(aarch64-linux-gnu-nm "$g/prog" | awk '$3 == "main" { print $1 }')
	for o in --two-ids --threads; do
		t=own${o#-}
		# shellcheck disable=SC2046
		"$B/tests/tools/etm-gen" $o --own-code $([ $o = --two-ids ] && echo --timestamps) \
			"$g/exec.log" "$g/prog" "$main" "$g/$t.data" "$g/$t.expected" 2> "$g/$t.gen" ||
			{ echo "not ok cs-etm-$n-own-code$o: etm-gen: $(tail -1 "$g/$t.gen")"; continue; }
		"$AUXREC" script --json -i "$g/$t.data" > "$g/$t.json" 2> "$g/$t.err"
		if [ $o = --two-ids ]; then
			script_events "$g/$t.json" tid time | sort -s -k4,4 > "$g/$t.got"
		else
			script_events "$g/$t.json" tid > "$g/$t.got"
		fi
		why=$(first_difference "$g/$t.expected" "$g/$t.got" events "< executed > auxrec")
		[ -s "$g/$t.err" ] && why="stderr: $(head -1 "$g/$t.err")"
		verdict "cs-etm-$n-own-code$o-script-reads-own-process" "$why" \
			"$(wc -l < "$g/$t.expected") events of 4242 and 4243, whose copies differ in $(grep -o '[0-9]* instructions' "$g/$t.gen" | tr '\n' ' ')"
	done
}

# -C by the events' CPUs (run_two_ids' file T): script -C of 0x12's CPU
# gives its events only, of the buffer's CPU (when neither ID's) none;
# export -f folded -C of both IDs' CPUs gives what it gives unfiltered, of
# the buffer's CPU nothing
run_two_ids_filter() {	# name t label ca cb cbuf
	local n=$1 t=$2 l=$3 ca=$4 cb=$5 cbuf=$6 g=$tmp/$1 why= nb all bufchk=
	[ "$cbuf" -ge 0 ] && [ "$cbuf" != "$ca" ] && [ "$cbuf" != "$cb" ] && bufchk=1
	"$AUXREC" script --json -C "$cb" -i "$g/$t.data" > "$g/$t.C.json" 2> "$g/$t.C.err"
	script_events "$g/$t.C.json" tid time comm cpu > "$g/$t.C.got"
	awk '$4 == 4243' "$g/$t.want" > "$g/$t.C.want"
	nb=$(wc -l < "$g/$t.C.want")
	why=$(first_difference "$g/$t.C.want" "$g/$t.C.got" events "< 0x12's > auxrec -C $cb")
	[ -z "$why" ] && [ -n "$bufchk" ] &&
		"$AUXREC" script --json -C "$cbuf" -i "$g/$t.data" > "$g/$t.Cbuf.json" 2>> "$g/$t.C.err" &&
		[ -s "$g/$t.Cbuf.json" ] && why="-C $cbuf (the buffer's): $(wc -l < "$g/$t.Cbuf.json") events"
	if [ -z "$why" ]; then
		"$AUXREC" export -f folded -o "$g/$t.all.folded" -i "$g/$t.data" 2>> "$g/$t.C.err"
		"$AUXREC" export -f folded -C "$ca,$cb" -o "$g/$t.ab.folded" -i "$g/$t.data" 2>> "$g/$t.C.err"
		all=$(awk '{ n += $NF } END { print n + 0 }' "$g/$t.all.folded")
		why=$(first_difference "$g/$t.all.folded" "$g/$t.ab.folded" stacks "< unfiltered > export -C $ca,$cb")
		[ -z "$why" ] && [ "$all" = 0 ] && why="export: no instructions"
	fi
	if [ -z "$why" ] && [ -n "$bufchk" ]; then
		"$AUXREC" export -f folded -C "$cbuf" -o "$g/$t.buf.folded" -i "$g/$t.data" 2>> "$g/$t.C.err"
		[ -s "$g/$t.buf.folded" ] && why="export -C $cbuf (the buffer's): $(wc -l < "$g/$t.buf.folded") stacks"
	fi
	[ -s "$g/$t.C.err" ] && why="stderr: $(head -1 "$g/$t.C.err")"
	verdict "cs-etm-$n-$l-cpu-filter" "$why" \
		"script -C $cb: the $nb events of 0x12; export -C $ca,$cb: all ${all:-?} instructions' stacks${bufchk:+; script and export -C $cbuf, the buffer CPU: none}"
}

# A long trace (etm-gen --repeat 40: two AUX chunks of about 300 KB, one
# piece that the decoder reads in windows where the file is mapped):
# auxrec script's transfers, with their symbols, are perf script's (the
# last trace end but perf's, as in bench-etm).
run_windows() {	# name
	local n=$1 g=$tmp/$1-windows main why=
	mkdir -p "$g"
	if [ -z "$have_perf" ]; then
		echo "skip cs-etm-$n-windows: perf is not installed"; return
	fi
	aarch64-linux-gnu-gcc -O1 -static -o "$g/prog" "tests/gt/progs/$n.c" 2> "$g/cc.err" &&
	qemu-aarch64-static -singlestep -d exec,nochain -D "$g/exec.log" "$g/prog" \
		> /dev/null 2> "$g/qemu.err" || { echo "not ok cs-etm-$n-windows: cannot run $n"; return; }
	main=$(aarch64-linux-gnu-nm "$g/prog" | awk '$3 == "main" { print $1 }')
	"$B/tests/tools/etm-gen" --repeat 40 "$g/exec.log" "$g/prog" "$main" "$g/etm.data" \
		"$g/expected" 2> "$g/gen.err" || { echo "not ok cs-etm-$n-windows: etm-gen"; return; }
	"$AUXREC" script -i "$g/etm.data" 2> "$g/a.err" | transfers | sed '$d' > "$g/a"
	perf script --itrace=b -F comm,tid,flags,ip,sym,symoff,dso,addr -i "$g/etm.data" \
		2> "$g/p.err" | transfers > "$g/p"
	if [ -s "$g/a.err" ] || [ -s "$g/p.err" ]; then
		why="stderr: $(head -1 "$g/a.err") $(head -1 "$g/p.err")"
	elif [ "$(wc -l < "$g/p")" -lt 100000 ]; then
		why="only $(wc -l < "$g/p") transfers in perf script"
	else
		why=$(first_difference "$g/a" "$g/p" transfers "< auxrec > perf")
	fi
	verdict "cs-etm-$n-windows" "$why" "$(wc -l < "$g/p") transfers of $(stat -c %s "$g/etm.data") bytes as perf's"
}

# "ip sym+off (dso) => addr sym+off (dso)" of each transfer of a script's text
transfers() {
	awk '{ for (i = 4; i < NF - 2; i++) if ($i == "=>") {
		print $(i - 3), $(i - 2), $(i - 1), $(i + 1), $(i + 2), $(i + 3); next } }'
}

run_prog loops ''
run_prog recursion ''
run_windows recursion
run_damaged recursion
run_own_code recursion
run_prog indirect '' 40
run_threads indirect --threads
run_threads indirect --thread
run_timestamps indirect
run_two_ids indirect
run_two_ids indirect 3,2,0
run_two_ids indirect 5,4,-1
run_own_code indirect
run_prog qsort ''
run_own_code qsort
run_prog indirect --v0 40
run_prog indirect --ete 40
run_prog indirect --raw 40
