#!/usr/bin/env python3
"""Code size of each CPU kernel on the Cortex-M4: compiles every driver/core/kernels/*.c with the
firmware's own flags (ARCH and CFLAGS read from firmware/Makefile, so they cannot drift) and
prints a markdown table file -> operators it serves -> text bytes (arm-none-eabi-size's text
column: code plus read-only data; -ffunction-sections, before --gc-sections drops what a model
does not use). Shared headers' inline helpers count in every kernel that uses them.
  python3 firmware/kernel_sizes.py [BUILD_DIR]     (make kernel-sizes; needs gcc-arm-none-eabi)"""
import glob
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def makefile_flags():
    """ARCH and CFLAGS of firmware/Makefile, continuation lines joined, $(ARCH) expanded."""
    text = open(os.path.join(ROOT, "firmware", "Makefile")).read().replace("\\\n", " ")
    var = {k: v.split() for k, v in re.findall(r"^(ARCH|CFLAGS)\s*:=\s*(.*)$", text, re.M)}
    if "ARCH" not in var or "CFLAGS" not in var:
        sys.exit("kernel_sizes: ARCH or CFLAGS not found in firmware/Makefile")
    flags = []
    for f in var["CFLAGS"]:
        flags += var["ARCH"] if f == "$(ARCH)" else [f]
    return [f for f in flags if f != "-g"]  # debug info does not change .text


def kernel_names():
    """kernel function -> the operator names the MICA_KERNEL_LIST* lists in include/mica_kernels*.h give it."""
    names = {}
    for h in sorted(os.path.basename(p) for p in glob.glob(os.path.join(ROOT, "include", "mica_kernels*.h"))):
        for name, fn in re.findall(r"X\(\d+,\s*(\w+),\s*(\w+)\)", open(os.path.join(ROOT, "include", h)).read()):
            names.setdefault(fn, []).append(name)
    return names


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build")
    out = os.path.join(build, "kernel_sizes")
    os.makedirs(out, exist_ok=True)
    inc = ["-I" + os.path.join(ROOT, d) for d in ("include", "driver/core", "driver/core/kernels")]
    inc.append("-I" + os.path.join(build, "gen"))
    flags, names, rows = makefile_flags(), kernel_names(), []
    for src in sorted(glob.glob(os.path.join(ROOT, "driver/core/kernels/*.c"))):
        stem = os.path.splitext(os.path.basename(src))[0]
        obj = os.path.join(out, stem + ".o")
        r = subprocess.run(["arm-none-eabi-gcc"] + flags + inc + ["-c", src, "-o", obj],
                           capture_output=True, text=True)
        if r.returncode:
            sys.exit("kernel_sizes: compiling %s failed:\n%s" % (stem, r.stderr))
        size = subprocess.run(["arm-none-eabi-size", obj], capture_output=True, text=True, check=True)
        text = int(size.stdout.splitlines()[1].split()[0])
        body = open(src).read()
        ops = [n for fn, ns in names.items() if re.search(r"\bint %s\(" % fn, body) for n in ns]
        rows.append((stem, ops, text))
    print("| kernel file | operators | .text bytes (Cortex-M4, -O2) |")
    print("|---|---|---|")
    for stem, ops, text in rows:
        print("| %s.c | %s | %d |" % (stem, ", ".join(ops) or "(kernel id lookup)", text))
    print("| total | %d files | %d |" % (len(rows), sum(r[2] for r in rows)))


if __name__ == "__main__":
    main()
