"""mica sweep --slurm: the points as a Slurm array job. Writes DIR/spec.json (what to compute)
and DIR/sweep.sbatch (a Python script with #SBATCH lines: no shell reads any path), submits it
with sbatch (argument list), polls squeue until the array has left the queue (with a timeout),
then merges DIR/parts/part-T.csv into DIR/sweep.csv. Task T computes points T, T+N, T+2N, ..."""
import csv, json, os, subprocess, sys, time

import sweep_point as sp

POLL_SECONDS = 2
CLIENT_SECONDS = 60  # sbatch / squeue / scancel answer in well under a second


class SlurmError(sp.PointError):
    pass


def slurm_cmd(argv):
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=CLIENT_SECONDS)
    except FileNotFoundError:
        raise SlurmError(f"--slurm: {argv[0]} is not installed (Debian: slurm-client)")
    except subprocess.TimeoutExpired:
        raise SlurmError(f"--slurm: {argv[0]} did not answer within {CLIENT_SECONDS} s")
    if p.returncode != 0:
        msg = (p.stderr.strip().splitlines() or ["no message"])[-1]
        raise SlurmError(f"--slurm: {argv[0]} failed: {msg}")
    return p.stdout


def sbatch_script():
    """The job script: the recorded Python runs this driver's worker for one array task."""
    here = os.path.dirname(os.path.abspath(__file__))
    return (f"#!{sys.executable}\n"
            "#SBATCH --job-name=mica-sweep\n"
            "#SBATCH --ntasks=1\n"
            "#SBATCH --cpus-per-task=1\n"
            "# One task of a mica sweep array job: argv[1] is DIR/spec.json.\n"
            "import os, sys\n"
            f"sys.path.insert(0, {here!r})\n"
            "import sweep\n"
            "sys.exit(sweep.main(['worker', sys.argv[1], os.environ['SLURM_ARRAY_TASK_ID']]))\n")


def write_atomic(path, text):
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.replace(path + ".tmp", path)


def submit(spec, todo):
    out = spec["out"]
    if "%" in out:
        raise SlurmError(f"-o '{out}': '%' is a Slurm file-name pattern; choose a directory without it")
    tasks = min(spec["slurm_tasks"], len(todo))
    parts = os.path.join(out, "parts")
    os.makedirs(parts, exist_ok=True)
    for f in os.listdir(parts):  # parts of an earlier, interrupted submission
        os.remove(os.path.join(parts, f))
    spec_path, script = os.path.join(out, "spec.json"), os.path.join(out, "sweep.sbatch")
    write_atomic(spec_path, json.dumps(dict(spec, todo=todo, tasks=tasks), indent=1))
    write_atomic(script, sbatch_script())
    os.chmod(script, 0o755)
    job = slurm_cmd(["sbatch", "--parsable", f"--array=0-{tasks - 1}",
                     f"--output={os.path.join(parts, 'task-%a.log')}", script, spec_path])
    return job.strip().split(";")[0], tasks


def wait(job, timeout):
    t0 = time.monotonic()
    while True:
        left = slurm_cmd(["squeue", "-h", "-j", job, "-o", "%i %T"]).split("\n")
        left = [l for l in left if l.strip()]
        if not left:
            return
        if time.monotonic() - t0 > timeout:
            subprocess.run(["scancel", job], capture_output=True, timeout=CLIENT_SECONDS)
            raise SlurmError(f"--slurm: job {job} still had {len(left)} tasks queued or running "
                             f"after {timeout} s (--slurm-timeout); cancelled")
        if sys.stderr.isatty():  # a status line on a terminal; logs get the summary only
            sys.stderr.write(f"\rmica sweep: Slurm job {job}: {len(left)} queue entries  ")
            sys.stderr.flush()
        time.sleep(POLL_SECONDS)


def merge(out, tasks, rows):
    parts = os.path.join(out, "parts")
    for t in range(tasks):
        path = os.path.join(parts, f"part-{t}.csv")
        if not os.path.exists(path):
            raise SlurmError(f"--slurm: task {t} wrote no {path}; see {parts}/task-{t}.log")
        with open(path, newline="") as f:
            r = csv.DictReader(f)
            if r.fieldnames != sp.COLUMNS:
                raise SlurmError(f"{path}: not a sweep part (columns differ)")
            for row in r:
                rows[sp.key_of(row)] = row


def run(spec, rows, todo, csv_path):
    import sweep
    job, tasks = submit(spec, todo)
    print(f"sweep: Slurm job {job}: {len(todo)} points in {tasks} array tasks")
    t0 = time.monotonic()
    wait(job, spec["slurm_timeout"])
    if sys.stderr.isatty():
        sys.stderr.write("\n")
    merge(spec["out"], tasks, rows)
    sweep.write_csv(csv_path, rows)
    print(f"sweep: Slurm array finished and merged in {time.monotonic() - t0:.1f} s")


def worker(args, evaluate_points):
    """One array task: its share of spec["todo"] into parts/part-TASK.csv (complete or absent)."""
    import sweep
    if len(args) != 2 or not args[1].isdigit():
        print("sweep.py worker: usage: worker SPEC.json TASK", file=sys.stderr)
        return 2
    with open(args[0]) as f:
        spec = json.load(f)
    task = int(args[1])
    mine = spec["todo"][task::spec["tasks"]]
    rows = {}
    try:
        evaluate_points(spec, mine, 1, lambda row: rows.__setitem__(sp.key_of(row), row))
    except sp.PointError as e:
        print(f"mica sweep task {task}: {e}", file=sys.stderr)
        return 1
    sweep.write_csv(os.path.join(spec["out"], "parts", f"part-{task}.csv"), rows)
    print(f"mica sweep task {task}: {len(rows)} points")
    return 0
