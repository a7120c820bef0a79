#!/bin/bash
# Intel PT packet conformance: every libipt test stream NAME.pt of
# shared/conformance/libipt-ptt must dump (--json) exactly as NAME.want.jsonl.
# Uses `./auxrec dump --raw FILE --pmu intel_pt --json` when auxrec has the
# dump command, else tests/conformance/dump-raw.c (the same packet
# descriptions and renderer).
# Then `dump --no-pad` (text and JSON) against the same listings less
# their pad packets, for every stream that has some.
# One ok/not ok line per stream; skip lines when the shared files are missing.
cd "$(dirname "$0")/../.." || exit 1
top=$(git rev-parse --show-toplevel 2>/dev/null || pwd)
dir="$top/../shared/conformance/libipt-ptt"
if [ ! -d "$dir" ]; then
	echo "skip intel-pt-conformance: $dir not found (no shared conformance streams)"
	exit 0
fi

A=${AUXREC:-./auxrec}
if [ -x "$A" ] && "$A" dump --help >/dev/null 2>&1; then
	dump() { "$A" dump --raw "$1" --pmu intel_pt --json; }
	echo "# using $A dump"
else
	helper=build/tests/conformance/dump-raw
	mkdir -p "$(dirname "$helper")"
	${CC:-cc} -I. -D_GNU_SOURCE -std=gnu11 -Wall -Wextra -Werror \
		-Wno-unused-parameter -O2 -o "$helper" tests/conformance/dump-raw.c \
		$(ls decoders/intel_pt/pt_*.c | grep -v pt_flow) lib/output/json.c \
		lib/output/packet_render.c || exit 1
	dump() { "$helper" --json intel_pt "$1"; }
	echo "# using $helper (./auxrec has no dump command yet)"
fi

n=0
for pt in "$dir"/*.pt; do
	[ -e "$pt" ] || continue
	name=$(basename "$pt" .pt)
	want="$dir/$name.want.jsonl"
	n=$((n + 1))
	if [ ! -f "$want" ]; then
		echo "not ok $name: $want missing"
		continue
	fi
	got=$(dump "$pt" 2>&1); rc=$?
	if [ "$rc" != 0 ]; then
		echo "not ok $name: dump exited $rc: $(head -1 <<<"$got")"
	elif diff=$(diff <(cat "$want") <(printf '%s\n' "$got") | head -4); [ -z "$diff" ]; then
		echo "ok $name"
	else
		echo "not ok $name: $(tr '\n' ' ' <<<"$diff")"
	fi
done
[ "$n" != 0 ] || echo "skip intel-pt-conformance: no .pt files in $dir"

# --no-pad: the same listing without its pad packets, in both forms, for
# every stream that has some
if [ -x "$A" ] && "$A" dump --help 2>/dev/null | grep -q -- --no-pad; then
	n=0
	for want in $(grep -l '"packet":"pad"' "$dir"/*.want.jsonl); do
		pt=${want%.want.jsonl}.pt
		name=no-pad-$(basename "$pt" .pt)
		n=$((n + 1))
		if ! diff <(grep -v '"packet":"pad"' "$want") \
			<("$A" dump --raw "$pt" --pmu intel_pt --json --no-pad 2>&1) > /dev/null; then
			echo "not ok $name: --json --no-pad is not the listing less its pad lines"
		elif ! diff <("$A" dump --raw "$pt" --pmu intel_pt 2>&1 | awk '$2 != "pad"') \
			<("$A" dump --raw "$pt" --pmu intel_pt --no-pad 2>&1) > /dev/null; then
			echo "not ok $name: text --no-pad is not the listing less its pad lines"
		else
			echo "ok $name"
		fi
	done
	[ "$n" != 0 ] || echo "not ok no-pad: no stream with pad packets in $dir"
fi
