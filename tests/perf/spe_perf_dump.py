#!/usr/bin/env python3
# spe_perf_dump.py - compares `auxrec dump --json` of an ARM SPE recording
# with Debian perf's `perf report -D` of the same file, packet for packet:
# each chunk's packets at the same offsets, of the same sizes, and each
# auxrec packet's fields written as perf 6.1 writes its description
# (tools/perf/util/arm-spe-decoder/arm-spe-pkt-decoder.c). Prints nothing
# when they agree, else the first difference; "packets N" on fd 3 if open.
#   spe_perf_dump.py AUXREC-DUMP.json PERF-REPORT-D.txt
import json
import re
import sys

EVENTS = [(0, "EXCEPTION-GEN"), (1, "RETIRED"), (2, "L1D-ACCESS"), (3, "L1D-REFILL"),
          (4, "TLB-ACCESS"), (5, "TLB-REFILL"), (6, "NOT-TAKEN"), (7, "MISPRED"),
          (8, "LLC-ACCESS"), (9, "LLC-REFILL"), (10, "REMOTE-ACCESS"), (11, "ALIGNMENT"),
          (17, "SVE-PARTIAL-PRED"), (18, "SVE-EMPTY-PRED")]
LDST_SUB = {0x04: " SIMD-FP", 0x00: " GP-REG", 0x10: " UNSPEC-REG", 0x30: " NV-SYSREG"}


def h(p, k):
    return int(p[k], 16)


def op_desc(cls, v):
    evl = " EVLEN %d" % (32 << ((v >> 4) & 7))
    if cls == 0:
        if v & 0x89 == 0x08:
            return "SVE-OTHER" + evl + (" FP" if v & 2 else "") + (" PRED" if v & 4 else "")
        return "OTHER " + ("COND-SELECT" if v & 1 else "INSN-OTHER")
    if cls == 1:
        s = "ST" if v & 1 else "LD"
        if v & 0xe2 == 0x02:
            s += (" AT" if v & 4 else "") + (" EXCL" if v & 8 else "") + (" AR" if v & 0x10 else "")
        s += LDST_SUB.get(v & 0xfe, "")
        if v & 0x0a == 0x08:
            s += evl + (" PRED" if v & 4 else "") + (" SG" if v & 0x80 else "")
        return s
    if cls == 2:
        return "B" + (" COND" if v & 1 else "") + (" IND" if v & 0xfe == 0x02 else "")
    return "OP-TYPE 0x%x (%d)" % (v, cls)


def perf_desc(p):
    t = p["packet"]
    if t in ("pad", "end"):
        return t.upper()
    if t == "timestamp":
        return "TS %d" % p["timestamp"]
    if t in ("address.pc", "address.target"):
        return "%s 0x%x el%d ns=%d" % ("PC" if t == "address.pc" else "TGT", h(p, "addr"),
                                       p["el"], p["ns"])
    if t == "address.prev_branch":	# perf 6.1 knows no index 4: its raw form
        return "ADDR 0x%x (4)" % (h(p, "addr") | p["el"] << 61 | p["ns"] << 63)
    if t == "address.va":
        return "VA 0x%x" % (h(p, "addr") | h(p, "tag") << 56)
    if t == "address.pa":
        return "PA 0x%x ns=%d ch=%d pat=%x" % (h(p, "addr"), p["ns"], p["ch"], h(p, "pat"))
    if t == "address":
        return "ADDR 0x%x (%d)" % (h(p, "payload"), p["index"])
    if t.startswith("counter"):	# perf shows 16 bits of the count
        name = {"counter.total": " TOT", "counter.issue": " ISSUE", "counter.xlat": " XLAT"}
        return "LAT %d%s" % (p["count"] & 0xffff, name.get(t, ""))
    if t == "context":
        return "CONTEXT 0x%x el%d" % (h(p, "id"), p["el"])
    if t.startswith("op_type"):
        cls = {"op_type.other": 0, "op_type.ldst": 1, "op_type.branch": 2}.get(t, p.get("class"))
        return op_desc(cls, h(p, "payload"))
    if t == "events":
        v = h(p, "events")
        return "EV" + "".join(" " + n for b, n in EVENTS if v >> b & 1)
    if t == "data_source":
        return "DATA-SOURCE %d" % p["source"]
    return "unknown packet " + t


def auxrec_chunks(path):
    chunks, base = [], 0
    for line in open(path):
        o = json.loads(line)
        if o.get("record") == "auxtrace":
            base = o["offset"] + 48
            chunks.append([])
        elif "packet" in o:
            chunks[-1].append((o["offset"] - base, o["size"], perf_desc(o)))
        elif "error" in o and "offset" in o and chunks:
            chunks[-1].append((o["offset"] - base, 1, "Bad packet!"))
    return chunks


def perf_chunks(path):
    chunks = []
    pkt = re.compile(r"^\.  ([0-9a-f]{8}):  ((?:[0-9a-f]{2} )*[0-9a-f]{2})\s+(.*?)\s*$")
    for line in open(path, errors="replace"):
        if line.startswith(". ... ARM SPE data:"):
            chunks.append([])
            continue
        m = pkt.match(line)
        if m and chunks:
            chunks[-1].append((int(m.group(1), 16), len(m.group(2).split()), m.group(3)))
    return chunks


def main():
    a, p = auxrec_chunks(sys.argv[1]), perf_chunks(sys.argv[2])
    if len(a) != len(p):
        print("%d chunks, perf %d" % (len(a), len(p)))
        return
    n = 0
    for c, (ac, pc) in enumerate(zip(a, p)):
        for i in range(max(len(ac), len(pc))):
            x = ac[i] if i < len(ac) else None
            y = pc[i] if i < len(pc) else None
            if x != y:
                print("chunk %d packet %d: auxrec %s, perf %s" % (c, i, x, y))
                return
        n += len(ac)
    try:
        with open(3, "w") as f:
            f.write("packets %d\n" % n)
    except OSError:
        pass


main()
