#!/bin/bash
# t-arm-spe.sh - the arm_spe decoder against Debian's perf on files made by
# the test-side SPE writer: tests/tools/spe-stream.py writes raw SPE
# streams (random records with every packet type and field, or records
# from a described workload), `pd-gen --spe` puts them in a perf.data
# (AUXTRACE_INFO type 4 in perf 6.1's layout or newer perf's versioned
# one, per thread or per CPU, two AUX chunks cut at a record boundary).
#  - dump: `auxrec dump --json` equals `perf report -D` packet for packet
#    (tests/perf/spe_perf_dump.py), damaged streams (bytes no packet
#    starts with, unassigned indexes) included;
#  - script: `auxrec script --json --itrace=i` equals `perf script
#    --itrace=L` sample for sample (tests/perf/spe_perf_script.py: each
#    auxrec record expanded into perf's samples of the classes L selects,
#    compared on tid, time, event, ip, data address, physical address,
#    data source, weight, and the ip's symbol and dso), for several class
#    letters L, and `auxrec script --itrace=L` selects the records L
#    selects; the tid from CONTEXT packets in a per-CPU file, or without
#    them from context switch records (PERF_RECORD_SWITCH_CPU_WIDE); symbols
#    from a real AArch64 ELF (tests/perf/spe/workload.c, built with
#    aarch64-linux-gnu-gcc) for records described as samples of its loops,
#    and the data symbols of their data addresses (its global arrays) as
#    readelf -s gives them, in JSON and text; kernel data addresses
#    resolve to the data objects of a kallsyms given with --kallsyms;
#  - report: `auxrec report --json` by symbol, `--sort data_src`,
#    `--sort data_sym` and the combined `--sort data_sym,data_src` and
#    `--sort sym,data_src` (and the text of `--sort data_src,sym`) has
#    the samples, mean and nearest-rank percentiles of total latency that
#    the script's samples give (computed here from `auxrec script --json`),
#    and its samples per symbol are `perf report --itrace=i1i -s sym`'s;
#  - raw: `auxrec dump --raw FILE --pmu arm_spe --json` of a few packets,
#    lines valid against docs/schema/dump.schema.json, and so are those of
#    a whole damaged recording's dump and --stats.
cd "$(dirname "$0")/../.." || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
AUXREC=${AUXREC:-./auxrec}
B=${AUXREC_BUILD:-build}
GEN=tests/tools/spe-stream.py

if [ ! -x "$AUXREC" ] || [ ! -x "$B/tests/tools/pd-gen" ]; then
	echo "not ok build: run make all tools first"; exit 1
fi
. tests/check-lib.sh
have_perf=1
if ! command -v perf > /dev/null || ! perf --version > /dev/null 2>&1; then
	have_perf=
fi

# a perf.data of a stream: NAME PD-GEN-OPTIONS -- SPE-STREAM-ARGS
make_file() {
	local n=$1 opts=() cut
	shift
	while [ "$1" != -- ]; do opts+=("$1"); shift; done
	shift
	cut=$(python3 $GEN "$@") || return 1
	"$B/tests/tools/pd-gen" --spe "${opts[@]}" "$tmp/$n.data" "$2" "$cut" /bin/true \
		> "$tmp/$n.gen" 2>&1
}

check_dump() {	# name
	local n=$1 why= count
	$AUXREC dump --json -i "$tmp/$n.data" > "$tmp/$n.dump" 2> "$tmp/$n.dump.err" ||
		why="auxrec dump exit status $?: $(head -1 "$tmp/$n.dump.err")"
	if [ -z "$have_perf" ]; then
		echo "skip spe-dump-$n: perf is not installed"; return
	fi
	timeout 120 perf report -D -i "$tmp/$n.data" > "$tmp/$n.perf" 2> "$tmp/$n.perf.err"
	[ -z "$why" ] && why=$(python3 tests/perf/spe_perf_dump.py "$tmp/$n.dump" "$tmp/$n.perf" \
				3> "$tmp/$n.count")
	count=$(cat "$tmp/$n.count" 2> /dev/null)
	[ -z "$why" ] && [ -z "$count" ] && why="no packets compared"
	verdict "spe-dump-$n-equals-perf-report-D" "$why" "$count, as perf prints them"
}

raw_packets() {
	local f=$tmp/raw.spe why=
	# PC el2, LD, TS 5, then a byte no packet starts with and a cut TS
	printf '\xb0\x00\x10\x40\x00\x00\x00\x00\x40\x49\x00\x71\x05\0\0\0\0\0\0\0\x02\x71\x01' > "$f"
	cat > "$tmp/raw.want" <<'J'
{"offset":0,"size":9,"packet":"address.pc","addr":"0x401000","el":2,"ns":0}
{"offset":9,"size":2,"packet":"op_type.ldst","payload":"0x0"}
{"offset":11,"size":9,"packet":"timestamp","timestamp":5}
{"offset":20,"error":"bad packet"}
{"offset":21,"error":"truncated packet"}
{"offset":22,"size":1,"packet":"end"}
J
	why=$(raw_dump_differs "$f" arm_spe "$tmp/raw.want" 400)
	verdict spe-dump-raw "$why" "packets, a bad byte, a cut packet"
}

# a small damaged file's whole dump against the schemas
dump_schema() {
	local why=
	if ! python3 -c 'import jsonschema' 2> /dev/null; then
		echo "skip spe-dump-schema: python3-jsonschema is not installed"; return
	fi
	make_file small -- random "$tmp/small.spe" 5 60 --dump-only || why="pd-gen failed"
	[ -z "$why" ] && { $AUXREC dump --json -i "$tmp/small.data"
			   $AUXREC dump --json --stats -i "$tmp/small.data"; } > "$tmp/small.json"
	[ -z "$why" ] && ! python3 tests/tools/json_check.py docs/schema/dump.schema.json \
		"$tmp/small.json" > "$tmp/small.check" 2>&1 && why="$(tail -1 "$tmp/small.check")"
	verdict spe-dump-schema "$why" "$(tail -1 "$tmp/small.check")"
}

PERF_F=comm,tid,pid,cpu,time,event,ip,addr,phys_addr,data_src,weight,sym,dso,period

check_script() {	# name letters
	local n=$1 l=$2 why= count
	if [ -z "$have_perf" ]; then
		echo "skip spe-script-$n-$l: perf is not installed"; return
	fi
	$AUXREC script --json --itrace=i -i "$tmp/$n.data" > "$tmp/$n.all.json" \
		2> "$tmp/$n.$l.err" || why="auxrec script exit status $?: $(head -1 "$tmp/$n.$l.err")"
	$AUXREC script --json --itrace="$l" -i "$tmp/$n.data" > "$tmp/$n.$l.json" \
		2> "$tmp/$n.$l.err" || why="auxrec script exit status $?: $(head -1 "$tmp/$n.$l.err")"
	timeout 120 perf script --itrace="${l/i/i1i}" --ns -F $PERF_F -i "$tmp/$n.data" \
		> "$tmp/$n.$l.perf" 2> "$tmp/$n.$l.perf.err"
	# perf 6.1 knows no previous-branch address (index 4) and says so
	grep -v -e 'unsupported address packet index: 0x4' -e 'CONTEXT packets not found' \
		-e 'Matching of TIDs' -e '^Warning:$' "$tmp/$n.$l.perf.err" > "$tmp/$n.$l.perf.err2"
	[ -z "$why" ] && [ -s "$tmp/$n.$l.perf.err2" ] && why="perf: $(head -1 "$tmp/$n.$l.perf.err2")"
	[ -z "$why" ] && why=$(python3 tests/perf/spe_perf_script.py "$l" "$tmp/$n.all.json" \
				"$tmp/$n.$l.perf" "$tmp/$n.$l.json" 3> "$tmp/$n.$l.count")
	count=$(cat "$tmp/$n.$l.count" 2> /dev/null)
	[ -z "$why" ] && [ "$count" = "samples 0" ] && why="no samples compared"
	verdict "spe-script-$n-$l-equals-perf-script" "$why" "$count of perf's"
}

# records described as samples of tests/perf/spe/workload.c's loops
workload() {
	local w=$tmp/wl
	if ! aarch64-linux-gnu-gcc -O1 -static -o "$w" tests/perf/spe/workload.c 2> "$tmp/wl.err"; then
		echo "skip spe-workload: aarch64-linux-gnu-gcc: $(head -1 "$tmp/wl.err")"; return 1
	fi
	python3 - "$w" > "$tmp/wl.desc" <<'PY' || return 1
import random, subprocess, sys
syms = {}
for l in subprocess.check_output(["nm", "-S", sys.argv[1]], text=True).splitlines():
    f = l.split()
    if len(f) == 4:
        syms[f[3]] = (int(f[0], 16), int(f[1], 16))
r = random.Random(1)
for i in range(3000):
    k = r.randrange(3)
    if k == 0:	# the sequential sum: L1D hits, now and then a miss
        print("pc=%#x op=ld va=%#x pa=%#x events=%s lat=%d issue=%d xlat=%d ds=0" % (
            syms["sum_table"][0] + 4 * r.randrange(8), syms["table"][0] + 8 * r.randrange(4096),
            0x80000000 + r.randrange(1 << 20), r.choice(["0x6", "0x6", "0xe", "0x34e"]),
            r.randrange(4, 40), r.randrange(1, 4), r.randrange(0, 3)))
    elif k == 1:	# the pointer chase: LLC and TLB misses, long waits
        print("pc=%#x op=ld va=%#x events=%s lat=%d issue=%d xlat=%d ds=0" % (
            syms["chase"][0] + 4 * r.randrange(14), syms["nodes"][0] + 64 * r.randrange(4096),
            r.choice(["0x30e", "0x3e", "0x70e"]), r.randrange(100, 400), r.randrange(1, 10),
            r.randrange(0, 30)))
    else:	# the store loop
        print("pc=%#x op=st va=%#x events=%s lat=%d issue=%d" % (
            syms["fill_buffer"][0] + 4 * r.randrange(8), syms["buffer"][0] + r.randrange(32768),
            r.choice(["0x6", "0x86"]), r.randrange(2, 20), r.randrange(1, 4)))
PY
	local load cut
	# one mapping from the text segment to the end of the data segment's
	# bss: the arrays' addresses are the binary's (in a real process the
	# bss past the file's last page is anonymous memory, symbol-less)
	local v m start= end=0
	while read -r v m; do
		[ -z "$start" ] && start=$v
		[ $((v + m)) -gt "$end" ] && end=$((v + m))
	done < <(readelf -lW "$w" | awk '$1 == "LOAD" {print $3, $6}')
	load="$start $((end - start)) 0"
	cut=$(python3 $GEN workload "$tmp/wl.spe" "$tmp/wl.desc") || return 1
	# shellcheck disable=SC2086
	"$B/tests/tools/pd-gen" --spe "$tmp/workload.data" "$tmp/wl.spe" "$cut" "$w" $load
}

# the data symbols of the workload's samples: each vaddr's symbol and
# offset are those of the ELF's symbol table (readelf -s: the object or
# function whose [value, value + size) holds it), as JSON and as text,
# the samples at each symbol+offset are those of `perf report --mem-mode
# -s symbol_daddr` (perf 6.1's script prints no symbol for an SPE
# sample's addr: it resolves addr only for BTS and page-fault events),
# and the JSON lines (and report --sort data_sym's) are valid against the
# schemas.
check_data_syms() {
	local why= w=$tmp/wl
	: > "$tmp/ds.perf"
	[ -n "$have_perf" ] && timeout 120 perf report -i "$tmp/workload.data" --itrace=i1i \
		--mem-mode -F sample,symbol_daddr --stdio 2> /dev/null |
		awk '/^ *[0-9]+ +\[/ { print $3, $1 }' > "$tmp/ds.perf"
	$AUXREC script --json --itrace=i -i "$tmp/workload.data" > "$tmp/ds.json" \
		2> "$tmp/ds.err" || why="auxrec script --json exit status $?: $(head -1 "$tmp/ds.err")"
	$AUXREC script --itrace=i -i "$tmp/workload.data" > "$tmp/ds.txt" 2>> "$tmp/ds.err" ||
		why="auxrec script exit status $?: $(head -1 "$tmp/ds.err")"
	readelf -sW "$w" > "$tmp/ds.syms"
	[ -z "$why" ] && why=$(python3 - "$tmp/ds.json" "$tmp/ds.txt" "$tmp/ds.syms" "$w" \
				"$tmp/ds.perf" 3> "$tmp/ds.count" <<'PY'
import collections, json, os, sys
syms = []
for l in open(sys.argv[3]):
    f = l.split()
    if len(f) == 8 and f[3] in ("OBJECT", "FUNC") and int(f[1], 16) and int(f[2], 0):
        syms.append((int(f[1], 16), int(f[2], 0), f[7]))
def sym_of(a):
    hits = [s for s in syms if s[0] <= a < s[0] + s[1]]
    return hits[0] if len(set((s[0], s[1]) for s in hits)) == 1 else None
ev = [json.loads(l) for l in open(sys.argv[1])]
ev = [e for e in ev if e["type"] == "mem_sample"]
text = [l for l in open(sys.argv[2]) if " mem_sample " in l]
names = {}
if len(text) != len(ev):
    print("%d text samples, %d JSON" % (len(text), len(ev)), end=""); sys.exit()
for e, t in zip(ev, text):
    a = int(e["vaddr"], 16)
    s = sym_of(a)
    if s is None:
        print("vaddr %#x: no single ELF symbol" % a, end=""); sys.exit()
    got = (e.get("vaddr_sym"), e.get("vaddr_symoff"), e.get("vaddr_dso"))
    if got != (s[2], a - s[0], sys.argv[4]):
        print("vaddr %#x: %s, readelf %s+%#x" % (a, got, s[2], a - s[0]), end=""); sys.exit()
    want = " vaddr %#x %s+%#x (%s) " % (a, s[2], a - s[0], sys.argv[4])
    if want not in t:
        print("text %r lacks %r" % (t.strip(), want), end=""); sys.exit()
    names[s[2]] = names.get(s[2], 0) + 1
perf = collections.Counter()
for l in open(sys.argv[5]):
    f = l.split()
    perf[f[0]] += int(f[1])
mine = collections.Counter("%s+%#x" % (e["vaddr_sym"], e["vaddr_symoff"]) for e in ev)
if perf and perf != mine:
    d = sorted((perf - mine).items())[:3] + sorted((mine - perf).items())[:3]
    print("samples by data symbol+offset differ from perf report's: %s" % d, end=""); sys.exit()
os.write(3, ("%d samples: %s" % (len(ev), ", ".join("%s %d" % n for n in sorted(names.items())))).encode())
PY
)
	if [ -z "$why" ] && python3 -c 'import jsonschema' 2> /dev/null &&
	   ! { python3 tests/tools/json_check.py docs/schema/script.schema.json "$tmp/ds.json" &&
	       python3 tests/tools/json_check.py docs/schema/report.schema.json \
		"$tmp/workload.dsym.json" &&
	       python3 tests/tools/json_check.py docs/schema/report.schema.json \
		"$tmp/workload.dsds.json"; } > "$tmp/ds.check" 2>&1; then
		why="schema: $(tail -1 "$tmp/ds.check")"
	fi
	verdict spe-script-data-symbols "$why" "$(cat "$tmp/ds.count" 2> /dev/null), as readelf -s${have_perf:+ and perf report -s symbol_daddr}"
}

# report rows against the script's samples, and perf report's counts
check_report() {	# name
	local n=$1 why=
	$AUXREC report --json -i "$tmp/$n.data" > "$tmp/$n.rep.json" 2> "$tmp/$n.rep.err" ||
		why="auxrec report exit status $?: $(head -1 "$tmp/$n.rep.err")"
	$AUXREC report --json --sort data_src -i "$tmp/$n.data" > "$tmp/$n.src.json" \
		2>> "$tmp/$n.rep.err" || why="auxrec report --sort data_src exit status $?"
	$AUXREC report --json --sort data_sym -i "$tmp/$n.data" > "$tmp/$n.dsym.json" \
		2>> "$tmp/$n.rep.err" || why="auxrec report --sort data_sym exit status $?"
	$AUXREC report --json --sort data_sym,data_src -i "$tmp/$n.data" > "$tmp/$n.dsds.json" \
		2>> "$tmp/$n.rep.err" || why="auxrec report --sort data_sym,data_src exit status $?"
	$AUXREC report --json --sort sym,data_src -i "$tmp/$n.data" > "$tmp/$n.sds.json" \
		2>> "$tmp/$n.rep.err" || why="auxrec report --sort sym,data_src exit status $?"
	$AUXREC report --sort data_src,sym -i "$tmp/$n.data" > "$tmp/$n.dssym.txt" \
		2>> "$tmp/$n.rep.err" || why="auxrec report --sort data_src,sym exit status $?"
	$AUXREC script --json --itrace=i -i "$tmp/$n.data" > "$tmp/$n.rep.script" 2>> "$tmp/$n.rep.err"
	if [ -n "$have_perf" ]; then
		timeout 120 perf report -i "$tmp/$n.data" --itrace=i1i --stdio -s sym -F sample,sym \
			2> /dev/null | awk '/^ *[0-9]+ +\[/ { print $3, $1 }' | sort > "$tmp/$n.perf.rep"
	fi
	[ -z "$why" ] && why=$(python3 - "$tmp/$n.rep.json" "$tmp/$n.src.json" "$tmp/$n.rep.script" \
				"$tmp/$n.perf.rep" "$tmp/$n.dsym.json" "$tmp/$n.dsds.json" "$tmp/$n.sds.json" \
				"$tmp/$n.dssym.txt" 3> "$tmp/$n.rep.count" <<'PY'
import json, os, sys
rep, src = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
dsym = json.load(open(sys.argv[5]))
dsds, sds = json.load(open(sys.argv[6])), json.load(open(sys.argv[7]))
ev = [json.loads(l) for l in open(sys.argv[3])]
ev = [e for e in ev if e["type"] == "mem_sample"]
LVL = ["L1", "LFB", "L2", "L3", "RAM"]
def ds_name(ds):
    op, lvl, num = ds & 0x1f, (ds >> 5) & 0x3fff, (ds >> 33) & 0xf
    if not op & 6:
        return "none"
    where = {1: "L1", 2: "L2", 3: "L3", 4: "L4", 0xb: "any cache", 0xc: "LFB", 0xd: "RAM",
             0xe: "PMEM"}.get(num)
    for i, n in enumerate(LVL):
        if where is None and lvl & (8 << i):
            where = n
    hm = "" if where is None else " miss" if lvl & 4 else " hit" if lvl & 2 else ""
    return "%s %s%s%s" % ("load" if op & 2 else "store", "remote " if ds >> 37 & 1 else "",
                          where or "N/A", hm)
def stats(lats):
    lats = sorted(lats)
    pc = lambda p: lats[max(0, -(-p * len(lats) // 100) - 1)] if lats else 0
    return {"count": len(lats), "mean": sum(lats) / len(lats) if lats else 0,
            "p50": pc(50), "p90": pc(90), "p99": pc(99), "max": pc(100)}
def check(doc, key, name_of):	# key: a field, or a tuple of fields
    groups = {}
    for e in ev:
        groups.setdefault(name_of(e), []).append(e.get("total_latency"))
    if doc["samples"] != len(ev):
        return "%d samples, script %d" % (doc["samples"], len(ev))
    if len(doc["entries"]) != len(groups):
        return "%d rows by %s, script %d" % (len(doc["entries"]), key, len(groups))
    for row in doc["entries"]:
        name = tuple(row[k] for k in key) if isinstance(key, tuple) else row[key]
        g = groups.get(name, [])
        lat = row["latency"]
        want = stats([x for x in g if x is not None])
        got = dict(lat, mean=want["mean"] if abs(lat["mean"] - want["mean"]) <=
                   1e-5 * max(1, want["mean"]) else lat["mean"])	# 6 digits printed
        if row["samples"] != len(g) or got != want:
            return "%s %s: %d samples %s, script %d %s" % (key, name, row["samples"], got,
                                                           len(g), want)
    return None
dsym_of = lambda e: e.get("vaddr_sym") or "[unknown]"
src_of = lambda e: ds_name(int(e.get("data_src", "0x0"), 16))
sym_of = lambda e: e.get("from_sym") or "[unknown]"
why = check(rep, "sym", lambda e: e.get("from_sym") or "[unknown]") or \
      check(src, "data_src", lambda e: ds_name(int(e.get("data_src", "0x0"), 16))) or \
      check(dsym, "data_sym", dsym_of) or \
      check(dsds, ("data_sym", "data_src"), lambda e: (dsym_of(e), src_of(e))) or \
      check(sds, ("sym", "data_src"), lambda e: (sym_of(e), src_of(e)))
# the text rows: data source | symbol, as many as the JSON rows of sym,data_src
text = [l.rstrip("\n") for l in open(sys.argv[8]) if not l.startswith("#")]
if not why and sorted(l.split("  ")[-1] for l in text) != sorted(
        "%s | %s" % (r["data_src"], r["sym"]) for r in sds["entries"]):
    why = "report --sort data_src,sym text rows %s" % text[:3]
if not why and len({(r["data_sym"], r["data_src"]) for r in dsds["entries"]}) <= len(dsym["entries"]):
    why = "data_sym,data_src has no more rows than data_sym"
os.write(3, ("; %d rows by data_sym,data_src, %d by sym,data_src" % (
    len(dsds["entries"]), len(sds["entries"]))).encode())
if not why and any(r["data_dso"] != next(e.get("vaddr_dso") for e in ev
                                         if (e.get("vaddr_sym") or "[unknown]") == r["data_sym"])
                   for r in dsym["entries"]):
    why = "a data_sym row's data_dso is not its samples' vaddr_dso"
if not why and os.path.getsize(sys.argv[4]):
    perf = sorted(l.split() for l in open(sys.argv[4]))
    mine = sorted([r["sym"], str(r["samples"])] for r in rep["entries"] if r["sym"] != "[unknown]")
    if perf != mine:
        why = "samples by symbol %s, perf report %s" % (mine, perf)
print(why or "", end="")
PY
)
	verdict "spe-report-$n" "$why" "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["samples"], "samples in", len(d["entries"]), "symbols", end="")' "$tmp/$n.rep.json" 2>/dev/null)$(cat "$tmp/$n.rep.count" 2> /dev/null)"
}

# per CPU without CONTEXT packets: the tid of a sample is that of the task
# switched in last on its CPU (PERF_RECORD_SWITCH_CPU_WIDE, as perf 6.1
# takes it): pd-gen --switch hands CPU 0 to other processes at three times
# between samples; each timed sample's tid is the owner at its time
# (computed here from the switches), and `perf script`'s tids are auxrec's
switch_tids() {
	local why= sw=(--switch 5:4242 --switch 1200001:5001 --switch 2400001:5002
		       --switch 3600001:4242)
	make_file switches --cpu-wide "${sw[@]}" -- random "$tmp/switches.spe" 13 2000 \
		--no-context || why="pd-gen failed: $(head -1 "$tmp/switches.gen")"
	$AUXREC script --json --itrace=i -i "$tmp/switches.data" > "$tmp/switches.json" \
		2> "$tmp/switches.err" || why=${why:-"auxrec script: $(head -1 "$tmp/switches.err")"}
	[ -z "$why" ] && why=$(python3 - "$tmp/switches.json" "${sw[@]}" 3> "$tmp/switches.count" <<'PY'
import collections, json, os, sys
sw = [tuple(int(x) for x in a.split(":")) for a in sys.argv[3::2]]
ev = [json.loads(l) for l in open(sys.argv[1])]
ev = [e for e in ev if e["type"] == "mem_sample"]
timed = [e for e in ev if e.get("time")]
for e in timed:
    want = [pid for t, pid in sw if t <= e["time"]][-1]
    if (e["tid"], e["pid"]) != (want, want):
        print("sample at %d: pid/tid %d/%d, switched in: %d" % (e["time"], e["pid"], e["tid"], want),
              end=""); sys.exit()
n = collections.Counter(e["tid"] for e in timed)
if len(n) != 3 or len(timed) < 1500:
    print("%d timed samples, tids %s" % (len(timed), dict(n)), end=""); sys.exit()
os.write(3, ("%d timed samples: %s" % (len(timed), ", ".join(
    "tid %d %d" % t for t in sorted(n.items())))).encode())
PY
)
	verdict spe-script-tid-from-switches "$why" "$(cat "$tmp/switches.count" 2> /dev/null)"
	[ -z "$why" ] && check_script switches fi
}

# kernel data symbols: records whose data addresses are in the kernel (the
# objects of the kallsyms fixture tests/data/kallsyms: D, r, B and d
# symbols, and text) or nowhere, read with `--kallsyms`: each vaddr's
# symbol, offset and dso are the fixture's (the last symbol of a type
# kallsyms symbols have at or before it, up to the next line of any type;
# of aliases any),
# in JSON and text, `report --sort data_sym` counts them so, and without
# --kallsyms (a file of another machine) kernel data addresses have none
kernel_data_syms() {
	local why= k=tests/data/kallsyms
	python3 - "$k" > "$tmp/kd.desc" <<'PY'
import random, sys
addrs = [int(l.split()[0], 16) for l in open(sys.argv[1]) if l.split()[0].startswith("ffffffff8")]
r = random.Random(5)
lo, hi = min(addrs), max(addrs) + 0x200
for i in range(400):
    va = r.randrange(lo, hi) if r.randrange(8) else 0x7f0000001000 + r.randrange(1 << 16)
    print("pc=%#x op=%s va=%#x lat=%d issue=1 events=0x6 ds=0" % (
        0x400000 + 4 * r.randrange(64), r.choice(["ld", "st"]), va, r.randrange(1, 300)))
PY
	make_file kdata -- workload "$tmp/kdata.spe" "$tmp/kd.desc" || why="pd-gen failed"
	$AUXREC script --json --itrace=i --kallsyms "$k" -i "$tmp/kdata.data" > "$tmp/kd.json" \
		2> "$tmp/kd.err" || why=${why:-"auxrec script --json: $(head -1 "$tmp/kd.err")"}
	$AUXREC script --itrace=i --kallsyms "$k" -i "$tmp/kdata.data" > "$tmp/kd.txt" \
		2>> "$tmp/kd.err" || why=${why:-"auxrec script: $(head -1 "$tmp/kd.err")"}
	$AUXREC report --json --sort data_sym --kallsyms "$k" -i "$tmp/kdata.data" \
		> "$tmp/kd.rep" 2>> "$tmp/kd.err" || why=${why:-"auxrec report: $(head -1 "$tmp/kd.err")"}
	$AUXREC script --json --itrace=i -i "$tmp/kdata.data" > "$tmp/kd.none.json" 2>> "$tmp/kd.err"
	[ -z "$why" ] && why=$(python3 - "$k" "$tmp/kd.json" "$tmp/kd.txt" "$tmp/kd.rep" \
				"$tmp/kd.none.json" 3> "$tmp/kd.count" <<'PY'
import collections, json, os, sys
lines = sorted((int(f[0], 16), f[1], f[2]) for f in (l.split() for l in open(sys.argv[1])))
def sym_of(a):
    prev = [l for l in lines if l[0] <= a]
    if not prev or a < 0xffff800000000000:
        return None
    start = max(l[0] for l in prev)
    nxt = [l[0] for l in lines if l[0] > start]
    named = [l for l in prev if l[0] == start and l[1] in "tTwWdDbBrR"]
    if not named or (nxt and a >= min(nxt)) or (not nxt and a >= start + 4096):
        return None
    return {l[2] for l in named}, a - start	# aliases: auxrec keeps one, as perf
ev = [e for e in map(json.loads, open(sys.argv[2])) if e["type"] == "mem_sample"]
text = [l for l in open(sys.argv[3]) if " mem_sample " in l]
none = [e for e in map(json.loads, open(sys.argv[5])) if e["type"] == "mem_sample"]
if len(ev) != 400 or len(text) != 400 or len(none) != 400:
    print("%d JSON, %d text, %d without --kallsyms samples, 400 records" % (
        len(ev), len(text), len(none)), end=""); sys.exit()
names = collections.Counter()
for e, t, n in zip(ev, text, none):
    a = int(e["vaddr"], 16)
    want = sym_of(a)
    got = (e.get("vaddr_sym"), e.get("vaddr_symoff"))
    if want and (got[0] not in want[0] or got[1] != want[1] or
                 e.get("vaddr_dso") != "[kernel.kallsyms]"):
        print("vaddr %#x: %s in %s, kallsyms %s" % (a, got, e.get("vaddr_dso"), want), end="")
        sys.exit()
    if not want and got[0]:
        print("vaddr %#x: %s, kallsyms none" % (a, got), end=""); sys.exit()
    if want and " vaddr %#x %s+%#x ([kernel.kallsyms]) " % (a, got[0], want[1]) not in t:
        print("text %r lacks vaddr %#x %s+%#x" % (t.strip(), a, got[0], want[1]), end="")
        sys.exit()
    if a >= 0xffff800000000000 and n.get("vaddr_sym"):
        print("vaddr %#x has %s without --kallsyms" % (a, n["vaddr_sym"]), end=""); sys.exit()
    names[got[0] if want else "[unknown]"] += 1
rows = {r["data_sym"]: r["samples"] for r in json.load(open(sys.argv[4]))["entries"]}
if rows != dict(names):
    print("report --sort data_sym %s, script %s" % (rows, dict(names)), end=""); sys.exit()
os.write(3, ", ".join("%s %d" % n for n in sorted(names.items())).encode())
PY
)
	verdict spe-kernel-data-symbols "$why" "$(cat "$tmp/kd.count" 2> /dev/null)"
}

raw_packets
dump_schema
for seed in 1 2 3; do
	make_file "random$seed" -- random "$tmp/random$seed.spe" "$seed" 2000 &&
		check_dump "random$seed"
	make_file "damaged$seed" -- random "$tmp/damaged$seed.spe" "$seed" 2000 --dump-only &&
		check_dump "damaged$seed"
done
make_file v2 --v2 0x410fd0c0 -- random "$tmp/v2.spe" 7 1000 && check_dump v2
make_file cpuwide --cpu-wide -- random "$tmp/cpuwide.spe" 8 1000 && check_dump cpuwide

# perf 6.1 stops decoding a per-thread buffer at a CONTEXT packet (it
# cannot set the tid of CPU -1): per-thread files have none, the per-CPU
# one has one in each record
make_file thread -- random "$tmp/thread.spe" 11 3000 --no-context &&
	for l in fmtbaMi f M b ta; do check_script thread $l; done

# perf 6.1 reads no samples from the versioned AUXTRACE_INFO layout (it
# takes the version word for the PMU type): auxrec's samples of a v2 file
# (MIDR 0: the generic data source) are those of the same stream in v1
v2_script() {
	local why=
	make_file thread-v2 --v2 0 -- random "$tmp/thread-v2.spe" 11 3000 --no-context ||
		why="pd-gen failed"
	$AUXREC script --json --itrace=i -i "$tmp/thread.data" > "$tmp/v1.json" 2>&1
	$AUXREC script --json --itrace=i -i "$tmp/thread-v2.data" > "$tmp/v2.json" 2>&1
	[ -z "$why" ] && ! cmp -s "$tmp/v1.json" "$tmp/v2.json" && why="they differ"
	[ -z "$why" ] && [ "$(grep -c mem_sample "$tmp/v2.json")" -lt 3000 ] && why="too few samples"
	verdict spe-script-v2-layout "$why" "$(grep -c mem_sample "$tmp/v2.json") samples as in v1"
}
v2_script
make_file context --cpu-wide -- random "$tmp/context.spe" 12 2000 --context &&
	check_script context fmtbaMi
switch_tids
kernel_data_syms
workload && { for l in fmtbaMi fM; do check_script workload $l; done; check_report workload
	       check_data_syms; }
