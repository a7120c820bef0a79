#!/bin/bash
# t-windows.sh - a piece of several AUXTRACE payloads decoded where the
# file maps them (aux_chunk.windows, lib/session/piece_windows.c): the
# same bytes as the trace in one chunk. The bench stream of gt-stream.sh
# (a real program's return-compressed trace, repeated) is wrapped by
# pd-gen --cuts into perf.data files whose chunks are cut
#  - windows-bytes: at random bytes (inside packets), most chunks long
#    enough to be read in place, with runs of short ones (1 to 3000 bytes,
#    copied into the windows at the seams) between them;
#  - windows-psb: inside PSBs (1 to 15 bytes into one), where a decode
#    starts and a unit of the parallel decode is cut;
#  - windows-damaged: at bytes of the trace that are overwritten, so that
#    decode errors and the resynchronization after them fall on the seams;
#  - windows-psb-run: across runs of PSB pattern (02 82 ...) 6 KB and 20 KB
#    long put into the trace, longer than what two windows share (the PSB
#    search reads them a byte at a time then);
#  - windows-short: in chunks all too short to be read in place (the piece
#    is copied into one buffer as before).
# Each gives the bytes of the same trace in one chunk (pd-gen --cuts 0),
# with script --events all, script --json and report --json, --jobs 1 and
# --jobs 2 (units of 6000 bytes and the default), and at --jobs 2 says it decoded in
# windows (the AUXREC_PAR_UNIT line), but windows-short, which must not.
cd "$(dirname "$0")/../.." || exit 1
A=${AUXREC:-./auxrec}
B=${AUXREC_BUILD:-build}
[ -x "$A" ] || { echo "not ok build: $A missing"; exit 1; }
. tests/bench/gt-stream.sh
gt_tools_verdict windows || exit $?
[ -x "$B/tests/tools/pd-gen" ] || { echo "not ok windows: $B/tests/tools/pd-gen missing (make tools)"; exit 1; }
gt_bench_perf_data 20000 6
st=$?
[ $st = 77 ] && { echo "skip windows: gt-record cannot trace here (no ptrace)"; exit 0; }
[ $st = 0 ] || { echo "not ok windows: cannot make the bench stream"; exit 1; }
A=$(realpath "$A")
dir=$(realpath "$dir")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=86"
load=$(gt_bench_load)
rc=0

# NAME KIND: $tmp/NAME.pt (the trace, maybe changed) and $tmp/NAME.cuts
make_case() {
	python3 - "$f.pt" "$tmp/$1" "$2" <<'EOF'
import random, sys
src, out, kind = sys.argv[1:]
d = bytearray(open(src, "rb").read())
rnd = random.Random(kind)
PSB = bytes([2, 0x82] * 8)
psbs = [i for i in range(0, len(d) - 16) if d[i:i + 16] == PSB]
cuts = []
if kind == "bytes":
    at = 0
    while at < len(d):
        at += rnd.randrange(33000, 150000)
        cuts.append(at)
        if rnd.random() < 0.5:		# a run of short chunks
            for _ in range(rnd.randrange(1, 6)):
                at += rnd.choice([1, 2, 7, 64, rnd.randrange(100, 3000)])
                cuts.append(at)
elif kind == "psb":
    last = 0
    for p in psbs:
        if p - last >= 40000:
            cuts.append(p + 1 + len(cuts) % 15)
            last = p
elif kind == "damaged":
    at = 0
    while at + 60000 < len(d):
        at += rnd.randrange(40000, 90000)
        for k in range(rnd.randrange(1, 9)):
            d[at - 4 + rnd.randrange(0, 12)] = rnd.randrange(256)
        cuts.append(at + rnd.randrange(-3, 4))
elif kind == "psb-run":
    for n, p in ((6000, len(d) // 3), (20000, 2 * len(d) // 3)):
        run = bytes([2, 0x82] * (n // 2))
        d[p:p] = run
        cuts.append(p + n // 2 + 1)
    at = 0
    while at + 50000 < len(d):
        at += rnd.randrange(40000, 120000)
        cuts.append(at)
elif kind == "short":
    at = 0
    while at < len(d):
        at += rnd.randrange(1, 5000)
        cuts.append(at)
open(out + ".pt", "wb").write(d)
open(out + ".cuts", "w").write(",".join(str(c) for c in sorted(set(cuts)) if 0 < c < len(d)))
EOF
}

# NAME WANT: the cut file's outputs against the one-chunk file's; WANT
# "in windows" or "" for the --jobs 2 line
check_case() {
	local name=$1 want=$2 m j unit bad= lines=0 said=no
	# shellcheck disable=SC2086
	"$B/tests/tools/pd-gen" --cuts 0 "$tmp/one/t.data" "$tmp/$name.pt" "$dir/indirect" $load \
		> /dev/null &&
	"$B/tests/tools/pd-gen" --cuts "$(cat "$tmp/$name.cuts")" "$tmp/cut/t.data" "$tmp/$name.pt" \
		"$dir/indirect" $load > /dev/null ||
		{ echo "not ok windows-$name: pd-gen failed"; rc=1; return; }
	for m in "script --events all" "script --json" "report --json"; do
		for ju in 1:0 2:6000 2:0; do
			j=${ju%:*} unit=${ju#*:}
			for k in one cut; do
				# shellcheck disable=SC2086
				(cd "$tmp/$k" && AUXREC_PAR_UNIT=$unit timeout 120 \
					"$A" $m --jobs $j -i t.data > out 2> err
				 echo "exit $?" >> out)
			done
			lines=$((lines + $(wc -l < "$tmp/one/out")))
			cmp -s "$tmp/one/out" "$tmp/cut/out" ||
				bad+=" $m --jobs $j (units $unit) differs;"
			grep -q "^auxrec: parallel decode of .*, in windows$" "$tmp/cut/err" &&
				said=yes
		done
	done
	[ -n "$want" ] && [ $said = no ] && bad+=" never decoded in windows;"
	[ -z "$want" ] && [ $said = yes ] && bad+=" decoded in windows;"
	if [ -z "$bad" ]; then
		echo "ok windows-$name ($(tr , '\n' < "$tmp/$name.cuts" | wc -l) cuts; $lines lines alike)"
	else
		echo "not ok windows-$name:$bad"
		diff "$tmp/one/out" "$tmp/cut/out" | head -6
		rc=1
	fi
}

mkdir -p "$tmp/one" "$tmp/cut"
for kind in bytes psb damaged psb-run short; do
	make_case "$kind" "$kind" || { echo "not ok windows-$kind: cannot make the case"; rc=1; continue; }
	want="in windows"
	[ $kind = short ] && want=
	check_case "$kind" "$want"
done
exit $rc
