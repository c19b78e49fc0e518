#!/usr/bin/env python3
"""make bench: the SystemC/TLM-2.0 components against each other and the plain Verilated model.

For each model (compiled for the default 16x16):
  per-layer cycles of every accelerator step from `mica run` on systemc:model=tlm (the cost model
  with the platform's memory latency) against systemc:model=rtl (the Verilated RTL inside the
  platform): max and mean |tlm - rtl| / rtl;
  speed: simulated accelerator cycles per wall second of systemc:model=tlm, systemc:model=rtl
  (the platform's own figures: cycles of its clock over the time its kernel ran) and plain
  `rtl` (mica verify's sim_cycles_per_s), each the best of 2 runs.
usage: systemc_table.py MICA MODEL.tflite..."""
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from cost_layers import layer_cycles, run  # noqa: E402 (the same `mica run` table parser)


def speed(mica, model, backend, key):
    best = 0.0
    for _ in range(2):
        text = run([mica, "verify", model, "--backend", backend, "--count", "1"])
        m = re.search(r"\b%s=([0-9.]+)" % key, text)
        best = max(best, float(m.group(1)) if m else 0.0)
    return best


def main():
    mica, models = sys.argv[1], sys.argv[2:]
    print("| model | layers | max per-layer error | mean | TLM cycles/s | RTL-in-SystemC cycles/s |"
          " plain Verilated cycles/s | TLM : RTL-SC : plain |")
    print("|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for model in models:
            name = model.rsplit("/", 1)[-1].rsplit(".", 1)[0]
            prog = "%s/%s.mica" % (tmp, name)
            run([mica, "compile", model, "-o", prog])
            tlm = layer_cycles(mica, prog, "systemc:model=tlm", tmp)
            rtl = layer_cycles(mica, prog, "systemc:model=rtl", tmp)
            errs = [abs(tlm[k] - rtl[k]) / rtl[k] for k in rtl if rtl[k] > 0 and k in tlm]
            s_tlm = speed(mica, model, "systemc:model=tlm", "platform_cycles_per_s")
            s_sc = speed(mica, model, "systemc:model=rtl", "platform_cycles_per_s")
            s_rtl = speed(mica, model, "rtl", "sim_cycles_per_s")
            print("| %s | %d | %.2f%% | %.2f%% | %.0f | %.0f | %.0f | %.0f : %.2f : 1 |" % (
                name, len(errs), 100 * max(errs), 100 * sum(errs) / len(errs), s_tlm, s_sc, s_rtl,
                s_tlm / s_rtl, s_sc / s_rtl))


if __name__ == "__main__":
    main()
