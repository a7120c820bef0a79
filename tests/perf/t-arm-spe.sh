#!/bin/bash
# t-arm-spe.sh - the arm_spe decoder against Debian's perf on files made by
# the test-side SPE writer: tests/tools/spe-stream.py writes raw SPE
# streams (random records with every packet type and field, or records
# from a described workload), `pd-gen --spe` puts them in a perf.data
# (AUXTRACE_INFO type 4 in perf 6.1's layout or newer perf's versioned
# one, per thread or per CPU, two AUX chunks cut at a record boundary).
#  - dump: `auxrec dump --json` equals `perf report -D` packet for packet
#    (tests/perf/spe_perf_dump.py), damaged streams (bytes no packet
#    starts with, unassigned indexes) included;
#  - raw: `auxrec dump --raw FILE --pmu arm_spe --json` of a few packets,
#    lines valid against docs/schema/dump.schema.json, and so are those of
#    a whole damaged recording's dump and --stats.
cd "$(dirname "$0")/../.." || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
AUXREC=${AUXREC:-./auxrec}
B=${AUXREC_BUILD:-build}
GEN=tests/tools/spe-stream.py

if [ ! -x "$AUXREC" ] || [ ! -x "$B/tests/tools/pd-gen" ]; then
	echo "not ok build: run make all tools first"; exit 1
fi
have_perf=1
if ! command -v perf > /dev/null || ! perf --version > /dev/null 2>&1; then
	have_perf=
fi

verdict() {	# name why note
	if [ -z "$2" ]; then
		echo "ok $1 ($3)"
	else
		echo "not ok $1: $2"
	fi
}

# a perf.data of a stream: NAME PD-GEN-OPTIONS -- SPE-STREAM-ARGS
make_file() {
	local n=$1 opts=() cut
	shift
	while [ "$1" != -- ]; do opts+=("$1"); shift; done
	shift
	cut=$(python3 $GEN "$@") || return 1
	"$B/tests/tools/pd-gen" --spe "${opts[@]}" "$tmp/$n.data" "$2" "$cut" /bin/true \
		> "$tmp/$n.gen" 2>&1
}

check_dump() {	# name
	local n=$1 why= count
	$AUXREC dump --json -i "$tmp/$n.data" > "$tmp/$n.dump" 2> "$tmp/$n.dump.err" ||
		why="auxrec dump exit status $?: $(head -1 "$tmp/$n.dump.err")"
	if [ -z "$have_perf" ]; then
		echo "skip spe-dump-$n: perf is not installed"; return
	fi
	timeout 120 perf report -D -i "$tmp/$n.data" > "$tmp/$n.perf" 2> "$tmp/$n.perf.err"
	[ -z "$why" ] && why=$(python3 tests/perf/spe_perf_dump.py "$tmp/$n.dump" "$tmp/$n.perf" \
				3> "$tmp/$n.count")
	count=$(cat "$tmp/$n.count" 2> /dev/null)
	[ -z "$why" ] && [ -z "$count" ] && why="no packets compared"
	verdict "spe-dump-$n-equals-perf-report-D" "$why" "$count, as perf prints them"
}

raw_packets() {
	local f=$tmp/raw.spe why=
	# PC el2, LD, TS 5, then a byte no packet starts with and a cut TS
	printf '\xb0\x00\x10\x40\x00\x00\x00\x00\x40\x49\x00\x71\x05\0\0\0\0\0\0\0\x02\x71\x01' > "$f"
	cat > "$tmp/raw.want" <<'J'
{"offset":0,"size":9,"packet":"address.pc","addr":"0x401000","el":2,"ns":0}
{"offset":9,"size":2,"packet":"op_type.ldst","payload":"0x0"}
{"offset":11,"size":9,"packet":"timestamp","timestamp":5}
{"offset":20,"error":"bad packet"}
{"offset":21,"error":"truncated packet"}
{"offset":22,"size":1,"packet":"end"}
J
	$AUXREC dump --raw "$f" --pmu arm_spe --json > "$tmp/raw.json" 2> "$tmp/raw.err" ||
		why="exit status $?: $(head -1 "$tmp/raw.err")"
	[ -z "$why" ] && ! cmp -s "$tmp/raw.want" "$tmp/raw.json" && why="got $(head -c 400 "$tmp/raw.json")"
	if [ -z "$why" ] && python3 -c 'import jsonschema' 2> /dev/null &&
	   ! python3 tests/tools/json_check.py docs/schema/dump.schema.json "$tmp/raw.json" \
		> "$tmp/raw.check" 2>&1; then
		why="schema: $(tail -1 "$tmp/raw.check")"
	fi
	verdict spe-dump-raw "$why" "packets, a bad byte, a cut packet"
}

# a small damaged file's whole dump against the schemas
dump_schema() {
	local why=
	if ! python3 -c 'import jsonschema' 2> /dev/null; then
		echo "skip spe-dump-schema: python3-jsonschema is not installed"; return
	fi
	make_file small -- random "$tmp/small.spe" 5 60 --dump-only || why="pd-gen failed"
	[ -z "$why" ] && { $AUXREC dump --json -i "$tmp/small.data"
			   $AUXREC dump --json --stats -i "$tmp/small.data"; } > "$tmp/small.json"
	[ -z "$why" ] && ! python3 tests/tools/json_check.py docs/schema/dump.schema.json \
		"$tmp/small.json" > "$tmp/small.check" 2>&1 && why="$(tail -1 "$tmp/small.check")"
	verdict spe-dump-schema "$why" "$(tail -1 "$tmp/small.check")"
}

raw_packets
dump_schema
for seed in 1 2 3; do
	make_file "random$seed" -- random "$tmp/random$seed.spe" "$seed" 2000 &&
		check_dump "random$seed"
	make_file "damaged$seed" -- random "$tmp/damaged$seed.spe" "$seed" 2000 --dump-only &&
		check_dump "damaged$seed"
done
make_file v2 --v2 0x410fd0c0 -- random "$tmp/v2.spe" 7 1000 && check_dump v2
make_file cpuwide --cpu-wide -- random "$tmp/cpuwide.spe" 8 1000 && check_dump cpuwide
