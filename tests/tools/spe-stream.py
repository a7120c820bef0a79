#!/usr/bin/env python3
# spe-stream.py - writes a raw ARM SPE stream (the AUX bytes of an arm_spe
# recording) for the tests, and prints the offset of the record boundary
# nearest its middle (pd-gen --spe cuts the stream into two chunks there).
#
#   spe-stream.py random OUT SEED NRECORDS [--dump-only] [--no-context|--context]
#       records with every packet type and field: context, PC, branch
#       target, previous branch, data VA (with tags) and PA, the three
#       latency counters, events of every size, data source, operation
#       types of every class and subclass, timestamps and END, short and
#       extended headers, runs of padding. --dump-only adds what only the
#       packet dump can be compared on (perf's decoder stops at it or
#       prints to stderr): unassigned address and counter indexes, op
#       class 3, and bytes no packet starts with. --no-context: no CONTEXT
#       packets (perf 6.1 stops decoding a per-thread buffer at one);
#       --context: one in every record (as the hardware writes them).
#   spe-stream.py workload OUT DESCRIPTION
#       one record per line of DESCRIPTION: "key=value ..." with keys pc,
#       el, va, pa, op (ld, st, br, other, or a class:payload pair like
#       1:0x04), events (hex), lat, issue, xlat, ds, ctx, tgt, ts (0: the
#       record ends with END), repeat (the line stands for that many
#       records, ts growing by 100 each).
import random
import struct
import sys

SIZE = {1: 0, 2: 1, 4: 2, 8: 3}


def payload(v, n):
    return struct.pack("<Q", v & ((1 << (8 * n)) - 1))[:n]


def addr(idx, v, ext=False):
    if ext or idx > 7:
        return bytes([0x20 | (idx >> 3), 0xb0 | (idx & 7)]) + payload(v, 8)
    return bytes([0xb0 | idx]) + payload(v, 8)


def counter(idx, v, ext=False):
    if ext or idx > 7:
        return bytes([0x20 | (idx >> 3), 0x98 | (idx & 7)]) + payload(v, 2)
    return bytes([0x98 | idx]) + payload(v, 2)


def events(v, n=None):
    if n is None:
        n = 1 if v < 0x100 else 2 if v < 0x10000 else 4
    return bytes([0x42 | SIZE[n] << 4]) + payload(v, n)


def source(v, n=2):
    return bytes([0x43 | SIZE[n] << 4]) + payload(v, n)


def context(v, idx=0):
    return bytes([0x64 | idx]) + payload(v, 4)


def op_type(cls, v):
    return bytes([0x48 | cls, v & 0xff])


def timestamp(v):
    return bytes([0x71]) + payload(v, 8)


END = bytes([0x01])


def ip_payload(a, el, ns):
    return (a & ((1 << 56) - 1)) | el << 61 | ns << 63


def random_record(r, ts, dump_only, ctx):
    out = b""
    ext = lambda: r.random() < 0.2
    if ctx and r.random() < ctx:
        out += context(r.randrange(1, 1 << 32), r.randrange(2))
    if r.random() < 0.95:
        el = r.randrange(4)
        a = r.randrange(0x400000, 0x500000) if el == 0 else r.randrange(1 << 48)
        out += addr(0, ip_payload(a, el, r.randrange(2)), ext())
    cls = r.choice([0, 1, 1, 1, 2] + ([3] if dump_only else []))
    sub = {0: r.choice([0x00, 0x01, 0x08, 0x0a, 0x1e, 0x7c]),
           1: r.choice([0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x10, 0x11, 0x30, 0x31,
                        0x06, 0x0e, 0x1a, 0x1f, 0x08, 0x0c, 0x88, 0x8c, 0x7d, 0xfe]),
           2: r.choice([0x00, 0x01, 0x02, 0x03, 0x04]),
           3: r.randrange(256)}[cls]
    out += op_type(cls, sub)
    out += events(r.getrandbits(19) & r.choice([0xff, 0xfff, 0x7ffff]),
                  r.choice([None, None, 4, 8]) if r.random() < 0.5 else None)
    if r.random() < 0.9:
        out += counter(0, r.randrange(1 << 16), ext())
    if r.random() < 0.7:
        out += counter(1, r.randrange(1 << 16), ext())
    if cls == 1:
        tag = r.randrange(256) if r.random() < 0.3 else 0
        va = r.choice([r.randrange(0x600000, 0x700000),	# user, kernel, anything
                       (0xf0 << 48) | r.randrange(1 << 44), r.randrange(1 << 56)])
        out += addr(2, (va & ((1 << 56) - 1)) | tag << 56, ext())
        if r.random() < 0.7:
            out += counter(2, r.randrange(1 << 16), ext())
        if r.random() < 0.6:
            out += addr(3, r.randrange(1 << 48) | r.randrange(2) << 63 |
                        r.randrange(2) << 62 | r.randrange(16) << 56, ext())
        out += source(r.randrange(16), r.choice([1, 2, 2, 4, 8]))
    if cls == 2 or r.random() < 0.1:
        out += addr(1, ip_payload(r.randrange(0x400000, 0x500000), r.randrange(4),
                                  r.randrange(2)), ext())
    if r.random() < 0.1:
        out += addr(4, ip_payload(r.randrange(0x400000, 0x500000), 0, 1), ext())
    if dump_only and r.random() < 0.1:
        out += addr(r.randrange(5, 32), r.getrandbits(64))
    if dump_only and r.random() < 0.1:
        out += counter(r.randrange(3, 32), r.randrange(1 << 16))
    if dump_only and r.random() < 0.05:
        out += bytes([r.choice([0x02, 0x05, 0x11, 0x80, 0xff])])
    if r.random() < 0.15:
        out += bytes(r.randrange(1, 40))
    if r.random() < 0.1:
        return out + END
    return out + timestamp(ts)


def random_stream(seed, n, dump_only, ctx):
    r = random.Random(seed)
    recs, ts = [], 1000
    for _ in range(n):
        ts += r.randrange(1, 5000)
        recs.append(random_record(r, ts, dump_only, ctx))
    return recs


OPS = {"ld": (1, 0x00), "st": (1, 0x01), "br": (2, 0x00), "other": (0, 0x00)}


def described_record(kv, ts):
    out = b""
    if "ctx" in kv:
        out += context(int(kv["ctx"], 0))
    out += addr(0, ip_payload(int(kv["pc"], 0), int(kv.get("el", "0")), 1))
    op = kv.get("op", "ld")
    cls, sub = OPS[op] if op in OPS else [int(x, 0) for x in op.split(":")]
    out += op_type(cls, sub)
    out += events(int(kv.get("events", "0x2"), 16))
    for i, k in enumerate(("lat", "issue")):
        if k in kv:
            out += counter(i, int(kv[k], 0))
    if "va" in kv:
        out += addr(2, int(kv["va"], 0))
    if "xlat" in kv:
        out += counter(2, int(kv["xlat"], 0))
    if "pa" in kv:
        out += addr(3, int(kv["pa"], 0) | 1 << 63)
    if "ds" in kv:
        out += source(int(kv["ds"], 0))
    if "tgt" in kv:
        out += addr(1, ip_payload(int(kv["tgt"], 0), int(kv.get("el", "0")), 1))
    return out + (timestamp(ts) if ts else END)


def workload_stream(path):
    recs, ts = [], 1000
    for line in open(path):
        kv = dict(t.split("=", 1) for t in line.split())
        if not kv:
            continue
        for _ in range(int(kv.get("repeat", "1"))):
            ts += 100
            recs.append(described_record(kv, ts if kv.get("ts", "1") != "0" else 0))
    return recs


def main():
    if len(sys.argv) >= 5 and sys.argv[1] == "random":
        recs = random_stream(int(sys.argv[3]), int(sys.argv[4]), "--dump-only" in sys.argv,
                             0 if "--no-context" in sys.argv else
                             1 if "--context" in sys.argv else 0.5)
    elif len(sys.argv) == 4 and sys.argv[1] == "workload":
        recs = workload_stream(sys.argv[3])
    else:
        sys.exit("usage: spe-stream.py random OUT SEED NRECORDS [--dump-only] [--no-context|--context] | "
                 "workload OUT DESCRIPTION")
    with open(sys.argv[2], "wb") as f:
        half = 0
        for i, rec in enumerate(recs):
            if i == len(recs) // 2:
                half = f.tell()
            f.write(rec)
    print(half)


main()
