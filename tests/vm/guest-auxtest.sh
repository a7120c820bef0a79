#!/bin/sh
# tests/vm/guest-auxtest.sh: runs inside the guest for t-auxtest.sh (one boot).
# auxtest_check scenarios against the module's counters, checker self-tests
# with the module's fault injection, Debian perf on auxtest//, rmmod/insmod.
P=/sys/module/auxtest/parameters
D=/sys/kernel/debug/auxtest

chk() { auxtest_check --name "$@" 2>&1; }

# the checker must fail, for the given reason, when the module misbehaves
xfail() {
	name=$1 fault=$2 want=$3
	shift 3
	echo "$fault" >$P/fault
	out=$(auxtest_check --name "$name" "$@" 2>&1)
	echo 0 >$P/fault
	echo "$out" | sed 's/^/# /'
	if echo "$out" | grep -q "^not ok $name: .*$want"; then
		echo "ok $name"
	else
		echo "not ok $name: the checker did not report '$want'"
	fi
}

chk basic_thread --rate 1000000 --expect-no-drops
chk basic_cpu0 --cpu 0 --rate 1000000 --period-us 1000 --expect-no-drops --check-rate --ms 1500
chk basic_cpu1 --cpu 1 --rate 2000000 --period-us 500 --expect-no-drops --check-rate --ms 1500
chk slow_cpu1 --cpu 1 --rate 100000 --period-us 20000 --expect-no-drops --check-rate --ms 1500
chk overrun_cpu --cpu 1 --aux-pages 16 --rate 16000000 --drain-delay-ms 50 --expect-drops
chk overrun_thread --aux-pages 16 --rate 16000000 --drain-delay-ms 50 --expect-drops
chk overrun_no_reenable --cpu 0 --aux-pages 16 --rate 16000000 --drain-delay-ms 50 --no-reenable --expect-drops
chk small_aux --cpu 0 --rate 4000000 --aux-pages 2 --drain-delay-ms 20 --expect-drops
chk inherit_cpu --cpu 1 --inherit --rate 1000000 --expect-no-drops
chk inherit_cpu_overrun --cpu 0 --inherit --aux-pages 16 --rate 16000000 --drain-delay-ms 30 --expect-drops
chk overwrite_cpu --cpu 0 --aux-pages 16 --overwrite --rate 4000000
chk overwrite_thread --overwrite --aux-pages 64 --rate 4000000
chk overwrite_unwrapped --cpu 1 --overwrite --rate 40000
chk overwrite_lapped --cpu 0 --overwrite --aux-pages 1 --rate 8000000 --period-us 20000
chk skip_partial --cpu 1 --rate 2000000 --skip 64 --partial --expect-no-drops
chk skip_overrun --cpu 0 --aux-pages 16 --rate 16000000 --skip 24 --drain-delay-ms 40 --expect-drops
head -c 100003 /bin/busybox >/tmp/replay.bin
chk replay_cycle --cpu 0 --replay /tmp/replay.bin --rate 1000000 --expect-no-drops
chk replay_once --cpu 1 --replay /tmp/replay.bin --once --rate 1000000 --ms 300 --expect-no-drops
chk replay_overwrite --cpu 1 --overwrite --aux-pages 1 --replay /tmp/replay.bin --rate 8000000 --period-us 20000
chk replay_overrun --cpu 0 --replay /tmp/replay.bin --aux-pages 16 --rate 16000000 --drain-delay-ms 50 --expect-drops

# the kernel refuses to mmap a per-thread inherited event (perf_mmap: EINVAL)
out=$(auxtest_check --name inherit_thread --inherit 2>&1)
case $out in
*"mmap data: Invalid argument"*) echo "ok inherit_thread_mmap_refused" ;;
*) echo "not ok inherit_thread_mmap_refused: $out" ;;
esac

xfail selftest_duplicate 1 "duplicate or reordered" --cpu 0 --rate 1000000 --ms 300
xfail selftest_no_truncated 2 "truncated records" --cpu 0 --aux-pages 16 --rate 16000000 --drain-delay-ms 50 --ms 300
xfail selftest_overcount 3 "module emitted" --cpu 1 --rate 1000000 --ms 300

# Debian perf 6.1 maps no AUX area for auxtest//: it records, every byte drops.
# --proc-map-timeout: on a loaded host the TCG guest reads /proc/PID/maps
# slower than perf's default 500 ms, and perf report -D then aborted on the
# file perf record left (seen once in make check: report rc 134)
echo 1 >$D/reset
perf record -e auxtest// -a --proc-map-timeout 10000 -o /tmp/a.data -- sleep 1 >/tmp/rec.log 2>&1
rc=$?
e=$(cat $D/emitted) d=$(cat $D/dropped) bf=$(cat $D/begin_fail) t=$(cat $D/ticks) r=$(cat $D/records)
perf report -D -i /tmp/a.data >/tmp/a.txt 2>&1
rrc=$?
naux=$(grep -c 'PERF_RECORD_AUX ' /tmp/a.txt)
echo "# perf auxtest//: rc $rc report rc $rrc emitted $e dropped $d begin_fail $bf ticks $t records $r file AUX $naux"
if [ $rc = 0 ] && [ $rrc = 0 ] && [ "$e" = 0 ] && [ "$r" = 0 ] && [ "$d" -gt 0 ] &&
   [ "$bf" = "$t" ] && [ "$t" -gt 0 ] && [ "$naux" = 0 ]; then
	echo "ok perf_auxtest_no_aux_area"
else
	echo "not ok perf_auxtest_no_aux_area: see the line above"; cat /tmp/rec.log
fi

# charged_ns: the emitter's time in ticks that interrupt charge_pid's tasks
# (a spinning shell here), nothing with charge_pid 0
charged() {
	echo 1 >$D/reset
	echo "$1" >$P/charge_pid
	auxrec record -q -e auxtest/rate=4000000/ -a -o /tmp/c.data -- sleep 1 >/dev/null 2>&1
	echo 0 >$P/charge_pid
	cat $D/charged_ns
}
sh -c 'while :; do :; done' &
spin=$!
c1=$(charged $spin)
c0=$(charged 0)
kill $spin
echo "# charged_ns: $c1 with a spinning charge_pid, $c0 with none"
if [ "$c1" -gt 0 ] 2>/dev/null && [ "$c0" = 0 ]; then
	echo "ok charged_ns_counts_interrupted_pid"
else
	echo "not ok charged_ns_counts_interrupted_pid"
fi

# off_pending: a recorder that stops draining (SIGSTOP) lets CPU 1's area run
# full; the kernel stops the event after the TRUNCATED end, and off_pending
# grows while it stays off, then off_dropped takes it when the recorder
# drains and enables the event again
echo 1 >$D/reset
auxrec record -q -e auxtest/rate=4000000/ -C 1 -m 64K,64K -o /tmp/o.data -- sleep 4 >/dev/null 2>&1 &
rec=$!
sleep 1
kill -STOP $rec
sleep 1
p1=$(sed -n 's/^total .* off_pending=\([0-9]*\).*/\1/p' $D/percpu)
sleep 0.5
p2=$(sed -n 's/^total .* off_pending=\([0-9]*\).*/\1/p' $D/percpu)
kill -CONT $rec
wait $rec
od=$(cat $D/off_dropped)
echo "# off_pending: $p1 then $p2 0.5 s later while stopped; off_dropped $od at the end"
if [ "${p1:-0}" -gt 0 ] && [ "${p2:-0}" -gt $((p1 + 1000000)) ] && [ "$od" -ge "$p2" ]; then
	echo "ok off_pending_while_stopped"
else
	echo "not ok off_pending_while_stopped"
fi

# unload: refused while an event exists, clean when idle, loads again
auxtest_check --name busy --cpu 0 --ms 2000 >/dev/null 2>&1 &
sleep 1
if rmmod auxtest 2>/dev/null; then
	echo "not ok rmmod_busy_refused: rmmod succeeded with an open event"
else
	echo "ok rmmod_busy_refused"
fi
wait
if rmmod auxtest && insmod /lib/modules/auxtest.ko &&
   grep -qE '^[0-9]+$' /sys/bus/event_source/devices/auxtest/type &&
   chk reload_basic --cpu 0 --rate 500000 --ms 200 | grep -q '^ok'; then
	echo "ok rmmod_idle_reload"
else
	echo "not ok rmmod_idle_reload"
fi
