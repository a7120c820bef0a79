#!/bin/sh
# Runs in the guest for t-cs-etm-guest.sh (module name=cs_etm, replay once):
# the PMU's sysfs as the coresight driver shows it, then etm-host maps the
# AArch64 ground-truth program /in/prog and spins; etm-gen (the host tool,
# run here for the pid) writes the program's ETM trace with that pid as
# context ID into the replay buffer, and `auxrec record -e
# cs_etm/@tmc_etr0/ --per-thread -p PID` records it. Both auxrec and
# Debian's perf decode the file here, where /in/prog is at the path its
# MMAP2 names; the host compares. Then the same CPU-wide (-C 0) with
# timestamps and context IDs, for a second etm-host.
D=/sys/kernel/debug/auxtest
P=/sys/bus/event_source/devices/cs_etm
cd /out || exit 1
ls $P/format > format.ls 2>&1
ls $P/sinks > sinks.ls 2>&1
cat $P/sinks/tmc_etr0 > sink.hash 2>&1
for c in $P/cpu*; do
	for f in trcidr/trcidr0 trcidr/trcidr1 trcidr/trcidr2 trcidr/trcidr8 \
		 mgmt/trcauthstatus mgmt/trcdevarch mgmt/trctraceid; do
		echo "${c##*/} $f $(cat $c/$f)"
	done
done > regs.txt
etm-host /in/prog 6 > host.log 2>&1 &
pid=$!
echo $pid > pid
/in/etm-gen --stream $pid /in/exec.log /in/prog "$(cat /in/main)" /tmp/etm.bin expected \
	> gen.log 2>&1 || exit 1
cat /tmp/etm.bin > $D/replay || exit 1
echo 1 > $D/reset
auxrec record -e cs_etm/@tmc_etr0/ --per-thread -p $pid -o a.data > a.rec.log 2>&1
echo $? > a.rec.rc
wait $pid
cat $D/cs_sink > cs_sink
cat $D/percpu > a.counters
for c in $P/cpu*; do echo "${c##*/} $(cat $c/mgmt/trcconfig)"; done > trcconfig.txt

# CPU-wide on CPU 0, with timestamps and context IDs: a second etm-host
# spins on CPU 1, and the trace replayed on CPU 0 names it. It must still
# run when the recording starts (auxrec takes its comm and MMAP2 from /proc
# then), after etm-gen: a 4 s spin had ended by then on a loaded host (the
# recording held no comm of it). It spins for up to a minute and is ended
# after the recording.
taskset 2 etm-host /in/prog 60 > host2.log 2>&1 &
pid2=$!
echo $pid2 > pid2
while [ ! -s host2.log ]; do sleep 0.1; done
/in/etm-gen --stream $pid2 --timestamps="$(cat host2.log)" /in/exec.log /in/prog "$(cat /in/main)" /tmp/etm2.bin \
	expected2 > gen2.log 2>&1 || exit 1
cat /tmp/etm2.bin > $D/replay || exit 1
auxrec record -e cs_etm/@tmc_etr0,timestamp,contextid/ -C 0 -o c.data -- sleep 1 > c.rec.log 2>&1
echo $? > c.rec.rc
kill $pid2 2> /dev/null
wait $pid2

for f in a c; do
	auxrec script --json -i $f.data > $f.script 2> $f.script.err
	auxrec dump --json --no-packets -i $f.data > $f.dump 2> $f.dump.err
done
if command -v perf > /dev/null; then
	perf script --itrace=b -F flags,ip,addr -i a.data > p.script 2> p.script.err
	perf evlist -v -i a.data > p.evlist 2>&1
	perf script --itrace=b -F tid,flags,ip,addr -i c.data > pc.script 2> pc.script.err
fi
exit 0
