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
#  - the attr the module received (its debugfs attr) is perf's for arm64:
#    the sample period caps/min_interval (256) unless period= is given,
#    ts_enable per CPU (-a) and not per thread;
#  - auxrec's file: AUXTRACE_INFO type 4 with the PMU type and per-CPU
#    flag, the AUX event with the DATA_SRC sample bit and no sideband, and
#    perf's dummy:u tracking event with the sideband (mmap, comm, task), per
#    CPU with context switches: the file holds PERF_RECORD_SWITCH_CPU_WIDE
#    records of the tracking event; Debian's perf lists both events;
#  - `auxrec script --itrace=i` gives every replayed record once, in order
#    (PCs, data addresses, latencies as written);
#  - `perf report -D` of auxrec's files (per thread and per CPU) equals
#    `auxrec dump` packet for packet, and `perf script` equals `auxrec script` sample for sample
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
. tests/check-lib.sh

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

for r in a c p; do
	if [ "$(cat "$g/$r.rec.rc" 2> /dev/null)" != 0 ]; then
		echo "not ok arm_spe_guest_recorded: $r: $(tail -3 "$g/$r.rec.log")"; exit 0
	fi
done

# what the module's arm_spe_0 received: NAME WANT (fields of debugfs attr)
attr_differs() {
	local got
	got=$(tr ' ' '\n' < "$g/$1.attr" | grep -e '^config=' -e '^sample_period=' -e '^freq=' |
	      tr '\n' ' ')
	[ "$got" = "$2 " ] || echo "$1: the module got '$got', want '$2'"
}
why=$(attr_differs a "config=0x0 sample_period=256 freq=0")
why=${why:-$(attr_differs c "config=0x1 sample_period=256 freq=0")}
why=${why:-$(attr_differs p "config=0x0 sample_period=1024 freq=0")}
verdict arm_spe_guest_attr "$why" "period caps/min_interval or period=, ts_enable per CPU only"

# the tracking event of each file: NAME CONTEXT-SWITCH
tracking_differs() {
	"$A" dump --json --no-packets -i "$g/$1.data" > "$out/$1.sb" 2> "$out/$1.sb.err" ||
		{ echo "$1: auxrec dump: $(head -1 "$out/$1.sb.err")"; return; }
	python3 - "$out/$1.sb" "$2" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
attrs = [r for r in recs if r["type"] == "attr"]
want_cs = int(sys.argv[2])
if len(attrs) != 2:
    print("%d events, not the AUX event and the tracking event" % len(attrs)); sys.exit()
aux, dummy = attrs
if aux["attr_type"] == 1 or "data_src" not in aux["sample_type"] or aux["context_switch"]:
    print("AUX event %s" % json.dumps(aux)); sys.exit()
if (dummy["attr_type"], dummy["config"], dummy["exclude_kernel"], dummy["context_switch"]) != \
        (1, "0x9", 1, want_cs) or len(dummy["ids"]) != len(aux["ids"]):
    print("tracking event %s" % json.dumps(dummy)); sys.exit()
ids = set(dummy["ids"])
sw = [r for r in recs if r.get("record") == "switch_cpu_wide"]
comm = [r for r in recs if r.get("record") == "comm" and r.get("sample_id", {}).get("id") in ids]
if want_cs and (not sw or any(r["sample_id"]["id"] not in ids for r in sw)):
    print("%d switch records, ids %s" % (len(sw), sorted({r["sample_id"]["id"] for r in sw})))
elif not want_cs and sw:
    print("%d switch records per thread" % len(sw))
elif not comm:
    print("no comm record of the tracking event")
else:
    print("%d switch records" % len(sw), file=sys.stderr)
PY
}
why=$(tracking_differs a 0 2> /dev/null)
why=${why:-$(tracking_differs c 1 2> "$out/c.sw")}
if [ -z "$why" ] && [ -n "$have_perf" ]; then
	perf evlist -i "$g/c.data" > "$out/c.evlist" 2>&1
	[ "$(tr '\n' ' ' < "$out/c.evlist")" = "arm_spe_0// dummy:u " ] ||
		why="perf evlist: $(tr '\n' ' ' < "$out/c.evlist")"
fi
verdict arm_spe_guest_tracking "$why" "dummy:u with the sideband; per CPU $(cat "$out/c.sw" 2> /dev/null)"

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
	grep 'arm_spe_0' "$out/a.evlist" | grep -q 'sample_freq }: 256,' ||
		why="arm_spe_0 event: $(grep arm_spe_0 "$out/a.evlist" | head -1)"
fi
verdict arm_spe_guest_file "$why" "AUXTRACE_INFO type 4, two words; sample_period 256"

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
for r in a c; do
	why=
	"$A" dump --json -i "$g/$r.data" > "$out/$r.dump" 2> "$out/$r.dump.err"
	perf report -D -i "$g/$r.data" > "$out/$r.perf" 2> "$out/$r.perf.err" ||
		why="perf report -D failed"
	[ -z "$why" ] && why=$(python3 tests/perf/spe_perf_dump.py "$out/$r.dump" "$out/$r.perf" \
				3> "$out/$r.count")
	verdict arm_spe_guest_perf_report_D_$r "$why" \
		"$(cat "$out/$r.count" 2> /dev/null) of auxrec's file, per $([ $r = a ] && echo thread || echo CPU)"
done

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
