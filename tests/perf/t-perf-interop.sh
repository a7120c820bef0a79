#!/bin/bash
# t-perf-interop.sh - auxrec's perf.data writer and reader against Debian's perf:
#  (a) a file written by auxrec's writer (tests/tools/pd-gen.c: intel_pt attr,
#      AUXTRACE_INFO, MMAP2, TIME_CONV, AUXTRACE chunks of a real Intel PT stream)
#      must be read by `perf report -D` without warnings, listing the chunks,
#      and by `perf script --itrace=b` without error; perf and auxrec decode
#      real programs' flows (tests/gt) from such files exactly, also two
#      processes taking turns in one per-CPU buffer (context switches),
#      and select the same branches of it with --pid, --tid, --comm, -C and
#      --time;
#  (b) files written by `perf record` (cpu-clock, dummy, pipe mode) must list
#      in `auxrec dump --json` the same records (type and offset) as perf report -D.
cd "$(dirname "$0")/../.." || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
AUXREC=${AUXREC:-./auxrec}
B=${AUXREC_BUILD:-build}

if ! command -v perf >/dev/null || ! perf --version >/dev/null 2>&1; then
	echo "skip perf-interop: perf is not installed"; exit 0
fi
if [ ! -x $AUXREC ] || [ ! -f $B/libauxrec.a ]; then
	echo "not ok build: run make first"; exit 1
fi

# perf report -D: "TIME OFFSET [SIZE]: PERF_RECORD_NAME ..." -> "OFFSET NAME", sorted
perf_records() {
	perf report -D -i "$1" 2>/dev/null |
		sed -nE 's/^([0-9]+ )+(0x[0-9a-f]+) \[0x[0-9a-f]+\]: (PERF_RECORD_[A-Z0-9_]+).*/\2 \3/p' |
		sort
}
auxrec_records() {
	$AUXREC dump --json --no-packets -i "$1" |
		sed -nE 's/.*"type":"record","record":"([a-z0-9_]+)","record_type":[0-9]+,"offset":([0-9]+).*/\2 \1/p' |
		while read -r off name; do
			printf '0x%x PERF_RECORD_%s\n' "$off" "${name^^}"
		done | sort
}
compare() {	# name file
	perf_records "$2" > "$tmp/p"
	auxrec_records "$2" > "$tmp/a"
	if [ ! -s "$tmp/p" ]; then
		echo "not ok $1: perf report -D listed no records"
	elif diff "$tmp/p" "$tmp/a" > "$tmp/d"; then
		echo "ok $1 ($(wc -l < "$tmp/a") records)"
	else
		echo "not ok $1: records differ (< perf, > auxrec)"; head -20 "$tmp/d"
	fi
}

# "from to" of each branch of `auxrec script`, with "pid" as a third column when asked
auxrec_branches() {	# file [pid]
	$AUXREC script --json -i "$1" | python3 -c '
import json, sys
pid = len(sys.argv) > 1
for l in sys.stdin:
    e = json.loads(l)
    if e["type"] in ("branch", "trace_begin", "trace_end"):
        print(e["from"], e["to"], *([e["pid"]] if pid else []))' ${2:+pid}
}

# The same recording in perf record's other layouts (tests/perf/pd-rewrite.py:
# -z's COMPRESSED records, COMPRESSED2, a --threads directory) decodes to
# the same branches in `auxrec script`; Debian's perf script reads the -z one
# alike (its reader cannot take COMPRESSED2, nor AUX data in a directory:
# perf record refuses --threads with AUX area tracing).
same_in_other_layouts() {	# name file want [pid]
	local n=$1 f=$2 want=$3 pid=$4 l out why=
	for l in compress compress2 dir; do
		out=${f%.data}-$l.data
		rm -rf "$out"
		if ! python3 tests/perf/pd-rewrite.py --$l "$f" "$out" 2> "$out.err"; then
			why="pd-rewrite --$l: $(tail -1 "$out.err")"; break
		fi
		auxrec_branches "$out" $pid > "$out.auxrec"
		cmp -s "$want" "$out.auxrec" ||
			{ why="auxrec script of the --$l copy differs ($(wc -l < "$out.auxrec") branches)"; break; }
	done
	if [ -z "$why" ]; then
		out=${f%.data}-compress.data
		if [ -n "$pid" ]; then
			timeout 120 perf script --itrace=b -F pid,ip,addr -i "$out" 2> "$out.perf.err" |
				awk '$3 == "=>" {printf "0x%s 0x%s %s\n", $2, $4, $1}' > "$out.perf"
		else
			timeout 120 perf script --itrace=b -F ip,addr -i "$out" 2> "$out.perf.err" |
				awk '$2 == "=>" {printf "0x%s 0x%s\n", $1, $3}' > "$out.perf"
		fi
		cmp -s "$want" "$out.perf" ||
			why="perf script of the -z copy differs ($(wc -l < "$out.perf") branches): $(head -1 "$out.perf.err")"
	fi
	if [ -z "$why" ]; then
		echo "ok $n-same-in-z-z2-dir ($(wc -l < "$want") branches each; perf script of -z too)"
	else
		echo "not ok $n-same-in-z-z2-dir: $why"
	fi
}

# (a') a real program's flow (single-stepped by tests/gt/gt-record, encoded as
# Intel PT) in a file of auxrec's writer, mapped where the static binary
# runs: Debian's `perf script --itrace=b` and `auxrec script` must both give
# exactly the recorded (from, to) branch list.
perf_script_vs_ground_truth() {
	local g=$tmp/gt bin load p
	. tests/gt/build-tools.sh
	if [ -n "$GT_SKIP" ]; then
		echo "skip perf-script-vs-ground-truth: $GT_SKIP"; return
	fi
	mkdir -p "$g"
	bin=$g/spin
	gcc -O1 -static -no-pie -o "$bin" tests/gt/progs/spin.c || { echo "not ok gt-compile"; return; }
	if ! "$GT_BIN/gt-record" "$g/spin" -- "$bin" 30 > "$g/rec.log" 2>&1; then
		echo "skip perf-script-vs-ground-truth: gt-record: $(tail -1 "$g/rec.log")"; return
	fi
	# the executable PT_LOAD: map it where the static binary runs
	load=$(readelf -lW "$bin" | awk '$1 == "LOAD" && / E / {print $3, $6, $2; exit}')
	set -- $load
	$B/tests/tools/pd-gen "$g/w.data" "$g/spin-rc.pt" "$bin" "$1" "$2" "$3" || { echo "not ok pd-gen-gt"; return; }
	perf_agrees_on_gt "" "$g/w.data" "$g/spin-rc.branches" "$g/spin"
	same_in_other_layouts gt-flow "$g/w.data" "$g/spin.want"
	progress_lines "$g/w.data" "$g/w-dir.data"
	report_is_script_summed "$g/w.data"
	symfs_names_as_perf "$g" "$bin" "$g/spin-rc.pt" $load
	# programs of other shapes (tests/gt/progs.sh): C++ (demangled names,
	# a static PIE whose .plt holds ifunc entries), -O2 jump tables, and
	# the dynamically linked ones (several mappings, NAME@plt, libc)
	. tests/gt/progs.sh
	local dyn
	for p in $GT_PROGS_DYNAMIC; do dyn="$dyn $p:pie"; done
	for p in exceptions:static jumptable:static $dyn; do
		local link=${p#*:}
		p=${p%:*}
		gt_prog_build "$p" "$g/$p" "$link" || continue
		gt_record "perf-script-itrace-reads-auxrec-$p" "$g/$p.rec" "$g/$p" -- "$g/$p" || continue
		gt_prog_pd_gen "$g/$p" "$link" "$g/$p" "$g/$p-rc.pt" "$g/$p.data" > /dev/null ||
			{ echo "not ok pd-gen-gt-$p"; continue; }
		perf_agrees_on_gt "-$p" "$g/$p.data" "$g/$p-rc.branches" "$g/$p"
	done
}

# SUFFIX DATA: the build-id feature of a file of auxrec's writer holds, as
# perf record's (which takes every mapped file's build id when it records an
# AUX area trace), the GNU build id of each file an MMAP2 names that has
# one (readelf -n); `perf buildid-list` and `auxrec dump --json` list
# exactly those (checks named build-ids-as-perf-record...SUFFIX)
buildids_as_perf() {
	local sfx=$1 data=$2 f id
	$AUXREC dump --json --no-packets -i "$data" > "$data.dump" ||
		{ echo "not ok build-ids-as-perf-record$sfx: auxrec dump failed"; return; }
	python3 -c '
import json, sys
for l in open(sys.argv[1]):
    e = json.loads(l)
    if e.get("record") == "mmap2":
        print(e["filename"])' "$data.dump" | sort -u > "$data.mapped"
	while read -r f; do
		id=$(readelf -n "$f" 2>/dev/null | sed -n 's/^ *Build ID: *//p')
		[ -n "$id" ] && echo "$id $f"
	done < "$data.mapped" | sort > "$data.bid-want"
	perf buildid-list -i "$data" 2> "$data.bid-err" | sort > "$data.bid-perf"
	python3 -c '
import json, sys
for l in open(sys.argv[1]):
    e = json.loads(l)
    if e.get("feature") == "build_id":
        for b in e["build_ids"]:
            print(b["build_id"], b["filename"])' "$data.dump" | sort > "$data.bid-auxrec"
	if [ ! -s "$data.bid-want" ]; then
		echo "not ok build-ids-as-perf-record$sfx: no mapped file has a build id"
	elif [ -s "$data.bid-err" ] || ! cmp -s "$data.bid-want" "$data.bid-perf"; then
		echo "not ok build-ids-as-perf-record$sfx: perf buildid-list (>) is not the mapped files' ids (<): $(head -1 "$data.bid-err")"
		diff "$data.bid-want" "$data.bid-perf" | head -6
	elif ! cmp -s "$data.bid-perf" "$data.bid-auxrec"; then
		echo "not ok build-ids-as-perf-record$sfx: auxrec dump (>) differs from perf buildid-list (<)"
		diff "$data.bid-perf" "$data.bid-auxrec" | head -6
	else
		echo "ok build-ids-as-perf-record$sfx ($(wc -l < "$data.bid-want") of $(wc -l < "$data.mapped") mapped files have one)"
	fi
}

# SUFFIX DATA BRANCHES OUT: Debian's `perf script --itrace=b` and `auxrec
# script` give the (from, to) list of the ground truth BRANCHES (into
# OUT.want), and the same symbol+offset on both ends (of aliases, perf's
# choice; C++ names demangled as perf does); checks named ...SUFFIX
perf_agrees_on_gt() {
	local sfx=$1 data=$2 g=$4
	buildids_as_perf "$sfx" "$data"
	awk '{print ($2 == "0" ? "0x0" : $2), ($3 == "0" ? "0x0" : $3)}' "$3" > "$g.want"
	timeout 120 perf script --itrace=b -F ip,addr -i "$data" 2> "$g.perf.err" |
		awk '$2 == "=>" {printf "0x%s 0x%s\n", $1, $3}' > "$g.perf"
	if [ -s "$g.perf.err" ]; then
		echo "not ok perf-script-itrace-reads-auxrec$sfx: $(head -2 "$g.perf.err")"
	elif cmp -s "$g.want" "$g.perf"; then
		echo "ok perf-script-itrace-reads-auxrec$sfx ($(wc -l < "$g.want") branches as recorded)"
	else
		echo "not ok perf-script-itrace-reads-auxrec$sfx: perf's branches differ from the recorded flow"
		diff "$g.want" "$g.perf" | head -6
	fi
	auxrec_branches "$data" > "$g.auxrec"
	if cmp -s "$g.perf" "$g.auxrec"; then
		echo "ok auxrec-script-equals-perf-script$sfx ($(wc -l < "$g.auxrec") branches)"
	else
		echo "not ok auxrec-script-equals-perf-script$sfx"
		diff "$g.perf" "$g.auxrec" | head -6
	fi
	# symbol+offset, each end one field (a C++ name may hold spaces)
	timeout 120 perf script --itrace=b -F ip,sym,symoff,addr -i "$data" 2>/dev/null |
		sed -n 's/^ *[0-9a-f]* \(.*\) => *[0-9a-f]* \(.*\)$/\1|\2/p' | sed 's/ *$//' > "$g.perf.sym"
	$AUXREC script --json -i "$data" | python3 -c '
import json, sys
def s(e, k):
    return "%s+%#x" % (e[k + "_sym"], e[k + "_symoff"]) if e.get(k + "_sym") else "[unknown]"
for l in sys.stdin:
    e = json.loads(l)
    if e["type"] in ("branch", "trace_begin", "trace_end"):
        print(s(e, "from") + "|" + s(e, "to"))' > "$g.auxrec.sym"
	if [ -s "$g.perf.sym" ] && cmp -s "$g.perf.sym" "$g.auxrec.sym"; then
		echo "ok auxrec-script-symbols-equal-perf$sfx ($(wc -l < "$g.perf.sym") branches)"
	elif [ -s "$g.perf.sym" ] && plt=$(perf_plt_unnamed "$g.perf.sym" "$g.auxrec.sym"); then
		echo "ok auxrec-script-symbols-equal-perf$sfx ($(wc -l < "$g.perf.sym") branches; $plt)"
	else
		echo "not ok auxrec-script-symbols-equal-perf$sfx (< perf > auxrec)"
		diff "$g.perf.sym" "$g.auxrec.sym" | head -6
	fi
}

# PERF_SYM AUXREC_SYM: do the two lists differ only at PLT entries, named
# NAME@plt by auxrec (objdump's labels: t-symbols) and _init+OFF or
# [unknown] by perf 6.1? perf adds its NAME@plt symbols after giving the
# sizeless _init the room up to the next symbol (over .plt), and its tree
# lookup then returns either of the overlapping symbols by the tree's
# shape; .plt.got entries (a PIE's __cxa_finalize, libc's malloc) it does
# not name. Prints how many.
perf_plt_unnamed() {
	python3 - "$1" "$2" <<'PY'
import re, sys
def fits(p, a):
    return p == a or (re.fullmatch(r'_init\+0x[0-9a-f]+|\[unknown\]', p) and
                      re.fullmatch(r'\S+@plt\+0x[0-9a-f]+', a))
perf, aux, n = open(sys.argv[1]).read().split('\n'), open(sys.argv[2]).read().split('\n'), 0
if len(perf) != len(aux):
    sys.exit(1)
for p, a in zip(perf, aux):
    pe, ae = p.split('|'), a.split('|')
    if len(pe) != len(ae) or not all(fits(x, y) for x, y in zip(pe, ae)):
        print('first other difference: %s (perf) %s (auxrec)' % (p, a))
        sys.exit(1)
    n += sum(x != y for x, y in zip(pe, ae))
print('%d PLT-entry ends perf names _init+OFF or [unknown], auxrec NAME@plt' % n)
PY
}

# auxrec report is auxrec script summed: per (dso, symbol) of the source
# address, the instructions of every event but errors and the taken
# branches, under each sort key.
report_is_script_summed() {	# file
	local f=$1 why=
	$AUXREC script --json -i "$f" > "$tmp/rs.script" 2>/dev/null || why="script failed"
	for key in dso,sym sym dso; do
		[ -n "$why" ] && break
		$AUXREC report --json -s $key -i "$f" > "$tmp/rs.report" 2>/dev/null || { why="report -s $key failed"; break; }
		why=$(python3 - "$tmp/rs.script" "$tmp/rs.report" $key <<'PY'
import collections, json, sys
key = sys.argv[3]
want = collections.defaultdict(lambda: [0, 0])
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["type"] == "error":
        continue
    k = (e.get("from_dso", "[unknown]") if key != "sym" else "",
         (e.get("from_sym") or "[unknown]") if key != "dso" else "")
    want[k][0] += e.get("insn_count", 0)
    want[k][1] += e["type"] == "branch"
want = {k: v for k, v in want.items() if v != [0, 0]}
r = json.load(open(sys.argv[2]))
got = {}
for e in r["entries"]:
    k = (e.get("dso", ""), e.get("sym", ""))
    if k in got:
        print("entry %s twice" % (k,)); sys.exit()
    got[k] = [e["insns"], e["branches"]]
if got != want:
    diff = sorted(set(got) ^ set(want)) or [k for k in want if got[k] != want[k]]
    print("%d entries, script sums %d; first difference %s: report %s script %s" % (
        len(got), len(want), diff[0], got.get(diff[0]), want.get(diff[0])))
elif [e["insns"] for e in r["entries"]] != sorted((e["insns"] for e in r["entries"]), reverse=True):
    print("entries not sorted by instructions")
PY
)
		[ -n "$why" ] && why="-s $key: $why"
	done
	if [ -z "$why" ]; then
		echo "ok report-is-script-summed # $(grep -c . "$tmp/rs.script") events"
	else
		echo "not ok report-is-script-summed: $why"
	fi
}

# DIR BINARY PT START LEN PGOFF: a recording naming DIR/gone/spin, a file
# that is only under --symfs DIR/sfs. Debian's perf opens it there and
# prints the name as recorded (`perf script -F ip,sym,dso,addr` and
# `perf report -v --sort dso`); auxrec script (--json and text) and report
# must print the same names and symbols (they printed DIR/sfs/DIR/gone/spin)
symfs_names_as_perf() {
	local d=$1 bin=$2 pt=$3 name=$1/gone/spin s=$1/sfs why=
	shift 3
	mkdir -p "$d/gone" "$s$d/gone" && cp "$bin" "$name" &&
		$B/tests/tools/pd-gen "$d/sfs.data" "$pt" "$name" "$@" > /dev/null &&
		mv "$name" "$s$name" || { echo "not ok symfs-names-as-perf: setup failed"; return; }
	timeout 120 perf script --itrace=b -F ip,sym,dso,addr -i "$d/sfs.data" --symfs "$s" \
		2> "$d/sfs.perf.err" | sed -n 's/^ *[0-9a-f]* \(.*\) => *[0-9a-f]* \(.*\)$/\1|\2/p' |
		sed 's/ *$//' > "$d/sfs.perf"
	$AUXREC script --json -i "$d/sfs.data" --symfs "$s" 2> "$d/sfs.err" | python3 -c '
import json, sys
def s(e, k):
    return "%s (%s)" % (e.get(k + "_sym") or "[unknown]", e.get(k + "_dso", "[unknown]"))
for l in sys.stdin:
    e = json.loads(l)
    if e["type"] in ("branch", "trace_begin", "trace_end"):
        print(s(e, "from") + "|" + s(e, "to"))' > "$d/sfs.auxrec"
	dsos() { grep -o '([^()]*)$\|([^()]*)|' "$1" | tr -d '()|' | sort -u; }
	if [ -s "$d/sfs.perf.err" ] || [ -s "$d/sfs.err" ]; then
		why="perf: $(head -1 "$d/sfs.perf.err") auxrec: $(head -1 "$d/sfs.err")"
	elif ! grep -q "_start ($name)" "$d/sfs.perf"; then
		why="perf script did not print _start ($name): $(head -1 "$d/sfs.perf")"
	elif ! cmp -s "$d/sfs.perf" "$d/sfs.auxrec"; then
		why="script --json (< perf, > auxrec): $(diff "$d/sfs.perf" "$d/sfs.auxrec" |
			sed -n '2p; /^>/{p;q}' | tr '\n' ' ')"
	elif ! diff <(dsos "$d/sfs.perf") <($AUXREC script -i "$d/sfs.data" --symfs "$s" |
			grep -o ' ([^()]*)$\| ([^()]*) =>' | tr -d '()=>' | sed 's/^ *//; s/ *$//' |
			sort -u) > /dev/null; then
		why="script text names other dsos than perf's: $(dsos "$d/sfs.perf" | tr '\n' ' ')"
	elif ! diff <(timeout 120 perf report -v --stdio --itrace=b --sort dso -i "$d/sfs.data" \
			--symfs "$s" 2> /dev/null | awk '$1 ~ /%$/ && $2 != "[unknown]" {print $2}') \
			<($AUXREC report --json -s dso -i "$d/sfs.data" --symfs "$s" | python3 -c '
import json, sys
print("\n".join(e["dso"] for e in json.load(sys.stdin)["entries"]))') > /dev/null ||
	     ! $AUXREC report -i "$d/sfs.data" --symfs "$s" | grep -q " | main ($name)$"; then
		why="report names another dso than perf report -v: $($AUXREC report -s dso -i "$d/sfs.data" --symfs "$s" | tail -1)"
	fi
	if [ -z "$why" ]; then
		echo "ok symfs-names-as-perf ($(wc -l < "$d/sfs.perf") branches: sym (dso) at both ends as perf prints them; report's dso)"
	else
		echo "not ok symfs-names-as-perf: $why"
	fi
}

# The progress line moves while one piece is decoded (the whole trace of a
# per-thread recording, however long): with a line at each write (the
# tests' AUXREC_PROGRESS_EVERY_MS=0), script --jobs 1 (every 1024 events)
# and --jobs 2 (each unit handed over; units of 1024 bytes) print 3 or more
# values between 0% and 100%, never back. Prints what it saw, or why not.
progress_in_piece() {	# file
	local j pcts inside=
	for j in 1 2; do
		pcts=$(AUXREC_PROGRESS_EVERY_MS=0 AUXREC_PAR_UNIT=1024 $AUXREC script --jobs $j \
			--progress -i "$1" 2>&1 > /dev/null | sed -n 's/^auxrec script: \([0-9]*\)% of .*/\1/p')
		if [ "$(echo "$pcts" | sort -n)" != "$pcts" ] ||
		   [ "$(echo "$pcts" | awk '$1 > 0 && $1 < 100' | sort -u | wc -l)" -lt 3 ]; then
			echo "--jobs $j, one piece: percentages $(echo "$pcts" | uniq | tr '\n' ' ')"
			return 1
		fi
		inside="$inside${inside:+, }--jobs $j $(echo "$pcts" | awk '$1 > 0 && $1 < 100' | sort -u | wc -l) values"
	done
	echo "$inside"
}

# The progress line of script/report (stderr): with --progress a line at the
# start and at the end (percent of the file's data read; of a directory the
# AUX bytes decoded), output unchanged; none by default when stderr is not a
# terminal; on a terminal (a pty from script(1)) a line rewritten in place
# and erased at the end.
progress_lines() {	# file dir-copy
	local f=$1 d=$2 e=$tmp/progress.err why= inside
	$AUXREC script -i "$f" > "$tmp/p0" 2> "$tmp/p0.err"
	$AUXREC script --progress -i "$f" > "$tmp/p1" 2> "$e"
	if ! cmp -s "$tmp/p0" "$tmp/p1" || [ ! -s "$tmp/p0" ]; then
		why="--progress changed stdout"
	elif [ -s "$tmp/p0.err" ]; then
		why="stderr not a terminal, yet: $(head -1 "$tmp/p0.err")"
	elif ! head -1 "$e" | grep -Eq '^auxrec script: 0% of [0-9.]+ [KMG]?i?B read, 0 s$' ||
	     ! tail -1 "$e" | grep -Eq '^auxrec script: 100% of [0-9.]+ [KMG]?i?B read, [0-9]+ s$'; then
		why="file: $(head -1 "$e") / $(tail -1 "$e")"
	elif ! inside=$(progress_in_piece "$f"); then
		why=$inside
	elif [ -d "$d" ] && { $AUXREC report --progress -i "$d" > /dev/null 2> "$e"
		! tail -1 "$e" | grep -Eq '^auxrec report: [0-9.]+ [KMG]?i?B of AUX decoded, [0-9]+ s$'; }; then
		why="directory: $(tail -1 "$e")"
	elif command -v script > /dev/null; then
		script -qec "$AUXREC report --progress -i '$f' > /dev/null" /dev/null < /dev/null > "$tmp/pty" 2>&1
		if ! grep -q $'\r\e\\[K' "$tmp/pty" || ! grep -q $'^\rauxrec report: 0% of ' "$tmp/pty"; then
			why="terminal: no line erased in place: $(od -c "$tmp/pty" | head -3 | tr -s ' ')"
		fi
	fi
	if [ -z "$why" ]; then
		echo "ok progress-lines (file, directory, terminal; in the piece: $inside)"
	else
		echo "not ok progress-lines: $why"
	fi
}

# (a'') two programs taking turns on one CPU of a per-CPU (-a) recording:
# both static at 0x401000, so only the context switch records tell whose
# code runs. The trace is cut into three chunks whose owners (the AUX
# records' sample ids) do not line up with the programs. `auxrec script`
# must give each program's recorded branches with its pid; with the cuts
# at PSBs, Debian's `perf script --itrace=b` must give the same.
# The branches of gt-record flows with their pids, "PID:FILE.branches" each.
flows_with_pids() {
	local pf
	for pf in "$@"; do
		awk -v pid="${pf%%:*}" '{print ($2 == "0" ? "0x0" : $2), ($3 == "0" ? "0x0" : $3), pid}' "${pf#*:}"
	done
}

# ok NAME (NOTE) when auxrec's branches GOT are the recorded WANT: NAME WANT GOT NOTE
same_as_recorded() {
	if cmp -s "$2" "$3"; then
		echo "ok $1 ($4)"
	else
		echo "not ok $1: differs from the recorded flows (< want > auxrec)"
		diff "$2" "$3" | head -6
	fi
}

cpu_wide_switches() {
	local g=$tmp/sw ninsn tsc1 a b
	if [ -n "$GT_SKIP" ]; then
		echo "skip cpu-wide-switches: $GT_SKIP"; return
	fi
	mkdir -p "$g"
	gcc -O1 -static -no-pie -o "$g/a" tests/gt/progs/loops.c &&
	gcc -O1 -static -no-pie -o "$g/b" tests/gt/progs/recursion.c || { echo "not ok cpu-wide-compile"; return; }
	if ! "$GT_BIN/gt-record" "$g/a" -- "$g/a" > "$g/rec.log" 2>&1; then
		echo "skip cpu-wide-switches: gt-record: $(tail -1 "$g/rec.log")"; return
	fi
	# b's trace starts well after a's last instruction (8 TSC ticks each)
	ninsn=$(sed -n 's/.*: \([0-9]*\) instructions.*/\1/p' "$g/rec.log" | head -1)
	tsc1=$((0x1000000 + ninsn * 8 * 2))
	"$GT_BIN/gt-record" --tsc0 $tsc1 "$g/b" -- "$g/b" >> "$g/rec.log" 2>&1 || { echo "not ok cpu-wide-gt-record"; return; }
	a=$(readelf -lW "$g/a" | awk '$1 == "LOAD" && / E / {print $3","$6","$2; exit}')
	b=$(readelf -lW "$g/b" | awk '$1 == "LOAD" && / E / {print $3","$6","$2; exit}')
	flows_with_pids 1001:"$g/a-rc.branches" 1002:"$g/b-rc.branches" > "$g/want"
	$B/tests/tools/pd-gen --cpu-wide "$g/w.data" 1001,$g/a-rc.pt,0x1000000,$g/a,$a \
		1002,$g/b-rc.pt,$tsc1,$g/b,$b || { echo "not ok pd-gen-cpu-wide"; return; }
	auxrec_branches "$g/w.data" pid > "$g/auxrec"
	same_as_recorded auxrec-script-follows-switches "$g/want" "$g/auxrec" \
		"$(wc -l < "$g/want") branches of 2 processes at the same addresses, 3 chunks"
	$B/tests/tools/pd-gen --cpu-wide --cut-psb "$g/p.data" 1001,$g/a-rc.pt,0x1000000,$g/a,$a \
		1002,$g/b-rc.pt,$tsc1,$g/b,$b || { echo "not ok pd-gen-cpu-wide-psb"; return; }
	timeout 120 perf script --itrace=b -F pid,ip,addr -i "$g/p.data" 2> "$g/perf.err" |
		awk '$3 == "=>" {printf "0x%s 0x%s %s\n", $2, $4, $1}' > "$g/perf"
	auxrec_branches "$g/p.data" pid > "$g/auxrec-psb"
	if [ -s "$g/perf.err" ]; then
		echo "not ok perf-script-follows-switches: $(head -2 "$g/perf.err")"
	elif ! cmp -s "$g/want" "$g/perf"; then
		echo "not ok perf-script-follows-switches: perf differs from the recorded flows"
		diff "$g/want" "$g/perf" | head -6
	elif ! cmp -s "$g/perf" "$g/auxrec-psb"; then
		echo "not ok auxrec-script-equals-perf-script-cpu-wide (< perf > auxrec)"
		diff "$g/perf" "$g/auxrec-psb" | head -6
	else
		echo "ok auxrec-script-equals-perf-script-cpu-wide ($(wc -l < "$g/perf") branches with pids)"
	fi
	same_in_other_layouts cpu-wide "$g/p.data" "$g/want" pid

	# a, b, then a again: the decoder takes up a's cached code where it left
	# it, and b's code at the same addresses never stands in for it
	local nb tsc2
	nb=$(sed -n 's/.*: \([0-9]*\) instructions.*/\1/p' "$g/rec.log" | sed -n 3p)	# a, a-rc, b
	tsc2=$((tsc1 + ${nb:-0} * 8 * 2))
	mkdir -p "$g/2"
	"$GT_BIN/gt-record" --tsc0 $tsc2 "$g/2/a" -- "$g/a" >> "$g/rec.log" 2>&1 || { echo "not ok cpu-wide-gt-record-2"; return; }
	flows_with_pids 1001:"$g/a-rc.branches" 1002:"$g/b-rc.branches" \
		1001:"$g/2/a-rc.branches" > "$g/want3"
	$B/tests/tools/pd-gen --cpu-wide "$g/aba.data" 1001,$g/a-rc.pt,0x1000000,$g/a,$a \
		1002,$g/b-rc.pt,$tsc1,$g/b,$b 1001,$g/2/a-rc.pt,$tsc2,$g/a,$a || { echo "not ok pd-gen-cpu-wide-aba"; return; }
	auxrec_branches "$g/aba.data" pid > "$g/auxrec3"
	same_as_recorded auxrec-script-switches-back "$g/want3" "$g/auxrec3" \
		"$(wc -l < "$g/want3") branches: a, b, a again"

	# a, b, then a thread of a's process (1001/1003) that named itself
	# (a COMM of its own, as prctl(PR_SET_NAME) makes): its branches carry
	# its tid and its name, as perf script prints them (transfers between
	# two addresses: the trace begins and ends perf prints differ, above)
	$B/tests/tools/pd-gen --cpu-wide --cut-psb "$g/thr.data" 1001,$g/a-rc.pt,0x1000000,$g/a,$a \
		1002,$g/b-rc.pt,$tsc1,$g/b,$b 1001/1003,$g/2/a-rc.pt,$tsc2,$g/a,$a ||
		{ echo "not ok pd-gen-cpu-wide-thread"; return; }
	timeout 120 perf script --itrace=b -F comm,tid,ip,addr -i "$g/thr.data" 2> "$g/thr-perf.err" |
		awk '$4 == "=>" && $3 != "0" && $5 != "0" {printf "%s %s 0x%s 0x%s\n", $1, $2, $3, $5}' > "$g/thr-perf"
	$AUXREC script --json -i "$g/thr.data" | python3 -c '
import json, sys
for l in sys.stdin:
    e = json.loads(l)
    if e["type"] == "branch" or (e["type"] in ("trace_begin", "trace_end") and e["from"] != "0x0" and e["to"] != "0x0"):
        print(e.get("comm", ":%d" % e["tid"]), e["tid"], e["from"], e["to"])' > "$g/thr-auxrec"
	if [ -s "$g/thr-perf.err" ]; then
		echo "not ok thread-names-as-perf: perf: $(head -2 "$g/thr-perf.err")"
	elif ! grep -q '^thread2 1003 ' "$g/thr-perf"; then
		echo "not ok thread-names-as-perf: perf shows no branch of thread2 (tid 1003)"
	elif ! cmp -s "$g/thr-perf" "$g/thr-auxrec"; then
		echo "not ok thread-names-as-perf (< perf > auxrec)"
		diff "$g/thr-perf" "$g/thr-auxrec" | head -6
	else
		echo "ok thread-names-as-perf ($(wc -l < "$g/thr-perf") branches with comm and tid, $(grep -c '^thread2 1003 ' "$g/thr-perf") of thread2 1003)"
	fi
	filters_as_perf "$g/thr.data" "$g/filter"
}

# DATA OUT: perf script and auxrec script select the same branches (comm,
# tid, from, to) of DATA, a per-CPU recording of three threads, with
# --pid, --tid, --comm, -C and --time (a window over the middle third of
# the branches, and one from two thirds on, open at its end). Debian's perf 6.1 times some
# branches one MTC early (see tp_merge_intel_pt in t-tracepoint-merge.sh):
# the window's ends are times at which perf and auxrec give the branches
# on both sides the same times, so that both must select the same ones.
filters_as_perf() {
	local data=$1 out=$2 opts n=0 bad= t1 t2 t3
	timeout 120 perf script --itrace=b --ns -F time,ip,addr -i "$data" 2> /dev/null |
		awk '$3 == "=>" {sub(":", "", $1); print $1, "0x" $2, "0x" $4}' > "$out.perf-times"
	read -r t1 t2 t3 < <($AUXREC script --json -i "$data" | python3 -c '
import json, sys
evs = [json.loads(l) for l in sys.stdin]
aux = [("%d.%09d" % (e["time"] // 10**9, e["time"] % 10**9), e["from"], e["to"])
       for e in evs if e["type"] == "branch" or (e["type"] in ("trace_begin", "trace_end") and e["from"] != "0x0" and e["to"] != "0x0")]
perf = [tuple(l.split()) for l in open(sys.argv[1]) if " 0x0 " not in l and not l.rstrip().endswith(" 0x0")]
n = len(aux)
same = lambda i: 0 <= i < n and i < len(perf) and perf[i] == aux[i]
# a start: branch i the first of its time, perf agreeing on i - 1 and i;
# an end: branch j the last of its time, perf agreeing on j and j + 1
starts = [i for i in range(1, n) if aux[i][0] > aux[i - 1][0] and same(i - 1) and same(i)]
ends = [j for j in range(n - 1) if aux[j][0] < aux[j + 1][0] and same(j) and same(j + 1)]
s = [i for i in starts if i >= n // 3] or starts
e = [j for j in ends if j >= 2 * n // 3] or ends
s2 = [i for i in starts if i >= 2 * n // 3] or starts
print(*(aux[v[0]][0] if v else "-" for v in (s, e, s2)))' "$out.perf-times")
	if [ "$t1" = - ] || [ "$t2" = - ] || [ "$t3" = - ]; then
		echo "not ok filters-as-perf: no time where perf and auxrec agree to cut at"
		return
	fi
	for opts in "--pid 1001" "--pid 1002" "--tid 1003" "--tid 1001,1002" "--comm thread2" \
		    "-C 0" "--time $t1,$t2" "--time $t3," "--pid 1002 --time $t1,$t2"; do
		# shellcheck disable=SC2086
		timeout 120 perf script --itrace=b -F comm,tid,ip,addr $opts -i "$data" 2> "$out.perf.err" |
			awk '$4 == "=>" && $3 != "0" && $5 != "0" {printf "%s %s 0x%s 0x%s\n", $1, $2, $3, $5}' > "$out.perf"
		# shellcheck disable=SC2086
		$AUXREC script --json $opts -i "$data" | python3 -c '
import json, sys
for l in sys.stdin:
    e = json.loads(l)
    if e["type"] == "branch" or (e["type"] in ("trace_begin", "trace_end") and e["from"] != "0x0" and e["to"] != "0x0"):
        print(e.get("comm", ":%d" % e["tid"]), e["tid"], e["from"], e["to"])' > "$out.auxrec"
		if [ -s "$out.perf.err" ] || [ ! -s "$out.perf" ]; then
			bad="perf script $opts: $(wc -l < "$out.perf") branches: $(head -1 "$out.perf.err")"
			break
		elif ! cmp -s "$out.perf" "$out.auxrec"; then
			bad="$opts: $(wc -l < "$out.perf") branches from perf, $(wc -l < "$out.auxrec") from auxrec"
			diff "$out.perf" "$out.auxrec" | head -6
			break
		fi
		n=$((n + 1))
	done
	if [ -n "$bad" ]; then
		echo "not ok filters-as-perf: $bad"
	else
		echo "ok filters-as-perf ($n selections, the same branches as perf script's)"
	fi
}

# (a) auxrec writes, perf reads
pt=../shared/conformance/libipt-ptt/apl12-psb.pt
[ -f "$pt" ] || pt=/work/shared/conformance/libipt-ptt/apl12-psb.pt
if [ ! -f "$pt" ]; then
	echo "skip perf-reads-auxrec: no Intel PT stream (../shared/conformance/libipt-ptt)"
else
	if [ ! -x $B/tests/tools/pd-gen ]; then
		echo "not ok pd-gen: $B/tests/tools/pd-gen missing (make tools)"
	else
		$B/tests/tools/pd-gen "$tmp/w.data" "$pt" /usr/bin/true
		perf report -D -i "$tmp/w.data" > "$tmp/rd" 2> "$tmp/rd.err"; rc=$?
		n=$(grep -c 'PERF_RECORD_AUXTRACE size' "$tmp/rd")
		if [ $rc != 0 ] || grep -qi 'warning\|error\|fail' "$tmp/rd.err"; then
			echo "not ok perf-report-D-reads-auxrec: rc $rc: $(head -3 "$tmp/rd.err")"
		elif [ "$n" != 2 ]; then
			echo "not ok perf-report-D-reads-auxrec: $n AUXTRACE chunks listed, want 2"
		else
			echo "ok perf-report-D-reads-auxrec"
		fi
		compare auxrec-written-same-records "$tmp/w.data"
		perf_script_vs_ground_truth
		cpu_wide_switches
	fi
fi

# (b) perf writes, auxrec reads
for ev in cpu-clock dummy; do
	if perf record -q -e $ev -o "$tmp/$ev.data" -- true > /dev/null 2>&1; then
		compare "auxrec-reads-perf-$ev" "$tmp/$ev.data"
	else
		echo "skip auxrec-reads-perf-$ev: perf record -e $ev failed"
	fi
done
if perf record -q -e cpu-clock -o - -- true 2>/dev/null > "$tmp/pipe.data" && [ -s "$tmp/pipe.data" ]; then
	# pipe mode through stdin: compare the count of each record type
	perf report -D -i - < "$tmp/pipe.data" 2>/dev/null |
		sed -nE 's/^([0-9]+ )+0x[0-9a-f]+ \[0x[0-9a-f]+\]: (PERF_RECORD_[A-Z0-9_]+).*/\2/p' |
		sort | uniq -c > "$tmp/pp"
	cat "$tmp/pipe.data" | $AUXREC dump --json -i - |
		sed -nE 's/.*"type":"record","record":"([a-z0-9_]+)".*/\1/p' |
		while read -r n; do echo "PERF_RECORD_${n^^}"; done | sort | uniq -c > "$tmp/pa"
	if [ ! -s "$tmp/pp" ]; then
		echo "not ok auxrec-reads-perf-pipe: perf report -D listed nothing"
	elif diff <(grep -v PERF_RECORD_ATTR"$tmp/pp") <(grep -v PERF_RECORD_ATTR"$tmp/pa") > "$tmp/d"; then
		echo "ok auxrec-reads-perf-pipe"
	else
		echo "not ok auxrec-reads-perf-pipe: counts differ"; cat "$tmp/d"
	fi
else
	echo "skip auxrec-reads-perf-pipe: perf record -o - failed"
fi
exit 0
