"""Prints the op -> models -> inputs -> mismatches -> errors table of the op-model checks
(tests/kernels/run.sh, run_targets.sh) and exits 1 when any model mismatched or failed.
    python3 tests/kernels/op_table.py MANIFEST_JSON RESULTS [LABEL]
RESULTS: one line per model, "name inputs mismatching_bytes" (mismatching_bytes -1: verify failed).
MANIFEST_JSON maps a model name to its operators (a missing file or name gives op "?")."""
import json
import os
import sys


def main():
    manifest_path, results_path = sys.argv[1], sys.argv[2]
    label = sys.argv[3] if len(sys.argv) > 3 else "run.sh"
    manifest = json.load(open(manifest_path)) if os.path.isfile(manifest_path) else {}
    rows, failed = {}, 0
    for line in open(results_path):
        name, inputs, bad = line.rstrip("\n").rsplit(" ", 2)
        op = "+".join(sorted(set(manifest.get(name, ["?"]))))
        r = rows.setdefault(op, [0, 0, 0, 0])
        r[0] += 1
        r[1] += int(inputs)
        if int(bad) < 0:
            r[3] += 1
            failed += 1
        else:
            r[2] += int(bad)
            failed += int(bad) > 0
    width = max([26] + [len(op) for op in rows])
    print("%-*s %6s %6s %10s %6s" % (width, "op", "models", "inputs", "mismatches", "errors"))
    for op in sorted(rows):
        print("%-*s %6d %6d %10d %6d" % ((width, op) + tuple(rows[op])))
    print("%s: %s" % (label, "PASS" if failed == 0 else "FAIL (%d models)" % failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
