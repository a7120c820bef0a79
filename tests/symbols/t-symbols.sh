#!/bin/bash
# Symbols of traced binaries (lib/symbols/symbols.c and friends) through
# build/tests/tools/sym_lookup: .symtab, .dynsym of a stripped binary,
# MiniDebugInfo (.gnu_debugdata as Fedora makes it), a separate debug file
# found by build id (--debug-dir), source lines, kernel symbols from a
# kallsyms fixture, a vmlinux-like ELF at a kernel address, an ELF core
# like /proc/kcore, and the real /proc/kcore when readable. Then
# `auxrec script --srcline` and --debug-dir/--vmlinux on the command line
# (a stripped vmlinux, a recording without a kernel map).
cd "$(dirname "$0")/../.." || exit 1
B=${AUXREC_BUILD:-build}
A=${AUXREC:-./auxrec}
L=$B/tests/tools/sym_lookup
if [ ! -x $L ]; then
	if [ "$B" = build ]; then make -s tools; else make -s SANITIZE=1 tools; fi >/dev/null 2>&1
fi
[ -x $L ] && [ -x $A ] || { echo "not ok build: $L or $A missing (make all tools)"; exit 1; }
T=$(mktemp -d /tmp/auxrec-symbols.XXXXXX)
trap 'rm -rf "$T"' EXIT
SRC=$PWD/tests/symbols/prog.c

check() {	# check NAME WANT_REGEX GOT
	if [[ $3 =~ $2 ]]; then echo "ok $1"; else echo "not ok $1: want /$2/, got: $3"; fi
}
addr_of() { nm "$T/prog" | awk -v s="$1" '$3 == s { print $1 }' | sed 's/^0*//'; }
line_of() { grep -n "$1" "$SRC" | cut -d: -f1; }

gcc -O1 -g -fPIE -pie -rdynamic -Wl,--build-id -o "$T/prog" "$SRC" || { echo "not ok compile"; exit 1; }
S=$(addr_of static_helper) E=$(addr_of exported_fn)
LS=$(line_of LINE_STATIC) LE=$(line_of LINE_EXPORTED)

# .symtab of the binary, with source lines from its own DWARF
out=$($L "$T/prog" $S $E)
check symtab "source symtab.*static_helper\+0x0 .*exported_fn\+0x0" "$(tr '\n' ' ' <<<"$out")"
check srcline "static_helper\+0x0 [^ ]* [^ ]*/prog.c:$LS " "$out"
check srcline-exported "exported_fn\+0x0 [^ ]* [^ ]*/prog.c:$LE " "$out"
check code-read "static_helper\+0x0 [^ ]* [^ ]* [0-9a-f]{8}" "$out"

# stripped: .dynsym only (the static function is not there)
strip --strip-all -o "$T/prog.stripped" "$T/prog"
out=$($L "$T/prog.stripped" $S $E)
check dynsym "source dynsym.*$S \[unknown\].*exported_fn\+0x0 [^ ]* - " "$(tr '\n' ' ' <<<"$out")"

# MiniDebugInfo, Fedora's recipe (find-debuginfo.sh)
nm -D "$T/prog" --format=posix --defined-only | awk '{ print $1 }' | sort > "$T/dynsyms"
nm "$T/prog" --format=posix --defined-only | awk '$2 ~ /^[TtD]$/ { print $1 }' | sort > "$T/funcsyms"
comm -13 "$T/dynsyms" "$T/funcsyms" > "$T/keep_symbols"
objcopy --only-keep-debug "$T/prog" "$T/debug"
objcopy -S --remove-section .gdb_index --remove-section .comment \
	--keep-symbols="$T/keep_symbols" "$T/debug" "$T/mini_debuginfo"
xz -f "$T/mini_debuginfo"
strip --strip-all -R .comment -o "$T/prog.mini" "$T/prog"
objcopy --add-section .gnu_debugdata="$T/mini_debuginfo.xz" "$T/prog.mini"
out=$($L "$T/prog.mini" $S $E)
check minidebuginfo "source minidebuginfo.*static_helper\+0x0 .*exported_fn\+0x0" "$(tr '\n' ' ' <<<"$out")"
# a corrupt .gnu_debugdata: .dynsym still, no crash
head -c 300 "$T/mini_debuginfo.xz" > "$T/bad.xz"
strip --strip-all -o "$T/prog.badmini" "$T/prog"
objcopy --add-section .gnu_debugdata="$T/bad.xz" "$T/prog.badmini"
out=$($L "$T/prog.badmini" $S $E)
check minidebuginfo-corrupt "source dynsym.*exported_fn\+0x0" "$(tr '\n' ' ' <<<"$out")"

# PLT entries (tests/gt/progs/plt.c: a lazily bound PIE and its shared
# library) are named as perf names them, NAME@plt, objdump's labels in
# .plt, and those of .plt.got as objdump does (perf 6.1 gives them to the
# symbol before); the .plt header is not an entry (_init's, as the nearest
# symbol before); the stripped binary too (.dynsym names the entries). Built
# with IBT (-fcf-protection -z ibtplt, as Ubuntu and Fedora build), calls go
# to .plt.sec: objdump labels its entries, and so must the symbols. An
# AArch64 build (gcc-aarch64-linux-gnu): .plt's sh_entsize is 0 there, the
# header 32 bytes and the entries 16, as perf takes them.
. tests/gt/progs.sh
plt_names() {	# BINARY [SECTION]: "ADDR NAME" of objdump's labels in SECTION (.plt: and .plt.got), ADDR+6 too
	local lo hi glo= ghi= sec=${2:-.plt}
	read -r lo hi < <(readelf -SW "$1" | sed 's/^ *\[ *[0-9]*\]//' |
		awk -v s="$sec" '$1 == s {print $3, $5}')
	[ "$sec" = .plt ] && read -r glo ghi < <(readelf -SW "$1" | sed 's/^ *\[ *[0-9]*\]//' |
		awk '$1 == ".plt.got" {print $3, $5}')
	${OBJDUMP:-objdump} -d "$1" | awk '/@plt>:$/ {sub(/^0*/, "", $1); gsub(/[<>:]/, "", $2); print $1, $2}' |
		while read -r a n; do
			{ [ $((0x$a)) -ge $((0x$lo)) ] && [ $((0x$a)) -lt $((0x$lo + 0x$hi)) ]; } ||
			{ [ -n "$glo" ] && [ $((0x$a)) -ge $((0x$glo)) ] &&
			  [ $((0x$a)) -lt $((0x$glo + 0x$ghi)) ]; } &&
				printf '%x %s+0x0\n%x %s+0x6\n' $((0x$a)) "$n" $((0x$a + 6)) "$n"
		done
	[ "$sec" = .plt ] || return 0
	printf '%x _init+0x%x\n' $((0x$lo)) $((0x$lo - 0x$(nm "$1" | awk '$3 == "_init" {print $1}')))
}
# NAME BINARY: the symbols at the addresses of $T/NAME.want must be its names
plt_check() {
	# shellcheck disable=SC2046
	$L "$2" $(awk '{print $1}' "$T/$1.want") | awk 'NR > 1 {print $1, $2}' > "$T/$1.got"
	if [ "$(grep -c @plt "$T/$1.want")" -ge 2 ] && cmp -s "$T/$1.want" "$T/$1.got"; then
		echo "ok plt-symbols-$1 ($(grep -c '@plt+0x0' "$T/$1.want") entries)"
	else
		echo "not ok plt-symbols-$1: $(diff "$T/$1.want" "$T/$1.got" | grep '^[<>]' | head -4 | tr '\n' ' ')"
	fi
}
if gt_prog_build plt "$T/plt" pie; then
	strip --strip-all -o "$T/plt.stripped" "$T/plt"
	for f in plt plt.stripped libgtplt.so; do
		plt_names "$T/${f%.stripped}" > "$T/$f.want" 2> /dev/null
		[ "$f" = plt.stripped ] && sed -i '$s/ .*/ [unknown]/' "$T/$f.want"	# no _init
		plt_check $f "$T/$f"
	done
	gcc -O1 -fcf-protection -pie -fPIE -o "$T/plt-ibt" tests/gt/progs/plt.c -L"$T" -lgtplt -ldl \
		-Wl,-z,lazy -Wl,-z,ibtplt
	plt_names "$T/plt-ibt" .plt.sec > "$T/ibt.want" 2> /dev/null
	plt_check ibt "$T/plt-ibt"
fi
if command -v aarch64-linux-gnu-gcc > /dev/null; then
	mkdir -p "$T/a64"
	aarch64-linux-gnu-gcc -O1 -shared -fPIC -Wl,-soname,libgtplt.so -o "$T/a64/libgtplt.so" \
		tests/gt/progs/plt_lib.c &&
	aarch64-linux-gnu-gcc -O1 -pie -fPIE -o "$T/a64/plt" tests/gt/progs/plt.c -L"$T/a64" \
		-lgtplt -ldl -Wl,-z,lazy
	OBJDUMP=aarch64-linux-gnu-objdump plt_names "$T/a64/plt" > "$T/aarch64.want" 2> /dev/null
	plt_check aarch64 "$T/a64/plt"
else
	echo "skip plt-symbols-aarch64: no aarch64-linux-gnu-gcc"
fi

# Hostile C++ names through the ELF path (libiberty's demangler has had
# stack-exhaustion bugs; it bounds nesting and length itself): nesting
# 1,015 deep (the deepest it takes) and 100,000 deep, a 1 MB name,
# malformed _Z names: no crash, each address named (demangled or as it is)
python3 - "$T/hostile.s" <<'PY'
import sys
names = ["_Z1fI" + "P" * 1015 + "iEvv", "_Z1fI" + "P" * 100000 + "iEvv",
         "_Z1000000" + "a" * 1000000 + "v", "_ZN" + "1a" * 50000 + "Ev",
         "_Z", "_ZN", "_Z1", "_ZSt", "_Z9999999999x", "_ZIIIIIIIIIIIIIIIIIIIII"]
with open(sys.argv[1], "w") as f:
    f.write(".text\n")
    for i, n in enumerate(names):
        f.write(f'.globl "{n}"\n.type "{n}",@function\n"{n}":\nnop\nret\n.size "{n}",2\n')
    f.write(".globl main\n.type main,@function\nmain:\nxor %eax,%eax\nret\n")
    f.write(".section .note.GNU-stack,\"\",@progbits\n")
PY
if gcc -no-pie -o "$T/hostile" "$T/hostile.s" 2> "$T/hostile.err"; then
	# shellcheck disable=SC2046
	out=$($L "$T/hostile" $(nm "$T/hostile" | awk '$2 == "T" && $3 ~ /^_Z/ {print $1}') 2>&1)
	st=$?
	n=$(grep -c " $T/hostile - " <<<"$out")	# sym_lookup cuts long names
	if [ $st = 0 ] && [ "$n" = 10 ]; then
		echo "ok demangle-hostile (10 names, the 1,015-deep one as $(grep -o 'f<int\*\*\*' <<<"$out" | head -1)...)"
	else
		echo "not ok demangle-hostile: exit $st, $n of 10 named: $(head -c 200 <<<"$out")"
	fi
else
	echo "not ok demangle-hostile: cannot build: $(head -1 "$T/hostile.err")"
fi

# C++ names as Debian's perf 6.1 shows them (libiberty's cplus_demangle,
# no options): without parameters, std::string not spelled out
if gt_prog_build exceptions "$T/cxx" static; then
	out=$($L "$T/cxx" $(nm "$T/cxx" | awk '$3 == "_ZL7throwerii" || $3 == "_ZNSs4_Rep9_S_createEmmRKSaIcE" ||
		$3 == "_ZNSt13runtime_errorC2EPKc" {print $1}' | sort))	# by address
	check demangled-cxx "^source symtab [^ ]* thrower\+0x0 .* std::runtime_error::runtime_error\+0x0 .* std::string::_Rep::_S_create\+0x0 " \
		"$(tr '\n' ' ' <<<"$out")"
fi

# separate debug file by build id
id=$(readelf -n "$T/prog" | sed -n 's/.*Build ID: \([0-9a-f]*\).*/\1/p')
mkdir -p "$T/dbg/.build-id/${id:0:2}"
cp "$T/debug" "$T/dbg/.build-id/${id:0:2}/${id:2}.debug"
out=$($L --debug-dir "$T/dbg" "$T/prog.stripped" $S $E)
check build-id-debuginfo "source debuginfo.*static_helper\+0x0 .*exported_fn\+0x0" "$(tr '\n' ' ' <<<"$out")"
check build-id-srcline "static_helper\+0x0 [^ ]* [^ ]*/prog.c:$LS " "$out"
mkdir -p "$T/symfs/usr/lib/debug/.build-id/${id:0:2}"
cp "$T/debug" "$T/symfs/usr/lib/debug/.build-id/${id:0:2}/${id:2}.debug"
out=$($L --symfs "$T/symfs" "$T/prog.stripped" $S)
check build-id-symfs "source debuginfo.*static_helper\+0x0" "$(tr '\n' ' ' <<<"$out")"
# a debug file of another build: not used
gcc -O1 -g -fPIE -pie -Wl,--build-id -DOTHER -o "$T/other" "$SRC"
objcopy --only-keep-debug "$T/other" "$T/other.debug"
cp "$T/other.debug" "$T/dbg/.build-id/${id:0:2}/${id:2}.debug"
out=$($L --debug-dir "$T/dbg" "$T/prog.stripped" $S)
check build-id-mismatch "source dynsym" "$out"

# kernel: kallsyms fixture (symbols end at the next symbol of any kind);
# data objects (D, r, B, d) are symbols too, for data addresses
out=$($L --kallsyms tests/data/kallsyms - ffffffff81001050 ffffffff81001208 ffffffff81002010 ffffffffc0a01010)
check kallsyms "do_syscall_64\+0x10 \[kernel.kallsyms\].*arch_weak_fn\+0x8 .*ffffffff81002010 some_data\+0x10 .*ext4_fill_super\+0x10" "$(tr '\n' ' ' <<<"$out")"
out=$($L --kallsyms tests/data/kallsyms - ffffffff81002104 ffffffff81002808 ffffffff81002a10 ffffffff81001ff0)
check kallsyms-data "rodata_thing\+0x4 .*bss_thing\+0x8 .*local_data\+0x10 .*arch_weak_fn\+0xdf0" "$(tr '\n' ' ' <<<"$out")"
out=$($L --kallsyms tests/data/kallsyms-hidden - ffffffff81001050)
check kallsyms-hidden "kptr_restrict" "$out"

# kernel: a vmlinux-like ELF with .text at 0xffffffff81000000
gcc -O1 -nostdlib -static -fno-pie -no-pie -Wl,--build-id=none -Wl,-Ttext=0xffffffff81000000 \
	-Wl,--defsym=_text=0xffffffff81000000 -o "$T/vmlinux" tests/symbols/kern.c ||
	echo "not ok compile-vmlinux"
K=$(nm "$T/vmlinux" | awk '$3 == "kfunc_a" { print $1 }')
toff=$(readelf -SW "$T/vmlinux" | sed 's/^ *\[ *[0-9]*\]//' | awk '$1 == ".text" { print $4 }')
want=$(od -An -tx1 -j $((16#$toff)) -N4 "$T/vmlinux" | tr -d ' \n')
out=$($L --vmlinux "$T/vmlinux" - $K)
check vmlinux "^$K kfunc_a\+0x0 $T/vmlinux - $want\$" "$out"
# KASLR: the recorded kernel had _text 0x1b400000 higher; code and symbols move with it
R=$(printf %x $((16#$K + 0x1b400000)))
out=$($L --vmlinux "$T/vmlinux" --kernel-ref _text=ffffffff9c400000 - $R $K)
check vmlinux-kaslr "^$R kfunc_a\+0x0 $T/vmlinux - $want $K \[unknown\] \[unknown\] - -\$" "$(tr '\n' ' ' <<<"$out" | sed 's/ $//')"
# a vmlinux without the recording's reference symbol: the other of _text and
# _stext, else the start of .text, taken to be at the same address (x86-64)
out=$($L --vmlinux "$T/vmlinux" --kernel-ref _stext=ffffffff9c400000 - $R)
check vmlinux-kaslr-no-stext "^kernel warning: .* has no symbol _stext: relocated by _text, taken to be at the same address $R kfunc_a\+0x0 $T/vmlinux - $want\$" "$(tr '\n' ' ' <<<"$out" | sed 's/ $//')"
gcc -O1 -nostdlib -static -fno-pie -no-pie -Wl,--build-id=none -Wl,-Ttext=0xffffffff81000000 \
	-Wl,--defsym=_stext=0xffffffff81000000 -o "$T/vmlinux-stext" tests/symbols/kern.c ||
	echo "not ok compile-vmlinux-stext"
out=$($L --vmlinux "$T/vmlinux-stext" --kernel-ref _text=ffffffff9c400000 - $R)
check vmlinux-kaslr-no-text "^kernel warning: .* has no symbol _text: relocated by _stext, .* $R kfunc_a\+0x0 $T/vmlinux-stext - $want\$" "$(tr '\n' ' ' <<<"$out" | sed 's/ $//')"
gcc -O1 -nostdlib -static -fno-pie -no-pie -Wl,--build-id=none -Wl,-Ttext=0xffffffff81000000 \
	-o "$T/vmlinux-notext" tests/symbols/kern.c || echo "not ok compile-vmlinux-notext"
out=$($L --vmlinux "$T/vmlinux-notext" --kernel-ref _text=ffffffff9c400000 - $R)
check vmlinux-kaslr-text-section "^kernel warning: .* has no symbol _text: relocated by \.text, .* $R kfunc_a\+0x0 $T/vmlinux-notext - $want\$" "$(tr '\n' ' ' <<<"$out" | sed 's/ $//')"
# stripped: nothing to symbolize or relocate by, one error
strip --strip-all -o "$T/vmlinux-stripped" "$T/vmlinux"
out=$($L --vmlinux "$T/vmlinux-stripped" --kernel-ref _text=ffffffff9c400000 - $R)
check vmlinux-stripped "^kernel error: vmlinux .*/vmlinux-stripped has no symbols \(stripped\)" "$out"
# a kallsyms of another boot (_stext elsewhere) is refused; of this one, used
out=$($L --kallsyms tests/data/kallsyms --kernel-ref _stext=ffffffff9c400000 - ffffffff81001050)
check kallsyms-other-boot "^kernel error: .*another boot.*ffffffff81001050 \[unknown\]" "$(tr '\n' ' ' <<<"$out")"
out=$($L --kallsyms tests/data/kallsyms --kernel-ref _stext=ffffffff81000000 - ffffffff81001050)
check kallsyms-same-boot "^ffffffff81001050 do_syscall_64\+0x10 " "$out"

# kernel: an ELF core like /proc/kcore (PT_LOAD at a kernel address) for code
python3 - "$T/kcore" <<'PY'
import struct, sys
code = bytes(range(0x40, 0x80))
eh = struct.pack('<16sHHIQQQIHHHHHH', b'\x7fELF\x02\x01\x01' + b'\0' * 9, 4, 62, 1, 0, 64, 0, 0,
                 64, 56, 2, 64, 0, 0)
ph_note = struct.pack('<IIQQQQQQ', 4, 0, 0, 0, 0, 0, 0, 4)
ph_load = struct.pack('<IIQQQQQQ', 1, 7, 0x1000, 0xffffffff81001000, 0, len(code), len(code), 4096)
data = eh + ph_note + ph_load
open(sys.argv[1], 'wb').write(data + b'\0' * (0x1000 - len(data)) + code)
PY
out=$($L --kallsyms tests/data/kallsyms --kcore "$T/kcore" - ffffffff81001000 ffffffff81001004 ffffffff8100103e ffffffff81001040 ffffffff81000010)
check kcore-file "native_write_cr0\+0x0 \[kernel.kallsyms\] - 40414243 .*native_write_cr0\+0x4 \[kernel.kallsyms\] - 44454647 .*native_write_cr0\+0x3e \[kernel.kallsyms\] - 7e7f .*do_syscall_64\+0x0 \[kernel.kallsyms\] - - .*startup_64\+0x10 \[kernel.kallsyms\] - -" "$(tr '\n' ' ' <<<"$out")"

# the running kernel's /proc/kcore
if [ ! -r /proc/kcore ]; then
	echo "skip proc-kcore: /proc/kcore is not readable here (tests/vm/t-kernel.sh decodes against the guest's)"
elif ! awk '$1 != "0000000000000000" { f = 1 } END { exit !f }' /proc/kallsyms 2>/dev/null; then
	echo "skip proc-kcore: /proc/kallsyms addresses are hidden"
else
	ka=$(awk '$3 == "_stext" || $3 == "_text" { print $1; exit }' /proc/kallsyms)
	out=$($L --kallsyms /proc/kallsyms --kcore /proc/kcore - $ka)
	check proc-kcore "^$ka [^ ]+\+0x0 \[kernel.kallsyms\] - [0-9a-f]{8}\$" "$out"
fi

# the command line: the options exist, --vmlinux errors are one line, exit 1
$A script --help | grep -q -- "--srcline" && echo "ok script-help-srcline" || echo "not ok script-help-srcline"
nomap=tests/fuzz/corpus/perf_data/auxrec-pd-gen.data	# AUX data, no kernel map
err=$($A script -i $nomap --vmlinux "$T/nonexistent" 2>&1 >/dev/null); rc=$?
[ $rc = 1 ] && [ $(wc -l <<<"$err") = 1 ] &&
	[ "$err" = "auxrec script: cannot read vmlinux $T/nonexistent: No such file or directory" ] &&
	echo "ok script-vmlinux-missing" || echo "not ok script-vmlinux-missing: status $rc: $err"
err=$($A script -i $nomap --vmlinux "$T/vmlinux-stripped" 2>&1 >/dev/null); rc=$?
[ $rc = 1 ] && [ $(wc -l <<<"$err") = 1 ] && [[ $err =~ "has no symbols (stripped)" ]] &&
	echo "ok script-vmlinux-stripped" || echo "not ok script-vmlinux-stripped: status $rc: $err"
# a recording without a kernel map (no [kernel.kallsyms] MMAP: an old tool,
# kernel tracing off): the vmlinux stays at its link-time addresses, said once
err=$($A script -i $nomap --vmlinux "$T/vmlinux" 2>&1 >/dev/null); rc=$?
[ $rc = 0 ] && [ $(wc -l <<<"$err") = 1 ] &&
	[[ $err =~ warning:\ .*has\ no\ kernel\ map.*link-time\ addresses ]] &&
	echo "ok script-vmlinux-no-kernel-map # $err" ||
	echo "not ok script-vmlinux-no-kernel-map: status $rc: $err"

# (the end-to-end --srcline check on a guest recording is in tests/vm/t-script.sh)
exit 0
