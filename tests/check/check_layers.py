#!/usr/bin/env python3
"""Include graph between source folders, and the layering rules it must follow.

Every `#include "..."` of the C/C++ sources under the folders below is resolved as the compiler
does (the including file's own folder, then the folder's include path in order); the include
paths are the Makefile's LAYER_INC lines (driver/, compiler/) or, for what other build files
compile, the table EXTERNAL below. Prints the graph (folder -> folder, number of includes) and
fails (exit 1, one line each) on:
  - an include that does not resolve with the folder's own include path;
  - compiler/ including anything under driver/; driver/core or driver/backends anything under
    compiler/; driver/core anything under driver/backends, driver/cli or driver/port;
  - include/ including anything outside include/ and build/gen;
  - a cycle between folders.
Needs build/gen (make gen). Usage: python3 tests/check/check_layers.py
"""
import os
import re
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FOLDERS = ("include", "driver", "compiler", "sim", "rtl/tb")
VERILATOR = "<verilator>"   # headers Verilator generates (Vmica_*.h) or ships (verilated*.h)

# Folders another build file compiles: (include path, where it is set).
EXTERNAL = {
    "compiler/tflite": ([], "compiler/tflite/Makefile WARN/CFLAGS"),
    "sim": (["sim", "build/gen", "build/sim", VERILATOR], "sim/Makefile CXXFLAGS_SIM"),
    "sim/test": (["sim", "build/gen", "include"], "sim/Makefile CFLAGS_TEST -I$(ROOT)/include"),
    "sim/bench": (["sim", "build/gen"], "sim/Makefile CFLAGS_TEST"),
    "sim/systemc": (["sim/systemc", "include", "build/gen", VERILATOR],
                    "sim/systemc/Makefile CXXFLAGS_SC"),
    # the integrator's example sees the installed headers: sim/systemc's, mica_hw.h, mica_isa.h
    "sim/systemc/example": (["sim/systemc", "include", "build/gen"], "mica-systemc.pc Cflags"),
    "rtl/tb/top": (["build/gen", "include", "rtl/tb/top", VERILATOR], "rtl/tb/top/run.sh -CFLAGS"),
    "rtl/tb/unit": (["include", "rtl/tb/unit", VERILATOR], "rtl/tb/unit/run.sh -CFLAGS"),
}
CONTRACT = ["build/gen", "include"]   # include/ headers see the contract only

FORBIDDEN = [  # (from prefix, to prefix, why)
    ("compiler", "driver", "the compiler must not include driver/ files"),
    ("driver/core", "compiler", "the runtime core must not include compiler/ files"),
    ("driver/backends", "compiler", "a backend must not include compiler/ files"),
    ("driver/core", "driver/backends", "the core is below the backends"),
    ("driver/core", "driver/cli", "the core is below the CLI"),
    ("driver/core", "driver/port", "the core sees the port through include/mica_port.h only"),
]


def under(path, prefix):
    return path == prefix or path.startswith(prefix + "/")


def makefile_layers():
    """{source prefix: include dirs} from the Makefile's `$(B)/obj/X%.o: LAYER_INC = ...` lines."""
    text = open(os.path.join(REPO, "Makefile")).read()
    variables = dict(re.findall(r"^(\w+)\s*:?=\s*(.*)$", text, re.M))
    variables["B"] = "build"   # $(ROOT)/build: paths here are relative to the repository
    layers = {}
    for target, value in re.findall(r"^\$\(B\)/obj/(\S+)\.o:\s*LAYER_INC\s*=\s*(.*)$", text, re.M):
        for _ in range(10):   # expand $(CONTRACT_INC), $(GEN), $(B); nested a few levels at most
            value = re.sub(r"\$\((\w+)\)", lambda m: variables.get(m.group(1), ""), value)
        layers[target.rstrip("%").rstrip("/")] = [d[2:] for d in value.split() if d.startswith("-I")]
    return layers


def sources():
    out = subprocess.run(["git", "ls-files", "--", *FOLDERS], cwd=REPO, capture_output=True,
                         text=True, check=True).stdout.split()
    return [f for f in out if f.endswith((".c", ".h", ".cpp"))]


def include_path(path, layers):
    """(dirs, where) for a source file: the longest matching layer prefix."""
    if under(path, "include"):
        return CONTRACT, "Makefile CONTRACT_INC"
    candidates = {**{k: (v, "Makefile LAYER_INC") for k, v in layers.items()}, **EXTERNAL}
    stem = os.path.splitext(path)[0]
    best = max((p for p in candidates if under(stem, p)), key=len, default=None)
    return candidates[best] if best else (None, "no include path known")


def resolve(name, src, dirs):
    """Repository-relative folder the include resolves to, VERILATOR, or None."""
    for d in [os.path.dirname(src)] + dirs:
        if d == VERILATOR:
            if re.match(r"^(V\w+|verilated\w*)\.h$", name):
                return VERILATOR
            continue
        full = os.path.normpath(os.path.join(REPO, d, name))
        if os.path.isfile(full):
            return os.path.relpath(os.path.dirname(full), REPO)
    return None


def find_cycles(edges):
    """Strongly connected components of more than one folder (Tarjan)."""
    graph = {}
    for a, b in edges:
        graph.setdefault(a, []).append(b)
        graph.setdefault(b, [])
    index, low, stack, on, comps = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                comps.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return comps


def main():
    if not os.path.isdir(os.path.join(REPO, "build", "gen")):
        print("check_layers: build/gen missing (make gen)")
        return 2
    layers = makefile_layers()
    edges, problems = {}, []
    for src in sources():
        dirs, where = include_path(src, layers)
        folder = os.path.dirname(src)
        with open(os.path.join(REPO, src), errors="replace") as f:
            for line_no, line in enumerate(f, 1):
                m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
                if not m:
                    continue
                target = resolve(m.group(1), src, dirs or [])
                if target is None:
                    problems.append('%s:%d: "%s" does not resolve with %s (%s)'
                                    % (src, line_no, m.group(1), dirs, where))
                    continue
                if target != folder:
                    edges[(folder, target)] = edges.get((folder, target), 0) + 1
                for a, b, why in FORBIDDEN:
                    if under(folder, a) and under(target, b):
                        problems.append('%s:%d: includes %s/%s: %s' % (src, line_no, target,
                                                                      os.path.basename(m.group(1)), why))
                if under(folder, "include") and target not in CONTRACT:
                    problems.append('%s:%d: include/ reaches %s (only include/ and build/gen)'
                                    % (src, line_no, target))
    for comp in find_cycles(edges):
        problems.append("cycle between folders: %s" % " <-> ".join(comp))
    print("include graph (folder -> folder: includes):")
    for (a, b), n in sorted(edges.items()):
        print("  %-22s -> %-22s %3d" % (a, b, n))
    for p in problems:
        print("FAIL " + p)
    print("check_layers: %s" % ("PASS" if not problems else "FAIL (%d problems)" % len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
