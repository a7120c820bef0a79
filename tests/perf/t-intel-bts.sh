#!/bin/bash
# t-intel-bts.sh - the intel_bts decoder on real programs' flows: each
# program is single-stepped by tests/gt/gt-record, its taken branches (and
# trace starts and ends) written as Intel BTS records by
# `pd-gen --bts` (tests/tools/pd-gen.c) into a perf.data of auxrec's writer,
# AUXTRACE_INFO type 2, in two AUX chunks. Then:
#  - `auxrec script --json` lists exactly the recorded transfers (from, to,
#    in order), with the recorded kinds (call, return, jcc, jmp; a trace
#    end with its syscall);
#  - `auxrec dump --json` lists one "branch" packet per record, with the
#    keys docs/json.md documents;
#  - Debian's `perf script --itrace=b -F flags,ip,addr` reads the file
#    without a word on stderr and agrees (kinds too: auxrec's trace end
#    has a kind, perf's none), except for the last record of each chunk
#    (perf's BTS decoder never emits the last record of a buffer);
#  - `auxrec dump --raw FILE --pmu intel_bts --json` of a record and 3
#    more bytes: the branch (pred from misc bit 4), then "partial record",
#    lines valid against docs/schema/dump.schema.json.
cd "$(dirname "$0")/../.." || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
AUXREC=${AUXREC:-./auxrec}
B=${AUXREC_BUILD:-build}

if [ ! -x "$AUXREC" ] || [ ! -x "$B/tests/tools/pd-gen" ]; then
	echo "not ok build: run make all tools first"; exit 1
fi
. tests/check-lib.sh
. tests/gt/build-tools.sh
if [ -n "$GT_SKIP" ]; then
	echo "skip intel-bts: $GT_SKIP"; exit 0
fi

# "from to" of each record gt-record's NAME.branches makes (pd-gen --bts)
want_transfers() {
	awk '{ f = $2; t = $3
	       if ($1 == "tr_strt") f = "0"; else if ($1 ~ /^tr_end/) t = "0"
	       print (f == "0" ? "0x0" : f), (t == "0" ? "0x0" : t) }' "$1"
}

# auxrec's events against the recorded lines: "" or what differs
check_script() {	# branches events.json
	python3 - "$1" "$2" <<'PY'
import json, sys
want = [l.split() for l in open(sys.argv[1])]
got = [json.loads(l) for l in open(sys.argv[2])]
got = [e for e in got if e["type"] in ("branch", "trace_begin", "trace_end")]
if len(got) != len(want):
    print("%d events, %d recorded" % (len(got), len(want))); sys.exit()
for i, (w, e) in enumerate(zip(want, got)):
    name = {"trace_begin": "tr_strt",
            "trace_end": "tr_end" + ("/" + e["kind"] if "kind" in e else "")}.get(
                e["type"], e.get("kind"))
    f = "0x0" if w[0] == "tr_strt" else w[1]
    t = "0x0" if w[0].startswith("tr_end") else w[2]
    if (name, e["from"], e["to"]) != (w[0], f, t) or e["insn_count"] != 0:
        print("event %d: %s %s %s, recorded %s" % (i, name, e["from"], e["to"], " ".join(w)))
        sys.exit()
PY
}

# the dump's packets against the records: "" or what differs
check_dump() {	# want dump.json
	python3 - "$1" "$2" <<'PY'
import json, sys
want = [l.split() for l in open(sys.argv[1])]
pk = [json.loads(l) for l in open(sys.argv[2])]
pk = [p for p in pk if "packet" in p]
keys = ["offset", "size", "packet", "from", "to", "misc", "pred"]
if len(pk) != len(want):
    print("%d packets, %d records" % (len(pk), len(want))); sys.exit()
for i, (w, p) in enumerate(zip(want, pk)):
    if list(p) != keys or p["packet"] != "branch" or p["size"] != 24 or \
       [p["from"], p["to"]] != w or p["misc"] != "0x0" or p["pred"] != 0:
        print("packet %d: %s" % (i, json.dumps(p))); sys.exit()
PY
}

run_prog() {	# name args...
	local n=$1 g=$tmp/$1 why load nrec half
	shift
	mkdir -p "$g"
	if ! gcc -O1 -static -no-pie -o "$g/prog" "tests/gt/progs/$n.c"; then
		echo "not ok bts-$n: cannot compile tests/gt/progs/$n.c"; return
	fi
	if ! "$GT_BIN/gt-record" "$g/gt" -- "$g/prog" "$@" > "$g/rec.log" 2>&1; then
		echo "skip bts-$n: gt-record: $(tail -1 "$g/rec.log")"; return
	fi
	load=$(readelf -lW "$g/prog" | awk '$1 == "LOAD" && / E / {print $3, $6, $2; exit}')
	# shellcheck disable=SC2086
	if ! "$B/tests/tools/pd-gen" --bts "$g/b.data" "$g/gt.branches" "$g/prog" $load \
		2> "$g/pd-gen.err"; then
		echo "not ok bts-$n: pd-gen --bts: $(head -1 "$g/pd-gen.err")"; return
	fi
	want_transfers "$g/gt.branches" > "$g/want"
	nrec=$(wc -l < "$g/want")

	$AUXREC script --json -i "$g/b.data" > "$g/script.json" 2> "$g/script.err"
	why=$(check_script "$g/gt.branches" "$g/script.json")
	[ -s "$g/script.err" ] && why="stderr: $(head -1 "$g/script.err")"
	verdict "bts-$n-script-equals-recorded" "$why" "$nrec transfers, kinds as recorded"

	$AUXREC dump --json -i "$g/b.data" > "$g/dump.json" 2> "$g/dump.err"
	why=$(check_dump "$g/want" "$g/dump.json")
	[ -s "$g/dump.err" ] && why="stderr: $(head -1 "$g/dump.err")"
	verdict "bts-$n-dump-lists-records" "$why" "$nrec branch packets"

	if ! command -v perf > /dev/null || ! perf --version > /dev/null 2>&1; then
		echo "skip bts-$n-perf-script: perf is not installed"; return
	fi
	# "kind from to" of auxrec's events, but for records half and nrec:
	# pd-gen cuts at the middle record and perf drops each chunk's last
	half=$((nrec / 2))
	python3 -c '
import json, sys
for l in open(sys.argv[1]):
    e = json.loads(l)
    k = {"trace_begin": "tr_strt", "trace_end": "tr_end"}.get(e["type"], e.get("kind"))
    if e["type"] in ("branch", "trace_begin", "trace_end"):
        print(k, e["from"], e["to"])' "$g/script.json" |
		awk -v a="$half" -v b="$nrec" 'NR != a && NR != b' > "$g/want.perf"
	why=$(perf_branches_differ "$g/b.data" "$g/want.perf" "$g/perf" "< want > perf")
	verdict "bts-$n-perf-script-agrees" "$why" \
		"$(wc -l < "$g/perf") of $nrec with their kinds: all but each chunk's last"
}

raw_partial() {
	local f=$tmp/raw.bts why=
	printf '\0\0\0\0\0\0\0\0\0\020\100\0\0\0\0\0\020\0\0\0\0\0\0\0\1\2\3' > "$f"
	cat > "$tmp/raw.want" <<'J'
{"offset":0,"size":24,"packet":"branch","from":"0x0","to":"0x401000","misc":"0x10","pred":1}
{"offset":24,"error":"partial record"}
J
	why=$(raw_dump_differs "$f" intel_bts "$tmp/raw.want" 300)
	verdict bts-dump-raw-partial-record "$why" "a branch, then the error"
}

raw_partial
run_prog spin 30
run_prog indirect
run_prog recursion
