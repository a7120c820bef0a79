#!/bin/sh
# Runs in the guest for t-snapshot-perf.sh, the module loaded as
# name=intel_pt: Debian's perf record -S and auxrec record -S in the same
# boot, same PMU, same AUX areas (64K per cpu), three SIGUSR2 each, then
# SIGINT; the module's stop log next to each file (NAME.log).
D=/sys/kernel/debug/auxtest
cd /out || exit 1

snap3() {	# NAME SETTLE CMD...: start CMD, 3 snapshots by SIGUSR2, SIGINT, keep status and log
	n=$1 settle=$2
	shift 2
	echo 1 > $D/reset
	"$@" > $n.out 2>&1 &
	pid=$!
	i=0
	while [ $i -lt 300 ] && [ ! -s $n.data ]; do sleep 0.1; i=$((i + 1)); done
	# perf arms its snapshot trigger after opening the events: give it time
	sleep $settle
	for i in 1 2 3; do kill -USR2 $pid; sleep 0.5; done
	kill -INT $pid
	wait $pid
	echo $? > $n.rc
	cat $D/snapshots > $n.log
}
# -B -N: no build-id processing, which costs seconds under TCG
snap3 perf 3 perf record -B -N -e intel_pt// -a -m ,64K -S -o perf.data -- sleep 60
snap3 auxrec 0.3 auxrec record -e intel_pt// -a -m 256K,64K -S -o auxrec.data -- sleep 60
exit 0
