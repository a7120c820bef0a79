#!/usr/bin/env python3
# The order `auxrec script --json` must give the events of a recording
# whose buffers are merged by time, from the same script's output with
# the buffers one after another (AUXREC_NO_MERGE=1):
#
#   merge-time-ref.py expect PLAIN > WANT
#       the JSON lines of PLAIN (one buffer's events after another's, each
#       in its order) merged by time: an event without time ("time" 0 or
#       missing) keeps the time of the one before it in its buffer; ties go
#       to the buffer that comes first in PLAIN. Tracepoint samples
#       ("type":"tracepoint") go before the first event of a later time.
#   merge-time-ref.py truth OURS CPU:BRANCHES:TIMES...
#       OURS: auxrec's JSON lines; for each CPU, in the order its processes
#       ran, the ground truth (tests/gt: a flow's BRANCHES and the TSC of
#       each, TIMES; perf time = TSC * 1000 / 1024, pd-gen --gt-clock). The
#       branches, trace starts and ends of OURS must be the true ones of
#       every CPU, at their true times, in true time order (ties: the lower
#       CPU first). Prints how many events, exit 1 with the first wrong one.
#   merge-time-ref.py perf PERF_LINES OURS [CPU:BRANCHES:TIMES...]
#       PERF_LINES: `perf script --itrace=b -F cpu,ip,addr` lines; OURS:
#       auxrec's JSON lines. Both must hold the same branches per CPU, and
#       each branch must have about as many branches of the other CPUs
#       before it in both: prints the largest difference, how many differ
#       and where perf's decode leaves the ground truth (perf times a branch
#       by the last MTC before it: its order among the CPUs' is close to the
#       true one, not the same). With the ground truth, a CPU whose branches
#       perf decodes otherwise (Debian's perf 6.1 lost 1,386 of CPU 0's
#       20,368 from the 6828th on, twice in CI runs) is compared up to there.
import heapq
import json
import sys


def expect(plain):
	streams, tps = {}, []
	for line in open(plain):
		o = json.loads(line)
		if o.get("type") == "tracepoint":
			tps.append((o["time"], line))
			continue
		streams.setdefault(o.get("cpu", -1), []).append((o.get("time", 0) or 0, line))
	keyed = []
	for order, (cpu, evs) in enumerate(streams.items()):
		last, s = 0, []
		for t, line in evs:
			last = t or last
			s.append((last, order, line))
		keyed.append(s)
	tps.sort(key=lambda x: x[0])
	k = 0
	out = sys.stdout
	for key, _, line in heapq.merge(*keyed):
		while k < len(tps) and tps[k][0] < key:
			out.write(tps[k][1])
			k += 1
		out.write(line)
	for _, line in tps[k:]:
		out.write(line)


def truth(ours, specs):
	streams = []
	for spec in specs:
		cpu, branches, times = spec.split(":")
		s = []
		for line, t in zip(open(branches), open(times)):
			_, frm, to, _ = line.split()
			s.append((int(t) * 1000 >> 10, int(cpu), int(frm, 16), int(to, 16)))
		streams.append(s)
	want = list(heapq.merge(*streams))
	got = []
	for line in open(ours):
		o = json.loads(line)
		if o.get("type") in ("branch", "trace_begin", "trace_end"):
			got.append((o.get("time", 0), o["cpu"], int(o["from"], 16), int(o["to"], 16)))
	for i, (w, g) in enumerate(zip(want, got)):
		if w != g:
			print("event %d: (time, cpu, from, to) %s, want %s" % (i, g, w))
			return 1
	if len(want) != len(got):
		print("%d events, want %d" % (len(got), len(want)))
		return 1
	print(len(got))
	return 0


def others_before(seq):
	"""For each (cpu, branch) in order: how many branches of other CPUs came before."""
	count, res = {}, []
	total = 0
	for cpu, br in seq:
		res.append(((cpu, br, count.get((cpu, br), 0)), total - count.get(cpu, 0)))
		count[(cpu, br)] = count.get((cpu, br), 0) + 1
		count[cpu] = count.get(cpu, 0) + 1
		total += 1
	return dict(res)


def true_branches(specs):
	"""The ground truth's (from, to) per CPU, its processes' in order."""
	cpus = {}
	for spec in specs:
		cpu, branches, _ = spec.split(":")
		for line in open(branches):
			_, frm, to, _ = line.split()
			cpus.setdefault(int(cpu), []).append((int(frm, 16), int(to, 16)))
	return cpus


def perf(perf_lines, ours, specs):
	p = []
	for line in open(perf_lines):
		f = line.split()
		if len(f) < 4 or f[2] != "=>":
			continue
		p.append((int(f[0].strip("[]")), (int(f[1], 16), int(f[3], 16))))
	a = []
	for line in open(ours):
		o = json.loads(line)
		if o.get("type") not in ("branch", "trace_begin", "trace_end"):
			continue
		a.append((o["cpu"], (int(o["from"], 16), int(o["to"], 16))))
	truth, cut, note = true_branches(specs), {}, ""
	for cpu, want in truth.items():
		got = [b for c, b in p if c == cpu]
		if got != want:
			i = next((k for k, (x, y) in enumerate(zip(got, want)) if x != y),
				 min(len(got), len(want)))
			cut[cpu] = i
			note += "; perf leaves the ground truth of CPU %d at its branch %d of %d" % (
				cpu, i, len(want))
	if cut:
		p = prefix(p, cut)
		a = prefix(a, cut)
	for cpu in sorted({c for c, _ in p} | {c for c, _ in a}):
		bp, ba = [b for c, b in p if c == cpu], [b for c, b in a if c == cpu]
		if cut:	# prefixes cut by time: as many as both have
			m = min(len(bp), len(ba))
			bp, ba = bp[:m], ba[:m]
		if bp != ba:
			i = next((k for k, (x, y) in enumerate(zip(bp, ba)) if x != y), min(len(bp), len(ba)))
			print("cpu %d: other branches than perf's (%d against perf's %d; the %dth: %s, perf %s)" %
			      (cpu, len(ba), len(bp), i,
			       "%x=>%x" % ba[i] if i < len(ba) else "none",
			       "%x=>%x" % bp[i] if i < len(bp) else "none"))
			return 1
	bp, ba = others_before(p), others_before(a)
	diffs = [abs(bp[k] - ba[k]) for k in ba if k in bp]
	print("%d %d" % (max(diffs), sum(1 for d in diffs if d)))
	if note:
		print(note[2:])
	return 0


def prefix(seq, cut):
	"""seq up to the first branch of a CPU at or past its cut."""
	n = {}
	for k, (cpu, _) in enumerate(seq):
		if n.get(cpu, 0) >= cut.get(cpu, len(seq)):
			return seq[:k]
		n[cpu] = n.get(cpu, 0) + 1
	return seq


if __name__ == "__main__":
	if sys.argv[1] == "expect":
		expect(sys.argv[2])
	elif sys.argv[1] == "truth":
		sys.exit(truth(sys.argv[2], sys.argv[3:]))
	else:
		sys.exit(perf(sys.argv[2], sys.argv[3], sys.argv[4:]))
