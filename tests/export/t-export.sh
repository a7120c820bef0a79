#!/bin/bash
# auxrec export on ground-truth recordings (tests/gt): the static programs
# of tests/gt/progs.sh (GT_PROGS_STATIC), and the dynamic ones
# (GT_PROGS_DYNAMIC: a perf.data with an MMAP2 per file mapping, libc's
# included) single-stepped by gt-record, their flow encoded as Intel PT (returns as
# TIPs, and compressed) and wrapped in a perf.data by pd-gen. For each:
# - export-chrome-PROG: the Chrome JSON's slices are the call tree of the
#   true flow (tests/export/gt-calltree.py: every call with its return,
#   nesting exact, times those of the decoded events), and the document
#   validates against docs/schema/export-chrome.schema.json; with -c insns
#   (export-chrome-insns-PROG) the same on the instruction clock;
# - export-folded-PROG: the folded stacks count each stack's instructions
#   as the true flow does;
# - export-perfetto-PROG: the protobuf export, its zstd-compressed packets
#   unpacked (tests/export/perfetto-unpack.py), decoded by `protoc --decode`
#   against tests/export/perfetto_subset.proto, holds the same slices as
#   the JSON.
# - export-speedscope: the -c insns JSON of recursion opened by speedscope
#   (npm registry, fetched once into $B/tests/speedscope) in headless
#   Chromium, offline: the DOM of its sandwich view names the profile and
#   the thread, and its table lists the functions of most own time that
#   the export holds (skipped without chromium or the package).
# - export-jobs-*: each format with --jobs 2 and 7 (units of 1024 bytes)
#   writes the bytes of --jobs 1.
# Then usage errors: one line, exit 1.
cd "$(dirname "$0")/../.." || exit 1
A=${AUXREC:-./auxrec}
B=${AUXREC_BUILD:-build}
. tests/export/export-lib.sh

# NAME DATA WANT ARGS...: export ARGS of DATA with --jobs 2 and 7 (cut in
# units of 1024 bytes, AUXREC_PAR_UNIT) writes the bytes of WANT (--jobs 1)
jobs_same() {
	local name=$1 data=$2 want=$3 j why=
	shift 3
	for j in 2 7; do
		AUXREC_PAR_UNIT=1024 "$A" export "$@" --jobs $j -i "$data" -o "$want.j$j" \
			2> /dev/null || { why="--jobs $j failed"; break; }
		cmp -s "$want" "$want.j$j" || { why="--jobs $j differs from --jobs 1"; break; }
	done
	if [ -z "$why" ]; then echo "ok $name"; else echo "not ok $name: $why"; fi
}

# NAME LINK: the checks above for tests/gt/progs/NAME built LINK (static or
# pie: then its libraries' names come from their own files, libc's too);
# checks of a dynamic build are named NAME-dyn
export_prog() {
	local name=$1 link=$2 g=$tmp/$1 v
	[ "$link" = pie ] && name=$name-dyn g=$tmp/$name-dyn
	gt_prog_build "$1" "$g" "$link" || return
	gt_record "export-$name" "$g.rec" "$g" -- "$g" || return
	$PY addrs "$g.branches" > "$g.addrs"
	# a static PIE (exceptions) is named where it ran
	# shellcheck disable=SC2046
	run sym-lookup-$name gt_prog_syms "$g" "$link" "$g" $(cat "$g.addrs") > "$g.syms" || return
	for v in "" -rc; do
		local d=$g$v
		run pd-gen-$name$v gt_prog_pd_gen "$g" "$link" "$g" "$d.pt" "$d.data" > /dev/null &&
		run script-$name$v "$A" script --json -i "$d.data" > "$d.script" &&
		run export-chrome-$name$v "$A" export -i "$d.data" -o "$d.json" &&
		run export-chrome-insns-$name$v "$A" export -c insns -i "$d.data" -o "$d.insns.json" &&
		run export-folded-$name$v "$A" export -f folded -i "$d.data" -o "$d.folded" &&
		run export-perfetto-$name$v "$A" export -f perfetto -i "$d.data" -o "$d.pftrace" ||
			continue
		jobs_same export-jobs-chrome-$name$v "$d.data" "$d.json"
		jobs_same export-jobs-folded-$name$v "$d.data" "$d.folded" -f folded
		jobs_same export-jobs-perfetto-$name$v "$d.data" "$d.pftrace" -f perfetto
		check export-chrome-$name$v check-json "$d.branches" "$d.script" "$g.syms" "$d.json"
		check export-chrome-insns-$name$v check-json "$d.branches" insns "$g.syms" "$d.insns.json"
		schema_check export-chrome-schema-$name$v "$d.json"
		check export-folded-$name$v check-folded "$d.branches" "$g.syms" "$d.folded"
		perfetto_check export-perfetto-$name$v "$d.json" "$d.pftrace"
	done
}

SPEEDSCOPE_VERSION=1.25.0
# NAME JSON: the sandwich view of JSON in speedscope shows its top functions
speedscope_check() {
	local name=$1 json=$2 dir=$B/tests/speedscope app dom want missing=
	app=$dir/package/dist/release/index.html
	if ! command -v chromium > /dev/null; then
		echo "skip $name: no chromium (Debian chromium)"; return
	fi
	if [ ! -f "$app" ]; then
		mkdir -p "$dir"
		if ! (cd "$dir" && npm pack --silent "speedscope@$SPEEDSCOPE_VERSION" > /dev/null 2>&1 &&
		      tar xzf "speedscope-$SPEEDSCOPE_VERSION.tgz") || [ ! -f "$app" ]; then
			echo "skip $name: cannot get speedscope@$SPEEDSCOPE_VERSION from the npm registry"
			return
		fi
	fi
	python3 -c 'import base64, sys
print("speedscope.loadFileFromBase64(\"%s\", \"%s\")" %
      (sys.argv[1], base64.b64encode(open(sys.argv[2], "rb").read()).decode()))' \
		"$name.json" "$json" > "$tmp/load.js"
	dom=$(timeout 120 chromium --headless=new --no-sandbox --disable-gpu \
		--allow-file-access-from-files --window-size=1400,700 --virtual-time-budget=8000 \
		--dump-dom "file://$(realpath "$app")#view=sandwich&localProfilePath=$tmp/load.js" \
		2> /dev/null | sed 's/<[^>]*>/\n/g')
	want=$($PY top-self "$json" 5)
	while read -r f; do
		grep -qxF "$f" <<<"$dom" || missing="$missing $f"
	done <<<"$want"
	if ! grep -qxF "$name.json - speedscope" <<<"$dom"; then
		echo "not ok $name: speedscope did not open the file"
	elif ! grep -q "(pid [0-9]*, tid [0-9]*)" <<<"$dom"; then
		echo "not ok $name: no thread in speedscope's view"
	elif [ -n "$missing" ]; then
		echo "not ok $name: speedscope's table lacks$missing"
	else
		echo "ok $name (top functions by own time shown: $(echo $want))"
	fi
}

if [ "$GT_SKIP" = build ]; then
	echo "not ok export-gt: cannot build the ground-truth tools"
elif [ -n "$GT_SKIP" ]; then
	echo "skip export-gt: $GT_SKIP"
elif [ ! -x "$B/tests/tools/pd-gen" ] || [ ! -x "$B/tests/tools/sym_lookup" ]; then
	echo "not ok export-gt: $B/tests/tools/pd-gen or sym_lookup missing (make tools)"
else
	for prog in $GT_PROGS_STATIC; do
		export_prog $prog static
	done
	for prog in $GT_PROGS_DYNAMIC; do
		export_prog $prog pie
	done
	[ -s "$tmp/recursion-rc.insns.json" ] &&
		speedscope_check export-speedscope "$tmp/recursion-rc.insns.json"
fi

# usage errors: one line naming the problem, exit 1, no output file
err_case() {	# NAME WANT CMD...
	local name=$1 want=$2 rc
	shift 2
	"$@" > /dev/null 2> "$tmp/err"
	rc=$?
	if [ $rc = 1 ] && [ "$(wc -l < "$tmp/err")" -ge 1 ] &&
	   [[ $(head -1 "$tmp/err") == "auxrec export: "*"$want"* ]]; then
		echo "ok $name"
	else
		echo "not ok $name: status $rc: $(head -2 "$tmp/err")"
	fi
}
err_case export-bad-format "unknown format 'svg'" "$A" export -f svg -i /dev/null
err_case export-bad-clock "unknown clock 'tsc'" "$A" export -c tsc -i /dev/null
err_case export-no-input "" "$A" export -i "$tmp/nosuch.data" -o "$tmp/out.json"
[ ! -e "$tmp/out.json" ] && echo "ok export-no-input-no-file" ||
	echo "not ok export-no-input-no-file: $tmp/out.json was written"
err_case export-bad-output "cannot create" "$A" export -i tests/fuzz/corpus/perf_data/auxrec-pd-gen.data \
	-o "$tmp/nodir/x.json"
exit 0
