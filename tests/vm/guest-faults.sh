#!/bin/sh
# Runs in the guest (busybox sh) for t-faults.sh: faults during
# auxrec record on the auxtest PMU impersonating intel_pt (name=intel_pt,
# pattern mode; rate and period from the module parameters, so perf knows the
# AUXTRACE_INFO). Each scenario NAME leaves NAME.data, NAME.out (auxrec's
# output), NAME.rc and the module's ground truth NAME.percpu / NAME.streams
# in /out, plus NAME.dump (auxrec dump --stats; the AUX data is a pattern,
# not packets). perf report -D reads the files on the host (at native speed:
# it prints a line per byte of pattern data).
D=/sys/kernel/debug/auxtest
P=/sys/module/auxtest/parameters
cd /out || exit 1

emit() {	# RATE [PERIOD_US]: what the next event emits; clears the counters
	echo "$1" > $P/rate
	echo "${2:-1000}" > $P/period_us
	echo 1 > $D/reset
}

truth() {	# NAME: save the module's counters for the recording just made
	cat $D/percpu > "$1.percpu"
	cat $D/streams > "$1.streams"
	echo 1 > $D/reset
}

readback() {	# NAME FILE: auxrec dump on what was written, kept as NAME.data
	auxrec dump -i "$2" --stats --no-packets > "$1.dump" 2>&1
	echo "dump_rc $?" >> "$1.dump"
	[ "$2" = "$1.data" ] || cp "$2" "$1.data"
}

# 1. the disk fills up: a 2 MiB tmpfs, 4 MiB/s per cpu
mkdir -p /mnt/small
mount -t tmpfs -o size=2m none /mnt/small
emit 4194304
auxrec record -e intel_pt// -a -o /mnt/small/f.data -- sleep 3 > disk_full.out 2>&1
echo $? > disk_full.rc
truth disk_full
readback disk_full /mnt/small/f.data
umount /mnt/small

# 2. the workload crashes (SIGSEGV): the recording completes, status 139
emit 1048576
auxrec record -e intel_pt// -o crash.data -- sh -c 'workload -m 300; kill -SEGV $$' \
	> crash.out 2>&1
echo $? > crash.rc
truth crash
readback crash crash.data

# 3. SIGINT / SIGTERM / SIGHUP at different moments after exec, from very
# early on. auxrec runs in the foreground (a background job of a script has
# SIGINT ignored); a background killer waits for its pid, then the delay.
for case in INT:0.05 INT:0.15 INT:0.4 INT:0.9 INT:1.7 TERM:0.1 TERM:1.2 HUP:0.3 HUP:2.1; do
	sig=${case%:*} delay=${case#*:}
	name=sig_${sig}_$(echo "$delay" | tr . _)
	emit 2097152
	rm -f pid
	( while [ ! -s pid ]; do sleep 0.01; done; sleep "$delay"; kill -$sig "$(cat pid)" ) &
	kpid=$!
	sh -c 'echo $$ > pid; exec "$@"' sh \
		auxrec record -e intel_pt// -a -o $name.data -- sleep 30 > $name.out 2>&1
	echo $? > $name.rc
	wait $kpid
	truth $name
	if [ -e $name.data ]; then readback $name $name.data; fi
done

# 4. the data ring loses records: a 1-page data ring, many AUX records
emit 8388608 200
auxrec record -e intel_pt// -a -m 1,64 -o lost.data -- sleep 2 \
	> lost.out 2>&1
echo $? > lost.rc
truth lost
readback lost lost.data

# 5. security: an existing symlink at the output path is not followed; mode 0600
echo precious > target
ln -s /out/target link.data
auxrec record -e intel_pt// -a -o link.data -- true > symlink.out 2>&1
echo $? > symlink.rc
ls -l link.data > symlink.ls 2>&1
stat -c %a crash.data > mode.out 2>&1
exit 0
