#!/bin/bash
# tests/vm/t-vm-boot.sh: the guest harness itself (issue 3's done criterion):
# the auxtest PMU appears in the guest, /out and the exit status come back,
# a bad module argument is reported as a load failure (exit 125), a sanitizer
# report from the guest fails the run (123), a boot that hangs is retried,
# so is a run whose guest kernel reports a soft lockup,
# --cpu-flags changes the guest CPU.
# QEMU that cannot boot fails these checks; it never skips them.
cd "$(dirname "$0")/../.." || exit 1
run=tests/vm/run
out=build/vm/t-vm-boot.out
rm -rf "$out"

# 1: the PMU type, a number, printed on the host; plus /out and the status.
start=$SECONDS
res=$($run --out "$out" --in tests/kmod --in tests/vm/README.md -- sh -c \
	'cat /sys/bus/event_source/devices/auxtest/type; head -c 3000000 /dev/urandom >blob; md5sum blob >blob.md5; md5sum /in/kmod/auxtest.c /in/README.md >in.md5; exit 7' 2>&1)
rc=$?
echo "$res"
echo "# boot-run-poweroff took $((SECONDS - start)) s"
type=$(echo "$res" | head -1)
if [[ $type =~ ^[0-9]+$ ]]; then
	echo "ok vm_pmu_type"
else
	echo "not ok vm_pmu_type: expected a number, got: $(echo "$res" | tail -5)"
fi
if [ $rc = 7 ]; then
	echo "ok vm_exit_status"
else
	echo "not ok vm_exit_status: expected 7, got $rc"
fi
if [ -f "$out/blob" ] && [ "$(cd "$out" && md5sum blob)" = "$(cat "$out/blob.md5" 2>/dev/null)" ] &&
   [ "$(stat -c %s "$out/blob")" = 3000000 ]; then
	echo "ok vm_out_transport"
else
	echo "not ok vm_out_transport: /out/blob missing or damaged in $out"
fi

if [ -f "$out/in.md5" ] && (sed 's|/in/kmod/|tests/kmod/|; s|/in/|tests/vm/|' "$out/in.md5" | md5sum -c --quiet); then
	echo "ok vm_in_transport"
else
	echo "not ok vm_in_transport: --in files missing or damaged in the guest"
fi

# 2: a module argument the kernel rejects is a load failure, not a test failure.
res=$($run --module-arg rate=notanumber -- true 2>&1)
rc=$?
if [ $rc = 125 ] && echo "$res" | grep -q 'module failed to load'; then
	echo "ok vm_module_load_failure"
else
	echo "not ok vm_module_load_failure: rc $rc: $(echo "$res" | tail -3)"
fi

# 3: a sanitizer report in the ctl share (where a sanitized auxrec logs, see
# tests/vm/run) fails the run with 123 and is shown, whatever the command's status.
res=$($run -- sh -c 'echo "SUMMARY: AddressSanitizer: planted by t-vm-boot" > /ctl/san.42' 2>&1)
rc=$?
if [ $rc = 123 ] && echo "$res" | grep -q 'sanitizer report(s) from the guest (command status 0):.*planted by t-vm-boot'; then
	echo "ok vm_sanitizer_report_fails"
else
	echo "not ok vm_sanitizer_report_fails: rc $rc: $(echo "$res" | tail -3)"
fi

# 4: a command that does not finish is killed at --timeout, with a message.
# Time spent waiting for the machine-wide guest lock (AUXTEST_VM_LOCK) is not
# the guest's: run reports it and it is left out.
times=$(mktemp)
start=$SECONDS
res=$(AUXTEST_VM_TIMES=$times $run --timeout 15 -- sleep 600 2>&1)
rc=$?
waited=$(awk '$1 == "lock_wait" { print $2 }' "$times")
rm -f "$times"
took=$((SECONDS - start - ${waited:-0}))
if [ $rc = 124 ] && echo "$res" | grep -q 'timed out after 15s' && [ -n "$waited" ] && [ $took -lt 40 ]; then
	echo "ok vm_timeout"
else
	echo "not ok vm_timeout: rc $rc after $took s (lock wait ${waited:-unknown} s): $(echo "$res" | head -3)"
fi

# 5: a boot that shows no sign of /init in time is abandoned and tried once
# more (here forced: 1 s is less than any boot takes).
res=$(AUXTEST_VM_BOOT_S=1 $run -- echo second-boot 2>&1)
rc=$?
if [ $rc = 0 ] && echo "$res" | grep -q 'did not boot in 1s; booting it again' &&
   echo "$res" | grep -q '^second-boot$'; then
	echo "ok vm_boot_retry"
else
	echo "not ok vm_boot_retry: rc $rc: $(echo "$res" | tail -3)"
fi

# 5b: a first run whose guest kernel reports a soft lockup is run again on a
# fresh boot, its /out cleared (here the first run writes a lockup line to
# the console itself and a file that must not come back; /in keeps a mark).
rm -rf "$out.stall"; mkdir -p "$out.stall/in"
res=$($run --out "$out.stall/out" --in "$out.stall/in" --timeout 120 -- sh -c \
	'if [ -e /in/in/first ]; then echo second > second; else touch /in/in/first first;
	 echo "<2>watchdog: BUG: soft lockup - CPU#0 stuck for 1s! [t-vm-boot:1]" > /dev/kmsg;
	 sleep 100; fi' 2>&1)
rc=$?
if [ $rc = 0 ] && echo "$res" | grep -q 'guest kernel stalled (soft lockup' &&
   [ -s "$out.stall/out/second" ] && [ ! -e "$out.stall/out/first" ]; then
	echo "ok vm_stall_retry"
else
	echo "not ok vm_stall_retry: rc $rc: $(ls "$out.stall/out" 2>&1 | tr '\n' ' ') $(echo "$res" | tail -3)"
fi

# 6: --cpu-flags reaches QEMU's -cpu (the bench boots without ERMS); a list
# that is not +flag/-flag items is a usage error.
res=$($run --cpu-flags -erms,-fsrm -- sh -c 'grep -cw erms /proc/cpuinfo; grep -cw sse2 /proc/cpuinfo' 2>&1)
rc=$?
res2=$($run --cpu-flags 'erms;reboot' -- true 2>&1)
rc2=$?
if [ $rc = 0 ] && [ "$(echo "$res" | head -1)" = 0 ] && [ "$(echo "$res" | sed -n 2p)" -gt 0 ] 2>/dev/null &&
   [ $rc2 = 2 ]; then
	echo "ok vm_cpu_flags"
else
	echo "not ok vm_cpu_flags: rc $rc ($(echo "$res" | tr '\n' ' ')), bad list rc $rc2"
fi
