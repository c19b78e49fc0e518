/* CPU fallback steps. Tensors are read from and written back to device memory, so a CPU step
 * works the same whether the device is a simulator, a model or a board on USB. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cpu_steps.h"
#include "kernels/mica_kernels.h"

static const char *builtin_name(uint32_t op) {
    switch (op) {
    case 3: return "CONV_2D";
    case 4: return "DEPTHWISE_CONV_2D";
    case 9: return "FULLY_CONNECTED";
    default: return "ACCEL_OP";
    }
}

const char *mica_step_op_name(const mica_prog_step_t *st) {
    if (st->kind == MICA_STEP_ACCEL) return builtin_name(st->op);
    return st->op == MICA_CPU_SOFTMAX ? "SOFTMAX" : st->op == MICA_CPU_RESHAPE ? "RESHAPE" : "CPU_OP";
}

static mica_status_t run_kernel(const mica_program_t *p, const mica_prog_step_t *st,
                                const mica_prog_tensor_t *in, const mica_prog_tensor_t *out,
                                const uint8_t *src, uint8_t *dst, char *err, size_t errlen) {
    if (st->op == MICA_CPU_RESHAPE) {
        if (in->bytes != out->bytes) { snprintf(err, errlen, "step %s: reshape changes the size", st->name); return MICA_E_KERNEL; }
        mica_kernel_copy(src, dst, in->bytes);
        return MICA_OK;
    }
    mica_softmax_params_t sp;
    memcpy(&sp, p->params + st->params_offset, sizeof sp);
    if ((uint64_t)sp.rows * (uint64_t)sp.depth != in->bytes || in->bytes != out->bytes ||
        in->dtype != MICA_DT_INT8 || mica_kernel_softmax_s8(&sp, (const int8_t *)src, (int8_t *)dst)) {
        snprintf(err, errlen, "step %s: softmax parameters do not fit its tensors", st->name);
        return MICA_E_KERNEL;
    }
    return MICA_OK;
}

mica_status_t mica_run_cpu_step(const mica_program_t *p, const mica_prog_step_t *st,
                                mica_backend_t *be, char *err, size_t errlen) {
    const mica_prog_tensor_t *in = &p->tensors[st->inputs[0]], *out = &p->tensors[st->outputs[0]];
    uint8_t *src = malloc(in->bytes ? in->bytes : 1), *dst = malloc(out->bytes ? out->bytes : 1);
    mica_status_t s = MICA_OK;
    if (!src || !dst) { snprintf(err, errlen, "out of memory"); s = MICA_E_NOMEM; goto done; }
    if (be->mem_read(be->state, in->addr, src, in->bytes)) { snprintf(err, errlen, "step %s: device read failed", st->name); s = MICA_E_BACKEND; goto done; }
    s = run_kernel(p, st, in, out, src, dst, err, errlen);
    if (s == MICA_OK && be->mem_write(be->state, out->addr, dst, out->bytes)) {
        snprintf(err, errlen, "step %s: device write failed", st->name);
        s = MICA_E_BACKEND;
    }
done:
    free(src);
    free(dst);
    return s;
}
