#include <stdio.h>
#include <string.h>
#include "cpu_ops.h"
#include "int16.h"
#include "int32.h"

int mica_cpu_op_find(const tfl_model_t *m, const tfl_op_t *op, mica_cpu_prepare_fn *prepare) {
    const tfl_tensor_t *in = mica_op_tensor(m, op, 0);
    int int16_kernel = mica_cpu_int16_find(m, op, prepare);
    if (int16_kernel >= 0)
        return int16_kernel;
    int int32_kernel = mica_cpu_int32_find(m, op, prepare);
    if (int32_kernel >= 0)
        return int32_kernel;
#define MICA_CPU_VARIANT_CASE(b, in_type, name, fn)                                                \
    if (op->builtin == (b) && in && in->type == (in_type)) {                                       \
        *prepare = fn;                                                                             \
        return MICA_CPU_##name;                                                                    \
    }
    MICA_CPU_OP_VARIANTS(MICA_CPU_VARIANT_CASE)
#undef MICA_CPU_VARIANT_CASE
#define MICA_CPU_OP_CASE(b, name, fn)                                                              \
    if (op->builtin == (b)) {                                                                      \
        *prepare = fn;                                                                             \
        return MICA_CPU_##name;                                                                    \
    }
    MICA_CPU_OP_LIST(MICA_CPU_OP_CASE)
#undef MICA_CPU_OP_CASE
    return -1;
}

const char *mica_cpu_op_names(void) {
    static char names[4096]; /* about 12 characters per operator */
    if (!names[0]) {
#define MICA_CPU_OP_NAME(b, name, fn)                                                              \
    snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", names[0] ? ", " : "",    \
             tfl_builtin_name(b));
        MICA_CPU_OP_LIST(MICA_CPU_OP_NAME)
#undef MICA_CPU_OP_NAME
    }
    return names;
}

const tfl_tensor_t *mica_op_tensor(const tfl_model_t *m, const tfl_op_t *op, int k) {
    if (k < 0 || k >= op->ninputs || op->inputs[k] < 0 || op->inputs[k] >= m->ntensors)
        return NULL;
    return &m->tensors[op->inputs[k]];
}

const tfl_tensor_t *mica_op_output(const tfl_model_t *m, const tfl_op_t *op, int k) {
    if (k < 0 || k >= op->noutputs || op->outputs[k] < 0 || op->outputs[k] >= m->ntensors)
        return NULL;
    return &m->tensors[op->outputs[k]];
}

/* Saturates at 2^62 (declared dims can multiply past int64; any real tensor is far smaller). */
int64_t mica_tensor_elements(const tfl_tensor_t *t) {
    const int64_t cap = (int64_t)1 << 62;
    int64_t n = 1;
    for (int d = 0; d < t->rank; d++) {
        int64_t dim = t->dims[d] > 0 ? t->dims[d] : 0;
        n = dim && n > cap / dim ? cap : n * dim;
    }
    return n;
}
