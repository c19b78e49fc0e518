/* libFuzzer target for the TFLite reader:
 *   clang -fsanitize=fuzzer,address,undefined fuzz_reader.c <reader sources>
 * Any input must decode or fail with a one-line error; successful decodes must
 * satisfy the reader's guarantees (indices in range, data inside the input). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tflite_reader.h"

static void require(int cond, const char *what) {
    if (!cond) {
        fprintf(stderr, "fuzz_reader: invariant violated: %s\n", what);
        abort();
    }
}

static void check_model(const tfl_model_t *m, const uint8_t *buf, size_t len) {
    for (int i = 0; i < m->ninputs; i++)
        require(m->inputs[i] >= 0 && m->inputs[i] < m->ntensors, "graph input");
    for (int i = 0; i < m->noutputs; i++)
        require(m->outputs[i] >= 0 && m->outputs[i] < m->ntensors, "graph output");
    for (int i = 0; i < m->ntensors; i++) {
        const tfl_tensor_t *t = &m->tensors[i];
        require(t->name && t->rank >= 0 && t->rank <= TFL_MAX_RANK, "tensor shape/name");
        if (t->data)
            require(t->data >= buf && t->data_size <= len &&
                        (size_t)(t->data - buf) <= len - t->data_size,
                    "tensor data inside input");
        if (t->nquant > 1)
            require(t->quant_dim >= 0 && t->quant_dim < t->rank &&
                        t->dims[t->quant_dim] == t->nquant,
                    "per-axis quantization");
        volatile float sum = 0; /* touch every decoded array so ASan checks its size */
        for (int q = 0; q < t->nquant; q++)
            sum += t->scale[q] + (float)t->zero_point[q];
        (void)sum;
    }
    for (int i = 0; i < m->nops; i++) {
        const tfl_op_t *o = &m->ops[i];
        for (int j = 0; j < o->ninputs; j++)
            require(o->inputs[j] >= -1 && o->inputs[j] < m->ntensors, "op input");
        for (int j = 0; j < o->noutputs; j++)
            require(o->outputs[j] >= 0 && o->outputs[j] < m->ntensors, "op output");
        for (int f = 0; f < TFL_OPT_MAX_SLOTS; f++) {
            int n;
            const int32_t *v = tfl_opt_vec(o, f, &n);
            volatile uint32_t acc = 0; /* unsigned: values are arbitrary */
            for (int k = 0; k < n; k++)
                acc += (uint32_t)v[k];
            (void)acc;
            (void)tfl_opt_int(o, f, 0);
            (void)tfl_opt_float(o, f, 0.0f);
        }
        (void)tfl_builtin_name(o->builtin);
        (void)tfl_options_name(o->options_type);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char err[256];
    tfl_model_t *m = NULL;
    if (tfl_model_read(data, size, &m, err, sizeof err) == 0) {
        check_model(m, data, size);
        tfl_model_free(m);
    } else {
        require(m == NULL && err[0] != 0 && strchr(err, '\n') == NULL, "one-line error on failure");
    }
    return 0;
}
