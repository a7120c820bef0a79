#!/bin/sh
# Runs in the guest (busybox sh) for t-snapshot.sh: auxrec record -S on the
# auxtest PMU (pattern mode, per cpu), snapshots taken by SIGUSR2, by the
# control FIFO and at exit; after each recording NAME.data the module's log
# of where each stream stood at each stop (NAME.log), its status (NAME.rc)
# and its stderr (NAME.out).
D=/sys/kernel/debug/auxtest
cd /out || exit 1

started() {	# FILE: wait until the recorder traces: it enables the events after
	# writing the header and the sideband of every process, right before its loop
	# (a sanitized recorder takes seconds there; two triggers then were one)
	i=0
	while [ $i -lt 300 ] && { [ ! -s "$1" ] || [ "$(cat $D/ticks)" = 0 ]; }; do
		sleep 0.1
		i=$((i + 1))
	done
	sleep 0.3
}

finish() {	# NAME PID: wait for the recorder, keep its status and the module's log
	wait "$2"
	echo $? > "$1.rc"
	cat $D/snapshots > "$1.log"
	echo 1 > $D/reset
}

start() {	# NAME ARGS...: auxrec record -o NAME.data ARGS in the background, once it runs
	n=$1; shift
	echo 1 > $D/reset
	auxrec record -o $n.data "$@" > $n.out 2>&1 &
	pid=$!
	started $n.data
}

sig3() {	# NAME: SIGUSR2 three times, each area wrapped many times over; SIGINT
	start $1 -e auxtest/rate=1048576/ -a -m 256K,64K -S -- sleep 30
	for i in 1 2 3; do kill -USR2 $pid; sleep 0.4; done
	kill -INT $pid
	finish $1 $pid
}

slow() {	# NAME: slow writer, 256K areas: the first snapshot before the area
	# wrapped, later ones overlapping the one before (each the area's newest bytes)
	start $1 -e auxtest/rate=65536/ -a -m 256K,256K --snapshot=e -- sleep 6
	kill -USR2 $pid; sleep 1.5; kill -USR2 $pid
	finish $1 $pid
}

sig3 sig
# -Se16K: the newest 16K of each 64K area, twice by signal and once at exit
start exit16k -e auxtest/rate=1048576/ -a -m 256K,64K -Se16K -- sleep 3
kill -USR2 $pid; sleep 0.5; kill -USR2 $pid
finish exit16k $pid
slow unwrapped

# the same two with the head kept as an offset in the area, as Intel PT's:
# whether the area wrapped is not in aux_head
P=/sys/module/auxtest/parameters/head_offset
echo 1 > $P
sig3 off_sig
slow off_unwrapped
echo 0 > $P

# -S8K alone sizes the AUX area: 8K (two pages)
start area8k -e auxtest/rate=1048576/ -a -S8K -- sleep 30
kill -USR2 $pid; sleep 0.4
kill -TERM $pid
finish area8k $pid

# the control FIFO (in /tmp: the 9p share of /out has no FIFOs): snapshot, snapshot, disable, snapshot (of the disabled
# events), enable, ping, snapshot, stop; each answered with ack on the ack FIFO.
# The ack FIFO is held open for reading from before the start: the recorder
# acks stop and exits at once, and a reader opening the FIFO only then would
# find no writer and the ack gone with the pipe (seen once in a CI-like run).
mkfifo /tmp/ctl.fifo /tmp/ack.fifo
exec 4<> /tmp/ack.fifo
start ctl -e auxtest/rate=1048576/ -a -m 256K,64K -S --control fifo:/tmp/ctl.fifo,/tmp/ack.fifo \
	-- sleep 60
: > ctl.acks
for cmd in snapshot snapshot disable snapshot enable ping snapshot stop; do
	sleep 0.3
	echo $cmd > /tmp/ctl.fifo
	a=
	read -t 20 -r a <&4
	echo "$cmd $a" >> ctl.acks
done
exec 4<&-
finish ctl $pid

# errors: one line, status 1, no recording left running
auxrec record -e auxtest// -a -m 256K,64K -S128K -o err.data -- true > err_size.out 2>&1
echo $? > err_size.rc
auxrec record -e auxtest// -a -S --control fifo:/nonexistent/ctl -o err.data -- true > err_ctl.out 2>&1
echo $? > err_ctl.rc
auxrec record -e auxtest// -a -S --control pipe:3 -o err.data -- true > err_ctl_kind.out 2>&1
echo $? > err_ctl_kind.rc
exit 0
