#!/bin/bash
# Intel PT packet benchmark: auxrec vs libipt (tests/bench/bench_intel_pt.c):
# packet decode rows and JSON dump rows, each with its libipt counterpart,
# timed in turn on ~1 MB slices in every run; medians of the runs, PASS/FAIL of
# pt_pkt_walk against BENCH_TARGET times libipt's packet rate (default 3).
# BENCH_MB=N sets the size of the random packet mix (default 64),
# BENCH_RUNS=N the number of runs (default 7).
cd "$(dirname "$0")/../.." || exit 1
if [ ! -f /usr/include/intel-pt.h ]; then
	echo "libipt-dev not installed (intel-pt.h missing)" >&2
	exit 77
fi
bin=build/tests/bench/bench-intel-pt
mkdir -p "$(dirname "$bin")"
# Only the packet layer: not every decoders/intel_pt file (the flow
# decoder needs more of lib/).
${CC:-cc} -I. -D_GNU_SOURCE -std=gnu11 -Wall -Wextra -Werror \
	-Wno-unused-parameter -O2 -g -o "$bin" tests/bench/bench_intel_pt.c \
	tests/bench/bench_intel_pt_ptdump.c tests/diff/ipt_ref.c \
	decoders/intel_pt/pt_packet.c decoders/intel_pt/pt_packet_walk.c \
	decoders/intel_pt/pt_sync.c decoders/intel_pt/pt_describe.c \
	decoders/intel_pt/pt_error.c decoders/intel_pt/pt_packet_count.c lib/output/json.c \
	lib/output/packet_render.c -lipt || exit 1
# BENCH_BUILD_ONLY=1: build the harness and stop (tests/cli/t-bench-build.sh)
[ -n "$BENCH_BUILD_ONLY" ] && exit 0
top=$(git rev-parse --show-toplevel 2>/dev/null || pwd)
exec "$bin" "${BENCH_MB:-64}" "$top/../shared/conformance/libipt-ptt"
