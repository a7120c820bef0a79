#!/usr/bin/env python3
# perfetto-unpack.py IN OUT: the packets of a Perfetto trace whose packets
# are zstd-compressed (TracePacket.zstd_compressed_packets, field 133, as
# `auxrec export -f perfetto` writes them), uncompressed into OUT as one
# plain Trace message (a Trace.packet field per packet), for `protoc
# --decode`. Plain top-level packets are copied as they are. Uses the zstd
# program. Exits 1 on malformed input.
import subprocess
import sys


def varint(b, i):
	v = shift = 0
	while True:
		if i >= len(b):
			raise SystemExit('perfetto-unpack: truncated varint at %d' % i)
		c = b[i]
		v |= (c & 0x7f) << shift
		i += 1
		shift += 7
		if c < 0x80:
			return v, i


def fields(b):
	i = 0
	while i < len(b):
		key, i = varint(b, i)
		if key & 7 != 2:
			raise SystemExit('perfetto-unpack: field %d is not length-delimited' % (key >> 3))
		n, i = varint(b, i)
		if i + n > len(b):
			raise SystemExit('perfetto-unpack: field %d runs past the end' % (key >> 3))
		yield key >> 3, b[i:i + n]
		i += n


def main(src, dst):
	data = open(src, 'rb').read()
	out = bytearray()
	frames = 0
	for field, packet in fields(data):
		if field != 1:
			raise SystemExit('perfetto-unpack: top-level field %d is no packet' % field)
		inner = list(fields(packet)) if packet[:2] == b'\xaa\x08' else []
		if len(inner) == 1 and inner[0][0] == 133:
			raw = subprocess.run(['zstd', '-dcq'], input=inner[0][1], capture_output=True,
					     check=True).stdout
			out += raw
			frames += 1
		else:
			n = len(packet)
			out += b'\x0a'
			while n >= 0x80:
				out.append(n & 0x7f | 0x80)
				n >>= 7
			out.append(n)
			out += packet
	open(dst, 'wb').write(out)
	print('%d compressed packets, %d bytes of packets' % (frames, len(out)))


main(*sys.argv[1:])
