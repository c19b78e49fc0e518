#!/usr/bin/env python3
"""Seeds for fuzz_link: line captures of well-formed link frames (hw/link.json), written by an
independent Python encoder (zlib's CRC-32), back to back and with noise between them."""
import json, os, struct, sys, zlib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
spec = json.load(open(os.path.join(ROOT, "hw/link.json")))
FLAG, ESC, XOR = spec["framing"]["flag"], spec["framing"]["escape"], spec["framing"]["escape_xor"]


def frame(seq, cmd, payload):
    body = bytes([seq, cmd]) + struct.pack("<H", len(payload)) + payload
    body += struct.pack("<I", zlib.crc32(body))
    out = bytearray([FLAG])
    for b in body:
        out += bytes([ESC, b ^ XOR]) if b in (FLAG, ESC) else bytes([b])
    return bytes(out + bytes([FLAG]))


def main(d):
    os.makedirs(d, exist_ok=True)
    cmds = {c["name"]: c["value"] for c in spec["commands"]}
    seeds = {
        "ping": frame(1, cmds["PING"], b""),
        "csr_read": frame(2, cmds["CSR_READ"], struct.pack("<HB", 24, 1)),
        "mem_write_escapes": frame(3, cmds["MEM_WRITE"], struct.pack("<I", 0x1000) + bytes([FLAG, ESC] * 40)),
        "mem_read_reply": frame(4, cmds["MEM_READ"] | spec["reply_bit"], bytes(range(256)) * 4),
        "noise_between": b"\x00\x7d" + frame(5, 3, b"\x18\x00\x01\x00\x00\x00") + b"\x55\x7e\x7e" + frame(6, 1, b""),
    }
    for name, data in seeds.items():
        open(os.path.join(d, name), "wb").write(data)


if __name__ == "__main__":
    main(sys.argv[1])
