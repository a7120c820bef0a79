#!/bin/bash
# t-dask.sh - contrib/dask/auxrec-dask gives the output of `auxrec script`:
# the recording's decode units decoded as tasks of a dask.distributed
# cluster and concatenated in order, compared byte for byte with `auxrec
# script` (text, --json, --events all) on
#  - a ground-truth recording (tests/gt: a real program single-stepped, its
#    flow as Intel PT with compressed returns, in a perf.data by pd-gen);
#  - a per-CPU recording of two processes with CPU-wide context switches;
#  - a per-CPU recording of two CPUs at once, whose events script merges
#    by time (the driver merges the units' keyed outputs);
#  - a damaged copy (bytes of the second half overwritten: decode errors,
#    and a record cut short, which `auxrec script` reports after the
#    events, exit 1: so must the driver);
# on a LocalCluster of 3 worker processes, and once on a cluster started
# apart (dask-scheduler and two dask-worker processes) given by
# --scheduler. Units are cut at 1024 bytes by the test knob
# AUXREC_PAR_UNIT, so that every file has several; a file of one unit
# would prove nothing. Also: a missing recording is one error line and
# exit 1; a unit that fails by itself (unit_fails); a Dask worker process
# killed while it runs a unit: once (Dask runs the task again elsewhere:
# script's output) or every time (Dask gives up on the task: the other
# units' output, one error line, exit 1).
cd "$(dirname "$0")/../.." || exit 1
. tests/check-lib.sh
A=$(realpath "${AUXREC:-./auxrec}")
B=${AUXREC_BUILD:-build}
PY=/usr/bin/python3	# the Debian packages' python, whatever is first in PATH
D=contrib/dask/auxrec-dask
[ -x "$A" ] || { echo "not ok build: $A missing"; exit 1; }
if ! $PY -c 'import dask.distributed' 2> /dev/null; then
	echo "skip dask: python3-dask and python3-distributed missing (tests/install-deps)"
	exit 0
fi
. tests/gt/build-tools.sh
gt_tools_verdict dask || exit $?
[ -x "$B/tests/tools/pd-gen" ] || { echo "not ok dask: $B/tests/tools/pd-gen missing (make tools)"; exit 1; }
tmp=$(mktemp -d)
sched_pid='' worker_pids=()
cleanup() {
	[ ${#worker_pids[@]} -gt 0 ] && kill "${worker_pids[@]}" 2> /dev/null
	[ -n "$sched_pid" ] && kill "$sched_pid" 2> /dev/null
	wait 2> /dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
export AUXREC_PAR_UNIT=1024

load_of() {	# BINARY: START,LEN,PGOFF of its executable segment
	readelf -lW "$1" | awk '$1 == "LOAD" && / E / {print $3","$6","$2; exit}'
}

# NAME FILE [DRIVER OPTIONS...]: the driver's output of each mode is auxrec script's
# (the driver runs $driver_auxrec when set, else $A)
same_as_script() {
	local name=$1 f=$2 mode n want got why=
	shift 2
	n=$("$A" script --list-units -i "$f" 2> /dev/null | grep -c '^ ')
	if [ "$n" -lt 2 ]; then
		verdict "dask-$name" "$n decode units, want several"
		return
	fi
	for mode in "" "--json" "--events all"; do
		# shellcheck disable=SC2086
		"$A" script $mode -i "$f" > "$tmp/want" 2> /dev/null
		want=$?
		# shellcheck disable=SC2086
		timeout 300 $PY $D "$@" --auxrec "${driver_auxrec:-$A}" "$f" -- $mode \
			> "$tmp/got" 2> "$tmp/err"
		got=$?
		if [ $got != $want ]; then
			why="auxrec-dask $* -- $mode exited $got, script $want:"
			why+=" $(grep -v 'distributed\.' "$tmp/err" | head -2)"
			break
		fi
		why=$(first_difference "$tmp/want" "$tmp/got" "lines of script $mode" "< script > dask")
		[ -n "$why" ] && break
		if grep -q '^Traceback' "$tmp/err"; then	# the driver's or a worker's
			why="auxrec-dask $* -- $mode: a Python traceback on stderr: $(
				grep -m1 -A30 '^Traceback' "$tmp/err" | grep -m1 '^[A-Za-z.]*\(Error\|Exception\)')"
			break
		fi
	done
	verdict "dask-$name" "$why" "$n units, 3 outputs, $(wc -l < "$tmp/want") lines of --events all, exit $want"
}

mkdir -p "$tmp/gt"
for p in indirect recursion; do
	gcc -O1 -static -no-pie -o "$tmp/gt/$p" "tests/gt/progs/$p.c" ||
		{ echo "not ok dask: cannot compile $p"; exit 1; }
done
gt_record dask "$tmp/gt/rec" "$tmp/gt/indirect-gt" -- "$tmp/gt/indirect" ||
	{ [ $? = 77 ] && exit 0; exit 1; }
a=$(load_of "$tmp/gt/indirect")
# shellcheck disable=SC2086
"$B/tests/tools/pd-gen" "$tmp/indirect.data" "$tmp/gt/indirect-gt-rc.pt" "$tmp/gt/indirect" \
	${a//,/ } > /dev/null || { echo "not ok dask: pd-gen"; exit 1; }
same_as_script ground-truth-local "$tmp/indirect.data" --workers 3

# per-CPU: indirect, then recursion on the same CPU, switches in between
ninsn=$(sed -n 's/.*: \([0-9]*\) instructions.*/\1/p' "$tmp/gt/rec" | head -1)
tsc1=$((0x1000000 + ninsn * 8 * 2))
b=$(load_of "$tmp/gt/recursion")
if "$GT_BIN/gt-record" --tsc0 $tsc1 "$tmp/gt/rec2" -- "$tmp/gt/recursion" > /dev/null 2>&1 &&
	"$B/tests/tools/pd-gen" --cpu-wide "$tmp/cpu-wide.data" \
		"1001,$tmp/gt/indirect-gt-rc.pt,0x1000000,$tmp/gt/indirect,$a" \
		"1002,$tmp/gt/rec2-rc.pt,$tsc1,$tmp/gt/recursion,$b" > /dev/null; then
	same_as_script cpu-wide-switches-local "$tmp/cpu-wide.data" --workers 3
else
	echo "not ok dask-cpu-wide-switches-local: cannot record"
fi

# per-CPU, two CPUs at once (their buffers merged by time): indirect on
# CPU 0, recursion on CPU 1 from 128 instructions later
if "$GT_BIN/gt-record" --tsc0 0x1000400 "$tmp/gt/rec3" -- "$tmp/gt/recursion" > /dev/null 2>&1 &&
	"$B/tests/tools/pd-gen" --cpu-wide "$tmp/two-cpus.data" \
		"1001,$tmp/gt/indirect-gt-rc.pt,0x1000000,$tmp/gt/indirect,$a,0" \
		"1002,$tmp/gt/rec3-rc.pt,0x1000400,$tmp/gt/recursion,$b,1" > /dev/null; then
	if "$A" script --list-units --json -i "$tmp/two-cpus.data" | grep -q '"merged_by_time":true'; then
		same_as_script two-cpus-merged-local "$tmp/two-cpus.data" --workers 3
	else
		echo "not ok dask-two-cpus-merged-local: no unit is merged by time"
	fi
else
	echo "not ok dask-two-cpus-merged-local: cannot record"
fi

# FILE HOW [plain]: picks the unit to fail, k and its join (the last joined
# unit of FILE, of buffers merged by time; with plain, the middle joined
# unit of buffers not merged; k "-" when there is none), and writes
# $tmp/failunit, a wrapper of auxrec whose task of unit k fails by itself,
# as HOW says: "join" gives it a join it cannot have (auxrec's own error
# line), "kill" kills it, "cut" kills it once it wrote its first 5000 bytes
# (a line cut short); or makes the Dask worker process that runs it die
# (SIGKILL to the wrapper's parent, then to itself): "worker" every time,
# "worker-once" the first time only (a marker directory per driver run:
# per options and recording), as a machine that goes away once.
fail_wrapper() {
	local f=$1 how=$2 plain=$3
	read -r k join < <("$A" script --list-units --json -i "$f" 2> /dev/null |
		$PY -c 'import json, sys
plain = sys.argv[1] == "plain"
u = [o for o in map(json.loads, sys.stdin)
     if o.get("joined") and o.get("merged_by_time") != plain]
if len(u) > plain:	# plain: others around it
    v = u[len(u) // 2] if plain else u[-1]
    print(v["unit"], v["join_drop"])
else:
    print("- -")' "$plain")
	[ "$k" != - ] || return
	cat > "$tmp/failunit" <<-EOF
	#!/bin/bash
	# auxrec, but unit $k fails by itself ($how)
	prev= args=()
	for a in "\$@"; do
		if [ "\$prev" = --unit ] && [ "\${a%%:*}" = $k ]; then
			[ "$how" = kill ] && kill -KILL \$\$
			[ "$how" = cut ] && { "$A" "\$@" | head -c 5000; kill -KILL \$\$; }
			if [ "$how" = worker ] || { [ "$how" = worker-once ] &&
				mkdir "$tmp/killed-\$(echo "\$*" | md5sum | cut -c1-16)" 2> /dev/null; }; then
				kill -KILL \$PPID
				kill -KILL \$\$
			fi
			[ "$how" = join ] && a=$k:$((join + 5))
		fi
		args+=("\$a") prev=\$a
	done
	exec "$A" "\${args[@]}"
	EOF
	chmod +x "$tmp/failunit"
}

# NAME FILE HOW [plain]: the unit fail_wrapper picks fails by itself, run by
# its wrapper of auxrec (HOW: join, kill, cut or worker). The driver must
# write every other unit's events, merged by time as script merges them
# (script's output but for that unit's own, in script's order; with cut,
# the whole lines of those 5000 bytes kept, the unfinished one not),
# report the failure in one line (auxrec's line under --json on stdout as
# script prints it, else on stderr; the driver's for a killed auxrec, and
# Dask's KilledWorker for a unit whose every worker died) and exit 1.
# (Before 2026-12-06 it wrote none of the group's output, and two error
# lines; before 2026-12-07 a plain unit's unfinished line ran into the
# next unit's first.)
unit_fails() {
	local name=$1 f=$2 how=$3 plain=$4 k join mode fmt why="" expect got out
	fail_wrapper "$f" "$how" "$plain"
	[ "$k" != - ] || { verdict "dask-$name" "too few joined units ${plain:+not }merged by time"; return; }
	for mode in "" "--json" "--events all"; do
		# shellcheck disable=SC2086
		"$A" script $mode -i "$f" > "$tmp/want" 2> /dev/null
		# shellcheck disable=SC2086
		"$A" script $mode --unit "$k:$join" -i "$f" > "$tmp/own" 2> /dev/null
		# shellcheck disable=SC2086
		timeout 300 $PY $D --workers 3 --auxrec "$tmp/failunit" "$f" -- $mode \
			> "$tmp/got" 2> "$tmp/err"
		got=$?
		fmt=${mode:-text}
		if [ "$how" != join ]; then
			expect="unit $k: auxrec killed by signal 9"
			# Dask's KilledWorker (allowed-failures 3); the worker's address varies
			[ "$how" = worker ] && expect="unit $k: Attempted to run task auxrec-unit-$k on 3 different workers, but all those workers died while running it. ..."
			if [ "$mode" = --json ]; then
				expect="{\"error\":\"$expect\"}"
			else
				expect="auxrec-dask: $expect"
			fi
		elif [ "$mode" = --json ]; then	# auxrec's own line for it, as script prints it
			expect=$("$A" script --json --unit "$k:$((join + 5))" -i "$f" 2> /dev/null)
		else
			# shellcheck disable=SC2086
			expect=$("$A" script $mode --unit "$k:$((join + 5))" -i "$f" 2>&1 > /dev/null)
		fi
		if [ $got != 1 ]; then
			why="$fmt: exit $got, want 1: $(grep -v 'distributed\.' "$tmp/err" | head -2)"
			break
		fi
		out=$($PY - "$tmp/want" "$tmp/own" "$tmp/got" "$tmp/err" "$mode" "$expect" "$how" 2>&1 <<-'PY'
		import sys
		want, own, got = (open(p, "rb").read().splitlines() for p in sys.argv[1:4])
		kept = open(sys.argv[2], "rb").read()[:5000].count(b"\n") if sys.argv[7] == "cut" else 0
		stderr = open(sys.argv[4]).read().splitlines()
		if "Traceback (most recent call last):" in stderr:	# the driver's or a worker's
		    sys.exit("a Python traceback on stderr")
		err = [l for l in stderr
		       if l.startswith(("auxrec script: ", "auxrec-dask: ")) and ": warning: " not in l]
		mode, expect = sys.argv[5], sys.argv[6]
		def is_expected(line):	# "..." in expect: any text there
		    head, dots, tail = expect.partition("...")
		    return line == expect or (dots and line.startswith(head) and line.endswith(tail))
		if mode == "--json":
		    last = got.pop().decode() if got else ""
		    if not is_expected(last) or err:
		        sys.exit("the last line %r, stderr %r; want the line %r" % (last, err, expect))
		elif len(err) != 1 or not is_expected(err[0]):
		    sys.exit("stderr %r, want the one line %r" % (err, expect))
		i = 0
		for n, line in enumerate(got):	# script's lines, in its order
		    while i < len(want) and want[i] != line:
		        i += 1
		    if i == len(want):
		        sys.exit("line %d is not script's next: %r" % (n + 1, line[:100]))
		    i += 1
		if len(own) <= kept or len(got) != len(want) - len(own) + kept:
		    sys.exit("%d lines; script %d, the unit's own %d, %d of them kept" %
		             (len(got), len(want), len(own), kept))
		print("%d of script's %d lines" % (len(got), len(want)))
		PY
		) || { why="$fmt: $out"; break; }
	done
	verdict "dask-$name" "$why" "unit $k ($how): exit 1, one error line; --events all: $out"
}

if [ -s "$tmp/two-cpus.data" ]; then
	unit_fails unit-fails-merged "$tmp/two-cpus.data" join
	unit_fails unit-killed-merged "$tmp/two-cpus.data" kill
	unit_fails worker-dies-merged "$tmp/two-cpus.data" worker
fi

# NAME FILE [plain]: the Dask worker process that runs unit k's task (the
# unit fail_wrapper picks) dies once (SIGKILL): Dask runs the task again
# on another worker, and the driver's output is script's, as ever
worker_dies_once() {
	local k join n why
	fail_wrapper "$2" worker-once "$3"
	[ "$k" != - ] || { verdict "dask-$1" "too few joined units ${3:+not }merged by time"; return; }
	driver_auxrec=$tmp/failunit same_as_script "$1" "$2" --workers 3
	n=$(find "$tmp" -maxdepth 1 -name 'killed-*' | wc -l)
	why=
	[ "$n" = 3 ] || why="$n workers killed, want one per output (3)"
	verdict "dask-$1-killed" "$why" "unit $k's worker killed once per output"
	rm -rf "$tmp"/killed-*
}
[ -s "$tmp/two-cpus.data" ] && worker_dies_once worker-dies-once-merged "$tmp/two-cpus.data"
# the same of a unit not merged by time: snapshots of indirect's trace, a
# piece each, all joined
# shellcheck disable=SC2086
if "$B/tests/tools/pd-gen" --snapshots 8192 10000 20000 30000 "$tmp/snapshots.data" \
	"$tmp/gt/indirect-gt-rc.pt" "$tmp/gt/indirect" ${a//,/ } > /dev/null; then
	unit_fails unit-fails-plain "$tmp/snapshots.data" join plain
	unit_fails unit-killed-plain "$tmp/snapshots.data" kill plain
	unit_fails unit-cut-plain "$tmp/snapshots.data" cut plain
	unit_fails worker-dies-plain "$tmp/snapshots.data" worker plain
	worker_dies_once worker-dies-once-plain "$tmp/snapshots.data" plain
else
	echo "not ok dask-unit-fails-plain: pd-gen --snapshots"
fi

# damaged: 40 bytes of the trace (the second half of the file) overwritten
$PY -c 'import random, sys
d = bytearray(open(sys.argv[1], "rb").read())
r = random.Random(7)
for _ in range(40):
    d[r.randrange(len(d) // 2, len(d) - 4096)] = r.randrange(256)
open(sys.argv[2], "wb").write(d)' "$tmp/indirect.data" "$tmp/damaged.data"
same_as_script damaged-local "$tmp/damaged.data" --workers 3

# a cluster of its own: a scheduler and two workers, given by address
port=$((20000 + RANDOM % 20000))
/usr/bin/dask-scheduler --host 127.0.0.1 --port $port --dashboard-address :0 \
	> "$tmp/sched.log" 2>&1 &
sched_pid=$!
for i in 1 2; do
	/usr/bin/dask-worker tcp://127.0.0.1:$port --nworkers 1 --nthreads 1 \
		--dashboard-address :0 > "$tmp/worker$i.log" 2>&1 &
	worker_pids+=($!)
done
if timeout 60 $PY -c 'import sys
from distributed import Client
with Client(sys.argv[1], timeout=30) as c:
    c.wait_for_workers(2, timeout=30)' tcp://127.0.0.1:$port 2> "$tmp/wait.err"; then
	same_as_script ground-truth-scheduler "$tmp/indirect.data" --scheduler tcp://127.0.0.1:$port
else
	echo "not ok dask-ground-truth-scheduler: the cluster did not start: $(tail -1 "$tmp/wait.err")"
fi

# a missing recording: one error line, exit 1 (before any cluster starts)
$PY $D --workers 1 --auxrec "$A" "$tmp/nosuch.data" > "$tmp/out" 2> "$tmp/err"
rc=$?
why=
[ $rc = 1 ] || why="exit $rc, want 1"
[ "$(wc -l < "$tmp/err")" = 1 ] && grep -q '^auxrec-dask: cannot open ' "$tmp/err" ||
	why="${why:+$why; }stderr: $(head -3 "$tmp/err" | tr '\n' ' ')"
verdict dask-missing-recording "$why" "$(cat "$tmp/err")"
