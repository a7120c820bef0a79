#!/usr/bin/env python3
# Tracepoint samples among the branches of a timed Intel PT trace, as
# `auxrec script --json` and Debian's `perf script --ns --itrace=b` order
# them, against the ground truth (tests/gt: BRANCHES, TIMES: the TSC each
# true event must carry; perf time = TSC * 1000 / 1024, pd-gen's TIME_CONV).
#
#   tp-order.py BRANCHES TIMES AUXREC_JSON PERF_SCRIPT
#
# Checks, one line per problem, exit 1:
# - both list the true branches, in order, and the same tracepoint samples;
# - auxrec puts each tracepoint sample after exactly the true events whose
#   true time is at or before its time (the ground truth's order);
# - perf puts it after exactly the events perf times at or before it;
# - where the two place a sample differently, the difference is the events
#   perf times on the other side of the sample than the ground truth does
#   (perf 6.1 gives a direct branch decoded before an MTC packet the time
#   before that MTC; counted and printed): no other difference is allowed.
# Prints a summary line.
import json
import re
import sys


def truth(branches, times):
	evs = []
	for line, t in zip(open(branches), open(times)):
		_, frm, to, _ = line.split()
		evs.append((int(frm, 16), int(to, 16), int(t) * 1000 >> 10))
	return evs


def auxrec(path):
	"""(branches [(from, to, time)], ticks [(seq, time, branches before)])"""
	br, ticks = [], []
	for line in open(path):
		e = json.loads(line)
		if e['type'] == 'tracepoint':
			ticks.append((e['fields']['seq'], e['time'], len(br)))
		elif 'from' in e and 'to' in e:
			br.append((int(e['from'], 16), int(e['to'], 16), e.get('time', 0)))
	return br, ticks


def perf(path):
	br, ticks = [], []
	for line in open(path):
		m = re.search(r' (\d+)\.(\d{9}): ', line)
		if not m:
			continue
		t = int(m.group(1)) * 10**9 + int(m.group(2))
		if 'test:tick:' in line:
			ticks.append((int(re.search(r'seq=(\d+)', line).group(1)), t, len(br)))
		elif 'branches:' in line:
			b = re.search(r'branches:\S*\s+([0-9a-f]+) .*=>\s+([0-9a-f]+)', line)
			br.append((int(b.group(1), 16), int(b.group(2), 16), t))
	return br, ticks


def main(branches, times, aux_json, perf_txt):
	want = truth(branches, times)
	abr, aticks = auxrec(aux_json)
	pbr, pticks = perf(perf_txt)
	bad = []
	for name, got in (('auxrec', abr), ('perf', pbr)):
		if [b[:2] for b in got] != [w[:2] for w in want]:
			bad.append('%s: %d branches, not the %d true ones' % (name, len(got), len(want)))
	if [t[:2] for t in aticks] != [t[:2] for t in pticks] or not aticks:
		bad.append('tracepoint samples differ: auxrec %s, perf %s' % (aticks, pticks))
	if bad:
		print('\n'.join(bad))
		return 1
	moved = 0
	for (seq, t, apos), (_, _, ppos) in zip(aticks, pticks):
		true_pos = sum(1 for w in want if w[2] <= t)
		perf_pos = sum(1 for b in pbr if b[2] <= t)
		if apos != true_pos:
			bad.append('auxrec puts tick %d after %d branches, the true order %d' %
				   (seq, apos, true_pos))
		if ppos != perf_pos:
			bad.append('perf puts tick %d after %d branches, its times say %d' %
				   (seq, ppos, perf_pos))
		other_side = sum(1 for w, b in zip(want, pbr) if (w[2] <= t) != (b[2] <= t))
		if abs(apos - ppos) != other_side:
			bad.append('tick %d: auxrec after %d branches, perf after %d, and perf times %d '
				   'of them on the other side' % (seq, apos, ppos, other_side))
		moved += apos != ppos
	if bad:
		print('\n'.join(bad))
		return 1
	print('%d branches, %d tracepoint samples in the true order; perf places %d of them '
	      'elsewhere, by its earlier time of a branch before an MTC' % (len(want), len(aticks), moved))
	return 0


if __name__ == '__main__':
	sys.exit(main(*sys.argv[1:]))
