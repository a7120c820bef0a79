#!/bin/sh
# Runs in the guest for t-tracepoints.sh (module name=intel_pt): auxrec and
# Debian's perf record the same tracepoints beside the AUX event; perf script
# prints the tracepoint samples of both files for the host to compare with
# auxrec script; bad tracepoint arguments are refused.
cd /out || exit 1
TPS="-e sched:sched_switch -e syscalls:sys_enter_openat"
W='cat /proc/version > /dev/null; ls / > /dev/null; cat /proc/cpuinfo > /dev/null'
F='--ns -F comm,tid,cpu,time,event,trace'

# per cpu (a COMMAND with its children), then per thread
auxrec record -q -e intel_pt// $TPS -o a.data -- sh -c "$W" > a.rec.log 2>&1; echo $? > a.rec.rc
auxrec record -q -e intel_pt// $TPS --per-thread -o t.data -- sh -c "$W" > t.rec.log 2>&1
echo $? > t.rec.rc
perf record -q -e intel_pt// $TPS -o p.data -- sh -c "$W" > p.rec.log 2>&1; echo $? > p.rec.rc
for f in a t p; do
	perf script $F -i $f.data > $f.perf 2> $f.perf.log; echo $? > $f.perf.rc
done
# what tracefs has: the formats the files must carry
cat /sys/kernel/debug/tracing/events/sched/sched_switch/format > sched_switch.format

# bad arguments: one line each, status 1, no file
auxrec record -e intel_pt// -e sched:no_such_event -o bad1.data -- true > bad1.log 2>&1
echo $? > bad1.rc
auxrec record -e intel_pt// -e 'sched:' -o bad2.data -- true > bad2.log 2>&1; echo $? > bad2.rc
AUXREC_TRACEFS=/tmp/no-tracefs auxrec record -e intel_pt// -e sched:sched_switch -o bad3.data \
	-- true > bad3.log 2>&1
echo $? > bad3.rc
ls bad*.data > bad.files 2>/dev/null
exit 0
