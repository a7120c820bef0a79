#!/bin/sh
# Runs in the guest (busybox sh) for t-record.sh: auxrec record on the auxtest
# PMU in pattern mode, one scenario per output file NAME.data, with the
# module's ground truth after each in NAME.percpu and NAME.streams.
D=/sys/kernel/debug/auxtest
cd /out || exit 1

truth() {	# NAME: save the module's counters for the recording just made
	cat $D/percpu > "$1.percpu"
	cat $D/streams > "$1.streams"
	echo 1 > $D/reset
}

run() {	# NAME CMD...: record, keep the status and stderr
	name=$1; shift
	echo 1 > $D/reset
	"$@" > "$name.out" 2>&1
	echo $? > "$name.rc"
	truth "$name"
}

run cpu_1m      auxrec record -e auxtest/rate=1048576/ -a -o cpu_1m.data -- sleep 1
# 20 ms ticks of 84 KiB each: every tick overruns the 64K AUX area, whatever the recorder's speed
run cpu_4m_trunc auxrec record -e auxtest/rate=4194304,period_us=20000/ -a -m 256K,64K -o cpu_4m_trunc.data -- sleep 1
run cpu0_tiny   auxrec record -e auxtest/rate=8388608,period_us=500/ -C 0 -m 16K,16K -o cpu0_tiny.data -- sleep 1
run pages_2     auxrec record -e auxtest/rate=2097152/ -a -m 8,2 -o pages_2.data -- sleep 1
run inherit     auxrec record -e auxtest/rate=2097152/ -o inherit.data -- workload -t 3 -f 2 -m 400
run per_thread  auxrec record -e auxtest/rate=2097152/ --per-thread -o per_thread.data -- workload -m 400
run exit_code   auxrec record -e auxtest// -o exit_code.data -- workload -m 10 -x 3
run merged      auxrec record -e auxtest/rate=4194304/ -a -m 256K,64K --merge-aux -o merged.data -- sleep 1

# -p: an existing process, until it exits (killed here after a while)
echo 1 > $D/reset
workload -t 2 -m 100000 &
wpid=$!
sleep 0.2
auxrec record -e auxtest/rate=1048576/ -p $wpid -o pid.data > pid.out 2>&1 &
rpid=$!
# 1.5 s of recording: counted from when the recorder has its events open (it
# creates pid.data then), not from its start, which took longer than 1.5 s on
# a loaded host (the workload was gone: "no process with pid")
i=0
while [ ! -e pid.data ] && kill -0 $rpid 2> /dev/null && [ $i -lt 600 ]; do
	sleep 0.1; i=$((i + 1))
done
sleep 1.5
kill $wpid
wait $rpid
echo $? > pid.rc
truth pid

# signals in the middle of a recording: the file is complete and holds every byte
for sig in INT TERM HUP; do
	echo 1 > $D/reset
	auxrec record -e auxtest/rate=2097152/ -a -o sig_$sig.data -- sleep 30 > sig_$sig.out 2>&1 &
	rpid=$!
	sleep 1.5
	kill -$sig $rpid
	wait $rpid
	echo $? > sig_$sig.rc
	truth sig_$sig
done

# SIGKILL: no chance to finish; the last checkpoint keeps the file readable
echo 1 > $D/reset
auxrec record -e auxtest/rate=1048576/ -a -o sig_KILL.data -- sleep 30 > sig_KILL.out 2>&1 &
rpid=$!
# kill once it has written data (a sanitized build starts slowly), at most 20 s
i=0
while [ $i -lt 200 ] && [ "$(wc -c < sig_KILL.data 2>/dev/null || echo 0)" -lt 65536 ]; do
	sleep 0.1
	i=$((i + 1))
done
sleep 0.5
kill -KILL $rpid
wait $rpid
echo 1 > $D/reset

# errors: one line, non-zero status
auxrec record -e nosuch// -a -- true > err_pmu.out 2>&1; echo $? > err_pmu.rc
auxrec record -e auxtest/bogus=1/ -a -- true > err_term.out 2>&1; echo $? > err_term.rc
auxrec record -e auxtest// -p 999999 > err_pid.out 2>&1; echo $? > err_pid.rc
auxrec record -e software// -a -- true > err_noaux.out 2>&1; echo $? > err_noaux.rc
auxrec list > list.out 2>&1; echo $? > list.rc
auxrec list --json > list.json 2>&1
exit 0
