#!/usr/bin/env python3
# pd-rewrite.py - rewrites a file-mode perf.data into the layouts perf record
# writes besides the plain file, with the same records, for tests:
#   --compress IN OUT    every run of records between AUXTRACE ones in zstd
#                        (the zstd CLI), as PERF_RECORD_COMPRESSED records of
#                        at most 64 KiB (perf record -z; the HEADER_COMPRESSED
#                        feature added, which perf's reader needs)
#   --compress2 IN OUT   the same as PERF_RECORD_COMPRESSED2 (u64 data_size,
#                        padded to 8 bytes; perf >= 6.15)
#   --split=SIZE IN OUT  every AUXTRACE record cut into records of SIZE bytes
#                        (a multiple of 8; 0: before each PSB, where perf 6.1
#                        loses no packet) at consecutive offsets, as perf
#                        record writes a buffer drained in many reads (the
#                        AUXTRACE index feature rewritten to point at them)
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
FEAT_AUXTRACE, FEAT_DIR_FORMAT, FEAT_COMPRESSED = 18, 24, 27


def records(data):
    off = 0
    while off < len(data):
        t, _, size = struct.unpack_from('<IHH', data, off)
        end = off + size
        if t == AUXTRACE:
            end += struct.unpack_from('<Q', data, off + 8)[0]
        yield t, data[off:end]
        off = end


def record_offsets(data):
    off = 0
    for t, rec in records(data):
        yield off, t
        off += len(rec)


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


PSB = b'\x02\x82' * 8


def cuts(payload, size):
    """Where a payload is cut: every size bytes, or (size 0) before each PSB."""
    if size:
        return list(range(0, max(len(payload), 1), size))
    at = [i for i in range(1, len(payload)) if payload.startswith(PSB, i)]
    return [0] + at


def split(data, size):
    out = b''
    for t, rec in records(data):
        if t != AUXTRACE:
            out += rec
            continue
        n, off, ref, idx, tid, cpu = struct.unpack_from('<QQQIII', rec, 8)
        payload = rec[48:]
        at = cuts(payload, size)
        for i, j in zip(at, at[1:] + [len(payload)]):
            piece = payload[i:j]
            out += struct.pack('<IHHQQQIIII', AUXTRACE, 0, 48, len(piece), off + i, ref,
                               idx, tid, cpu, 0) + piece
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
    elif mode.startswith('--split='):
        data = split(data, int(mode[len('--split='):]))
        if FEAT_AUXTRACE in feats:  # perf reads the chunks where the index says
            offs = [do + off for off, t in record_offsets(data) if t == AUXTRACE]
            feats[FEAT_AUXTRACE] = struct.pack('<Q', len(offs)) + b''.join(
                struct.pack('<QQ', off, 48) for off in offs)
        write(dst, buf, data, feats)
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
        sys.exit('usage: pd-rewrite.py --compress|--compress2|--split=SIZE|--dir IN OUT')


main()
