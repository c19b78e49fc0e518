"""Shared helpers for the LiteRT oracle scripts: interpreter creation and model inspection.

The oracle is LiteRT's reference kernels (BUILTIN_REF). The default resolver would apply XNNPACK,
whose int8 requantization is not the reference one, so it is never used here.
"""
import os
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")  # also silences TensorFlow's oneDNN banner
warnings.filterwarnings("ignore", message=".*tf.lite.Interpreter is deprecated.*")

try:
    from ai_edge_litert.interpreter import Interpreter, OpResolverType
    ORACLE_BACKEND = "ai_edge_litert"
except ImportError:  # fall back to TensorFlow's bundled copy of the same kernels
    import tensorflow as _tf
    Interpreter = _tf.lite.Interpreter
    OpResolverType = _tf.lite.experimental.OpResolverType
    ORACLE_BACKEND = "tensorflow"


def make_interpreter(model_path=None, model_content=None, preserve_all_tensors=False):
    """Allocated interpreter using the reference kernels only."""
    interp = Interpreter(model_path=model_path, model_content=model_content,
                         experimental_op_resolver_type=OpResolverType.BUILTIN_REF,
                         experimental_preserve_all_tensors=preserve_all_tensors)
    interp.allocate_tensors()
    return interp


def tensor_quant(detail):
    """(scales list, zero points list, quantized_dimension) of one tensor detail dict."""
    qp = detail.get("quantization_parameters", {})
    scales = [float(s) for s in qp.get("scales", [])]
    zps = [int(z) for z in qp.get("zero_points", [])]
    return scales, zps, int(qp.get("quantized_dimension", 0))


def describe_tensor(detail):
    """One-line summary: name, dtype, shape and quantization (per-tensor or per-channel)."""
    scales, zps, qdim = tensor_quant(detail)
    if len(scales) > 1:
        quant = "per-channel(dim %d, %d scales, %.3g..%.3g)" % (qdim, len(scales), min(scales),
                                                                max(scales))
    elif scales:
        quant = "per-tensor(scale %.6g, zp %d)" % (scales[0], zps[0] if zps else 0)
    else:
        quant = "float/none"
    return "%s %s%s %s" % (detail["name"], detail["dtype"].__name__,
                             [int(n) for n in detail["shape"]], quant)


def op_list(interp):
    """List of (op name, [input details], [output details]) in execution order."""
    by_index = {d["index"]: d for d in interp.get_tensor_details()}
    ops = []
    for op in interp._get_ops_details():  # pylint: disable=protected-access
        ins = [by_index[i] for i in op["inputs"] if i >= 0]
        outs = [by_index[i] for i in op["outputs"] if i >= 0]
        ops.append((op["op_name"], ins, outs))
    return ops


def op_names(interp):
    return [name for name, _, _ in op_list(interp)]


def print_ops(interp, out=print):
    for name, ins, outs in op_list(interp):
        out("%s" % name)
        for d in ins:
            out("    in : " + describe_tensor(d))
        for d in outs:
            out("    out: " + describe_tensor(d))


def convert_int8(tf, model, samples):
    """TFLite converter, full-integer quantization with int8 input and output (so no
    QUANTIZE/DEQUANTIZE ops appear); samples (one per row) are the representative dataset."""
    import contextlib, io

    def representative():
        for i in range(len(samples)):
            yield [samples[i:i + 1]]

    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = representative
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = tf.int8
    converter.inference_output_type = tf.int8
    with contextlib.redirect_stdout(io.StringIO()):  # keras export chatter
        return converter.convert()
