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
# - snapshot_cut_errors: no error where a snapshot cuts a packet that the
#   next one holds whole, decoded on from a PSB of the first (nothing is
#   lost there); the last one, taken at exit, ends with the trace;
# - snapshot_gap_errors: snapshots every third cut of a 6000-byte area, so
#   far apart that each starts after the previous one's end (the trace
#   between them lost): each
#   that cuts a packet ends with the error of the cut ("reached end of trace
#   stream"), the last one too (nothing follows it).
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
cuts=$ends
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
if [ "$nerr" = 0 ]; then
	echo "ok snapshot_cut_errors # $ncut snapshots cut a packet, each continued by the next: no error"
else
	echo "not ok snapshot_cut_errors: $nerr cut-packet errors where $ncut snapshots cut a packet the next one continues"
fi

# every third cutting end: 7500 bytes and more apart, in a 6000-byte area
# (no padding: with no next snapshot overlapping, nothing tells the zeros
# that pad a chunk to 8 bytes from trace, and they would complete the packet)
gap=$(awk '{for (i = 1; i <= NF; i += 3) printf "%s ", $i}' <<<"$cuts")
ngap=$(wc -w <<<"$gap")
"$B/tests/tools/pd-gen" --snapshots 6000 $gap "$OUT/gap.data" "$OUT/spin.pt" \
	/in/spin "${load[@]}" ||
	{ echo "not ok snapshot_gap_data: pd-gen failed"; exit 1; }
"$A" script -i "$OUT/gap.data" --symfs "$OUT/symfs" --json > "$OUT/gap.json" 2> "$OUT/gap.err" ||
	{ echo "not ok snapshot_gap_script: $(head -2 "$OUT/gap.err")"; exit 1; }
# Each snapshot decoded alone (a file of its own) ends with the error of
# its cut, or not (some runs' first one, from the trace's start, does
# not); in the file of all, each must end as it does alone, unless the
# next one continues it. The bytes tell a continued snapshot (lib/util/snapshot_overlap.c: its
# last 16 or more bytes start the next one), not the offsets (perf's -S
# files do not give them): in a loop's trace two snapshots with a gap
# between them can meet that by chance, and are then decoded as continued.
want=0 chance=0 k=0 alone=0
read -r -a gapv <<<"$gap"
for e in "${gapv[@]}"; do
	"$B/tests/tools/pd-gen" --snapshots 6000 "$e" "$OUT/one.data" "$OUT/spin.pt" \
		/in/spin "${load[@]}" ||
		{ echo "not ok snapshot_gap_data: pd-gen failed"; exit 1; }
	n=$("$A" script -i "$OUT/one.data" --symfs "$OUT/symfs" --json |
		grep -c '"error":"reached end of trace stream"')
	next=${gapv[k + 1]:-}
	k=$((k + 1))
	[ "$n" -gt 0 ] && alone=$((alone + 1))
	if [ -n "$next" ] && python3 - "$OUT/spin.pt" "$e" "$next" <<'PY'
import sys
pt, a, b = open(sys.argv[1], "rb").read(), int(sys.argv[2]), int(sys.argv[3])
a, b = pt[max(0, a - 6000):a], pt[max(0, b - 6000):b]
sys.exit(0 if any(a[-k:] == b[:k] for k in range(16, min(len(a), len(b)) + 1)) else 1)
PY
	then
		chance=$((chance + 1))
	else
		want=$((want + n))
	fi
done
nerr=$(grep -c '"error":"reached end of trace stream"' "$OUT/gap.json")
if [ "$ngap" -ge 5 ] && [ "$want" -ge 4 ] && [ "$nerr" = "$want" ]; then
	echo "ok snapshot_gap_errors # $nerr cut-packet errors for $ngap snapshots with a gap after each ($alone end with one alone, $chance continued by chance)"
else
	echo "not ok snapshot_gap_errors: $nerr cut-packet errors for $ngap snapshots with a gap after each, want $want ($alone end with one alone, $chance continued by chance)"
fi
