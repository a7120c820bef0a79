# shellcheck shell=bash
# Sourced by check scripts (tests/*/t-*.sh) from the top of the tree: the
# shell functions they share. Each prints; none exits.

# "ok NAME (NOTE)" when WHY is empty, else "not ok NAME: WHY"
verdict() {	# name why note
	if [ -z "$2" ]; then
		echo "ok $1 ($3)"
	else
		echo "not ok $1: $2"
	fi
}

# "" when files WANT and GOT are the same, else GOT's line count, WHAT and
# the first two lines that differ (SIDES names them: "< want > got")
first_difference() {	# want got what sides
	cmp -s "$1" "$2" && return
	echo "$(wc -l < "$2") $3, first difference ($4): $(
		diff "$1" "$2" | grep -m2 '^[<>]' | tr '\n' ' ')"
}

# `perf script -F flags,ip,addr` lines on stdin as "kind from to" lines
# (flags joined by _, tr_end/KIND), as etm-gen's and gt's EXPECTED files;
# with LEAD, that many fields before the flags (e.g. -F tid,flags,...) go
# after the addresses
perf_branch_lines() {	# [lead]
	awk -v lead="${1:-0}" '$(NF - 1) == "=>" {
		k = $(lead + 1); for (i = lead + 2; i < NF - 2; i++) k = k "_" $i
		sub(/^tr_end_/, "tr_end/", k)
		s = ""; for (i = 1; i <= lead; i++) s = s " " $i
		printf "%s 0x%s 0x%s%s\n", k, $(NF - 2), $NF, s }'
}

# `perf script --itrace=b -F flags,ip,addr` of DATA as "kind from to"
# lines in OUT (perf's flags joined by "_": "tr_strt", "call"; a trace end's
# kind after a slash: "tr_end/syscall"), its stderr in OUT.err; then "" when
# OUT equals WANT, else why not (perf's first stderr line, or OUT's first
# difference, SIDES naming them: "< want > perf")
perf_branches_differ() {	# data want out sides
	timeout 120 perf script --itrace=b -F flags,ip,addr -i "$1" 2> "$3.err" |
		perf_branch_lines > "$3"
	if [ -s "$3.err" ]; then
		echo "perf: $(head -1 "$3.err")"
	else
		first_difference "$2" "$3" branches "$4"
	fi
}

# "" when the JSON lines of FILE fit docs/schema/dump.schema.json (or
# python3 has no jsonschema), else "schema: " and the checker's last line
# (its whole output in FILE.check)
dump_schema_differs() {	# file
	python3 -c 'import jsonschema' 2> /dev/null || return 0
	python3 tests/tools/json_check.py docs/schema/dump.schema.json "$1" > "$1.check" 2>&1 ||
		echo "schema: $(tail -1 "$1.check")"
}

# "" when `auxrec dump --raw RAW --pmu PMU --json` (AUXREC) exits 0, prints
# WANT's lines exactly and they fit docs/schema/dump.schema.json (when
# python3 has jsonschema), else why not (the output cut at CHARS bytes).
# Leaves RAW.json, RAW.err and RAW.json.check.
raw_dump_differs() {	# raw pmu want chars
	local why=
	"$AUXREC" dump --raw "$1" --pmu "$2" --json > "$1.json" 2> "$1.err" ||
		why="exit status $?: $(head -1 "$1.err")"
	[ -z "$why" ] && ! cmp -s "$3" "$1.json" && why="got $(head -c "$4" "$1.json")"
	[ -z "$why" ] && why=$(dump_schema_differs "$1.json")
	echo "$why"
}

# Runs tests/vm/guest-NAME.sh in a QEMU guest (tests/vm/run OPTIONS, the
# script as /in/guest-NAME.sh, its files in OUT), the console kept in
# OUT/../t-NAME.console; returns 0, or prints "not ok guest_run: ..." with
# the console's last lines and returns 1.
guest_script() {	# name out timeout [tests/vm/run options]
	local name=$1 out=$2 timeout=$3 console=$2/../t-$1.console
	shift 3
	tests/vm/run "$@" --in "tests/vm/guest-$name.sh" --out "$out" --timeout "$timeout" \
		-- sh "/in/guest-$name.sh" > "$console" 2>&1 && return
	echo "not ok guest_run: tests/vm/run failed: $(tail -5 "$console")"
	return 1
}

# The code tests/fuzz/corpus/perf_data/auxrec-etm-gen.data traced: its
# MMAP names /tmp/etmq/indirect, tests/gt/progs/indirect.c as
# tests/perf/t-cs-etm.sh builds it (aarch64-linux-gnu-gcc -O1 -static).
# Built as DIR/tmp/etmq/indirect, for --symfs DIR: without it the trace
# decodes to "no code at address" errors only. Prints "not ok NAME: ..."
# and returns 1 when it cannot be built.
etm_corpus_symfs() {	# dir name
	mkdir -p "$1/tmp/etmq" &&
	aarch64-linux-gnu-gcc -O1 -static -o "$1/tmp/etmq/indirect" tests/gt/progs/indirect.c \
		2> "$1/cc.err" && return
	echo "not ok $2: cannot build the ETM corpus file's program: $(head -1 "$1/cc.err")"
	return 1
}
