#!/bin/bash
# Intel PT packet benchmark: auxrec vs libipt (tests/bench/bench_intel_pt.c).
# BENCH_MB=N sets the size of the random packet mix (default 64).
cd "$(dirname "$0")/../.." || exit 1
bin=build/tests/bench/bench-intel-pt
tests/diff/build-ipt-prog "$bin" tests/bench/bench_intel_pt.c || exit $?
top=$(git rev-parse --show-toplevel 2>/dev/null || pwd)
exec "$bin" "${BENCH_MB:-64}" "$top/../shared/conformance/libipt-ptt"
