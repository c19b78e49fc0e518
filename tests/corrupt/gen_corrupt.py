#!/usr/bin/env python3
"""Write corrupted variants of a TFLite model for the reader robustness test.

Usage: gen_corrupt.py MODEL.tflite OUTDIR [N]   (N = number of variants, default 400)

Variant families (file names say which): truncations at many lengths, random
byte flips, mutations aimed at the flatbuffer structure (root/field uoffsets,
table soffsets, vtable sizes and entries, vector lengths, index fields) found by
walking the model with a small schema map, huge counts, empty / garbage /
all-zero files and wrong identifiers. Deterministic for a given model and N.
"""
import os
import random
import struct
import sys

# field id -> kind for the tables the walker follows (TFLite schema ids).
SCHEMA = {
    "Model": {0: "u32", 1: ("vtab", "OperatorCode"), 2: ("vtab", "SubGraph"), 3: "str",
              4: ("vtab", "Buffer")},
    "SubGraph": {0: ("vtab", "Tensor"), 1: "vec4", 2: "vec4", 3: ("vtab", "Operator"), 4: "str"},
    "Tensor": {0: "vec4", 1: "u8", 2: "u32", 3: "str", 4: ("tab", "Quant")},
    "Quant": {2: "vec4", 3: "vec8", 6: "u32"},
    "Operator": {0: "u32", 1: "vec4", 2: "vec4", 3: "u8", 4: ("tab", "Options"), 5: "vec1"},
    "Options": {},
    "Buffer": {0: "vec1"},
    "OperatorCode": {0: "u8", 1: "str", 2: "u32", 3: "u32"},
}


class Walker:
    """Collects byte positions of structural fields, tolerating bad input."""

    def __init__(self, data):
        self.d = data
        self.spots = {"uoffset": [], "soffset": [], "vtable": [], "veclen": [], "index": []}
        self.seen = set()

    def u32(self, p):
        return struct.unpack_from("<I", self.d, p)[0] if 0 <= p <= len(self.d) - 4 else None

    def table(self, ref, name):
        target = self.u32(ref)
        if target is None or (ref, name) in self.seen or len(self.seen) > 20000:
            return
        self.seen.add((ref, name))
        self.spots["uoffset"].append(ref)
        pos = ref + target
        soff = self.u32(pos)
        if soff is None:
            return
        self.spots["soffset"].append(pos)
        vt = pos - struct.unpack("<i", struct.pack("<I", soff))[0]
        if not 0 <= vt <= len(self.d) - 4:
            return
        vt_size = struct.unpack_from("<H", self.d, vt)[0]
        self.spots["vtable"] += [vt, vt + 2]
        for fid, kind in SCHEMA[name].items():
            ep = vt + 4 + 2 * fid
            if ep + 2 > vt + vt_size or ep + 2 > len(self.d):
                continue
            self.spots["vtable"].append(ep)
            off = struct.unpack_from("<H", self.d, ep)[0]
            if off:
                self.field(pos + off, kind)

    def field(self, fp, kind):
        if kind in ("u32", "u8"):
            self.spots["index"].append(fp)
        elif kind == "str" or kind.__class__ is str and kind.startswith("vec"):
            self.vector(fp)
        elif kind[0] == "tab":
            self.table(fp, kind[1])
        elif kind[0] == "vtab":
            vpos = self.vector(fp)
            count = self.u32(vpos) if vpos is not None else None
            for i in range(min(count or 0, 64)):
                self.table(vpos + 4 + 4 * i, kind[1])

    def vector(self, fp):
        off = self.u32(fp)
        if off is None:
            return None
        self.spots["uoffset"].append(fp)
        if self.u32(fp + off) is not None:
            self.spots["veclen"].append(fp + off)
            return fp + off
        return None


def put32(data, pos, value):
    if 0 <= pos <= len(data) - 4:
        struct.pack_into("<I", data, pos, value & 0xFFFFFFFF)


def structural(base, spots, rng, n):
    values = [0, 1, 3, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0xFFFFFFFC, len(base), len(base) - 4,
              0x10000000, 0xFFFF]
    out = []
    kinds = [k for k in spots if spots[k]]
    for i in range(n):
        kind = kinds[i % len(kinds)]
        pos = rng.choice(spots[kind])
        data = bytearray(base)
        if kind == "vtable":  # 16-bit entries
            v = rng.choice([0, 1, 2, 3, 0xFFFF, 0x8000, 4, rng.randrange(65536)])
            if pos + 2 <= len(data):
                struct.pack_into("<H", data, pos, v)
        elif rng.random() < 0.6:
            put32(data, pos, rng.choice(values))
        else:
            old = struct.unpack_from("<I", data, pos)[0] if pos + 4 <= len(data) else 0
            put32(data, pos, old + rng.choice([-8, -4, -1, 1, 4, 8, 1 << 16, -(1 << 16)]))
        out.append(("%s_%d_at_%x" % (kind, i, pos), bytes(data)))
    return out


def variants(base, n, seed):
    rng = random.Random(seed)
    out = [("empty", b""), ("one_byte", base[:1]), ("garbage", bytes(rng.randrange(256) for _ in range(4096))),
           ("zeros", bytes(len(base))), ("ones", b"\xff" * len(base)),
           ("ident_TFL2", base[:4] + b"TFL2" + base[8:]), ("ident_zero", base[:4] + bytes(4) + base[8:]),
           ("root_past_end", struct.pack("<I", len(base) + 16) + base[4:]),
           ("doubled", base + base), ("appended_garbage", base + bytes(range(256)))]
    spots = Walker(base)
    spots.table(0, "Model")
    n_trunc = max(n // 4, 1)
    lengths = sorted(set([2, 4, 7, 8, 12, 16, 32, len(base) - 1] +
                         [len(base) * i // n_trunc for i in range(1, n_trunc)]))
    out += [("trunc_%d" % k, base[:k]) for k in lengths if 0 < k < len(base)]
    for k, v in spots.spots.items():  # huge counts on every vector length we found
        if k == "veclen":
            for pos in v[:40]:
                data = bytearray(base)
                put32(data, pos, rng.choice([0x7FFFFFFF, 0xFFFFFFFF, 0x00FFFFFF, 1 << 20]))
                out.append(("hugecount_%x" % pos, bytes(data)))
    n_flip = max((n - len(out)) // 2, 1)
    for i in range(n_flip):
        data = bytearray(base)
        for _ in range(rng.choice([1, 1, 2, 4, 16])):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8) if rng.random() < 0.5 else rng.randrange(1, 256)
        out.append(("flip_%d" % i, bytes(data)))
    out += structural(base, spots.spots, rng, max(n - len(out), 1))
    return out, {k: len(v) for k, v in spots.spots.items()}


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: gen_corrupt.py MODEL.tflite OUTDIR [N]")
    base = open(sys.argv[1], "rb").read()
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 400
    if len(base) < 64:
        sys.exit("gen_corrupt.py: model too small to corrupt meaningfully")
    os.makedirs(sys.argv[2], exist_ok=True)
    out, found = variants(base, n, seed=len(base))
    for name, data in out:
        with open(os.path.join(sys.argv[2], name + ".tflite"), "wb") as f:
            f.write(data)
    print("gen_corrupt: %d variants of %s (%d bytes); structural spots found: %s" % (
        len(out), sys.argv[1], len(base), found))


if __name__ == "__main__":
    main()
