/* ADD_N and CUMSUM int8 on the CPU (driver/core/kernels/accumulate.c), TFLite Micro's arithmetic
 * (add_n.cc / cumsum.cc Prepare): input multiplier QuantizeMultiplierSmallerThanOneExp(1/2), left
 * shift 20, output multiplier 2 scale(in) / (2^20 scale(out)), no fused activation. LiteRT has no
 * int8 kernel for either (its ADD_N: float32/int32, CUMSUM: int32/int64/float32). */
#include <string.h>
#include "cpu_util.h"
#include "mica_fixedpoint.h"
#include "quant.h"

static int smaller_than_one(double real, int32_t *m, int32_t *shift) {
    int s;
    if (!(real > 0 && real < 1) || mica_quantize_multiplier(real, m, &s) || s > 0)
        return -1;
    *shift = s;
    return 0;
}

/* Everything but the layout: the rescale table, the start value and the output stage. */
static int accumulate_quant(const char *name, const tfl_tensor_t *in, const tfl_tensor_t *out,
                            mica_accumulate_params_t *p, char *err, size_t errlen) {
    int32_t in_mult, in_shift;
    double s_in = (double)in->scale[0], real_out = 2.0 * s_in / (1048576.0 * out->scale[0]);
    if (smaller_than_one(0.5, &in_mult, &in_shift) ||
        smaller_than_one(real_out, &p->out_mult, &p->out_shift))
        REJECT("%s: output multiplier %g (2 x input scale %g / (2^20 x output scale %g)) must be "
               "in (0, 1)",
               name, real_out, s_in, (double)out->scale[0]);
    int32_t zp = (int32_t)in->zero_point[0];
    for (int32_t q = -128; q <= 127; q++)
        p->scaled[(uint8_t)q] = mica_mul_double_round((q - zp) * (1 << 20), in_mult, in_shift);
    p->init = mica_mul_double_round(-zp * (1 << 20), in_mult, in_shift);
    p->out_zp = (int32_t)out->zero_point[0];
    p->act_min = -128;
    p->act_max = 127;
    return 0;
}

int mica_prepare_add_n(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err,
                       size_t errlen) {
    const tfl_tensor_t *first = mica_op_tensor(m, op, 0), *out = mica_op_output(m, op, 0);
    if (op->ninputs < 2 || op->ninputs > MICA_KERNEL_MAX_IO)
        REJECT("ADD_N: %d inputs; 2..%d supported", op->ninputs, MICA_KERNEL_MAX_IO);
    if (!mica_is_int8_q(first) || !mica_is_int8_q(out))
        REJECT("ADD_N: inputs and output must be int8 with one scale");
    for (int k = 1; k < op->ninputs; k++) {
        const tfl_tensor_t *t = mica_op_tensor(m, op, k);
        if (!mica_is_int8_q(t) || t->scale[0] != first->scale[0] ||
            t->zero_point[0] != first->zero_point[0] ||
            mica_tensor_elements(t) != mica_tensor_elements(first))
            REJECT("ADD_N: input %d must match input 0's shape, scale and zero point (TFLite "
                   "Micro requires it)",
                   k);
    }
    for (int k = 0; k < op->ninputs; k++)
        if (mica_op_tensor(m, op, k)->data)
            REJECT("ADD_N: input %d is a constant; run-time inputs only", k);
    mica_accumulate_params_t p;
    memset(&p, 0, sizeof p);
    p.outer = p.depth = 1;
    p.inner = (int32_t)mica_tensor_elements(first);
    if (mica_tensor_elements(out) != p.inner)
        REJECT("ADD_N: output size differs from the inputs'");
    if (accumulate_quant("ADD_N", first, out, &p, err, errlen))
        return -1;
    if (mica_buf_append(params, &p, sizeof p))
        REJECT("out of memory");
    return 0;
}

int mica_prepare_cumsum(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err,
                        size_t errlen) {
    const tfl_tensor_t *in = mica_op_tensor(m, op, 0), *out = mica_op_output(m, op, 0);
    int32_t axis;
    if (!mica_is_int8_q(in) || !mica_is_int8_q(out) || in->data)
        REJECT("CUMSUM: input (run-time) and output must be int8 with one scale");
    const tfl_tensor_t *ax = mica_op_tensor(m, op, 1);
    if (!ax || ax->type != TFL_TYPE_INT32 || mica_const_ints(ax, &axis, 1) != 1)
        REJECT("CUMSUM: axis must be a constant int32 scalar");
    axis = axis < 0 ? axis + in->rank : axis;
    if (in->rank < 1 || axis < 0 || axis >= in->rank)
        REJECT("CUMSUM: axis out of range for rank %d", in->rank);
    if (mica_tensor_elements(out) != mica_tensor_elements(in))
        REJECT("CUMSUM: output size differs from the input's");
    mica_accumulate_params_t p;
    memset(&p, 0, sizeof p);
    p.outer = p.inner = 1;
    p.depth = in->dims[axis];
    for (int d = 0; d < axis; d++)
        p.outer *= in->dims[d];
    for (int d = axis + 1; d < in->rank; d++)
        p.inner *= in->dims[d];
    p.exclusive = tfl_opt_int(op, 0, 0) != 0; /* CumsumOptions.exclusive */
    p.reverse = tfl_opt_int(op, 1, 0) != 0;   /* CumsumOptions.reverse */
    if (accumulate_quant("CUMSUM", in, out, &p, err, errlen))
        return -1;
    if (mica_buf_append(params, &p, sizeof p))
        REJECT("out of memory");
    return 0;
}
