#!/usr/bin/env python3
# pd-rewrite.py - rewrites a file-mode perf.data into the layouts perf record
# writes besides the plain file, with the same records, for tests:
#   --compress IN OUT    every run of records between AUXTRACE ones in zstd
#                        (the zstd CLI), as PERF_RECORD_COMPRESSED records of
#                        at most 64 KiB (perf record -z; the HEADER_COMPRESSED
#                        feature added, which perf's reader needs)
#   --compress2 IN OUT   the same as PERF_RECORD_COMPRESSED2 (u64 data_size,
#                        padded to 8 bytes; perf >= 6.15)
#   --dir IN OUTDIR      perf record --threads: OUTDIR/data keeps perf's own
#                        records (types >= 64), OUTDIR/data.0 gets the kernel's
#                        and the AUXTRACE ones (HEADER_DIR_FORMAT version 1)
# Attrs stay where they are; features are copied after the new data.
import struct
import subprocess
import sys
import os

HDR = 104
AUXTRACE, COMPRESSED, COMPRESSED2 = 71, 81, 83
FEAT_DIR_FORMAT, FEAT_COMPRESSED = 24, 27


def records(data):
    off = 0
    while off < len(data):
        t, _, size = struct.unpack_from('<IHH', data, off)
        end = off + size
        if t == AUXTRACE:
            end += struct.unpack_from('<Q', data, off + 8)[0]
        yield t, data[off:end]
        off = end


def features(buf, hdr):
    do, ds = struct.unpack_from('<QQ', hdr, 40)
    bits = int.from_bytes(hdr[72:104], 'little')
    table, out = do + ds, {}
    for bit in range(256):
        if bits >> bit & 1:
            off, size = struct.unpack_from('<QQ', buf, table)
            out[bit] = buf[off:off + size]
            table += 16
    return out


def write(path, buf, data, feats):
    hdr = bytearray(buf[:HDR])
    do = struct.unpack_from('<Q', hdr, 40)[0]
    struct.pack_into('<QQ', hdr, 40, do, len(data))
    bits = 0
    for bit in feats:
        bits |= 1 << bit
    hdr[72:104] = bits.to_bytes(32, 'little')
    pos = do + len(data) + 16 * len(feats)
    table, blobs = b'', b''
    for bit in sorted(feats):
        table += struct.pack('<QQ', pos, len(feats[bit]))
        blobs += feats[bit]
        pos += len(feats[bit])
    with open(path, 'wb') as f:
        f.write(bytes(hdr) + buf[HDR:do] + data + table + blobs)


def zstd(raw):
    return subprocess.run(['zstd', '-q', '-c', '--no-check'], input=raw,
                          stdout=subprocess.PIPE, check=True).stdout


def wrap(frame, v2):
    out, step = b'', 65535 - 16 - 8
    for i in range(0, len(frame), step):
        piece = frame[i:i + step]
        if v2:
            size = 16 + (len(piece) + 7) // 8 * 8
            out += struct.pack('<IHHQ', COMPRESSED2, 0, size, len(piece)) + piece
            out += b'\0' * (size - 16 - len(piece))
        else:
            out += struct.pack('<IHH', COMPRESSED, 0, 8 + len(piece)) + piece
    return out


def compress(buf, data, v2):
    out, run = b'', b''
    for t, rec in records(data):
        if t == AUXTRACE:
            out += wrap(zstd(run), v2) if run else b''
            out, run = out + rec, b''
        else:
            run += rec
    return out + (wrap(zstd(run), v2) if run else b'')


def main():
    mode, src, dst = sys.argv[1:4]
    buf = open(src, 'rb').read()
    hdr = buf[:HDR]
    do, ds = struct.unpack_from('<QQ', hdr, 40)
    data, feats = buf[do:do + ds], features(buf, hdr)
    if mode in ('--compress', '--compress2'):
        # version 0, zstd, level 3, ratio 1, mmap_len 512 KiB + a page
        feats[FEAT_COMPRESSED] = struct.pack('<5I', 0, 1, 3, 1, 528384)
        write(dst, buf, compress(buf, data, mode == '--compress2'), feats)
    elif mode == '--dir':
        os.makedirs(dst, exist_ok=True)
        main_recs, thread_recs = b'', b''
        for t, rec in records(data):
            if t < 64 or t == AUXTRACE:
                thread_recs += rec
            else:
                main_recs += rec
        feats[FEAT_DIR_FORMAT] = struct.pack('<Q', 1)
        write(os.path.join(dst, 'data'), buf, main_recs, feats)
        with open(os.path.join(dst, 'data.0'), 'wb') as f:
            f.write(thread_recs)
    else:
        sys.exit('usage: pd-rewrite.py --compress|--compress2|--dir IN OUT')


main()
