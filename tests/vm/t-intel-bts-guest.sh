#!/bin/bash
# tests/vm/t-intel-bts-guest.sh: the auxtest module impersonating Intel BTS
# (name=intel_bts: no format/, no caps/, as the kernel's PMU), recorded in
# one boot by `auxrec record -e intel_bts//` and by Debian's `perf record
# -e intel_bts//` (tests/vm/guest-intel-bts.sh); then both files read by
# both tools on the host:
#  - the sysfs directory has `type` and no `format`;
#  - `auxrec record -e intel_bts// -a` exits 1 with one line and no file;
#  - each file holds every pattern word the module wrote, exactly once and
#    in order (tests/tools/aux_verify, auxrec's reader); perf copies whole
#    24-byte BTS records (intel-bts.c sets itr.alignment): each read of
#    the AUX area is cut to a multiple of 24 and the rest skipped, so in
#    perf's file only such gaps (< 24 bytes a chunk) may miss;
#  - `auxrec dump --stats` counts the PERF_RECORD_AUX records and AUXTRACE
#    bytes `perf report -D` lists, and perf -D reads the file with an
#    AUXTRACE_INFO of type 2 (intel_bts) and no word on stderr;
#  - the intel_bts event of both files has sample_period 1 (perf evlist -v).
# The pattern words are not BTS records, so script-level agreement is not
# expected here (tests/perf/t-intel-bts.sh checks that on real flows).
cd "$(dirname "$0")/../.." || exit 1
. tests/check-lib.sh
out=build/vm/t-intel-bts-guest.out
A=${AUXREC:-./auxrec}
V=${AUXREC_BUILD:-build}/tests/tools/aux_verify
[ -x "$A" ] && [ -x "$V" ] || { echo "not ok build: make all tools first"; exit 1; }
command -v perf > /dev/null && perf --version > /dev/null 2>&1 ||
	{ echo "skip intel_bts_guest: perf is not installed"; exit 0; }
if [ -z "$ANALYZE_ONLY" ]; then
	rm -rf "$out"; mkdir -p "$out"
	if ! tests/vm/run --perf --module-arg name=intel_bts --timeout 300 --out "$out" \
		--in tests/vm/guest-intel-bts.sh -- sh /in/guest-intel-bts.sh \
		> "$out.console" 2>&1; then
		echo "not ok intel_bts_guest_run: $(tail -5 "$out.console")"; exit 1
	fi
fi

# awk (mawk) has no strtonum: perf prints sizes in hex
HEX='function hex(s,  v, i) { s = tolower(s); sub(/^0x/, "", s); v = 0
	for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
	return v }'

why=
grep -qx type "$out/sysfs.ls" || why="no type: $(tr '\n' ' ' < "$out/sysfs.ls")"
grep -qx format "$out/sysfs.ls" && why="a format directory: $(tr '\n' ' ' < "$out/sysfs.ls")"
verdict intel_bts_guest_sysfs "$why" "$(tr '\n' ' ' < "$out/sysfs.ls")"

why=
msg="auxrec record: intel_bts traces per thread only: use -p, -t or a command, not -a/-C"
[ "$(cat "$out/all.rc")" = 1 ] || why="exit status $(cat "$out/all.rc")"
[ "$(cat "$out/all.log")" = "$msg" ] || why=${why:-"said: $(cat "$out/all.log")"}
[ "$(cat "$out/all.file")" = no ] || why=${why:-"all.data written"}
verdict intel_bts_guest_all_cpus_refused "$why" "one line, no file"

[ -s "$out/p.plain.log" ] && echo "# perf record -e intel_bts// -- COMMAND refused: $(
	grep -v '^$' "$out/p.plain.log" | head -1); recorded with --per-thread"

reads() {	# a|p who
	local n=$1 f=$out/$1 who=$2 why= st aux trace paux ptrace info
	if [ "$(cat "$f.rec.rc" 2> /dev/null)" != 0 ]; then
		echo "not ok intel_bts_guest_${n}_recorded: $who: $(tail -3 "$f.rec.log")"; return
	fi
	$V "$f.data" --percpu "$f.counters" --streams "$f.streams" > "$f.verify" 2>&1 ||
		why="aux_verify: $(grep -v '^#' "$f.verify" | head -2 | tr '\n' ' ')"
	# perf copies whole BTS records (intel-bts.c: itr.alignment, 24 bytes):
	# each read of the AUX area is cut to a multiple of 24 and the rest
	# (8 or 16 pattern bytes here) skipped; nothing else may miss
	local e h c bad
	e=$(sed -n 's/^# module_emitted //p' "$f.verify")
	h=$(sed -n 's/^# aux_bytes //p' "$f.verify")
	c=$(sed -n 's/^# chunks //p' "$f.verify")
	bad=$(awk '/^FAIL/ && !/file holds|sequence misses|AUX records announce/ {
		if (match($0, /chunk at AUX offset [0-9]+, expected [0-9]+ /)) {
			split(substr($0, RSTART, RLENGTH), w, /[ ,]+/); d = w[5] - w[7]
			if (d > 0 && d < 24 && d % 8 == 0) next }
		print; exit }' "$f.verify")
	if [ -n "$why" ] && [ "$n" = p ] && [ -n "$e" ] && [ -z "$bad" ] &&
	   [ $((e - h)) -ge 0 ] && [ $((e - h)) -lt $((24 * c)) ]; then
		echo "# perf record: $e bytes emitted, $h in the file (whole 24-byte BTS records per read, $c reads)"
		why=
	fi
	verdict "intel_bts_guest_${n}_every_byte" "$why" \
		"$who: $(grep -E '^# (chunks|aux_bytes) ' "$f.verify" | tr '\n' ' ')"

	why=
	perf report -D -i "$f.data" > "$f.txt" 2> "$f.report.log" ||
		why="perf report -D: $(head -2 "$f.report.log")"
	[ -z "$why" ] && [ -s "$f.report.log" ] && why="perf report -D said: $(head -2 "$f.report.log")"
	info=$(grep -c 'PERF_RECORD_AUXTRACE_INFO type: 2' "$f.txt")
	[ -z "$why" ] && [ "$info" != 1 ] && why="perf -D: $info AUXTRACE_INFO of type 2"
	st=$("$A" dump --stats --json --no-packets -i "$f.data" 2> "$f.dump.err" |
		grep '"type":"stats"') || why=${why:-"auxrec dump: $(head -1 "$f.dump.err")"}
	aux=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["records"].get("aux", 0))' <<<"$st")
	trace=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["aux_bytes"])' <<<"$st")
	paux=$(grep -c ' PERF_RECORD_AUX offset' "$f.txt")
	ptrace=$(awk "$HEX"'{ for (i = 1; i < NF - 1; i++)
		if ($i == "PERF_RECORD_AUXTRACE" && $(i + 1) == "size:") t += hex($(i + 2)) }
		END { print t + 0 }' "$f.txt")
	[ -z "$why" ] && [ "$aux" != "$paux" ] && why="auxrec counts $aux AUX records, perf -D $paux"
	[ -z "$why" ] && [ "$trace" != "$ptrace" ] && why="auxrec counts $trace AUXTRACE bytes, perf -D $ptrace"
	[ -z "$why" ] && [ "${trace:-0}" -gt 0 ] 2> /dev/null || why=${why:-"no AUX data"}
	verdict "intel_bts_guest_${n}_both_tools_read" "$why" \
		"$who: $aux AUX records, $trace AUXTRACE bytes, by auxrec and perf -D alike"

	why=
	perf evlist -v -i "$f.data" > "$f.evlist" 2>&1 || why="perf evlist: $(head -1 "$f.evlist")"
	[ -z "$why" ] && ! grep 'intel_bts' "$f.evlist" | grep -q 'sample_period, sample_freq }: 1,' &&
		why="intel_bts event: $(grep intel_bts "$f.evlist" | head -1)"
	verdict "intel_bts_guest_${n}_sample_period_1" "$why" "$who"
}
reads a "auxrec record"
reads p "perf record"
