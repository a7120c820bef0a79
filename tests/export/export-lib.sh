#!/bin/bash
# What the export checks (t-export.sh, t-export-seed.sh, t-export-migrate.sh)
# share, sourced from the top of the tree after A (auxrec) and B (its build
# directory) are set: a temporary directory $tmp (removed at exit), the
# ground-truth tools (tests/gt/build-tools.sh) and the helpers below.
PY="python3 tests/export/gt-calltree.py"
. tests/gt/build-tools.sh
. tests/gt/progs.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# NAME CMD...: exit status 0, or "not ok NAME" with stderr
run() {
	local name=$1
	shift
	if ! "$@" 2> "$tmp/err"; then
		echo "not ok $name: $* failed: $(head -3 "$tmp/err")"
		return 1
	fi
}

# NAME CHECK ARGS...: a gt-calltree.py check
check() {
	local name=$1 out
	shift
	if out=$($PY "$@" 2>&1); then
		echo "ok $name (${out##*$'\n'})"
	else
		echo "not ok $name: $(head -5 <<<"$out")"
	fi
}

# NAME JSON: the Chrome export JSON validates against its schema
schema_check() {
	local out
	if out=$(python3 tests/tools/json_check.py --doc docs/schema/export-chrome.schema.json \
		 "$2" 2>&1); then
		echo "ok $1"
	else
		echo "not ok $1: $out"
	fi
}

# NAME JSON PFTRACE: the Perfetto export PFTRACE, its packets unpacked and
# decoded by protoc, holds the slices of the Chrome export JSON
perfetto_check() {
	local name=$1 json=$2 pf=$3
	if ! command -v protoc > /dev/null || ! command -v zstd > /dev/null; then
		echo "skip $name: protoc or zstd missing (Debian protobuf-compiler, zstd)"
	elif python3 tests/export/perfetto-unpack.py "$pf" "$pf.raw" > /dev/null 2> "$tmp/err" &&
	     protoc --decode=perfetto.protos.Trace -I tests/export perfetto_subset.proto \
		< "$pf.raw" > "$pf.txt" 2> "$tmp/err"; then
		check "$name" check-proto "$json" "$pf.txt"
	else
		echo "not ok $name: unpack or protoc: $(head -3 "$tmp/err")"
	fi
}
