#!/bin/bash
# Differential test of the Intel PT packet layer against libipt's packet
# decoder: valid encoded streams, corrupted streams, garbage (see
# tests/diff/diff_intel_pt.c). SEEDS=N changes the number of streams.
cd "$(dirname "$0")/../.." || exit 1
bin=build/tests/diff/diff-intel-pt
why=$(tests/diff/build-ipt-prog "$bin" tests/diff/diff_intel_pt.c 2>&1); rc=$?
if [ $rc = 77 ]; then
	echo "skip intel-pt-diff: $why"
	exit 0
elif [ $rc != 0 ]; then
	echo "$why"
	echo "not ok intel-pt-diff-build: cannot build $bin"
	exit 1
fi
"$bin" "${SEEDS:-2000}"
