#!/bin/bash
# t-perf-formats.sh - auxrec reads the two perf.data layouts `perf record`
# writes besides the plain file, recorded here by the host's perf (-e cpu-clock):
#  - compressed (-z): PERF_RECORD_COMPRESSED records whose zstd data hold
#    the ring's records (file and pipe mode, the latter also through stdin);
#  - directory (--threads): perf.data/data plus one data.N per reader thread;
#  - both at once.
# For each: `auxrec dump --json` lists the same records (file, offset, type) as
# `perf report -D` (records inside a COMPRESSED one at its offset, as perf
# prints them), its samples have the times and ips of `perf script`, and in
# a directory the records of data.N files come merged in time order (no
# time going backwards that is not already in one file's own order).
# A damaged directory (a data.N cut inside a record, an unknown dir_format
# version) gives one error line naming the file and offset, exit 1.
cd "$(dirname "$0")/../.." || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
AUXREC=${AUXREC:-./auxrec}

if ! command -v perf >/dev/null || ! perf --version >/dev/null 2>&1; then
	echo "skip perf-formats: perf is not installed"; exit 0
fi
[ -x $AUXREC ] || { echo "not ok build: run make first"; exit 1; }

# perf report -D: "0xOFF@PATH [..]: event: N" names the file of the next
# "TIME 0xOFF [0xSIZE]: PERF_RECORD_NAME" line -> "FILE OFF NAME", sorted
perf_records() {
	perf report -D -i "$1" 2>/dev/null | awk '
		/^(0x[0-9a-f]+|0)@/ { f = $1; sub(/^[^@]*@/, "", f); n = split(f, p, "/")
			file = p[n] }
		/^([0-9]+ )+(0x[0-9a-f]+|0) \[0x[0-9a-f]+\]: PERF_RECORD_/ {
			for (i = 1; i <= NF; i++) if ($i ~ /^\[0x/) break
			off = $(i - 1); if (off == "0") off = "0x0"
			name = $(i + 1); sub(/[(:].*$/, "", name); print file, off, name }' |
		sed -E 's/^(data|pipe) /MAIN /; s/^[^ ]+\.data /MAIN /' | sort
}
# auxrec dump --json: the same, without the COMPRESSED records themselves
# (perf report -D does not list them)
auxrec_records() {
	$AUXREC dump --json -i "$1" | python3 -c '
import json, sys
for l in sys.stdin:
    r = json.loads(l)
    if r.get("type") != "record" or r["record"] in ("compressed", "compressed2"):
        continue
    print(r.get("file", "MAIN"), hex(r["offset"]), "PERF_RECORD_" + r["record"].upper())' |
		sort
}
# samples as "TIME IP" (ns, hex without 0x), in time order
perf_samples() {
	perf script -F time,ip --ns -i "$1" 2>/dev/null |
		awk '{ t = $1; sub(/:$/, "", t); sub(/\./, "", t); sub(/^0+/, "", t); print t, $2 }' |
		sort -n
}
auxrec_samples() {
	$AUXREC dump --json -i "$1" | python3 -c '
import json, sys
for l in sys.stdin:
    r = json.loads(l)
    if r.get("record") == "sample":
        s = r["sample_id"]
        print(s["time"], s["ip"][2:])' | sort -n
}
# directory: adjacent time inversions in auxrec's order, and within each file
time_order() {
	$AUXREC dump --json -i "$1" | python3 -c '
import json, sys
last, per_file, merged, files = None, {}, 0, {}
for l in sys.stdin:
    r = json.loads(l)
    t = r.get("sample_id", {}).get("time")
    if r.get("type") != "record" or not t:
        continue
    f = r.get("file", "data")
    files[f] = files.get(f, 0) + 1
    if last is not None and t < last:
        merged += 1
    last = t
    # the merge keeps the order of each file: no sort (the inner records of a
    # -z COMPRESSED record share its offset, so sorting by offset hid their
    # own inversions and blamed the merge for them)
    per_file.setdefault(f, []).append(t)
own = 0
for ts in per_file.values():
    own += sum(1 for a, b in zip(ts, ts[1:]) if b < a)
print(merged, own, sum(1 for f in files if f != "data"))'
}

check() {	# name file [counts]
	local n=$1 f=$2 why= nr
	perf_records "$f" > "$tmp/p"
	auxrec_records "$f" > "$tmp/a"
	if [ -n "$3" ]; then
		# pipe mode: perf -D counts offsets from after the 16-byte header
		# and lists no ATTR: compare how many records of each type
		for x in p a; do
			grep -v PERF_RECORD_ATTR "$tmp/$x" | awk '{print $3}' | sort | uniq -c > "$tmp/$x.c"
			mv "$tmp/$x.c" "$tmp/$x"
		done
	fi
	if [ ! -s "$tmp/p" ]; then
		why="perf report -D listed no records"
	elif ! diff "$tmp/p" "$tmp/a" > "$tmp/d"; then
		why="records differ from perf report -D (< perf, > auxrec): $(head -4 "$tmp/d" | tr '\n' ' ')"
	fi
	nr="$(wc -l < "$tmp/a") record${3:+ type}s"
	perf_samples "$f" > "$tmp/ps"
	auxrec_samples "$f" > "$tmp/as"
	if [ -z "$why" ] && [ ! -s "$tmp/ps" ]; then
		why="perf script printed no samples"
	elif [ -z "$why" ] && ! cmp -s "$tmp/ps" "$tmp/as"; then
		why="sample times/ips differ from perf script ($(wc -l < "$tmp/ps") vs $(wc -l < "$tmp/as"))"
	fi
	if [ -z "$why" ]; then
		echo "ok perf_format_$n ($nr, $(wc -l < "$tmp/as") samples)"
	else
		echo "not ok perf_format_$n: $why"
	fi
}

check_order() {	# name dir
	local merged own files
	read -r merged own files < <(time_order "$2")
	echo "# $1: time inversions merged $merged, within files $own; $files data.N with timed records"
	if [ "${files:-0}" -lt 2 ]; then
		echo "not ok perf_format_$1_order: $files data.N files with timed records (want 2)"
	elif [ "$merged" -gt "$own" ]; then
		echo "not ok perf_format_$1_order: the merge put $merged records before older ones ($own in the files)"
	else
		echo "ok perf_format_$1_order"
	fi
}

work='for i in 1 2 3 4 5 6; do ls -R /usr/lib >/dev/null; done'
rec() {	# name perf-record-args...
	local n=$1
	shift
	if perf record -q "$@" -o "$tmp/$n.data" -- sh -c "$work" > "$tmp/$n.log" 2>&1; then
		return 0
	fi
	echo "skip perf_format_$n: perf record $* failed: $(tail -1 "$tmp/$n.log")"
	return 1
}

rec z -z -e cpu-clock -F 2000 && check z "$tmp/z.data"
# pipe mode (-o -), read as a file and through stdin
if perf record -q -z -e cpu-clock -F 2000 -o - -- sh -c "$work" > "$tmp/zpipe.data" 2> "$tmp/zpipe.log" &&
   [ -s "$tmp/zpipe.data" ]; then
	check z_pipe "$tmp/zpipe.data" counts
	if $AUXREC dump --json -i - < "$tmp/zpipe.data" | grep -v '"type":"header"' |
		cmp -s - <($AUXREC dump --json -i "$tmp/zpipe.data" | grep -v '"type":"header"'); then
		echo "ok perf_format_z_pipe_stdin"
	else
		echo "not ok perf_format_z_pipe_stdin: dump of stdin differs from dump of the file"
	fi
else
	echo "skip perf_format_z_pipe: perf record -z -o - failed: $(tail -1 "$tmp/zpipe.log")"
fi
if rec threads --threads -a -e cpu-clock -F 2000; then
	check threads "$tmp/threads.data"
	check_order threads "$tmp/threads.data"
fi
if rec threads_z --threads -z -a -e cpu-clock -F 2000; then
	check threads_z "$tmp/threads_z.data"
	check_order threads_z "$tmp/threads_z.data"
fi

# damaged directories: one error line, exit 1
bad_dir() {	# name dir expected-text
	local rc lines
	$AUXREC dump -i "$2" > /dev/null 2> "$tmp/err"; rc=$?
	lines=$(grep -vc ': warning: ' "$tmp/err")
	if [ $rc = 1 ] && [ "$lines" = 1 ] && grep -q -- "$3" "$tmp/err"; then
		echo "ok perf_format_$1 ($(head -1 "$tmp/err"))"
	else
		echo "not ok perf_format_$1: exit $rc, $lines lines: $(head -2 "$tmp/err" | tr '\n' '|')"
	fi
}
if [ -d "$tmp/threads.data" ]; then
	cp -r "$tmp/threads.data" "$tmp/cut.data"
	size=$(stat -c %s "$tmp/cut.data/data.1")
	truncate -s $((size - 4)) "$tmp/cut.data/data.1"
	bad_dir dir_cut "$tmp/cut.data" 'data\.1: .*offset'
	cp -r "$tmp/threads.data" "$tmp/v2.data"
	# HEADER_DIR_FORMAT (feature 24) holds the version: make it 2
	python3 - "$tmp/v2.data/data" <<'PY'
import struct, sys
f = open(sys.argv[1], 'r+b'); h = f.read(104)
data_off, data_size = struct.unpack_from('<QQ', h, 40)
feats = int.from_bytes(h[72:104], 'little')
n = bin(feats & ((1 << 24) - 1)).count('1')	# sections before feature 24
f.seek(data_off + data_size + 16 * n); off, size = struct.unpack('<QQ', f.read(16))
f.seek(off); f.write(struct.pack('<Q', 2))
PY
	bad_dir dir_version "$tmp/v2.data" 'version 2 is not supported'
fi
exit 0
