#!/usr/bin/env python3
# The call tree implied by a ground-truth flow (tests/gt: OUT.branches, the
# true events), worked out here independently of auxrec's call-stack
# builder, compared with what `auxrec export` wrote for the same trace.
# Times are those auxrec's decoder gives each event (TIMES: `auxrec script
# --json` of the recording, one line per true event, which must agree on
# every address): the flow decoder's times are checked against the ground
# truth's clock by tests/gt/t-flow-ground-truth.sh.
#
#   gt-calltree.py addrs BRANCHES [STACK...]    addresses to name (for sym_lookup)
#   gt-calltree.py check-json BRANCHES TIMES|insns SYMS JSON [STACK [LATE]]
#       SYMS: sym_lookup's lines for those addresses; JSON: export -f chrome.
#       The X events must be the reference slices, in pre-order, with the
#       same names, times and flags, and each must lie inside its parent.
#       insns: the JSON of `export -c insns`, whose clock is the count of
#       instructions (of the true flow: the events' instruction counts).
#       STACK (gt-record --start): the true stack where the trace starts,
#       "ENTRY RESUME" per frame, outermost first (RESUME: the return
#       address into the frame; the innermost's is where the trace starts):
#       the export must have seeded the first stack with its callers
#       (from_stack_sample), outermost _start, main among them. Without
#       STACK, the outermost frame says callers_unknown.
#       LATE (gt-record --late-sample): the true stack where the trace first
#       stops at a syscall, sampled there and not at the start: the stack
#       starts with unknown callers, and at that stop takes the frames of
#       LATE beyond those the trace knows as its outermost frames'
#       callers (from_stack_sample); names, nesting and times must then be
#       those of the start seeded with STACK.
#   gt-calltree.py check-folded BRANCHES SYMS FOLDED [STACK]
#       Folded stacks: the instructions of each stack as the reference counts.
#   gt-calltree.py top-self JSON N
#       The N functions of most own time in a Chrome JSON export (what a
#       viewer's table of self time must list first), one per line.
#   gt-calltree.py drop-moves SCRIPT MOVES
#       `auxrec script --json` of a thread that moved between CPUs MOVES
#       times (pd-gen --bounce: switched out and in again, its trace ending
#       asynchronously and starting again where it stopped, on the other
#       CPU), without those stops and starts (their instructions counted
#       in the next event): the events of the true flow. Exits 1 unless it
#       found MOVES of them, each onto the other CPU.
#   gt-calltree.py thread-json JSON TID
#       The Chrome JSON export JSON with the events of thread TID alone (a
#       recording of several threads: each checked against its own flow).
#   gt-calltree.py check-proto JSON PROTO_TEXT
#       PROTO_TEXT: `protoc --decode` of the perfetto export: its begin/end
#       pairs must hold the same slices as the JSON.
# The rules (those of lib/output/call_stack.c, stated on the true flow): a
# call pushes a frame named after its target; a return pops to the frame
# whose call site is 1..15 bytes before its target; one above the first
# frame makes the function returned to the new outermost frame; tracing
# stopped asynchronously and resumed elsewhere entered a handler, left when
# tracing resumes where it stopped; lost trace (overflow) ends every frame,
# and the next event starts a new stack; a stack with no seed has unknown callers,
# and keeps saying so at the outermost frame as returns find new ones; a
# seeded one starts with the frames of STACK, which returns then find.
# Prints one line per problem; exits 1.
import collections
import json
import sys


def decoded_times(branches, script):
	"""The time of each true event, from the decoder's line for it."""
	out = []
	for (kind, frm, to, n), line in zip(events(branches), open(script)):
		e = json.loads(line)
		if int(e['from'], 16) != frm or int(e['to'], 16) != to or e['insn_count'] != n:
			raise SystemExit('decoded event %d differs from the true one: %s' % (len(out), line))
		out.append(e.get('time', 0))
	if len(out) != sum(1 for _ in open(branches)) or len(out) != sum(1 for _ in open(script)):
		raise SystemExit('decoded events are not the true ones (count)')
	return out


def events(path):
	for line in open(path):
		kind, frm, to, n = line.split()
		yield kind, int(frm, 16), int(to, 16), int(n)


def load_stack(path):
	return [tuple(int(x, 16) for x in line.split()) for line in open(path)] if path else None


def addrs(path, *stacks):
	seen = set()
	for stack in stacks:
		for entry, _ in load_stack(stack):
			if entry not in seen:
				seen.add(entry)
				print('%#x' % entry)
	first = True
	for kind, frm, to, n in events(path):
		want = []
		if first:
			want = [frm or to]
			first = False
		if kind == 'overflow':	# the next event starts a new stack
			first = True
			continue
		if kind in ('call', 'return', 'tr_strt', 'async', 'syscall', 'sysret'):
			want.append(to)
		for a in want:
			if a and a not in seen:
				seen.add(a)
				print('%#x' % a)


def load_syms(path):
	names = {}
	for line in open(path):
		f = line.split()
		if len(f) >= 5 and f[0] != 'source':
			sym = ' '.join(f[1:-3])	# a C++ name may hold spaces: "operator new+0x0"
			names[int(f[0], 16)] = sym.rsplit('+', 1)[0] if sym != '[unknown]' else '%#x' % int(f[0], 16)
	return names


Slice = collections.namedtuple('Slice', 'start end seq level name flags self_insns cuts',
			       defaults=(0,))


def reference(branches, times, names, seed=None, late=None):
	"""The slices of the true flow (one thread), in pre-order, with depths."""
	stack, done = [], []
	seq, root_seq, level_min = 0, -1, 0
	epoch = last = cuts = 0	# cuts: stacks ended by lost trace so far
	pending = None
	if times == 'insns':	# the instruction clock, in the JSON's microseconds
		tlist, n_all = [], 0
		for _, _, _, n in events(branches):
			n_all += n
			tlist.append(n_all * 1000)
	else:
		tlist = decoded_times(branches, times) if times else None

	def push(name, level, s, start, site, flags):
		nonlocal level_min
		stack.append({'name': name, 'level': level, 'seq': s, 'start': start,
			      'site': site, 'flags': set(flags), 'self': 0})
		level_min = min(level_min, level)

	def pop_to(i, t, flags=()):
		while len(stack) > i:
			f = stack.pop()
			done.append(Slice(f['start'], t, f['seq'], f['level'], f['name'],
					  (f['flags'] - {'site', 'async'}) | set(flags), f['self'], cuts))

	def start(addr, t):
		"""The first frame, at addr, below the callers of the seed (once)."""
		nonlocal seq, epoch, seed
		epoch = t
		site, flags = 0, {'began_before_trace', 'callers_unknown'}
		if seed and len(seed) > 1:
			k = len(seed) - 1
			for j in range(k):
				push(names[seed[j][0]], j - k, seq, t, seed[j - 1][1] - 1 if j else 0,
				     {'began_before_trace', 'from_stack_sample'} | ({'site'} if j else set()))
				seq += 1
			site, flags = seed[k - 1][1] - 1, {'began_before_trace', 'site'}
		seed = None
		push(names[addr], 0, seq, t, site, flags)
		seq += 1

	def seed_late():
		"""The callers of the outermost frame: LATE's frames beyond the live ones."""
		nonlocal root_seq, late, level_min
		k = len(late) - len(stack)
		if k < 0:
			raise SystemExit('the late stack is shallower than the stack the trace knows')
		stack[0]['flags'] -= {'callers_unknown'}
		if k:
			stack[0]['site'] = late[k - 1][1] - 1
			stack[0]['flags'] |= {'site'}
		for j in range(k - 1, -1, -1):	# innermost first: root seqs count down
			stack.insert(0, {'name': names[late[j][0]], 'level': stack[0]['level'] - 1,
					 'seq': root_seq, 'start': epoch, 'self': 0,
					 'site': late[j - 1][1] - 1 if j else 0,
					 'flags': {'began_before_trace', 'from_stack_sample'} |
					 ({'site'} if j else set())})
			root_seq -= 1
			level_min = min(level_min, stack[0]['level'])
		late = None

	def matches(f, to):
		if 'site' not in f['flags']:
			return False
		if 'async' in f['flags']:
			return to == f['site']
		return 0 < to - f['site'] <= 15

	for i, (kind, frm, to, n) in enumerate(events(branches)):
		t = max(tlist[i], last) if tlist and tlist[i] else 0	# a clock that steps back stands still
		last = t or last
		if stack:
			stack[-1]['self'] += n
		if not stack and (frm or to) and kind != 'tr_strt':
			start(frm, t)
		if kind == 'tr_strt':
			was, pending = pending, None
			if not stack:
				start(to, t)
				continue
			hit = [k for k in range(len(stack)) if 'async' in stack[k]['flags'] and matches(stack[k], to)]
			if hit:
				pop_to(hit[-1], t)
			elif was is not None and to != was:
				push(names[to], stack[-1]['level'] + 1, seq, t, was, {'site', 'async'})
				seq += 1
		elif kind == 'overflow':	# trace lost: the stack is unknown again
			pending = None
			pop_to(0, t, {'cut_by_lost_trace'})
			cuts += 1
		elif kind.startswith('tr_end'):
			if kind == 'tr_end/async':
				pending = frm
			elif late and stack and 0 < late[-1][1] - frm <= 15:
				seed_late()
		elif kind in ('call', 'syscall', 'async'):
			push(names[to], stack[-1]['level'] + 1, seq, t, frm,
			     {'site', 'async'} if kind == 'async' else {'site'})
			seq += 1
		elif kind in ('return', 'sysret'):
			hit = [k for k in range(len(stack)) if matches(stack[k], to)]
			if hit:
				pop_to(hit[-1], t)
			elif len(stack) <= 1 and to:
				level = stack[0]['level'] - 1
				unknown = stack[0]['flags'] & {'callers_unknown'}
				stack[0]['flags'] -= unknown
				pop_to(0, t)
				push(names[to], level, root_seq, epoch, 0, {'began_before_trace'} | unknown)
				root_seq -= 1
	if late:
		raise SystemExit('no trace stop where the late stack was sampled')
	pop_to(0, last, {'open_at_trace_end'})
	done.sort(key=lambda s: (s.start, s.cuts, s.seq))
	return [(s.level - level_min, s) for s in done]


def json_slices(path):
	doc = json.load(open(path))
	out = []
	for e in doc['traceEvents']:
		if e['ph'] != 'X':
			continue
		flags = {k for k, v in e.get('args', {}).items() if v is True}
		out.append((e['name'], round(e['ts'] * 1000), round(e['dur'] * 1000), flags, e['tid']))
	return doc, out


def check_seed(seed, names):
	"""The true stack must be worth seeding: deep, from _start through main."""
	outer = [names[e] for e, _ in seed[:-1]]
	if len(outer) < 4 or outer[0] != '_start' or 'main' not in outer:
		print('the true stack at the trace start is not deep from _start through main: %s' % outer)
		return 1
	return 0


def same_tree(late_ref, start_ref):
	"""Seeded late or at the start, the slices have one tree: names, levels, times."""
	key = [[(d, s.name, s.start, s.end) for d, s in r] for r in (late_ref, start_ref)]
	if key[0] != key[1]:
		print('seeded late, the slices differ from those seeded at the start: %s' %
		      (next(((a, b) for a, b in zip(*key) if a != b), (len(key[0]), len(key[1]))),))
		return 1
	return 0


def check_json(branches, times, syms, path, stack=None, late=None):
	names, seed = load_syms(syms), load_stack(stack)
	ref = reference(branches, times, names, None if late else seed, load_stack(late))
	doc, got = json_slices(path)
	bad = check_seed(seed, names) if seed else 0
	if late and seed:
		bad += same_tree(ref, reference(branches, times, names, seed))
	want_clock = 'instructions (1 us = 1 instruction)' if times == 'insns' else 'time'
	if doc['otherData']['clock'] != want_clock:
		print('clock is %s, want %s' % (doc['otherData']['clock'], want_clock))
		bad += 1
	if len(got) != len(ref):
		print('%d slices, want %d' % (len(got), len(ref)))
		bad += 1
	parents = []	# (depth, slice) of the open ancestors in this stack
	for k, ((depth, s), g) in enumerate(zip(ref, got)):
		want = (s.name, s.start, s.end - s.start, s.flags)
		if g[:4] != want:
			print('slice %d: %s, want %s' % (k, g[:4], want))
			bad += 1
		if k and s.cuts != ref[k - 1][1].cuts:
			parents = []	# a stack begun after lost trace
		while parents and parents[-1][0] >= depth:
			parents.pop()
		p = parents[-1][1] if parents else None
		if p and not (p[1] <= g[1] and g[1] + g[2] <= p[1] + p[2]):
			print('slice %d (%s) is not inside its parent %s' % (k, g[0], p[0]))
			bad += 1
		parents.append((depth, g))
		if bad > 10:
			break
	if not bad:
		calls = sum(1 for _, s in ref if not s.flags)
		print('%d slices, %d of them calls that returned, max depth %d%s' %
		      (len(ref), calls, max(d for d, _ in ref),
		       ', seeded with %s' % ';'.join(s.name for _, s in ref if 'from_stack_sample' in s.flags)
		       if seed or late else ''))
	return bad


def check_folded(branches, syms, path, stack=None):
	ref = reference(branches, None, load_syms(syms), load_stack(stack))
	want, path_of = collections.Counter(), []
	for depth, s in ref:
		del path_of[depth:]
		path_of.append(s.name)
		if s.self_insns:
			want[';'.join(path_of)] += s.self_insns
	got = collections.Counter()
	for line in open(path):
		stack, n = line.rsplit(' ', 1)
		got[stack] += int(n)
	if got != want:
		diff = set(got.items()) ^ set(want.items())
		print('folded stacks differ: %d stacks, want %d; e.g. %s' % (len(got), len(want), sorted(diff)[:3]))
		return 1
	print('%d stacks, %d instructions' % (len(got), sum(got.values())))
	return 0


def top_self(path, n):
	_, slices = json_slices(path)
	own, stack = collections.Counter(), []
	for name, ts, dur, _, _ in slices:	# pre-order: the parent is open
		while stack and not (stack[-1][1] <= ts and ts + dur <= stack[-1][1] + stack[-1][2]):
			stack.pop()
		own[name] += dur
		if stack:
			own[stack[-1][0]] -= dur
		stack.append((name, ts, dur))
	for name, _ in own.most_common(int(n)):
		print(name)


def proto_slices(text):
	"""Begin/end pairs of protoc's text, per sequence: (name, start, dur) in begin order."""
	names, seqs = {}, collections.defaultdict(lambda: {'now': 0, 'open': [], 'out': []})
	pkt, path, ann = None, [], {}
	out = []
	for line in open(text):
		line = line.strip()
		if line.endswith('{'):
			path.append(line[:-1].strip())
			if path == ['packet']:
				pkt = {}
			continue
		if line == '}':
			if path.pop() == 'debug_annotations' and ann.get('bool_value') == 'true':
				pkt.setdefault('flags', set()).add(json.loads(ann['name']))
			ann = {}
			if not path:
				sq = seqs[pkt['seq']]
				if 'clock' in pkt:
					sq['now'] = pkt['clock']
				elif 'type' in pkt:
					sq['now'] += pkt.get('ts', 0)
					if pkt['type'] == 'TYPE_SLICE_BEGIN':
						sl = [names[pkt['iid']], sq['now'], None, pkt.get('flags', set())]
						sq['open'].append(sl)
						out.append(sl)
					elif pkt['type'] == 'TYPE_SLICE_END':
						sl = sq['open'].pop()
						sl[2] = sq['now'] - sl[1]
			continue
		key, val = [x.strip() for x in line.split(':', 1)]
		where = '.'.join(path)
		if where == 'packet' and key == 'timestamp':
			pkt['ts'] = int(val)
		elif where == 'packet' and key == 'trusted_packet_sequence_id':
			pkt['seq'] = int(val)
		elif where == 'packet.clock_snapshot.clocks' and key == 'timestamp':
			pkt['clock'] = int(val)
		elif where == 'packet.track_event' and key == 'type':
			pkt['type'] = val
		elif where == 'packet.track_event' and key == 'name_iid':
			pkt['iid'] = int(val)
		elif where == 'packet.track_event.debug_annotations':
			ann[key] = val
		elif where == 'packet.interned_data.event_names':
			if key == 'iid':
				iid = int(val)
			elif key == 'name':
				names[iid] = json.loads(val)
	return [tuple(s) for s in out]


def check_proto(jpath, text):
	_, got_json = json_slices(jpath)
	want = [(n, ts, dur, flags) for n, ts, dur, flags, _ in got_json]
	got = proto_slices(text)
	if got != want:
		print('protobuf: %d slices, json %d; first difference: %s' %
		      (len(got), len(want), next(((a, b) for a, b in zip(got, want) if a != b), None)))
		return 1
	print('%d slices as in the JSON' % len(got))
	return 0


def thread_json(path, tid):
	doc = json.load(open(path))
	doc['traceEvents'] = [e for e in doc['traceEvents'] if e.get('tid') == int(tid)]
	print(json.dumps(doc))


def drop_moves(script, moves):
	lines = open(script).read().splitlines()
	ev = [json.loads(line) for line in lines]
	keep, carry, found, i = [], 0, 0, 0
	while i < len(ev):
		e = ev[i]
		nxt = ev[i + 1] if i + 1 < len(ev) else None
		if e['type'] == 'trace_end' and e.get('kind') == 'async' and nxt and \
		   nxt['type'] == 'trace_begin' and nxt['to'] == e['from'] and nxt['tid'] == e['tid']:
			if nxt['cpu'] == e['cpu']:
				raise SystemExit('line %d: stopped and started again on CPU %d' % (i + 1, e['cpu']))
			carry += e['insn_count'] + nxt['insn_count']
			found += 1
			i += 2
			continue
		if carry:
			e['insn_count'] += carry
			carry = 0
			keep.append(json.dumps(e, separators=(',', ':')))
		else:
			keep.append(lines[i])
		i += 1
	if found != int(moves):
		raise SystemExit('%d moves between CPUs in %s, want %s' % (found, script, moves))
	print('\n'.join(keep))


if __name__ == '__main__':
	cmd, args = sys.argv[1], sys.argv[2:]
	if cmd in ('addrs', 'top-self', 'drop-moves', 'thread-json'):
		{'addrs': addrs, 'top-self': top_self, 'drop-moves': drop_moves,
		 'thread-json': thread_json}[cmd](*args)
		sys.exit(0)
	sys.exit(1 if {'check-json': check_json, 'check-folded': check_folded,
		       'check-proto': check_proto}[cmd](*args) else 0)
