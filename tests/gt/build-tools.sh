#!/bin/bash
# Builds the ground-truth tools into build/tests/gt/ (sourced by the
# check and bench scripts): gt-record and gt-ipt link libipt, gt-flow links
# build/libauxrec.a. Sets GT_BIN, or GT_SKIP with the reason.
GT_BIN=build/tests/gt
GT_SKIP=
GT_CFLAGS="-I. -D_GNU_SOURCE -std=gnu11 -Wall -Wextra -Werror
	-Wno-unused-parameter -Wshadow -Wstrict-prototypes -O2 -g"
mkdir -p "$GT_BIN"
if [ ! -f /usr/include/intel-pt.h ]; then
	GT_SKIP="libipt-dev is not installed"
elif [ ! -f build/libauxrec.a ]; then
	GT_SKIP="build/libauxrec.a is not built (run make)"
else
	${CC:-gcc} $GT_CFLAGS -o "$GT_BIN/gt-record" tests/gt/gt-record.c tests/gt/gt_step.c \
		tests/gt/gt_kernel.c build/libauxrec.a -lipt &&
	${CC:-gcc} $GT_CFLAGS -o "$GT_BIN/gt-ipt" tests/gt/gt-ipt.c \
		tests/gt/gt_image.c build/libauxrec.a -lipt &&
	${CC:-gcc} $GT_CFLAGS -o "$GT_BIN/gt-flow" tests/gt/gt-flow.c \
		tests/gt/gt_image.c build/libauxrec.a ||
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
