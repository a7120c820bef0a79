#!/bin/bash
# t-bad-input.sh - bad input to the CLI on the host:
#  - valid recordings (perf's and auxrec's writer, perf record -z, a
#    COMPRESSED2 one, an Intel BTS one, an ARM SPE one, one with tracepoint
#    samples and their tracing data (pd-gen --tp), a CoreSight ETM one of
#    tests/tools/etm-gen, the fuzz seeds) truncated
#    at many offsets and with random bytes flipped (fixed seeds, 320 variants):
#    `auxrec dump -i` exits 0 or 1 within 10 s, never by a signal or a
#    sanitizer report, and a failure is one error line naming an offset or size;
#    the variants of the decodable recordings (Intel PT, Intel BTS, ARM SPE, ETM)
#    also go through `auxrec script`, `report`, `export -f perfetto` and
#    `export -f chrome --jobs 7` (decode threads, the call stacks' builder
#    thread): exit 0 or 1, no signal, no report;
#  - a newer or unknown format (bad magic, bigger header, unknown feature bit,
#    unknown record type): a clear message;
#  - `auxrec dump --raw` on random bytes never crashes (intel_pt, arm_spe);
#  - the packet dump of an ETM recording (and of a damaged copy) does not
#    depend on what the heap held (OpenCSD's unwritten packet fields);
#  - an ETM recording without its AUXTRACE_INFO: one error per chunk;
#  - a stack sample whose user stack overruns its record, or whose id
#    names no event: script --stack-samples and export warn once and go on;
#  - records too short for their type's fixed fields (MMAP2, COMM, AUX,
#    ITRACE_START, TIME_CONV, SWITCH_CPU_WIDE, FORK, EXIT): one warning
#    with the count of each type, the decode goes on (dump: each, by the
#    same sizes); a tracepoint sample whose id names no event: one warning
#    in script; tracing data of version 0.5 (no saved cmdlines): printed;
#    an Intel PT, BTS or ARM SPE recording without its AUXTRACE_INFO: one
#    warning naming the PMU (ETM: its error per piece, the same in script
#    as in dump);
#  - record: unknown PMU, unknown term, PMU without AUX, -m 3, -p of a pid
#    that does not exist: one error line, exit 1; the writer creates files
#    0600 and refuses a symlink at the output path (its target untouched).
cd "$(dirname "$0")/../.." || exit 1
A=${AUXREC:-./auxrec}
B=${AUXREC_BUILD:-build}
[ -x "$A" ] || { echo "not ok build: $A missing"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. tests/check-lib.sh
etm_corpus_symfs "$tmp/symfs" bad-input-etm-program
# A sanitizer report must not look like an ordinary "exit 1".
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=86"
S=tests/data/sysfs
seeds=(tests/fuzz/corpus/perf_data/perf-cpu-clock.data
       tests/fuzz/corpus/perf_data/auxrec-pd-gen.data
       tests/fuzz/corpus/perf_data/perf-pipe.data
       tests/fuzz/corpus/perf_data/perf-z-cpu-clock.data
       tests/fuzz/corpus/perf_data/hand-compressed2.data
       tests/fuzz/corpus/perf_data/auxrec-pd-gen-bts.data
       tests/fuzz/corpus/perf_data/auxrec-pd-gen-spe.data
       tests/fuzz/corpus/perf_data/auxrec-pd-gen-spe-tp.data
       tests/fuzz/corpus/perf_data/auxrec-etm-gen.data)
# the recordings whose AUX data decodes: their variants are decoded too
decodable="auxrec-pd-gen auxrec-pd-gen-bts auxrec-pd-gen-spe auxrec-pd-gen-spe-tp auxrec-etm-gen"

bad=0 runs=0 first_bad=
# check_dump FILE LABEL: status 0/1, no signal/timeout, failure = one line
check_dump() {
	local f=$1 label=$2 rc lines
	timeout 10 "$A" dump -i "$f" > /dev/null 2> "$tmp/err"; rc=$?
	runs=$((runs + 1))
	lines=$(grep -vc ': warning: ' "$tmp/err")
	if [ $rc != 0 ] && [ $rc != 1 ]; then
		why="exit status $rc: $(grep -m1 -E 'ERROR|runtime error' "$tmp/err" || head -1 "$tmp/err")"
	elif [ $rc = 1 ] && [ "$lines" != 1 ]; then
		why="$lines error lines: $(head -2 "$tmp/err" | tr '\n' '|')"
	elif [ $rc = 1 ] && ! grep -v ': warning: ' "$tmp/err" | grep -qE 'offset|bytes|empty'; then
		why="error names no offset: $(head -1 "$tmp/err")"
	else
		return 0
	fi
	bad=$((bad + 1))
	[ -z "$first_bad" ] && first_bad="$label: $why" && mkdir -p "$B/test-logs" && cp "$f" "$B/test-logs/bad-input.data"
	return 1
}

# check_decode FILE LABEL: script (JSON), report and the exports exit 0 or 1, no signal or timeout
check_decode() {
	local f=$1 label=$2 rc cmd symfs=
	# the ETM recording's program, so that its variants decode into code
	[[ $label == auxrec-etm-gen* ]] && symfs="--symfs $tmp/symfs"
	for cmd in "script --json --events=all" "report" "export -f perfetto -o /dev/null" \
		   "export -f chrome --jobs 7 -o /dev/null"; do
		# shellcheck disable=SC2086
		timeout 10 "$A" $cmd -i "$f" $symfs --no-progress > /dev/null 2> "$tmp/err"; rc=$?
		runs=$((runs + 1))
		[ $rc = 0 ] || [ $rc = 1 ] && continue
		bad=$((bad + 1))
		[ -z "$first_bad" ] && first_bad="$label ($cmd): exit status $rc: $(grep -m1 -E 'ERROR|runtime error' "$tmp/err" || head -1 "$tmp/err")" &&
			mkdir -p "$B/test-logs" && cp "$f" "$B/test-logs/bad-input.data"
	done
}

# poke FILE OFFSET BYTE(decimal)
poke() {
	printf "\\x$(printf %02x "$2")" | dd of="$1" bs=1 seek="$3" conv=notrunc status=none
}

for s in "${seeds[@]}"; do
	base=$(basename "$s" .data)
	size=$(stat -c %s "$s")
	# 40 truncation points: the header's edges and spread over the file
	offs="0 1 7 8 15 16 17 23 24 103 104 105"
	for i in $(seq 1 28); do offs="$offs $((size * i / 29))"; done
	for o in $offs; do
		head -c "$o" "$s" > "$tmp/t.data"
		check_dump "$tmp/t.data" "$base truncated at $o"
		[[ " $decodable " == *" $base "* ]] && check_decode "$tmp/t.data" "$base truncated at $o"
	done
	# byte flips: 1..8 random bytes each, the first 4 KiB more often
	RANDOM=$((size % 1000 + 7))
	nvar=27
	for v in $(seq 1 "$nvar"); do
		cp "$s" "$tmp/f.data"
		for k in $(seq 1 $((RANDOM % 8 + 1))); do
			if [ $((RANDOM % 2)) = 0 ]; then o=$((RANDOM % (size < 4096 ? size : 4096)))
			else o=$(( (RANDOM * 32768 + RANDOM) % size )); fi
			poke "$tmp/f.data" $((RANDOM % 256)) "$o"
		done
		check_dump "$tmp/f.data" "$base variant $v"
		[[ " $decodable " == *" $base "* ]] && check_decode "$tmp/f.data" "$base variant $v"
	done
done
if [ $bad = 0 ]; then
	echo "ok dump-corrupt-files # $runs variants"
else
	echo "not ok dump-corrupt-files: $bad of $runs variants: $first_bad (kept in $B/test-logs/bad-input.data)"
fi

# A newer or unknown format: one clear line.
v=${seeds[0]}
format_case() {	# NAME WANT_RC PATTERN OFFSET BYTE...
	local name=$1 want=$2 pat=$3 off=$4 rc; shift 4
	cp "$v" "$tmp/n.data"
	for b in "$@"; do poke "$tmp/n.data" "$b" "$off"; off=$((off + 1)); done
	timeout 10 "$A" dump -i "$tmp/n.data" > /dev/null 2> "$tmp/err"; rc=$?
	if [ $rc = "$want" ] && [ "$(wc -l < "$tmp/err")" = 1 ] && grep -q "$pat" "$tmp/err"; then
		echo "ok format-$name # $(cat "$tmp/err")"
	else
		echo "not ok format-$name: exit $rc (want $want): $(head -3 "$tmp/err" | tr '\n' '|')"
	fi
}
format_case bad-magic 1 'not a perf.data file.*offset 0' 0 80 69 82 70 73 76 69 51	# PERFILE3
format_case bigger-header 0 'header size 112 at offset 8' 8 112
format_case unknown-feature 0 'unknown feature(s) (id 250)' 103 4
# the first record (data section at 264 in this file) gets type 99
format_case unknown-record 0 'record(s) of unknown type' 264 99

# A damaged TIME_CONV (recording with TSC packets and context switches):
# one that cannot convert (time_shift >= 64, time_mult 0 or above 32 bits)
# is ignored with one warning line and the trace decoded without times;
# extreme ones that can (time_shift 63, time_mult UINT32_MAX, time_zero
# near UINT64_MAX) decode silently, without undefined behaviour.
tc=tests/fuzz/corpus/perf_data/auxrec-cpu-wide-switches.data
tc_off=$("$A" dump -i "$tc" 2>/dev/null | sed -n 's/^0x\([0-9a-f]*\) .*PERF_RECORD_TIME_CONV.*/\1/p')
time_conv_case() {	# NAME WANT_WARN_PATTERN|"" FIELD(8 shift, 16 mult, 24 zero) BYTE... [FIELD BYTE...]
	local name=$1 pat=$2 rc lines at; shift 2
	cp "$tc" "$tmp/tc.data"
	while [ $# -gt 0 ]; do
		at=$((16#$tc_off + $1)); shift
		for b in $1; do poke "$tmp/tc.data" "$b" $at; at=$((at + 1)); done; shift
	done
	timeout 10 "$A" script -i "$tmp/tc.data" > "$tmp/tc.out" 2> "$tmp/err"; rc=$?
	lines=$(wc -l < "$tmp/err")
	if [ -z "$tc_off" ]; then
		echo "not ok time-conv-$name: no PERF_RECORD_TIME_CONV in $tc"
	elif [ $rc != 0 ]; then
		echo "not ok time-conv-$name: exit $rc: $(head -3 "$tmp/err" | tr '\n' '|')"
	elif [ -n "$pat" ] && { [ "$lines" != 1 ] || ! grep -q "warning: .*$pat" "$tmp/err"; }; then
		echo "not ok time-conv-$name: want one warning /$pat/, got $lines lines: $(head -3 "$tmp/err" | tr '\n' '|')"
	elif [ -n "$pat" ] && grep -qE ' [0-9]+\.[0-9]{9}: ' "$tmp/tc.out"; then
		echo "not ok time-conv-$name: times shown from an ignored TIME_CONV: $(head -1 "$tmp/tc.out")"
	elif [ -z "$pat" ] && [ "$lines" != 0 ]; then
		echo "not ok time-conv-$name: $(head -3 "$tmp/err" | tr '\n' '|')"
	else
		echo "ok time-conv-$name # $(wc -l < "$tmp/tc.out") lines${pat:+: $(cat "$tmp/err")}"
	fi
}
time_conv_case shift-255 'TIME_CONV.*time_shift 255.*ignored' 8 255
time_conv_case shift-64 'TIME_CONV.*time_shift 64.*ignored' 8 64
time_conv_case mult-0 'TIME_CONV.*time_mult 0: ignored' 16 "0 0 0 0 0 0 0 0"
time_conv_case mult-33-bits 'TIME_CONV.*time_mult 4294968296: ignored' 16 "232 3 0 0 1 0 0 0"
time_conv_case extreme-valid '' 8 63 16 "255 255 255 255 0 0 0 0" 24 "250 255 255 255 255 255 255 255"
time_conv_case zero-near-max '' 24 "250 255 255 255 255 255 255 255"
if [ -n "$tc_off" ] && grep -q ' 0\.016383994: ' "$tmp/tc.out"; then
	echo "ok time-conv-zero-near-max-times # 16384000 ns - 6"
else
	echo "not ok time-conv-zero-near-max-times: $(head -1 "$tmp/tc.out")"
fi

# --raw on random bytes (fixed seeds)
raw_bad=0
for seed in 1 2 3 4 5 6 7 8 9 10; do
	awk -v s=$seed 'BEGIN { srand(s); n = 1 + int(rand() * 20000);
		for (i = 0; i < n; i++) printf "%c", int(rand() * 256) }' > "$tmp/r.bin"
	for pmu in intel_pt arm_spe; do
		for fmt in "" --json --stats; do
			timeout 10 "$A" dump --raw "$tmp/r.bin" --pmu $pmu $fmt > /dev/null 2> "$tmp/err"
			rc=$?
			if [ $rc != 0 ] && [ $rc != 1 ]; then
				raw_bad=$((raw_bad + 1))
				echo "# seed $seed $pmu $fmt: exit $rc: $(head -3 "$tmp/err")"
			fi
		done
	done
done
[ $raw_bad = 0 ] && echo "ok dump-raw-random # 60 runs" ||
	echo "not ok dump-raw-random: $raw_bad of 60 runs crashed or timed out"

# The packet dump of a CoreSight ETM recording, whole and with bytes of its
# first chunk's trace overwritten, text and --json, is the same whatever the heap held
# before (glibc's MALLOC_PERTURB_: fresh memory filled with two bytes):
# OpenCSD leaves the fields a packet does not carry unwritten (a trace
# info's cycle count threshold, a context's VMID), which were printed.
etm=tests/fuzz/corpus/perf_data/auxrec-etm-gen.data
cp "$etm" "$tmp/etm-bad.data"
# the first AUXTRACE record: its offset and payload size
read -r at len < <("$A" dump --no-packets -i "$etm" |
	sed -n 's/^0x\([0-9a-f]*\) .*PERF_RECORD_AUXTRACE *size 0x\([0-9a-f]*\) .*/\1 \2/p')
RANDOM=5
for k in $(seq 1 20); do
	poke "$tmp/etm-bad.data" $((RANDOM % 256)) $((16#$at + 48 + RANDOM % 16#$len))
done
etm_bad=
for f in "$etm" "$tmp/etm-bad.data"; do
	for fmt in "" --json; do
		# shellcheck disable=SC2086
		a=$(MALLOC_PERTURB_=17 "$A" dump $fmt -i "$f" 2>&1 | md5sum)
		# shellcheck disable=SC2086
		b=$(MALLOC_PERTURB_=200 "$A" dump $fmt -i "$f" 2>&1 | md5sum)
		[ "$a" = "$b" ] || etm_bad+=" $(basename "$f") dump $fmt;"
	done
done
[ -z "$etm_bad" ] && echo "ok etm-dump-determinate # 4 dumps" ||
	echo "not ok etm-dump-determinate: differs with the heap's contents:$etm_bad"

# An ETM recording without its AUXTRACE_INFO (the record's type made
# FINISHED_ROUND's, 68, by the recipe below): each chunk is one error naming
# what is missing (an unconfigured decoder said "trace data path failed"
# every 16 bytes: a NULL AUXTRACE_INFO passed for the parsed one)
python3 - "$etm" "$tmp/etm-noinfo.data" <<'PY'
import struct, sys
d = bytearray(open(sys.argv[1], 'rb').read())
at = struct.unpack_from('<Q', d, 40)[0]	# the data section's first record
assert struct.unpack_from('<I', d, at)[0] == 70	# PERF_RECORD_AUXTRACE_INFO
struct.pack_into('<I', d, at, 68)
open(sys.argv[2], 'wb').write(d)
PY
out=$("$A" dump -i "$tmp/etm-noinfo.data" 2>&1)
n=$(grep -c 'error: ' <<<"$out")
[ "$n" = 2 ] && [ "$(grep -c 'error: no cs_etm AUXTRACE_INFO to configure the decoders$' <<<"$out")" = 2 ] &&
	echo "ok etm-dump-no-info" || echo "not ok etm-dump-no-info: $n errors: $(grep -m2 'error: ' <<<"$out" | tr '\n' '|')"

# A stack sample (pd-gen --stack-sample) that perf fails to parse ("Can't
# parse sample", "failed to process type: 9"): its STACK_USER size, 2^64-1,
# overruns its record (stack-sample-size-huge), or its id, 101, is no
# event's (sample-id-unknown: the event's id made the trace's, 100; it was
# read as the first event's, without a stack). One warning line, the decode
# goes on (the sample was left out without a word).
for c in "stack-sample-size-huge:1 stack samples whose registers or stack overrun their record" \
	 "sample-id-unknown:1 samples whose id names no event"; do
	ss=tests/fuzz/corpus/perf_data/${c%%:*}.data
	for cmd in "script --stack-samples" "export -o /dev/null"; do
		# shellcheck disable=SC2086
		timeout 10 "$A" $cmd -i "$ss" --no-progress > /dev/null 2> "$tmp/err"; rc=$?
		name=${c%%:*}-${cmd%% *}
		if [ $rc = 0 ] && [ "$(wc -l < "$tmp/err")" = 1 ] &&
		   grep -q "warning: .*${c#*:}" "$tmp/err"; then
			echo "ok $name # $(cat "$tmp/err")"
		else
			echo "not ok $name: exit $rc: $(head -3 "$tmp/err" | tr '\n' '|')"
		fi
	done
done

# Records cut short of their type's fixed fields (python below: the record
# keeps its first SIZE bytes, the rest of it becomes a FINISHED_ROUND record
# so that the records after it stay where they are): skipped, and said in
# one warning with a count per type (they were skipped without a word).
cut_records() {	# IN OUT TYPE:SIZE...
	python3 - "$@" <<'PY'
import struct, sys
d = bytearray(open(sys.argv[1], 'rb').read())
cut = {int(a.split(':')[0]): int(a.split(':')[1]) for a in sys.argv[3:]}
off = struct.unpack_from('<Q', d, 40)[0]
end = off + struct.unpack_from('<Q', d, 48)[0]
while off < end:
    t, misc, size = struct.unpack_from('<IHH', d, off)
    nxt = off + size + (struct.unpack_from('<Q', d, off + 8)[0] if t == 71 else 0)
    if t in cut and size - cut[t] >= 8:
        struct.pack_into('<IHH', d, off, t, misc, cut[t])
        struct.pack_into('<IHH', d, off + cut[t], 68, 0, size - cut[t])
    off = nxt
open(sys.argv[2], 'wb').write(d)
PY
}
# one_warning NAME FILE PATTERN CMD...: exit 0, PATTERN in the one line of stderr
one_warning() {
	local name=$1 f=$2 pat=$3 rc; shift 3
	timeout 10 "$A" "$@" -i "$f" --no-progress > "$tmp/out" 2> "$tmp/err"; rc=$?
	if [ $rc = 0 ] && [ "$(wc -l < "$tmp/err")" = 1 ] && grep -q "warning: .*$pat" "$tmp/err"; then
		echo "ok $name # $(cat "$tmp/err")"
	else
		echo "not ok $name: exit $rc: $(head -3 "$tmp/err" | tr '\n' '|')"
	fi
}
# MMAP2 (10) of 16 bytes, COMM (3) of 16, ITRACE_START (12) of 12, both AUX
# (11) of 24, TIME_CONV (79) of 24, of the Intel PT recording
cut_records tests/fuzz/corpus/perf_data/auxrec-pd-gen.data "$tmp/short.data" \
	10:16 3:16 12:12 11:24 79:24
for cmd in script report; do
	one_warning short-records-$cmd "$tmp/short.data" \
		': 6 records shorter than the fixed fields of their type were skipped (PERF_RECORD_COMM: 1, PERF_RECORD_MMAP2: 1, PERF_RECORD_AUX: 2, PERF_RECORD_ITRACE_START: 1, PERF_RECORD_TIME_CONV: 1; the first at offset 0x1198)' $cmd
done
# dump reads them by the same sizes: the COMM of 16 bytes, no name, too
# (dump took the 16 bytes for its fixed fields and printed an empty name)
"$A" dump --no-packets -i "$tmp/short.data" > "$tmp/out" 2> "$tmp/err"; rc=$?
n=$(grep -c '(record too short: ' "$tmp/out")
if [ $rc = 1 ] && [ "$n" = 6 ] && grep -q 'PERF_RECORD_COMM .*too short: 16 bytes, its type needs 17' "$tmp/out"; then
	echo "ok short-records-dump # $n"
else
	echo "not ok short-records-dump: exit $rc, $n records said too short"
fi
# the CPU-wide switches (15) of 12 bytes
cut_records tests/fuzz/corpus/perf_data/auxrec-cpu-wide-switches.data "$tmp/short-sw.data" 15:12
one_warning short-switch-cpu-wide "$tmp/short-sw.data" \
	': 3 records shorter .*(PERF_RECORD_SWITCH_CPU_WIDE: 3; ' script
# FORK (7) of 24 bytes (no time) and EXIT (4) of 16 (no tid, ptid, time) of
# a child of the traced process, in pd-gen's ARM SPE recording of the
# workload seed: one warning, and the same events as the recording without
# them (they never had a check of their own)
if [ -x "$B/tests/tools/pd-gen" ]; then
	spe=tests/fuzz/corpus/arm_spe/workload
	"$B/tests/tools/pd-gen" --comm 5:4243:child --spe "$tmp/nofork.data" $spe 200 /bin/true > /dev/null
	"$B/tests/tools/pd-gen" --fork 4:4243:4242 --comm 5:4243:child --exit 6:4243:4242 \
		--spe "$tmp/fork.data" $spe 200 /bin/true > /dev/null
	"$A" script -i "$tmp/nofork.data" > "$tmp/want" 2> /dev/null
	cut_records "$tmp/fork.data" "$tmp/short-fork.data" 7:24 4:16
	for cmd in script report; do
		one_warning short-fork-exit-$cmd "$tmp/short-fork.data" \
			': 2 records shorter than the fixed fields of their type were skipped (PERF_RECORD_EXIT: 1, PERF_RECORD_FORK: 1; the first at offset 0x1240)' $cmd
	done
	"$A" script -i "$tmp/short-fork.data" > "$tmp/out" 2> /dev/null
	if [ -s "$tmp/want" ] && cmp -s "$tmp/want" "$tmp/out" &&
	   "$A" script -i "$tmp/fork.data" 2> "$tmp/err" | cmp -s "$tmp/want" - && [ ! -s "$tmp/err" ]; then
		echo "ok short-fork-exit-decode # $(wc -l < "$tmp/want") lines, as without them"
	else
		echo "not ok short-fork-exit-decode: the events differ from the recording's without them" \
			"(or the whole records warn: $(head -1 "$tmp/err"))"
	fi
	"$A" dump --no-packets -i "$tmp/short-fork.data" > "$tmp/out" 2> "$tmp/err"; rc=$?
	n=$(grep -c '(record too short: ' "$tmp/out")
	if [ $rc = 1 ] && [ "$n" = 2 ] &&
	   grep -q 'PERF_RECORD_FORK .*too short: 24 bytes, its type needs 32' "$tmp/out" &&
	   grep -q 'PERF_RECORD_EXIT .*too short: 16 bytes, its type needs 32' "$tmp/out"; then
		echo "ok short-fork-exit-dump # $n"
	else
		echo "not ok short-fork-exit-dump: exit $rc, $n records said too short"
	fi
else
	echo "not ok short-fork-exit: $B/tests/tools/pd-gen missing (make tools)"
fi

# A tracepoint sample whose id, 201, names no event (the tracepoint's is
# 200): left out with one warning (it was read as the first event's, the
# ARM SPE one's, and left out without a word); the others are printed.
python3 - tests/fuzz/corpus/perf_data/auxrec-pd-gen-spe-tp.data "$tmp/tp-id.data" <<'PY'
import struct, sys
d = bytearray(open(sys.argv[1], 'rb').read())
off = struct.unpack_from('<Q', d, 40)[0]
while struct.unpack_from('<I', d, off)[0] != 9 or struct.unpack_from('<Q', d, off + 8)[0] != 200:
    off += struct.unpack_from('<H', d, off + 6)[0]
struct.pack_into('<Q', d, off + 8, 201)	# PERF_SAMPLE_IDENTIFIER, first
open(sys.argv[2], 'wb').write(d)
PY
one_warning tp-sample-id-unknown "$tmp/tp-id.data" \
	'1 samples whose id names no event or whose ids are cut short were left out of the tracepoint samples' script
n=$(grep -c 'test:tick' "$tmp/out")
[ "$n" = 3 ] && echo "ok tp-sample-id-unknown-others # 3 of 4 printed" ||
	echo "not ok tp-sample-id-unknown-others: $n test:tick samples printed, want 3"

# Tracing data of version 0.5 (no saved cmdlines before 0.6): its samples
# printed, no word, no sanitizer report (the absent cmdlines' NULL text went
# to memcpy(): found by fuzz_perf_data, the seed tracing-data-version-0.5)
python3 - tests/fuzz/corpus/perf_data/auxrec-pd-gen-spe-tp.data "$tmp/tp-v05.data" <<'PY'
import sys
d = bytearray(open(sys.argv[1], 'rb').read())
at = d.find(b'tracing0.6\0')
assert at > 0
d[at + 7:at + 10] = b'0.5'
open(sys.argv[2], 'wb').write(d)
PY
timeout 10 "$A" script -i "$tmp/tp-v05.data" --no-progress > "$tmp/out" 2> "$tmp/err"; rc=$?
n=$(grep -c 'test:tick' "$tmp/out")
if [ $rc = 0 ] && [ "$n" = 4 ] && [ ! -s "$tmp/err" ]; then
	echo "ok tracing-data-v0.5 # $n samples"
else
	echo "not ok tracing-data-v0.5: exit $rc, $n test:tick samples: $(head -3 "$tmp/err" | tr '\n' '|')"
fi

# A tracepoint format whose array length is a control character ("char[\x1d"
# for "char[]"): script exits 0, prints the 4 test:tick samples raw ("no
# format"), and writes nothing to stderr (libtraceevent took the missing
# token after '[' for a string: SEGV in strcmp; found by fuzz_perf_data,
# the seed tracepoint-format-bracket-ctrl.data)
timeout 10 "$A" script -i tests/fuzz/corpus/perf_data/tracepoint-format-bracket-ctrl.data \
	--no-progress > "$tmp/out" 2> "$tmp/err"; rc=$?
n=$(grep -c 'test:tick: \[no format' "$tmp/out")
if [ $rc = 0 ] && [ "$n" = 4 ] && [ ! -s "$tmp/err" ]; then
	echo "ok tracepoint-format-bracket-ctrl # $n samples raw"
else
	echo "not ok tracepoint-format-bracket-ctrl: exit $rc, $n raw test:tick samples: $(head -3 "$tmp/err" | tr '\n' '|')"
fi

# A thread of tid -2 (export-prog's recording, pid and tid 4242 made -2):
# each format exports it, exit 0 (the call stacks' "no thread cached" mark
# was -2: its first event took a thread before any was made, said as "Cannot
# allocate memory", exit 1; found by fuzz_export, the seed tid-minus-2.data)
for f in chrome perfetto folded; do
	timeout 10 "$A" export -f $f -i tests/fuzz/corpus/export/tid-minus-2.data \
		-o "$tmp/tid.out" > /dev/null 2> "$tmp/err"; rc=$?
	if [ $rc = 0 ] && ! grep -q 'memory' "$tmp/err"; then
		echo "ok export-tid-minus-2-$f"
	else
		echo "not ok export-tid-minus-2-$f: exit $rc: $(head -2 "$tmp/err" | tr '\n' '|')"
	fi
done

# Without the AUXTRACE_INFO (its type made FINISHED_ROUND's, 68): Intel PT,
# BTS and ARM SPE decode with their defaults, said once, naming the PMU
# (the BTS recording's program, /tmp/spin, is missing: its own warning);
# ETM cannot: script says what dump says, once per piece (its two chunks
# join into one) (it said "AUXTRACE_INFO shorter than the cs_etm header":
# an empty one was passed)
drop_info() {	# IN OUT
	python3 - "$1" "$2" <<'PY'
import struct, sys
d = bytearray(open(sys.argv[1], 'rb').read())
off = struct.unpack_from('<Q', d, 40)[0]
while struct.unpack_from('<I', d, off)[0] != 70:
    off += struct.unpack_from('<H', d, off + 6)[0]
struct.pack_into('<I', d, off, 68)
open(sys.argv[2], 'wb').write(d)
PY
}
for c in auxrec-pd-gen:intel_pt auxrec-pd-gen-bts:intel_bts auxrec-pd-gen-spe:arm_spe; do
	drop_info "tests/fuzz/corpus/perf_data/${c%%:*}.data" "$tmp/noinfo.data"
	for cmd in script report; do
		timeout 10 "$A" $cmd -i "$tmp/noinfo.data" --no-progress > /dev/null 2> "$tmp/err"; rc=$?
		n=$(grep -c "warning: .*: no PERF_RECORD_AUXTRACE_INFO before the AUX data: the ${c#*:} decoder settings were not recorded, its defaults are used$" "$tmp/err")
		others=$(grep -v 'no PERF_RECORD_AUXTRACE_INFO' "$tmp/err" | grep -vc 'cannot read /tmp/spin')
		if [ $rc = 0 ] && [ "$n" = 1 ] && [ "$others" = 0 ]; then
			echo "ok no-info-${c#*:}-$cmd"
		else
			echo "not ok no-info-${c#*:}-$cmd: exit $rc, $n warnings: $(head -3 "$tmp/err" | tr '\n' '|')"
		fi
	done
done
timeout 10 "$A" script -i "$tmp/etm-noinfo.data" --symfs "$tmp/symfs" --no-progress > "$tmp/out" 2> "$tmp/err"; rc=$?
n=$(grep -c 'error: no cs_etm AUXTRACE_INFO to configure the decoders at AUX offset' "$tmp/out")
if [ $rc = 0 ] && [ "$n" = 1 ] && ! grep -q 'AUXTRACE_INFO' "$tmp/err"; then
	echo "ok etm-script-no-info # $n error"
else
	echo "not ok etm-script-no-info: exit $rc, $n errors: $(grep -m2 'error' "$tmp/out" "$tmp/err" | tr '\n' '|')"
fi

# record: bad input on the host, against the fixture sysfs tree
rec_case() {	# NAME PATTERN ARGS...
	local name=$1 pat=$2 rc; shift 2
	AUXREC_SYSFS_ROOT=$S timeout 20 "$A" record -o "$tmp/rec.data" "$@" > /dev/null 2> "$tmp/err"
	rc=$?
	if [ $rc = 1 ] && [ "$(wc -l < "$tmp/err")" = 1 ] && grep -q "$pat" "$tmp/err" &&
	   [ ! -e "$tmp/rec.data" ]; then
		echo "ok record-$name # $(cat "$tmp/err")"
	else
		echo "not ok record-$name: exit $rc: $(head -3 "$tmp/err" | tr '\n' '|')$([ -e "$tmp/rec.data" ] && echo ' (left an output file)')"
	fi
	rm -f "$tmp/rec.data"
}
rec_case unknown-pmu 'nosuch: PMU not found' -e nosuch// -- true
rec_case unknown-term "unknown term 'bogus'" -e intel_pt/bogus=1/ -- true
rec_case bad-term-value "mtc_period" -e intel_pt/mtc_period=99/ -- true
rec_case no-aux 'cannot write an AUX area' -e software// -- true
rec_case m-not-power-of-2 'not a power of two' -e intel_pt// -m 3 -- true
rec_case aux-not-power-of-2 'not a power of two' -e intel_pt// -m 4,3 -- true
rec_case no-such-pid 'no process with pid 999999999' -e intel_pt// -p 999999999

# the writer: mode 0600, a symlink at the output path refused
gen=$B/tests/tools/pd-gen
if [ ! -x "$gen" ]; then
	echo "not ok writer-build: $gen missing (make tools)"
else
	pt=tests/fuzz/corpus/intel_pt_packets/psb-fup-tip-tnt
	(umask 022; "$gen" "$tmp/w.data" "$pt" /usr/bin/true > /dev/null 2>&1)
	mode=$(stat -c %a "$tmp/w.data" 2>/dev/null)
	[ "$mode" = 600 ] && echo "ok writer-mode-0600" ||
		echo "not ok writer-mode-0600: mode ${mode:-missing}"
	echo precious > "$tmp/target"
	ln -s "$tmp/target" "$tmp/link.data"
	"$gen" "$tmp/link.data" "$pt" /usr/bin/true > /dev/null 2> "$tmp/err"; rc=$?
	if [ $rc != 0 ] && [ -L "$tmp/link.data" ] && [ "$(cat "$tmp/target")" = precious ]; then
		echo "ok writer-refuses-symlink # $(head -1 "$tmp/err")"
	else
		echo "not ok writer-refuses-symlink: exit $rc, target now: $(head -c 40 "$tmp/target")"
	fi
fi
exit 0
