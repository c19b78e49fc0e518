#!/usr/bin/env python3
"""Program integrity, bounded reads and cycle limits through the real `mica` command:
  - every bit flip in a compiled .mica (header, weights, code, tables, params) is refused by the
    CRC-32 check with one line -- never runs with exit 0 and a different output; truncated,
    extended and old-format files are refused;
  - a FIFO, /dev/zero, a directory or an oversized file as model or as program is refused at once
    (each run is killed after 10 s, so a regression fails instead of hanging);
  - a step that overruns its cycle limit (max_cycles=10, or the default limit derived from a
    forged estimate) ends in a timeout naming max_cycles=; digits on rtl:latency=1000 finishes.
usage: bad_program.py MICA MODEL.tflite LONG_STEPS.tflite [FLIPS]
LONG_STEPS: a model with an accelerator step above the default limit's floor of 10,000 cycles."""
import os, random, struct, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from program_file import FORMAT_AT, STEP_EST_CYCLES_AT, accel_steps, seal, u32

MICA, MODEL, LONG_MODEL = sys.argv[1], sys.argv[2], sys.argv[3]
FLIPS = int(sys.argv[4]) if len(sys.argv) > 4 else 150
# a flip may also hit the magic or the format field, checked (and named) before the checksum
FLIP_ERRORS = ("checksum mismatch", "bad magic", "this driver reads")
ENV = dict(os.environ, ASAN_OPTIONS="detect_leaks=1:abort_on_error=0", UBSAN_OPTIONS="halt_on_error=1")
problems = []

def mica(args, timeout=10):
    """(returncode, stderr lines, seconds); returncode None when killed after timeout seconds."""
    t0 = time.monotonic()
    try:
        p = subprocess.run([MICA] + args, capture_output=True, text=True, timeout=timeout, env=ENV)
    except subprocess.TimeoutExpired:
        return None, [], time.monotonic() - t0
    if "Sanitizer" in p.stderr or "runtime error" in p.stderr:
        return -999, [p.stderr[-300:]], time.monotonic() - t0
    return p.returncode, p.stderr.strip().splitlines(), time.monotonic() - t0

def expect_refused(label, args, want, timeout=10):
    rc, err, secs = mica(args, timeout)
    if rc is None:
        problems.append(f"{label}: still running after {timeout} s (hang)")
    elif rc == 0 or rc < 0 or rc == -999:
        problems.append(f"{label}: rc {rc}, wanted a refusal with '{want}': {err[:2]}")
    elif len(err) != 1 or want not in err[0]:
        problems.append(f"{label}: wanted one line with '{want}', got {err[:3]}")
    return secs

def run_program(path, backend, outdir, timeout=10):
    os.makedirs(outdir, exist_ok=True)
    rc, err, _ = mica(["run", path, "--backend", backend, "--seed", "7", "--output-dir", outdir], timeout)
    out = os.path.join(outdir, "output0.npy")
    return rc, err, open(out, "rb").read() if rc == 0 and os.path.exists(out) else None

def bit_flips(tmp, prog, ref):
    rng = random.Random(10)
    refused = 0
    for k in range(FLIPS):
        at = k * len(prog) // FLIPS + rng.randrange(max(1, len(prog) // FLIPS))   # spread over every section
        d = bytearray(prog)
        d[at] ^= 1 << rng.randrange(8)
        path = os.path.join(tmp, "flip.mica")
        open(path, "wb").write(d)
        rc, err, out = run_program(path, "func", os.path.join(tmp, "flip_out"))
        if rc == 0 and out != ref:
            problems.append(f"bit flip at byte {at}: exit 0 with a different output")
        elif rc != 0 and (len(err) != 1 or not any(e in err[0] for e in FLIP_ERRORS)):
            problems.append(f"bit flip at byte {at}: rc {rc}, wanted one line naming {FLIP_ERRORS}: {err[:3]}")
        else:
            refused += rc != 0
    return refused

def integrity(tmp, prog, ref):
    refused = bit_flips(tmp, prog, ref)
    cases = [("truncated by one byte", prog[:-1], "truncated or extended"),
             ("extended by 8 bytes", prog + bytes(8), "truncated or extended"),
             ("format 1 (no checksum)", prog[:FORMAT_AT] + struct.pack("<I", 1) + prog[FORMAT_AT + 4:], "format 1")]
    for label, data, want in cases:
        path = os.path.join(tmp, "bad.mica")
        open(path, "wb").write(data)
        expect_refused(label, ["run", path, "--backend", "func"], want)
    print(f"  {refused}/{FLIPS} bit flips refused (checksum, magic or format), {len(cases)} size/format cases")

def not_files(tmp, prog_path):
    fifo, big, out = os.path.join(tmp, "fifo"), os.path.join(tmp, "big"), os.path.join(tmp, "x.mica")
    os.mkfifo(fifo)
    with open(big, "wb") as f:
        f.truncate(300 << 20)   # sparse: no disk used
    for label, path, want in [("FIFO", fifo, "not a regular file"), ("/dev/zero", "/dev/zero", "not a regular file"),
                              ("a directory", tmp, "not a regular file"), ("a 300 MiB file", big, "larger than the 256 MiB")]:
        expect_refused(f"{label} as model", ["compile", path, "-o", out], want)
        expect_refused(f"{label} as program", ["run", path, "--backend", "func"], want)
    print("  FIFO, /dev/zero, directory and 300 MiB file refused as model and as program")

def cycle_limits(tmp, prog_path, ref):
    secs = expect_refused("rtl:max_cycles=10", ["run", prog_path, "--backend", "rtl:max_cycles=10"], "max_cycles=10")
    long_path = os.path.join(tmp, "long.mica")
    subprocess.run([MICA, "compile", LONG_MODEL, "-o", long_path], check=True, capture_output=True, env=ENV)
    prog = open(long_path, "rb").read()
    step, at = max(accel_steps(prog), key=lambda s: struct.unpack_from("<Q", prog, s[1] + STEP_EST_CYCLES_AT)[0])
    forged = bytearray(prog)
    struct.pack_into("<Q", forged, at + STEP_EST_CYCLES_AT, 0)
    path = os.path.join(tmp, "forged.mica")
    open(path, "wb").write(seal(forged))
    secs2 = expect_refused(f"step {step} estimate forged to 0", ["run", path, "--backend", "rtl"], "max_cycles=N")
    t0 = time.monotonic()
    rc, err, out = run_program(prog_path, "rtl:latency=1000", os.path.join(tmp, "slow"), timeout=600)
    if rc != 0 or out != ref:
        problems.append(f"digits on rtl:latency=1000: rc {rc} {err[:2]}, output {'differs' if out else 'missing'}")
    print(f"  timeouts after {secs:.1f} s (max_cycles=10) and {secs2:.1f} s (derived limit, step {step}); "
          f"digits on rtl:latency=1000 finished in {time.monotonic() - t0:.1f} s")

def main():
    with tempfile.TemporaryDirectory() as tmp:
        prog_path = os.path.join(tmp, "digits.mica")
        subprocess.run([MICA, "compile", MODEL, "-o", prog_path], check=True, capture_output=True, env=ENV)
        prog = open(prog_path, "rb").read()
        rc, err, ref = run_program(prog_path, "func", os.path.join(tmp, "ref"))
        if rc != 0 or ref is None:
            sys.exit(f"bad_program: the intact program does not run: {err}")
        integrity(tmp, prog, ref)
        not_files(tmp, prog_path)
        cycle_limits(tmp, prog_path, ref)
    for p in problems:
        print("bad program:", p)
    print(f"bad_program: {len(problems)} problems -> {'FAIL' if problems else 'PASS'}")
    sys.exit(1 if problems else 0)

if __name__ == "__main__":
    main()
