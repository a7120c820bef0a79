#!/bin/bash
# Ground truth for the Intel PT flow decoder without PT hardware: each
# program of tests/gt/progs runs under single-stepping (gt-record), its real
# flow is encoded as an Intel PT stream by libipt's encoder, and the stream
# is decoded by auxrec's flow decoder (gt-flow) and by libipt's block
# decoder (gt-ipt). Both must reproduce the recorded event list exactly,
# with returns as TIPs (PROG), with return compression (PROG-rc) and in a
# cycle-accurate trace (PROG-cyc: CBR in PSB+, CYC packets), in a trace
# that loses stretches of packets to internal buffer overflows (PROG-ovf:
# OVF, then FUP or TIP.PGE where tracing resumes, every OVF_EVERY
# instructions or so; see gt-record.c), and auxrec's
# events must carry the times of the trace's synthetic clock (TSC+TMA in
# PSB+, MTCs, and CYCs by libipt's rules) exactly as recorded in OUT.times.
# With PT_FLOW_F_INSN, the count of per-instruction events must be the
# instructions recorded. Prints "ok/not ok flow-gt[-time|-insn|-libipt]-PROG[-rc|-cyc|-ovf]".
# flow-gt-ranges-PROG[-rc|-cyc|-ovf]: decoded as the parallel decode does
# (gt-flow -p N: ranges of N PSBs, each decoded alone, joined in order),
# the events and their times are those recorded, for N = 2 and 3; the
# ranges must join somewhere (flow-gt-ranges-joined), else the test would
# only show that a decode that never hands over is sequential.
# flow-gt-psb-time-PROG[-rc|-cyc|-ovf]: the direct branches that ran after
# the last TNT bit before a PSB (OUT.prepsb: their line, the time their
# instruction ran, the PSB's TSC) are decoded with a time from before that
# TSC (they ran before it), and but after a loss (-ovf) less than one MTC
# period before their instruction's; flow-gt-psb-time-seen: the programs
# have such branches.
# flow-gt-late-step-PROG: the same program recorded again with late traps
# simulated after each cpuid (gt-record --late-cpuid, as some hypervisors
# deliver them) gives the same ground truth, byte for byte.
cd "$(dirname "$0")/../.." || exit 1
. tests/gt/build-tools.sh
gt_tools_verdict flow-gt || exit $?
out=$GT_BIN/out
OVF_EVERY=1000
mkdir -p "$out"

. tests/gt/progs.sh
# name and link mode (tests/gt/progs.sh): static non-PIE, and dynamic PIE
# calling into libc (signal, qsort) or into its own shared libraries (plt)
progs="loops:static
recursion:static
indirect:static
signal:pie
qsort:pie
setjmp:static
jumptable:static
tailcall:static
plt:pie
simd:static
deep:static
exceptions:static"
rc=0
joins=0
psb_branches=0
# MTC period in TSC ticks (gt_format.h: 2^GT_MTC_FREQ CTC ticks of 128/2)
MTC_TSC=512
# NAME VARIANT BASE: BASE.flowtimes against the instruction times in BASE.prepsb
check_psb_time() {
	local slack=$MTC_TSC res n bad lo hi first
	[ "$2" = -ovf ] && slack=0
	res=$(awk -v slack=$slack 'NR == FNR { t[FNR] = $1; next }
		{
			d = t[$1] - $2
			if (!n++ || d < lo) lo = d
			if (n == 1 || d > hi) hi = d
			if (t[$1] >= $3 || (slack && -d >= slack)) {
				if (!bad++) first = "line " $1 ": decoded " t[$1] ", ran at " $2 ", PSB at " $3
			}
		}
		END { printf "%d %d %d %d %s\n", n, bad, lo, hi, first }' "$3.flowtimes" "$3.prepsb")
	read -r n bad lo hi first <<< "$res"
	psb_branches=$((psb_branches + n))
	if [ "$bad" = 0 ]; then
		echo "ok flow-gt-psb-time-$1$2 ($n branches before a PSB, times $lo..$hi ticks from their run)"
	else
		echo "not ok flow-gt-psb-time-$1$2: $bad of $n branches before a PSB timed at or after it ($first)"
		rc=1
	fi
}
# NAME VARIANT BASE: the ranged decodes of BASE against its ground truth
check_ranges() {
	local p j ranges=
	for p in 2 3; do
		"$GT_BIN/gt-flow" -p $p "$3" > "$3.ranges" 2> "$3.ranges.err"
		"$GT_BIN/gt-flow" -t -p $p "$3" > "$3.rtimes" 2>> "$3.ranges.err"
		if ! cmp -s "$3.branches" "$3.ranges" || ! cmp -s "$3.times" "$3.rtimes"; then
			echo "not ok flow-gt-ranges-$1$2: ranges of $p PSBs joined differ from the flow"
			diff "$3.branches" "$3.ranges" | head -4
			diff "$3.times" "$3.rtimes" | head -4
			rc=1
			return
		fi
		j=$(awk '/^ranges/ {print $4; exit}' "$3.ranges.err")
		joins=$((joins + ${j:-0}))
		ranges="$ranges${ranges:+; }$p PSBs: $(head -1 "$3.ranges.err")"
	done
	echo "ok flow-gt-ranges-$1$2 ($ranges)"
}
# NAME CMD...: record CMD's flow as $out/NAME and check every variant
check_prog() {
	local name=$1 base=$out/$1 n want got b v
	shift
	gt_record "flow-gt-$name" "$base.rec" --cyc --ovf "$OVF_EVERY" "$base" -- "$@" ||
		{ [ $? = 77 ] || rc=1; return; }
	cat "$base.rec"
	for v in "" -rc -cyc -ovf; do
		b=$base$v
		n=$(wc -l < "$b.branches")
		"$GT_BIN/gt-flow" "$b" > "$b.flow" 2> "$b.flow.err"
		if cmp -s "$b.branches" "$b.flow"; then
			echo "ok flow-gt-$name$v ($n events)"
		else
			echo "not ok flow-gt-$name$v: auxrec's decoder differs from the recorded flow"
			diff "$b.branches" "$b.flow" | head -10
			rc=1
		fi
		"$GT_BIN/gt-flow" -t "$b" > "$b.flowtimes" 2>> "$b.flow.err"
		if cmp -s "$b.times" "$b.flowtimes"; then
			echo "ok flow-gt-time-$name$v ($(sort -u "$b.times" | wc -l) distinct times)"
		else
			echo "not ok flow-gt-time-$name$v: event times (TSC/TMA/MTC/CYC) differ"
			diff "$b.times" "$b.flowtimes" | head -6
			rc=1
		fi
		check_psb_time "$name" "$v" "$b"
		want=$(awk '{n += $4} END {print n}' "$b.branches")
		got=$("$GT_BIN/gt-flow" -i "$b" 2>> "$b.flow.err")
		if [ "$got" = "$want" ]; then
			echo "ok flow-gt-insn-$name$v ($got instruction events)"
		else
			echo "not ok flow-gt-insn-$name$v: $got instruction events, want $want"
			rc=1
		fi
		"$GT_BIN/gt-ipt" "$b" > "$b.ipt" 2> "$b.ipt.err"
		if cmp -s "$b.branches" "$b.ipt"; then
			echo "ok flow-gt-libipt-$name$v ($n events)"
		else
			echo "not ok flow-gt-libipt-$name$v: libipt's block decoder differs"
			diff "$b.branches" "$b.ipt" | head -10
			rc=1
		fi
		check_ranges "$name" "$v" "$b"
	done
}

while IFS=: read -r name link; do
	gt_prog_build "$name" "$out/$name.bin" "$link" || { rc=1; continue; }
	check_prog "$name" "$out/$name.bin"
done <<< "$progs"

# NAME CMD...: the ground truth of CMD with and without simulated late
# traps (address space randomization off, so the vdso stays put).
check_late_step() {
	local name=$1 a=$out/late-$1 b=$out/late-sim-$1 e
	shift
	if ! setarch -R "$GT_BIN/gt-record" "$a" -- "$@" > "$a.rec" 2>&1 ||
	   ! setarch -R "$GT_BIN/gt-record" --late-cpuid "$b" -- "$@" > "$b.rec" 2>&1; then
		echo "not ok flow-gt-late-step-$name: gt-record: $(tail -1 "$a.rec" "$b.rec")"
		rc=1
		return
	fi
	# the simulated run must have met cpuid, and filled more than the plain one
	if [ "$(grep -c 'trapped late' "$b.rec")" = 0 ]; then
		echo "not ok flow-gt-late-step-$name: no cpuid was stepped"
		rc=1
		return
	fi
	for e in pt branches times img map -rc.pt -rc.branches; do
		e=${e/#[a-z]/.&}
		if ! cmp -s "$a$e" "$b$e"; then
			echo "not ok flow-gt-late-step-$name: $e differs with late traps"
			rc=1
			return
		fi
	done
	echo "ok flow-gt-late-step-$name ($(sed -n 's/.*: \([0-9]*\) steps trapped late.*/\1/p' "$b.rec") late steps filled)"
}
check_late_step loops "$out/loops.bin"

# flow-gt-dlclosed-plt: plt dlclose()s libgtdl.so before it exits, so the
# library is not mapped at the end; gt-record lists its mapping all the same
# (OUT.files, pd-gen's MMAP2s), with the time it appeared, and kept its code
# (the flow through it was encoded and decoded above)
check_dlclosed() {
	local f=$out/plt
	if python3 - "$f.files" "$f.branches" <<'PY'
import sys
maps = [l.split() for l in open(sys.argv[1])]
dl = [m for m in maps if m[4].endswith("/libgtdl.so")]
if len(dl) != 1 or int(dl[0][3], 16) == 0:
    print("not ok flow-gt-dlclosed-plt: %s lists %d mappings of libgtdl.so (want 1, after exec)"
          % (sys.argv[1], len(dl)))
    sys.exit(1)
lo, hi = int(dl[0][0], 16), int(dl[0][0], 16) + int(dl[0][1], 16)
n = sum(1 for l in open(sys.argv[2])
        for a in l.split()[1:3] if lo <= int(a, 16) < hi)
if not n:
    print("not ok flow-gt-dlclosed-plt: no branch of the flow in libgtdl.so's mapping")
    sys.exit(1)
print("ok flow-gt-dlclosed-plt (libgtdl.so listed among %d mappings, %d branch ends in it)"
      % (len(maps), n))
PY
	then :; else rc=1; fi
}
check_dlclosed
check_late_step qsort "$out/qsort.bin"

# Distribution binaries nobody wrote for this test: the dynamic loader,
# glibc's ifunc-selected string functions (AVX2/EVEX on a CPU that has them),
# locale and stdio code.
[ -x /bin/ls ] && check_prog sys-ls /bin/ls -a / < /dev/null
[ -x /usr/bin/sort ] && [ -r /etc/passwd ] && check_prog sys-sort /usr/bin/sort /etc/passwd < /dev/null
if [ "$psb_branches" -gt 0 ]; then
	echo "ok flow-gt-psb-time-seen ($psb_branches branches before a PSB)"
else
	echo "not ok flow-gt-psb-time-seen: no direct branch ran just before a PSB"
	rc=1
fi
if [ "$joins" -gt 0 ]; then
	echo "ok flow-gt-ranges-joined ($joins joins)"
else
	echo "not ok flow-gt-ranges-joined: no range joined the one before it"
	rc=1
fi
exit $rc
