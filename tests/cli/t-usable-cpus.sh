#!/bin/bash
# t-usable-cpus.sh - the decoding commands start as many threads as the
# process may use CPUs (lib/util/cpus.c: the affinity mask, not the online
# CPUs): under `taskset -c 0`, `script --json`, `report` and `export -f
# perfetto` decode on the calling thread alone and start no thread at all
# (no clone in `strace -f`); with two CPUs to use, each starts decode
# threads (export: decode threads that feed the call stacks, which
# AUXREC_EXPORT_STATS tells), so that the count can fail. The trace
# is cut into small units (AUXREC_PAR_UNIT) so that a small recording of
# the fuzz corpus is decoded on threads when there are threads. The
# export under taskset is byte for byte the one made on two CPUs.
cd "$(dirname "$0")/../.." || exit 1
A=${AUXREC:-./auxrec}
f=tests/fuzz/corpus/perf_data/auxrec-cpu-wide-switches.data
for tool in strace taskset; do
	command -v $tool > /dev/null || { echo "skip usable-cpus: no $tool"; exit 0; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# LeakSanitizer cannot run under ptrace (strace): leaks are other checks' business
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86:detect_leaks=0"
rc=0

# NAME CPUS ARGS...: the threads `auxrec ARGS` starts on CPUS (a taskset
# list; "" all of the process's), into $tmp/NAME.clones; its exit status
clones() {
	local name=$1 cpus=$2 st
	shift 2
	if [ -n "$cpus" ]; then
		AUXREC_PAR_UNIT=256 taskset -c "$cpus" strace -f -qq -e trace=clone,clone3 \
			-o "$tmp/$name.strace" "$A" "$@" > "$tmp/$name.out" 2> "$tmp/$name.err"
	else
		AUXREC_PAR_UNIT=256 strace -f -qq -e trace=clone,clone3 \
			-o "$tmp/$name.strace" "$A" "$@" > "$tmp/$name.out" 2> "$tmp/$name.err"
	fi
	st=$?
	grep -c 'clone' "$tmp/$name.strace" > "$tmp/$name.clones"
	return $st
}

# the process's CPUs: the first, and a second if it has one
cpu0=$(taskset -pc $$ | sed 's/.*: //; s/[-,].*//')
two=$(taskset -pc $$ | sed 's/.*: //' | python3 -c 'import sys
n = 0
for r in sys.stdin.read().strip().split(","):
    a, _, b = r.partition("-")
    n += int(b or a) - int(a) + 1
print(n >= 2)')

for cmd in script report export; do
	case $cmd in
	script) args=(script --json -i "$f") ;;
	report) args=(report -i "$f") ;;
	export) args=(export -f perfetto -i "$f" -o "$tmp/x.pf") ;;
	esac
	clones $cmd-one "$cpu0" "${args[@]}"
	st=$?
	if [ $st != 0 ]; then
		echo "not ok usable-cpus-$cmd: exit $st under taskset -c $cpu0: $(head -2 "$tmp/$cmd-one.err")"
		rc=1
		continue
	fi
	[ $cmd = export ] && mv "$tmp/x.pf" "$tmp/one.pf"
	n=$(cat "$tmp/$cmd-one.clones")
	if [ "$n" != 0 ]; then
		echo "not ok usable-cpus-$cmd: $n threads started under taskset -c $cpu0"
		rc=1
		continue
	fi
	if [ "$two" != True ]; then
		echo "ok usable-cpus-$cmd (no thread under taskset -c $cpu0; one CPU only here)"
		continue
	fi
	clones $cmd-all "" "${args[@]}"
	st=$?
	m=$(cat "$tmp/$cmd-all.clones")
	if [ $st != 0 ]; then
		echo "not ok usable-cpus-$cmd: exit $st on all CPUs: $(head -2 "$tmp/$cmd-all.err")"
		rc=1
	elif [ "$m" -lt 1 ]; then
		echo "not ok usable-cpus-$cmd: no thread started with two CPUs to use"
		rc=1
	elif [ $cmd = export ] && ! cmp -s "$tmp/one.pf" "$tmp/x.pf"; then
		echo "not ok usable-cpus-$cmd: the export on one CPU differs"
		rc=1
	elif [ $cmd = export ] &&
	     { ! AUXREC_EXPORT_STATS=1 AUXREC_PAR_UNIT=256 "$A" "${args[@]}" 2> "$tmp/stats" ||
	       ! grep -q '[1-9][0-9]* events fed by decode threads' "$tmp/stats"; }; then
		# export's default: a decode thread per CPU, feeding the call stacks
		echo "not ok usable-cpus-$cmd: by default no decode thread fed the call stacks:" \
			"$(tr '\n' ' ' < "$tmp/stats")"
		rc=1
	else
		echo "ok usable-cpus-$cmd (no thread under taskset -c $cpu0, $m with all CPUs)"
	fi
done
exit $rc
