#!/bin/sh
# Runs in the guest for t-intel-bts-guest.sh (module name=intel_bts, pattern
# mode): the PMU's sysfs, then `auxrec record -e intel_bts//` and Debian's
# `perf record -e intel_bts//` of the same command in the same boot, the
# module's counters and streams next to each file in /out. The files are
# read on the host (faster than under TCG).
D=/sys/kernel/debug/auxtest
cd /out || exit 1
echo 65536 > /sys/module/auxtest/parameters/rate
loop='i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done'

ls /sys/bus/event_source/devices/intel_bts > sysfs.ls 2>&1

# -a is refused before anything is opened or written
auxrec record -e intel_bts// -a -o all.data -- true > all.log 2>&1; echo $? > all.rc
[ -e all.data ] && echo yes > all.file || echo no > all.file

echo 1 > $D/reset
auxrec record -e intel_bts// -o a.data -- sh -c "$loop" > a.rec.log 2>&1; echo $? > a.rec.rc
cat $D/percpu > a.counters
cat $D/streams > a.streams

# perf as a user runs it; perf refuses per-cpu intel_bts: then --per-thread
echo 1 > $D/reset
perf record -B -N -e intel_bts// -o p.data -- sh -c "$loop" > p.rec.log 2>&1; echo $? > p.rec.rc
if [ "$(cat p.rec.rc)" != 0 ]; then
	mv p.rec.log p.plain.log
	echo 1 > $D/reset
	perf record -B -N --per-thread -e intel_bts// -o p.data -- sh -c "$loop" > p.rec.log 2>&1
	echo $? > p.rec.rc
fi
cat $D/percpu > p.counters
cat $D/streams > p.streams
exit 0
