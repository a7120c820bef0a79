#!/bin/bash
# t-export-filter.sh - `auxrec export`'s selection (--pid, --tid, -C/--cpu,
# --comm, --time; cmd/export.c, cs_select() in lib/output/call_stack.c)
# against tests/diff/export-filter-ref.py, on
#  - the ground truth of tests/gt/progs/recursion.c (deep recursion) as
#    Intel PT with returns compressed, with CYC timing, with overflows;
#  - a per-CPU recording of two processes that take turns on CPU 0 with
#    context switches (pd-gen --cpu-wide: both run recursion);
#  - a per-CPU recording of recursion that moves from CPU 0 to CPU 1 in
#    its last third (pd-gen --cpu-wide --cut-psb --migrate): its stacks
#    run on over the move;
#  - every perf.data of the fuzz corpus (ARM SPE with tracepoint samples,
#    ETM, BTS, perf's own files).
# (tests/diff/recordings.sh's whole set took 40 s to make under load.)
# For each, selections chosen from its events (`script --json`: a pid, a
# tid, a thread name, each CPU, a time window over the middle third of the
# events with ends at no event's time, windows open at either end, pid and
# time, a CPU and time, one that matches nothing):
#  - export-filter-NAME: the Chrome JSON with the selection holds the
#    slices of the unselected export cut to it (the reference: per thread
#    its spans on the selected CPUs, from script's events, cut to the time;
#    a piece per slice and span, flagged began_before_trace and
#    open_at_trace_end where cut), and the instants of the selection; the
#    folded stacks of three windows that cover the time ([0, S-1 ns],
#    [S, E], [E+1 ns, end]), and those of each CPU alone (a per-CPU
#    recording), count together per stack the instructions of the
#    unselected export: a selection counts the instructions of its
#    events, none twice;
#  - export-filter-jobs-NAME (not for the corpus: small files, most of them
#    of trace that cannot be cut): for the time window and each CPU, chrome,
#    folded and perfetto with --jobs 7 (units of 1024 bytes; chrome with 2
#    too) write the bytes of --jobs 1;
# and bad values are one usage error line, exit 1.
cd "$(dirname "$0")/../.." || exit 1
. tests/gt/build-tools.sh
. tests/diff/recordings.sh
diff_check_setup export-filter || exit $?
rc=0
ref=tests/diff/export-filter-ref.py
kinds=$diff_event_kinds

# NAME WHY: says "not ok export-filter-NAME: WHY", sets rc=1, returns 1
fail() {
	echo "not ok export-filter-$1: $2"
	rc=1
	return 1
}

# FILE OPTS...: the export of FILE with OPTS to $tmp/x (status 0 or 1)
ex() {
	local f=$1
	shift
	AUXREC_PAR_UNIT=1024 timeout 60 "$A" export "$@" -i "$f" -o "$tmp/x" 2> /dev/null
}

# NAME FILE OPTS: the outputs of OPTS on 2 (chrome) and 7 decode threads are those on 1
jobs_agree() {
	local name=$1 f=$2 opts=$3 fmt j
	for fmt in chrome folded perfetto; do
		# shellcheck disable=SC2086
		ex "$f" -f $fmt --jobs 1 $opts && mv "$tmp/x" "$tmp/j1" ||
			{ fail "$name" "-f $fmt $opts --jobs 1 failed"; return 1; }
		for j in 2 7; do
			[ $j = 2 ] && [ $fmt != chrome ] && continue
			# shellcheck disable=SC2086
			ex "$f" -f $fmt --jobs $j $opts && cmp -s "$tmp/j1" "$tmp/x" ||
				{ fail "$name" "-f $fmt $opts --jobs $j is not --jobs 1's"; return 1; }
		done
	done
}

# ns of "SEC.NNNNNNNNN"
ns_of() {
	local s=${1%.*} f=${1#*.}
	echo $((10#$s * 1000000000 + 10#$f))
}

secs() {
	printf '%d.%09d' $(($1 / 1000000000)) $(($1 % 1000000000))
}

# NAME FILE: every selection the reference picks for FILE
export_filter() {
	local name=$1 f=$2 d=$tmp/$1 pname opts st s= e= cpus c w
	mkdir -p "$d"
	"$A" script --events $kinds --json --jobs 1 -i "$f" > "$d/all.script" 2> /dev/null
	st=$?
	[ $st -gt 1 ] && { fail "$name" "unselected script exit $st"; return; }
	[ $st = 0 ] && [ -s "$d/all.script" ] || return 0	# nothing decodes
	ex "$f" --jobs 1 && mv "$tmp/x" "$d/all.json" &&
		ex "$f" -f folded --jobs 1 && mv "$tmp/x" "$d/all.folded" ||
		{ fail "$name" "unselected export failed"; return; }
	python3 $ref picks "$d/all.script" "$d/picks" || { rc=1; return; }
	while IFS=$'\t' read -r pname opts; do
		# shellcheck disable=SC2086
		ex "$f" --jobs 1 $opts && mv "$tmp/x" "$d/$pname.json" ||
			{ fail "$name" "export $opts failed"; return; }
		case $pname in
		time|cpu[0-9]*) [ -n "$no_jobs" ] || jobs_agree "jobs-$name" "$f" "$opts" || return ;;
		esac
		if [ "$pname" = time ]; then
			w=${opts#--time }
			s=$(ns_of "${w%,*}")
			e=$(ns_of "${w#*,}")
		fi
	done < "$d/picks"
	# disjoint selections that cover the trace
	if [ -n "$s" ]; then
		for w in ",$(secs $((s - 1)))" "$(secs "$s"),$(secs "$e")" "$(secs $((e + 1))),"; do
			ex "$f" -f folded --time "$w" && mv "$tmp/x" "$d/parts-time-$w.folded" ||
				{ fail "$name" "folded --time $w failed"; return; }
		done
	fi
	cpus=$(sed -n 's/^cpu[0-9]*\t-C //p' "$d/picks")
	if [ -n "$cpus" ] && ! grep -q '"cpu":-1' "$d/all.script"; then
		for c in $cpus; do
			ex "$f" -f folded -C "$c" && mv "$tmp/x" "$d/parts-cpu-$c.folded" ||
				{ fail "$name" "folded -C $c failed"; return; }
		done
	fi
	python3 $ref check "$d" > "$tmp/why" ||
		{ fail "$name" "$(head -3 "$tmp/why")"; return; }
	echo "ok export-filter-$name ($(wc -l < "$d/picks") selections and their parts as the reference's)"
}

# the recordings
. tests/gt/progs.sh
gt_prog_build recursion "$tmp/recursion" static > /dev/null ||
	{ echo "not ok export-filter-recursion: cannot compile"; exit 1; }
gt_record export-filter-recursion "$tmp/recursion.rec" --cyc --ovf 1000 "$tmp/recursion-gt" \
	-- "$tmp/recursion" || exit
map=$(load_of "$tmp/recursion" | tr ' ' ,)
for v in -rc -cyc -ovf; do
	# shellcheck disable=SC2046
	if "$B/tests/tools/pd-gen" "$tmp/recursion$v.data" "$tmp/recursion-gt$v.pt" \
		"$tmp/recursion" $(load_of "$tmp/recursion") > /dev/null; then
		export_filter "recursion$v" "$tmp/recursion$v.data"
	else
		fail "recursion$v" "pd-gen"
	fi
done
# two processes on CPU 0, the second's trace after the first's
ninsn=$(sed -n 's/.*: \([0-9]*\) instructions.*/\1/p' "$tmp/recursion.rec" | head -1)
if "$B/tests/tools/pd-gen" --cpu-wide "$tmp/two.data" \
	1001,"$tmp/recursion-gt-rc.pt",0x1000000,"$tmp/recursion",$map \
	1002,"$tmp/recursion-gt-rc.pt",$((0x1000000 + ninsn * 8 * 2)),"$tmp/recursion",$map \
	> /dev/null; then
	export_filter two-processes "$tmp/two.data"
else
	fail two-processes "pd-gen --cpu-wide"
fi
# recursion moving from CPU 0 to CPU 1
if "$B/tests/tools/pd-gen" --cpu-wide --cut-psb --migrate "$tmp/migrate.data" \
	1001,"$tmp/recursion-gt-rc.pt",0x1000000,"$tmp/recursion",$map > /dev/null; then
	export_filter migrate "$tmp/migrate.data"
	grep -q $'^cpu1\t' "$tmp/migrate/picks" || fail migrate "no trace on CPU 1"
else
	fail migrate "pd-gen --cpu-wide --migrate"
fi


# the corpus's files are small, of few events: no --jobs checks
export_filter_small() {
	no_jobs=1 export_filter "$@"
}
diff_corpus export-filter export_filter_small 'perf_data'

# bad values: one usage error line first, exit 1
f=tests/fuzz/corpus/perf_data/auxrec-pd-gen.data
for bad in "--pid 1," "--tid x" "--cpu 3-1" "-C 1,,2" "--comm a,,b" "--time 2,1" \
	   "--time 1" "--time 1.0123456789,"; do
	# shellcheck disable=SC2086
	"$A" export $bad -i "$f" -o "$tmp/bad.json" > /dev/null 2> "$tmp/err"
	st=$?
	opt=${bad%% *}
	[ "$opt" = -C ] && opt=--cpu
	if [ $st != 1 ] || ! head -1 "$tmp/err" | grep -q "^auxrec export: bad $opt '" ||
	   [ -e "$tmp/bad.json" ]; then
		fail bad "export $bad: exit $st: $(head -2 "$tmp/err")"
	fi
done
[ $rc = 0 ] && echo "ok export-filter-bad (8 bad values)"
exit $rc
