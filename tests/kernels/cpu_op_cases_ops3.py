"""Generated single-op int8 models for BATCH_MATMUL and TRANSPOSE_CONV (issue 14, ops3): imported
by make_cpu_op_models.py like cpu_op_cases_more.py; ELU's models (elu_cases, elu_models) are
check_elu_int8.py's own (LiteRT's BUILTIN_REF has no ELU). Each case: name -> (fn, input shapes,
calibration ranges). Run alone to write only these models:
    python3 tests/kernels/cpu_op_cases_ops3.py DIR   (then sh tests/kernels/run.sh DIR)"""
import json
import os
import sys


def cases(tf, const):
    L = tf.keras.layers
    init = dict(bias_initializer=tf.keras.initializers.RandomUniform(-0.3, 0.3))

    def layer(lay, shape, rng=(-1.0, 1.5)):
        lay.build(shape)
        return (lambda x: lay(x)), [shape], [rng]

    c = {}
    c["batch_matmul"] = (lambda a, b: tf.matmul(a, b)), [(2, 3, 4), (2, 4, 5)], [(-1, 1), (-2, 1)]
    c["batch_matmul_bcast"] = (lambda a, b: tf.matmul(a, b)), [(2, 1, 3, 6), (3, 6, 5)], [(-1, 2), (-1, 1)]
    c["batch_matmul_adj_x"] = (lambda a, b: tf.matmul(a, b, transpose_a=True)), [(3, 7, 4), (3, 7, 2)], [(-1, 1), (-0.5, 1)]
    c["batch_matmul_adj_y"] = (lambda a, b: tf.matmul(a, b, transpose_b=True)), [(2, 5, 9), (2, 6, 9)], [(-3, 1), (-1, 1)]
    c["batch_matmul_adj_xy"] = (lambda a, b: tf.matmul(a, b, transpose_a=True, transpose_b=True)), [(2, 4, 3), (2, 5, 4)], [(-1, 1), (-1, 1)]
    c["batch_matmul_const_rhs"] = (lambda a: tf.matmul(a, const((2, 4, 6), 7))), [(2, 3, 4)], [(-1, 1)]
    c["batch_matmul_const_lhs"] = (lambda b: tf.matmul(const((3, 2, 5), 8), b)), [(3, 5, 4)], [(-2, 1)]
    c["batch_matmul_deep"] = (lambda a, b: tf.matmul(a, b)), [(1, 2, 70), (1, 70, 3)], [(-1, 1), (-1, 1)]
    c["transpose_conv_s2_same"] = layer(L.Conv2DTranspose(4, 3, strides=2, padding="same", **init), (1, 4, 5, 3))
    c["transpose_conv_s1_valid"] = layer(L.Conv2DTranspose(3, 3, padding="valid", **init), (1, 5, 4, 2))
    c["transpose_conv_s2_valid_relu"] = layer(L.Conv2DTranspose(5, (3, 2), strides=(2, 3), activation="relu", **init), (2, 3, 4, 3))
    c["transpose_conv_no_bias"] = layer(L.Conv2DTranspose(6, 4, strides=2, padding="same", use_bias=False), (1, 3, 3, 4))
    c["transpose_conv_outpad"] = layer(L.Conv2DTranspose(2, 3, strides=2, padding="same", output_padding=0, **init), (1, 4, 4, 5))
    c["cast_src"] = (lambda a: tf.nn.relu(a)), [(2, 3, 7)], [(-2, 3)]  # CAST models' source
    # FILL int8 with a run-time value (a constant one the converter folds away)
    c["fill_slice"] = (lambda a: tf.fill([2, 4, 6, 5], a[0, 0, 0])), [(4, 1, 5)], [(-1, 1)]
    c["fill_slice_2d"] = (lambda a: tf.fill([3, 17], a[2, 1]) * 1.0), [(3, 4)], [(-2, 0.5)]
    return c


def broadcast_args_model(som, shape_a, shape_b, seed, static_out=True):
    """Keras broadcast_to(a, broadcast_dynamic_shape(shape(a), shape(b))) + b, int8: the converter
    keeps SHAPE -> BROADCAST_ARGS -> BROADCAST_TO (the batch is dynamic). With static_out the
    BROADCAST_TO output's declared shape is written static, as a TFLite Micro model has it;
    without, it stays the converter's (placeholder 1s where shape_signature has -1). Mica folds
    the shape arithmetic (compiler pass 0), which also gives that output its shape, and runs
    BROADCAST_TO on the CPU."""
    tf, np = som.tf, som.np
    a, b = tf.keras.Input(shape_a, name="a"), tf.keras.Input(shape_b, name="b")
    y = tf.keras.layers.Lambda(lambda t: tf.broadcast_to(
        t[0], tf.broadcast_dynamic_shape(tf.shape(t[0]), tf.shape(t[1]))))([a, b])
    model = tf.keras.Model([a, b], tf.keras.layers.Lambda(lambda t: t[0] + t[1])([y, b]))

    def rep():
        r = np.random.default_rng(seed)
        for _ in range(8):
            yield {"a": r.uniform(-1, 1, (1,) + shape_a).astype(np.float32),
                   "b": r.uniform(-1, 2, (1,) + shape_b).astype(np.float32)}
    conv = tf.lite.TFLiteConverter.from_keras_model(model)
    conv.optimizations = [tf.lite.Optimize.DEFAULT]
    conv.representative_dataset = rep
    conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    conv.inference_input_type = conv.inference_output_type = tf.int8
    with som.silenced_fds():
        m = som.fbu.convert_bytearray_to_object(bytearray(conv.convert()))
    sub = m.subgraphs[0]
    for op in sub.operators:
        if som.fbu.opcode_to_name(m, op.opcodeIndex) == "BROADCAST_TO" and static_out:
            out = np.broadcast_shapes((1,) + shape_a, (1,) + shape_b)
            sub.tensors[op.outputs[0]].shape = np.asarray(out, np.int32)
    return bytes(som.fbu.convert_object_to_bytearray(m))


def cast_model(som, relu_bytes, in_type, out_type):
    """The RELU model's operator made CAST in_type -> out_type (TensorType names); the int8 side
    keeps its quantization (scale 1, zero point 0 when it was not int8), the other has none."""
    from tensorflow.lite.python import schema_py_generated as schema
    m = som.fbu.convert_bytearray_to_object(bytearray(relu_bytes))
    sub = m.subgraphs[0]
    op = sub.operators[0]
    code = m.operatorCodes[op.opcodeIndex]
    code.builtinCode = code.deprecatedBuiltinCode = 53  # BuiltinOperator CAST
    code.version = 1
    op.builtinOptionsType, op.builtinOptions = 0, None
    for index, name in ((op.inputs[0], in_type), (op.outputs[0], out_type)):
        t = sub.tensors[index]
        t.type = getattr(schema.TensorType, name)
        if name != "INT8":
            t.quantization = None
        else:
            t.quantization.scale = som.np.asarray([1.0], som.np.float32)
            t.quantization.zeroPoint = som.np.asarray([0], som.np.int64)
    return bytes(som.fbu.convert_object_to_bytearray(m))


def without_output_shape(som, data):
    """The model with its first operator's output shape removed (LiteRT's BROADCAST_TO prepare
    sets it from the constant target shape)."""
    m = som.fbu.convert_bytearray_to_object(bytearray(data))
    sub = m.subgraphs[0]
    t = sub.tensors[sub.operators[0].outputs[0]]
    t.shape, t.shapeSignature = None, None
    return bytes(som.fbu.convert_object_to_bytearray(m))


def patched_variants(models, som):
    """Models that are not single-op conversions: BROADCAST_ARGS folded at compile time (the
    BROADCAST_TO output declared static, or left as converted); BROADCAST_TO without an output
    shape; CAST at a model's edges (int8 <-> int32 / float32), made from the RELU model."""
    out = {"broadcast_args_fold": broadcast_args_model(som, (1, 5), (3, 1), 3),
           "broadcast_args_fold_rank": broadcast_args_model(som, (4, 1, 6), (5, 1), 4),
           "broadcast_args_open_out": broadcast_args_model(som, (1, 6), (4, 1), 5, False)}
    if "broadcast_to" in models:
        out["broadcast_to_no_out_shape"] = without_output_shape(som, models["broadcast_to"])
    relu = models.get("relu") or models.get("cast_src")
    for a, b in (("INT8", "INT32"), ("INT8", "FLOAT32"), ("INT32", "INT8"), ("FLOAT32", "INT8")):
        if relu:
            out["cast_%s_%s" % (a.lower(), b.lower())] = cast_model(som, relu, a, b)
    models.pop("cast_src", None)
    return out


def elu_cases(tf):
    """ELU sources (RELU models: the converter wraps a float ELU in DEQUANTIZE/QUANTIZE), made
    int8 ELU models by elu_models(); checked by check_elu_int8.py, not by run.sh."""
    c = {}
    c["elu_src"] = (lambda a: tf.nn.relu(a)), [(1, 8, 8, 5)], [(-4, 2)]
    c["elu_narrow_src"] = (lambda a: tf.nn.relu(a)), [(3, 100)], [(-0.6, 0.3)]
    return c


def elu_models(models, som):
    """name -> int8 ELU model made from elu_cases()' converted models: operator code ELU (version
    1), input as calibrated, output quantized over [-1, hi]."""
    out = {}
    for src, hi in (("elu_src", 2.0), ("elu_narrow_src", 0.3)):
        if src not in models:
            continue
        m = som.SingleOpModel(models.pop(src))
        code = m.model.operatorCodes[m.op.opcodeIndex]
        code.builtinCode = code.deprecatedBuiltinCode = 111  # BuiltinOperator ELU
        code.version = 1
        m.op.builtinOptionsType = 0
        m.op.builtinOptions = None
        scale = (hi + 1.0) / 255.0
        m.set_quant(("out", 0), [scale], [-128 + int(round(1.0 / scale))])
        out[src[:-4]] = m.to_bytes()
    return out


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, here)
    import make_cpu_op_models as g
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    manifest, failed, models = {}, 0, {}
    for i, (name, (fn, shapes, ranges)) in enumerate(cases(g.tf, g.const).items()):
        try:
            models[name] = g.convert(fn, shapes, ranges, seed=500 + i)
        except Exception as e:  # one bad case must not hide the others
            print("cpu_op_cases_ops3: %s: conversion failed: %s" % (name, str(e).splitlines()[0][:200]))
            failed += 1
    models.update(patched_variants(models, g.som))
    for name, data in models.items():
        with open(os.path.join(out_dir, name + ".tflite"), "wb") as f:
            f.write(data)
        manifest[name] = g.op_names(data)
    with open(os.path.join(out_dir, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
    print("cpu_op_cases_ops3: %d models in %s%s" % (len(manifest), out_dir, ", %d failed" % failed if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
