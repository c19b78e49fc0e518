"""Writes small .npy seed files for the .npy reader fuzzer (fuzz_npy): every dtype the reader
accepts, ranks 0..4, format versions 1.0 and 2.0, plus near-misses (Fortran order, float dtype,
big-endian). Plain Python (no numpy), so it runs with any interpreter.
    python3 tests/fuzz/make_npy_seeds.py OUT_DIR"""
import os
import struct
import sys


def npy(descr, shape, data, version=1, fortran=False):
    shape_text = "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"
    hdr = "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }" % (descr, fortran, shape_text)
    lenfmt, pre = ("<H", 10) if version == 1 else ("<I", 12)
    pad = (64 - (pre + len(hdr) + 1) % 64) % 64
    hdr = hdr + " " * pad + "\n"
    return b"\x93NUMPY" + bytes([version, 0]) + struct.pack(lenfmt, len(hdr)) + hdr.encode() + data


def main(out):
    os.makedirs(out, exist_ok=True)
    seeds = {
        "i1_scalar": npy("|i1", (), b"\x05"),
        "i1_vec": npy("|i1", (6,), bytes(range(250, 256))),
        "u1_mat": npy("|u1", (2, 3), bytes(range(6))),
        "i4_vec": npy("<i4", (3,), struct.pack("<3i", -1, 0, 7)),
        "i8_labels": npy("<i8", (4,), struct.pack("<4q", 0, 1, 2, 9)),
        "i1_nhwc": npy("|i1", (1, 4, 4, 1), bytes(16)),
        "i1_empty": npy("|i1", (0, 3), b""),
        "i1_v2": npy("|i1", (2, 2), b"\x01\x02\x03\x04", version=2),
        "fortran": npy("|i1", (2, 2), b"\x01\x02\x03\x04", fortran=True),
        "float": npy("<f4", (1,), struct.pack("<f", 1.5)),
        "bigendian": npy(">i4", (1,), struct.pack(">i", 1)),
        "truncated": npy("<i4", (4,), b"\x01\x00"),
    }
    for name, blob in seeds.items():
        with open(os.path.join(out, name + ".npy"), "wb") as f:
            f.write(blob)


if __name__ == "__main__":
    main(sys.argv[1])
