#!/bin/sh
# tests/vm/guest-intel-pt.sh: runs inside the guest for t-perf-intel-pt.sh,
# with the module loaded as name=intel_pt.  Records with Debian's perf
# (system wide and per thread; per thread also compressed with -z: perf
# refuses --threads with AUX area tracing), dumps with perf report -D and
# saves the module's counters and streams next to each recording in /out
# for the host to compare.
D=/sys/kernel/debug/auxtest
echo 65536 >/sys/module/auxtest/parameters/rate

rec() {	# name perf-record-args...
	record "$@"
	t1=$(date +%s)
	perf report -D -i $n.data >$n.txt 2>$n.report.log
	echo $? >$n.report.rc
	echo "# $n: perf report -D $(($(date +%s) - t1)) s"
}

# records only (perf report -D runs on the host: much faster than under TCG)
record() {	# name perf-record-args...
	n=$1
	shift
	echo 1 >$D/reset
	t0=$(date +%s)
	# -B -N: no build-id processing, which costs seconds under TCG
	perf record -B -N -e intel_pt// -o $n.data "$@" >$n.rec.log 2>&1
	echo $? >$n.rec.rc
	cat $D/percpu >$n.counters
	cat $D/streams >$n.streams
	echo "# $n: perf record $(($(date +%s) - t0)) s"
}
rec sys -a -- sleep 0.5
rec thread -- sh -c 'i=0; while [ $i -lt 10000 ]; do i=$((i+1)); done'
loop='i=0; while [ $i -lt 2000 ]; do i=$((i+1)); done'
record z -z -- sh -c "$loop"

# an 8 KiB AUX area that overruns: replay repeated PSB packets (cheap to dump)
psb='\002\202\002\202\002\202\002\202\002\202\002\202\002\202\002\202'
i=0
: >/tmp/psb
while [ $i -lt 256 ]; do printf "$psb" >>/tmp/psb; i=$((i+1)); done
cat /tmp/psb >$D/replay
echo 1 >/sys/module/auxtest/parameters/mode
echo 400000 >/sys/module/auxtest/parameters/rate
rec trunc -a -m,2 -- sleep 0.5
echo 0 >/sys/module/auxtest/parameters/mode
ls -l
