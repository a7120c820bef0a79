#!/usr/bin/env python3
# script-to-gt.py < SCRIPT.json: `auxrec script --json` events as the
# gt_format.h lines the ground-truth tools print ("kind from to
# insn_count"), for comparing auxrec script with gt-record and gt-ipt.
import json
import sys

for line in sys.stdin:
    e = json.loads(line)
    t = e["type"]
    if t == "trace_begin":
        name = "tr_strt"
    elif t == "trace_end":
        name = "tr_end" + ("/" + e["kind"] if e.get("kind") else "")
    elif t == "branch":
        name = e["kind"]
    else:
        name = t
    f = int(e["from"], 16)
    to = int(e["to"], 16)
    print("%s %s %s %d" % (name, hex(f) if f else "0", hex(to) if to else "0", e["insn_count"]))
