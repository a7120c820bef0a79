#!/usr/bin/env python3
# snapshot-flow.py TRUE.branches GOT.branches DUMP.jsonl STREAM_BYTES: the
# events auxrec script decoded from a snapshot-mode recording of a replayed
# ground-truth stream, against the true flow (gt_format.h lines "kind from
# to insn_count"). Runs are maximal stretches between trace begins and
# errors (where a snapshot starts, or ends in a cut packet); each must be
# one contiguous run of the true flow (kind, from, to; instruction counts
# too, but for a run's first event, counted from where decoding synced),
# runs in order and disjoint: nothing decoded twice. Prints ok/not ok lines.
import json
import sys

true = [l.split() for l in open(sys.argv[1])]
got = [l.split() for l in open(sys.argv[2])]
stream_bytes = int(sys.argv[4])
chunks = []
for line in open(sys.argv[3]):
    try:
        r = json.loads(line)
    except ValueError:
        continue
    if r.get("record") == "auxtrace":
        chunks.append((r["aux_offset"], r["aux_size"]))

runs, cur = [], []
for e in got:
    if e[0] in ("tr_strt", "error"):
        if cur:
            runs.append(cur)
        cur = []
        continue
    cur.append(e)
if cur:
    runs.append(cur)

index = {}
for i, e in enumerate(true):
    index.setdefault((e[0], e[1], e[2]), []).append(i)

fails = []
last_end = -1
covered = 0
for n, run in enumerate(runs):
    key = (run[0][0], run[0][1], run[0][2])
    place = None
    for i in index.get(key, []):
        if i <= last_end or i + len(run) > len(true):
            continue
        if all(true[i + j][:3] == run[j][:3] and (j == 0 or true[i + j][3] == run[j][3])
               for j in range(len(run))):
            place = i
            break
    if place is None:
        fails.append("run %d (%d events from %s) is not a contiguous run of the true flow after event %d"
                     % (n, len(run), " ".join(run[0]), last_end))
        break
    last_end = place + len(run) - 1
    covered += len(run)

# overlapping snapshots were taken: consecutive chunks share AUX offsets
overlap = sum(max(0, chunks[i - 1][0] + chunks[i - 1][1] - chunks[i][0]) for i in range(1, len(chunks)))
print("# true events %d, decoded %d in %d runs, %d snapshots of %d stream bytes, %d bytes overlapping"
      % (len(true), len(got), len(runs), len(chunks), stream_bytes, overlap))
if fails:
    print("not ok snapshot_flow_contiguous: " + fails[0])
elif len(runs) < 2 or covered < len(true) // 4:
    print("not ok snapshot_flow_contiguous: only %d runs, %d events" % (len(runs), covered))
else:
    print("ok snapshot_flow_contiguous # %d runs, %d events, in order, none twice" % (len(runs), covered))
print("ok snapshot_flow_overlap_taken # %d bytes" % overlap if overlap > 0 else
      "not ok snapshot_flow_overlap_taken: no two snapshots overlapped")
