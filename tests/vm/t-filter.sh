#!/bin/bash
# record --filter on the real kernel path: the auxtest module as intel_pt
# with nr_addr_filters=2 shows the ranges the kernel gave it (debugfs
# `filters`). For a static non-PIE and a static PIE build of
# tests/gt/progs/spin.c, `--filter 'filter mix @ BIN, start main @ BIN'`
# must reach the PMU as mix's and main's run-time addresses (the binary's
# MMAP2 records in the recording + the symbols' file offsets from readelf),
# and tracestop with a raw range likewise; bad filters are refused with one
# line and status 1.
cd "$(dirname "$0")/../.." || exit 1
A=${AUXREC:-./auxrec}
OUT=build/vm/t-filter.out
rm -rf "$OUT"; mkdir -p "$OUT"
gcc -O1 -static -no-pie -o "$OUT/spin-exec" tests/gt/progs/spin.c &&
	gcc -O1 -static-pie -o "$OUT/spin-pie" tests/gt/progs/spin.c || { echo "not ok compile"; exit 1; }
# a raw range: the file offset of mix in the PIE (the kernel places filters in executable mappings)
raw=$(python3 - "$OUT/spin-pie" <<'PY'
import subprocess, sys
sym = [l.split() for l in subprocess.run(["readelf", "-sW", sys.argv[1]], capture_output=True,
       text=True).stdout.splitlines()]
va = next(int(f[1], 16) for f in sym if len(f) >= 8 and f[7] == "mix")
for l in subprocess.run(["readelf", "-lW", sys.argv[1]], capture_output=True, text=True).stdout.splitlines():
    f = l.split()
    if f and f[0] == "LOAD" and int(f[2], 16) <= va < int(f[2], 16) + int(f[4], 16):
        print("0x%x" % (va - int(f[2], 16) + int(f[1], 16)))
PY
)

if ! tests/vm/run --module-arg name=intel_pt --module-arg nr_addr_filters=2 \
	--in "$OUT/spin-exec" --in "$OUT/spin-pie" --out "$OUT/guest" --timeout 200 -- '
	D=/sys/kernel/debug/auxtest
	cat /sys/bus/event_source/devices/intel_pt/nr_addr_filters > /out/nr
	rec() {	# NAME FILTER BIN
		echo 1 > $D/reset
		auxrec record -e intel_pt// --filter "$2" -o /out/$1.data -- $3 200000 > /out/$1.out 2>&1
		echo $? > /out/$1.rc
		cat $D/filters > /out/$1.filters
	}
	rec exec "filter mix @ /in/spin-exec, start main @ /in/spin-exec" /in/spin-exec
	rec pie "filter mix @ /in/spin-pie start main@/in/spin-pie" /in/spin-pie
	rec raw "tracestop '$raw'/0x200@/in/spin-pie" /in/spin-pie
	bad() {	# NAME ARGS...
		n=$1; shift
		auxrec record -e intel_pt// -o /out/bad.data "$@" > /out/$n.out 2>&1
		echo $? > /out/$n.rc
	}
	bad bad_symbol --filter "filter nosuch @ /in/spin-pie" -- /in/spin-pie 1
	bad bad_action --filter "trace mix @ /in/spin-pie" -- /in/spin-pie 1
	bad bad_count --filter "filter mix @ /in/spin-pie, start main @ /in/spin-pie, stop mix @ /in/spin-pie" -- /in/spin-pie 1
	bad bad_file --filter "filter mix @ /in/nosuch" -- /in/spin-pie 1
	bad bad_range --filter "start mix/main @ /in/spin-pie" -- /in/spin-pie 1
	bad bad_cpuwide --filter "filter mix @ /in/spin-pie" -a -- sleep 0.1
	' > "$OUT/guest.log" 2>&1; then
	echo "not ok guest_run: $(tail -3 "$OUT/guest.log")"; exit 1
fi
G=$OUT/guest
[ "$(cat "$G/nr")" = 2 ] && echo "ok filter_nr_addr_filters_in_sysfs" ||
	echo "not ok filter_nr_addr_filters_in_sysfs: $(cat "$G/nr")"

expect() {	# NAME BIN SPEC...: the module's ranges == what SPEC means in BIN's mapping
	local n=$1 bin=$2; shift 2
	if [ "$(cat "$G/$n.rc")" != 0 ]; then
		echo "not ok filter_$n: status $(cat "$G/$n.rc"): $(head -2 "$G/$n.out")"; return
	fi
	"$A" dump -i "$G/$n.data" --json --no-packets > "$OUT/$n.dump" 2>&1
	if python3 - "$OUT/$bin" "/in/$bin" "$OUT/$n.dump" "$G/$n.filters" "$@" > "$OUT/$n.check" <<'PY'
import json, subprocess, sys
binary, guest_path, dump, filters = sys.argv[1:5]
specs = sys.argv[5:]
syms = {}
for l in subprocess.run(["readelf", "-sW", binary], capture_output=True, text=True).stdout.splitlines():
    f = l.split()
    if len(f) >= 8 and f[3] == "FUNC" and f[6] != "UND":
        syms[f[7]] = (int(f[1], 16), int(f[2], 0))
loads = []
for l in subprocess.run(["readelf", "-lW", binary], capture_output=True, text=True).stdout.splitlines():
    f = l.split()
    if f and f[0] == "LOAD":
        loads.append((int(f[1], 16), int(f[2], 16), int(f[4], 16)))  # offset, vaddr, filesz
maps = []
for l in open(dump):
    r = json.loads(l)
    if r.get("record") == "mmap2" and r.get("filename") == guest_path:
        maps.append((int(r["start"], 16), int(r["len"]), int(r["pgoff"])))
def runtime(off):
    for addr, ln, pgoff in maps:
        if pgoff <= off < pgoff + ln:
            return addr + off - pgoff
    raise SystemExit("file offset 0x%x in no MMAP2 of %s: %s" % (off, guest_path, maps))
def file_off(vaddr):
    for off, va, sz in loads:
        if va <= vaddr < va + sz:
            return vaddr - va + off
want = []
for s in specs:
    action, what = s.split(":")
    if "/" in what:
        a, size = what.split("/")
        want.append("%s 0x%x 0x%x" % (action, runtime(int(a, 0)), int(size, 0)))
    else:
        va, size = syms[what]
        want.append("%s 0x%x 0x%x" % (action, runtime(file_off(va)), size if action == "filter" else 0))
got = [l.strip() for l in open(filters) if l.strip()]
print("# want", want, "got", got, "maps", [hex(m[0]) for m in maps])
sys.exit(0 if got == want else 1)
PY
	then
		echo "ok filter_$n # $(grep -c . "$G/$n.filters") ranges as the binary's mapping says"
	else
		echo "not ok filter_$n: $(tail -2 "$OUT/$n.check")"
	fi
}
expect exec spin-exec filter:mix start:main
expect pie spin-pie filter:mix start:main
expect raw spin-pie "stop:$raw/0x200"

# AUXTRACE_INFO carries the filter as perf writes it: perf report -D shows it
if command -v perf > /dev/null; then
	perf report -D -i "$G/pie.data" > "$OUT/pie.perf" 2> "$OUT/pie.perf.err"
	prc=$?
	fs=$(grep -v 'Filter string len' "$OUT/pie.perf" | sed -n 's/^ *Filter string *//p' | head -1)
	if [ $prc = 0 ] && [[ $fs == "filter 0x"*"/0x36@/in/spin-pie,start 0x"*"@/in/spin-pie" ]]; then
		echo "ok filter_in_auxtrace_info # perf: $fs"
	else
		echo "not ok filter_in_auxtrace_info: perf status $prc, filter string '$fs': $(head -2 "$OUT/pie.perf.err")"
	fi
else
	echo "skip filter_in_auxtrace_info: no perf on the host"
fi

. tests/vm/errcheck.sh
errcheck "$G" bad_symbol "no function 'nosuch' in /in/spin-pie" filter_
errcheck "$G" bad_action "'trace' is not an action (filter, start, stop, tracestop)" filter_
errcheck "$G" bad_count "3 filters, the PMU takes 2 (nr_addr_filters)" filter_
errcheck "$G" bad_file "cannot find /in/nosuch" filter_
errcheck "$G" bad_range "start takes one address, not a range" filter_
errcheck "$G" bad_cpuwide "need a traced task" filter_
