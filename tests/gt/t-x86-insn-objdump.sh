#!/bin/bash
# lib/x86_insn lengths against objdump -d on real binaries of this machine:
# from each function symbol, both decoders walk in lockstep until their
# boundaries first disagree (tests/gt/x86-len-check.c). Then raw sweeps
# where objdump drives and every boundary is compared: libc's .text as
# 32-bit and 16-bit code, and gzip output (random-like bytes, fixed for a
# given libc) in all three modes. Each must agree on at least 99.9% of the
# instruction lengths compared (objdump-only forms are counted apart, see
# objdump_quirk()) and on every branch class and direct branch target.
cd "$(dirname "$0")/../.." || exit 1
command -v objdump > /dev/null || { echo "skip x86-insn-objdump: no objdump"; exit 77; }
# lib/x86_insn from the build under test ($AUXREC_SAN_FLAGS: build-san's)
B=${AUXREC_BUILD:-build}
[ -f $B/libauxrec.a ] || { echo "skip x86-insn-objdump: $B/libauxrec.a not built"; exit 77; }
bin=$B/tests/gt/x86-len-check
mkdir -p $B/tests/gt
${CC:-gcc} -I. -D_GNU_SOURCE -std=gnu11 -Wall -Wextra -Werror \
	-Wno-unused-parameter -O2 $AUXREC_SAN_FLAGS -o "$bin" tests/gt/x86-len-check.c \
	$B/libauxrec.a || { echo "not ok x86-insn-objdump: build"; exit 1; }
libc=$(ldd /bin/sh | awk '/libc.so/ {print $3}')
rc=0
check() {	# name, results of x86-len-check
	local name=$1 res=$2 line rate total cls
	echo "$res"
	line=$(tail -1 <<< "$res")
	rate=$(awk '{print $NF}' <<< "$line")
	total=$(awk '{print $2}' <<< "$line")
	cls=$(awk '/^classes/ {print $4 + $6}' <<< "$res")
	if [ "${total:-0}" -gt 1000 ] && [ "${cls:-1}" = 0 ] &&
	   awk -v r="$rate" 'BEGIN {exit !(r >= 0.999)}'; then
		echo "ok $name ($line)"
	else
		echo "not ok $name: $line; $(grep '^classes' <<< "$res")"
		rc=1
	fi
}
for f in "$libc" /bin/bash /usr/bin/objdump; do
	[ -f "$f" ] || continue
	check "x86-insn-objdump-$(basename "$f")" "$(objdump -d -w "$f" | "$bin" 5)"
done
# the ground-truth programs built as tests/gt/t-flow-ground-truth.sh runs
# them: simd holds simd_unexecuted() (VEX, EVEX, AMX, XOP, 3DNow!, ...),
# jumptable and tailcall are -O2, exceptions is C++
. tests/gt/progs.sh
for p in simd jumptable tailcall exceptions; do
	gt_prog_build "$p" "$B/tests/gt/objdump-$p" static || { rc=1; continue; }
	check "x86-insn-objdump-gt-$p" "$(objdump -d -w "$B/tests/gt/objdump-$p" | "$bin" 5)"
done
tmp=$B/tests/gt/x86-raw
objcopy -O binary --only-section=.text "$libc" "$tmp.text" &&
	gzip -9 -c < "$libc" | head -c 600000 > "$tmp.gz" || exit 1
for m in "i386 32" "i8086 16"; do
	set -- $m
	check "x86-insn-objdump-libc-text-$2bit" \
		"$(objdump -D -b binary -m "$1" -w "$tmp.text" | "$bin" -m "$2" -a 5)"
done
for m in "i386:x86-64 64" "i386 32" "i8086 16"; do
	set -- $m
	check "x86-insn-objdump-noise-$2bit" \
		"$(objdump -D -b binary -m "$1" -w "$tmp.gz" | "$bin" -m "$2" -a 5)"
done
exit $rc
