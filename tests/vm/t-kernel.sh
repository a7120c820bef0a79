#!/bin/bash
# End to end, kernel mode (one QEMU boot): in the guest, gt-record --kernel
# walks the running kernel's real code (read from /proc/kcore at its KASLR
# address) from vfs_read and encodes the walk as Intel PT with libipt's
# encoder (returns as TIP, and compressed); the test PMU impersonating
# intel_pt replays each stream while `auxrec record` records, and `auxrec
# script` decodes the recording there against /proc/kcore + /proc/kallsyms.
# On the host, libipt's block decoder (gt-ipt) decodes the same stream with
# the kernel text dumped from kcore, at its runtime address; auxrec's events
# must equal libipt's branch for branch with the instructions between them,
# and auxrec's symbols must be kallsyms' (`auxrec report` counts every
# instruction libipt decoded). Then `auxrec script --vmlinux` on
# the host with a vmlinux made of the same text and symbols at the link
# address (tests/vm/fake-vmlinux.py) must relocate it by the recording's
# kernel map (KASLR) and print the same events and symbols.
# Boots the guest: run it under `flock /tmp/auxrec-qemu.lock`.
cd "$(dirname "$0")/../.." || exit 1
OUT=build/vm/t-kernel.out
FUNC=vfs_read N=30000 SEED=1
LINK=ffffffff81000000	# x86-64 kernels' link address of _text
A=${AUXREC:-./auxrec}
rm -rf "$OUT"; mkdir -p "$OUT/in/lib"
. tests/gt/build-tools.sh
if [ "$GT_SKIP" = build ]; then
	echo "not ok kernel_gt_tools: cannot build the ground-truth tools"; exit 1
elif [ -n "$GT_SKIP" ]; then
	echo "skip kernel_decode: $GT_SKIP"; exit 0
fi
cfg=$(ls /boot/config-* 2>/dev/null | sort -V | tail -1)
if [ -z "$cfg" ]; then
	echo "skip kernel_decode: no /boot/config-* to tell whether the guest kernel has /proc/kcore"; exit 0
elif ! grep -q '^CONFIG_PROC_KCORE=y' "$cfg"; then
	echo "skip kernel_decode: the guest kernel ($cfg) has no /proc/kcore"; exit 0
fi
cp "$GT_BIN/gt-record" "$OUT/in/"
for l in $(ldd "$GT_BIN/gt-record" | awk '/=> \// { print $3 }'); do cp "$l" "$OUT/in/lib/"; done
gcc -O1 -static -no-pie -o "$OUT/in/spin" tests/gt/progs/spin.c || { echo "not ok compile"; exit 1; }

if ! tests/vm/run --module-arg name=intel_pt --module-arg mode=1 --module-arg once=1 \
	--module-arg rate=1048576 --in "$OUT/in/gt-record" --in "$OUT/in/lib" --in "$OUT/in/spin" \
	--out "$OUT/guest" -- "
	[ -r /proc/kcore ] || { echo 'no readable /proc/kcore in the guest' > skip; exit 0; }
	cp /proc/kallsyms kallsyms
	LD_LIBRARY_PATH=/in/lib /in/gt-record --kernel $FUNC $N $SEED k || exit 1
	rm k-rc.img
	for v in k k-rc; do
		cat \$v.pt > /sys/kernel/debug/auxtest/replay || exit 1
		auxrec record -e intel_pt// --per-thread -o \$v.data -- /in/spin 20000000 || exit 1
		auxrec script -i \$v.data --json > \$v.json 2> \$v.err || exit 1
	done
	auxrec report -i k.data --sort sym --json > k.report.json 2> k.report.err" > "$OUT/guest.log" 2>&1; then
	echo "not ok guest_run: $(tail -3 "$OUT/guest.log")"; exit 1
fi
G=$OUT/guest
if [ -f "$G/skip" ]; then
	echo "skip kernel_decode: $(cat "$G/skip")"; exit 0
fi
cat "$OUT/guest.log"
ln -s k.img "$G/k-rc.img"

for v in k k-rc; do
	"$GT_BIN/gt-ipt" "$G/$v" > "$OUT/$v.ipt" 2> "$OUT/$v.ipt.err"
	n=$(wc -l < "$OUT/$v.ipt")
	insns=$(awk '{ n += $4 } END { print n }' "$OUT/$v.ipt")
	if grep -q '^error' "$OUT/$v.ipt" || ! cmp -s "$G/$v.branches" "$OUT/$v.ipt"; then
		echo "not ok kernel_libipt_$v: libipt's decode is not the walk's flow"
		diff "$G/$v.branches" "$OUT/$v.ipt" | head -5
		continue
	fi
	echo "ok kernel_libipt_$v ($n events, $insns instructions)"
	tests/gt/script-to-gt.py < "$G/$v.json" > "$OUT/$v.auxrec"
	if cmp -s "$OUT/$v.ipt" "$OUT/$v.auxrec"; then
		echo "ok kernel_decode_$v ($n events, $insns instructions)"
	else
		echo "not ok kernel_decode_$v: auxrec script on /proc/kcore differs from libipt"
		diff "$OUT/$v.ipt" "$OUT/$v.auxrec" | head -8
	fi
done

# report: every instruction libipt decoded is counted, in kernel symbols
if python3 - "$G/k.report.json" "$(awk '{ n += $4 } END { print n }' "$OUT/k.ipt")" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
want = int(sys.argv[2])
assert r["insns"] == want, (r["insns"], want)
assert sum(e["insns"] for e in r["entries"]) == want
assert any(e["sym"] == "vfs_read" and e["insns"] > 0 for e in r["entries"])
PY
then
	echo "ok kernel_report_counts_every_insn ($(awk '{ n += $4 } END { print n }' "$OUT/k.ipt"))"
else
	echo "not ok kernel_report_counts_every_insn: $(head -c 300 "$G/k.report.json") $(cat "$G/k.report.err")"
fi

# every kernel address auxrec printed has kallsyms' symbol and offset
if python3 - "$G/kallsyms" "$G/k.json" <<'PY'
import bisect, json, sys
text, other = {}, []
# of aliases, the name perf keeps (choose_best_symbol on kallsyms' letters):
# not weak (W), global (upper case), fewest leading underscores, longest, first
def rank(t, name, seq):
    return (t == 'W', not t.isupper(), len(name) - len(name.lstrip('_')), -len(name), seq)
for seq, line in enumerate(open(sys.argv[1])):
    f = line.split()
    if len(f) != 3 or int(f[0], 16) == 0:
        continue
    a = int(f[0], 16)
    if f[1] in 'tTwW':
        r = rank(f[1], f[2], seq)
        if a not in text or r < text[a][0]:
            text[a] = (r, f[2])
    else:
        other.append(a)
text = {a: v[1] for a, v in text.items()}
starts, other = sorted(text), sorted(other)
def sym(a):
    i = bisect.bisect_right(starts, a) - 1
    if i < 0:
        return None
    s = starts[i]
    end = starts[i + 1] if i + 1 < len(starts) else s + 4096
    j = bisect.bisect_right(other, s)
    if j < len(other) and other[j] < end:
        end = other[j]
    return (text[s], a - s) if a < end else None
n = bad = 0
for line in open(sys.argv[2]):
    e = json.loads(line)
    for k in ('from', 'to'):
        a = int(e[k], 16)
        if not a:
            continue
        n += 1
        want = sym(a)
        got = (e[k + '_sym'], e.get(k + '_symoff')) if e[k + '_sym'] else None
        if got != want or e[k + '_dso'] != '[kernel.kallsyms]':
            bad += 1
            if bad <= 5:
                print('%s %#x: auxrec %s %s, kallsyms %s' % (k, a, got, e[k + '_dso'], want))
print('# %d addresses, %d differ' % (n, bad))
sys.exit(1 if bad or not n else 0)
PY
then
	echo "ok kernel_symbols"
else
	echo "not ok kernel_symbols: auxrec's kernel symbols are not kallsyms'"
fi

# KASLR: a vmlinux at the link address is moved to where the recording says _text ran
text=$(awk '$3 == "_text" { print $1 }' "$G/kallsyms")
python3 tests/vm/fake-vmlinux.py "$G/kallsyms" "$G/k.img" $LINK "$OUT/vmlinux" ||
	echo "not ok kernel_fake_vmlinux"
echo "# runtime _text $text, link address $LINK"
if [ "$text" = $LINK ]; then
	echo "skip kernel_vmlinux_kaslr: the guest kernel was not moved (nokaslr?)"
elif ! "$A" script -i "$G/k.data" --vmlinux "$OUT/vmlinux" --json > "$OUT/k.vmlinux.json" 2> "$OUT/k.vmlinux.err"; then
	echo "not ok kernel_vmlinux_kaslr: $(head -2 "$OUT/k.vmlinux.err")"
else
	strip_dso() { sed 's/"\(from\|to\)_dso":"[^"]*"//g'; }
	if cmp -s <(strip_dso < "$G/k.json") <(strip_dso < "$OUT/k.vmlinux.json") &&
	   grep -q "\"to_dso\":\"$OUT/vmlinux\"" "$OUT/k.vmlinux.json"; then
		echo "ok kernel_vmlinux_kaslr ($(wc -l < "$OUT/k.vmlinux.json") events equal kcore's)"
	else
		echo "not ok kernel_vmlinux_kaslr: --vmlinux decode differs from the kcore one"
		diff <(strip_dso < "$G/k.json") <(strip_dso < "$OUT/k.vmlinux.json") | head -4
		head -3 "$OUT/k.vmlinux.err"
	fi
fi
