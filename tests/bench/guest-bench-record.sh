#!/bin/sh
# Guest half of bench-record.sh (runs in tests/vm/run --perf, name=intel_pt).
# For each rate (MiB/s per CPU) and AUX size, records `-e intel_pt// -a`
# with auxrec and with perf (alternating which goes first) and writes one
# line per run to /out/rows:
#   tool rate_mib aux emitted dropped truncated records aux_bytes_in_file \
#   win_ticks wall user sys rc win_ns off_dropped w_emitted w_dropped w_off \
#   w_charged_ns
# win_ticks: the recorder's utime+stime (clock ticks, /proc/PPID/stat read by
# the workload itself) over the workload's `sleep`, i.e. the drain loop only;
# win_ns: the same window from the scheduler's runtime (ns), summed over the
# recorder's threads (/proc/PPID/task/*/schedstat, field 1);
# wall/user/sys: busybox `time` of the whole recorder process.
# off_dropped: bytes the module did not generate while an event was off
# after a TRUNCATED end (the kernel disables it; perf never enables it again).
# w_emitted w_dropped w_off: the module's counters when the workload's
# sleep ends (w_off includes events still off then: off_pending), i.e. the
# loss while the workload ran, not in the recorder's teardown (an event
# disabled by the recorder at the end after a truncated tick counted until
# its close, so a recorder that closed later looked lossier).
# w_charged_ns: the emitter's time in ticks that interrupted the recorder
# during the sleep (module parameter charge_pid, set by the workload): the
# kernel bills it to the recorder, having no IRQ time accounting.
# REPS (default 1): each rate+size is measured REPS times (one row each).
# TOOLS (default "auxrec perf"): "auxold" is /in/auxrec-old, an older build
# measured in the same run; the first tool of a rate+size rotates.
# /out/percpu.TOOL.RATE.AUX.REP: the module's per-CPU counters of the run.
RATES=${RATES:-"1 4 16 32 64"}
SIZES=${SIZES:-"4M 64K"}
SECS=${SECS:-2}
REPS=${REPS:-1}
TOOLS=${TOOLS:-"auxrec perf"}
ntools=$(echo $TOOLS | wc -w)
D=/sys/kernel/debug/auxtest
echo "HZ $(getconf CLK_TCK 2>/dev/null || echo 100)" > /out/rows
# the copy floor: CPU of writing 64 MiB from /dev/zero to a new tmpfs file,
# measured the second time (the first touch of guest RAM is slow in TCG)
for k in 1 2; do
	busybox time -f "%e %U %S" -o /tmp/t dd if=/dev/zero of=/tmp/floor bs=1M count=64 2>/dev/null
	rm -f /tmp/floor
done
echo "FLOOR 64 $(tail -1 /tmp/t | cut -d' ' -f2,3)" >> /out/rows
i=0
for rep in $(seq $REPS); do
for rate in $RATES; do
	for aux in $SIZES; do
		set -- $TOOLS
		k=0
		while [ $k -lt $((i % ntools)) ]; do t=$1; shift; set -- "$@" $t; k=$((k + 1)); done
		order="$*"
		i=$((i + 1))
		for tool in $order; do
			rm -f /tmp/f.data /tmp/s0 /tmp/s1 /tmp/n0 /tmp/n1 /tmp/t /tmp/pc1
			echo $((rate * 1048576)) > /sys/module/auxtest/parameters/rate
			echo 1 > $D/reset
			ns='$(cat /proc/$PPID/task/*/schedstat | cut -d" " -f1 | tr "\\n" +)0'
			P=/sys/module/auxtest/parameters/charge_pid
			w="echo \$PPID > $P; cut -d' ' -f14,15 /proc/\$PPID/stat > /tmp/s0; echo $ns > /tmp/n0; sleep $SECS; cut -d' ' -f14,15 /proc/\$PPID/stat > /tmp/s1; echo $ns > /tmp/n1; cat $D/percpu > /tmp/pc1; echo 0 > $P"
			if [ $tool = auxrec ] || [ $tool = auxold ]; then
				bin=auxrec
				[ $tool = auxold ] && bin=/in/auxrec-old
				busybox time -f "%e %U %S" -o /tmp/t $bin record -q -e intel_pt// -a \
					-m 256K,$aux -o /tmp/f.data -- sh -c "$w" > /tmp/log 2>&1
			else
				busybox time -f "%e %U %S" -o /tmp/t perf record -q -B -e intel_pt// -a \
					-m 256K,$aux -o /tmp/f.data -- sh -c "$w" > /tmp/log 2>&1
			fi
			rc=$?
			tot=$(grep '^total' $D/percpu)
			wtot=$(grep '^total' /tmp/pc1 2>/dev/null)
			val() { echo "$tot" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
			wval() { echo "$wtot" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
			ab=$(auxrec dump -i /tmp/f.data --stats --no-packets 2>/dev/null | sed -n 's/.*aux_bytes \([0-9]*\).*/\1/p')
			set -- $(cat /tmp/s0 2>/dev/null) $(cat /tmp/s1 2>/dev/null)
			win=$(( ${3:-0} + ${4:-0} - ${1:-0} - ${2:-0} ))
			winns=$(( ($(cat /tmp/n1 2>/dev/null || echo 0)) - ($(cat /tmp/n0 2>/dev/null || echo 0)) ))
			cp $D/percpu /out/percpu.$tool.$rate.$aux.$rep
			echo "$tool $rate $aux $(val emitted) $(val dropped) $(val truncated) $(val records) ${ab:-0} $win $(tail -1 /tmp/t) $rc $winns $(val off_dropped) $(wval emitted) $(wval dropped) $(($(wval off_dropped) + $(wval off_pending))) $(wval charged_ns)" >> /out/rows
			[ $rc = 0 ] || { echo "== $tool $rate $aux rc=$rc"; tail -5 /tmp/log; }
		done
	done
done
done
rm -f /tmp/f.data
