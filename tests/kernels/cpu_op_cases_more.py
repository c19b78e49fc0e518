"""More generated single-op int8 models for the CPU kernels (issue 14): imported by
make_cpu_op_models.py, which converts cases() like its own and applies patched_variants().
Each case: name -> (fn, input shapes, calibration ranges). Ranges of SQRT/RSQRT start at 0 so the
input zero point is -128 (LiteRT fails the invoke on inputs below it)."""


def cases(tf, const):
    s4 = (1, 6, 7, 5)
    c = {}
    c["log"] = (lambda a: tf.math.log(a)), [s4], [(0.05, 4)]
    c["log_wide"] = (lambda a: tf.math.log(a)), [(3, 40)], [(0.0, 30)]
    c["sqrt"] = (lambda a: tf.sqrt(a)), [s4], [(0.0, 4)]
    c["sqrt_small"] = (lambda a: tf.sqrt(a)), [(3, 40)], [(0.0, 0.3)]
    c["rsqrt"] = (lambda a: tf.math.rsqrt(a)), [s4], [(0.1, 4)]
    c["rsqrt_wide"] = (lambda a: tf.math.rsqrt(a)), [(3, 40)], [(0.01, 50)]
    c["abs"] = (lambda a: tf.abs(a)), [s4], [(-2, 3)]
    c["abs_neg_heavy"] = (lambda a: tf.abs(a)), [(3, 40)], [(-5, 0.5)]
    c["l2_norm_last"] = (lambda a: tf.math.l2_normalize(a, axis=-1)), [(2, 3, 10)], [(-3, 3)]
    c["l2_norm_skewed"] = (lambda a: tf.math.l2_normalize(a, axis=-1)), [(4, 33)], [(-0.2, 1.5)]
    c["gather_nd_pairs"] = (lambda a: tf.gather_nd(a, [[0, 1], [2, 3], [1, 0], [2, 3]])), [(3, 4, 5)], [(-1, 1)]
    c["gather_nd_full"] = (lambda a: tf.gather_nd(a, [[[1, 2, 0]], [[0, 0, 4]]])), [(2, 3, 5)], [(-2, 1)]
    c["gather_nd_rows"] = (lambda a: tf.gather_nd(a, [[2], [0]])), [(3, 6)], [(-1, 2)]
    c["resize_bilinear_up"] = (lambda a: tf.image.resize(a, (9, 11), method="bilinear")), [s4], [(-1, 1)]
    c["resize_bilinear_down"] = (lambda a: tf.image.resize(a, (4, 3), method="bilinear")), [(2, 9, 8, 3)], [(-2, 1)]
    c["resize_bilinear_align"] = (lambda a: tf.compat.v1.image.resize_bilinear(a, (11, 13), align_corners=True)), [s4], [(-1, 1)]
    c["resize_bilinear_legacy"] = (lambda a: tf.compat.v1.image.resize_bilinear(a, (10, 5))), [s4], [(-1, 2)]
    # comparisons and logical operators feed a SELECT (a bool model output is refused)
    c["less_select"] = (lambda a, b: tf.where(a < b, a, b)), [s4, s4], [(-1, 1), (-0.5, 2)]
    c["greater_equal_select"] = (lambda a, b: tf.where(a >= b, b, a)), [s4, s4], [(-2, 1), (-1, 1)]
    c["equal_select"] = (lambda a, b: tf.where(tf.equal(a, b), a, b)), [(3, 16), (3, 16)], [(-0.1, 0.1), (-0.1, 0.1)]
    c["greater_const_bcast"] = (lambda a, b: tf.where(a > 0.3, a, b)), [s4, (1, 1, 1, 5)], [(-1, 1), (-1, 1)]
    c["less_equal_bcast"] = (lambda a, b: tf.where(a <= b, a, b)), [s4, (1, 6, 1, 1)], [(-1, 1), (-1, 1)]
    c["logical_and_or"] = (lambda a, b: tf.where(tf.logical_or(tf.logical_and(a > 0, b > 0), a < -0.5), a, b)), [s4, s4], [(-1, 1), (-1, 1)]
    c["logical_or_folded_not"] = (lambda a, b: tf.where(tf.logical_not(tf.logical_or(a > 0, b > 0.2)), a, b)), [s4, s4], [(-1, 1), (-1, 1)]
    c["logical_xor"] = (lambda a, b: tf.where(tf.math.logical_xor(a > 0, b > 0), a, b)), [s4, s4], [(-1, 1), (-1, 1)]
    c["log_softmax"] = (lambda a: tf.nn.log_softmax(a)), [(2, 10)], [(-3, 3)]
    c["log_softmax_wide"] = (lambda a: tf.nn.log_softmax(a)), [(3, 100)], [(-8, 6)]
    c["log_softmax_narrow"] = (lambda a: tf.nn.log_softmax(a)), [(1, 4, 7)], [(-0.5, 0.4)]
    # DIV: the divisor relu(b) + 1 >= 1 never sits at its zero point (LiteRT fails the invoke there)
    c["div"] = (lambda a, b: a / (tf.nn.relu(b) + 1.0)), [s4, s4], [(-1, 1), (-1, 2)]
    c["div_bcast_relu"] = (lambda a, b: tf.nn.relu(a / (tf.nn.relu(b) + 1.0))), [s4, (1, 1, 7, 1)], [(-2, 3), (0, 1)]
    c["expand_dims_base"] = (lambda a: tf.expand_dims(a, 1)), [(3, 5)], [(-1, 1)]
    return c


def sum_cases(tf):
    """SUM models: checked by check_sum_int8.py against TFLite's integer arithmetic, not by
    `mica verify` (LiteRT's BUILTIN_REF int8 SUM reads its input as uint8)."""
    s4 = (1, 6, 7, 5)
    c = {}
    c["sum_hw"] = (lambda a: tf.reduce_sum(a, axis=[1, 2])), [s4], [(-1, 2)]
    c["sum_last_keep"] = (lambda a: tf.reduce_sum(a, axis=-1, keepdims=True)), [(2, 5, 9)], [(-0.3, 0.2)]
    c["sum_axis0"] = (lambda a: tf.reduce_sum(a, axis=0)), [(6, 10)], [(-2, 2)]
    c["sum_last_wide"] = (lambda a: tf.reduce_sum(a, axis=1)), [(3, 40)], [(-0.1, 0.05)]
    return c


def retyped(model_bytes, som, builtin, version=1):
    """The single-op model with its operator code replaced (same tensors and quantization)."""
    m = som.SingleOpModel(model_bytes)
    code = m.model.operatorCodes[m.op.opcodeIndex]
    code.builtinCode = code.deprecatedBuiltinCode = builtin
    code.version = version
    return m


def patched_variants(models, som, schema, np):
    """Models the converter does not emit from a plain graph: NEG int8 (the converter wraps a float
    NEG in DEQUANTIZE/QUANTIZE; LiteRT's reference NEG, version 1, negates raw int8 values), made
    from the ABS models by rewriting the operator code."""
    out = {}
    for src in ("abs", "abs_neg_heavy"):
        if src in models:
            out[src.replace("abs", "neg")] = retyped(models[src], som, 59).to_bytes()  # NEG
    if "expand_dims_base" in models:  # the converter emits RESHAPE: made EXPAND_DIMS, axis -2
        m = retyped(models["expand_dims_base"], som, 70)  # EXPAND_DIMS
        m.op.builtinOptionsType = schema.BuiltinOptions.ExpandDimsOptions
        m.op.builtinOptions = schema.ExpandDimsOptionsT()
        axis = m.tensor(("in", 1))
        axis.shape = np.asarray([1], np.int32)
        m.model.buffers[axis.buffer].data = np.frombuffer(np.asarray([-2], np.int32).tobytes(), np.uint8)
        out["expand_dims"] = m.to_bytes()
    if "equal_select" in models:  # the converter runs a float NOT_EQUAL: EQUAL's code rewritten
        model = som.fbu.convert_bytearray_to_object(bytearray(models["equal_select"]))
        for code in model.operatorCodes:
            if code.builtinCode == 71:  # EQUAL
                code.builtinCode = code.deprecatedBuiltinCode = 72  # NOT_EQUAL
        out["not_equal_select"] = bytes(som.fbu.convert_object_to_bytearray(model))
    return out


def sum_equal_quant(model_bytes, som):
    """A SUM model with the output quantized as its input (the converter never emits that)."""
    m = som.SingleOpModel(model_bytes)
    q = m.tensor(("in", 0)).quantization
    m.set_quant(("out", 0), [float(q.scale[0])], [int(q.zeroPoint[0])])
    return m.to_bytes()
