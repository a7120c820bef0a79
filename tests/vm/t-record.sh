#!/bin/bash
# auxrec record on the real kernel AUX path (QEMU guest, auxtest PMU in
# pattern mode): for every scenario of guest-record.sh, every byte the module
# emitted is in the file exactly once and in order, the sequence gaps equal
# the module's dropped counts, and AUX records and TRUNCATED flags match.
cd "$(dirname "$0")/../.." || exit 1
# $AUXREC runs in the guest (tests/vm/run stages it) and reads back on the host
A=${AUXREC:-./auxrec}
V=${AUXREC_BUILD:-build}/tests/tools/aux_verify
OUT=build/vm/t-record.out
[ -x "$A" ] && [ -x $V ] || { echo "not ok build: $A or $V missing (make all tools)"; exit 1; }
rm -rf "$OUT"; mkdir -p "$OUT"

. tests/check-lib.sh
guest_script record "$OUT" 400 --cpus 2 || exit 1

verify() {	# NAME [aux_verify options]: rc 0, summary line, ground truth holds
	local n=$1; shift
	local rc; rc=$(cat "$OUT/$n.rc" 2>/dev/null)
	if [ "$rc" != "${WANT_RC:-0}" ]; then
		echo "not ok record_$n: exit status $rc: $(head -3 "$OUT/$n.out")"; return
	fi
	if ! grep -q '^\[ auxrec record: .* -> ' "$OUT/$n.out"; then
		echo "not ok record_$n: no summary line: $(head -3 "$OUT/$n.out")"; return
	fi
	if $V "$OUT/$n.data" --percpu "$OUT/$n.percpu" --streams "$OUT/$n.streams" "$@" > "$OUT/$n.verify"; then
		echo "ok record_$n # $(grep -E '^# (aux_bytes|module_dropped|truncated|streams)' "$OUT/$n.verify" | tr '\n' ' ')"
	else
		echo "not ok record_$n: $(grep -v '^#' "$OUT/$n.verify" | head -5 | tr '\n' ' ')"
	fi
}

for n in cpu_1m cpu_4m_trunc cpu0_tiny pages_2 inherit per_thread pid sig_INT sig_TERM sig_HUP merged; do
	verify $n
done
WANT_RC=3 verify exit_code

# truncation really happened where the AUX area is small
grep -q '^# module_dropped [1-9]' "$OUT/cpu_4m_trunc.verify" && echo "ok overrun_drops_counted" ||
	echo "not ok overrun_drops_counted: the 64K scenario dropped nothing"
# the AUX wakeup: a quarter of the area, as perf: 4M (default) 1M, 64K 16K,
# 16K 4K, 8K (2 pages) 2K
wm() { "$A" dump -i "$OUT/$1.data" 2>/dev/null | sed -n 's/^# attr 0: .* aux_watermark \([0-9]*\).*/\1/p'; }
got="$(wm cpu_1m) $(wm cpu_4m_trunc) $(wm cpu0_tiny) $(wm pages_2)"
[ "$got" = "1048576 16384 4096 2048" ] && echo "ok aux_watermark_quarter" ||
	echo "not ok aux_watermark_quarter: got $got, want 1048576 16384 4096 2048"
# the inherited workload's children wrote their own streams into the buffers
s=$(sed -n 's/^# streams //p' "$OUT/inherit.verify")
[ "${s:-0}" -ge 3 ] && echo "ok inherit_streams # $s streams" || echo "not ok inherit_streams: $s streams"

# SIGKILL: the file is readable up to the last checkpoint
if "$A" dump -i "$OUT/sig_KILL.data" --stats > "$OUT/sig_KILL.dump" 2>&1 &&
   $V "$OUT/sig_KILL.data" > "$OUT/sig_KILL.verify" &&
   grep -q '^# aux_bytes [1-9]' "$OUT/sig_KILL.verify"; then
	echo "ok sigkill_file_readable # $(grep '^# aux_bytes' "$OUT/sig_KILL.verify")"
else
	echo "not ok sigkill_file_readable: $(head -3 "$OUT/sig_KILL.dump") $(grep -v '^#' "$OUT/sig_KILL.verify" | head -3)"
fi

errcheck() {	# NAME TEXT: status 1 and one line saying TEXT
	local rc; rc=$(cat "$OUT/$1.rc")
	if [ "$rc" = 1 ] && [ "$(wc -l < "$OUT/$1.out")" = 1 ] && grep -q "$2" "$OUT/$1.out"; then
		echo "ok $1"
	else
		echo "not ok $1: status $rc: $(cat "$OUT/$1.out")"
	fi
}
errcheck err_pmu "PMU not found"
errcheck err_term "unknown term 'bogus'"
errcheck err_pid "no process with pid 999999"
errcheck err_noaux "cannot write an AUX area"

if grep -q '^auxtest (type [0-9]*)' "$OUT/list.out" && python3 -c '
import json,sys
d=json.load(open(sys.argv[1])); p={x["name"]:x for x in d}
assert p["auxtest"]["aux"] is True, p
assert "software" not in p' "$OUT/list.json"; then
	echo "ok list_probes_aux"
else
	echo "not ok list_probes_aux: $(head -5 "$OUT/list.out")"
fi
