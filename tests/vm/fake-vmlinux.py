#!/usr/bin/env python3
# fake-vmlinux.py KALLSYMS TEXT.img LINK_ADDR OUT
# A vmlinux-like ELF (ET_EXEC) for t-kernel.sh made from what a running
# kernel shows: TEXT.img (the bytes of [_text, _etext) read from
# /proc/kcore) as .text at the link address LINK_ADDR instead of where KASLR
# put it, with kallsyms' text symbols moved by the same offset as STT_FUNC
# symbols (weak, global or local by kallsyms' letter) sized like auxrec
# sizes kallsyms symbols (up to the next symbol of any kind), and _text. Decoding a recording of that kernel with it
# must relocate it back by the recording's runtime _text.
import struct
import sys

kallsyms, img_path, link, out = sys.argv[1], sys.argv[2], int(sys.argv[3], 16), sys.argv[4]
code = open(img_path, 'rb').read()
syms, bounds, text = [], [], None
for line in open(kallsyms):
    f = line.split()
    if len(f) < 3 or len(f) > 3 or int(f[0], 16) == 0:
        continue	# module symbols have a 4th field
    addr, kind, name = int(f[0], 16), f[1], f[2]
    if name == '_text':
        text = addr
    if kind in 'tTwW':
        syms.append((addr, name, kind))
    else:
        bounds.append(addr)
assert text is not None, 'no _text'
starts = sorted(set(a for a, _, _ in syms))
bounds.sort()
end_of, b = {}, 0
for i, a in enumerate(starts):
    end = starts[i + 1] if i + 1 < len(starts) else a + 4096
    while b < len(bounds) and bounds[b] <= a:
        b += 1
    if b < len(bounds) and bounds[b] < end:
        end = bounds[b]
    end_of[a] = end
strtab, symtab = bytearray(b'\0'), bytearray(b'\0' * 24)


def add_sym(name, value, size, kind):
    symtab.extend(struct.pack('<IBBHQQ', len(strtab), kind, 0, 1, value, size))
    strtab.extend(name.encode() + b'\0')


add_sym('_text', link, 0, 0)	# STB_LOCAL, STT_NOTYPE
for a, name, kind in syms:
    if text <= a < text + len(code):
        # kallsyms' letter as a binding (as perf reads it): W weak, upper
        # case global, else local; the type is STT_FUNC
        bind = 2 if kind == 'W' else 1 if kind.isupper() else 0
        add_sym(name, a - text + link, end_of[a] - a, bind << 4 | 2)
shstr = b'\0.text\0.symtab\0.strtab\0.shstrtab\0'
off_text = 0x1000
off_sym = off_text + len(code) + (-len(code) % 8)
off_str = off_sym + len(symtab)
off_shstr = off_str + len(strtab)
off_sh = off_shstr + len(shstr) + (-(off_shstr + len(shstr)) % 8)
eh = struct.pack('<16sHHIQQQIHHHHHH', b'\x7fELF\x02\x01\x01' + b'\0' * 9, 2, 62, 1, link,
                 64, off_sh, 0, 64, 56, 1, 64, 5, 4)
ph = struct.pack('<IIQQQQQQ', 1, 5, off_text, link, link, len(code), len(code), 0x1000)
sh = struct.pack('<IIQQQQIIQQ', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
sh += struct.pack('<IIQQQQIIQQ', 1, 1, 6, link, off_text, len(code), 0, 0, 16, 0)
sh += struct.pack('<IIQQQQIIQQ', 7, 2, 0, 0, off_sym, len(symtab), 3, len(symtab) // 24, 8, 24)
sh += struct.pack('<IIQQQQIIQQ', 15, 3, 0, 0, off_str, len(strtab), 0, 0, 1, 0)
sh += struct.pack('<IIQQQQIIQQ', 23, 3, 0, 0, off_shstr, len(shstr), 0, 0, 1, 0)
with open(out, 'wb') as o:
    o.write(eh + ph + b'\0' * (off_text - len(eh) - len(ph)))
    o.write(code + b'\0' * (off_sym - off_text - len(code)))
    o.write(symtab + strtab + shstr + b'\0' * (off_sh - off_shstr - len(shstr)))
    o.write(sh)
