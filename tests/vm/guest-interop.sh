#!/bin/sh
# Runs in the guest for t-interop.sh (module name=intel_pt, pattern mode):
# auxrec records intel_pt and Debian's perf reads the file; perf records it
# and auxrec reads perf's file. The module's counters go next to each file.
D=/sys/kernel/debug/auxtest
cd /out || exit 1
echo 262144 > /sys/module/auxtest/parameters/rate

echo 1 > $D/reset
auxrec record -e intel_pt// -a -o a.data -- sleep 0.5 > a.rec.log 2>&1; echo $? > a.rec.rc
cat $D/percpu > a.counters
perf report -D -i a.data > a.txt 2> a.report.log; echo $? > a.report.rc
perf script -i a.data > /dev/null 2> a.script.log; echo $? > a.script.rc

echo 1 > $D/reset
perf record -B -N -e intel_pt// -a -o p.data -- sleep 0.5 > p.rec.log 2>&1; echo $? > p.rec.rc
cat $D/percpu > p.counters
auxrec dump -i p.data --json --no-packets > p.json 2> p.dump.log; echo $? > p.dump.rc
exit 0
