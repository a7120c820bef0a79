#!/bin/bash
# tests/vm/t-auxtest.sh: one guest boot running tests/vm/guest-auxtest.sh:
# the auxtest module against tests/guest/auxtest_check and Debian perf.
cd "$(dirname "$0")/../.." || exit 1
[ -x build/guest-bin/auxtest_check ] || make -s guest-bin || exit 1
tests/vm/run --perf --timeout 240 --in tests/vm/guest-auxtest.sh -- sh /in/guest-auxtest.sh
rc=$?
[ $rc = 0 ] || echo "not ok auxtest_guest_run: tests/vm/run exited $rc"
exit $rc
