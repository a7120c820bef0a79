#!/bin/bash
# Tracepoints next to the trace, through the real kernel path (guest, test
# PMU named intel_pt; guest-tracepoints.sh): `auxrec record -e intel_pt//
# -e sched:sched_switch -e syscalls:sys_enter_openat -- COMMAND` per cpu and
# per thread, and Debian's `perf record` of the same. On the host:
# - auxrec script prints the same tracepoint samples as `perf script --ns`
#   (comm, tid, cpu, time, event, fields text), field by field, for auxrec's
#   files (perf reads their attrs and tracing data) and for perf's;
# - script --json: one typed tracepoint object per sample, its fields the
#   values of the text, valid against docs/schema/script.schema.json;
# - export: chrome instant events and perfetto TYPE_INSTANT track events,
#   one per sample with its name and fields;
# - bad -e tracepoints and damaged tracing data: one error line, status 1.
cd "$(dirname "$0")/../.." || exit 1
OUT=build/vm/t-tracepoints.out
rm -rf "$OUT"; mkdir -p "$OUT"
A=${AUXREC:-./auxrec}	# records in the guest (tests/vm/run stages it), reads here
[ -x "$A" ] || { echo "not ok build: $A missing"; exit 1; }
. tests/check-lib.sh
guest_script tracepoints "$OUT" 400 --perf --module-arg name=intel_pt || exit 1
TPS="sched:sched_switch syscalls:sys_enter_openat"

for f in a t p; do
	case $f in
	a) what=auxrec_per_cpu ;;
	t) what=auxrec_per_thread ;;
	p) what=perf_record ;;
	esac
	if [ "$(cat "$OUT/$f.rec.rc")" != 0 ]; then
		echo "not ok tp_record_$what: $(head -3 "$OUT/$f.rec.log")"; continue
	fi
	if [ "$(cat "$OUT/$f.perf.rc")" != 0 ]; then
		echo "not ok tp_perf_script_$what: $(grep -v 'not valid for' "$OUT/$f.perf.log" | head -3)"
		continue
	fi
	if ! "$A" script -i "$OUT/$f.data" > "$OUT/$f.auxrec" 2> "$OUT/$f.auxrec.err"; then
		echo "not ok tp_script_$what: $(head -3 "$OUT/$f.auxrec.err")"; continue
	fi
	if r=$(python3 tests/vm/tp-compare.py "$OUT/$f.auxrec" "$OUT/$f.perf" $TPS); then
		echo "ok tp_script_equals_perf_$what # $r"
	else
		echo "not ok tp_script_equals_perf_$what: $r"
	fi
done

# JSON: a typed object per sample, its fields those of the text
"$A" script --json -i "$OUT/a.data" > "$OUT/a.json" 2> "$OUT/a.json.err"
if r=$(python3 - "$OUT/a.json" "$OUT/a.perf" <<'PY'
import json, re, sys
objs = [json.loads(l) for l in open(sys.argv[1]) if '"tracepoint"' in l]
text = [l for l in open(sys.argv[2]) if re.search(r' (sched:sched_switch|syscalls:sys_enter_openat): ', l)]
def fail(msg):
    print(msg)
    sys.exit(1)
if len(objs) != len(text) or not objs:
    fail(f'{len(objs)} JSON tracepoint objects, {len(text)} samples')
for o, t in zip(objs, text):
    if not re.search(r'\s' + re.escape(o['name'] + ': ' + o['text']) + '$', t.rstrip('\n')):
        fail(f'JSON {o} is not the line {t!r}')
    f = o['fields']
    if o['name'] == 'sched:sched_switch':
        want = f"prev_comm={f['prev_comm']} prev_pid={f['prev_pid']} prev_prio={f['prev_prio']}"
        if not o['text'].startswith(want) or f"next_pid={f['next_pid']}" not in o['text']:
            fail(f'fields {f} are not the text {o["text"]!r}')
    elif 'filename: 0x%x' % f['filename'] not in o['text'] and \
         'filename: 0x%08x' % f['filename'] not in o['text']:
        fail(f'fields {f} are not the text {o["text"]!r}')
print(f'{len(objs)} objects')
PY
); then
	echo "ok tp_script_json # $r"
else
	echo "not ok tp_script_json: $r"
fi
if r=$(python3 tests/tools/json_check.py docs/schema/script.schema.json "$OUT/a.json" 2>&1); then
	echo "ok tp_script_json_schema # $r"
else
	echo "not ok tp_script_json_schema: $(echo "$r" | head -3)"
fi

# exports: an instant event per sample
n=$(grep -cE ' (sched:sched_switch|syscalls:sys_enter_openat): ' "$OUT/a.perf")
"$A" export -i "$OUT/a.data" -o "$OUT/a.chrome.json" 2> "$OUT/export.err"
got=$(grep -c '"ph":"i"' "$OUT/a.chrome.json")
sw=$(grep '"ph":"i"' "$OUT/a.chrome.json" | grep -c '"name":"sched:sched_switch".*"prev_comm":')
want_sw=$(grep -c ' sched:sched_switch: ' "$OUT/a.perf")
if [ "$got" = "$n" ] && [ "$sw" = "$want_sw" ] && [ "$n" -gt 0 ] &&
   python3 tests/tools/json_check.py --doc docs/schema/export-chrome.schema.json \
	"$OUT/a.chrome.json" > /dev/null 2>&1; then
	echo "ok tp_export_chrome_instants # $got instant events, $sw sched_switch with fields"
else
	echo "not ok tp_export_chrome_instants: $got instant events ($sw sched_switch), want $n ($want_sw): $(head -2 "$OUT/export.err")"
fi
if ! command -v protoc > /dev/null || ! command -v zstd > /dev/null; then
	echo "skip tp_export_perfetto_instants: protoc or zstd missing (Debian protobuf-compiler, zstd)"
elif "$A" export -f perfetto -i "$OUT/a.data" -o "$OUT/a.pftrace" 2> "$OUT/export.err" &&
     python3 tests/export/perfetto-unpack.py "$OUT/a.pftrace" "$OUT/a.raw" > /dev/null &&
     protoc --decode=perfetto.protos.Trace -I tests/export perfetto_subset.proto \
	< "$OUT/a.raw" > "$OUT/a.ptxt" 2> "$OUT/export.err"; then
	got=$(grep -c 'type: TYPE_INSTANT' "$OUT/a.ptxt")
	named=$(grep -c 'name: "sched:sched_switch"' "$OUT/a.ptxt")
	ann=$(grep -c 'name: "prev_comm"' "$OUT/a.ptxt")
	[ "$got" = "$n" ] && [ "$named" = "$want_sw" ] && [ "$ann" = "$want_sw" ] &&
		echo "ok tp_export_perfetto_instants # $got TYPE_INSTANT events" ||
		echo "not ok tp_export_perfetto_instants: $got instants ($named sched_switch, $ann with prev_comm), want $n ($want_sw)"
else
	echo "not ok tp_export_perfetto_instants: $(head -3 "$OUT/export.err")"
fi

# bad tracepoint arguments in the guest: one line, status 1, no file
for b in 1 2 3; do
	lines=$(wc -l < "$OUT/bad$b.log")
	if [ "$(cat "$OUT/bad$b.rc")" = 1 ] && [ "$lines" = 1 ] && ! [ -s "$OUT/bad.files" ]; then
		echo "ok tp_record_refuses_bad_$b # $(cat "$OUT/bad$b.log")"
	else
		echo "not ok tp_record_refuses_bad_$b: status $(cat "$OUT/bad$b.rc"), $lines lines: $(head -2 "$OUT/bad$b.log")"
	fi
done

# damaged tracing data: one error line, status 1, whatever the damage
python3 - "$OUT/a.data" "$OUT" <<'PY'
import struct, sys
data = open(sys.argv[1], 'rb').read()
at = data.find(b'\x17\x08\x44tracing')
hp = data.find(b'header_page\0', at)
sysn = data.find(b'sched\0', hp)
def put(name, off, b):
    d = bytearray(data); d[off:off + len(b)] = b
    open(f'{sys.argv[2]}/damaged-{name}.data', 'wb').write(d)
put('magic', at, b'\x17\x08\x45')
put('header_page_size', hp + 12, struct.pack('<Q', 1 << 40))
put('system_count', sysn - 4, struct.pack('<I', 0x7fffffff))
put('format_count', sysn + 6, struct.pack('<I', 1000000))
PY
for d in magic header_page_size system_count format_count; do
	"$A" script -i "$OUT/damaged-$d.data" > /dev/null 2> "$OUT/damaged-$d.err"
	rc=$?
	lines=$(wc -l < "$OUT/damaged-$d.err")
	if [ $rc = 1 ] && [ "$lines" = 1 ] && grep -q 'tracing' "$OUT/damaged-$d.err"; then
		echo "ok tp_damaged_tracing_data_$d # $(cat "$OUT/damaged-$d.err")"
	else
		echo "not ok tp_damaged_tracing_data_$d: status $rc, $lines lines: $(head -2 "$OUT/damaged-$d.err")"
	fi
done
