#!/bin/bash
# Sourced by guest checks: errcheck DIR NAME TEXT [PREFIX] prints ok when
# DIR/NAME.rc is 1 and DIR/NAME.out is one line matching TEXT (a bad
# argument refused with one clear line), else not ok with what it got.
errcheck() {
	local dir=$1 n=$2 text=$3 prefix=$4 rc
	rc=$(cat "$dir/$n.rc" 2>/dev/null)
	if [ "$rc" = 1 ] && [ "$(wc -l < "$dir/$n.out")" = 1 ] && grep -q "$text" "$dir/$n.out"; then
		echo "ok $prefix$n"
	else
		echo "not ok $prefix$n: status $rc: $(cat "$dir/$n.out" 2>/dev/null)"
	fi
}
