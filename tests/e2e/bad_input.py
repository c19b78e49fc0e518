#!/usr/bin/env python3
"""Runs `mica compile` / `mica run` on broken inputs; each must exit non-zero (or succeed when the
damage is harmless) with exactly one error line, and never crash, hang or trip a sanitizer."""
import os, random, subprocess, sys, tempfile
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from program_file import seal

MICA, MODEL = sys.argv[1], sys.argv[2]
ENV = dict(os.environ, ASAN_OPTIONS="detect_leaks=0:abort_on_error=0", UBSAN_OPTIONS="halt_on_error=1")
problems, counts = [], {"ok": 0, "rejected": 0}

def check(args, label, allow_ok=True):
    try:
        p = subprocess.run([MICA] + args, capture_output=True, text=True, timeout=60, env=ENV)
    except subprocess.TimeoutExpired:
        problems.append(f"{label}: hang")
        return
    err = p.stderr.strip().splitlines()
    if p.returncode < 0 or "Sanitizer" in p.stderr or "runtime error" in p.stderr:
        problems.append(f"{label}: crash (rc {p.returncode}): {p.stderr[-300:]}")
    elif p.returncode == 0:
        counts["ok"] += 1
        if not allow_ok:
            problems.append(f"{label}: accepted bad input")
    elif len(err) != 1:
        problems.append(f"{label}: expected one error line, got {len(err)}: {err[:3]}")
    else:
        counts["rejected"] += 1

def variants(data, n, rng):
    yield "empty", b""
    yield "garbage", bytes(rng.randrange(256) for _ in range(4096))
    for i in range(n):
        kind = i % 4
        d = bytearray(data)
        if kind == 0:
            yield f"truncated@{i}", bytes(d[: rng.randrange(1, len(d))])
        elif kind == 1:
            for _ in range(rng.randrange(1, 8)):
                d[rng.randrange(len(d))] = rng.randrange(256)
            yield f"flipped@{i}", bytes(d)
        elif kind == 2:   # damage the first kilobyte, where offsets and vtables live
            for _ in range(rng.randrange(1, 4)):
                d[rng.randrange(min(1024, len(d)))] ^= 1 << rng.randrange(8)
            yield f"header-bits@{i}", bytes(d)
        else:             # a huge little-endian count somewhere
            at = rng.randrange(0, len(d) - 4) & ~3
            d[at:at + 4] = rng.choice([b"\xff\xff\xff\x7f", b"\x00\x00\x00\x80", b"\xff\xff\xff\xff"])
            yield f"bigcount@{i}", bytes(d)

def main():
    rng = random.Random(1234)
    model = open(MODEL, "rb").read()
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out.mica")
        check(["compile", os.path.join(tmp, "missing.tflite"), "-o", out], "missing file", allow_ok=False)
        check(["compile", MODEL], "no -o", allow_ok=False)
        check(["run", os.path.join(tmp, "missing.mica")], "missing program", allow_ok=False)
        check(["verify", MODEL, "--backend", "nosuch", "--count", "1"], "unknown backend", allow_ok=False)
        check(["frobnicate"], "unknown command", allow_ok=False)
        n_models = 0
        for label, data in variants(model, 80, rng):
            path = os.path.join(tmp, "bad.tflite")
            open(path, "wb").write(data)
            check(["compile", path, "-o", out], f"model {label}", allow_ok=True)
            n_models += 1
        subprocess.run([MICA, "compile", MODEL, "-o", out], check=True, capture_output=True)
        prog = open(out, "rb").read()
        n_progs = 0
        for k, (label, data) in enumerate(variants(prog, 80, rng)):
            if k % 5:   # resealed: damaged contents behind a valid checksum reach the deeper checks
                data, label = seal(data), label + "+sealed"
            path = os.path.join(tmp, "bad.mica")
            open(path, "wb").write(data)
            check(["run", path, "--backend", "func", "--output-dir", tmp], f"program {label}", allow_ok=True)
            n_progs += 1
    for p in problems:
        print("bad input:", p)
    print(f"bad_input: {n_models} broken models, {n_progs} broken programs under ASan+UBSan: "
          f"{counts['rejected']} rejected with one line, {counts['ok']} harmless, {len(problems)} problems "
          f"-> {'FAIL' if problems else 'PASS'}")
    sys.exit(1 if problems else 0)

if __name__ == "__main__":
    main()
