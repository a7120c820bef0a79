#!/bin/bash
# The command line: help, version, dispatch by prefix, usage errors with one
# line and a non-zero exit, and agreement of each command's --help with its
# man page and the bash completion (every long option in all three).
cd "$(dirname "$0")/../.." || exit 1
A=${AUXREC:-./auxrec}
[ -x $A ] || { echo "not ok build: $A missing"; exit 1; }

t() {	# t NAME EXPECTED_STATUS CMD... : checks the status, stderr kept in $err
	local name=$1 want=$2; shift 2
	out=$("$@" 2>/tmp/auxrec-cli-err.$$); rc=$?
	err=$(cat /tmp/auxrec-cli-err.$$)
	if [ "$rc" = "$want" ]; then echo "ok $name"; else echo "not ok $name: status $rc, want $want: $err"; fi
}
one_line_err() {	# the first line of stderr is "auxrec CMD: ..." and says $2
	if [[ $(head -1 <<<"$err") == "auxrec $1: "*"$2"* ]]; then echo "ok $3"
	else echo "not ok $3: stderr was: $err"; fi
}

t help 0 $A --help
[[ $out == *"Usage: auxrec"* && $out == *record* && $out == *list* ]] && echo "ok help-lists-commands" || echo "not ok help-lists-commands"
t version 0 $A --version
[[ $out =~ ^auxrec\ [0-9]+\.[0-9]+\.[0-9]+$ ]] && echo "ok version-format" || echo "not ok version-format: $out"

# auxrec version: the --version line first, then the decoders, the plugin ABI and
# each library's version and linkage, checked against what the binary's NEEDED
# entries, decoders/decoder.h, pkg-config and OpenCSD's header say
t version-cmd 0 $A version
[ "$(head -1 <<<"$out")" = "$($A --version)" ] && [[ $out == *"decoders: intel_pt, intel_bts, arm_spe, cs_etm"* ]] &&
	echo "ok version-cmd-text" || echo "not ok version-cmd-text: $out"
t version-json 0 $A version --json
needed=$(objdump -p "$A" | awk '$1 == "NEEDED" { print $2 }' | tr '\n' ' ')
abi=$(sed -n 's/^#define DECODER_ABI_VERSION[[:space:]]*\([0-9]*\).*/\1/p' decoders/decoder.h)
ocsd=$(sed -n 's/^#define OCSD_VER_STRING "\([^"]*\)".*/\1/p' /usr/include/opencsd/ocsd_if_version.h 2>/dev/null)
pcv() { pkg-config --modversion "$1" 2>/dev/null; }
why=$(VERSION_JSON=$out python3 - "$needed" "$abi" "$ocsd" "$($A --version)" "$(pcv libdw)" "$(pcv libunwind)" \
		"$(pcv libtraceevent)" "$(pcv libzstd)" "$(pcv liblzma)" "$(pcv zlib)" 2>&1 <<'PY'
import json, os, sys
needed, abi, ocsd, line = sys.argv[1].split(), int(sys.argv[2]), sys.argv[3], sys.argv[4]
versions = dict(zip(["elfutils", "libunwind", "libtraceevent", "libzstd", "liblzma", "zlib"], sys.argv[5:]))
sonames = {"elfutils": "libdw.so", "libunwind": "libunwind", "libtraceevent": "libtraceevent.so",
           "libzstd": "libzstd.so", "liblzma": "liblzma.so", "zlib": "libz.so"}
d = json.loads(os.environ["VERSION_JSON"])
assert "auxrec " + d["version"] == line, d["version"]
assert [x["pmu"] for x in d["decoders"]] == ["intel_pt", "intel_bts", "arm_spe", "cs_etm"], d["decoders"]
assert all(x["plugin"] is None for x in d["decoders"]), d["decoders"]
assert d["plugin_abi"] == abi, (d["plugin_abi"], abi)
libs = {x["name"]: x for x in d["libraries"]}
assert sorted(libs) == sorted(list(sonames) + ["OpenCSD"]), sorted(libs)
for name, so in sonames.items():
    want = "shared" if any(n.startswith(so) for n in needed) else "static"
    assert libs[name]["linked"] == want, (name, libs[name]["linked"], want, needed)
    if versions[name]:
        assert libs[name]["version"] == versions[name], (name, libs[name]["version"], versions[name])
o = libs["OpenCSD"]
assert o["linked"] == "dlopen" and o["file"].startswith("libopencsd_c_api.so"), o
if ocsd:
    assert o["loaded"] and o["version"] == ocsd, (o, ocsd)
PY
) && echo "ok version-json-facts" || echo "not ok version-json-facts: $why"
t version-global-json 0 $A --json version
python3 -c 'import json,sys; d = json.load(sys.stdin); assert d["libraries"]' <<<"$out" &&
	echo "ok version-global-json-parses" || echo "not ok version-global-json-parses: $out"
t version-help 0 $A version --help
[[ $out == "Usage: auxrec version"* ]] && echo "ok version-help-usage" || echo "not ok version-help-usage: $out"
t version-extra-arg 1 $A version x
one_line_err version "unexpected argument 'x'" version-extra-arg-msg
t no-command 1 $A
t unknown-command 1 $A frobnicate
[[ $err == *"unknown command 'frobnicate'"* ]] && echo "ok unknown-command-text" || echo "not ok unknown-command-text: $err"
t prefix-dispatch 0 $A li --help
[[ $out == *"Usage: auxrec list"* ]] && echo "ok prefix-is-list" || echo "not ok prefix-is-list"
t help-cmd 0 $A help record
[[ $out == *"Usage: auxrec record"* ]] && echo "ok help-record" || echo "not ok help-record"
t help-unknown 1 $A help nosuch

# Usage errors of record: one line naming the problem, exit 1
t record-no-event 1 $A record -- true
one_line_err record "no event given" record-no-event-msg
t record-no-target 1 $A record -e intel_pt//
one_line_err record "nothing to trace" record-no-target-msg
t record-bad-option 1 $A record --frob
one_line_err record "unknown or ambiguous option '--frob'" record-bad-option-msg
# every command: an unknown option or one missing its value is named on the
# first line, which is the only error line (getopt's own message is not printed)
for cmd in record script report export dump list; do
	t $cmd-unknown-short-option 1 $A $cmd -Z
	one_line_err $cmd "unknown option -Z" $cmd-unknown-short-option-msg
	[ "$(grep -c "auxrec\|option" <<<"$err" | head -1)" -ge 1 ] &&
		! grep -q "invalid option\|unrecognized option" <<<"$err" &&
		echo "ok $cmd-no-getopt-message" || echo "not ok $cmd-no-getopt-message: $err"
done
t script-missing-value 1 $A script --input
one_line_err script "option '--input' needs a value" script-missing-value-msg
t report-missing-short-value 1 $A report -i
one_line_err report "option -i needs a value" report-missing-short-value-msg
# make's -j N: -j is --json here, and the error says what sets the threads
for cmd in script report; do
	t $cmd-j-number 1 $A $cmd -j 4
	one_line_err $cmd "unexpected argument '4' (-j is --json; --jobs 4 decodes on 4 threads)" \
		$cmd-j-number-msg
done
t main-unknown-option 1 $A --frob
[[ $(head -1 <<<"$err") == "auxrec: unknown or ambiguous option '--frob'" ]] && echo "ok main-unknown-option-msg" ||
	echo "not ok main-unknown-option-msg: $err"
t record-bad-mmap 1 env AUXREC_SYSFS_ROOT=tests/data/sysfs $A record -e intel_pt// -m 3,4 -- true
one_line_err record "not a power of two" record-bad-mmap-msg
t record-unknown-pmu 1 env AUXREC_SYSFS_ROOT=tests/data/sysfs $A record -e nosuch// -- true
one_line_err record "cannot open nosuch: PMU not found (see 'auxrec list')" record-unknown-pmu-msg
t record-unknown-term 1 env AUXREC_SYSFS_ROOT=tests/data/sysfs $A record -e intel_pt/bogus/ -- true
one_line_err record "unknown term 'bogus' for PMU intel_pt (valid terms: branch" record-unknown-term-msg
t record-bad-pid 1 $A record -e intel_pt// -p 0
t record-two-targets 1 $A record -e intel_pt// -a -- true
# a PMU's record-side rules (decoder_ops): intel_bts traces threads only
bts_tmp=$(mktemp -d)
abs_a=$(realpath "$A")
for target in "-a" "-C 0" "-a -- true"; do
	name=record-bts-per-thread-only${target// /}
	# shellcheck disable=SC2086
	t "$name" 1 env AUXREC_SYSFS_ROOT=$PWD/tests/data/sysfs \
		sh -c "cd $bts_tmp && exec $abs_a record -e intel_bts// $target"
	one_line_err record "intel_bts traces per thread only: use -p, -t or a command, not -a/-C" \
		"$name-msg"
	[ "$(wc -l <<<"$err")" = 1 ] && echo "ok $name-one-line" ||
		echo "not ok $name-one-line: $err"
done
[ -z "$(ls -A $bts_tmp)" ] && echo "ok record-bts-per-thread-only-no-file" ||
	echo "not ok record-bts-per-thread-only-no-file: $(ls -A $bts_tmp)"
rm -rf "$bts_tmp"
t record-bts-aux-min 1 env AUXREC_SYSFS_ROOT=tests/data/sysfs $A record -e intel_bts// -m ,4K -- true
one_line_err record "the AUX area of intel_bts must be at least 8 KiB" record-bts-aux-min-msg

# record -o - (perf's pipe mode to stdout) is refused before anything is
# opened (it made a file named -)
otmp=$(mktemp -d)
t record-output-dash 1 sh -c "cd $otmp && exec $abs_a record -e intel_pt// -o - -- true"
one_line_err record "-o -: auxrec record writes a file, not perf's pipe mode to standard output; give -o FILE" \
	record-output-dash-msg
[ -z "$(ls -A "$otmp")" ] && echo "ok record-output-dash-no-file" || echo "not ok record-output-dash-no-file"
rm -rf "$otmp"

# list on a fixture tree
t list-fixture 0 env AUXREC_SYSFS_ROOT=tests/data/sysfs $A list
[[ $out == *"intel_pt (type 8)"* && $out == *"psb_period       config:24-27"* ]] && echo "ok list-terms" || echo "not ok list-terms: $out"
t list-json 0 env AUXREC_SYSFS_ROOT=tests/data/sysfs $A list --all --json
if python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); p={x["name"]:x for x in d}; t={x["name"]:x for x in p["split_pmu"]["terms"]}; assert t["event"]["bits"]=="0-7,32-35" and t["event"]["width"]==12 and t["wide"]["field"]=="config1", t; assert p["intel_pt"]["type"]==8' <<<"$out"; then
	echo "ok list-json-valid"; else echo "not ok list-json-valid: $out"; fi
t list-missing 1 env AUXREC_SYSFS_ROOT=tests/data/sysfs $A list nosuch
t list-json-error 1 env AUXREC_SYSFS_ROOT=tests/data/sysfs $A --json list nosuch
python3 -c 'import json,sys; assert "error" in json.loads(sys.stdin.readline())' <<<"$out" && echo "ok json-error-object" || echo "not ok json-error-object: $out"

# Output that does not reach stdout, a full disk or a closed stdout: one
# error line naming the cause and exit 1, from every command that prints
# (dump, list and the help texts exited 0 with their output lost)
D=tests/fuzz/corpus/perf_data/auxrec-pd-gen.data
for cmd in "dump -i $D" "dump --json -i $D" "dump --stats -i $D" "list" "list --json" \
	   "version" "--version" "--help" "help script" "script --help" "script -i $D" \
	   "report -i $D" "export -i $D"; do
	for how in full closed; do
		name="write-error-$how-${cmd%% -i *}"
		name=${name// /}
		if [ $how = full ]; then
			# shellcheck disable=SC2086
			err=$(AUXREC_SYSFS_ROOT=tests/data/sysfs $A $cmd 2>&1 >/dev/full); rc=$?
			cause="No space left on device"
		else
			# shellcheck disable=SC2086
			err=$(AUXREC_SYSFS_ROOT=tests/data/sysfs $A $cmd 2>&1 >&-); rc=$?
			cause="Bad file descriptor"
		fi
		# (list warns of the fixture's broken PMU first)
		[ $rc = 1 ] && [ "$(grep -c 'cannot write' <<<"$err")" = 1 ] &&
			[[ $(tail -1 <<<"$err") =~ ^auxrec( [a-z]+)?:\ cannot\ write\ the\ output:\ $cause$ ]] &&
			echo "ok $name" || echo "not ok $name: status $rc: $err"
	done
done

# JSON is UTF-8: a tracepoint's string field with bytes that are no UTF-8
# (the corpus file's "sample 0004\x80") is written as \u0080, and parses
tpf=tests/fuzz/corpus/perf_data/tracepoint-string-without-nul
for cmd in "script --json" "export"; do
	name="json-utf8-${cmd// /}"
	# shellcheck disable=SC2086
	if $A $cmd -i $tpf 2>/dev/null | python3 -c 'import json, sys
t = sys.stdin.buffer.read().decode("utf-8")
try:
	json.loads(t)
except ValueError:
	[json.loads(l) for l in t.splitlines()]
assert "sample 0004\\u0080" in t'; then echo "ok $name"; else echo "not ok $name"; fi
done

# Intel BTS, whose decoder never asks who ran when: every event names the
# thread by the recording's COMM, as perf script does (they named none)
btsf=tests/fuzz/corpus/perf_data/auxrec-pd-gen-bts.data
n=$($A script -i $btsf | wc -l)
[ "$n" -gt 1 ] && [ "$($A script -i $btsf | awk '$1 == "pd-gen" && $2 == 4242' | wc -l)" = "$n" ] &&
	echo "ok bts-comm-text" || echo "not ok bts-comm-text: $($A script -i $btsf | head -2)"
[ "$($A script --json -i $btsf | grep -c '"tid":4242,"cpu":-1,"comm":"pd-gen",')" = "$n" ] &&
	echo "ok bts-comm-json" || echo "not ok bts-comm-json: $($A script --json -i $btsf | head -1)"

# export -o FILE that cannot be written is said before the decode (after
# it before: minutes on a large trace), in one line; a FILE made for an
# export that failed is removed, an existing one keeps its content
t export-unwritable-output 1 env AUXREC_EXPORT_STATS=1 $A export -i $D -o /nonexistent/x.json
[ "$err" = "auxrec export: cannot create /nonexistent/x.json: No such file or directory" ] &&
	echo "ok export-unwritable-output-before-decode" ||
	echo "not ok export-unwritable-output-before-decode: $err"
xtmp=$(mktemp -d)
t export-failed-no-file 1 $A export -i "$xtmp/none.data" -o "$xtmp/x.json"
[ ! -e "$xtmp/x.json" ] && echo "ok export-failed-leaves-no-file" || echo "not ok export-failed-leaves-no-file"
echo old > "$xtmp/x.json"
t export-failed-old-file 1 $A export -i "$xtmp/none.data" -o "$xtmp/x.json"
[ "$(cat "$xtmp/x.json")" = old ] && echo "ok export-failed-keeps-old-file" || echo "not ok export-failed-keeps-old-file"
t export-over-old-file 0 $A export -i $D -o "$xtmp/x.json"
[ "$(cat "$xtmp/x.json")" = "$($A export -i $D)" ] && echo "ok export-o-equals-stdout" ||
	echo "not ok export-o-equals-stdout"
rm -rf "$xtmp"

# a recording that cannot be read: one line naming it once, exit 1, the
# same from every reading command (script and export named it twice; a
# directory that is no perf record --threads directory said "cannot open
# DIR/data")
itmp=$(mktemp -d)
mkdir "$itmp/dir"
: > "$itmp/empty.data"
for cmd in script report export dump; do
	for bad in "nosuch.data:cannot open $itmp/nosuch.data: No such file or directory" \
		   "dir:$itmp/dir: a directory without the data file of perf record --threads" \
		   "empty.data:$itmp/empty.data: the file is empty"; do
		t "$cmd-input-${bad%%:*}" 1 $A $cmd -i "$itmp/${bad%%:*}"
		[ "$err" = "auxrec $cmd: ${bad#*:}" ] && echo "ok $cmd-input-${bad%%:*}-msg" ||
			echo "not ok $cmd-input-${bad%%:*}-msg: $err"
	done
done
rm -rf "$itmp"

# the bash completion run (bash-completion's helpers stubbed): a command
# abbreviated as auxrec takes it completes its options and values
complete_words() {	# WORDS...: the completions of the last word
	bash -c '
		_init_completion() { words=("${COMP_WORDS[@]}"); cword=$COMP_CWORD
			cur=${words[cword]}; prev=${words[cword - 1]}; }
		_filedir() { COMPREPLY=("<files$*>"); }
		_pids() { COMPREPLY=("<pids>"); }
		complete() { :; }
		. completion/auxrec.bash
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_auxrec; echo "${COMPREPLY[*]}"' complete_words "$@"
}
for c in "--it:auxrec script --it:--itrace" "--it:auxrec scr --it:--itrace" \
	 "sort:auxrec rep -s data_sym,:data_sym,data_src" "pmu:auxrec du --pmu ar:arm_spe" \
	 "format:auxrec exp -f pe:perfetto" "symfs:auxrec script --symfs x:<files-d>" \
	 "event:auxrec reco --no-inh:--no-inherit" "events:auxrec s --events mem:mem_sample" \
	 "command:auxrec -j ex:export"; do
	IFS=: read -r name words want <<<"$c"
	# shellcheck disable=SC2086
	got=$(complete_words $words)
	[ "$got" = "$want" ] && echo "ok completion-$name(${words// /_})" ||
		echo "not ok completion-$name(${words// /_}): got '$got', want '$want'"
done

# report sorted by a data key of a trace without memory samples: a warning
# says why it is empty (it printed an empty table alone)
t report-data-key-no-samples 0 $A report --sort data_src -i $D
[ "$err" = "auxrec report: warning: $D holds no memory-access samples (ARM SPE): --sort data_src and data_sym count nothing else" ] &&
	echo "ok report-data-key-no-samples-msg" || echo "not ok report-data-key-no-samples-msg: $err"
t report-data-key-samples 0 $A report --sort data_src -i tests/fuzz/corpus/perf_data/auxrec-pd-gen-spe.data
[ -z "$err" ] && echo "ok report-data-key-samples-no-warning" || echo "not ok report-data-key-samples-no-warning: $err"

# --itrace= (empty) is the default, as in perf (it printed nothing)
[ -n "$($A script -i $D)" ] && [ "$($A script --itrace= -i $D)" = "$($A script -i $D)" ] &&
	echo "ok script-itrace-empty-default" || echo "not ok script-itrace-empty-default"

# --vmlinux or --kallsyms FILE that cannot be read: one line with the cause,
# exit 1 (a missing --kallsyms was a warning naming no cause, a directory
# "Input/output error"); a text that is no kallsyms is named as such (it
# said "No such file or directory"). The cause is the loader's own (there
# was a separate open to find it): a kallsyms directory read gives EISDIR.
ktmp=$(mktemp -d)
echo "root:x:0:0:root:/root:/bin/bash" > "$ktmp/passwd"
for cmd in script report export; do
	for opt in vmlinux kallsyms; do
		t $cmd-$opt-missing 1 $A $cmd -i $D --$opt "$ktmp/none"
		[ "$err" = "auxrec $cmd: cannot read $opt $ktmp/none: No such file or directory" ] &&
			echo "ok $cmd-$opt-missing-msg" || echo "not ok $cmd-$opt-missing-msg: $err"
		t $cmd-$opt-dir 1 $A $cmd -i $D --$opt "$ktmp"
		[ "$err" = "auxrec $cmd: cannot read $opt $ktmp: Is a directory" ] &&
			echo "ok $cmd-$opt-dir-msg" || echo "not ok $cmd-$opt-dir-msg: $err"
	done
	t $cmd-kallsyms-not-kallsyms 0 $A $cmd -i $D --kallsyms "$ktmp/passwd"
	[ "$err" = "auxrec $cmd: warning: kernel addresses not symbolized: $ktmp/passwd: no symbols in it (not a /proc/kallsyms text)" ] &&
		echo "ok $cmd-kallsyms-not-kallsyms-msg" || echo "not ok $cmd-kallsyms-not-kallsyms-msg: $err"
done
rm -rf "$ktmp"

# dump --raw of a directory or a pipe: said as such (it was "cannot map
# DIR: No such device")
t dump-raw-dir 1 $A dump --raw tests --pmu intel_pt
[ "$err" = "auxrec dump: cannot read tests: Is a directory" ] && echo "ok dump-raw-dir-msg" ||
	echo "not ok dump-raw-dir-msg: $err"
t dump-raw-pipe 1 bash -c "$A dump --raw <(echo) --pmu intel_pt"
[[ $err == "auxrec dump: cannot read /dev/fd/"*": not a regular file (--raw maps it)" ]] &&
	echo "ok dump-raw-pipe-msg" || echo "not ok dump-raw-pipe-msg: $err"

# dump --raw of a PMU whose decoder needs the recording's AUXTRACE_INFO
# (cs_etm): one error line naming what is missing and -i, exit 1 (it printed
# "trace data path failed" every 16 bytes and exited 0); the PMUs whose
# packets need no configuration decode a raw file
rawf=$(mktemp)
head -c 64 tests/fuzz/corpus/perf_data/auxrec-etm-gen.data > "$rawf"
t dump-raw-etm 1 $A dump --raw "$rawf" --pmu cs_etm
[ "$err" = "auxrec dump: --raw --pmu cs_etm: its decoder needs the ETM configuration (trace IDs and ETM registers of each CPU), which a raw file lacks (only a recording's AUXTRACE_INFO holds it); dump the recording with -i FILE" ] &&
	[ -z "$out" ] && echo "ok dump-raw-etm-msg" || echo "not ok dump-raw-etm-msg: $err"
for pmu in intel_pt intel_bts arm_spe; do
	t dump-raw-$pmu-no-info 0 $A dump --raw "$rawf" --pmu $pmu
	[ -n "$out" ] && [ -z "$err" ] && echo "ok dump-raw-$pmu-no-info-out" ||
		echo "not ok dump-raw-$pmu-no-info-out: $err"
done
t dump-raw-unknown-pmu 1 $A dump --raw "$rawf" --pmu nosuch
[ "$err" = "auxrec dump: no decoder for PMU 'nosuch' (--raw decoders: intel_pt, intel_bts, arm_spe)" ] &&
	echo "ok dump-raw-unknown-pmu-msg" || echo "not ok dump-raw-unknown-pmu-msg: $err"
rm -f "$rawf"

# report -i - of a file-mode perf.data on a pipe: as script and export, it
# is copied to $TMPDIR first (it was refused: "cannot be read from a pipe")
spe=tests/fuzz/corpus/perf_data/auxrec-pd-gen-spe.data
t report-stdin-pipe 0 bash -c "cat $spe | $A report -i -"
[ -n "$out" ] && [ "$(tail -n +2 <<<"$out")" = "$($A report -i $spe | tail -n +2)" ] &&
	echo "ok report-stdin-pipe-same" || echo "not ok report-stdin-pipe-same: $err"

# dump -i - of a file-mode perf.data on a pipe: the reader copies it to
# $TMPDIR, as report and script do (dump refused it: "cannot be read from a
# pipe"); a pipe-mode stream is not copied (TMPDIR unusable: still read)
t dump-stdin-pipe 0 bash -c "cat $D | $A dump -i -"
[ -n "$out" ] && [ "$(tail -n +2 <<<"$out")" = "$($A dump -i $D | tail -n +2)" ] &&
	echo "ok dump-stdin-pipe-same" || echo "not ok dump-stdin-pipe-same: $err"
t dump-stdin-pipe-json 0 bash -c "cat $spe | $A dump --json -i -"
[ "$(tail -n +2 <<<"$out")" = "$($A dump --json -i $spe | tail -n +2)" ] &&
	echo "ok dump-stdin-pipe-json-same" || echo "not ok dump-stdin-pipe-json-same: $err"
pipef=tests/fuzz/corpus/perf_data/perf-pipe.data
t dump-stdin-pipe-mode-no-spool 0 bash -c "cat $pipef | TMPDIR=/nonexistent $A dump -i -"
[ "$(tail -n +2 <<<"$out")" = "$($A dump -i $pipef | tail -n +2)" ] &&
	echo "ok dump-stdin-pipe-mode-no-spool-same" || echo "not ok dump-stdin-pipe-mode-no-spool-same: $err"
t dump-stdin-pipe-no-tmpdir 1 bash -c "cat $D | TMPDIR=/nonexistent $A dump -i -"
[[ $err == "auxrec dump: standard input: cannot create /nonexistent/auxrec-stdin."*" to hold standard input: No such file or directory" ]] &&
	echo "ok dump-stdin-pipe-no-tmpdir-msg" || echo "not ok dump-stdin-pipe-no-tmpdir-msg: $err"

# AUXTRACE chunks that no AUX record joins (their AUX records lost, here
# moved 1 MiB away): a per-thread chunk is its AUXTRACE tid's, the pid that
# thread's, as perf attributes chunks (they were decoded with pid -1,
# without the process's maps)
unm=$(mktemp)
python3 - "$D" "$unm" <<'PY'
import struct, sys
d = bytearray(open(sys.argv[1], 'rb').read())
off, size = struct.unpack_from('<QQ', d, 40)	# the data section
p = off
while p < off + size:
	t, _, n = struct.unpack_from('<IHH', d, p)
	if t == 11:	# PERF_RECORD_AUX: aux_offset += 1 MiB
		struct.pack_into('<Q', d, p + 8, struct.unpack_from('<Q', d, p + 8)[0] + (1 << 20))
	if t == 71:	# PERF_RECORD_AUXTRACE: its payload follows
		p += struct.unpack_from('<Q', d, p + 8)[0]
	p += n
open(sys.argv[2], 'wb').write(d)
PY
[ "$($A dump -i "$unm" | grep -c 'PERF_RECORD_AUX  .*aux_offset 0x10')" = 2 ] &&
	echo "ok unjoined-aux-file" || echo "not ok unjoined-aux-file"
t unjoined-aux-script 0 $A script --json -i "$unm"
[[ $out == *'"pid":4242,"tid":4242,'* ]] && [ "$out" = "$($A script --json -i $D)" ] && [ -z "$err" ] &&
	echo "ok unjoined-aux-script-pid" || echo "not ok unjoined-aux-script-pid: $(head -1 <<<"$out")"
rm -f "$unm"

# MMAPs naming binaries by relative path (pd-gen's with a relative BINARY;
# here the corpus file's /usr/bin/true renamed bin/prog, mapped at 0 where
# its trace runs): opened from the current directory or under --symfs, as
# perf opens them; when that fails, a warning naming the path and what to
# do, once per binary (it was "no code", silently; --symfs was not used)
rel=$(mktemp -d)
mkdir "$rel/bin" && cp /usr/bin/true "$rel/bin/prog"
python3 - "$D" "$rel/rel.data" <<'PY'
import struct, sys
d = bytearray(open(sys.argv[1], 'rb').read())
fn = d.index(b'/usr/bin/true\0')	# the MMAP2's filename, 72 bytes in
assert struct.unpack_from('<I', d, fn - 72)[0] == 10
d[fn:fn + 14] = b'bin/prog'.ljust(14, b'\0')
struct.pack_into('<Q', d, fn - 72 + 16, 0)	# start
open(sys.argv[2], 'wb').write(d)
PY
t relpath-elsewhere 0 $A script -i "$rel/rel.data"
[ "$err" = "auxrec script: warning: cannot read bin/prog (a relative path, looked up from the current directory): its code was not decoded; run auxrec in the directory the recording was made in, or give --symfs DIR" ] &&
	[[ $out == *"no code at ip"* ]] && echo "ok relpath-elsewhere-warning" ||
	echo "not ok relpath-elsewhere-warning: $err"
t relpath-cwd 0 bash -c "cd $rel && $(readlink -f "$A") script -i rel.data"
[ -z "$err" ] && [[ $out != *"no code"* ]] && echo "ok relpath-cwd-decoded" ||
	echo "not ok relpath-cwd-decoded: $err"
# an empty --symfs is none, as perf joins it (it made bin/prog /bin/prog)
t relpath-symfs-empty 0 bash -c "cd $rel && $(readlink -f "$A") script -i rel.data --symfs ''"
[ -z "$err" ] && [[ $out != *"no code"* ]] && [[ $out == *"(bin/prog)"* ]] &&
	echo "ok relpath-symfs-empty-decoded" || echo "not ok relpath-symfs-empty-decoded: $err"
# printed as recorded (perf prints a dso's long name), not as opened
t relpath-symfs 0 $A script -i "$rel/rel.data" --symfs "$rel"
[ -z "$err" ] && [[ $out != *"no code"* ]] && [[ $out == *"(bin/prog)"* ]] &&
	[[ $out != *"$rel/"* ]] &&
	echo "ok relpath-symfs-decoded" || echo "not ok relpath-symfs-decoded: $err"
t relpath-symfs-wrong 0 $A report -i "$rel/rel.data" --symfs "$rel/bin"
[ "$err" = "auxrec report: warning: cannot read $rel/bin/bin/prog: its code was not decoded" ] &&
	echo "ok relpath-symfs-wrong-warning" || echo "not ok relpath-symfs-wrong-warning: $err"
# a relative --symfs: the path it made is named, with no advice to give one
t relpath-symfs-relative 0 bash -c "cd $rel && $(readlink -f "$A") report -i rel.data --symfs bin"
[ "$err" = "auxrec report: warning: cannot read bin/bin/prog: its code was not decoded" ] &&
	echo "ok relpath-symfs-relative-warning" || echo "not ok relpath-symfs-relative-warning: $err"
# binaries named by the recording, opened under --symfs: script (text and
# --json) and report print the name as recorded, as perf does (they printed
# the path opened, DIR/symfs-only/p); a per-CPU file of /usr/bin/true's
# code, renamed /symfs-only/p, a path that is only under --symfs
mkdir -p "$rel/root/symfs-only" && mv "$rel/bin/prog" "$rel/root/symfs-only/p"
python3 - tests/fuzz/corpus/perf_data/auxrec-cpu-wide-switches.data "$rel/abs.data" <<'PY'
import sys
d = open(sys.argv[1], 'rb').read()
assert b'/usr/bin/true\0' in d
open(sys.argv[2], 'wb').write(d.replace(b'/usr/bin/true\0', b'/symfs-only/p\0'))
PY
t symfs-name-script 0 $A script -i "$rel/abs.data" --symfs "$rel/root"
[ -z "$err" ] && [[ $out == *" (/symfs-only/p)"* ]] && [[ $out != *"$rel"* ]] &&
	echo "ok symfs-name-script-as-recorded" ||
	echo "not ok symfs-name-script-as-recorded: $err: $(grep -m1 symfs-only <<<"$out")"
t symfs-name-json 0 $A script --json -i "$rel/abs.data" --symfs "$rel/root"
[ -z "$err" ] && [[ $out == *'_dso":"/symfs-only/p"'* ]] && [[ $out != *"$rel"* ]] &&
	echo "ok symfs-name-json-as-recorded" ||
	echo "not ok symfs-name-json-as-recorded: $err: $(grep -m1 symfs-only <<<"$out")"
# 62 instructions: the code was read under --symfs
t symfs-name-report 0 $A report -i "$rel/abs.data" --symfs "$rel/root"
[ -z "$err" ] && [[ $out == *" 62 "*" | [unknown] (/symfs-only/p)"* ]] && [[ $out != *"$rel/root"* ]] &&
	echo "ok symfs-name-report-as-recorded" ||
	echo "not ok symfs-name-report-as-recorded: $err: $(grep symfs-only <<<"$out")"
t symfs-name-report-json 0 $A report --json -i "$rel/abs.data" --symfs "$rel/root"
[ -z "$err" ] && [[ $out == *'"entries":[{"dso":"/symfs-only/p","sym":"[unknown]","insns":62,'* ]] &&
	[[ $out != *"$rel/root"* ]] && echo "ok symfs-name-report-json-as-recorded" ||
	echo "not ok symfs-name-report-json-as-recorded: $err: $(head -c 300 <<<"$out")"
# a file that cannot be read: the warning names the path tried
t symfs-name-missing 0 $A script -i "$rel/abs.data" --symfs "$rel"
[ "$err" = "auxrec script: warning: cannot read $rel/symfs-only/p: its code was not decoded" ] &&
	[[ $out == *"(/symfs-only/p)"* ]] && echo "ok symfs-name-missing-warning" ||
	echo "not ok symfs-name-missing-warning: $err"
# one file recorded under two names, absolute (process 1001's /symfs-only/p)
# and relative (1002's symfs-only/p; 1002 switched in before the second
# trace): under --symfs both open DIR/symfs-only/p, and each process's
# events name it as recorded, as perf script does (both were printed with
# the first name: the two shared one dso); missing, it is warned once
python3 - tests/fuzz/corpus/perf_data/auxrec-cpu-wide-switches.data "$rel/two-names.data" <<'PY'
import struct, sys
d = bytearray(open(sys.argv[1], 'rb').read())
first = d.index(b'/usr/bin/true\0')
second = d.index(b'/usr/bin/true\0', first + 1)
d[first:first + 14] = b'/symfs-only/p\0'
d[second:second + 14] = b'symfs-only/p'.ljust(14, b'\0')
switch = struct.pack('<Q', 32767999)	# the time of the switch records
assert d.count(switch) == 2
open(sys.argv[2], 'wb').write(d.replace(switch, struct.pack('<Q', 17000000)))
PY
t symfs-two-names 0 $A script -i "$rel/two-names.data" --symfs "$rel/root"
n1=$(grep -c '^ *proc0 *1001 .* tr strt .* (/symfs-only/p)$' <<<"$out")
n2=$(grep -c '^ *proc1 *1002 .* tr strt .* (symfs-only/p)$' <<<"$out")
[ -z "$err" ] && [ "$n1" = 1 ] && [ "$n2" = 1 ] && [[ $out != *"no code"* ]] &&
	echo "ok symfs-two-names-as-recorded" ||
	echo "not ok symfs-two-names-as-recorded: $err: $(grep 'tr strt' <<<"$out")"
t symfs-two-names-missing 0 $A script -i "$rel/two-names.data" --symfs "$rel"
[ "$err" = "auxrec script: warning: cannot read $rel/symfs-only/p: its code was not decoded" ] &&
	echo "ok symfs-two-names-missing-warned-once" ||
	echo "not ok symfs-two-names-missing-warned-once: $err"
rm -rf "$rel"

# --help, man page and completion name the same long options
for cmd in $(sed -n 's/^  \([a-z]*\) .*/\1/p' <<<"$($A --help)"); do
	case $cmd in help) continue ;; esac
	help=$($A $cmd --help 2>&1 | grep -o -- '--[a-z][a-z-]*' | sort -u)
	# perf's own options named in a page ("perf record \-\-threads") are not auxrec's
	man=$(sed 's/perf record \\-\\-[a-z-]*//g; s/\\-/-/g' man/auxrec-$cmd.1 2>/dev/null |
		grep -o -- '--[a-z][a-z-]*' | sort -u)
	comp=$(sed -n "/^_auxrec_${cmd}_opts=/{:a;/\"\$/!{N;ba};p}" completion/auxrec.bash | grep -o -- '--[a-z][a-z-]*' | sort -u)
	long=$($A $cmd --help | awk 'length > 80')
	[ -z "$long" ] && echo "ok help-fits-80-columns-$cmd" ||
		echo "not ok help-fits-80-columns-$cmd: $long"
	[ -f man/auxrec-$cmd.1 ] && [ "$help" = "$man" ] && echo "ok man-matches-help-$cmd" ||
		echo "not ok man-matches-help-$cmd: help [$(echo $help)] man [$(echo $man)]"
	[ "$help" = "$comp" ] && echo "ok completion-matches-help-$cmd" ||
		echo "not ok completion-matches-help-$cmd: help [$(echo $help)] completion [$(echo $comp)]"
done
rm -f /tmp/auxrec-cli-err.$$
