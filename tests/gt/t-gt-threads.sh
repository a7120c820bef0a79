#!/bin/bash
# Ground truth for programs with several threads (tests/gt/progs.sh's
# GT_PROGS_THREADS): gt-record single-steps every thread the program
# creates, one at a time, and writes each thread's flow as a trace and
# event list of its own (OUT for the thread exec ran, OUT.tid-N for the
# Nth created; OUT.threads lists them). pd-gen --thread puts the traces in
# a per-thread perf.data (one AUX buffer per thread, its AUXTRACE records
# with that thread's tid, cpu -1). Checks, for PROG and PROG-rc
# (compressed returns):
# - gt-threads-record-PROG: the program ran 4 threads, and their times
#   interleave (each created thread runs between the main thread's first
#   and last event: one clock for the whole program);
# - gt-threads-flow-PROG[-rc]-tN: auxrec's flow decoder (gt-flow) and
#   libipt's (gt-ipt) give thread N's true events from its trace, and
#   gt-flow -t their true times;
# - gt-threads-script-PROG[-rc]-jJ: `auxrec script --json --jobs J` (1, 2)
#   of the per-thread perf.data gives, for each tid, exactly the true
#   events of that thread (tests/gt/script-to-gt.py), and no other tid;
# - gt-threads-export-PROG[-rc]-tN: the Chrome JSON of `auxrec export`,
#   its events of thread N's tid, are the call tree of that thread's true
#   flow (tests/export/gt-calltree.py check-json).
# The same threads as a per-CPU recording (perf record -a) holds them,
# pd-gen --cpu-wide --cpus C (C 1, 2): each thread's trace cut into its
# turns (at the PSB+ gt-record writes where it runs again after others),
# the turns interleaved by time in the buffer of the thread's CPU, and
# PERF_RECORD_SWITCH_CPU_WIDE at each turn:
# - gt-threads-switches-PROG-cpuC[-rc]: the file switches threads more
#   often than it has threads (the turns really interleave);
# - gt-threads-script-PROG-cpuC[-rc]-jJ: as above, for --jobs 1, 2 and 7
#   (units of 1024 bytes, AUXREC_PAR_UNIT): each tid's events are exactly
#   its thread's (the turns end and start where the trace is off, at the
#   syscalls, so no stop or start is added at the switches);
# - gt-threads-export-PROG-cpuC[-rc]-tN: as above.
# And the same as -cpuC-task[-rc] with pd-gen --task-switch: the per-task
# PERF_RECORD_SWITCH of an inheriting event (perf record -- PROG where
# perf adds no CPU-wide switch event), in and out, no next_prev fields;
# and as -cpuC-task-late[-rc] with each switch in LATE_NS after its turn's
# first time (pd-gen --late-switch-in), where a kernel writes it: after it
# enabled the task's events, whose first trace is timed before it.
cd "$(dirname "$0")/../.." || exit 1
A=${AUXREC:-./auxrec}
B=${AUXREC_BUILD:-build}
PY="python3 tests/export/gt-calltree.py"
. tests/check-lib.sh
. tests/gt/build-tools.sh
gt_tools_verdict gt-threads || exit $?
. tests/gt/progs.sh
if [ ! -x "$B/tests/tools/pd-gen" ] || [ ! -x "$B/tests/tools/sym_lookup" ]; then
	echo "not ok gt-threads: $B/tests/tools/pd-gen or sym_lookup missing (make tools)"
	exit 1
fi
out=$GT_BIN/threads-out
PID=4242	# pd-gen's process; thread N is tid PID + N
LATE_NS=2000	# -task-late: the switch in after the trace of its turn began
rm -rf "$out"
mkdir -p "$out"
rc=0

# BASE V N: thread N's files of variant V ("" or -rc; N 0: the main thread's)
thread_base() {
	if [ "$3" = 0 ]; then echo "$1$2"; else echo "$1.tid-$3$2"; fi
}

# NAME BASE NTHREADS: the threads' times interleave
check_interleaved() {
	local why= k first last t0 t1
	t0=$(head -1 "$2.times")
	t1=$(tail -1 "$2.times")
	for ((k = 1; k < $3; k++)); do
		first=$(head -1 "$2.tid-$k.times")
		last=$(tail -1 "$2.tid-$k.times")
		[ "$first" -gt "$t0" ] && [ "$last" -lt "$t1" ] ||
			why="thread $k runs $first..$last, not inside the main thread's $t0..$t1"
	done
	verdict "gt-threads-record-$1" "$why" "$3 threads, interleaved on one clock"
}

# NAME BASE V N: thread N's trace against its truth, by gt-flow and gt-ipt
check_flow() {
	local b why=
	b=$(thread_base "$2" "$3" "$4")
	"$GT_BIN/gt-flow" "$b" > "$b.flow" 2> "$b.flow.err"
	"$GT_BIN/gt-flow" -t "$b" > "$b.flowtimes" 2>> "$b.flow.err"
	"$GT_BIN/gt-ipt" "$b" > "$b.ipt" 2> "$b.ipt.err"
	why=$(first_difference "$b.branches" "$b.flow" "events of gt-flow" "< truth > gt-flow")
	[ -z "$why" ] && why=$(first_difference "$b.times" "$b.flowtimes" "times of gt-flow" \
		"< truth > gt-flow")
	[ -z "$why" ] && why=$(first_difference "$b.branches" "$b.ipt" "events of gt-ipt" \
		"< truth > gt-ipt")
	verdict "gt-threads-flow-$1$3-t$4" "$why" "$(wc -l < "$b.branches") events"
}

# NAME BASE V NTHREADS SCRIPT: each tid's events in SCRIPT are its thread's truth
check_script() {
	local k b why= tids
	for ((k = 0; k < $4; k++)); do
		b=$(thread_base "$2" "$3" "$k")
		grep "\"tid\":$((PID + k))," "$5" | python3 tests/gt/script-to-gt.py > "$5.t$k"
		why=$(first_difference "$b.branches" "$5.t$k" "events of tid $((PID + k))" \
			"< truth > auxrec script")
		[ -n "$why" ] && break
	done
	tids=$(grep -o '"tid":[0-9]*' "$5" | sort -u | wc -l)
	[ -z "$why" ] && [ "$tids" != "$4" ] && why="$tids tids in the script, want $4"
	verdict "gt-threads-script-$1" "$why" "$(wc -l < "$5") events of $4 tids"
}

# NAME BINARY BASE V NTHREADS DATA: the export's call tree of each thread
check_export() {
	local name=$1 bin=$2 base=$3 v=$4 n=$5 data=$6 k b res
	if ! "$A" export -i "$data" -o "$data.json" 2> "$data.json.err" ||
	   ! "$A" script --json -i "$data" > "$data.script" 2>> "$data.json.err"; then
		echo "not ok gt-threads-export-$name: $(head -1 "$data.json.err")"
		rc=1
		return
	fi
	for ((k = 0; k < n; k++)); do
		b=$(thread_base "$base" "$v" "$k")
		$PY thread-json "$data.json" $((PID + k)) > "$data.t$k.json"
		grep "\"tid\":$((PID + k))," "$data.script" > "$data.t$k.script"
		$PY addrs "$b.branches" > "$b.addrs"
		# shellcheck disable=SC2046
		gt_prog_syms "$bin" static "$base" $(cat "$b.addrs") > "$b.syms"
		if res=$($PY check-json "$b.branches" "$data.t$k.script" "$b.syms" \
			"$data.t$k.json" 2>&1); then
			verdict "gt-threads-export-$name-t$k" "" "${res##*$'\n'}"
		else
			verdict "gt-threads-export-$name-t$k" "$(head -3 <<< "$res" | tr '\n' ' ')"
		fi
	done
}

# NAME BINARY BASE V NTHREADS CPUS KIND --thread ARGS...: the per-CPU file
# of the threads on CPUS CPUs (KIND "": CPU-wide switches; task: the
# per-task ones), its switches, script per tid and export
check_cpu_wide() {
	local name=$1-cpu$6${7:+-$7}$4 bin=$2 base=$3 v=$4 n=$5 cpus=$6 j sw
	local data=$3$4.cpu$6$7.data opt= rec=PERF_RECORD_SWITCH_CPU_WIDE
	[ "$7" = task ] && opt=--task-switch rec=PERF_RECORD_SWITCH
	[ "$7" = task-late ] && opt="--task-switch --late-switch-in $LATE_NS" rec=PERF_RECORD_SWITCH
	shift 7
	# shellcheck disable=SC2086
	if ! "$B/tests/tools/pd-gen" --gt-clock --cpu-wide --cpus "$cpus" $opt "$@" "$data" \
		"$base$v.pt" "$bin" $load > /dev/null 2> "$data.err"; then
		echo "not ok gt-threads-pd-gen-$name: $(head -1 "$data.err")"
		rc=1
		return
	fi
	sw=$("$A" dump -i "$data" 2> /dev/null | grep -c "^[^ ]* [^ ]*: $rec .*direction in")
	verdict "gt-threads-switches-$name" "$( [ "$sw" -gt "$n" ] ||
		echo "$sw switches into a thread, want more than its $n threads")" \
		"$sw turns of $n threads, $cpus CPU(s)"
	for j in 1 2 7; do
		AUXREC_PAR_UNIT=1024 "$A" script --json --jobs $j -i "$data" > "$data.j$j" \
			2> "$data.j$j.err"
		check_script "$name-j$j" "$base" "$v" "$n" "$data.j$j"
	done
	check_export "$name" "$bin" "$base" "$v" "$n" "$data"
}

for prog in $GT_PROGS_THREADS; do
	bin=$out/$prog.bin
	base=$out/$prog
	gt_prog_build "$prog" "$bin" static || { rc=1; continue; }
	gt_record "gt-threads-record-$prog" "$base.rec" "$base" -- "$bin" ||
		{ [ $? = 77 ] || rc=1; continue; }
	cat "$base.rec"
	if [ ! -s "$base.threads" ]; then
		echo "not ok gt-threads-record-$prog: gt-record wrote no $base.threads"
		rc=1
		continue
	fi
	nthreads=$(wc -l < "$base.threads")
	check_interleaved "$prog" "$base" "$nthreads"
	load=$(gt_prog_load "$bin" "$base.map") || { rc=1; continue; }
	for v in "" -rc; do
		targs=()
		for ((k = 0; k < nthreads; k++)); do
			check_flow "$prog" "$base" "$v" "$k"
			((k)) && targs+=(--thread "$((PID + k)):$base.tid-$k$v.pt")
		done
		data=$base$v.data
		# shellcheck disable=SC2086
		if ! "$B/tests/tools/pd-gen" "${targs[@]}" "$data" "$base$v.pt" "$bin" $load \
			> /dev/null 2> "$data.err"; then
			echo "not ok gt-threads-pd-gen-$prog$v: $(head -1 "$data.err")"
			rc=1
			continue
		fi
		for j in 1 2; do
			"$A" script --json --jobs $j -i "$data" > "$data.j$j" 2> "$data.j$j.err"
			check_script "$prog$v-j$j" "$base" "$v" "$nthreads" "$data.j$j"
		done
		check_export "$prog$v" "$bin" "$base" "$v" "$nthreads" "$data"
		for cpus in 1 2; do
			for kind in "" task task-late; do
				check_cpu_wide "$prog" "$bin" "$base" "$v" "$nthreads" "$cpus" \
					"$kind" "${targs[@]}"
			done
		done
	done
done
exit $rc
