#!/usr/bin/env python3
"""mica sweep: compile every model at every design point with the cycle model, write
DIR/sweep.csv and SVG plots; confirm chosen points on the Verilated RTL; optionally run the
points as a Slurm array job. `mica sweep` runs this with the recorded Python (argument list).

usage: sweep.py --mica MICA --models M1,M2 --array 8x8,16x16 --bus 8,16 --aspad 2048,4096
                --latency 10,40 -o DIR [--rtl-confirm N] [--jobs N] [--slurm]
                [--slurm-tasks N] [--slurm-timeout S]
       sweep.py worker SPEC.json TASK   (one Slurm array task: its points into DIR/parts/)"""
import argparse, csv, io, json, os, sys, time
from concurrent.futures import ThreadPoolExecutor, as_completed

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sweep_point as sp
import sweep_plot
import scalesim_topology

AREA_MODEL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "area_model.json")
TOLERANCE = 0.10  # the estimate tolerance of tests/e2e/check_estimates.py


class UsageError(Exception):
    pass


class OneLineParser(argparse.ArgumentParser):
    """Bad options: one line naming them, exit 2 (argparse would print its usage first)."""

    def error(self, message):
        raise UsageError(message + " (mica --help shows the sweep options)")


def int_list(opt, text, lo, hi, pow2=False):
    vals = []
    for s in text.split(","):
        if not s.isdigit() or not lo <= int(s) <= hi or (pow2 and int(s) & (int(s) - 1)):
            what = "powers of two " if pow2 else "integers "
            raise UsageError(f"{opt} '{s}': give comma-separated {what}{lo}..{hi}")
        vals.append(int(s))
    return vals


def one_int(opt, text, lo, hi):
    if not text.isdigit() or not lo <= int(text) <= hi:
        raise UsageError(f"{opt} '{text}': give an integer {lo}..{hi}")
    return int(text)


def array_list(text):
    vals = []
    for s in text.split(","):
        p = s.split("x")
        if len(p) != 2 or not all(x.isdigit() and 1 <= int(x) <= 256 for x in p):
            raise UsageError(f"--array '{s}': give comma-separated RxC, sides 1..256 (e.g. 8x8,16x16)")
        vals.append(f"{int(p[0])}x{int(p[1])}")
    return vals


def model_list(text):
    models = {}
    for path in text.split(","):
        if not os.path.isfile(path):
            raise UsageError(f"--models '{path}': no such file")
        stem = os.path.splitext(os.path.basename(path))[0]
        if stem in models:
            raise UsageError(f"--models '{path}': two models named '{stem}'; rename one")
        models[stem] = path
    return models


def parse_args(argv):
    ap = OneLineParser(prog="mica sweep", add_help=False)
    ap.add_argument("--mica", required=True)
    for o in ("--models", "--array", "--bus", "--aspad", "--latency"):
        ap.add_argument(o, required=True)
    ap.add_argument("-o", dest="out", required=True)
    ap.add_argument("--rtl-confirm", default="0")
    ap.add_argument("--jobs", default=str(os.cpu_count() or 1))
    ap.add_argument("--slurm", action="store_true")
    ap.add_argument("--slurm-tasks", default="8")
    ap.add_argument("--slurm-timeout", default="3600")
    a = ap.parse_args(argv)
    if not os.access(a.mica, os.X_OK):
        raise UsageError(f"--mica '{a.mica}': not an executable")
    spec = {"mica": os.path.abspath(a.mica), "out": os.path.abspath(a.out),
            "models": {k: os.path.abspath(v) for k, v in model_list(a.models).items()},
            "array": array_list(a.array), "bus": int_list("--bus", a.bus, 1, 64, pow2=True),
            "aspad": int_list("--aspad", a.aspad, 1, 65536),
            "latency": int_list("--latency", a.latency, 1, 1000)}
    spec["rtl_confirm"] = one_int("--rtl-confirm", a.rtl_confirm, 0, 1000)
    spec["jobs"] = one_int("--jobs", a.jobs, 1, 256)
    spec["slurm_tasks"] = one_int("--slurm-tasks", a.slurm_tasks, 1, 10000)
    spec["slurm_timeout"] = one_int("--slurm-timeout", a.slurm_timeout, 10, 10 ** 6)
    return spec, a.slurm


def points(spec):
    """Every model x point, in a stable order."""
    return [{"model": m, "array": arr, "bus": str(b), "aspad": str(asp), "latency": str(lat)}
            for m in spec["models"] for arr in spec["array"] for b in spec["bus"]
            for asp in spec["aspad"] for lat in spec["latency"]]


def read_csv(path):
    if not os.path.exists(path):
        return {}
    with open(path, newline="") as f:
        r = csv.DictReader(f)
        if r.fieldnames != sp.COLUMNS:
            raise UsageError(f"{path}: its columns are not this sweep's ({', '.join(sp.COLUMNS)}); "
                             "move it away or choose another -o DIR")
        return {sp.key_of(row): row for row in r}


def sort_key(key):
    """Model, then rows, columns, bus, ASPAD and latency as numbers (8x8 before 16x16)."""
    model, array, *nums = key
    return (model, *(int(x) for x in array.split("x")), *(int(n) for n in nums))


def write_csv(path, rows):
    """Sorted, complete file under a temporary name, then renamed."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=sp.COLUMNS, lineterminator="\n")
    w.writeheader()
    for k in sorted(rows, key=sort_key):
        w.writerow(rows[k])
    with open(path + ".tmp", "w") as f:
        f.write(buf.getvalue())
    os.replace(path + ".tmp", path)


class Progress:
    """A bar on a terminal; a line per quarter when stderr is a file (logs stay short)."""

    def __init__(self, total, what):
        self.total, self.done, self.what = total, 0, what
        self.tty = sys.stderr.isatty()

    def step(self):
        self.done += 1
        if self.tty:
            fill = 40 * self.done // max(self.total, 1)
            sys.stderr.write(f"\r  [{'#' * fill}{' ' * (40 - fill)}] {self.done}/{self.total} {self.what}")
            if self.done == self.total:
                sys.stderr.write("\n")
        elif self.done == self.total or self.done % max(self.total // 4, 1) == 0:
            sys.stderr.write(f"mica sweep: {self.done}/{self.total} {self.what}\n")
        sys.stderr.flush()


def load_area_model():
    with open(AREA_MODEL) as f:
        return json.load(f)


def evaluate_points(spec, todo, jobs, on_row):
    """Evaluates todo on jobs threads (each point is a child process); on_row(row) per result."""
    area, defaults = load_area_model(), sp.hw_defaults()
    with ThreadPoolExecutor(max_workers=jobs) as ex:
        futs = [ex.submit(sp.evaluate, spec["mica"], spec["models"][p["model"]], p, area, defaults)
                for p in todo]
        for fut in as_completed(futs):
            on_row(fut.result())


def run_local(spec, rows, todo, csv_path):
    prog = Progress(len(todo), "points")
    def on_row(row):
        rows[sp.key_of(row)] = row
        write_csv(csv_path, rows)  # every finished point survives an interruption
        prog.step()
    evaluate_points(spec, todo, spec["jobs"], on_row)


def pareto(rows):
    """Keys of the rows no other row of the same model beats on both cycles and energy."""
    front = set()
    for k, r in rows.items():
        c, e = int(r["cycles"]), float(r["energy_uj"])
        if not any(o["model"] == r["model"] and int(o["cycles"]) <= c and float(o["energy_uj"]) <= e
                   and (int(o["cycles"]), float(o["energy_uj"])) != (c, e) for o in rows.values()):
            front.add(k)
    return front


def choose_rtl_points(rows, n):
    """n RTL-runnable rows, spread along each model's Pareto front first (round robin over
    models, evenly spaced in cycles), then the other runnable rows. The front is taken at each
    memory latency (the environment, not a design choice): with static energy growing with
    cycles, a slower memory's points are never on the overall front, yet need confirming too."""
    latencies = {r["latency"] for r in rows.values()}
    front = set().union(*(pareto({k: r for k, r in rows.items() if r["latency"] == lat})
                          for lat in latencies))
    ok, seen = [], set()
    # points that compile to the same cost (e.g. an ASPAD the model does not fill) run once:
    # the one with the fewest on-chip bytes
    for k in sorted(rows, key=lambda k: int(rows[k]["onchip_bytes"])):
        same = (rows[k]["model"], rows[k]["cycles"], rows[k]["energy_uj"], rows[k]["latency"])
        if sp.rtl_confirmable(rows[k]) and same not in seen:
            seen.add(same)
            ok.append(k)
    chosen = []
    for pool in ([k for k in ok if k in front], [k for k in ok if k not in front]):
        by_model = {}
        for k in sorted(pool, key=lambda k: int(rows[k]["cycles"])):
            by_model.setdefault(rows[k]["model"], []).append(k)
        lists = [spread(v, len(v)) for v in by_model.values()]
        while len(chosen) < n and any(lists):
            for l in lists:
                if l and len(chosen) < n:
                    chosen.append(l.pop(0))
    return chosen


def spread(keys, n):
    """keys reordered so that any prefix is spread evenly: ends first, then midpoints."""
    order, seen = [], set()
    for step in range(0, 12):
        parts = 2 ** step
        for i in range(parts + 1):
            j = round(i * (len(keys) - 1) / parts) if len(keys) > 1 else 0
            if j not in seen:
                seen.add(j)
                order.append(keys[j])
    order += [k for i, k in enumerate(keys) if i not in seen]
    return order[:n]


def confirm_on_rtl(spec, rows, wanted, csv_path):
    """Runs the chosen points of this sweep (keys in wanted) on the RTL; False if one is off."""
    n = spec["rtl_confirm"]
    mine = {k: r for k, r in rows.items() if k in wanted}
    runnable = sum(sp.rtl_confirmable(r) for r in mine.values())
    if n > runnable:
        print(f"mica sweep: --rtl-confirm {n}: only {runnable} points can run on the RTL (arrays "
              f"{', '.join(sp.RTL_ARRAYS)} at bus {sp.RTL_BUS}); confirming those", file=sys.stderr)
    chosen = choose_rtl_points(mine, n)
    todo = [k for k in chosen if not rows[k]["rtl_cycles"]]
    prog = Progress(len(todo), "RTL runs")
    def one(k):
        r = rows[k]
        return k, sp.rtl_cycles(spec["mica"], spec["models"][r["model"]], r)
    with ThreadPoolExecutor(max_workers=spec["jobs"]) as ex:
        for fut in as_completed([ex.submit(one, k) for k in todo]):
            k, cyc = fut.result()
            rows[k]["rtl_cycles"] = str(cyc)
            rows[k]["rtl_diff"] = f"{(int(rows[k]['cycles']) - cyc) / cyc:.4f}"
            write_csv(csv_path, rows)
            prog.step()
    worst = max((abs(float(rows[k]["rtl_diff"])) for k in chosen), default=0.0)
    bad = [k for k in chosen if abs(float(rows[k]["rtl_diff"])) > TOLERANCE]
    print(f"RTL-confirmed {len(chosen)} points: largest |estimate - RTL| / RTL = {worst:.2%} "
          f"(tolerance {TOLERANCE:.0%})")
    for k in bad:
        print(f"mica sweep: {' '.join(k)}: estimate {rows[k]['cycles']} vs RTL "
              f"{rows[k]['rtl_cycles']} cycles, outside the tolerance", file=sys.stderr)
    return not bad


def export_topologies(spec, out):
    """SCALE-Sim GEMM topologies of every model (its layers do not depend on the point)."""
    d = os.path.join(out, "scalesim")
    os.makedirs(d, exist_ok=True)
    for m, path in spec["models"].items():
        scalesim_topology.export(spec["mica"], path, os.path.join(d, m + ".csv"))


def main(argv):
    if argv and argv[0] == "worker":
        import sweep_slurm
        return sweep_slurm.worker(argv[1:], evaluate_points)
    try:
        spec, slurm = parse_args(argv)
        os.makedirs(spec["out"], exist_ok=True)
        csv_path = os.path.join(spec["out"], "sweep.csv")
        rows = read_csv(csv_path)
    except (UsageError, OSError) as e:
        print(f"mica sweep: {e}", file=sys.stderr)
        return 2
    t0 = time.monotonic()
    todo = [p for p in points(spec) if sp.key_of(p) not in rows]
    print(f"sweep: {len(spec['models'])} models x {len(points(spec)) // len(spec['models'])} "
          f"points; {len(todo)} to compute, {len(points(spec)) - len(todo)} already in {csv_path}")
    try:
        if todo and slurm:
            import sweep_slurm
            sweep_slurm.run(spec, rows, todo, csv_path)
        elif todo:
            run_local(spec, rows, todo, csv_path)
        wanted = {sp.key_of(p) for p in points(spec)}
        ok = confirm_on_rtl(spec, rows, wanted, csv_path) if spec["rtl_confirm"] else True
        write_csv(csv_path, rows)
        mine = {k: r for k, r in rows.items() if k in wanted}
        sweep_plot.write_plots(mine, pareto(mine), spec["out"])
        export_topologies(spec, spec["out"])
    except (sp.PointError, UsageError, OSError) as e:
        print(f"mica sweep: {e}", file=sys.stderr)
        return 1
    print(f"sweep: wrote {csv_path}, pareto.svg, energy.svg, scalesim/*.csv in "
          f"{time.monotonic() - t0:.1f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        print("mica sweep: interrupted; finished points are kept in DIR/sweep.csv (run again to "
              "resume)", file=sys.stderr)
        sys.exit(130)
