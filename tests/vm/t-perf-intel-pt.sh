#!/bin/bash
# tests/vm/t-perf-intel-pt.sh: Debian's perf records the auxtest module
# impersonating Intel PT (name=intel_pt); perf report -D must show the
# AUXTRACE_INFO, ITRACE_START, PERF_RECORD_AUX and PERF_RECORD_AUXTRACE
# records, and their sizes must add up to the module's emitted bytes.
# The per-thread recordings made plain and with -z are read by auxrec
# (tests/tools/aux_verify, on auxrec's reader): every pattern word the module
# wrote, exactly once and in order, and `auxrec dump` counts the AUX records
# and AUXTRACE bytes perf report -D shows.
cd "$(dirname "$0")/../.." || exit 1
out=build/vm/t-perf-intel-pt.out
[ -n "$ANALYZE_ONLY" ] || rm -rf "$out"
[ -n "$ANALYZE_ONLY" ] || tests/vm/run --perf --module-arg name=intel_pt --timeout 200 --out "$out" \
	--in tests/vm/guest-intel-pt.sh -- sh /in/guest-intel-pt.sh
rc=$?
[ -n "$ANALYZE_ONLY" ] && rc=0
if [ $rc != 0 ]; then
	echo "not ok perf_intel_pt_guest_run: tests/vm/run exited $rc"
	exit 1
fi

# Module counter from a percpu file: field of the line for who (cpuN/total).
counter() {
	awk -v w="$2" -v k="$3" '$1 == w { for (i = 2; i <= NF; i++) {
		split($i, a, "="); if (a[1] == k) print a[2] } }' "$1"
}
# awk (mawk) has no strtonum: perf prints sizes and flags in hex
HEX='function hex(s,  v, i) { s = tolower(s); sub(/^0x/, "", s); v = 0
	for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
	return v }'


check() {	# name per_cpu(0/1) auxtrace_exact(0/1)
	local n=$1 percpu=$2 exact=$3 f=$out/$1 why= aux trace info itrace
	if [ "$(cat "$f.rec.rc" 2>/dev/null)" != 0 ]; then
		echo "not ok perf_intel_pt_$n: perf record failed: $(tail -3 "$f.rec.log" 2>/dev/null)"
		return
	fi
	if [ "$(cat "$f.report.rc" 2>/dev/null)" != 0 ]; then
		echo "not ok perf_intel_pt_$n: perf report -D failed: $(tail -3 "$f.report.log")"
		return
	fi
	# "cpu time fileoff [size]: PERF_RECORD_AUX offset: O size: S flags: F [..]"
	# perf may store one AUX record twice: count each (cpu, time, offset, size) once
	aux=$(awk "$HEX"'
		$5 == "PERF_RECORD_AUX" { k = $1 " " $2 " " $7 " " $9
		if (!(k in seen)) { seen[k] = 1; n++; s[$1] += hex($9); t += hex($9)
			if (hex($11) % 2) tr++ } }
		END { printf "%d %d %d", n, t, tr; for (c in s) printf " cpu%s=%d", c, s[c] }' "$f.txt")
	trace=$(awk "$HEX"'
		$5 == "PERF_RECORD_AUXTRACE" { t += hex($7); c = $NF; s[c] += hex($7) }
		END { printf "%d", t; for (c in s) printf " cpu%s=%d", c, s[c] }' "$f.txt")
	info=$(grep -c 'PERF_RECORD_AUXTRACE_INFO' "$f.txt")
	itrace=$(grep -c 'PERF_RECORD_ITRACE_START' "$f.txt")
	local emitted records trunc dropped
	emitted=$(counter "$f.counters" total emitted)
	records=$(counter "$f.counters" total records)
	trunc=$(counter "$f.counters" total truncated)
	dropped=$(counter "$f.counters" total dropped)
	echo "# $n: module emitted $emitted records $records truncated $trunc dropped $dropped"
	echo "# $n: perf AUX (unique records, bytes, truncated, per cpu): $aux"
	echo "# $n: perf AUXTRACE bytes (total, per cpu): $trace; AUXTRACE_INFO $info ITRACE_START $itrace"
	set -- $aux
	[ "$emitted" -gt 0 ] 2>/dev/null || why="module emitted nothing"
	[ -z "$why" ] && [ "$info" -ge 1 ] || why=${why:-"no PERF_RECORD_AUXTRACE_INFO"}
	[ -z "$why" ] && [ "$itrace" -ge 1 ] || why=${why:-"no PERF_RECORD_ITRACE_START"}
	[ -z "$why" ] && [ "$1" = "$records" ] || why=${why:-"$1 AUX records in perf.data, module ended $records"}
	[ -z "$why" ] && [ "$2" = "$emitted" ] || why=${why:-"AUX records cover $2 bytes, module emitted $emitted"}
	[ -z "$why" ] && [ "$3" = "$trunc" ] || why=${why:-"$3 truncated AUX records, module $trunc"}
	# after an overrun perf copies whole buffers (stale bytes too): exact only without
	if [ "$exact" = 1 ] && [ "${trace%% *}" != "$emitted" ]; then
		why=${why:-"AUXTRACE holds ${trace%% *} bytes, module emitted $emitted"}
	fi
	if [ -z "$why" ] && [ "$percpu" = 1 ]; then
		# system wide: per CPU, the AUX records and AUXTRACE data match the module
		local c e
		for c in $(sed -n 's/^cpu\([0-9]*\) .*/\1/p' "$f.counters"); do
			e=$(counter "$f.counters" "cpu$c" emitted)
			[ "$e" -gt 0 ] || why=${why:-"cpu$c emitted nothing in a system-wide recording"}
			echo " $aux " | grep -q " cpu$c=$e " || why=${why:-"cpu$c: AUX bytes differ from emitted $e"}
			if [ "$exact" = 1 ] && ! echo " $trace " | grep -q " cpu$c=$e "; then
				why=${why:-"cpu$c: AUXTRACE bytes differ from emitted $e"}
			fi
		done
	fi
	if [ -z "$why" ]; then echo "ok perf_intel_pt_$n"; else echo "not ok perf_intel_pt_$n: $why"; fi
}
# auxrec reads what perf wrote: aux_verify against the module's streams, and
# auxrec dump --stats: PERF_RECORD_AUX records and AUXTRACE bytes as perf -D
auxrec_reads() {	# name
	local n=$1 f=$out/$1 why= st aux trace
	V=${AUXREC_BUILD:-build}/tests/tools/aux_verify
	if [ "$(cat "$f.rec.rc" 2>/dev/null)" != 0 ]; then
		echo "not ok perf_intel_pt_auxrec_reads_$n: perf record failed"
		return
	fi
	if ! $V "$f.data" --percpu "$f.counters" --streams "$f.streams" > "$f.verify" 2>&1; then
		why="aux_verify: $(grep -v '^#' "$f.verify" | head -2 | tr '\n' ' ')"
		# perf 6.1 sometimes writes one PERF_RECORD_AUX twice (same time
		# and offset; with -z in two COMPRESSED records, and in per-thread
		# files too; perf -D lists both): only those extra records may fail
		# the count checks, and every AUX byte must still be there once.
		# perf -D prints offset 0 as "0", others in hex.
		local dup recs mod
		dup=$(sed -n 's/^[0-9]* \([0-9]*\) .*PERF_RECORD_AUX offset: \(0x[0-9a-f]*\|0\) .*/\1 \2/p' \
			"$f.txt" | sort | uniq -d | wc -l)
		recs=$(sed -n 's/^# aux_records //p' "$f.verify")
		mod=$(sed -n 's/^# module_records //p' "$f.verify")
		if [ "$dup" -gt 0 ] && [ $((recs - dup)) = "$mod" ] &&
		   ! grep -v '^#' "$f.verify" | grep -qv 'AUX records announce\|module ended\|^MISMATCH$'; then
			echo "# $n: perf wrote $dup PERF_RECORD_AUX twice (perf -D lists them too)"
			why=
		fi
	fi
	st=$(${AUXREC:-./auxrec} dump --stats --json --no-packets -i "$f.data" 2> "$f.dump.err" | grep '"type":"stats"') ||
		why=${why:-"auxrec dump: $(head -1 "$f.dump.err")"}
	aux=$(echo "$st" | python3 -c 'import json,sys; print(json.load(sys.stdin)["records"].get("aux", 0))')
	trace=$(echo "$st" | python3 -c 'import json,sys; print(json.load(sys.stdin)["aux_bytes"])')
	# perf -D: every AUX line (not deduplicated: auxrec lists each record once)
	local paux ptrace
	paux=$(grep -c ' PERF_RECORD_AUX offset' "$f.txt")
	ptrace=$(awk "$HEX"'$5 == "PERF_RECORD_AUXTRACE" { t += hex($7) } END { print t + 0 }' "$f.txt")
	echo "# $n: auxrec AUX records $aux bytes $trace; perf -D $paux, $ptrace; aux_verify: $(grep -E '^# (chunks|aux_bytes) ' "$f.verify" 2>/dev/null | tr '\n' ' ')"
	[ -z "$why" ] && [ "$aux" != "$paux" ] && why="auxrec counts $aux AUX records, perf -D $paux"
	[ -z "$why" ] && [ "$trace" != "$ptrace" ] && why="auxrec counts $trace AUXTRACE bytes, perf -D $ptrace"
	[ -z "$why" ] && [ "$trace" -gt 0 ] 2>/dev/null || why=${why:-"no AUX data"}
	if [ -z "$why" ]; then echo "ok perf_intel_pt_auxrec_reads_$n"; else echo "not ok perf_intel_pt_auxrec_reads_$n: $why"; fi
}

check sys 1 1
check thread 0 1
check trunc 1 0
# recorded only in the guest (perf record --threads refuses AUX area
# tracing: "Parallel trace streaming is not available in AUX area tracing
# mode", perf 6.1 and today's); perf report -D here, much faster than there
[ -e "$out/z.data" ] && perf report -D -i "$out/z.data" > "$out/z.txt" 2> "$out/z.report.log"
echo $? > "$out/z.report.rc"
check z 0 1
for n in thread z; do auxrec_reads $n; done
