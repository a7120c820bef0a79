#!/bin/bash
# Call stacks seeded from a sampled user stack (docs/stack-seed.md) on
# ground-truth recordings: tests/gt/progs/recursion.c built static, with and
# without .eh_frame_hdr (gcc -static writes none: the unwinder then builds
# the FDE table from .eh_frame), single-stepped by `gt-record --start N`,
# whose trace begins at the N-th instruction, deep in fib's recursion, and
# which samples the tracee's registers and 8 KiB of stack there with ptrace
# exactly as the kernel writes PERF_SAMPLE_REGS_USER/STACK_USER; pd-gen
# --stack-sample puts that sample into the perf.data before the trace.
# - seed-chrome-PROG: the Chrome export's slices are the true call tree of
#   the late trace below the true stack at its start (from the single-step
#   log: _start ... main fib fib ...), its callers flagged
#   from_stack_sample, the returns of the trace finding them
#   (gt-calltree.py check-json with STACK); the schema holds;
# - seed-folded-PROG: every folded stack is rooted at _start;
# - seed-perfetto-PROG: the protobuf export holds the same slices;
# - seed-late-chrome-PROG, seed-late-folded-PROG: the same trace with no
#   sample at its start but one taken later (gt-record --late-sample:
#   after the first syscall traced, where a context switch samples a task
#   that blocked in it), as a trace enabled late has: the stack starts
#   with unknown callers and gets them at that stop, from the sampled
#   frames beyond those the trace knows (check-json with STACK and LATE:
#   the same tree as seeded at the start); the folded stacks are those of
#   the start seeded;
# - seed-gap-chrome-PROG: the late sample on a trace that loses packets
#   (gt-record --ovf: two overflows before the syscall): each stack begun
#   after a loss has unknown callers, and the one the syscall is in gets
#   them from the sample (check-json with LATE alone: the reference takes
#   LATE's frames at that stop, and fails when the stop is not traced);
# - seed-script-stack-PROG: `auxrec script --stack-samples --json` prints the
#   late sample unwound: its frames' addresses are the true stack's (the
#   sampled ip, then each frame's return address, innermost first), the
#   outermost _start, schema-valid; the text form lists as many frames;
# - seed-unknown-PROG: the same trace without the sample: the outermost
#   frame says callers_unknown, and the returns above the trace's first
#   frame find its callers one by one (check-json without STACK);
# - seed-perf-reads-PROG: Debian's perf parses the sample (perf report -D:
#   the user regs with perf's x86-64 mask, the sampled IP, the stack's
#   valid bytes).
cd "$(dirname "$0")/../.." || exit 1
A=${AUXREC:-./auxrec}
B=${AUXREC_BUILD:-build}
START=60000	# of recursion's 110,834 instructions: 14 frames deep in fib
. tests/export/export-lib.sh

# NAME DATA IP SAMPLE: perf reads the sample of DATA: its ip, gt-record's
# registers and the valid bytes of its stack (SAMPLE's last word)
perf_reads() {
	local name=$1 data=$2 ip=$3 dyn dump
	dyn=$(tail -c 8 "$4" | od -An -t u8 | tr -d ' ')
	if ! command -v perf > /dev/null; then
		echo "skip $name: no perf (Debian linux-perf)"; return
	fi
	dump=$(perf report -D -i "$data" 2> /dev/null)
	if ! grep -q "PERF_RECORD_SAMPLE.*: 0x$ip " <<<"$dump"; then
		echo "not ok $name: perf shows no sample at 0x$ip"
	elif ! grep -q "user regs: mask 0xff0fff ABI 64-bit" <<<"$dump" ||
	     ! grep -q "^\.\.\.\. IP *0x0*$ip\$" <<<"$dump"; then
		echo "not ok $name: perf does not read the user regs"
	elif ! grep -q "ustack: size $dyn," <<<"$dump"; then
		echo "not ok $name: perf does not read the $dyn bytes of user stack"
	else
		echo "ok $name (ip 0x$ip, $dyn bytes of stack)"
	fi
}

# NAME G LOAD: the late sample of G on its trace with overflows (G-ovf.*)
seed_gap() {
	local name=$1 g=$2 o=$2-ovf
	# shellcheck disable=SC2086
	run pd-gen-gap-$name "$B/tests/tools/pd-gen" \
		--stack-sample "$g.late-sample:$(cat "$g.late-tsc")" "$o.late.data" "$o.pt" "$g" \
		$3 > /dev/null &&
	run script-gap-$name "$A" script --json -i "$o.late.data" > "$o.late.script" &&
	run export-gap-$name "$A" export -i "$o.late.data" -o "$o.late.json" || return
	check seed-gap-chrome-$name check-json "$o.branches" "$o.late.script" "$g.syms" \
		"$o.late.json" "" "$g.late-stack"
}

# NAME G: script --stack-samples of G's late sample against its true stack
script_stack() {
	local name=$1 g=$2 r
	run script-stack-$name "$A" script --stack-samples --json -i "$g.late.data" \
		> "$g.stack.json" &&
	run script-stack-text-$name "$A" script --stack-samples -i "$g.late.data" \
		> "$g.stack.txt" || return
	if r=$(python3 - "$g.stack.json" "$g.late-stack" "$g.stack.txt" <<'PY'
import json, sys
s = [json.loads(l) for l in open(sys.argv[1])]
s = [o for o in s if o['type'] == 'stack_sample']
want = [int(l.split()[1], 16) for l in open(sys.argv[2])][::-1]
got = [int(f['addr'], 16) for f in s[0]['frames']] if len(s) == 1 else []
text = [l for l in open(sys.argv[3]) if l.startswith('\t')]
if got != want or s[0]['frames'][-1]['sym'] != '_start' or len(text) != len(want):
    print(f'{len(s)} stack samples, frames {[hex(a) for a in got]}, want '
          f'{[hex(a) for a in want]}; {len(text)} text frame lines')
    sys.exit(1)
print(f'{len(got)} frames: ' + ';'.join(f['sym'] for f in s[0]['frames'][::-1]))
PY
	) && python3 tests/tools/json_check.py docs/schema/script.schema.json "$g.stack.json" \
		> /dev/null; then
		echo "ok seed-script-stack-$name ($r)"
	else
		echo "not ok seed-script-stack-$name: $r"
	fi
}

seed_prog() {
	local name=$1 flags=$2 g=$tmp/$1 v load ip
	# shellcheck disable=SC2086
	if ! gcc -O1 -static -no-pie $flags -o "$g" tests/gt/progs/recursion.c; then
		echo "not ok seed-$name: cannot compile"; return
	fi
	gt_record "seed-$name" "$g.rec" --ovf 20000 --start "$START" --late-sample "$g" -- "$g" ||
		return
	load=$(readelf -lW "$g" | awk '$1 == "LOAD" && / E / {print $3, $6, $2; exit}')
	ip=$(tail -1 "$g.stack" | awk '{print substr($2, 3)}')
	{ $PY addrs "$g.branches" "$g.stack" "$g.late-stack"; $PY addrs "$g-ovf.branches"; } |
		sort -u > "$g.addrs"
	# shellcheck disable=SC2046
	run sym-lookup-$name "$B/tests/tools/sym_lookup" "$g" $(cat "$g.addrs") > "$g.syms" || return
	for v in "" -rc; do
		local d=$g$v
		# shellcheck disable=SC2086
		run pd-gen-$name$v "$B/tests/tools/pd-gen" --stack-sample "$g.sample" "$d.data" \
			"$d.pt" "$g" $load > /dev/null &&
		run pd-gen-nosample-$name$v "$B/tests/tools/pd-gen" "$d.none.data" "$d.pt" "$g" \
			$load > /dev/null &&
		run pd-gen-late-$name$v "$B/tests/tools/pd-gen" \
			--stack-sample "$g.late-sample:$(cat "$g.late-tsc")" "$d.late.data" "$d.pt" \
			"$g" $load > /dev/null &&
		run script-late-$name$v "$A" script --json -i "$d.late.data" > "$d.late.script" &&
		run export-late-$name$v "$A" export -i "$d.late.data" -o "$d.late.json" &&
		run export-late-folded-$name$v "$A" export -f folded -i "$d.late.data" \
			-o "$d.late.folded" &&
		run script-$name$v "$A" script --json -i "$d.data" > "$d.script" &&
		run export-$name$v "$A" export -i "$d.data" -o "$d.json" &&
		run export-folded-$name$v "$A" export -f folded -i "$d.data" -o "$d.folded" &&
		run export-perfetto-$name$v "$A" export -f perfetto -i "$d.data" -o "$d.pftrace" &&
		run export-unknown-$name$v "$A" export -i "$d.none.data" -o "$d.none.json" ||
			continue
		check seed-chrome-$name$v check-json "$d.branches" "$d.script" "$g.syms" "$d.json" \
			"$g.stack"
		schema_check seed-chrome-schema-$name$v "$d.json"
		check seed-folded-$name$v check-folded "$d.branches" "$g.syms" "$d.folded" "$g.stack"
		if grep -qv '^_start;' "$d.folded"; then
			echo "not ok seed-folded-rooted-$name$v: $(grep -v '^_start;' "$d.folded" | head -1)"
		else
			echo "ok seed-folded-rooted-$name$v ($(wc -l < "$d.folded") stacks from _start)"
		fi
		perfetto_check seed-perfetto-$name$v "$d.json" "$d.pftrace"
		check seed-late-chrome-$name$v check-json "$d.branches" "$d.late.script" "$g.syms" \
			"$d.late.json" "$g.stack" "$g.late-stack"
		schema_check seed-late-chrome-schema-$name$v "$d.late.json"
		check seed-late-folded-$name$v check-folded "$d.branches" "$g.syms" "$d.late.folded" \
			"$g.stack"
		check seed-unknown-$name$v check-json "$d.branches" "$d.script" "$g.syms" \
			"$d.none.json"
	done
	seed_gap "$name" "$g" "$load"
	script_stack "$name" "$g"
	perf_reads seed-perf-reads-$name "$g.data" "$ip" "$g.sample"
}

if gt_tools_verdict export-seed; then
	if [ ! -x "$B/tests/tools/pd-gen" ] || [ ! -x "$B/tests/tools/sym_lookup" ]; then
		echo "not ok export-seed: $B/tests/tools/pd-gen or sym_lookup missing (make tools)"
	else
		seed_prog eh-frame ""
		seed_prog eh-frame-hdr "-Wl,--eh-frame-hdr"
	fi
fi
