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
# - snapshot_head{8192,7000}_{contiguous,errors}: the same file with
#   offsets as an Intel PT head gives them (an offset in the area): no
#   error where the offsets or a TSC in the overlap tell the next one
#   continues, the cut error where neither does;
# - snapshot_gap_errors: snapshots every third cut of a 6000-byte area, so
#   far apart that each starts after the previous one's end (the trace
#   between them lost): each ends as it does decoded alone, with the error
#   of its cut ("reached end of trace stream") where it cuts a packet,
#   also where the next one's bytes continue it by chance;
# - snapshot_chance_errors, snapshot_chance_contiguous: the same with such
#   chance matches made on purpose (each next snapshot starts where the
#   last 32 bytes of the one before come again, after a gap): the errors
#   of each alone, and no branch decoded twice or out of order;
# - snapshot_auxflags_errors: the chance file with the top two bits set in
#   its PERF_RECORD_AUX flags (a damaged file: the bits auxrec's
#   AUX_CHUNK_F_CONTINUED and _AT_OFFSET take): the same errors, the
#   file's flags tell nothing of a seam.
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

# The same snapshots with the offsets an Intel PT head gives (an offset in
# the area, one area further once wrapped; perf's -S files, and auxrec's
# of intel_pt): where the head passed the area's end between two snapshots
# the next one's offset is one area's size before its place. An area of
# 8192 bytes (a power of two, as the kernel's): the offsets tell every
# seam. One of 7000 (no power of two: a file whose offsets follow no rule
# known) leaves those seams to time: a TSC in the bytes two snapshots
# share tells the next one continues (the spin trace has a PSB+ with its
# TSC about every 4 KB); where none does the seam is taken for a gap, its
# cut reported as a loss (what such a file cannot tell; perf's
# intel_pt_find_overlap_tsc() needs the TSC too). In both nothing may be
# decoded twice or out of order, and the cut-packet errors are exactly at
# the seams neither the offsets nor a TSC tell.
for area in 8192 7000; do
	"$B/tests/tools/pd-gen" --head-offset $area --snapshots 6001 $ends "$OUT/head.data" \
		"$OUT/spin.pt" /in/spin "${load[@]}" ||
		{ echo "not ok snapshot_head_data: pd-gen failed"; exit 1; }
	"$A" script -i "$OUT/head.data" --symfs "$OUT/symfs" --json > "$OUT/head.json" \
		2> "$OUT/head.err" ||
		{ echo "not ok snapshot_head_script: $(head -2 "$OUT/head.err")"; exit 1; }
	"$A" dump -i "$OUT/head.data" --json --no-packets > "$OUT/head.dump" 2>&1
	tests/gt/script-to-gt.py < "$OUT/head.json" > "$OUT/head.got"
	python3 tests/vm/snapshot-flow.py "$OUT/spin.branches" "$OUT/head.got" "$OUT/head.dump" \
		"$size" | grep snapshot_flow_contiguous | sed "s/snapshot_flow_/snapshot_head${area}_/"
	read -r untold wrapped < <(python3 - "$OUT/packets.json" $area $ends <<'PY'
import json, sys
tsc = [p["offset"] for p in map(json.loads, open(sys.argv[1]))
       if p.get("packet") == "tsc" and "offset" in p]
area, ends, size = int(sys.argv[2]), [int(e) for e in sys.argv[3:]], 6001
head = lambda e: e % area + (area if e >= area else 0)
untold = wrapped = 0
for a, b in zip(ends, ends[1:]):
    k = min(b, size) - (b - a)		# bytes the two share
    if head(b) - head(a) == b - a:
        continue			# the offsets are positions here
    wrapped += 1
    if head(b) - head(a) == b - a - area and area & (area - 1) == 0:
        continue			# one area off
    if not any(a - k <= t and t + 8 <= a for t in tsc):
        untold += 1
print(untold, wrapped)
PY
)
	nerr=$(grep -c '"error":"reached end of trace stream"' "$OUT/head.json")
	if [ "$wrapped" -ge 3 ] && [ "$nerr" = "$untold" ]; then
		echo "ok snapshot_head${area}_errors # $nerr cut-packet errors, $wrapped seams where the head passed the area's end"
	else
		echo "not ok snapshot_head${area}_errors: $nerr cut-packet errors, want $untold ($wrapped seams where the head passed the area's end)"
	fi
done

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
# not); in a file of snapshots with a gap after each, each must end as it
# does alone. The bytes alone cannot tell (in a loop's trace one gap in 8
# has the next snapshot start with 16 or more of the previous one's last
# bytes by chance); the offsets and the TSCs can (lib/util/snapshot_overlap.c).
# alone_errors FILE END...: the cut-packet errors of each snapshot alone, summed
alone_errors() {
	local sum=0 n e out=$1
	shift
	for e in "$@"; do
		"$B/tests/tools/pd-gen" --snapshots 6000 "$e" "$out" "$OUT/spin.pt" \
			/in/spin "${load[@]}" || return 1
		n=$("$A" script -i "$out" --symfs "$OUT/symfs" --json |
			grep -c '"error":"reached end of trace stream"')
		sum=$((sum + n))
	done
	echo "$sum"
}
# chance ENDS: how many consecutive snapshots start with the last 16 bytes
# or more of the one before (6000 bytes each, ending at ENDS)
chance() {
	python3 - "$OUT/spin.pt" "$@" <<'PY'
import sys
pt, ends = open(sys.argv[1], "rb").read(), [int(e) for e in sys.argv[2:]]
snaps = [pt[max(0, e - 6000):e] for e in ends]
print(sum(1 for a, b in zip(snaps, snaps[1:])
          if any(a[-k:] == b[:k] for k in range(16, min(len(a), len(b)) + 1))))
PY
}
read -r -a gapv <<<"$gap"
want=$(alone_errors "$OUT/one.data" "${gapv[@]}") ||
	{ echo "not ok snapshot_gap_data: pd-gen failed"; exit 1; }
nchance=$(chance "${gapv[@]}")
nerr=$(grep -c '"error":"reached end of trace stream"' "$OUT/gap.json")
if [ "$ngap" -ge 5 ] && [ "$want" -ge 4 ] && [ "$nerr" = "$want" ]; then
	echo "ok snapshot_gap_errors # $nerr cut-packet errors for $ngap snapshots with a gap after each, as alone ($nchance continued by chance in bytes)"
else
	echo "not ok snapshot_gap_errors: $nerr cut-packet errors for $ngap snapshots with a gap after each, $want alone ($nchance continued by chance in bytes)"
fi

# Chance matches made on purpose: after a snapshot ending 2 bytes into a
# packet at E (more than 6000 bytes after the last snapshot), one that
# starts after E, at the first place where E's last 16 bytes come again
# (the loop's trace) and the snapshot there ends inside a packet too: its
# bytes continue E's snapshot, the trace between them is lost. Each
# snapshot must end as it does alone (the cut error), and no branch may be
# decoded twice or out of order (E's cut packet completed from the wrong
# bytes). A 62 KB trace has room for 2 to 4 such pairs (one suffices).
pairs=$(python3 - "$OUT/spin.pt" "$OUT/packets.json" <<'PY'
import json, sys
pt = open(sys.argv[1], "rb").read()
pk = [json.loads(l) for l in open(sys.argv[2])]
cuts = sorted(p["offset"] + 2 for p in pk
              if "offset" in p and p.get("size", 0) >= 3 and p["packet"] != "psb")
cut_at, out, last = set(cuts), [], 0
for e in cuts:
    if e - 6000 <= last:
        continue			# starting at the last one's end would continue it
    q = pt.find(pt[e - 16:e], e + 1)
    while q >= 0 and q + 6000 not in cut_at:
        q = pt.find(pt[e - 16:e], q + 1)
    if q >= 0:
        out += [e, q + 6000]
        last = q + 6000
print(" ".join(map(str, out)))
PY
)
read -r -a pairv <<<"$pairs"
npair=$(( ${#pairv[@]} / 2 ))
"$B/tests/tools/pd-gen" --snapshots 6000 "${pairv[@]}" "$OUT/chance.data" "$OUT/spin.pt" \
	/in/spin "${load[@]}" ||
	{ echo "not ok snapshot_chance_data: pd-gen failed"; exit 1; }
"$A" script -i "$OUT/chance.data" --symfs "$OUT/symfs" --json > "$OUT/chance.json" 2> "$OUT/chance.err" ||
	{ echo "not ok snapshot_chance_script: $(head -2 "$OUT/chance.err")"; exit 1; }
want=$(alone_errors "$OUT/one.data" "${pairv[@]}") ||
	{ echo "not ok snapshot_chance_data: pd-gen failed"; exit 1; }
nchance=$(chance "${pairv[@]}")
nerr=$(grep -c '"error":"reached end of trace stream"' "$OUT/chance.json")
if [ "$npair" -ge 1 ] && [ "$nchance" -ge "$npair" ] && [ "$nerr" = "$want" ]; then
	echo "ok snapshot_chance_errors # $nerr cut-packet errors for $npair snapshots continued by chance in bytes after a gap, as alone"
else
	echo "not ok snapshot_chance_errors: $nerr cut-packet errors for $npair snapshots continued by chance in bytes after a gap ($nchance such seams), $want alone"
fi
"$A" dump -i "$OUT/chance.data" --json --no-packets > "$OUT/chance.dump" 2>&1
tests/gt/script-to-gt.py < "$OUT/chance.json" > "$OUT/chance.got"
python3 tests/vm/snapshot-flow.py "$OUT/spin.branches" "$OUT/chance.got" "$OUT/chance.dump" "$size" |
	grep snapshot_flow_contiguous | sed 's/snapshot_flow_/snapshot_chance_/'

# the chance file with PERF_RECORD_AUX flags |= bits 63 and 62
python3 - "$OUT/chance.data" "$OUT/auxflags.data" <<'PY' ||
import struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
doff, dsz = struct.unpack_from("<QQ", b, 40)
p, n = doff, 0
while p < doff + dsz:
    t, misc, sz = struct.unpack_from("<IHH", b, p)
    if sz == 0:
        sys.exit(1)
    if t == 11:	# PERF_RECORD_AUX: aux_offset, aux_size, flags
        f = struct.unpack_from("<Q", b, p + 24)[0]
        struct.pack_into("<Q", b, p + 24, f | 0xc000000000000000)
        n += 1
    p += sz + (struct.unpack_from("<Q", b, p + 8)[0] if t == 71 else 0)
open(sys.argv[2], "wb").write(b)
sys.exit(0 if n else 1)
PY
	{ echo "not ok snapshot_auxflags_data: no PERF_RECORD_AUX to change"; exit 1; }
"$A" script -i "$OUT/auxflags.data" --symfs "$OUT/symfs" --json > "$OUT/auxflags.json" 2>&1
nflag=$(grep -c '"error":"reached end of trace stream"' "$OUT/auxflags.json")
if [ "$nflag" = "$want" ]; then
	echo "ok snapshot_auxflags_errors # $nflag cut-packet errors with the AUX flags' top bits set, as alone"
else
	echo "not ok snapshot_auxflags_errors: $nflag cut-packet errors with the AUX flags' top bits set, $want alone"
fi
