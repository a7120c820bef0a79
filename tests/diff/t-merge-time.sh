#!/bin/bash
# t-merge-time.sh - the buffers of a per-CPU recording decoded at once and
# their events written in time order (lib/session/piece_merge.c), as perf
# script merges its per-CPU queues. The recordings (pd-gen --cpu-wide with
# PROC,CPU): the ground truth of tests/gt/progs/recursion.c on CPU 0 and
# the same program, started 128 instructions later, on CPU 1 (gt-record
# --tsc0: TSC in each PSB+, an MTC every 64 instructions), the traces
# overlapping in time; with a third process on CPU 0 after the first, the
# chunks cut at PSBs; and with 8 tracepoint samples among them.
#  - merge-truth-NAME: `script --json`'s branches, trace starts and ends
#    are those of the ground truth of each CPU, at their true times (pd-gen
#    --gt-clock declares the ground truth's clock), in true time order;
#  - merge-order-NAME: `script --json` is the events of the buffers one
#    after another (AUXREC_NO_MERGE=1, each buffer's in its order) merged
#    by time as tests/diff/merge-time-ref.py does it (ties to CPU 0, an
#    event without time after the one before it), the CPUs taking turns
#    many times; the text output is in the same order;
#  - merge-jobs-NAME: --jobs 1, 2, 7 and 16 (units of 1024 bytes) print
#    the same bytes, text and JSON; with 16, every buffer is decoded on
#    threads of its own (its share is 3 or more: the stderr line of
#    AUXREC_PAR_UNIT for each);
#  - merge-perf-NAME: perf script (Debian's) has the same branches per CPU,
#    and each branch has as many branches of the other CPU before it as in
#    auxrec's, give or take those of one MTC period (perf times a branch
#    by the MTC before it); where perf's branches of a CPU leave the ground
#    truth (seen in CI runs: perf 6.1 lost 1,386 of 20,368), up to there,
#    and said;
#  - merge-export-NAME: the exports (chrome, folded) hold the slices and
#    stacks of the buffers one after another (each thread runs on one CPU;
#    the threads come in another order);
#  - merge-tracepoints: the tracepoint samples among the merged events,
#    each before the first event of a later time, --jobs 1 and 2 alike;
#  - merge-big-pieces: each buffer drained in many reads (pd-rewrite.py
#    --split; cut at PSBs, perf script reads the same trace) past
#    AUXREC_MAX_PIECE is
#    one piece (in a temporary file): the same bytes as one chunk a buffer,
#    text and JSON, --jobs 1 and 2; without a temporary directory, the old
#    cut, warned once, loses trace at the cuts; so does a directory without
#    room for the pieces (ulimit -f 4: the file size limit), warned once;
#  - merge-progress: --progress (a line at each write, through the tests'
#    AUXREC_PROGRESS_EVERY_MS=0) moves while the buffers are merged, and
#    while they are decoded one after another (AUXREC_NO_MERGE=1), never
#    back, from 0% to 100%; stdout as without it.
cd "$(dirname "$0")/../.." || exit 1
. tests/gt/build-tools.sh
. tests/diff/recordings.sh
. tests/check-lib.sh
diff_check_setup merge-time || exit $?
rc=0
ref=tests/diff/merge-time-ref.py

# NAME WHY: says "not ok merge-NAME: WHY", sets rc=1, returns 1
fail() {
	echo "not ok merge-$1: $2"
	rc=1
	return 1
}

# NAME FILE CPU:BRANCHES:TIMES...: the checks above on FILE, whose CPUs ran those flows
merge_checks() {
	local name=$1 f=$2 j fmt turns out
	shift 2
	"$A" script --json -i "$f" > "$tmp/$name.json" 2> "$tmp/$name.err" &&
	AUXREC_NO_MERGE=1 "$A" script --json -i "$f" > "$tmp/$name.plain" 2>> "$tmp/$name.err" ||
		{ fail "order-$name" "script failed: $(head -1 "$tmp/$name.err")"; return; }
	if ! out=$(python3 $ref truth "$tmp/$name.json" "$@"); then
		fail "truth-$name" "$out"
	else
		echo "ok merge-truth-$name ($out branches, trace starts and ends: the true ones at their true times, in time order)"
	fi
	python3 $ref expect "$tmp/$name.plain" > "$tmp/$name.want"
	turns=$(python3 -c 'import json, sys
cpus = [json.loads(l).get("cpu") for l in open(sys.argv[1])]
print(sum(1 for a, b in zip(cpus, cpus[1:]) if a != b))' "$tmp/$name.json")
	out=$(first_difference "$tmp/$name.want" "$tmp/$name.json" lines "< merged by the reference > auxrec")
	if [ -n "$out" ]; then
		fail "order-$name" "$out"
	elif [ "$turns" -lt 10 ]; then
		fail "order-$name" "the CPUs take turns only $turns times"
	elif ! cmp -s <("$A" script -i "$f" | awk '{print $3, $4}') \
		      <(python3 -c 'import json, sys
for l in open(sys.argv[1]):
	o = json.loads(l)
	print("[%03d] %d.%09d:" % (o["cpu"], o["time"] // 10**9, o["time"] % 10**9))' "$tmp/$name.json"); then
		fail "order-$name" "the text output is in another order than the JSON"
	else
		echo "ok merge-order-$name ($(wc -l < "$tmp/$name.json") events, the CPUs take turns $turns times)"
	fi
	out=
	for fmt in "" --json; do
		# shellcheck disable=SC2086
		"$A" script $fmt -i "$f" --jobs 1 > "$tmp/j1" 2> /dev/null
		for j in 2 7 16; do
			# shellcheck disable=SC2086
			AUXREC_PAR_UNIT=1024 "$A" script $fmt -i "$f" --jobs $j > "$tmp/jn" 2> "$tmp/jn.err"
			cmp -s "$tmp/j1" "$tmp/jn" ||
				{ out="--jobs $j ${fmt:-text} differs from --jobs 1"; break 2; }
		done
		# with 16 threads for its buffers, each is decoded on threads of its own
		units=$(grep -c '^auxrec: parallel decode of' "$tmp/jn.err")
		[ "$units" -ge 2 ] ||
			{ out="--jobs 16: $units buffers decoded on threads, want every one"; break; }
	done
	if [ -n "$out" ]; then
		fail "jobs-$name" "$out"
	else
		echo "ok merge-jobs-$name (--jobs 1, 2, 7, 16: the same text and JSON; with 16, each buffer on threads of its own)"
	fi
	if perf script --itrace=b -F cpu,ip,addr -i "$f" > "$tmp/$name.perf" 2> "$tmp/$name.perf.err"; then
		if ! python3 $ref perf "$tmp/$name.perf" "$tmp/$name.json" "$@" > "$tmp/cmp"; then
			fail "perf-$name" "$(head -1 "$tmp/cmp")"
		elif read -r max diffs < "$tmp/cmp" && [ "$max" -gt 64 ]; then
			fail "perf-$name" "a branch has $max more or fewer branches of the other CPU before it than in perf script"
		else
			echo "ok merge-perf-$name (the branches of perf script; $diffs placed otherwise among the other CPU's, by at most $max$(sed -n '2s/^/; /p' "$tmp/cmp"))"
		fi
	else
		fail "perf-$name" "perf script: $(head -1 "$tmp/$name.perf.err")"
	fi
	out=
	for fmt in chrome folded; do
		"$A" export -f $fmt -i "$f" -o "$tmp/x.$fmt" 2> /dev/null &&
		AUXREC_NO_MERGE=1 "$A" export -f $fmt -i "$f" -o "$tmp/p.$fmt" 2> /dev/null ||
			{ out="export -f $fmt failed"; break; }
		# the threads come in the order they are met: their slices, not the bytes
		cmp -s <(sed 's/,$//' "$tmp/x.$fmt" | sort) <(sed 's/,$//' "$tmp/p.$fmt" | sort) ||
			{ out="$fmt: other slices or stacks"; break; }
	done
	verdict "merge-export-$name" "$out" "chrome, folded: the slices and stacks of one buffer after another"
	[ -z "$out" ] || rc=1
}

# The checks of merge-big-pieces on $tmp/two.data; says in $out what it saw
big_pieces() {
	local f=$tmp/split.data n chunks fmt cut
	python3 tests/perf/pd-rewrite.py --split=512 "$tmp/two.data" "$f" &&
	python3 tests/perf/pd-rewrite.py --split=0 "$tmp/two.data" "$tmp/psb.data" ||
		{ out="pd-rewrite failed"; return 1; }
	chunks=$("$A" dump --json -i "$f" 2> /dev/null | grep -c '"record":"auxtrace"')
	# real perf reads the same trace from the chunks cut at PSBs (perf 6.1
	# loses a packet a cut splits: not from those of 512 bytes)
	if ! perf script --itrace=b -F cpu,ip,addr -i "$tmp/two.data" > "$tmp/p1" 2> /dev/null ||
	   ! perf script --itrace=b -F cpu,ip,addr -i "$tmp/psb.data" > "$tmp/p2" 2> /dev/null ||
	   ! cmp -s "$tmp/p1" "$tmp/p2"; then
		out="perf script reads another trace from the chunks cut at PSBs"
		return 1
	fi
	for fmt in "" --json; do
		# shellcheck disable=SC2086
		"$A" script $fmt -i "$tmp/two.data" > "$tmp/whole" 2> /dev/null || return
		for n in "--jobs 1" "--jobs 2"; do
			# shellcheck disable=SC2086
			AUXREC_MAX_PIECE=4096 AUXREC_PAR_UNIT=1024 "$A" script $fmt $n -i "$f" \
				> "$tmp/big" 2> "$tmp/big.err"
			if [ $? != 0 ] || [ -s "$tmp/big.err" ] || ! cmp -s "$tmp/whole" "$tmp/big"; then
				out="${fmt:-text} $n: $(first_difference "$tmp/whole" "$tmp/big" lines \
					"< one chunk a buffer > $chunks chunks") $(head -1 "$tmp/big.err")"
				return 1
			fi
		done
	done
	AUXREC_NO_MERGE=1 "$A" script -i "$tmp/two.data" > "$tmp/whole" 2> /dev/null
	AUXREC_NO_MERGE=1 AUXREC_MAX_PIECE=4096 "$A" script -i "$f" > "$tmp/big" 2> /dev/null
	cmp -s "$tmp/whole" "$tmp/big" || { out="unmerged (AUXREC_NO_MERGE=1): the output differs"; return 1; }
	"$A" script -i "$tmp/two.data" > "$tmp/whole" 2> /dev/null
	# without a temporary directory: cut (the decode starts over), said once
	AUXREC_MAX_PIECE=4096 TMPDIR=$tmp/none "$A" script -i "$f" > "$tmp/cut" 2> "$tmp/cut.err" ||
		{ out="cut pieces: exit $?"; return 1; }
	cut=$(diff "$tmp/whole" "$tmp/cut" | grep -c '^[<>]')
	if [ "$(grep -c 'no temporary file can be made' "$tmp/cut.err")" != 1 ] || [ "$cut" = 0 ]; then
		out="without a temporary directory: $(grep -c . "$tmp/cut.err") warnings, $cut lines differ"
		return 1
	fi
	AUXREC_MAX_PIECE=4096 "$A" script -i "$tmp/psb.data" 2> /dev/null | cmp -s - "$tmp/whole" ||
		{ out="the chunks cut at PSBs: the output differs"; return 1; }
	# no room for the files (of 4 KiB at most: ulimit -f, which kills a
	# process that writes past it): cut as without a directory, warned once
	(ulimit -f 4; AUXREC_MAX_PIECE=4096 exec "$A" script -i "$f" 2> "$tmp/full.err") |
		cmp -s - "$tmp/cut" && [ "$(grep -c 'no room for the trace' "$tmp/full.err")" = 1 ] ||
		{ out="no room for the files: $(head -1 "$tmp/full.err")"; return 1; }
	out="$chunks chunks of 512 bytes, pieces over 4096 bytes: text and JSON, --jobs 1 and 2, merged and not, the bytes of one chunk a buffer; and of chunks cut at PSBs, which perf script reads as one; cut without a temporary directory, warned once: $cut lines differ; so without room for the files (ulimit -f), warned once"
}

. tests/gt/progs.sh
gt_prog_build recursion "$tmp/recursion" static > /dev/null ||
	{ echo "not ok merge-time: cannot compile"; exit 1; }
# CPU 1's program starts 128 instructions after CPU 0's (GT_TSC_PER_INSN 8);
# a third process on CPU 0 from twice the first one's instructions on
gt_record merge-time "$tmp/a.rec" --tsc0 0x1000 "$tmp/a" -- "$tmp/recursion" || exit
gt_record merge-time "$tmp/b.rec" --tsc0 0x1400 "$tmp/b" -- "$tmp/recursion" || exit
ninsn=$(sed -n 's/.*: \([0-9]*\) instructions.*/\1/p' "$tmp/a.rec" | head -1)
tsc_c=$((0x1000 + ninsn * 8 * 2))
gt_record merge-time "$tmp/c.rec" --tsc0 $tsc_c "$tmp/c" -- "$tmp/recursion" || exit
for x in a b c; do
	eval "gt_$x=$tmp/$x-rc.branches:$tmp/$x-rc.times"
done
map=$(load_of "$tmp/recursion" | tr ' ' ,)
P=$tmp/recursion,$map
gen() {	# NAME PD-GEN-ARGS...: pd-gen --cpu-wide into $tmp/NAME.data
	local name=$1
	shift
	"$B/tests/tools/pd-gen" "$@" > "$tmp/gen.log" 2>&1 ||
		{ fail "$name" "pd-gen: $(tail -1 "$tmp/gen.log")"; return 1; }
}
gen two --gt-clock --cpu-wide "$tmp/two.data" 1001,"$tmp/a-rc.pt",0x1000,$P,0 \
	1002,"$tmp/b-rc.pt",0x1400,$P,1 &&
	merge_checks two "$tmp/two.data" "0:$gt_a" "1:$gt_b"
# the progress line moves during the merge (it stood still until the end)
# (and while they are decoded one after another, AUXREC_NO_MERGE=1: it stood
# still after the first buffer's trace)
progress_moves() {	# ENV...: what the line went through, or why not
	env "$@" AUXREC_PROGRESS_EVERY_MS=0 "$A" script --progress -i "$tmp/two.data" \
		> "$tmp/pr.out" 2> "$tmp/pr.err"
	env "$@" "$A" script -i "$tmp/two.data" 2> /dev/null | cmp -s - "$tmp/pr.out" ||
		{ echo "stdout differs with --progress"; return 1; }
	python3 - "$tmp/pr.err" <<'PY'
import re, sys
pcts = [int(m.group(1)) for m in (re.match(r'auxrec script: (\d+)% of .* read, \d+ s$', l)
                                  for l in open(sys.argv[1])) if m]
between = sorted({p for p in pcts if 0 < p < 99})
if not pcts or pcts[0] != 0 or pcts[-1] != 100 or pcts != sorted(pcts) or len(between) < 3:
    print(f'percentages {sorted(set(pcts))}, first {pcts[:1]}, last {pcts[-1:]}'); sys.exit(1)
print(f'{len(pcts)} lines, {len(between)} values between 0% and 99%')
PY
}
if [ -s "$tmp/two.data" ]; then
	if ! out=$(progress_moves); then
		fail progress "merged: $out"
	elif ! unmerged=$(progress_moves AUXREC_NO_MERGE=1); then
		fail progress "one buffer after another: $unmerged"
	else
		echo "ok merge-progress (merged: $out; one buffer after another: $unmerged)"
	fi
fi
# each buffer drained in many reads (a chunk per 512 bytes), its piece
# past AUXREC_MAX_PIECE: one piece in a temporary file, the same output
if [ -s "$tmp/two.data" ] && big_pieces; then
	echo "ok merge-big-pieces ($out)"
else
	fail big-pieces "$out"
fi
# the third process on CPU 0 after the first; chunks cut at PSBs
gen three --gt-clock --cpu-wide --cut-psb "$tmp/three.data" 1001,"$tmp/a-rc.pt",0x1000,$P,0 \
	1002,"$tmp/b-rc.pt",0x1400,$P,1 1003,"$tmp/c-rc.pt",$tsc_c,$P,0 &&
	merge_checks three "$tmp/three.data" "0:$gt_a" "1:$gt_b" "0:$gt_c"

# tracepoint samples every 61,037 ns from 61,037 ns: among both traces
if gen tp --tp tests/data/tracefs 8 61037 --gt-clock --cpu-wide "$tmp/tp.data" \
	1001,"$tmp/a-rc.pt",0x1000,$P,0 1002,"$tmp/b-rc.pt",0x1400,$P,1; then
	"$A" script --json -i "$tmp/tp.data" > "$tmp/tp.json" &&
	AUXREC_NO_MERGE=1 "$A" script --json -i "$tmp/tp.data" > "$tmp/tp.plain" &&
	"$A" script --json --jobs 2 -i "$tmp/tp.data" > "$tmp/tp.j2" ||
		fail tracepoints "script failed"
	python3 $ref expect "$tmp/tp.plain" > "$tmp/tp.want"
	n=$(grep -c '"type":"tracepoint"' "$tmp/tp.json")
	out=$(first_difference "$tmp/tp.want" "$tmp/tp.json" lines "< merged by the reference > auxrec")
	if [ -n "$out" ]; then
		fail tracepoints "$out"
	elif [ "$n" != 8 ]; then
		fail tracepoints "$n tracepoint samples, not 8"
	elif ! cmp -s "$tmp/tp.json" "$tmp/tp.j2"; then
		fail tracepoints "--jobs 2 differs"
	else
		echo "ok merge-tracepoints (8 samples among the merged events, --jobs 1 and 2)"
	fi
fi
exit $rc
