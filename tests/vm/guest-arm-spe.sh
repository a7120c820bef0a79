#!/bin/sh
# Runs in the guest for t-arm-spe-guest.sh (module name=arm_spe_0, replay
# once of /in/spe.bin, whole records a tick): the PMU's sysfs, then
# `auxrec record -e arm_spe_0// --per-thread` of a busy loop (one event:
# the stream once), then `auxrec record -e arm_spe_0// -a` of it (per
# CPU), and `-e arm_spe_0/period=1024/` per thread; after each the attr
# the module received (debugfs attr) and the module's counters next to the
# files in /out. The files are read on the host.
D=/sys/kernel/debug/auxtest
cd /out || exit 1
P=/sys/bus/event_source/devices/arm_spe_0
ls $P/format > format.ls 2>&1
ls $P/caps > caps.ls 2>&1
cat $P/format/ts_enable $P/format/min_latency $P/caps/min_interval > sysfs.values 2>&1
cat /in/spe.bin > $D/replay || exit 1
echo 1 > $D/reset
loop='i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done'
auxrec record -e arm_spe_0// --per-thread -o a.data -- sh -c "$loop" > a.rec.log 2>&1; echo $? > a.rec.rc
cat $D/attr > a.attr
cat $D/percpu > a.counters
cat $D/streams > a.streams
auxrec record -e arm_spe_0// -a -o c.data -- sh -c "$loop" > c.rec.log 2>&1; echo $? > c.rec.rc
cat $D/attr > c.attr
auxrec record -e arm_spe_0/period=1024/ --per-thread -o p.data -- true > p.rec.log 2>&1
echo $? > p.rec.rc
cat $D/attr > p.attr
exit 0
