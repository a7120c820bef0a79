#!/bin/bash
# tests/vm/t-cs-etm-guest.sh: the auxtest module impersonating CoreSight ETM
# (name=cs_etm: the coresight driver's format/, sinks/tmc_etr0 with the
# sink's name hash, per-CPU cpuN/trcidr and cpuN/mgmt registers of a
# Cortex-A53's ETMv4) replaying once the ETMv4 trace of an AArch64
# ground-truth program, recorded in the guest by `auxrec record -e
# cs_etm/@tmc_etr0/` (tests/vm/guest-cs-etm.sh). The program
# (tests/gt/progs/indirect.c, static, linked at 0x40000000, away from the
# guest's static x86 programs) runs on the host under qemu-aarch64-static
# -singlestep for its executed PCs; in the guest tests/guest/etm-host maps
# its code at its address and spins, and etm-gen writes the call of main
# as frame-formatted ETMv4 trace (trace ID 0x10) with etm-host's pid as
# context ID into the module's replay buffer. Checks:
#  - sysfs: the driver's ten format terms, sinks/tmc_etr0, the registers;
#  - auxrec's file: AUXTRACE_INFO type 3 with an ETMv4 block per CPU whose
#    ID registers and trace ID are the ones sysfs showed and TRCCONFIGR the
#    one the module programmed (mgmt/trcconfig); the attr's config2 is the
#    sink hash of sinks/tmc_etr0 and the module took that sink;
#  - `auxrec script` (in the guest, where /in/prog is at its MMAP2 path)
#    gives exactly the executed transfers of the program, as etm-gen's
#    EXPECTED lists them, attributed to etm-host's pid and comm;
#  - Debian's `perf script --itrace=b` on auxrec's file gives the same
#    transfers (but the last trace end, and BR called return: see
#    tests/perf/t-cs-etm.sh). perf 6.1 prints two lines on stderr for any
#    per-thread cs_etm file: cs_etm__queue_aux_fragment takes an AUXTRACE
#    buffer of CPU -1 (per thread) as "not found" unless the AUX record's
#    sample CPU is -1 too, so it says it "Couldn't find auxtrace buffer"
#    and decodes the buffers whole ("best effort"); those two are allowed;
#  - CPU-wide: a second etm-host's trace, with Timestamp packets (etm-gen
#    --stream PID --timestamps), recorded by `auxrec record -e
#    cs_etm/@tmc_etr0,timestamp,contextid/ -C 0 -- sleep 1` while that
#    etm-host spins on CPU 1 (taskset): the sideband names another task
#    as CPU 0's, auxrec follows the context ID to etm-host (its code, pid
#    and comm) and times each event by the
#    guest kernel's TIME_CONV of the last timestamp (perf's formula; the
#    trace's clock starts at the TSC etm-host read, so that its times fall
#    in the recording), and perf gives the same transfers and tids (timed
#    decode: without the last transfer and the final trace end).
cd "$(dirname "$0")/../.." || exit 1
out=build/vm/t-cs-etm-guest.out
A=${AUXREC:-./auxrec}
B=${AUXREC_BUILD:-build}
[ -x "$A" ] && [ -x "$B/tests/tools/etm-gen" ] && [ -x build/guest-bin/etm-host ] ||
	{ echo "not ok build: make all tools guest-bin first"; exit 1; }
. tests/check-lib.sh
. tests/perf/cs-etm-events.sh
missing=$(aarch64_tool_missing)
[ -n "$missing" ] && { echo "skip cs_etm_guest: $missing is not installed (tests/install-deps)"; exit 0; }
have_perf=1
perf --version > /dev/null 2>&1 || have_perf=

if [ -z "$ANALYZE_ONLY" ]; then
	rm -rf "$out"; mkdir -p "$out/in"
	if ! aarch64-linux-gnu-gcc -O1 -static -Wl,-Ttext-segment=0x40000000 -o "$out/in/prog" \
		tests/gt/progs/indirect.c 2> "$out/cc.err"; then
		echo "not ok cs_etm_guest_prog: $(head -1 "$out/cc.err")"; exit 1
	fi
	if ! qemu-aarch64-static -singlestep -d exec,nochain -D "$out/in/exec.log" \
		"$out/in/prog" 40 > /dev/null 2> "$out/qemu.err"; then
		echo "not ok cs_etm_guest_prog: qemu-aarch64-static: $(head -1 "$out/qemu.err")"; exit 1
	fi
	echo "0x$(aarch64-linux-gnu-nm "$out/in/prog" | awk '$3 == "main" { print $1 }')" > "$out/in/main"
	cp "$B/tests/tools/etm-gen" tests/vm/guest-cs-etm.sh "$out/in/"
	perf_opt=
	[ -n "$have_perf" ] && perf_opt=--perf
	if ! tests/vm/run $perf_opt --module-arg name=cs_etm --module-arg mode=1 \
		--module-arg once=1 --module-arg rate=16777216 --timeout 300 --out "$out/g" \
		--in "$out/in/prog" --in "$out/in/exec.log" --in "$out/in/main" \
		--in "$out/in/etm-gen" --in "$out/in/guest-cs-etm.sh" -- sh /in/guest-cs-etm.sh \
		> "$out.console" 2>&1; then
		echo "not ok cs_etm_guest_run: $(tail -5 "$out.console")"; exit 1
	fi
fi
g=$out/g

why=
for t in branch_broadcast configid contextid contextid1 contextid2 cycacc preset retstack \
	 sinkid timestamp; do
	grep -qx "$t" "$g/format.ls" || why="no format/$t: $(tr '\n' ' ' < "$g/format.ls")"
done
[ "$(cat "$g/sinks.ls")" = tmc_etr0 ] || why=${why:-"sinks: $(tr '\n' ' ' < "$g/sinks.ls")"}
grep -q '^0x[0-9a-f]\+$' "$g/sink.hash" || why=${why:-"sinks/tmc_etr0: $(cat "$g/sink.hash")"}
[ "$(grep -c 'trcidr0 0x28000ea1$' "$g/regs.txt")" -ge 2 ] ||
	why=${why:-"registers: $(head -3 "$g/regs.txt" | tr '\n' ' ')"}
verdict cs_etm_guest_sysfs "$why" "the driver's 10 format terms, sinks/tmc_etr0 $(cat "$g/sink.hash"), $(grep -c . "$g/regs.txt") cpuN registers"

if [ "$(cat "$g/a.rec.rc" 2> /dev/null)" != 0 ]; then
	echo "not ok cs_etm_guest_recorded: $(tail -3 "$g/a.rec.log" "$g/gen.log" 2> /dev/null)"
	exit 0
fi

# AUXTRACE_INFO against sysfs: "cpuN NAME VALUE" lines from both sides
why=$(python3 - "$g/a.dump" "$g/regs.txt" "$g/trcconfig.txt" "$g/sink.hash" "$g/cs_sink" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
info = [r for r in recs if r.get("record") == "auxtrace_info"]
attr = [r for r in recs if r.get("type") == "attr"]
if len(info) != 1 or info[0]["auxtrace_type"] != 3:
    print("AUXTRACE_INFO: %s" % info); sys.exit()
p = [int(v, 16) for v in info[0]["priv"]]
names = ["trcconfig", "trctraceid", "trcidr0", "trcidr1", "trcidr2", "trcidr8", "trcauthstatus"]
got, i = {}, 3
while i < len(p):
    magic, cpu, n = p[i], p[i + 1], p[i + 2]
    if magic != 0x4040404040404040 or n != 7:
        print("block at word %d: magic %#x, %d parameters, not ETMv4's 7" % (i, magic, n)); sys.exit()
    for k, v in zip(names, p[i + 3:i + 3 + n]):
        got["cpu%d %s" % (cpu, k)] = v
    i += 3 + n
want = {}
for l in open(sys.argv[2]):
    cpu, f, v = l.split()
    if f != "mgmt/trcdevarch":
        want["%s %s" % (cpu, f.split("/")[1])] = int(v, 16)
for l in open(sys.argv[3]):
    cpu, v = l.split()
    want["%s trcconfig" % cpu] = int(v, 16)
if p[1] & 0xffffffff != len(want) // 7 or got != want:
    print("AUXTRACE_INFO %s, sysfs %s" % (sorted(got.items()), sorted(want.items()))); sys.exit()
sink = int(open(sys.argv[4]).read(), 16)
if len(attr) != 1 or int(attr[0]["config2"], 16) != sink or attr[0]["attr_type"] != p[1] >> 32:
    print("attr %s, sink hash %#x" % (attr, sink)); sys.exit()
if open(sys.argv[5]).read().strip() != "tmc_etr0":
    print("the module took sink %s" % open(sys.argv[5]).read().strip())
PY
)
verdict cs_etm_guest_auxtrace_info "$why" "ETMv4 blocks of $(grep -c . "$g/trcconfig.txt") CPUs as sysfs shows them; config2 the tmc_etr0 hash; the module took tmc_etr0"

why=
[ -s "$g/a.script.err" ] && why="stderr: $(head -1 "$g/a.script.err")"
script_events "$g/a.script" > "$out/got"
pid=$(cat "$g/pid")
[ -z "$why" ] && why=$(first_difference "$g/expected" "$out/got" events "< executed > auxrec")
[ -z "$why" ] && why=$(python3 -c '
import json, sys
for l in open(sys.argv[1]):
    e = json.loads(l)
    if (e["pid"], e["tid"], e["comm"]) != (int(sys.argv[2]), int(sys.argv[2]), "etm-host"):
        print("event of %s/%s %s" % (e["pid"], e["tid"], e["comm"])); break' "$g/a.script" "$pid")
verdict cs_etm_guest_script_equals_executed "$why" "$(wc -l < "$g/expected") events of $(grep -c . "$out/in/exec.log" 2> /dev/null) executed instructions, pid $pid"

if [ -z "$have_perf" ]; then
	echo "skip cs_etm_guest_perf_script: perf is not installed"
else
why=
grep -v -e "^CS ETM: Couldn't find auxtrace buffer for aux_offset: 0 tid: $pid cpu: [0-9]*\$" \
	-e '^CS ETM warning: Coresight decode and TRBE support requires random file access\.$' \
	-e '^Continuing with best effort decoding in piped mode\.$' -e '^$' \
	"$g/p.script.err" > "$out/p.err"
[ -s "$out/p.err" ] && why="perf: $(head -1 "$out/p.err")"
want_perf "$out/got" "$out/in/prog" "" > "$out/want.perf"
perf_branch_lines < "$g/p.script" > "$out/perf"
[ -z "$why" ] && why=$(first_difference "$out/want.perf" "$out/perf" branches "< auxrec > perf")
verdict cs_etm_guest_perf_script_agrees "$why" "$(wc -l < "$out/perf") transfers of auxrec's file, BR as perf's return"
fi

# CPU-wide on CPU 0 with timestamps and context IDs (c.data)
if [ "$(cat "$g/c.rec.rc" 2> /dev/null)" != 0 ]; then
	echo "not ok cs_etm_guest_cpu_wide_recorded: $(tail -3 "$g/c.rec.log" "$g/gen2.log" 2> /dev/null)"
	exit 0
fi
pid2=$(cat "$g/pid2")
why=
[ -s "$g/c.script.err" ] && why="stderr: $(head -1 "$g/c.script.err")"
script_events "$g/c.script" tid comm time > "$out/c.got"
[ -z "$why" ] && why=$(python3 - "$g/expected2" "$out/c.got" "$g/c.dump" "$pid2" \
	3> "$out/c.note" <<'PY'
import json, os, sys
want = [l.split() for l in open(sys.argv[1])]
got = [l.split() for l in open(sys.argv[2])]
tc = [json.loads(l) for l in open(sys.argv[3]) if '"record":"time_conv"' in l]
aux = [json.loads(l) for l in open(sys.argv[3]) if '"record":"aux"' in l]
note = os.fdopen(3, "w")

def perf_time(ts, c):	# perf's tsc_to_perf_time, in 64 bits
    quot, rem = ts >> c["time_shift"], ts & ((1 << c["time_shift"]) - 1)
    return (c["time_zero"] + quot * c["time_mult"] +
            ((rem * c["time_mult"]) >> c["time_shift"])) % (1 << 64)

owners = set(str(r["sample_id"]["pid"]) for r in aux)
if not aux or sys.argv[4] in owners:
    print("the AUX records' owners %s: etm-host %s ran on CPU 0" % (owners, sys.argv[4]))
    sys.exit()
if len(got) != len(want):
    print("%d events, %d executed" % (len(got), len(want))); sys.exit()
for i, (w, e) in enumerate(zip(want, got)):
    # etm-gen's time is 1 s + 40 ns a tick of the trace's clock
    ts = (int(w[3]) - 1000000000) // 40
    t = str(perf_time(ts, tc[0])) if tc else "-"
    if e[:3] != w[:3] or e[3:] != [sys.argv[4], "etm-host", t]:
        print("event %d: %s, executed %s (time %s)" % (i, " ".join(e), " ".join(w), t))
        sys.exit()
print("%d events of pid %s (the sideband's owner: %s), %s" % (len(got), sys.argv[4],
      " ".join(sorted(owners)),
      "each at the guest's TIME_CONV of its timestamp" if tc else
      "no TIME_CONV from the guest kernel (TSC unstable): no times"), file=note)
PY
)
verdict cs_etm_guest_cpu_wide_follows_context_id "$why" "$(cat "$out/c.note" 2> /dev/null)"

if [ -z "$have_perf" ]; then
	echo "skip cs_etm_guest_cpu_wide_perf_script: perf is not installed"; exit 0
fi
why=
grep -v '^$' "$g/pc.script.err" > "$out/pc.err"
[ -s "$out/pc.err" ] && why="perf: $(head -1 "$out/pc.err")"
cut -d' ' -f1-4 "$out/c.got" > "$out/c.got4"
# perf's timed decode: neither the last transfer nor the final trace end
want_perf "$out/c.got4" "$out/in/prog" "" | sed '$d' > "$out/c.want.perf"
perf_branch_lines 1 < "$g/pc.script" > "$out/c.perf"
[ -z "$why" ] && why=$(first_difference "$out/c.want.perf" "$out/c.perf" branches "< auxrec > perf")
verdict cs_etm_guest_cpu_wide_perf_script_agrees "$why" "$(wc -l < "$out/c.perf") transfers and tids"
