#!/bin/bash
# Recording benchmark: auxrec record vs Debian's perf record on the kernel's
# real AUX path, side by side in ONE QEMU TCG guest (tests/vm/run --perf,
# auxtest module loaded as name=intel_pt so perf maps an AUX area).
# For each emission rate per CPU (BENCH_RECORD_RATES, MiB/s, default
# "1 4 16 32 64") and AUX size (BENCH_RECORD_SIZES, default "4M 64K"; data
# ring 256K), both tools record `-e intel_pt// -a -m 256K,AUX` over a
# `sleep 2` workload (BENCH_RECORD_SECS), alternating which goes first.
# Ground truth per run from the module (reset before each run), read by
# the workload when its sleep ends, so that the loss is the loss while the
# workload ran: emitted, dropped (bytes that did not fit) plus off_dropped
# and off_pending (the bytes the emitter would have made while the kernel
# kept an event off after a TRUNCATED end: 6.1 disables the event, perf
# never enables it again, auxrec does; without this a recorder that leaves
# the PMU off looked lossless); loss % = dropped / (emitted + dropped).
# (Counted until the recorder exited, an event the recorder itself disabled
# at the end right after a truncated tick was "off" until its close, which
# charged the teardown to whichever tool closed later.) The file must hold
# every byte emitted until the recorder exited (=emit). AUX bytes in
# the file: `auxrec dump --stats --no-packets` in the guest (for both files).
# CPU: the recorder's scheduler runtime over the workload's lifetime, i.e.
# the drain loop only (perf's start-up and its exit processing excluded, as
# auxrec's): sum over ALL the recorder's threads of /proc/<recorder>/task/*/
# schedstat field 1 (ns), read by the workload at start and end. Chosen over
# utime+stime because it has ns, not 10 ms, resolution (the two agree within
# a tick when compared) and counts every thread (perf 6.1 records with one
# thread by default; --threads is off). This kernel has no
# CONFIG_IRQ_TIME_ACCOUNTING, so the module's hrtimer emission is billed to
# whatever task it interrupts: a recorder busy X% of the time absorbed ~X%
# of its CPU's emitter time, which real trace hardware does not cost. The
# module measures that time (charged_ns for charge_pid = the recorder, set
# by the workload) and loopCPU is the scheduler's figure minus it (emitCPU
# column); the same correction for both tools. utime+stime (ticks, not
# corrected) and the whole process (busybox time, incl. startup, perf run
# with -B) are shown too. cpu/MiB = loopCPU per MiB in the file.
# BENCH_RECORD_REPS (default 1): repetitions; verdicts use the sums over them.
# BENCH_RECORD_OLD=PATH: an older auxrec binary recorded in the same run as
# tool "auxold" (before/after under the same host load); it gets no verdict,
# one comparison line per rate+size.
# Guest CPU: -cpu max without ERMS/FSRM (BENCH_RECORD_CPU_FLAGS, default
# "-erms,-fsrm"). With ERMS the kernel copies and clears pages with
# `rep movsb`/`stosb`, which QEMU 7.2's TCG emulates one byte per
# iteration: dd from /dev/zero to a new tmpfs file cost 0.017-0.020 s/MiB,
# 3x the 0.0058 without ERMS (rep movsq and unrolled loops), an artifact
# real hardware does not have that made every recorder look copy-bound.
# Floor: the same dd (64 MiB to a new /tmp file, CPU s per MiB, the second
# of two) runs in the guest first and is printed for scale: what writing
# each byte to /tmp once through the page cache costs (dd also clears its
# buffer from /dev/zero, 0.0015 s/MiB, which a recorder does not).
# Verdict per rate (targets): no loss wherever perf has none; where perf
# loses, less loss and at most half of perf's CPU per MiB.
# Prints a table, one JSON line per run, and per rate+size a verdict line
# (PASS/FAIL with the reasons; "CPU-bound" when both recorders ran >= 85% of
# the window, where cpu/MiB is the guest's copy cost, not the drain loop's)
# and the same as a JSON line {"bench": "record_verdict", ...}; then the
# overall verdict, as text and JSON.
cd "$(dirname "$0")/../.." || exit 1
command -v qemu-system-x86_64 >/dev/null || { echo "bench-record: no qemu" >&2; exit 77; }
make -s all guest-bin >/dev/null || exit 1
out=build/bench/record
rm -rf "$out"; mkdir -p "$out"
rates=${BENCH_RECORD_RATES:-"1 4 16 32 64"}
sizes=${BENCH_RECORD_SIZES:-"4M 64K"}
secs=${BENCH_RECORD_SECS:-2}
reps=${BENCH_RECORD_REPS:-1}
cpu_flags=${BENCH_RECORD_CPU_FLAGS--erms,-fsrm}
tools="auxrec perf" ins=()
if [ -n "$BENCH_RECORD_OLD" ]; then
	cp "$BENCH_RECORD_OLD" "$out/auxrec-old" || exit 1
	tools="auxrec auxold perf" ins=(--in "$out/auxrec-old")
fi
ntools=$(echo $tools | wc -w)
if ! tests/vm/run --perf --cpu-flags "$cpu_flags" --mem 2048 --module-arg name=intel_pt --timeout $((450 * ntools * reps)) \
	--in tests/bench/guest-bench-record.sh "${ins[@]}" --out "$out" \
	-- "RATES='$rates' SIZES='$sizes' SECS=$secs REPS=$reps TOOLS='$tools' sh /in/guest-bench-record.sh" > "$out/console" 2>&1; then
	echo "bench-record: guest run failed:" >&2; tail -20 "$out/console" >&2; exit 1
fi
[ -s "$out/console" ] && cat "$out/console"
exec python3 - "$out/rows" "$secs" <<'PY'
import json, sys
rows, hz = [], 100
secs = float(sys.argv[2])
for line in open(sys.argv[1]):
    f = line.split()
    if f[0] == "HZ":
        hz = int(f[1]); continue
    if f[0] == "FLOOR":
        floor = round((float(f[2]) + float(f[3])) / int(f[1]), 4)
        print("floor: dd of %s MiB from /dev/zero to a new tmpfs file: %.4f s CPU per MiB" % (f[1], floor))
        print(json.dumps(dict(bench="record_floor", cpu_s_per_mib=floor)))
        continue
    # fields as guest-bench-record.sh writes them (the same run)
    tool, rate, aux = f[0], int(f[1]), f[2]
    em, _, tr, recs, inf, win = map(int, f[3:9])
    wall, user, sys_ = map(float, f[9:12])
    rc, win_ns = int(f[12]), int(f[13])
    # loss while the workload ran: the module's counters when its sleep ended
    wem, wdr, woff, charged_ns = map(int, f[15:19])
    loop_raw, charged = win_ns / 1e9, charged_ns / 1e9
    dr = wdr + woff
    rows.append(dict(tool=tool, rate_mib_s=rate, aux=aux, emitted=em, dropped=dr, off_dropped=woff,
                     window_emitted=wem, truncated=tr, records=recs, file_aux_bytes=inf,
                     loss_pct=round(100.0 * dr / (wem + dr), 3) if wem + dr else 0.0,
                     loop_cpu_raw_s=loop_raw, emitter_charged_s=charged,
                     loop_cpu_s=loop_raw - charged,
                     tick_cpu_s=win / hz, proc_cpu_s=round(user + sys_, 2), wall_s=wall, rc=rc))
for r in rows:
    mib = r["file_aux_bytes"] / 1048576
    r["cpu_s_per_mib"] = round(r["loop_cpu_s"] / mib, 4) if mib else None
    r["file_matches_emitted"] = r["file_aux_bytes"] == r["emitted"]
hdr = "%-6s %5s %4s %11s %11s %8s %6s %11s %5s %8s %8s %8s %9s %8s" % (
    "tool", "MiB/s", "aux", "emitted", "dropped", "loss%", "trunc", "file_aux",
    "=emit", "loopCPU", "emitCPU", "tickCPU", "cpu/MiB", "procCPU")
print(hdr)
for r in rows:
    print("%-6s %5d %4s %11d %11d %8.3f %6d %11d %5s %8.3f %8.3f %8.2f %9s %8.2f" % (
        r["tool"], r["rate_mib_s"], r["aux"], r["emitted"], r["dropped"], r["loss_pct"],
        r["truncated"], r["file_aux_bytes"], "yes" if r["file_matches_emitted"] else "NO",
        r["loop_cpu_s"], r["emitter_charged_s"], r["tick_cpu_s"],
        "%.4f" % r["cpu_s_per_mib"] if r["cpu_s_per_mib"] is not None else "-",
        r["proc_cpu_s"]))
for r in rows:
    print(json.dumps(dict(bench="record", **r)))
# repetitions: one row per tool+rate+size with the sums
agg = {}
for r in rows:
    k = (r["tool"], r["rate_mib_s"], r["aux"])
    a = agg.setdefault(k, dict(tool=k[0], rate_mib_s=k[1], aux=k[2], emitted=0, window_emitted=0, dropped=0,
                               file_aux_bytes=0, loop_cpu_s=0.0, rc=0, file_matches_emitted=True, reps=0))
    for f in ("emitted", "window_emitted", "dropped", "file_aux_bytes", "loop_cpu_s"):
        a[f] += r[f]
    a["rc"] |= r["rc"]
    a["file_matches_emitted"] &= r["file_matches_emitted"]
    a["reps"] += 1
for a in agg.values():
    a["loss_pct"] = round(100.0 * a["dropped"] / (a["window_emitted"] + a["dropped"]), 3) if a["window_emitted"] + a["dropped"] else 0.0
    mib = a["file_aux_bytes"] / 1048576
    a["cpu_s_per_mib"] = round(a["loop_cpu_s"] / mib, 4) if mib else None
rows = list(agg.values())
ok_all = True
for key in sorted({(r["rate_mib_s"], r["aux"]) for r in rows}, key=lambda k: (k[0], k[1])):
    a = [r for r in rows if r["tool"] == "auxrec" and (r["rate_mib_s"], r["aux"]) == key]
    p = [r for r in rows if r["tool"] == "perf" and (r["rate_mib_s"], r["aux"]) == key]
    if not a or not p:
        continue
    a, p = a[0], p[0]
    why = []
    if a["rc"] or not a["file_matches_emitted"]:
        why.append("auxrec file != emitted or rc != 0")
    if p["dropped"] == 0:
        if a["dropped"]:
            why.append("auxrec lost %.3f%% where perf lost none" % a["loss_pct"])
    else:
        if a["loss_pct"] >= p["loss_pct"]:
            why.append("loss %.3f%% not below perf's %.3f%%" % (a["loss_pct"], p["loss_pct"]))
        ac, pc = a["cpu_s_per_mib"], p["cpu_s_per_mib"]
        if ac is None or pc is None or ac > pc / 2:
            why.append("cpu/MiB %s > half of perf's %s" % (ac, pc))
    ok_all &= not why
    # busy: share of the workload's sleep the recorder ran (1.0 = one vCPU all the time)
    busy = {t["tool"]: round(t["loop_cpu_s"] / (secs * t["reps"]), 2) for t in (a, p)}
    note = ""
    if min(busy.values()) >= 0.85:
        note = "; both recorders CPU-bound (busy auxrec %.2f perf %.2f): cpu/MiB is near the guest's copy floor" % (
            busy["auxrec"], busy["perf"])
    print("verdict rate=%dMiB/s aux=%s: %s (loss auxrec %.3f%% perf %.3f%%, cpu/MiB auxrec %s perf %s%s)" % (
        key[0], key[1], "PASS" if not why else "FAIL: " + "; ".join(why),
        a["loss_pct"], p["loss_pct"], a["cpu_s_per_mib"], p["cpu_s_per_mib"], note))
    print(json.dumps(dict(bench="record_verdict", rate_mib_s=key[0], aux=key[1], reps=a["reps"],
                          verdict="PASS" if not why else "FAIL", reasons=why,
                          loss_pct=dict(auxrec=a["loss_pct"], perf=p["loss_pct"]),
                          cpu_s_per_mib=dict(auxrec=a["cpu_s_per_mib"], perf=p["cpu_s_per_mib"]),
                          busy=busy)))
    o = [r for r in rows if r["tool"] == "auxold" and (r["rate_mib_s"], r["aux"]) == key]
    if o:
        o = o[0]
        print("baseline rate=%dMiB/s aux=%s: loss auxrec %.3f%% auxold %.3f%%, cpu/MiB auxrec %s auxold %s" % (
            key[0], key[1], a["loss_pct"], o["loss_pct"], a["cpu_s_per_mib"], o["cpu_s_per_mib"]))
print("verdict overall: %s" % ("PASS" if ok_all else "FAIL"))
print(json.dumps(dict(bench="record_verdict", overall="PASS" if ok_all else "FAIL")))
PY
