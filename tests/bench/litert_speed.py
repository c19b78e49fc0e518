#!/usr/bin/env python3
"""Inferences per second of LiteRT on MODEL, reference kernels (BUILTIN_REF, N / 10 inferences a
run) and the default optimized interpreter (N a run), same inputs as `mica bench`, best of 5 runs
(as the func side in bench.sh): prints `ref=<inf/s> opt=<inf/s>`."""
import os, sys, time
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np
try:
    from ai_edge_litert.interpreter import Interpreter, OpResolverType
except ImportError:
    import tensorflow as tf
    Interpreter, OpResolverType = tf.lite.Interpreter, tf.lite.experimental.OpResolverType

def speed(model, resolver, n):
    kw = {"experimental_op_resolver_type": resolver} if resolver is not None else {}
    it = Interpreter(model_path=model, **kw)
    it.allocate_tensors()
    d = it.get_input_details()[0]
    x = np.random.default_rng(1).integers(-128, 128, size=(n, *d["shape"]), dtype=np.int8)
    best = 0.0
    for _ in range(5):
        t0 = time.perf_counter()
        for i in range(n):
            it.set_tensor(d["index"], x[i])
            it.invoke()
        best = max(best, n / (time.perf_counter() - t0))
    return best

model, n = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 2000
ref = speed(model, OpResolverType.BUILTIN_REF, max(1, n // 10))
print(f"ref={ref:.1f} opt={speed(model, None, n):.1f}")
