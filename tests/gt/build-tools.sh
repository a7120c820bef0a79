#!/bin/bash
# Builds the ground-truth tools into $AUXREC_BUILD/tests/gt/ (sourced by the
# check and bench scripts): gt-record and gt-ipt link libipt, all three link
# $AUXREC_BUILD/libauxrec.a (build/ unless `make check SANITIZE=1` says
# build-san/, whose library needs $AUXREC_SAN_FLAGS at the link; gt-flow is
# then auxrec's flow decoder under the sanitizers). Sets GT_BIN, or GT_SKIP
# with the reason.
GT_LIB=${AUXREC_BUILD:-build}/libauxrec.a
GT_BIN=${AUXREC_BUILD:-build}/tests/gt
GT_SKIP=
GT_CFLAGS="-I. -D_GNU_SOURCE -std=gnu11 -Wall -Wextra -Werror
	-Wno-unused-parameter -Wshadow -Wstrict-prototypes -O2 -g $AUXREC_SAN_FLAGS"
mkdir -p "$GT_BIN"
if [ ! -f /usr/include/intel-pt.h ]; then
	GT_SKIP="libipt-dev is not installed"
elif [ ! -f "$GT_LIB" ]; then
	GT_SKIP="$GT_LIB is not built (run make)"
else
	${CC:-gcc} $GT_CFLAGS -o "$GT_BIN/gt-record" tests/gt/gt-record.c tests/gt/gt_step.c \
		tests/gt/gt_kernel.c tests/gt/gt_start.c tests/gt/gt_filemaps.c "$GT_LIB" -lipt &&
	${CC:-gcc} $GT_CFLAGS -o "$GT_BIN/gt-ipt" tests/gt/gt-ipt.c \
		tests/gt/gt_image.c "$GT_LIB" -lipt &&
	${CC:-gcc} $GT_CFLAGS -o "$GT_BIN/gt-flow" tests/gt/gt-flow.c \
		tests/gt/gt_image.c "$GT_LIB" ||
	GT_SKIP=build
fi

# gt_tools_verdict NAME: 0 when the tools are built; else prints "not ok
# NAME: ..." and returns 1 (they do not build) or "skip NAME: ..." and
# returns 77 (libipt or libauxrec.a missing).
gt_tools_verdict() {
	if [ "$GT_SKIP" = build ]; then
		echo "not ok $1: cannot build the ground-truth tools"
		return 1
	elif [ -n "$GT_SKIP" ]; then
		echo "skip $1: $GT_SKIP"
		return 77
	fi
}

# gt_record CHECK LOG ARGS...: gt-record ARGS (its output in LOG); returns
# 0, or says why and returns 77 ("skip CHECK": ptrace not allowed here) or 1
# ("not ok CHECK: gt-record: ...": its last line).
gt_record() {
	local check=$1 log=$2
	shift 2
	"$GT_BIN/gt-record" "$@" > "$log" 2>&1 && return
	if grep -q "PTRACE\|Operation not permitted" "$log"; then
		echo "skip $check: ptrace not allowed here"; return 77
	fi
	echo "not ok $check: gt-record: $(tail -1 "$log")"; return 1
}

# gt_record_spin CHECK OUT N: tests/gt/progs/spin.c built static as
# OUT/symfs/in/spin (where a guest check's --symfs finds it) and
# single-stepped by gt-record with N iterations into OUT/spin.* (its log
# OUT/gt.log); returns 0, or says why and returns 77 ("skip CHECK": ptrace
# not allowed here) or 1 ("not ok ...": no tools, no compiler, gt-record
# failed).
gt_record_spin() {
	local check=$1 out=$2 n=$3
	if [ -n "$GT_SKIP" ]; then
		echo "not ok gt_tools: $GT_SKIP"; return 1
	fi
	gcc -O1 -static -no-pie -o "$out/symfs/in/spin" tests/gt/progs/spin.c ||
		{ echo "not ok compile"; return 1; }
	gt_record "$check" "$out/gt.log" "$out/spin" -- "$out/symfs/in/spin" "$n"
}
