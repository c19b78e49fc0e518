#!/usr/bin/env python3
"""Subgraph refusals and limits (compiler/lower_ctrl.c, driver/core/control*.c): each case edits one
of the generated subgraph models (make_subgraph_models.py) through the flatbuffer object API and
expects `mica compile` (or `mica verify`) to fail with exactly one stderr line holding the expected
text, a non-zero exit and no sanitizer report. Then program-level edits of a compiled control
block must be refused by the loader with one line.
Usage: bad_subgraphs.py MICA_BINARY MODEL_DIR
"""
import os
import struct
import subprocess
import sys
import tempfile
import zlib

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
from tensorflow.lite.python import schema_py_generated as schema  # noqa: E402

MICA, DIR = sys.argv[1], sys.argv[2]
OP = schema.BuiltinOperator


def load(name):
    with open(os.path.join(DIR, name + ".tflite"), "rb") as f:
        buf = f.read()
    return schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(buf, 0))


def save(model, path):
    b = __import__("flatbuffers").Builder(1024)
    b.Finish(model.Pack(b), file_identifier=b"TFL3")
    with open(path, "wb") as f:
        f.write(b.Output())


def find_op(model, sg, code):
    for op in model.subgraphs[sg].operators:
        oc = model.operatorCodes[op.opcodeIndex]
        if max(oc.builtinCode, oc.deprecatedBuiltinCode) == code:
            return op
    raise LookupError(code)


def edit_if_then(v):
    def f(m):
        find_op(m, 0, OP.IF).builtinOptions.thenSubgraphIndex = v
    return f


def edit_while_body(v):
    def f(m):
        find_op(m, 0, OP.WHILE).builtinOptions.bodySubgraphIndex = v
    return f


def while_recursion(m):
    """The body (subgraph 2) gets a WHILE calling body 2 again."""
    body = m.subgraphs[2]
    w = find_op(m, 0, OP.WHILE)
    import copy
    inner = copy.deepcopy(w)
    inner.inputs = [body.outputs[0]]
    t = copy.deepcopy(body.tensors[body.outputs[0]])
    t.name = b"recursion_out"
    body.tensors.append(t)
    inner.outputs = [len(body.tensors) - 1]
    body.operators.append(inner)
    body.outputs = [len(body.tensors) - 1]


def if_arity(m):
    find_op(m, 0, OP.IF).inputs = list(find_op(m, 0, OP.IF).inputs)[:1]  # the condition only


def call_once_missing(m):
    find_op(m, 0, OP.CALL_ONCE).builtinOptions.initSubgraphIndex = 7


def var_type_conflict(m):
    """The init subgraph assigns an int8 constant of another size to the variable."""
    init = m.subgraphs[1]
    t = init.tensors[0]
    t.type = schema.TensorType.INT8
    t.shape = [1, 3]
    m.buffers[t.buffer].data = [1, 2, 3]


def endless_while(m):
    """The body returns its input unchanged, so the condition never turns false."""
    body = m.subgraphs[2]
    body.outputs = [body.inputs[0]]


COMPILE_CASES = [
    ("if_then_index_out_of_range", "cond", edit_if_then(9), "then_subgraph_index 9 is not a subgraph"),
    ("if_then_index_negative", "cond", edit_if_then(-1), "then_subgraph_index -1 is not a subgraph"),
    ("if_calls_main", "cond", edit_if_then(0), "then_subgraph_index 0 is not a subgraph"),
    ("while_body_out_of_range", "while", edit_while_body(5), "body_subgraph_index 5 is not a subgraph"),
    ("while_recursion", "while", while_recursion, "recursion"),
    ("if_wrong_arity", "cond", if_arity, "do not match its subgraphs"),
    ("call_once_missing_init", "state_var", call_once_missing, "init_subgraph_index 7 is not"),
    ("variable_type_conflict", "state_var", var_type_conflict, "Mica keeps one type and size"),
]


def one_line_failure(cmd, expect):
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    ok = (r.returncode != 0 and len(lines) == 1 and expect in lines[0] and
          "Sanitizer" not in r.stderr and "runtime error" not in r.stderr)
    return ok, (lines[-1] if lines else "(no stderr) rc=%d" % r.returncode)


def program_cases(tmp):
    """Edits of the compiled cond program's IF block (checksum resealed): (name, path, expect)."""
    prog = os.path.join(tmp, "cond.mica")
    subprocess.run([MICA, "compile", os.path.join(DIR, "cond.tflite"), "-o", prog], check=True,
                   capture_output=True)
    with open(prog, "rb") as f:
        base = bytearray(f.read())
    h = struct.unpack_from("<8s27I", base, 0)
    steps_off, nsteps, params_off = h[15], h[16], h[21]
    for s in range(nsteps):
        o = steps_off + s * 128
        if struct.unpack_from("<I", base, o + 48)[0] == 3:  # MICA_STEP_CTRL
            ctrl_step, block = s, params_off + struct.unpack_from("<I", base, o + 104)[0]
    nin, nout = struct.unpack_from("<2I", base, block + 8)
    region0 = block + 4 * (5 + nin + nout)
    cases = [("region_before_step", region0, ctrl_step, "is not after the step"),
             ("region_past_end", region0 + 4, 1000, "inside the"),
             ("condition_not_a_tensor", block, 5000, "malformed control block"),
             ("three_regions", block + 16, 3, "malformed control block"),
             ("if_input_size", region0 + 16, 0, "operands do not match")]
    out = []
    for name, at, value, expect in cases:
        data = bytearray(base)
        struct.pack_into("<I", data, at, value)
        struct.pack_into("<I", data, 120, 0)  # the checksum, computed with itself as zero
        struct.pack_into("<I", data, 120, zlib.crc32(bytes(data)))
        path = os.path.join(tmp, name + ".mica")
        with open(path, "wb") as f:
            f.write(data)
        out.append((name, path, expect))
    return out


def report(name, ok, line):
    print("%s %-28s %s" % ("ok  " if ok else "FAIL", name, line))
    return 0 if ok else 1


def main():
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, base, edit, expect in COMPILE_CASES:
            m = load(base)
            edit(m)
            path = os.path.join(tmp, name + ".tflite")
            save(m, path)
            ok, line = one_line_failure([MICA, "compile", path, "-o", os.path.join(tmp, "x.mica")],
                                        expect)
            failed += report(name, ok, line)
        m = load("while")
        endless_while(m)
        path = os.path.join(tmp, "endless_while.tflite")
        save(m, path)
        prog = os.path.join(tmp, "endless_while.mica")
        subprocess.run([MICA, "compile", path, "-o", prog], check=True, capture_output=True)
        # LiteRT itself would loop forever here; Mica stops at the program's limit
        failed += report("endless_while", *one_line_failure(
            [MICA, "run", prog, "--backend", "func", "--output-dir", tmp],
            "WHILE ran its body 100000 times"))
        for name, path, expect in program_cases(tmp):
            failed += report(name, *one_line_failure(
                [MICA, "run", path, "--backend", "func", "--output-dir", tmp], expect))
    print("bad_subgraphs.py: %s" % ("PASS" if not failed else "FAIL (%d)" % failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
