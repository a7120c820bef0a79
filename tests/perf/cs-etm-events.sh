# tests/perf/cs-etm-events.sh - sourced by the cs_etm checks (t-cs-etm.sh,
# tests/vm/t-cs-etm-guest.sh): auxrec's and perf's cs_etm events as
# "kind from to" lines, to compare with etm-gen's EXPECTED; the tools the
# ground truth needs.

# the first of the AArch64 ground-truth tools that is not installed, if any
aarch64_tool_missing() {
	local t
	for t in aarch64-linux-gnu-gcc aarch64-linux-gnu-nm qemu-aarch64-static; do
		command -v $t > /dev/null || { echo $t; return; }
	done
}

# "kind from to" of auxrec's events (tr_strt, tr_end[/kind], branch kinds),
# then the JSON keys given after the file (e.g. tid comm), each event a line
script_events() {	# json [key...]
	python3 -c '
import json, sys
for l in open(sys.argv[1]):
    e = json.loads(l)
    k = {"trace_begin": "tr_strt",
         "trace_end": "tr_end" + ("/" + e["kind"] if "kind" in e else "")}.get(
             e["type"], e.get("kind") or e["type"])
    print(k, e["from"], e["to"], *[e.get(f, "-") for f in sys.argv[2:]])' "$@"
}

# auxrec's events for perf: without the last trace end, a BR shown as
# return, and with ETE blocks (--ete, --raw) a system call's trace end
# without its kind (perf 6.1's cs_etm__is_syscall knows ETMv3 and ETMv4 only)
want_perf() {	# events prog etm-gen-option
	aarch64-linux-gnu-objdump -d "$2" |
		awk '$3 == "br" { sub(/:$/, "", $1); print "0x" $1 }' > "$1.br"
	sed '$d' "$1" | awk -v ete="$([ "$3" = --ete ] || [ "$3" = --raw ] && echo 1)" '
		NR == FNR { br[$1] = 1; next }
		$1 == "jmp" && ($2 in br) { $1 = "return" }
		ete && $1 == "tr_end/syscall" { $1 = "tr_end" } { print }' "$1.br" -
}
