#!/bin/bash
# t-export-migrate.sh - `auxrec export` of a thread that moves back and
# forth between two CPUs of a per-CPU recording: the ground truth of
# tests/gt/progs/recursion.c (gt-record, TSC in each PSB+), its trace cut
# at PSBs into chunks that take turns in CPU 0's and CPU 1's buffers,
# switched out of one CPU and into the other at each cut (pd-gen
# --cpu-wide --cut-psb --bounce N: the trace stops asynchronously, FUP and
# TIP.PGD, and starts again where it stopped, TIP.PGE, on the other CPU).
# The buffers are merged by time; the thread's stacks must run on over
# every move, as if it had stayed on one CPU:
#  - export-migrate-script-NAME: `script --json` holds the true flow's
#    events and N-1 stops and starts at the moves, each onto the other CPU
#    (gt-calltree.py drop-moves);
#  - export-migrate-chrome-NAME: the Chrome JSON's slices are the call
#    tree of the true flow (gt-calltree.py check-json: names, nesting,
#    flags, times those of the decoded events); -insns: the same on the
#    instruction clock (-c insns);
#  - export-migrate-folded-NAME: the folded stacks count each stack's
#    instructions as the true flow does;
#  - export-migrate-perfetto-NAME: the protobuf export holds the slices of
#    the JSON (protoc, as t-export.sh);
#  - export-migrate-jobs-NAME: chrome, folded and perfetto with --jobs 2
#    and 7 (units of 1024 bytes) write the bytes of --jobs 1.
# NAME: tip (returns as TIPs: many PSBs, 6 chunks, 5 moves) and rc
# (compressed returns: 3 chunks, 2 moves).
cd "$(dirname "$0")/../.." || exit 1
A=${AUXREC:-./auxrec}
B=${AUXREC_BUILD:-build}
. tests/export/export-lib.sh

# NAME PT N: the checks above on PT cut in N chunks
migrate_checks() {
	local name=$1 pt=$2 n=$3 d=$tmp/$1 f j why=
	run export-migrate-pd-gen-$name "$B/tests/tools/pd-gen" --gt-clock --cpu-wide --cut-psb \
		--bounce "$n" "$d.data" "1001,$pt,0x1000,$tmp/recursion,$map" > /dev/null || return
	run export-migrate-script-$name "$A" script --json -i "$d.data" > "$d.script" &&
	for f in chrome folded perfetto; do
		run export-migrate-$f-$name "$A" export -f $f -i "$d.data" -o "$d.$f" || return
	done &&
	run export-migrate-chrome-insns-$name "$A" export -c insns -i "$d.data" -o "$d.insns" ||
		return
	if ! why=$($PY drop-moves "$d.script" $((n - 1)) 2>&1 > "$d.times"); then
		echo "not ok export-migrate-script-$name: $why"
		return
	fi
	echo "ok export-migrate-script-$name ($(wc -l < "$d.times") true events, $((n - 1)) moves between CPU 0 and 1)"
	check export-migrate-chrome-$name check-json "$branches" "$d.times" "$tmp/syms" "$d.chrome"
	check export-migrate-chrome-insns-$name check-json "$branches" insns "$tmp/syms" "$d.insns"
	check export-migrate-folded-$name check-folded "$branches" "$tmp/syms" "$d.folded"
	perfetto_check export-migrate-perfetto-$name "$d.chrome" "$d.perfetto"
	why=
	for f in chrome folded perfetto; do
		for j in 2 7; do
			AUXREC_PAR_UNIT=1024 "$A" export -f $f --jobs $j -i "$d.data" -o "$d.j" \
				2> /dev/null || { why="$f --jobs $j failed"; break 2; }
			cmp -s "$d.$f" "$d.j" || { why="$f --jobs $j differs from --jobs 1"; break 2; }
		done
	done
	if [ -z "$why" ]; then
		echo "ok export-migrate-jobs-$name (chrome, folded, perfetto: --jobs 2 and 7 as 1)"
	else
		echo "not ok export-migrate-jobs-$name: $why"
	fi
}

gt_tools_verdict export-migrate || exit $?
if [ ! -x "$B/tests/tools/pd-gen" ] || [ ! -x "$B/tests/tools/sym_lookup" ]; then
	echo "not ok export-migrate: $B/tests/tools/pd-gen or sym_lookup missing (make tools)"
	exit 1
fi
gt_prog_build recursion "$tmp/recursion" static > /dev/null ||
	{ echo "not ok export-migrate: cannot compile recursion"; exit 1; }
gt_record export-migrate "$tmp/rec.log" --tsc0 0x1000 "$tmp/r" -- "$tmp/recursion" ||
	{ [ $? = 77 ] && exit 0; exit 1; }
map=$(gt_prog_load "$tmp/recursion" "$tmp/r.map" | tr ' ' ,)
# the same flow both ways: one set of addresses and names
$PY addrs "$tmp/r.branches" > "$tmp/addrs"
# shellcheck disable=SC2046
run export-migrate-syms gt_prog_syms "$tmp/recursion" static "$tmp/r" $(cat "$tmp/addrs") \
	> "$tmp/syms" || exit 1
branches=$tmp/r.branches
migrate_checks tip "$tmp/r.pt" 6
branches=$tmp/r-rc.branches
migrate_checks rc "$tmp/r-rc.pt" 3
exit 0
