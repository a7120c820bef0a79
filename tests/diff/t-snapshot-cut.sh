#!/bin/bash
# Snapshots that end inside a packet, decoded against ground truth: the
# Intel PT trace of tests/gt/progs/spin.c (single-stepped by gt-record) is
# written by pd-gen --snapshots as a snapshot-mode recording of a 6001-byte
# area (so most chunks are padded to 8 bytes with zeros), each snapshot
# ending 2 bytes into a multi-byte packet (a TIP, TSC or MTC ...), as a PMU
# stopped mid-packet leaves it; consecutive snapshots overlap. The padding
# would complete the cut packet (a TIP of 0x60 for one of 0x419060); the
# next snapshot shows it was padding, and holds the whole packet.
# - snapshot_cut_contiguous: the branches form contiguous runs of the true
#   flow, in order, none decoded twice (tests/vm/snapshot-flow.py);
# - snapshot_cut_complete: between the first and the last snapshot's end
#   no true event is missing: each cut packet's events come from the next
#   snapshot;
# - snapshot_cut_errors: each snapshot that cuts a packet ends with the
#   error of the cut ("reached end of trace stream"); the last one, taken
#   at exit, ends with the trace.
cd "$(dirname "$0")/../.." || exit 1
A=${AUXREC:-./auxrec}
B=${AUXREC_BUILD:-build}
OUT=$B/tests/snapshot-cut
rm -rf "$OUT"; mkdir -p "$OUT/symfs/in"
. tests/gt/build-tools.sh
gt_record_spin snapshot_cut "$OUT" 800 || { [ $? = 77 ] && exit 0; exit 1; }
size=$(stat -c %s "$OUT/spin.pt")

# ends: 2 bytes into the first packet of 3 bytes or more after each 2500
"$A" dump --raw "$OUT/spin.pt" --pmu intel_pt --json --no-pad > "$OUT/packets.json" ||
	{ echo "not ok snapshot_cut_packets: auxrec dump failed"; exit 1; }
ends=$(python3 - "$OUT/packets.json" "$size" <<'PY'
import json, sys
pk = [json.loads(l) for l in open(sys.argv[1])]
pk = [p for p in pk if "offset" in p and p.get("size", 0) >= 3 and p["packet"] != "psb"]
ends, want = [], 2500
for p in pk:
    if p["offset"] >= want:
        ends.append(p["offset"] + 2)
        want = p["offset"] + 2500
print(" ".join(map(str, ends)))
PY
)
ncut=$(wc -w <<<"$ends")
ends="$ends $size"	# and one at exit, when the trace has ended
# the binary's code as it was loaded: vaddr, size, file offset
read -r -a load < <(readelf -lW "$OUT/symfs/in/spin" | awk '$1 == "LOAD" && / E / {print $3, $6, $2; exit}')
"$B/tests/tools/pd-gen" --snapshots 6001 $ends "$OUT/snap.data" "$OUT/spin.pt" \
	/in/spin "${load[@]}" ||
	{ echo "not ok snapshot_cut_data: pd-gen failed"; exit 1; }
"$A" script -i "$OUT/snap.data" --symfs "$OUT/symfs" --json > "$OUT/snap.json" 2> "$OUT/snap.err" ||
	{ echo "not ok snapshot_cut_script: $(head -2 "$OUT/snap.err")"; exit 1; }
"$A" dump -i "$OUT/snap.data" --json --no-packets > "$OUT/snap.dump" 2>&1
tests/gt/script-to-gt.py < "$OUT/snap.json" > "$OUT/snap.got"
python3 tests/vm/snapshot-flow.py "$OUT/spin.branches" "$OUT/snap.got" "$OUT/snap.dump" "$size" |
	sed 's/snapshot_flow_/snapshot_cut_/'
python3 - "$OUT/spin.branches" "$OUT/snap.got" <<'PY'
import sys
true = [l.split() for l in open(sys.argv[1])]
got = [l.split() for l in open(sys.argv[2])]
# trace begins come at each snapshot's start too, errors where one cuts a packet
branches = [e[:3] for e in got if e[0] not in ("tr_strt", "error")]
want = [e[:3] for e in true if e[0] != "tr_strt"]
first = next((i for i, e in enumerate(want) if e == branches[0]), 0) if branches else 0
want = want[first:first + len(branches)]
if branches and branches == want:
    print("ok snapshot_cut_complete # %d events, none missing" % len(branches))
else:
    at = next((i for i in range(min(len(want), len(branches))) if want[i] != branches[i]),
              min(len(want), len(branches)))
    print("not ok snapshot_cut_complete: event %d is %s, the true flow has %s there"
          % (at, " ".join(branches[at]) if at < len(branches) else "missing",
             " ".join(want[at]) if at < len(want) else "nothing"))
PY
nerr=$(grep -c '"error":"reached end of trace stream"' "$OUT/snap.json")
if [ "$nerr" = "$ncut" ]; then
	echo "ok snapshot_cut_errors # $nerr snapshots cut a packet"
else
	echo "not ok snapshot_cut_errors: $nerr cut-packet errors for $ncut snapshots that cut a packet"
fi
