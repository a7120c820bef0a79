#!/bin/bash
# External decoder plugins: a shared object in $AUXREC_PLUGIN_DIR registers
# a decoder that `auxrec list` and `auxrec version` report and `auxrec dump --raw` uses (its
# packet descriptions rendered by auxrec as text, JSON and --stats, errors
# inline); nothing is loaded from any other directory; a broken plugin
# gives a warning, not a crash.
cd "$(dirname "$0")/../.." || exit 1
# the auxrec under test ($AUXREC), by its absolute path: one check runs it from elsewhere
A=$(realpath "${AUXREC:-./auxrec}")
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/plugins" "$tmp/elsewhere"
if ! ${CC:-cc} -I. -shared -fPIC -O2 -Wall -Wextra -Werror -o "$tmp/plugins/auxtest.so" \
	tests/plugin/auxtest_decoder.c; then
	echo "not ok plugin_builds"; exit 1
fi
echo "ok plugin_builds"
# 3 words of stream 1 (seq 0,1,2), then stream 2 seq 5, a bad word, stream 2 seq 6
python3 -c '
import struct, sys
w = [(1 << 48) | 0, (1 << 48) | 1, (1 << 48) | 2, (2 << 48) | 5, 0xffff << 48, (2 << 48) | 6]
sys.stdout.buffer.write(b"".join(struct.pack("<Q", x) for x in w))' > "$tmp/raw"

out=$(AUXREC_PLUGIN_DIR=$tmp/plugins "$A" dump --raw "$tmp/raw" --pmu auxtest 2>&1)
want='0000000000000000  run        stream 1 first 0 last 2
0000000000000018  run        stream 2 first 5 last 5
0000000000000020  error: not a pattern word
0000000000000028  run        stream 2 first 6 last 6'
if [ "$out" = "$want" ]; then
	echo "ok plugin_dump_raw"
else
	echo "not ok plugin_dump_raw: $out"
fi
out=$(AUXREC_PLUGIN_DIR=$tmp/plugins "$A" dump --raw "$tmp/raw" --pmu auxtest --json 2>&1)
python3 -c '
import json, sys
r = [json.loads(l) for l in sys.stdin]
assert r[0] == {"offset": 0, "size": 24, "packet": "run", "stream": 1, "first": 0, "last": 2}, r
assert r[2] == {"offset": 32, "error": "not a pattern word"}, r
assert len(r) == 4, r' <<<"$out" &&
	echo "ok plugin_dump_json" || echo "not ok plugin_dump_json: $out"
out=$(AUXREC_PLUGIN_DIR=$tmp/plugins "$A" dump --raw "$tmp/raw" --pmu auxtest --stats 2>&1)
grep -q '^run  *3  *40$' <<<"$out" && grep -q '^errors  *1$' <<<"$out" &&
	echo "ok plugin_dump_stats" || echo "not ok plugin_dump_stats: $out"

# auxrec version names the plugin's file after the built-in decoders
out=$(AUXREC_PLUGIN_DIR=$tmp/plugins "$A" version 2>&1)
grep -qx "decoders: intel_pt, intel_bts, arm_spe, cs_etm, auxtest (plugin $tmp/plugins/auxtest.so)" <<<"$out" &&
	grep -qx "decoder plugins: ABI [0-9]*, from $tmp/plugins" <<<"$out" &&
	echo "ok plugin_version_lists" || echo "not ok plugin_version_lists: $out"
out=$(AUXREC_PLUGIN_DIR=$tmp/plugins "$A" version --json 2>&1)
python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["decoders"][-1] == {"pmu": "auxtest", "plugin": sys.argv[1] + "/auxtest.so"}, d["decoders"]
assert d["plugin_dir"] == sys.argv[1], d["plugin_dir"]' "$tmp/plugins" <<<"$out" &&
	echo "ok plugin_version_json" || echo "not ok plugin_version_json: $out"

# only the configured directory: the same plugin elsewhere is not loaded
mv "$tmp/plugins/auxtest.so" "$tmp/elsewhere/"
out=$(cd "$tmp/elsewhere" && AUXREC_PLUGIN_DIR=$tmp/plugins "$A" dump --raw "$tmp/raw" --pmu auxtest 2>&1); rc=$?
[ $rc = 1 ] && grep -q 'auxtest' <<<"$out" && echo "ok plugin_dir_only" || echo "not ok plugin_dir_only: rc $rc: $out"

# a broken plugin: a warning and the built-in decoders still work
echo "not an ELF file" > "$tmp/plugins/broken.so"
out=$(AUXREC_PLUGIN_DIR=$tmp/plugins "$A" dump --raw "$tmp/raw" --pmu intel_pt --stats 2>&1); rc=$?
[ $rc -le 1 ] && grep -q 'warning: cannot load decoder plugin' <<<"$out" && echo "ok plugin_broken_warns" ||
	echo "not ok plugin_broken_warns: rc $rc: $out"
