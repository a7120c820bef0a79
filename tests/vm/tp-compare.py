#!/usr/bin/env python3
"""Compares the tracepoint lines of two `script` outputs field by field:
comm, tid, cpu, time (ns), event name and the fields text, for the events
named on the command line. Prints the number compared, or the first
difference, and exits 1 when they differ or none were found."""
import re
import sys

LINE = re.compile(r'^\s*(.*?)\s+(-?\d+)\s+\[(\d+)\]\s+(\d+\.\d+):\s+(\S+):\s(.*)$')


def samples(path, names):
    out = []
    with open(path, errors='replace') as f:
        for line in f:
            m = LINE.match(line.rstrip('\n'))
            if m and m.group(5) in names:
                out.append(m.groups())
    return out


def main():
    got, want, names = sys.argv[1], sys.argv[2], set(sys.argv[3:])
    a, b = samples(got, names), samples(want, names)
    if not b:
        print(f'no tracepoint samples in {want}')
        return 1
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            print(f'sample {i} differs: {x} vs {y}')
            return 1
    if len(a) != len(b):
        print(f'{len(a)} samples vs {len(b)}')
        return 1
    per = {n: sum(1 for s in b if s[4] == n) for n in sorted(names)}
    print(f'{len(a)} samples, ' + ', '.join(f'{n} {c}' for n, c in per.items()))
    return 0


sys.exit(main())
