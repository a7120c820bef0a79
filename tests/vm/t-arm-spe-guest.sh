#!/bin/bash
# tests/vm/t-arm-spe-guest.sh: the auxtest module impersonating ARM SPE
# (name=arm_spe_0: format/ and caps/ as drivers/perf/arm_spe_pmu.c shows
# them), replaying once an SPE stream of fixed-size records (written on the
# host by tests/tools/spe-stream.py from a described workload: PC, load or
# store, events, latencies, data VA and PA, data source, timestamp), whole
# records a tick (align=), recorded in the guest by `auxrec record -e
# arm_spe_0//` (tests/vm/guest-arm-spe.sh). Debian's perf on x86 does not
# record arm_spe; it reads auxrec's file on the host:
#  - sysfs: the real driver's format terms and caps;
#  - auxrec's file: AUXTRACE_INFO type 4 with the PMU type and per-CPU
#    flag, the event's config with ts_enable (auxrec's default term);
#  - `auxrec script --itrace=i` gives every replayed record once, in order
#    (PCs, data addresses, latencies as written);
#  - `perf report -D` of auxrec's file equals `auxrec dump` packet for
#    packet, and `perf script` equals `auxrec script` sample for sample
#    but for time, symbol and dso (the stream's timestamps are not the
#    guest's clock) (tests/perf/spe_perf_dump.py, spe_perf_script.py) when the guest's
#    kernel gave a TSC conversion (TIME_CONV): without one perf 6.1's
#    arm_spe decoder dies of a division by zero (the TCG guest's TSC is
#    often marked unstable: then the check is skipped, saying so).
cd "$(dirname "$0")/../.." || exit 1
out=build/vm/t-arm-spe-guest.out
A=${AUXREC:-./auxrec}
[ -x "$A" ] || { echo "not ok build: make first"; exit 1; }
have_perf=1
command -v perf > /dev/null && perf --version > /dev/null 2>&1 || have_perf=
RECORDS=2000
if [ -z "$ANALYZE_ONLY" ]; then
	rm -rf "$out"; mkdir -p "$out/in"
	# every record the same packets, so 52 bytes: PC, OP, EVENTS (1 byte),
	# LAT, ISSUE, VA, XLAT, PA, DATA_SOURCE, TS
	python3 - "$RECORDS" > "$out/spe.desc" <<'PY'
import random, sys
r = random.Random(3)
for i in range(int(sys.argv[1])):
    print("pc=%#x op=%s events=%#x lat=%d issue=%d va=%#x xlat=%d pa=%#x ds=%d" % (
        0x400000 + 4 * r.randrange(4096), r.choice(["ld", "st"]), r.choice([0x06, 0x0e, 0x3e, 0x86]),
        r.randrange(1, 500), r.randrange(1, 50), 0x7f0000000000 + 8 * r.randrange(1 << 20),
        r.randrange(40), 0x80000000 + 8 * r.randrange(1 << 20), r.randrange(16)))
PY
	python3 tests/tools/spe-stream.py workload "$out/in/spe.bin" "$out/spe.desc" > /dev/null ||
		{ echo "not ok arm_spe_guest_stream: spe-stream.py failed"; exit 1; }
	size=$(stat -c %s "$out/in/spe.bin")
	if [ "$size" != $((RECORDS * 52)) ]; then
		echo "not ok arm_spe_guest_stream: $size bytes, not $RECORDS records of 52"; exit 1
	fi
	cp tests/vm/guest-arm-spe.sh "$out/in/"
	if ! tests/vm/run --module-arg name=arm_spe_0 --module-arg mode=1 --module-arg once=1 \
		--module-arg align=52 --module-arg rate=1040000 --timeout 300 --out "$out/g" \
		--in "$out/in/spe.bin" --in "$out/in/guest-arm-spe.sh" -- sh /in/guest-arm-spe.sh \
		> "$out.console" 2>&1; then
		echo "not ok arm_spe_guest_run: $(tail -5 "$out.console")"; exit 1
	fi
fi
g=$out/g

verdict() {	# name why note
	if [ -z "$2" ]; then echo "ok $1 # $3"; else echo "not ok $1: $2"; fi
}

why=
for t in ts_enable pa_enable pct_enable jitter branch_filter load_filter store_filter \
	 event_filter min_latency; do
	grep -qx "$t" "$g/format.ls" || why="no format/$t: $(tr '\n' ' ' < "$g/format.ls")"
done
for c in arch_inst ernd count_size min_interval; do
	grep -qx "$c" "$g/caps.ls" || why=${why:-"no caps/$c: $(tr '\n' ' ' < "$g/caps.ls")"}
done
[ "$(tr '\n' ' ' < "$g/sysfs.values")" = "config:0 config2:0-11 256 " ] ||
	why=${why:-"values: $(tr '\n' ' ' < "$g/sysfs.values")"}
verdict arm_spe_guest_sysfs "$why" "the driver's 9 format terms and 4 caps"

if [ "$(cat "$g/a.rec.rc" 2> /dev/null)" != 0 ]; then
	echo "not ok arm_spe_guest_recorded: $(tail -3 "$g/a.rec.log")"; exit 0
fi
f=$g/a.data

why=
"$A" dump --json --no-packets -i "$f" > "$out/a.dump" 2> "$out/a.dump.err" ||
	why="auxrec dump: $(head -1 "$out/a.dump.err")"
info=$(grep '"record":"auxtrace_info"' "$out/a.dump")
type=$(grep '"type":"attr"' "$out/a.dump" | head -1)
python3 - "$info" "$type" > "$out/a.info.why" <<'PY'
import json, sys
info, attr = json.loads(sys.argv[1]), json.loads(sys.argv[2])
pt = attr["attr"]["type"] if "attr" in attr else attr.get("type_id", attr.get("pmu_type"))
if info["auxtrace_type"] != 4 or len(info["priv"]) != 2:
    print("AUXTRACE_INFO %s" % sys.argv[1])
PY
[ -z "$why" ] && [ -s "$out/a.info.why" ] && why=$(cat "$out/a.info.why")
if [ -z "$why" ] && [ -n "$have_perf" ]; then
	perf evlist -v -i "$f" > "$out/a.evlist" 2>&1
	grep 'arm_spe_0' "$out/a.evlist" | grep -q 'config: 0x1' ||
		why="arm_spe_0 event: $(grep arm_spe_0 "$out/a.evlist" | head -1)"
fi
verdict arm_spe_guest_file "$why" "AUXTRACE_INFO type 4, two words; config ts_enable"

why=
"$A" script --json --itrace=i -i "$f" > "$out/a.script" 2> "$out/a.script.err" ||
	why="auxrec script: $(head -1 "$out/a.script.err")"
[ -z "$why" ] && why=$(python3 - "$out/spe.desc" "$out/a.script" <<'PY'
import json, sys
want = [dict(t.split("=") for t in l.split()) for l in open(sys.argv[1])]
got = [json.loads(l) for l in open(sys.argv[2])]
got = [e for e in got if e["type"] == "mem_sample"]
if len(got) != len(want):
    print("%d samples, %d records replayed" % (len(got), len(want))); sys.exit()
for i, (w, e) in enumerate(zip(want, got)):
    if (int(e["from"], 16), int(e["vaddr"], 16), e["total_latency"], e["issue_latency"],
        e["op"]) != (int(w["pc"], 16), int(w["va"], 16), int(w["lat"]), int(w["issue"]),
                     {"ld": "load", "st": "store"}[w["op"]]):
        print("sample %d: %s, replayed %s" % (i, json.dumps(e), w)); sys.exit()
PY
)
verdict arm_spe_guest_script_every_record "$why" "$RECORDS records in order"

if [ -z "$have_perf" ]; then
	echo "skip arm_spe_guest_perf: perf is not installed"; exit 0
fi
why=
"$A" dump --json -i "$f" > "$out/a.dump" 2> "$out/a.dump.err"
perf report -D -i "$f" > "$out/a.perf" 2> "$out/a.perf.err" || why="perf report -D failed"
[ -z "$why" ] && why=$(python3 tests/perf/spe_perf_dump.py "$out/a.dump" "$out/a.perf" 3> "$out/a.count")
verdict arm_spe_guest_perf_report_D "$why" "$(cat "$out/a.count" 2> /dev/null) of auxrec's file"

if ! grep -q '"record":"time_conv"' "$out/a.dump"; then
	# perf_time_to_tsc() with TIME_CONV's multiplier 0 (a SIGFPE)
	echo "skip arm_spe_guest_perf_script: the guest kernel gave no TSC conversion" \
	     "(cap_user_time_zero 0, so no TIME_CONV), and perf 6.1's arm_spe decoder divides by" \
	     "zero without one when the event samples the time"
	exit 0
fi
why=
perf script --itrace=i1i --ns -F comm,tid,pid,cpu,time,event,ip,addr,phys_addr,data_src,weight,sym,dso,period \
	-i "$f" > "$out/a.pscript" 2> "$out/a.pscript.err"
grep -v -e 'CONTEXT packets not found' -e 'Matching of TIDs' -e '^Warning:$' \
	"$out/a.pscript.err" > "$out/a.pscript.err2"
[ -s "$out/a.pscript.err2" ] && why="perf: $(head -1 "$out/a.pscript.err2")"
# the stream's timestamps are not the guest's clock: perf places its
# samples before the recording (where it knows no maps); time, symbol and
# dso are left out of the comparison
[ -z "$why" ] && why=$(SPE_COMPARE_NO_TIME=1 python3 tests/perf/spe_perf_script.py i \
	"$out/a.script" "$out/a.pscript" 3> "$out/a.scount")
verdict arm_spe_guest_perf_script "$why" "$(cat "$out/a.scount" 2> /dev/null) of auxrec's file: tid, ip, addresses, latency, data source"
