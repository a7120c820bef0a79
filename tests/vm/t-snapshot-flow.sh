#!/bin/bash
# Snapshot mode decoded: a real program's control flow (tests/gt/progs/spin.c
# single-stepped on the host by gt-record, encoded as Intel PT with a PSB
# every 4K) is replayed once by the test PMU impersonating intel_pt into an
# overwrite AUX area of 16K while the same static binary runs in the guest;
# `auxrec record -S` takes a snapshot every 0.2 s (about 8K of new trace
# each: consecutive snapshots overlap by half) and one at exit. On the host
# `auxrec script` decodes them (AUXTRACE_INFO's snapshot flag: overlaps
# trimmed) and tests/vm/snapshot-flow.py checks that the branches form
# contiguous runs of the true flow, in order, none decoded twice.
cd "$(dirname "$0")/../.." || exit 1
A=${AUXREC:-./auxrec}
OUT=build/vm/t-snapshot-flow.out
rm -rf "$OUT"; mkdir -p "$OUT/symfs/in"
. tests/gt/build-tools.sh
gt_record_spin snapshot_flow "$OUT" 800 || { [ $? = 77 ] && exit 0; exit 1; }
size=$(stat -c %s "$OUT/spin.pt")

if ! tests/vm/run --module-arg name=intel_pt --module-arg mode=1 --module-arg once=1 \
	--module-arg rate=40960 --in "$OUT/symfs/in/spin" --in "$OUT/spin.pt" \
	--out "$OUT/guest" --timeout 200 -- '
	cat /in/spin.pt > /sys/kernel/debug/auxtest/replay || exit 1
	auxrec record -e intel_pt// --per-thread -m 256K,16K -Se -o /out/snap.data \
		-- /in/spin 2000000000 > /out/record.out 2>&1 &
	pid=$!
	i=0
	while [ $i -lt 200 ] && [ ! -s /out/snap.data ]; do sleep 0.1; i=$((i + 1)); done
	n=0
	while [ $n -lt '$((size / 8192 + 4))' ]; do sleep 0.2; kill -USR2 $pid; n=$((n + 1)); done
	kill -INT $pid
	wait $pid
	echo $? > /out/record.rc' > "$OUT/guest.log" 2>&1; then
	echo "not ok guest_run: $(tail -3 "$OUT/guest.log")"; exit 1
fi
if [ "$(cat "$OUT/guest/record.rc")" != 0 ]; then
	echo "not ok snapshot_flow_record: $(head -3 "$OUT/guest/record.out")"; exit 1
fi
"$A" script -i "$OUT/guest/snap.data" --symfs "$OUT/symfs" --json > "$OUT/snap.json" 2> "$OUT/snap.err" ||
	{ echo "not ok snapshot_flow_script: $(head -2 "$OUT/snap.err")"; exit 1; }
"$A" dump -i "$OUT/guest/snap.data" --json --no-packets > "$OUT/snap.dump" 2>&1
tests/gt/script-to-gt.py < "$OUT/snap.json" > "$OUT/snap.got"
python3 tests/vm/snapshot-flow.py "$OUT/spin.branches" "$OUT/snap.got" "$OUT/snap.dump" "$size"
# --jobs: snapshot chunks depend on the previous snapshot of their area (the
# overlap trimmed), so they are decoded in one piece: the same output for
# any thread count, also with small ranges forced (AUXREC_PAR_UNIT)
if AUXREC_PAR_UNIT=4096 "$A" script -i "$OUT/guest/snap.data" --symfs "$OUT/symfs" --json \
	--jobs 3 2>/dev/null | cmp -s - "$OUT/snap.json"; then
	echo "ok snapshot_flow_jobs"
else
	echo "not ok snapshot_flow_jobs: script --jobs 3 differs from the sequential decode"
fi
# decode units: a snapshot is one unit, and decoding one alone decodes the
# snapshots before it without output (their overlaps are trimmed against
# them): the units' outputs in order are the whole output
n=$("$A" script --list-units --json -i "$OUT/guest/snap.data" | grep -c '"type":"unit"')
for ((k = 0; k < n; k++)); do
	"$A" script --json --unit $k -i "$OUT/guest/snap.data" --symfs "$OUT/symfs" 2> /dev/null
done > "$OUT/snap.units"
if [ "$n" -gt 1 ] && cmp -s "$OUT/snap.units" "$OUT/snap.json"; then
	echo "ok snapshot_flow_units ($n units)"
else
	echo "not ok snapshot_flow_units: script --unit 0..$((n - 1)) concatenated differs from script"
fi
