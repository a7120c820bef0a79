#!/usr/bin/env python3
# spe_perf_script.py - compares `auxrec script --json --itrace=i` of an
# ARM SPE recording (one mem_sample per record) with Debian perf's
#   perf script --itrace=LETTERS --ns -F comm,tid,pid,cpu,time,event,ip,addr,
#       phys_addr,data_src,weight,sym,dso,period
# of the same file (one sample per record and class), sample for sample:
# each auxrec record is expanded into the samples perf 6.1 makes of it
# (tools/perf/util/arm-spe.c, arm_spe_sample(): l1d-miss, l1d-access,
# llc-miss, llc-access, tlb-miss, tlb-access, branch-miss, remote-access,
# memory, instructions, as LETTERS select them), and each compared on the
# fields both print: tid, time, event, ip, data address (the branch
# target for branch-miss), physical address, data source, weight (the
# total latency), symbol and dso of the ip. Prints nothing when they
# agree, else the first difference; "samples N" on fd 3 if open.
# With SELECTED (`auxrec script --json --itrace=LETTERS`), also checks
# that auxrec selected the records of AUXREC.json that LETTERS select by
# auxrec's rule: a class letter, M a load or store, i every record.
# With SPE_COMPARE_NO_TIME=1 in the environment, time, symbol and dso
# are left out: for streams whose timestamps are not the recording
# machine's clock (perf then places the samples outside the recording,
# where the process and its maps are gone).
#   spe_perf_script.py LETTERS AUXREC.json PERF.txt [SELECTED.json]
import json
import os
import sys

CLASSES = [("f", "l1d_miss"), ("f", "l1d_access"), ("m", "llc_miss"), ("m", "llc_access"),
           ("t", "tlb_miss"), ("t", "tlb_access"), ("b", "branch_miss"),
           ("a", "remote_access")]


def h(e, k):
    return int(e.get(k, "0x0"), 16)


def perf_sve_other_ds(e):
    """perf 6.1 takes an SVE "other" operation for a load (its
    ARM_SPE_OP_SVE_OTHER and ARM_SPE_OP_LD are the same bit) and gives it
    the generic data source of a load; auxrec calls it "other", with none"""
    c, lvl = e["classes"], 0
    if "llc_access" in c or "llc_miss" in c:
        lvl = 0x40 | (4 if "llc_miss" in c else 2)
    elif "l1d_access" in c or "l1d_miss" in c:
        lvl = 0x08 | (4 if "l1d_miss" in c else 2)
    ds = 0x02 | lvl << 5 | (1 << 37 if "remote_access" in c else 0)
    if "tlb_access" in c or "tlb_miss" in c:
        ds |= (0x20 | (4 if "tlb_miss" in c else 2)) << 26
    return ds


def expand(letters, e):
    base = (e["tid"], e.get("time", 0), h(e, "from"), e.get("total_latency", 0),
            e.get("from_sym") or "[unknown]", e.get("from_dso", "[unknown]"))
    if e["op"] == "other" and e["op_raw"] & 0x89 == 0x08:
        e["data_src"] = hex(perf_sve_other_ds(e))
    mem = (h(e, "vaddr"), h(e, "paddr"), h(e, "data_src"))
    out = []
    for letter, cls in CLASSES:
        if letter in letters and cls in e["classes"]:
            if cls == "branch_miss":
                out.append((cls.replace("_", "-"),) + base + (h(e, "to"), 0, 0))
            else:
                out.append((cls.replace("_", "-"),) + base + mem)
    if "M" in letters and h(e, "data_src"):
        out.append(("memory",) + base + mem)
    if "i" in letters:
        out.append(("instructions",) + base + mem)
    return out


def perf_sample(line):
    # comm pid/tid [cpu] time: period event: addr data_src |...| BLK N/A weight
    # ip sym (dso) phys_addr
    head, tail = line.split("|", 1)[0].split(), line.rsplit("|", 1)[1].split()
    sec, ns = head[-5].rstrip(":").split(".")
    return (head[-3].rstrip(":"), int(head[-7].split("/")[1]), int(sec) * 1000000000 + int(ns),
            int(tail[-4], 16), int(tail[-5]), tail[-3], tail[-2][1:-1],
            int(head[-2], 16), int(tail[-1], 16), int(head[-1], 16))


def selected(letters, e):
    return ("i" in letters or ("M" in letters and e["op"] in ("load", "store")) or
            any(letter in letters and cls in e["classes"] for letter, cls in CLASSES))


def check_selection(letters, every, path):
    want = [line for line in every if selected(letters, json.loads(line))]
    got = [line for line in open(path) if '"mem_sample"' in line]
    if want != got:
        print("--itrace=%s selected %d records, by its rule %d" % (letters, len(got), len(want)))
        return False
    return True


def main():
    letters = sys.argv[1]
    want = []
    every = [line for line in open(sys.argv[2]) if '"mem_sample"' in line]
    if len(sys.argv) > 4 and not check_selection(letters, every, sys.argv[4]):
        return
    for line in every:
        want += expand(letters, json.loads(line))
    got = [perf_sample(line) for line in open(sys.argv[3]) if "|" in line]
    if os.environ.get("SPE_COMPARE_NO_TIME") == "1":
        cut = lambda v: [x[:2] + x[3:5] + x[7:] for x in v]
        want, got = cut(want), cut(got)
    for i in range(max(len(want), len(got))):
        w = want[i] if i < len(want) else None
        g = got[i] if i < len(got) else None
        if w != g:
            print("sample %d of %d (perf %d): auxrec %s, perf %s" % (i, len(want), len(got), w, g))
            return
    try:
        with open(3, "w") as f:
            f.write("samples %d\n" % len(want))
    except OSError:
        pass


main()
