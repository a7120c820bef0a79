#!/bin/bash
# record --seed-stacks on the real kernel path: the auxtest module as
# intel_pt, tests/guest/stack_deep (static) sleeping 1 ms at a time 7 calls
# deep in descend(). The kernel writes a context-switches sample with the
# user registers and stack at each of its switches into the trace's data
# ring; on the host:
# - seed_record_*: auxrec record exits 0, per cpu, --per-thread, and -p
#   (pid: a trace enabled late, on a stack_deep already 7 calls deep,
#   recorded until SIGINT: the samples at its switches are what seeds its
#   stack after the late start, docs/stack-seed.md "Late seeds");
# - seed_unwind_*: the samples, unwound by lib/unwind
#   (tests/tools/unwind_samples, the binary found through --symfs), give
#   _start ... main, then the 7 descend frames, for most of the sleeps.
#   migrated: per cpu, stack_deep exec()s on cpu 1 (taskset) and moves to
#   cpu 0 to sleep: its COMM and MMAP2 are in cpu 1's data ring, its
#   samples in cpu 0's, and the first pass that drains both (at cpu 0's
#   wakeup watermark, 16 samples, or earlier) writes the samples first
#   (seed_migrated_order: how many; 3 to 16 seen, a skip if none); the
#   session holds a stack sample of a process without mappings until they
#   come (lib/session/sample_hold.c). Without that, 4 of 22 unwound (1 run
#   in about 20 of the cpu case had it);
# - seed_perf_reads_*: Debian's perf reads the same file (perf report -D)
#   and sees as many samples with user regs (perf's x86-64 mask) and stack;
# - seed_bad_size: a bad --seed-stacks size is refused with one error line
#   (then the usage) and status 1.
cd "$(dirname "$0")/../.." || exit 1
B=${AUXREC_BUILD:-build}
OUT=build/vm/t-seed-stacks.out
rm -rf "$OUT"; mkdir -p "$OUT/symfs/usr/local/bin"
if [ ! -x build/guest-bin/stack_deep ] || [ ! -x "$B/tests/tools/unwind_samples" ]; then
	echo "not ok seed_stacks: build/guest-bin/stack_deep or unwind_samples missing (make guest-bin tools)"
	exit 1
fi
cp build/guest-bin/stack_deep "$OUT/symfs/usr/local/bin/"

if ! tests/vm/run --module-arg name=intel_pt --out "$OUT/guest" --timeout 200 -- '
	auxrec record -e intel_pt// --seed-stacks -o /out/cpu.data -- stack_deep 6 20 \
		> /out/cpu.out 2>&1
	echo $? > /out/cpu.rc
	taskset -c 1 auxrec record -e intel_pt// --seed-stacks -o /out/migrated.data -- \
		stack_deep 6 20 0 > /out/migrated.out 2>&1
	echo $? > /out/migrated.rc
	auxrec record -e intel_pt// --per-thread --seed-stacks=4K -o /out/thread.data \
		-- stack_deep 6 20 > /out/thread.out 2>&1
	echo $? > /out/thread.rc
	stack_deep 6 100000 & deep=$!
	sleep 0.5
	auxrec record -e intel_pt// --seed-stacks -p $deep -o /out/pid.data > /out/pid.out 2>&1 &
	rec=$!
	sleep 1.5
	kill -INT $rec
	wait $rec
	echo $? > /out/pid.rc
	kill $deep
	auxrec record -e intel_pt// --seed-stacks=12 -o /out/bad.data -- true > /out/bad.out 2>&1
	echo $? > /out/bad.rc
	' > "$OUT/guest.log" 2>&1; then
	echo "not ok guest_run: $(tail -3 "$OUT/guest.log")"; exit 1
fi
G=$OUT/guest

for mode in cpu migrated thread pid; do
	if [ "$(cat "$G/$mode.rc")" != 0 ]; then
		echo "not ok seed_record_$mode: status $(cat "$G/$mode.rc"): $(head -2 "$G/$mode.out")"
		continue
	fi
	echo "ok seed_record_$mode"
	"$B/tests/tools/unwind_samples" --symfs "$OUT/symfs" "$G/$mode.data" > "$OUT/$mode.chains" 2>&1
	total=$(awk '$1 == "samples" {print $2}' "$OUT/$mode.chains")
	deep=$(grep -cE '^[0-9]+ [0-9]+ _start;.*;main;(descend;){6}descend(;|$)' "$OUT/$mode.chains")
	echo "# $mode: $total samples, $deep unwound from _start through main and 7 descend frames"
	if [ $mode = migrated ]; then
		# the case it is there for: samples in the file before the exec's COMM
		early=$("${AUXREC:-./auxrec}" dump -i "$G/$mode.data" --json --no-packets 2>/dev/null |
			awk '/"record":"comm"/ && /stack_deep/ {exit} /"record":"sample"/ {n++} END {print n + 0}')
		if [ "${early:-0}" -ge 1 ]; then
			echo "ok seed_migrated_order ($early samples before stack_deep's COMM in the file)"
		else
			echo "skip seed_migrated_order: a pass drained cpu 1's ring before the first sample this time: no sample to hold"
		fi
	fi
	if [ "${deep:-0}" -ge 15 ]; then
		echo "ok seed_unwind_$mode ($deep of $total samples; e.g. $(grep -m1 -E ';main;(descend;){6}' "$OUT/$mode.chains" | cut -d' ' -f3))"
	else
		echo "not ok seed_unwind_$mode: $deep samples of $total unwind to _start..main..descend x7: $(head -3 "$OUT/$mode.chains")"
	fi
	if ! command -v perf > /dev/null; then
		echo "skip seed_perf_reads_$mode: no perf (Debian linux-perf)"
		continue
	fi
	perf report -D -i "$G/$mode.data" > "$OUT/$mode.perf" 2> "$OUT/$mode.perf.err"
	rc=$?
	regs=$(grep -c "user regs: mask 0xff0fff ABI 64-bit" "$OUT/$mode.perf")
	stacks=$(grep -c "\.\.\. ustack: size" "$OUT/$mode.perf")
	if [ $rc = 0 ] && [ "$regs" = "$total" ] && [ "$stacks" = "$total" ]; then
		echo "ok seed_perf_reads_$mode (perf report -D: $regs samples with user regs and stack)"
	else
		echo "not ok seed_perf_reads_$mode: perf status $rc, $regs samples with regs, $stacks with stack, auxrec $total: $(head -2 "$OUT/$mode.perf.err")"
	fi
done

if [ "$(cat "$G/bad.rc")" = 1 ] &&
   head -1 "$G/bad.out" | grep -q "^auxrec record: bad --seed-stacks size '12'"; then
	echo "ok seed_bad_size"
else
	echo "not ok seed_bad_size: status $(cat "$G/bad.rc"): $(cat "$G/bad.out")"
fi
