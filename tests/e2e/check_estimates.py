#!/usr/bin/env python3
"""Fails when any accelerated layer's estimated cycles (mica compile) differ from the cycles the
RTL measures (mica run --backend rtl) by more than 10%. Usage: check_estimates.py MICA MODEL..."""
import subprocess, sys, tempfile, os

def layer_rows(text):
    rows = []
    for line in text.splitlines():
        f = line.split()
        if len(f) == 6 and f[2] == "ACCEL" and f[5].isdigit():
            rows.append((f[0], int(f[4]), int(f[5])))
    return rows

def main():
    mica, models = sys.argv[1], sys.argv[2:]
    worst, bad, n = 0.0, 0, 0
    with tempfile.TemporaryDirectory() as tmp:
        prog = os.path.join(tmp, "m.mica")
        for model in models:
            subprocess.run([mica, "compile", model, "-o", prog], check=True, capture_output=True)
            out = subprocess.run([mica, "run", prog, "--backend", "rtl", "--output-dir", tmp],
                                 check=True, capture_output=True, text=True).stdout
            for name, est, measured in layer_rows(out):
                err = abs(est - measured) / max(measured, 1)
                n += 1
                worst = max(worst, err)
                if err > 0.10:
                    bad += 1
                    print(f"estimate off: {os.path.basename(model)} {name}: est {est} rtl {measured} ({err:.1%})")
    print(f"check_estimates: {n} accelerated layers, largest error {worst:.2%} -> {'FAIL' if bad or not n else 'PASS'}")
    sys.exit(1 if bad or not n else 0)

if __name__ == "__main__":
    main()
