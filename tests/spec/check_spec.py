#!/usr/bin/env python3
"""Fails when the RTL package or the C header could drift from hw/mica.json.

1. Regenerating from hw/mica.json gives byte-identical build/gen files (nothing hand-edited,
   nothing stale), and both carry the JSON's hash.
2. No source outside build/ defines its own opcode, CSR address, counter or error constant:
   the one definition is the generated one.
3. Every opcode, CSR and counter of the spec is used by the RTL; every field is decoded by the RTL
   through the package; every opcode with fields is built by the compiler through its generated
   typed encoder and read by the reference interpreter through its typed decoder (an unused
   definition usually means a hard-coded copy somewhere).
"""
import hashlib, json, os, re, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
failures = []

def check_regenerate(script, spec, outputs):
    """The generated files in build/gen are exactly what SCRIPT makes from SPEC, with its hash."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, os.path.join(ROOT, script), os.path.join(ROOT, spec), tmp], check=True)
        digest = hashlib.sha256(open(os.path.join(ROOT, spec), "rb").read()).hexdigest()[:16]
        for name in outputs:
            fresh = open(os.path.join(tmp, name)).read()
            built_path = os.path.join(ROOT, "build/gen", name)
            built = open(built_path).read() if os.path.exists(built_path) else None
            if built != fresh:
                failures.append(f"build/gen/{name} differs from what {spec} generates")
            if digest not in fresh:
                failures.append(f"{name} does not carry the spec hash {digest}")

def sources(dirs, exts):
    for d in dirs:
        for base, _, files in os.walk(os.path.join(ROOT, d)):
            for f in files:
                if f.endswith(exts):
                    yield os.path.join(base, f)

def check_no_private_definitions():
    patterns = [re.compile(r"localparam\s+\S*\s*\[?[^=]*\b(OP_[A-Z]+|CSR_[A-Z_]+|ERR_[A-Z_]+|CNT_[A-Z_]+)\s*="),
                re.compile(r"#\s*define\s+MICA_(OP|CSR|ERR|CNT)_[A-Z_]+\s")]
    for path in sources(["rtl", "sim", "driver", "compiler", "hw"], (".sv", ".v", ".h", ".c", ".cpp")):
        text = open(path, errors="replace").read()
        for p in patterns:
            m = p.search(text)
            if m:
                failures.append(f"{os.path.relpath(path, ROOT)} defines its own {m.group(0).strip()}")

def check_usage(spec):
    rtl = "".join(open(p).read() for p in sources(["rtl"], (".sv",)))
    compiler = "".join(open(p).read() for p in sources(["compiler"], (".c", ".h")))
    interp = "".join(open(p).read() for p in sources(["driver/core"], (".c", ".h")))
    for op in spec["opcodes"]:
        if f"OP_{op['name']}" not in rtl:
            failures.append(f"RTL never uses OP_{op['name']}")
        for f in op["fields"]:
            if f"{op['name']}_{f['name'].upper()}_LSB" not in rtl:
                failures.append(f"RTL never decodes {op['name']}.{f['name']} via the package")
        name = op["name"].lower()
        encoded = re.search(rf"mica_{name}_encode\(|MICA_ENCODE\([^;]*?,\s*{name}\s*,", compiler)
        if op["fields"] and not encoded:
            failures.append(f"the compiler never builds {op['name']} through mica_{name}_encode")
        if op["fields"] and f"mica_{name}_decode(" not in interp:
            failures.append(f"the reference interpreter never reads {op['name']} through mica_{name}_decode")
    for c in spec["csrs"]:
        if f"CSR_{c['name']}" not in rtl:
            failures.append(f"RTL never uses CSR_{c['name']}")
    for c in spec["counters"]:
        if f"CNT_{c['name']}" not in rtl:
            failures.append(f"RTL never drives counter CNT_{c['name']}")

def main():
    spec = json.load(open(os.path.join(ROOT, "hw/mica.json")))
    check_regenerate("hw/gen.py", "hw/mica.json", ("mica_pkg.sv", "mica_isa.h"))
    check_regenerate("hw/gen_link.py", "hw/link.json", ("mica_link.h", "mica_link_pkg.sv"))
    check_no_private_definitions()
    check_usage(spec)
    for f in failures:
        print("spec drift:", f)
    print(f"check_spec: {'FAIL' if failures else 'PASS'} ({len(failures)} problems)")
    sys.exit(1 if failures else 0)

if __name__ == "__main__":
    main()
