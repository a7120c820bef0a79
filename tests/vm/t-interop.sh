#!/bin/bash
# perf interop through the real kernel path (guest, test PMU named intel_pt):
# Debian's perf reads what auxrec records (perf report -D lists every AUX
# record the module made, no warnings; perf script runs), and auxrec reads
# what perf records (auxrec dump lists perf's AUX records, whose sizes add up
# to the bytes the module emitted).
cd "$(dirname "$0")/../.." || exit 1
OUT=build/vm/t-interop.out
rm -rf "$OUT"; mkdir -p "$OUT"
A=${AUXREC:-./auxrec}	# runs in the guest (tests/vm/run stages it)
[ -x "$A" ] || { echo "not ok build: $A missing"; exit 1; }
. tests/check-lib.sh
guest_script interop "$OUT" 400 --perf --module-arg name=intel_pt || exit 1
total() {	# FIELD FILE: the module's total of a counter
	sed -n "s/^total.* $1=\([0-9]*\).*/\1/p" "$2"
}

# auxrec -> perf
records=$(total records "$OUT/a.counters")
emitted=$(total emitted "$OUT/a.counters")
n=$(grep -c 'PERF_RECORD_AUX offset' "$OUT/a.txt")
bytes=$(sed -n 's/.*PERF_RECORD_AUX offset: [0-9a-fx]* size: \([0-9a-fx]*\).*/\1/p' "$OUT/a.txt" |
	while read -r s; do echo $((s)); done | awk '{n += $1} END {print n + 0}')
warn=$(grep -iv 'kptr_restrict\|kallsyms\|^$\|kernel samples\|can.t be resolved\|kernel modules\|Kernel address maps\|^Warning:$\|Check /proc' "$OUT/a.report.log" | head -3)
if [ "$(cat "$OUT/a.rec.rc")" != 0 ]; then
	echo "not ok auxrec_records_intel_pt: $(cat "$OUT/a.rec.log")"
elif [ "$(cat "$OUT/a.report.rc")" != 0 ] || [ -n "$warn" ]; then
	echo "not ok perf_report_D_reads_auxrec: rc $(cat "$OUT/a.report.rc"): $warn"
elif [ "$n" != "$records" ] || [ "$bytes" != "$emitted" ] || [ "${records:-0}" = 0 ]; then
	echo "not ok perf_report_D_reads_auxrec: perf lists $n AUX records of $bytes bytes, module made $records of $emitted"
else
	echo "ok perf_report_D_reads_auxrec # $n AUX records, $bytes bytes"
fi
[ "$(cat "$OUT/a.script.rc")" = 0 ] && echo "ok perf_script_reads_auxrec" ||
	echo "not ok perf_script_reads_auxrec: rc $(cat "$OUT/a.script.rc"): $(head -3 "$OUT/a.script.log")"

# perf -> auxrec (perf may write one AUX record twice: count distinct offsets)
records=$(total records "$OUT/p.counters")
emitted=$(total emitted "$OUT/p.counters")
if [ "$(cat "$OUT/p.rec.rc")" != 0 ]; then
	echo "not ok perf_records_intel_pt: $(tail -3 "$OUT/p.rec.log")"
elif [ "$(cat "$OUT/p.dump.rc")" != 0 ]; then
	echo "not ok auxrec_reads_perf_intel_pt: $(head -3 "$OUT/p.dump.log")"
elif python3 - "$OUT/p.json" "$records" "$emitted" <<'PY'
import json, sys
aux = {}
chunks = 0
for line in open(sys.argv[1]):
    o = json.loads(line)
    if o.get("record") == "aux":
        key = (o["aux_offset"], o.get("sample_id", {}).get("cpu"))
        aux[key] = o["aux_size"]
    if o.get("record") == "auxtrace":
        chunks += 1
want_records, want_bytes = int(sys.argv[2]), int(sys.argv[3])
got_bytes = sum(aux.values())
ok = len(aux) == want_records and got_bytes == want_bytes and chunks > 0
print("# %d distinct AUX records, %d bytes, %d chunks; module %d records, %d bytes"
      % (len(aux), got_bytes, chunks, want_records, want_bytes))
sys.exit(0 if ok else 1)
PY
then
	echo "ok auxrec_reads_perf_intel_pt"
else
	echo "not ok auxrec_reads_perf_intel_pt: AUX records differ from the module's counters"
fi
