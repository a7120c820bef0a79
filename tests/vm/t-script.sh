#!/bin/bash
# End to end: a real program's control flow (single-stepped on the host by
# tests/gt/gt-record and encoded as Intel PT) is replayed by the test PMU
# impersonating intel_pt in the guest while the same static binary runs
# there; auxrec records it, and `auxrec script` on the host must reproduce
# the recorded branches exactly (both stream variants: returns as TIP and
# compressed returns), with symbols from the binary, and with --srcline
# source lines from the binary rebuilt with -g.
cd "$(dirname "$0")/../.." || exit 1
A=${AUXREC:-./auxrec}	# records in the guest (tests/vm/run stages it), decodes here
OUT=build/vm/t-script.out
rm -rf "$OUT"; mkdir -p "$OUT/symfs/in"
. tests/gt/build-tools.sh
gt_record_spin script_e2e "$OUT" 40 || { [ $? = 77 ] && exit 0; exit 1; }

# the guest: one recording per stream variant, the binary runs long enough
if ! tests/vm/run --module-arg name=intel_pt --module-arg mode=1 --module-arg once=1 \
	--module-arg rate=1048576 --in "$OUT/symfs/in/spin" --in "$OUT/spin.pt" \
	--in "$OUT/spin-rc.pt" --out "$OUT/guest" -- '
	for v in spin spin-rc; do
		cat /in/$v.pt > /sys/kernel/debug/auxtest/replay || exit 1
		auxrec record -e intel_pt// --per-thread -o /out/$v.data -- /in/spin 20000000 || exit 1
	done' > "$OUT/guest.log" 2>&1; then
	echo "not ok guest_run: $(tail -3 "$OUT/guest.log")"; exit 1
fi

for v in spin spin-rc; do
	want="$OUT/$v.branches"
	if ! "$A" script -i "$OUT/guest/$v.data" --symfs "$OUT/symfs" --json > "$OUT/$v.json" 2> "$OUT/$v.err"; then
		echo "not ok script_$v: $(head -2 "$OUT/$v.err")"; continue
	fi
	tests/gt/script-to-gt.py < "$OUT/$v.json" > "$OUT/$v.got"
	n=$(wc -l < "$want")
	if cmp -s "$want" "$OUT/$v.got"; then
		echo "ok script_e2e_$v ($n events)"
	else
		echo "not ok script_e2e_$v: auxrec script differs from the recorded flow"
		diff "$want" "$OUT/$v.got" | head -8
	fi
done

# the text output names the functions the program really has, and the
# binary as recorded (/in/spin, opened under --symfs), as perf script does
# (t-perf-interop's symfs-names-as-perf; Debian's perf decodes no branch
# of this recording)
if "$A" script -i "$OUT/guest/spin.data" --symfs "$OUT/symfs" 2>/dev/null | grep -q ' mix+0x0 (/in/spin) *$'; then
	echo "ok script_symbols"
else
	echo "not ok script_symbols: no branch into mix+0x0 (/in/spin)"
fi
# --itrace=c: of the branches, calls only (trace begin/end stay, as in perf)
calls=$("$A" script -i "$OUT/guest/spin.data" --symfs "$OUT/symfs" --itrace=c --json | grep -c '"kind":"call"')
want_calls=$(grep -c '^call ' "$OUT/spin.branches")
total=$("$A" script -i "$OUT/guest/spin.data" --symfs "$OUT/symfs" --itrace=c --json | grep -c '"type":"branch"')
[ "$calls" = "$want_calls" ] && [ "$total" = "$calls" ] && echo "ok script_itrace_calls ($calls)" ||
	echo "not ok script_itrace_calls: $calls of $total lines are calls, want $want_calls"
# a missing binary: decoding goes on and the binary is named
"$A" script -i "$OUT/guest/spin.data" > /dev/null 2> "$OUT/missing.err"
grep -q 'cannot read /in/spin' "$OUT/missing.err" && echo "ok script_names_missing_binary" ||
	echo "not ok script_names_missing_binary: $(cat "$OUT/missing.err")"

# report: every instruction of the recorded flow is counted once
want_insns=$(awk '{n += $4} END {print n}' "$OUT/spin.branches")
if "$A" report -i "$OUT/guest/spin.data" --symfs "$OUT/symfs" --json > "$OUT/report.json" &&
   python3 - "$OUT/report.json" "$want_insns" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
want = int(sys.argv[2])
assert r["insns"] == want, (r["insns"], want)
assert sum(e["insns"] for e in r["entries"]) == want
assert any(e["sym"] == "mix" and e["insns"] > 0 for e in r["entries"])
PY
then
	echo "ok report_counts_every_insn ($want_insns)"
else
	echo "not ok report_counts_every_insn: want $want_insns: $(head -c 300 "$OUT/report.json")"
fi

# --srcline end to end: the recording with its binary rebuilt with -g (same
# code), so branches get spin.c source lines from its DWARF
T=$OUT/srcline
mkdir -p "$T/e2e/in"
gcc -O1 -g -static -no-pie -o "$T/e2e/in/spin" tests/gt/progs/spin.c
if ! cmp -s <(objcopy -O binary -j .text "$OUT/symfs/in/spin" /dev/stdout) \
	<(objcopy -O binary -j .text "$T/e2e/in/spin" /dev/stdout); then
	echo "skip script-srcline-e2e: spin built with -g has other code"
else
	"$A" script -i "$OUT/guest/spin.data" --symfs "$T/e2e" --srcline --json > "$T/e2e.json" 2> "$T/e2e.err"
	n=$(python3 -c '
import json, sys
n = 0
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["type"] == "branch" and (e.get("from_srcline") or "").split(":")[0].endswith("spin.c"):
        n += 1
print(n)' "$T/e2e.json")
	[ "${n:-0}" -gt 0 ] && echo "ok script-srcline-e2e ($n branches from spin.c lines)" ||
		echo "not ok script-srcline-e2e: no spin.c srclines: $(head -c 300 "$T/e2e.json") $(cat "$T/e2e.err")"
	"$A" script -i "$OUT/guest/spin.data" --symfs "$T/e2e" --srcline > "$T/e2e.txt" 2>&1
	grep -q "+0x[0-9a-f]* [^ ]*spin.c:[0-9]* (/in/spin)" "$T/e2e.txt" && echo "ok script-srcline-text" ||
		echo "not ok script-srcline-text: $(head -3 "$T/e2e.txt")"
fi
