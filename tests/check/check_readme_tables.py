#!/usr/bin/env python3
"""Every folder README.md with a file table lists exactly what is in its folder.

A file table is a Markdown table whose first header cell is "file", "files" or "folder"
(any case). The backticked names in its first column are what it lists, relative to the README's
folder: `a.c`, `a.c/.h` (a.c and a.h), `sub/` (a subfolder), `core/a.c` (a file of a subfolder),
`*.vec` (a pattern; must match something). Checked against the files git tracks (and untracked,
not ignored ones; README.md itself excepted):
  - every listed name must exist;
  - a "file" table must list every file of its folder, and of every subfolder it lists a file of
    (subfolders themselves it may name or not);
  - a "folder" table must list every subfolder (hidden ones, .ci/, excepted).
One line per mismatch (README, name, what is wrong); exit 1 if any.
Usage: python3 tests/check/check_readme_tables.py
"""
import fnmatch
import os
import re
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def tracked():
    out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                         capture_output=True, text=True, check=True).stdout.split("\n")
    return [f for f in out if f and os.path.exists(os.path.join(REPO, f))]


def folder_contents(files, folder):
    """(files directly in folder, its subfolders) among the tracked paths."""
    prefix = "" if folder == "." else folder + "/"
    direct, subs = set(), set()
    for f in files:
        if not f.startswith(prefix):
            continue
        rest = f[len(prefix):].split("/")
        (direct if len(rest) == 1 else subs).add(rest[0])
    direct.discard("README.md")
    return direct, {d for d in subs if not d.startswith(".")}   # .ci/, .github/: not content


def tables(text):
    """(kind, [first-column cells]) for each file or folder table of a Markdown text."""
    lines, out, i = text.split("\n"), [], 0
    while i + 1 < len(lines):
        head = [c.strip().lower() for c in lines[i].strip().strip("|").split("|")]
        if lines[i].lstrip().startswith("|") and re.match(r"^\s*\|?\s*:?-{3,}", lines[i + 1]) \
                and head[0] in ("file", "files", "folder"):
            cells, i = [], i + 2
            while i < len(lines) and lines[i].lstrip().startswith("|"):
                cells.append(lines[i].strip().strip("|").split("|")[0])
                i += 1
            out.append(("folder" if head[0] == "folder" else "file", cells))
        else:
            i += 1
    return out


def names(cell):
    """Backticked names of a cell; `a.c/.h` gives a.c and a.h."""
    out = []
    for name in re.findall(r"`([^`]+)`", cell):
        m = re.match(r"^(.*)\.(\w+)/\.(\w+)$", name)
        out += ["%s.%s" % (m.group(1), m.group(2)), "%s.%s" % (m.group(1), m.group(3))] if m else [name]
    return out


def check_readme(readme, files):
    folder = os.path.dirname(readme) or "."
    problems = []
    for kind, cells in tables(open(os.path.join(REPO, readme)).read()):
        listed, covered = set(), {folder}   # covered: folders whose every file must be listed
        for name in (n for cell in cells for n in names(cell)):
            sub, base = os.path.split(name.rstrip("/"))
            where = os.path.normpath(os.path.join(folder, sub))
            direct, subs = folder_contents(files, where)
            if name.endswith("/"):
                hit = {os.path.join(where, base)} if base in subs else set()
            else:
                hit = {os.path.join(where, f) for f in direct if fnmatch.fnmatchcase(f, base)}
                covered.add(where)
            listed |= hit
            if not hit:
                problems.append("%s: lists `%s`, which is not in %s/" % (readme, name, folder))
        for where in sorted(covered):
            direct, subs = folder_contents(files, where)
            if kind == "file":
                problems += ["%s: %s/%s exists but is not in its file table" % (readme, where, f)
                             for f in sorted(direct) if os.path.join(where, f) not in listed]
            elif where == folder:
                problems += ["%s: %s/%s/ exists but is not in its folder table" % (readme, where, d)
                             for d in sorted(subs) if os.path.join(where, d) not in listed]
    return problems


def main():
    files = tracked()
    readmes = sorted(f for f in files if os.path.basename(f) == "README.md")
    problems, checked = [], 0
    for readme in readmes:
        if tables(open(os.path.join(REPO, readme)).read()):
            checked += 1
            problems += check_readme(readme, files)
    for p in problems:
        print("FAIL " + p)
    print("check_readme_tables: %s (%d READMEs with file tables)"
          % ("PASS" if not problems else "FAIL (%d mismatches)" % len(problems), checked))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
