#!/usr/bin/env python3
"""Malformed graphs are refused before lowering (compiler/validate*.c): each case edits a valid model
(models/digits.tflite, or a small converted single-op model) through the flatbuffer object API, runs
`mica compile` (the ASan + UBSan build) and expects a non-zero exit, no sanitizer report and exactly
one stderr line holding the expected text. The unedited models must compile.

Also reports what LiteRT (BUILTIN_REF) does with a CONV_2D whose declared output shape is wrong.
Then a few random structural edits (operand indices, dimensions, option values, operator order):
each compiles or is refused with one line, never a crash.
Usage: bad_graph.py MICA_BINARY [RANDOM_EDITS]   (e.g. build/mica-asan 60)
"""
import copy
import os
import random
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "oracle"))
sys.path.insert(0, os.path.join(REPO, "tests", "kernels"))
import numpy as np  # noqa: E402

import make_cpu_op_models as cpu_models  # noqa: E402 (quiet TensorFlow import)
import single_op_models as som  # noqa: E402
import tflite_tools  # noqa: E402

fbu = som.fbu
MICA = sys.argv[1] if len(sys.argv) > 1 else os.path.join(REPO, "build", "mica-asan")
MUTATIONS = int(sys.argv[2]) if len(sys.argv) > 2 else 60
ENV = dict(os.environ, ASAN_OPTIONS="detect_leaks=1:abort_on_error=0", UBSAN_OPTIONS="halt_on_error=1")
DIGITS = os.path.join(REPO, "models", "digits.tflite")
# digits.tflite: op 0 CONV_2D [1,8,8,1] -> t8 [1,8,8,16]; op 1 CONV_2D stride 2 SAME -> t9 [1,4,4,16];
# op 2 RESHAPE (shape t1) -> t10 [1,256]; op 3 FULLY_CONNECTED (t3, t2) -> t11 [1,10]; op 4 SOFTMAX -> t12
CPU_CASES = ["dw_3x3_s2_same_m2", "maxpool_2x2_s2_valid", "add_bcast", "pad_hw", "concat_axis3", "mean_hw",
             "resize_nn_x2", "strided_slice", "slice", "transpose", "relu", "fc_32_10"]


class Model:
    """A model's object tree with edit helpers; bytes() serializes it."""

    def __init__(self, data):
        self.m = fbu.convert_bytearray_to_object(bytearray(data))
        self.g = self.m.subgraphs[0]

    def op(self, i):
        return self.g.operators[i]

    def opts(self, i):
        return self.g.operators[i].builtinOptions

    def t(self, i):
        return self.g.tensors[i]

    def shape(self, i, dims):
        self.g.tensors[i].shape = np.array(dims, np.int32)

    def set_ints(self, i, values, dtype=np.int32):
        arr = np.asarray(values, dtype)
        self.g.tensors[i].shape = np.array(arr.shape, np.int32)
        self.g.tensors[i].type = {np.int32: 2, np.int64: 4}[dtype]
        self.m.buffers[self.g.tensors[i].buffer].data = np.frombuffer(arr.tobytes(), np.uint8)

    def resize_const(self, i, dims, quant_count=None):
        """Constant tensor i reshaped to dims (zero data of the new size, per-axis scales cut)."""
        t = self.g.tensors[i]
        size = int(np.prod(dims)) * {9: 1, 2: 4}[t.type]
        self.shape(i, dims)
        self.m.buffers[t.buffer].data = np.zeros(size, np.uint8)
        if quant_count is not None:
            t.quantization.scale = t.quantization.scale[:quant_count]
            t.quantization.zeroPoint = t.quantization.zeroPoint[:quant_count]

    def add_tensor_like(self, i, name):
        t = copy.deepcopy(self.g.tensors[i])
        t.name = name
        self.g.tensors.append(t)
        return len(self.g.tensors) - 1

    def bytes(self):
        return bytes(fbu.convert_object_to_bytearray(self.m))


def edit(base, fn):
    m = Model(base)
    fn(m)
    return m.bytes()


def digits_cases(d):
    """(label, model bytes, expected stderr text) on digits.tflite."""
    def orphan_output(m):
        m.g.outputs = np.array([m.add_tensor_like(12, b"orphan")], np.int32)

    def orphan_input(m):
        m.op(2).inputs = np.array([m.add_tensor_like(9, b"orphan"), 1], np.int32)

    def extra_output(m):
        m.op(4).outputs = np.array([12, m.add_tensor_like(12, b"extra")], np.int32)

    def no_options(i):
        def f(m):
            m.op(i).builtinOptionsType, m.op(i).builtinOptions = 0, None
        return f

    def conv_opt(**kw):
        def f(m):
            for k, v in kw.items():
                setattr(m.opts(1), k, v)
        return f

    def swap_ops(m):
        m.g.operators[0], m.g.operators[1] = m.g.operators[1], m.g.operators[0]

    def escaped_name(m):
        m.t(9).name = b"bad\x1b[31mname\nline"
        m.shape(9, [1, 8, 8, 16])

    return [
        ("conv output declared 8x8 instead of 4x4", edit(d, lambda m: m.shape(9, [1, 8, 8, 16])),
         "...' is declared [1,8,8,16] but a 3x3 window, stride 2, SAME on [1,8,8,16] gives [1,4,4,16]"),
        ("graph input declared 10x10 instead of 8x8", edit(d, lambda m: m.shape(0, [1, 10, 10, 1])),
         "...' is declared [1,8,8,16] but a 3x3 window, stride 1, SAME on [1,10,10,1] gives [1,10,10,16]"),
        ("filter depth does not divide the input channels", edit(d, lambda m: m.resize_const(5, [16, 3, 3, 12])),
         "has 16 channels, not a multiple of filter 'functional_1/conv2_1/convolution' depth 12"),
        ("bias length != output channels", edit(d, lambda m: m.resize_const(4, [15], 15)),
         "...' is [15]; 16 values (one per output channel) expected"),
        ("two operators write one tensor", edit(d, lambda m: setattr(m.op(3), "outputs", np.array([9], np.int32))),
         "...' is already written by op 1 CONV_2D (a tensor has one producer)"),
        ("operator writes its own input", edit(d, lambda m: setattr(m.op(4), "outputs", np.array([11], np.int32))),
         "...' is also its input 0 (an operator cannot write its own input)"),
        ("operators out of order", edit(d, swap_ops),
         "...' is read before op 1 CONV_2D writes it (operators out of order)"),
        ("graph output nothing writes", edit(d, orphan_output),
         "graph output 0 'orphan' is not written by any operator and is not a graph input or a constant"),
        ("operator reads a tensor nothing writes", edit(d, orphan_input),
         "op 2 RESHAPE: input 'orphan' is not a graph input or a constant and no operator writes it"),
        ("operator writes a graph input", edit(d, lambda m: setattr(m.op(0), "outputs", np.array([0], np.int32))),
         "op 0 CONV_2D: output 'serving_default_image:0' is a graph input (only the caller writes those)"),
        ("extra operand", edit(d, lambda m: setattr(m.op(4), "inputs", np.array([11, 1], np.int32))),
         "op 4 SOFTMAX: has 2 inputs; SOFTMAX takes 1"),
        ("missing operand", edit(d, lambda m: setattr(m.op(3), "inputs", np.array([10], np.int32))),
         "op 3 FULLY_CONNECTED: has 1 input; FULLY_CONNECTED takes 2 or 3"),
        ("required operand absent (-1)", edit(d, lambda m: setattr(m.op(3), "inputs", np.array([10, -1, 2], np.int32))),
         "op 3 FULLY_CONNECTED: input 1 is absent (-1), which FULLY_CONNECTED does not allow"),
        ("extra output", edit(d, extra_output),
         "op 4 SOFTMAX: has 2 outputs; SOFTMAX writes exactly 1"),
        ("CONV_2D without options", edit(d, no_options(1)),
         "op 1 CONV_2D: its Conv2DOptions table is missing (TFLite would read every option as 0: stride 0)"),
        ("SOFTMAX without options", edit(d, no_options(4)),
         "op 4 SOFTMAX: its SoftmaxOptions table is missing (TFLite would read every option as 0: beta 0)"),
        ("stride 0", edit(d, conv_opt(strideW=0)), "op 1 CONV_2D: stride_w is 0; it must be 1..65535"),
        ("negative stride", edit(d, conv_opt(strideH=-2)), "op 1 CONV_2D: stride_h is -2; it must be 1..65535"),
        ("dilation 40000 on a 3x3 filter", edit(d, conv_opt(dilationWFactor=40000)),
         "op 1 CONV_2D: a 3x3 window with dilation 1x40000 spans 3x80001 pixels; at most 65535"),
        ("stride 2^31-1", edit(d, conv_opt(strideH=2**31 - 1)), "op 1 CONV_2D: stride_h is 2147483647; it must be 1..65535"),
        ("dilation 0", edit(d, conv_opt(dilationHFactor=0)), "op 1 CONV_2D: dilation_h_factor is 0; it must be 1..65535"),
        ("padding enum 2", edit(d, conv_opt(padding=2)), "op 1 CONV_2D: padding 2 is not SAME (0) or VALID (1)"),
        ("activation enum 9", edit(d, conv_opt(fusedActivationFunction=9)),
         "op 1 CONV_2D: fused activation 9 is not an ActivationFunctionType (0..5)"),
        ("FC weights_format 5", edit(d, lambda m: setattr(m.opts(3), "weightsFormat", 5)),
         "op 3 FULLY_CONNECTED: weights_format 5 is not DEFAULT (0) or SHUFFLED4x16INT8 (1)"),
        ("FC output declared [1,12]", edit(d, lambda m: m.shape(11, [1, 12])),
         "is declared [1,12] but a 10x256 filter (keep_num_dims false) on [1,256] gives [1,10]"),
        ("RESHAPE output declared [1,128]", edit(d, lambda m: m.shape(10, [1, 128])),
         "op 2 RESHAPE: output 'functional_1/flatten_1/Reshape' is declared [1,128] but reshaping [1,4,4,16] "
         "to the shape input [1,256] gives [1,256]"),
        ("RESHAPE shape that cannot hold the input", edit(d, lambda m: m.set_ints(1, [3, -1])),
         "op 2 RESHAPE: the shape input [3,-1] cannot hold the 256 elements of input [1,4,4,16]"),
        ("SOFTMAX output declared [1,11]", edit(d, lambda m: m.shape(12, [1, 11])),
         "op 4 SOFTMAX: output 'StatefulPartitionedCall_1:0' is declared [1,11] but SOFTMAX of [1,10] gives [1,10]"),
        ("escape codes and a newline in a tensor name", edit(d, escaped_name),
         "op 1 CONV_2D: output 'bad\\x1b[31mname\\x0aline' is declared [1,8,8,16]"),
        ("graph output is a constant", edit(d, lambda m: setattr(m.g, "outputs", np.array([3], np.int32))),
         "graph output 0 'functional_1/logits_1/MatMul' is a constant"),
    ]


def cpu_cases(models):
    """(label, model bytes, expected stderr text) on single-op models (op 0 is the operator)."""
    def on(name, fn):
        return edit(models[name], fn)

    def out_shape(dims):
        return lambda m: m.shape(m.op(0).outputs[0], dims)

    def in_shape(k, dims):
        return lambda m: m.shape(m.op(0).inputs[k], dims)

    def opt(**kw):
        def f(m):
            for k, v in kw.items():
                setattr(m.opts(0), k, v)
        return f

    def keep_dims_16(m):
        m.opts(0).keepNumDims = True
        m.shape(m.op(0).inputs[0], [1, 2, 16])

    def const_in(k, values, dtype=np.int32):
        return lambda m: m.set_ints(m.op(0).inputs[k], values, dtype)

    return [
        ("DEPTHWISE filter channels not a multiple of the input's", on("dw_3x3_s2_same_m2", in_shape(0, [1, 11, 12, 4])),
         "has 6 channels, not a multiple of the 4 channels of input 'x'"),
        ("DEPTHWISE output declared 11x12", on("dw_3x3_s2_same_m2", out_shape([1, 11, 12, 6])),
         "is declared [1,11,12,6] but a 3x3 window, stride 2, SAME on [1,11,12,3] gives [1,6,6,6]"),
        ("DEPTHWISE filter [2,3,3,6]", on("dw_3x3_s2_same_m2", lambda m: m.resize_const(m.op(0).inputs[1], [2, 3, 3, 6])),
         "; [1, height, width, channels] expected"),
        ("MAX_POOL filter width 0", on("maxpool_2x2_s2_valid", opt(filterWidth=0)),
         "op 0 MAX_POOL_2D: filter_width is 0; it must be 1..65535"),
        ("MAX_POOL output declared [1,8,10,3]", on("maxpool_2x2_s2_valid", out_shape([1, 8, 10, 3])),
         "is declared [1,8,10,3] but a 2x2 window, stride 2, VALID on [1,8,10,3] gives [1,4,5,3]"),
        ("MAX_POOL without options", on("maxpool_2x2_s2_valid", lambda m: setattr(m.op(0), "builtinOptions", None)),
         "op 0 MAX_POOL_2D: its Pool2DOptions table is missing"),
        ("ADD inputs that do not broadcast", on("add_bcast", in_shape(1, [1, 1, 1, 4])),
         "do not broadcast (5 vs 4)"),
        ("ADD output declared [1,6,7,1]", on("add_bcast", out_shape([1, 6, 7, 1])),
         "is declared [1,6,7,1] but broadcasting [1,6,7,5] with [1,1,1,5] gives [1,6,7,5]"),
        ("PAD output declared [1,6,7,5]", on("pad_hw", out_shape([1, 6, 7, 5])),
         "is declared [1,6,7,5] but padding [1,6,7,5] by [0,0,1,2,2,0,0,0] gives [1,9,9,5]"),
        ("PAD negative padding", on("pad_hw", const_in(1, [[0, 0], [1, 2], [-2, 0], [0, 0]])),
         "pad dimension 2 by -2 and 0; paddings must be >= 0"),
        ("PAD paddings of the wrong shape", on("pad_hw", const_in(1, [[0, 0], [1, 2], [2, 0]])),
         "is [3,2]; [4,2] expected for input [1,6,7,5]"),
        ("CONCATENATION axis 5", on("concat_axis3", opt(axis=5)),
         "op 0 CONCATENATION: axis 5 is outside -4..3 (inputs of rank 4)"),
        ("CONCATENATION output declared [1,6,7,9]", on("concat_axis3", out_shape([1, 6, 7, 9])),
         "is declared [1,6,7,9] but concatenating 2 inputs on axis 3 gives [1,6,7,8]"),
        ("CONCATENATION inputs disagree off the axis", on("concat_axis3", in_shape(1, [1, 5, 7, 3])),
         "must agree except on axis 3"),
        ("MEAN keep_dims flipped", on("mean_hw", opt(keepDims=True)),
         "is declared [1,5] but MEAN over axes [1,2] (keep_dims true) of [1,6,7,5] gives [1,1,1,5]"),
        ("MEAN axis 4", on("mean_hw", const_in(1, [1, 4])), "op 0 MEAN: axis 4 is outside -4..3"),
        ("RESIZE size operand [10,14] for a 12x14 output", on("resize_nn_x2", const_in(1, [10, 14])),
         "is declared [1,12,14,5] but resizing [1,6,7,5] to size [10,14] gives [1,10,14,5]"),
        ("RESIZE size operand int64", on("resize_nn_x2", const_in(1, [12, 14], np.int64)),
         "must be a constant int32 [2] tensor (is INT64 [2])"),
        ("RESIZE size operand [12,14,1]", on("resize_nn_x2", const_in(1, [12, 14, 1])),
         "must be a constant int32 [2] tensor (is INT32 [3])"),
        ("STRIDED_SLICE output declared [1,4,7,4]", on("strided_slice", out_shape([1, 4, 7, 4])),
         "is declared [1,4,7,4] but slicing [1,6,7,5]"),
        ("STRIDED_SLICE stride 0", on("strided_slice", const_in(3, [1, 2, 0, 1])), "op 0 STRIDED_SLICE: strides[2] is 0"),
        ("SLICE size past the input", on("slice", const_in(2, [1, 4, 6, 3])),
         "op 0 SLICE: begin 2 and size 6 leave dimension 2 of input"),
        ("TRANSPOSE permutation [0,1,1,2]", on("transpose", const_in(1, [0, 1, 1, 2])),
         "op 0 TRANSPOSE: permutation [0,1,1,2] is not a permutation of the 4 axes of input [1,6,7,5]"),
        ("TRANSPOSE output declared [1,6,7,5]", on("transpose", out_shape([1, 6, 7, 5])),
         "is declared [1,6,7,5] but transposing [1,6,7,5] by [0,3,1,2] gives [1,5,6,7]"),
        ("RELU output declared [1,6,7,4]", on("relu", out_shape([1, 6, 7, 4])),
         "is declared [1,6,7,4] but RELU of [1,6,7,5] gives [1,6,7,5]"),
        ("FULLY_CONNECTED keep_num_dims on an input ending in 16", on("fc_32_10", keep_dims_16),
         "op 0 FULLY_CONNECTED: keep_num_dims: input 'x' [1,2,16] ends in 16, filter"),
        ("FULLY_CONNECTED input of 30 elements for a 32-wide filter", on("fc_32_10", in_shape(0, [1, 30])),
         "has 30 elements, not a multiple of filter"),
    ]


def accepted_cases(digits, models):
    """Edits LiteRT runs as before (measured), so Mica must compile them too."""
    def dw_multiplier(k):
        def f(m):
            m.opts(0).depthMultiplier = k
        return f

    def no_fc_options(m):
        m.op(3).builtinOptionsType, m.op(3).builtinOptions = 0, None   # zeros are FC's defaults

    return [("DEPTHWISE depth_multiplier option 3 (LiteRT derives 2 from the shapes)",
             edit(models["dw_3x3_s2_same_m2"], dw_multiplier(3))),
            ("DEPTHWISE depth_multiplier option 0", edit(models["dw_3x3_s2_same_m2"], dw_multiplier(0))),
            ("FULLY_CONNECTED without options", edit(digits, no_fc_options))]


def mutate(m, rng):
    """One random structural edit: an operand index, an output index, a dimension, an option value,
    two operators swapped or a tensor's rank changed."""
    g, kind = m.g, rng.randrange(6)
    op, t = rng.choice(g.operators), rng.choice(g.tensors)
    if kind == 0:
        op.inputs[rng.randrange(len(op.inputs))] = rng.randrange(-1, len(g.tensors))
    elif kind == 1:
        op.outputs[0] = rng.randrange(len(g.tensors))
    elif kind == 2 and len(t.shape):
        t.shape[rng.randrange(len(t.shape))] = rng.choice([0, 1, 2, 3, 7, 64, 65536, 2**31 - 1])
    elif kind == 3 and op.builtinOptions is not None:
        field = rng.choice(sorted(vars(op.builtinOptions)))
        if type(getattr(op.builtinOptions, field)) is int:
            setattr(op.builtinOptions, field, rng.choice([-2**31, -1, 0, 1, 2, 5, 100, 2**31 - 1]))
    elif kind == 4:
        i, j = rng.randrange(len(g.operators)), rng.randrange(len(g.operators))
        g.operators[i], g.operators[j] = g.operators[j], g.operators[i]
    elif kind == 5:
        t.shape = np.append(t.shape, 1).astype(np.int32) if rng.random() < 0.5 else t.shape[:-1]


def run_mutations(bases, n, tmp, problems):
    """n randomly edited models: each compiles or is refused with one line, never a crash."""
    rng = random.Random(10)
    for i in range(n):
        data = None
        while data is None:
            m = Model(rng.choice(bases))
            for _ in range(rng.randrange(1, 3)):
                mutate(m, rng)
            try:
                data = m.bytes()
            except (TypeError, OverflowError):   # a value the field's type cannot hold: draw again
                pass
        run_case("mutation %d" % i, data, "", tmp, problems, may_compile=True)


def run_case(label, data, expect, tmp, problems, may_compile=False):
    path = os.path.join(tmp, "bad.tflite")
    with open(path, "wb") as f:
        f.write(data)
    try:
        p = subprocess.run([MICA, "compile", path, "-o", os.path.join(tmp, "bad.mica")], capture_output=True,
                           text=True, timeout=120, env=ENV)
    except subprocess.TimeoutExpired:
        problems.append("%s: hang" % label)
        return
    lines = p.stderr.strip().splitlines()
    if p.returncode < 0 or "Sanitizer" in p.stderr or "runtime error" in p.stderr:
        problems.append("%s: crash (rc %d): %s" % (label, p.returncode, p.stderr[-400:]))
    elif p.returncode == 0:
        if not may_compile:
            problems.append("%s: accepted" % label)
    elif len(lines) != 1 or expect not in lines[0]:
        problems.append("%s: expected one line with %r, got %r" % (label, expect, lines[:3]))


def litert_on_wrong_conv_shape(data):
    """What LiteRT does with digits.tflite whose CONV_2D output t9 is declared [1,8,8,16]."""
    try:
        interp = tflite_tools.make_interpreter(model_content=data)
        inp = interp.get_input_details()[0]
        interp.set_tensor(inp["index"], np.zeros(inp["shape"], np.int8))
        interp.invoke()
        shape = {d["index"]: [int(n) for n in d["shape"]] for d in interp.get_tensor_details()}[9]
        return "LiteRT accepts it and resizes the CONV_2D output to the derived %s (the declared shape is ignored)" % shape
    except Exception as e:  # noqa: BLE001 (any refusal is the answer)
        return "LiteRT refuses it: %s" % str(e).splitlines()[0][:200]


def main():
    digits = open(DIGITS, "rb").read()
    models = {}
    for i, (name, case) in enumerate(cpu_models.cases().items()):
        if name in CPU_CASES:
            fn, shapes, ranges = case
            models[name] = cpu_models.convert(fn, shapes, ranges, seed=100 + i)
    problems = []
    cases = digits_cases(digits) + cpu_cases(models)
    with tempfile.TemporaryDirectory() as tmp:
        controls = [("digits", digits)] + sorted(models.items()) + accepted_cases(digits, models)
        for label, data in controls:
            path = os.path.join(tmp, "good.tflite")
            open(path, "wb").write(data)
            p = subprocess.run([MICA, "compile", path, "-o", os.path.join(tmp, "good.mica")], capture_output=True,
                               text=True, env=ENV)
            if p.returncode != 0:
                problems.append("valid model %s refused: %s" % (label, p.stderr.strip()[-300:]))
        for label, data, expect in cases:
            run_case(label, data, expect, tmp, problems)
        resnet = open(os.path.join(REPO, "models", "ic_resnet8.tflite"), "rb").read()
        run_mutations([digits, resnet], MUTATIONS, tmp, problems)
    print("bad_graph: " + litert_on_wrong_conv_shape(cases[0][1]))
    for p in problems:
        print("bad graph:", p)
    print("bad_graph: %d malformed models, %d valid controls, %d random edits: %d problems -> %s" % (
        len(cases), len(controls), MUTATIONS, len(problems), "FAIL" if problems else "PASS"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
