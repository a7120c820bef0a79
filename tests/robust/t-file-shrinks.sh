#!/bin/bash
# t-file-shrinks.sh - a perf.data made shorter while auxrec reads it (cut
# by truncate, as cp does to a file it rewrites in place): the pages of
# auxrec's mapping past the new end fault with SIGBUS on the next read.
# auxrec ends with exit status 1 and one line that names the file
# (lib/util/mapped_files.c), not "Bus error" and status 135.
# The recording is the bench stream (tests/bench/gt-stream.sh, 2000
# iterations of tests/gt/progs/indirect.c, 100 copies: 1 M branches).
# `auxrec dump` reads it as it prints, and its output is far larger than a
# pipe: it writes to a FIFO no one reads until the file is cut, so it
# waits in write() with most of the file still to read; then the FIFO is
# drained. (script and export copy a buffer's chunks out of the mapping
# before they decode them: once they wait, they read the file no more.)
cd "$(dirname "$0")/../.." || exit 1
A=$(realpath "${AUXREC:-./auxrec}")
[ -x "$A" ] || { echo "not ok build: $A missing"; exit 1; }
. tests/check-lib.sh
. tests/bench/gt-stream.sh
gt_bench_tools file-shrinks 2>&1 || exit $?
gt_bench_perf_data 2000 100 || { r=$?; echo "not ok file-shrinks: no recording"; exit $r; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86"
rc=0

# NAME PID DATA ERR: after the file was cut under PID, its exit status and message
check_cut() {
	local st why= lines
	wait "$2"
	st=$?
	lines=$(wc -l < "$4")
	if [ "$st" != 1 ]; then
		why="exit status $st, want 1: $(head -c 200 "$4" | tr '\n' ' ')"
	elif [ "$lines" != 1 ] || ! grep -q "^auxrec: error: $3 got shorter while it was read" "$4"; then
		why="want one line naming $3, got $lines: $(head -c 200 "$4" | tr '\n' ' ')"
	fi
	verdict "file-shrinks-$1" "$why" "exit 1: $(cat "$4")"
	[ -z "$why" ] || rc=1
}

# PID DATA: waits (up to 20 s) until PID has DATA mapped; 1 if it never has
mapped_by() {
	for _ in $(seq 200); do
		grep -q "$2" "/proc/$1/maps" 2> /dev/null && return 0
		sleep 0.1
	done
	return 1
}

# PID: waits (up to 20 s) until PID sleeps in a full pipe: its output was
# not read, so once it stays asleep it waits in write()
asleep() {
	local n=0
	for _ in $(seq 200); do
		if [ "$(awk '{print $3}' "/proc/$1/stat" 2> /dev/null)" = S ]; then
			n=$((n + 1))
			[ $n -ge 5 ] && return 0
		else
			n=0
		fi
		sleep 0.1
	done
	return 1
}

d=$tmp/x.data
cp "$f" "$d"
mkfifo "$tmp/out"
exec 3<> "$tmp/out"
"$A" dump -i "$d" > "$tmp/out" 2> "$tmp/err" &
pid=$!
if ! mapped_by $pid "$d" || ! asleep $pid; then
	echo "not ok file-shrinks-dump: auxrec did not wait for its reader"
	rc=1
fi
truncate -s 4096 "$d"
cat "$tmp/out" > /dev/null &
exec 3>&-
check_cut dump $pid "$d" "$tmp/err"
exit $rc
