#!/usr/bin/env python3
"""Code and RAM per part of a linked firmware image, from the GNU ld map file (what
--gc-sections kept): the runtime core, the CPU kernels, the firmware (API, port, app), the model
(mica compile --emit-c) and the C library.  usage: size_report.py IMAGE.map SOURCE_ROOT"""
import re
import sys

PARTS = ("core", "kernels", "firmware", "model", "libc")


def part_of(path, root):
    if "/driver/core/kernels/" in path:
        return "kernels"
    if "/driver/core/" in path:
        return "core"
    if "/firmware/" in path or path.endswith("verify_server.o") or "/apps/" in path:
        return "firmware"
    if path.endswith(".o") and ("mica" in path.rsplit("/", 1)[-1]):
        return "model"
    return "libc"


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    code = dict.fromkeys(PARTS, 0)
    ram = dict.fromkeys(PARTS, 0)
    pending = None  # a section name on its own line; its address and size follow on the next
    row = re.compile(r"^\s+(\.\S+)?\s*(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+(\S+\.(?:o|a\(.*\)))\s*$")
    with open(sys.argv[1]) as f:
        for line in f:
            if line.startswith("Discarded input sections"):
                skip = True
                continue
            if line.startswith("Memory map") or line.startswith("Linker script and memory map"):
                skip = False
            if locals().get("skip"):
                continue
            m = row.match(line)
            if not m:
                head = re.match(r"^\s(\.\S+)\s*$", line)
                pending = head.group(1) if head else None
                continue
            name = m.group(1) or pending or ""
            pending = None
            size = int(m.group(3), 16)
            part = part_of(m.group(4), sys.argv[2])
            if name.startswith((".text", ".rodata")):
                code[part] += size
            elif name.startswith((".data", ".bss")) or name == "COMMON":
                ram[part] += size
    print("%-10s %10s %10s" % ("part", "code+ro B", "RAM B"))
    for p in PARTS:
        print("%-10s %10d %10d" % (p, code[p], ram[p]))
    print("%-10s %10d %10d" % ("total", sum(code.values()), sum(ram.values())))


main()
