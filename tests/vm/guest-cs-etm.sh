#!/bin/sh
# Runs in the guest for t-cs-etm-guest.sh (module name=cs_etm, replay once):
# the PMU's sysfs as the coresight driver shows it, then etm-host maps the
# AArch64 ground-truth program /in/prog and spins; etm-gen (the host tool,
# run here for the pid) writes the program's ETM trace with that pid as
# context ID into the replay buffer, and `auxrec record -e
# cs_etm/@tmc_etr0/ --per-thread -p PID` records it. Both auxrec and
# Debian's perf decode the file here, where /in/prog is at the path its
# MMAP2 names; the host compares.
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
auxrec script --json -i a.data > a.script 2> a.script.err
auxrec dump --json --no-packets -i a.data > a.dump 2> a.dump.err
if command -v perf > /dev/null; then
	perf script --itrace=b -F flags,ip,addr -i a.data > p.script 2> p.script.err
	perf evlist -v -i a.data > p.evlist 2>&1
fi
exit 0
