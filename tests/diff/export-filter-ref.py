#!/usr/bin/env python3
# export-filter-ref.py - the reference of tests/diff/t-export-filter.sh:
# what `auxrec export` with a selection (--pid, --tid, -C, --comm, --time)
# writes, computed from the unselected export and `auxrec script --json`.
#
#   picks SCRIPT OUT   the selections to check for a recording, from its
#                      events (SCRIPT: script --json --jobs 1), as lines
#                      "NAME<TAB>OPTIONS" in OUT
#   check DIR          DIR holds all.json and all.folded (the unselected
#                      export), all.script (SCRIPT), picks (OUT above) and
#                      NAME.json, the Chrome export of each pick, and
#                      parts-*.folded, the folded exports of disjoint
#                      selections that cover the trace, a set per
#                      parts-SET-N.folded. Checks:
#   - NAME.json holds the slices of all.json cut to the selection: per
#     thread selected, its spans (from an event on a selected CPU to its
#     last there before one on another, on its clock: the latest time so
#     far) cut to the time; a piece of each slice in each span it meets,
#     flagged began_before_trace / open_at_trace_end where cut. A piece of
#     no length at a CPU span's end may be there or not (the times do not
#     tell whether its slice was live in the span). Its instants are those
#     of all.json in the selection (but for -C and --comm: a subset);
#   - each set of parts counts, together, per stack, the instructions
#     all.folded counts.
# Exit 0 when all agree, else 1 with a line per difference.
import collections
import decimal
import functools
import glob
import json
import os
import sys


@functools.lru_cache(maxsize=2)
def events(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def seconds(ns):
    return "%d.%09d" % (ns // 1000000000, ns % 1000000000)


def picks(script, out):
    evs = events(script)
    if not evs:
        open(out, "w").close()
        return
    pids = collections.Counter(e["pid"] for e in evs if e.get("pid", -1) >= 0)
    tids = collections.Counter(e["tid"] for e in evs if e.get("tid", -1) >= 0)
    cpus = sorted({e["cpu"] for e in evs if e.get("cpu", -1) >= 0})
    times = sorted({e["time"] for e in evs if e.get("time")})
    lines = []
    if pids:
        lines.append(("pid", "--pid %d" % pids.most_common(1)[0][0]))
    if tids:
        tid = tids.most_common(1)[0][0]
        lines.append(("tid", "--tid %d" % tid))
        comm = next((e["comm"] for e in evs if e.get("tid") == tid and e.get("comm")), None)
        if comm and "," not in comm and " " not in comm:
            lines.append(("comm", "--comm %s" % comm))
    for c in cpus:
        lines.append(("cpu%d" % c, "-C %d" % c))
    if not cpus:
        lines.append(("cpu-none", "-C 0"))
    if len(times) >= 3:
        # a window over the middle third, its ends at no event's time
        taken = set(times)
        s = times[len(times) // 3] + 1
        e = times[2 * len(times) // 3] + 1
        while s in taken:
            s += 1
        while e in taken:
            e += 1
        if s <= e:
            lines.append(("time", "--time %s,%s" % (seconds(s), seconds(e))))
            lines.append(("time-from", "--time %s," % seconds(s)))
            lines.append(("time-to", "--time ,%s" % seconds(e)))
            if pids:
                lines.append(("pid-time", "--pid %d --time %s,%s" %
                              (pids.most_common(1)[0][0], seconds(s), seconds(e))))
            if len(cpus) > 1:
                lines.append(("cpu-time", "-C %d --time %s,%s" % (cpus[-1], seconds(s),
                                                               seconds(e))))
    lines.append(("none", "--pid 999999"))
    with open(out, "w") as f:
        for name, opts in lines:
            f.write("%s\t%s\n" % (name, opts))


def parse_ns(s):
    sec, _, frac = s.partition(".")
    return int(sec) * 1000000000 + int((frac + "000000000")[:9])


def parse_opts(argv):
    sel = {"pid": None, "tid": None, "cpu": None, "comm": None, "time": None}
    i = 0
    while i < len(argv):
        o, v = argv[i], argv[i + 1]
        i += 2
        if o in ("--pid", "--tid"):
            sel[o[2:]] = {int(x) for x in v.split(",")}
        elif o == "-C":
            sel["cpu"] = {int(x) for x in v.split(",")}
        elif o == "--comm":
            sel["comm"] = set(v.split(","))
        elif o == "--time":
            s, _, e = v.partition(",")
            sel["time"] = (parse_ns(s) if s else 0, parse_ns(e) if e else 2**64 - 1)
        else:
            sys.exit("export-filter-ref: unknown option " + o)
    return sel


def ns(v):
    """A Chrome JSON time (microseconds, three decimals) in ns."""
    return int(v * 1000)


@functools.lru_cache(maxsize=2)
def chrome_slices(path):
    with open(path) as f:
        doc = json.load(f, parse_float=decimal.Decimal)
    comms = {}
    slices = []
    for e in doc["traceEvents"]:
        if e.get("ph") == "M" and e.get("name") == "thread_name":
            comms[e["tid"]] = e["args"]["name"]
        elif e.get("ph") == "X":
            flags = tuple(sorted(e.get("args", {})))
            slices.append((e["pid"], e["tid"], e["name"], ns(e["ts"]), ns(e["ts"]) + ns(e["dur"]),
                           flags))
    return doc, comms, slices


def spans_of(script, sel):
    """Per tid its spans on the selected CPUs, on its clock (None: no -C)."""
    if sel["cpu"] is None:
        return None
    spans = collections.defaultdict(list)
    clock = {}
    inside = {}
    for e in events(script):
        tid = e.get("tid", -1)
        t = max(e.get("time", 0), clock.get(tid, 0))
        clock[tid] = t
        if e.get("cpu", -1) in sel["cpu"]:
            if inside.get(tid):
                spans[tid][-1][1] = t
            else:
                spans[tid].append([t, t])
            inside[tid] = True
        else:
            inside[tid] = False
    return spans


def piece_flags(flags, cut_start, cut_end):
    f = set(flags) - {"began_before_trace", "open_at_trace_end", "cut_by_lost_trace"}
    if cut_start or "began_before_trace" in flags:
        f.add("began_before_trace")
    if cut_end:
        f.add("open_at_trace_end")
    else:
        f |= set(flags) & {"open_at_trace_end", "cut_by_lost_trace"}
    return tuple(sorted(f))


def chrome(all_path, script, got_path, argv):
    sel = parse_opts(argv)
    adoc, comms, slices = chrome_slices(all_path)
    gdoc, _, got = chrome_slices(got_path)
    spans = spans_of(script, sel)
    lo, hi = sel["time"] or (0, 2**64 - 1)
    need = collections.Counter()
    maybe = collections.Counter()
    for pid, tid, name, s, e, flags in slices:
        if (sel["pid"] is not None and pid not in sel["pid"]) or \
           (sel["tid"] is not None and tid not in sel["tid"]) or \
           (sel["comm"] is not None and comms.get(tid) not in sel["comm"]):
            continue
        for a0, b0 in (spans.get(tid, []) if spans is not None else [(0, 2**64 - 1)]):
            a, b = max(a0, lo), min(b0, hi)
            ps, pe = max(s, a), min(e, b)
            if a > b or ps > pe:
                continue
            key = (pid, tid, name, ps, pe, piece_flags(flags, ps > s, pe < e))
            if ps == pe and spans is not None and (ps == a0 or ps == b0):
                maybe[key] += 1
            else:
                need[key] += 1
    gotc = collections.Counter((p, t, n, s, e, f) for p, t, n, s, e, f in got)
    bad = []
    for k in set(need) | set(gotc) | set(maybe):
        if not need[k] <= gotc[k] <= need[k] + maybe[k]:
            bad.append("%s: export %d, reference %d (+%d may be)" % (k, gotc[k], need[k],
                                                                     maybe[k]))
    # the tracepoint instants: those of the selection (-C: not told by their JSON)
    def instants(doc):
        return collections.Counter((e["pid"], e["tid"], e["name"], ns(e["ts"]))
                                   for e in doc["traceEvents"] if e.get("ph") == "i")
    want_i = collections.Counter({k: n for k, n in instants(adoc).items()
                                  if (sel["pid"] is None or k[0] in sel["pid"]) and
                                  (sel["tid"] is None or k[1] in sel["tid"]) and
                                  lo <= k[3] <= hi})
    got_i = instants(gdoc)
    if (sel["cpu"] is None and sel["comm"] is None and want_i != got_i) or \
       not set(got_i) <= set(want_i):
        bad.append("instants: export %d, reference %d" % (sum(got_i.values()),
                                                          sum(want_i.values())))
    if bad:
        return "%d slices differ (of %d in the reference), e.g. %s" % \
            (len(bad), sum(need.values()), "; ".join(sorted(bad)[:3]))
    return None


def folded_counts(path):
    c = collections.Counter()
    with open(path) as f:
        for line in f:
            stack, _, n = line.rstrip("\n").rpartition(" ")
            c[stack] += int(n)
    return c


def folded(all_path, parts):
    want = folded_counts(all_path)
    got = collections.Counter()
    for p in parts:
        got.update(folded_counts(p))
    if want != got:
        diff = [k for k in set(want) | set(got) if want[k] != got[k]]
        return "%d stacks count otherwise, e.g. %s: %d, the parts %d" % \
            (len(diff), diff[0][:120], want[diff[0]], got[diff[0]])
    return None


def check(d):
    bad = 0
    with open(os.path.join(d, "picks")) as f:
        picked = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    for name, opts in picked:
        why = chrome(os.path.join(d, "all.json"), os.path.join(d, "all.script"),
                     os.path.join(d, name + ".json"), opts.split())
        if why:
            print("%s: %s" % (opts, why))
            bad = 1
    sets = collections.defaultdict(list)
    for p in sorted(glob.glob(os.path.join(d, "parts-*.folded"))):
        sets[os.path.basename(p).split("-")[1]].append(p)
    for name, parts in sorted(sets.items()):
        why = folded(os.path.join(d, "all.folded"), parts)
        if why:
            print("folded %s: %s" % (name, why))
            bad = 1
    return bad


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "picks":
        picks(sys.argv[2], sys.argv[3])
        return 0
    if len(sys.argv) == 3 and sys.argv[1] == "check":
        return check(sys.argv[2])
    sys.exit("usage: export-filter-ref.py picks SCRIPT OUT | check DIR")


if __name__ == "__main__":
    sys.exit(main())
