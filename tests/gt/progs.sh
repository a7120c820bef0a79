#!/bin/bash
# How each ground-truth program of tests/gt/progs is built (sourced from
# the top of the tree by the checks that run them): its compiler and
# optimization, and the shared libraries it needs. One table, so that the
# flow, export and x86-length checks build a program the same way.
#
# gt_prog_build NAME OUT LINK: builds tests/gt/progs/NAME.c (or .cc) as
# OUT; LINK is "static" (-static -no-pie: one executable mapping, what
# pd-gen wraps into a perf.data; exceptions is a static PIE, see below) or
# "pie" (dynamic PIE). Shared libraries
# go next to OUT, found there through the executable's RUNPATH ($ORIGIN).
# Returns 0, or says "not ok gt-build-NAME: ..." and returns 1.

# the programs whose flow is checked, in the order the checks run them
GT_PROGS="loops recursion indirect signal qsort setjmp jumptable tailcall plt simd deep exceptions"
# those with several threads (gt-record's OUT.tid-N.* per thread), built
# static, run by tests/gt/t-gt-threads.sh
GT_PROGS_THREADS="threads"
# those that can be built static (plt needs its shared libraries)
GT_PROGS_STATIC="loops recursion indirect signal setjmp jumptable tailcall simd deep exceptions"
# those that also go through the user commands dynamically linked (pie):
# several file mappings (the program, ld.so, libc, its own libraries, one
# dlopen()ed mid-run), PLT calls, libc's qsort calling back
# (GT_PROGS_DYNAMIC= in the environment leaves them out, to time them)
GT_PROGS_DYNAMIC=${GT_PROGS_DYNAMIC-plt qsort}

# NAME: compiler and flags besides the link mode
gt_prog_cc() {
	case $1 in
	jumptable|tailcall)	echo "gcc -O2" ;;	# jump tables, sibling calls
	exceptions)		echo "g++ -O1" ;;
	*)			echo "gcc -O1" ;;
	esac
}

gt_prog_build() {
	local name=$1 out=$2 link=$3 src=tests/gt/progs/$1.c dir extra= cc
	dir=$(dirname "$out")
	[ -f "$src" ] || src=tests/gt/progs/$name.cc
	case $link in
	# static C++: libgcc's unwinder then sorts every FDE of the binary at
	# the first throw (frames registered by crtbeginT.o), millions of
	# instructions; a static PIE finds them through .eh_frame_hdr
	static) [ "$name" = exceptions ] && extra=-static-pie || extra="-static -no-pie" ;;
	pie) extra="-pie -fPIE" ;;
	*) echo "not ok gt-build-$name: link mode '$link'"; return 1 ;;
	esac
	cc=$(gt_prog_cc "$name")
	if [ "$name" = plt ]; then
		# the library linked (PLT calls, lazily bound) and the one dlopen()ed
		gcc -O1 -shared -fPIC -Wl,-soname,libgtplt.so -o "$dir/libgtplt.so" \
			tests/gt/progs/plt_lib.c 2> "$out.cc.err" &&
		gcc -O1 -shared -fPIC -DGT_DL -o "$dir/libgtdl.so" \
			tests/gt/progs/plt_lib.c 2>> "$out.cc.err" ||
			{ echo "not ok gt-build-$name: $(head -1 "$out.cc.err")"; return 1; }
		extra="$extra -L$dir -lgtplt -ldl -Wl,-z,lazy -Wl,-rpath,\$ORIGIN"
	fi
	# shellcheck disable=SC2086
	$cc -o "$out" "$src" $extra 2> "$out.cc.err" ||
		{ echo "not ok gt-build-$name: $(head -1 "$out.cc.err")"; return 1; }
}

# gt_prog_base BINARY MAP: the load bias BINARY ran at (hex): 0 for an
# executable, for a static PIE the section of gt-record's OUT.map
# ("vaddr size offset" lines) of its executable segment's page-rounded
# size, less the segment's page-aligned vaddr
gt_prog_base() {
	local vaddr len base size
	read -r vaddr len < <(readelf -lW "$1" | awk '$1 == "LOAD" && / E / {print $3, $6; exit}')
	if [ "$(readelf -hW "$1" | awk '/Type:/ {print $2}')" != DYN ]; then
		echo 0
		return
	fi
	while read -r base size _; do
		if [ $((size)) = $(((vaddr % 4096 + len + 4095) / 4096 * 4096)) ]; then
			printf '%#x\n' $((base - vaddr / 4096 * 4096))
			return
		fi
	done < "$2"
	echo "gt_prog_base: no mapping of $1 in $2" >&2
	return 1
}

# gt_prog_load BINARY MAP: "START LEN PGOFF" of BINARY's executable
# segment where it ran (pd-gen's mapping)
gt_prog_load() {
	local base vaddr len off
	base=$(gt_prog_base "$1" "$2") || return
	read -r vaddr len off < <(readelf -lW "$1" |
		awk '$1 == "LOAD" && / E / {print $3, $6, $2; exit}')
	printf '%#x %s %s\n' $((base + vaddr)) "$len" "$off"
}

# gt_prog_pd_gen BINARY LINK REC PT DATA: wraps the trace PT of BINARY
# (built LINK, recorded by gt-record into REC.*) into the perf.data DATA:
# static, BINARY's executable segment where it ran (REC.map); pie, an MMAP2
# per file mapping gt-record listed (REC.files, each at the time it
# appeared) and the MTC clock, so that decoders time the trace finely
# enough to meet a dlopen()ed library's MMAP2 before its first branch
gt_prog_pd_gen() {
	local bin=$1 link=$2 rec=$3 pt=$4 data=$5 load
	if [ "$link" = pie ]; then
		"${B:-build}/tests/tools/pd-gen" --gt-clock --maps "$rec.files" "$data" "$pt"
		return
	fi
	load=$(gt_prog_load "$bin" "$rec.map") || return
	# shellcheck disable=SC2086
	"${B:-build}/tests/tools/pd-gen" "$data" "$pt" "$bin" $load
}

# gt_prog_syms BINARY LINK REC ADDR...: sym_lookup's line for each ADDR
# (where it ran) from the file that held it: static, BINARY at its load
# bias (REC.map); pie, each file gt-record listed (REC.files) at the bias
# its mapping gives, the ADDRs inside that mapping
gt_prog_syms() {
	local bin=$1 link=$2 rec=$3 start len pgoff path base sel
	shift 3
	if [ "$link" != pie ]; then
		base=$(gt_prog_base "$bin" "$rec.map") || return
		"${B:-build}/tests/tools/sym_lookup" --load-base "$base" "$bin" "$@"
		return
	fi
	while read -r start len pgoff _ path; do
		sel=$(for a in "$@"; do
			[ $((a - start)) -ge 0 ] && [ $((a - start)) -lt $((len)) ] && echo "$a"
		done)
		[ -n "$sel" ] || continue
		# the bias: the start less the page of its segment's vaddr
		base=
		while read -r off vaddr; do
			if [ $((off / 4096 * 4096)) = $((pgoff)) ]; then
				base=$(printf '%#x' $((start - vaddr / 4096 * 4096)))
				break
			fi
		done < <(readelf -lW "$path" | awk '$1 == "LOAD" {print $2, $3}')
		[ -n "$base" ] || { echo "gt_prog_syms: no segment of $path at $pgoff" >&2; return 1; }
		# shellcheck disable=SC2086
		"${B:-build}/tests/tools/sym_lookup" --load-base "$base" "$path" $sel | grep -v '^source' ||
			return
	done < "$rec.files"
}
