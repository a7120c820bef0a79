#!/bin/bash
# auxrec record -S (snapshot mode) on the real kernel AUX path: the auxtest
# PMU overwrites its AUX areas (read-only mmap), snapshots are taken by
# SIGUSR2, by `snapshot` on the --control FIFO and at exit (-Se); each must
# hold exactly the newest bytes the module wrote before its trigger
# (tests/tools/snap_verify against the module's log of its stops).
cd "$(dirname "$0")/../.." || exit 1
A=${AUXREC:-./auxrec}
V=${AUXREC_BUILD:-build}/tests/tools/snap_verify
OUT=build/vm/t-snapshot.out
[ -x "$A" ] && [ -x $V ] || { echo "not ok build: $A or $V missing (make all tools)"; exit 1; }
rm -rf "$OUT"; mkdir -p "$OUT"

. tests/check-lib.sh
guest_script snapshot "$OUT" 300 --cpus 2 || exit 1

verify() {	# NAME SIZE [snap_verify options]: rc 0, summary line, every snapshot exact
	local n=$1 size=$2; shift 2
	local rc; rc=$(cat "$OUT/$n.rc" 2>/dev/null)
	if [ "$rc" != 0 ]; then
		echo "not ok snapshot_$n: exit status $rc: $(head -3 "$OUT/$n.out")"; return 1
	fi
	if ! grep -q '^\[ auxrec record: .* snapshots -> ' "$OUT/$n.out"; then
		echo "not ok snapshot_$n: no summary line: $(head -3 "$OUT/$n.out")"; return 1
	fi
	if $V "$OUT/$n.data" --log "$OUT/$n.log" --size "$size" "$@" > "$OUT/$n.verify"; then
		echo "ok snapshot_$n # $(grep -E '^# (snapshots|logged_stops|overlap_words)' "$OUT/$n.verify" | tr '\n' ' ')"
	else
		echo "not ok snapshot_$n: $(grep -v '^#' "$OUT/$n.verify" | head -5 | tr '\n' ' ')"
		return 1
	fi
}
count() {	# NAME TRIGGERS: the recorder took one snapshot per trigger; each cpu's
	# area with new data gave a chunk (snap_verify matched each to a stop)
	local got snaps; got=$(sed -n 's/^# snapshots //p' "$OUT/$1.verify")
	snaps=$(sed -n 's/^\[ auxrec record: .*, \([0-9]*\) snapshots -> .*/\1/p' "$OUT/$1.out")
	[ "$snaps" = "$2" ] && [ "$got" -ge "$2" ] && [ "$got" -le $(($2 * 2)) ] &&
		echo "ok snapshot_${1}_count # $snaps snapshots, $got chunks" ||
		echo "not ok snapshot_${1}_count: $snaps snapshots (want $2), $got chunks"
}

verify sig 65536 && count sig 3
verify exit16k 16384 --on-exit && count exit16k 3
verify unwrapped 262144 --on-exit && count unwrapped 3
verify off_sig 65536 && count off_sig 3
verify off_unwrapped 262144 --on-exit && count off_unwrapped 3
verify area8k 8192 && count area8k 1
verify ctl 65536 && count ctl 4

# the first snapshot of the slow writer is shorter than the area (not wrapped yet)
for n in unwrapped off_unwrapped; do
	first=$(sed -n 's/^# first_size //p' "$OUT/$n.verify")
	[ "${first:-0}" -gt 0 ] && [ "$first" -lt 262144 ] && echo "ok snapshot_${n}_first_short # $first bytes" ||
		echo "not ok snapshot_${n}_first_short: $first bytes"
done
# snapshots of the whole area overlap the one before
o=$(sed -n 's/^# overlap_words //p' "$OUT/unwrapped.verify")
[ "${o:-0}" -gt 0 ] && echo "ok snapshot_unwrapped_overlap # $o words" ||
	echo "not ok snapshot_unwrapped_overlap: $o words"
want=$'snapshot ack\nsnapshot ack\ndisable ack\nsnapshot ack\nenable ack\nping ack\nsnapshot ack\nstop ack'
[ "$(cat "$OUT/ctl.acks")" = "$want" ] && echo "ok control_acks" ||
	echo "not ok control_acks: $(tr '\n' ' ' < "$OUT/ctl.acks")"

# an unknown PMU's file: the closing line says perf cannot read it
grep -q "^\[ auxrec record: perf cannot read sig.data: it has no decoder for auxtest (AUXTRACE type 0); auxrec dump reads it \]$" "$OUT/sig.out" &&
	echo "ok record_says_perf_cannot_read" || echo "not ok record_says_perf_cannot_read: $(tr '\n' ' ' < "$OUT/sig.out")"

. tests/vm/errcheck.sh
errcheck "$OUT" err_size "snapshot size 131072 is larger than the AUX area"
errcheck "$OUT" err_ctl "cannot open /nonexistent/ctl"
errcheck "$OUT" err_ctl_kind "use fifo:CTL\[,ACK\] or fd:N\[,M\]"
