#!/bin/bash
# The harness of tests/bench/bench-intel-pt.sh builds: it lists the packet
# layer's sources by hand, and `make bench` is not part of `make check`, so a
# new dependency of decoders/intel_pt/pt_*.c left out there (pt_packet_count.c
# was) broke `make bench` unseen. BENCH_BUILD_ONLY=1 builds it and stops.
cd "$(dirname "$0")/../.." || exit 1
out=$(BENCH_BUILD_ONLY=1 tests/bench/bench-intel-pt.sh 2>&1); rc=$?
if [ $rc = 77 ]; then
	echo "skip bench-intel-pt-builds: $(tail -1 <<<"$out")"
elif [ $rc != 0 ]; then
	echo "not ok bench-intel-pt-builds: exit $rc: $(grep -m1 -E 'error|undefined' <<<"$out")"
else
	echo "ok bench-intel-pt-builds (build/tests/bench/bench-intel-pt)"
fi
