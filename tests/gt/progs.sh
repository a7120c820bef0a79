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
# those that can be built static (plt needs its shared libraries)
GT_PROGS_STATIC="loops recursion indirect signal setjmp jumptable tailcall simd deep exceptions"

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
