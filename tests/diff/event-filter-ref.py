#!/usr/bin/env python3
# event-filter-ref.py - the reference for t-event-filter.sh: what the
# decoding commands' --pid, --tid, --cpu, --comm and --time keep, computed
# from the unfiltered `auxrec script --json` of a recording.
#   picks ALL.json DIR   filters to try, chosen from the events (a pid, a tid,
#                        a CPU, a name, a time window over the middle third,
#                        open ones, two pids, combinations, one that matches
#                        nothing): DIR/picks has a line NAME<TAB>OPTIONS each,
#                        DIR/NAME.json the lines of ALL.json it keeps
#                        (unchanged), DIR/NAME.totals "insns branches errors"
#                        of them (what report counts)
#   keep ALL.json OPTS.. the lines of ALL.json those options keep
import json
import os
import sys


def events(path):
    with open(path, 'rb') as f:
        for raw in f:
            yield raw, json.loads(raw)


def seconds(ns):
    return '%d.%09d' % (ns // 1000000000, ns % 1000000000)


def picks(path, outdir):
    lines = list(events(path))
    evs = [e for _, e in lines]
    out = []

    def most(key):
        counts = {}
        for e in evs:
            v = e.get(key)
            if v is not None and (not isinstance(v, int) or v >= 0):
                counts[v] = counts.get(v, 0) + 1
        return sorted(counts, key=lambda v: (-counts[v], str(v)))

    pids, tids, cpus, comms = most('pid'), most('tid'), most('cpu'), most('comm')
    if pids:
        out.append(('pid', '--pid %d' % pids[0]))
    if len(pids) > 1:
        out.append(('pids', '--pid %d,%d' % (pids[-1], pids[0])))
    if tids:
        out.append(('tid', '--tid %d' % tids[-1]))
    if cpus:
        out.append(('cpu', '-C %d' % cpus[0]))
        out.append(('cpu-range', '--cpu 0-%d' % max(cpus)))
    if comms and ',' not in comms[0]:
        out.append(('comm', '--comm %s' % comms[0]))
    times = sorted(e['time'] for e in evs if e.get('time'))
    if times:
        lo, hi = times[len(times) // 3], times[2 * len(times) // 3]
        out.append(('time', '--time %s,%s' % (seconds(lo), seconds(hi))))
        out.append(('time-from', '--time %s,' % seconds(hi)))
        out.append(('time-until', '--time ,%s' % seconds(lo)))
        if pids:
            out.append(('pid-time', '--pid %d --time %s,%s' % (pids[0], seconds(lo),
                                                               seconds(hi))))
    out.append(('nothing', '--pid 2147483647'))
    with open(os.path.join(outdir, 'picks'), 'w') as p:
        for name, opts in out:
            p.write('%s\t%s\n' % (name, opts))
            f = parse_opts(opts.split())
            kept = [(raw, e) for raw, e in lines if passes(f, e)]
            with open(os.path.join(outdir, name + '.json'), 'wb') as j:
                j.writelines(raw for raw, _ in kept)
            with open(os.path.join(outdir, name + '.totals'), 'w') as t:
                t.write('%d %d %d\n' % totals(e for _, e in kept))


def parse_opts(args):
    f = {}
    i = 0
    while i < len(args):
        opt, val = args[i], args[i + 1]
        i += 2
        if opt == '--pid':
            f['pid'] = {int(x) for x in val.split(',')}
        elif opt == '--tid':
            f['tid'] = {int(x) for x in val.split(',')}
        elif opt in ('-C', '--cpu'):
            cpus = set()
            for part in val.split(','):
                a, _, b = part.partition('-')
                cpus.update(range(int(a), int(b or a) + 1))
            f['cpu'] = cpus
        elif opt == '--comm':
            f['comm'] = set(val.split(','))
        elif opt == '--time':
            a, b = val.split(',')
            ns = [int(x.split('.')[0]) * 10**9 + int((x.split('.') + [''])[1].ljust(9, '0'))
                  if x else None for x in (a, b)]
            f['time'] = (ns[0] or 0, ns[1] if ns[1] is not None else 2**64)
        else:
            raise SystemExit('event-filter-ref: unknown option ' + opt)
    return f


def passes(f, e):
    if any(key in f and e.get(key) not in f[key] for key in ('pid', 'tid', 'cpu', 'comm')):
        return False
    return 'time' not in f or f['time'][0] <= e.get('time', 0) <= f['time'][1]


def keep(path, args):
    f = parse_opts(args)
    sys.stdout.buffer.writelines(raw for raw, e in events(path) if passes(f, e))


def totals(evs):
    insns = branches = errors = 0
    for e in evs:
        insns += e.get('insn_count', 0)
        branches += e['type'] == 'branch'
        errors += e['type'] == 'error'
    return insns, branches, errors


if __name__ == '__main__':
    cmd = sys.argv[1]
    if cmd == 'picks':
        picks(sys.argv[2], sys.argv[3])
    elif cmd == 'keep':
        keep(sys.argv[2], sys.argv[3:])
    else:
        raise SystemExit('usage: event-filter-ref.py picks ALL.json DIR | keep ALL.json OPTIONS...')
