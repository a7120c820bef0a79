#!/bin/bash
# t-faults.sh - faults during auxrec record in one QEMU guest boot
# (tests/vm/guest-faults.sh, the auxtest PMU impersonating intel_pt in
# pattern mode, so that perf knows its AUXTRACE_INFO): the disk fills up,
# the workload crashes, SIGINT/SIGTERM/SIGHUP at different moments (0.05 s
# to 2.1 s), the data ring loses records. After each the file reads back
# (auxrec dump in the guest; perf report -D here: status 0, no error line,
# as many records of each type as auxrec dump), holds every byte written before the fault
# (aux_verify: continuity; against the module's counters where nothing was
# cut short) and auxrec said what happened. Also: a symlink at the output
# path is refused, the output is mode 0600. Ends with "# faults N survived M".
cd "$(dirname "$0")/../.." || exit 1
# $AUXREC runs in the guest (tests/vm/run stages it) and reads back on the host
A=${AUXREC:-./auxrec}
V=${AUXREC_BUILD:-build}/tests/tools/aux_verify
OUT=build/vm/t-faults.out
[ -x "$A" ] && [ -x $V ] || { echo "not ok build: $A or $V missing (make all tools)"; exit 1; }
rm -rf "$OUT"; mkdir -p "$OUT"

PERF=${PERF:-perf}
command -v "$PERF" > /dev/null || { echo "not ok perf: no perf binary (install linux-perf)"; exit 1; }
. tests/check-lib.sh
guest_script faults "$OUT" 500 --module-arg name=intel_pt --cpus 2 || exit 1

faults=0 survived=0
result() {	# NAME WHY: WHY empty = ok
	faults=$((faults + 1))
	if [ -z "$2" ]; then
		survived=$((survived + 1))
		echo "ok fault_$1${3:+ # $3}"
	else
		echo "not ok fault_$1: $2"
	fi
}

# readable NAME: auxrec dump accepted the file, and perf report -D did:
# status 0, no line about an error or failure on stderr, and its closing
# counts per record type ("AUX events: N") equal auxrec dump's, so it read
# the file to the end
readable() {
	local f=$OUT/$1 rc type n want
	grep -q '^dump_rc 0$' "$f.dump" ||
		{ echo "auxrec dump failed: $(head -2 "$f.dump" | tr '\n' ' ')"; return; }
	"$PERF" report -D -i "$f.data" 2> "$f.perf" | sed -n '/^Aggregated stats/,$p' > "$f.perfstats"
	rc=${PIPESTATUS[0]}
	if [ "$rc" != 0 ] || grep -qi 'error\|fail' "$f.perf"; then
		echo "perf report -D: status $rc: $(grep -v '^$' "$f.perf" | head -3 | tr '\n' ' ')"
		return
	fi
	[ -s "$f.perfstats" ] || { echo "perf report -D printed no closing counts"; return; }
	while read -r type _ n _; do
		[ "$type" = TOTAL ] && continue
		want=$(sed -n "s/^  PERF_RECORD_$type  *\([0-9]*\)$/\1/p" "$f.dump")
		[ "$n" = "${want:-0}" ] ||
			{ echo "perf report -D counted $n $type records, auxrec dump ${want:-0}"; return; }
	done < <(sed -n 's/^ *\([A-Z_]*\) events: *\([0-9]*\).*/\1 events: \2 x/p' "$f.perfstats")
}

# verify NAME [aux_verify options]
verify() {
	local n=$1; shift
	$V "$OUT/$n.data" "$@" > "$OUT/$n.verify" ||
		echo "aux_verify: $(grep -v '^#' "$OUT/$n.verify" | head -3 | tr '\n' ' ')"
}
aux_bytes() { sed -n 's/^# aux_bytes //p' "$OUT/$1.verify"; }

# 1. disk full: non-zero, one error line about space, the prefix is intact
n=disk_full rc=$(cat "$OUT/$n.rc")
why=$(readable $n)
[ -z "$why" ] && why=$(verify $n --prefix)
if [ -z "$why" ]; then
	if [ "$rc" = 0 ]; then why="exit status 0 on a full disk"
	elif [ "$(grep -c '^auxrec record: ' "$OUT/$n.out")" != 1 ] ||
	     ! grep -qi 'no space' "$OUT/$n.out"; then
		why="want one error line about space: $(head -3 "$OUT/$n.out" | tr '\n' '|')"
	elif [ "$(aux_bytes $n)" = 0 ] || [ -z "$(aux_bytes $n)" ]; then
		why="no AUX bytes in the file"
	fi
fi
result $n "$why" "status $rc, $(aux_bytes $n) AUX bytes kept: $(grep '^auxrec record: ' "$OUT/$n.out" | head -1)"

# 2. the workload crashes: status 139 like a shell, every byte recorded
n=crash rc=$(cat "$OUT/$n.rc")
why=$(readable $n)
[ -z "$why" ] && why=$(verify $n --percpu "$OUT/$n.percpu" --streams "$OUT/$n.streams")
[ -z "$why" ] && [ "$rc" != 139 ] && why="exit status $rc, want 139: $(head -2 "$OUT/$n.out")"
result $n "$why" "status $rc, $(aux_bytes $n) AUX bytes"

# 3. signals: complete file, every byte the module wrote (AUX records the
# data ring lost under load are recovered and reported). A signal that came
# before auxrec installed its handlers kills it before anything was recorded:
# no file and the module emitted nothing.
for f in "$OUT"/sig_*.rc; do
	n=$(basename "$f" .rc) rc=$(cat "$f")
	sig=$(echo $n | cut -d_ -f2)
	if [ ! -e "$OUT/$n.data" ] && [ "$rc" = $((128 + $(kill -l $sig))) ] &&
	   grep -q '^total emitted=0 ' "$OUT/$n.percpu"; then
		result $n "" "killed by SIG$sig before recording began: nothing to lose"
		continue
	fi
	why=$(readable $n)
	[ -z "$why" ] && why=$(verify $n --percpu "$OUT/$n.percpu" --streams "$OUT/$n.streams" \
		--allow-recovered)
	if [ -z "$why" ] && ! grep -q '^\[ auxrec record: .* -> ' "$OUT/$n.out"; then
		why="no summary line (status $rc): $(head -2 "$OUT/$n.out" | tr '\n' ' ')"
	fi
	result $n "$why" "status $rc, $(aux_bytes $n) AUX bytes"
done

# 4. data ring losing records: every AUX byte still arrives, recovery reported
n=lost rc=$(cat "$OUT/$n.rc")
why=$(readable $n)
[ -z "$why" ] && why=$(verify $n --percpu "$OUT/$n.percpu" --streams "$OUT/$n.streams" \
	--allow-recovered)
[ -z "$why" ] && [ "$rc" != 0 ] && why="exit status $rc: $(head -2 "$OUT/$n.out")"
note=$(grep -m1 -i 'recovered' "$OUT/$n.out")
if [ -z "$why" ] && ! grep -q 'LOST' "$OUT/$n.dump" && [ -z "$note" ]; then
	echo "# lost: the 1-page data ring lost nothing this time; recovery not exercised"
fi
result $n "$why" "${note:-no records lost}"

# 5. security (not counted as faults)
if [ "$(cat "$OUT/symlink.rc")" != 0 ] && grep -q '^precious$' "$OUT/target" &&
   grep -q 'link.data ->' "$OUT/symlink.ls"; then
	echo "ok record_refuses_symlink # $(head -1 "$OUT/symlink.out")"
else
	echo "not ok record_refuses_symlink: status $(cat "$OUT/symlink.rc"): $(head -2 "$OUT/symlink.out")"
fi
[ "$(cat "$OUT/mode.out")" = 600 ] && echo "ok record_output_mode_0600" ||
	echo "not ok record_output_mode_0600: mode $(cat "$OUT/mode.out")"
echo "# faults $faults survived $survived"
