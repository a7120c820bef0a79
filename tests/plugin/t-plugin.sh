#!/bin/bash
# External decoder plugins: a shared object in $AUXREC_PLUGIN_DIR registers
# a decoder that `auxrec list` reports and `auxrec dump --raw` uses; nothing
# is loaded from any other directory; a broken plugin gives a warning, not a
# crash.
cd "$(dirname "$0")/../.." || exit 1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/plugins" "$tmp/elsewhere"
if ! ${CC:-cc} -I. -shared -fPIC -O2 -Wall -Wextra -Werror -o "$tmp/plugins/auxtest.so" \
	tests/plugin/auxtest_decoder.c; then
	echo "not ok plugin_builds"; exit 1
fi
echo "ok plugin_builds"
# 3 words of stream 1 (seq 0,1,2), then stream 2 seq 5
python3 -c '
import struct, sys
w = [(1 << 48) | 0, (1 << 48) | 1, (1 << 48) | 2, (2 << 48) | 5]
sys.stdout.buffer.write(b"".join(struct.pack("<Q", x) for x in w))' > "$tmp/raw"

out=$(AUXREC_PLUGIN_DIR=$tmp/plugins ./auxrec dump --raw "$tmp/raw" --pmu auxtest 2>&1)
if grep -q 'stream 1 seq 0\.\.2' <<<"$out" && grep -q 'stream 2 seq 5\.\.5' <<<"$out"; then
	echo "ok plugin_dump_raw"
else
	echo "not ok plugin_dump_raw: $out"
fi
out=$(AUXREC_PLUGIN_DIR=$tmp/plugins ./auxrec dump --raw "$tmp/raw" --pmu auxtest --json 2>&1)
python3 -c 'import json,sys; r=[json.loads(l) for l in sys.stdin]; assert r[0]["stream"]==1 and r[0]["last"]==2, r' <<<"$out" &&
	echo "ok plugin_dump_json" || echo "not ok plugin_dump_json: $out"

# only the configured directory: the same plugin elsewhere is not loaded
mv "$tmp/plugins/auxtest.so" "$tmp/elsewhere/"
out=$(cd "$tmp/elsewhere" && AUXREC_PLUGIN_DIR=$tmp/plugins "$OLDPWD/auxrec" dump --raw "$tmp/raw" --pmu auxtest 2>&1); rc=$?
[ $rc = 1 ] && grep -q 'auxtest' <<<"$out" && echo "ok plugin_dir_only" || echo "not ok plugin_dir_only: rc $rc: $out"

# a broken plugin: a warning and the built-in decoders still work
echo "not an ELF file" > "$tmp/plugins/broken.so"
out=$(AUXREC_PLUGIN_DIR=$tmp/plugins ./auxrec dump --raw "$tmp/raw" --pmu intel_pt --stats 2>&1); rc=$?
[ $rc -le 1 ] && grep -q 'warning: cannot load decoder plugin' <<<"$out" && echo "ok plugin_broken_warns" ||
	echo "not ok plugin_broken_warns: rc $rc: $out"
