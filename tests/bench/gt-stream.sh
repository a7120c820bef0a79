# Sourced by the benchmarks that decode ground truth: builds the tools
# (tests/gt/build-tools.sh) and makes the stream they decode, once, kept in
# build/tests/gt/bench.
. tests/gt/build-tools.sh

# gt_bench_tools NAME: 0 when the tools are there; else says why as NAME and
# returns 1 (they do not build) or 77 (skipped: no libipt, ...).
gt_bench_tools() {
	if [ "$GT_SKIP" = build ]; then
		echo "$1: cannot build the ground-truth tools" >&2
		return 1
	elif [ -n "$GT_SKIP" ]; then
		echo "$1: $GT_SKIP" >&2
		return 77
	fi
}

# gt_bench_stream N: tests/gt/progs/indirect.c single-stepped by gt-record
# with N iterations; sets dir (the binary is $dir/indirect) and base
# ($base.pt returns as TIP, $base-rc.pt compressed, .branches each).
# Returns 77 when gt-record cannot trace here (no ptrace), 1 on failure.
gt_bench_stream() {
	dir=$GT_BIN/bench
	base=$dir/indirect-$1
	mkdir -p "$dir" || return 1
	[ -s "$base-rc.pt" ] && return 0
	gcc -O1 -static -no-pie -o "$dir/indirect" tests/gt/progs/indirect.c || return 1
	if ! "$GT_BIN/gt-record" "$base" -- "$dir/indirect" "$1" > "$base.rec" 2>&1; then
		cat "$base.rec" >&2
		return 77
	fi
}
