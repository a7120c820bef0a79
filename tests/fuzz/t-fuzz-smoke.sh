#!/bin/bash
# Runs every libFuzzer target for about 10 seconds (tests/fuzz/run 10):
# one ok/not ok line per target; skip when clang's libFuzzer is missing.
cd "$(dirname "$0")/../.." || exit 1
if ! echo 'int LLVMFuzzerTestOneInput(const char *d, long n){return 0;}' |
     ${FUZZ_CC:-clang} -fsanitize=fuzzer -x c -o /dev/null - 2>/dev/null; then
	echo "skip fuzz-smoke: clang with libFuzzer not available"
	exit 0
fi
log=build/fuzz/smoke.log
mkdir -p build/fuzz
timeout 600 tests/fuzz/run "${FUZZ_SECONDS:-10}" > "$log" 2>&1
cat "$log"
for t in tests/fuzz/fuzz_*.c; do
	name=$(basename "$t" .c)
	if grep -q "^$name: " "$log"; then
		echo "not ok $name: $(grep "^$name: " "$log" | head -1)"
	elif grep -q "^== $name: running" "$log"; then
		echo "ok $name"
	else
		echo "not ok $name: did not run"
	fi
done
