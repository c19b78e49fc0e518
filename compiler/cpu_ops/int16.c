/* The int16 paths: which kernel runs an operator that has a 16-bit operand, and the QUANTIZE /
 * DEQUANTIZE prepare functions between int16 and the other types (TFLite's quantize.cc and
 * dequantize.cc: Requantize between integer types, AffineQuantize from float32, Dequantize). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "cpu_util.h"
#include "int16.h"
#include "quant.h"

int mica_is_int16_q(const tfl_tensor_t *t) {
    return t && t->type == TFL_TYPE_INT16 && t->nquant == 1 && t->zero_point[0] >= -32768 &&
           t->zero_point[0] <= 32767 && mica_scale_ok(t->scale[0]) && !t->is_sparse &&
           !t->quant_details_type;
}

static int is_int_q(const tfl_tensor_t *t) {
    return mica_is_int8_q(t) || mica_is_int16_q(t);
}

static int32_t width(const tfl_tensor_t *t) {
    return t->type == TFL_TYPE_INT16 ? 2 : 1;
}

/* QUANTIZE int16 -> int8, int8 -> int16, int16 -> int16: Requantize by s_in / s_out. */
static int prepare_requantize(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params,
                              char *err, size_t errlen) {
    const tfl_tensor_t *in = mica_op_tensor(m, op, 0), *out = mica_op_output(m, op, 0);
    if (!is_int_q(in) || !is_int_q(out))
        REJECT("QUANTIZE: input and output must be int8 or int16 with one scale and zero point");
    if (mica_tensor_elements(in) != mica_tensor_elements(out) ||
        mica_tensor_elements(in) > (1 << 28))
        REJECT("QUANTIZE: input and output sizes differ");
    mica_requantize_params_t p = {
        width(in), width(out), (int32_t)in->zero_point[0],        (int32_t)out->zero_point[0],
        0,         0,          (uint32_t)mica_tensor_elements(in)};
    int shift;
    if (mica_checked_multiplier((double)in->scale[0] / (double)out->scale[0], "QUANTIZE", in, NULL,
                                0, out, &p.mult, &shift, err, errlen))
        return -1;
    p.shift = shift;
    if (mica_buf_append(params, &p, sizeof p))
        REJECT("out of memory");
    return 0;
}

/* float32 <-> int16 at a model's edge: the affine block of the int8 edges, int16 side. */
static int prepare_affine16(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err,
                            size_t errlen) {
    int quantize = op->builtin == TFL_OP_QUANTIZE;
    const char *name = quantize ? "QUANTIZE" : "DEQUANTIZE";
    const tfl_tensor_t *flt = quantize ? mica_op_tensor(m, op, 0) : mica_op_output(m, op, 0);
    const tfl_tensor_t *q = quantize ? mica_op_output(m, op, 0) : mica_op_tensor(m, op, 0);
    if (!flt || flt->type != TFL_TYPE_FLOAT32)
        REJECT("%s: the float side must be float32", name);
    if (!mica_is_int16_q(q))
        REJECT("%s: the quantized side must be int16 with one scale and zero point", name);
    if (mica_tensor_elements(flt) != mica_tensor_elements(q) || mica_tensor_elements(q) > (1 << 28))
        REJECT("%s: input and output sizes differ", name);
    mica_affine_params_t p = {q->scale[0], (int32_t)q->zero_point[0],
                              (uint32_t)mica_tensor_elements(q)};
    if (mica_buf_append(params, &p, sizeof p))
        REJECT("out of memory");
    return 0;
}

static int has_int16_operand(const tfl_model_t *m, const tfl_op_t *op) {
    for (int k = 0; k < op->ninputs; k++) {
        const tfl_tensor_t *t = mica_op_tensor(m, op, k);
        if (t && !t->data && t->type == TFL_TYPE_INT16)
            return 1;
    }
    for (int k = 0; k < op->noutputs; k++) {
        const tfl_tensor_t *t = mica_op_output(m, op, k);
        if (t && t->type == TFL_TYPE_INT16)
            return 1;
    }
    return 0;
}

/* Operators whose int8 prepare function also takes the 16x8 operands, and their int16 kernels. */
static const struct {
    int builtin, kernel;
    mica_cpu_prepare_fn prepare;
} wide_ops[] = {
    {TFL_OP_ADD, MICA_CPU_ADD16, mica_prepare_add},
    {TFL_OP_SUB, MICA_CPU_SUB16, mica_prepare_sub},
    {TFL_OP_MUL, MICA_CPU_MUL16, mica_prepare_mul},
    {TFL_OP_FULLY_CONNECTED, MICA_CPU_FULLY_CONNECTED16, mica_prepare_fully_connected},
    {TFL_OP_CONV_2D, MICA_CPU_CONV_2D16, mica_prepare_conv2d},
    {TFL_OP_DEPTHWISE_CONV_2D, MICA_CPU_DEPTHWISE_CONV_2D16, mica_prepare_depthwise_conv2d},
    {TFL_OP_AVERAGE_POOL_2D, MICA_CPU_AVERAGE_POOL_2D16, mica_prepare_average_pool},
    {TFL_OP_MAX_POOL_2D, MICA_CPU_MAX_POOL_2D16, mica_prepare_max_pool},
    {TFL_OP_RELU, MICA_CPU_RELU16, mica_prepare_relu},
    {TFL_OP_RELU6, MICA_CPU_RELU6_16, mica_prepare_relu6},
    {TFL_OP_LEAKY_RELU, MICA_CPU_LEAKY_RELU16, mica_prepare_leaky_relu},
    {TFL_OP_ABS, MICA_CPU_ABS16, mica_prepare_abs},
    {TFL_OP_MAXIMUM, MICA_CPU_MAXIMUM16, mica_prepare_maximum},
    {TFL_OP_MINIMUM, MICA_CPU_MINIMUM16, mica_prepare_minimum},
    {TFL_OP_MEAN, MICA_CPU_MEAN16, mica_prepare_mean},
    {TFL_OP_SUM, MICA_CPU_SUM16, mica_prepare_sum},
    {TFL_OP_SQUARED_DIFFERENCE, MICA_CPU_SQUARED_DIFFERENCE16, mica_prepare_squared_difference},
    {TFL_OP_GREATER, MICA_CPU_GREATER16, mica_prepare_greater},
    {TFL_OP_BATCH_MATMUL, MICA_CPU_BATCH_MATMUL16, mica_prepare_batch_matmul},
    {TFL_OP_PRELU, MICA_CPU_PRELU16, mica_prepare_prelu},
};

/* TRANSPOSE_CONV (its activation is input 2, after output_shape and the weights) and CAST (int16
 * on either side) with an int16 path, or -1. */
static int int16_odd_operand(const tfl_model_t *m, const tfl_op_t *op,
                             mica_cpu_prepare_fn *prepare) {
    const tfl_tensor_t *x = mica_op_tensor(m, op, 2), *in = mica_op_tensor(m, op, 0),
                       *out = mica_op_output(m, op, 0);
    if (op->builtin == TFL_OP_TRANSPOSE_CONV && x && x->type == TFL_TYPE_INT16) {
        *prepare = mica_prepare_transpose_conv;
        return MICA_CPU_TRANSPOSE_CONV16;
    }
    if (op->builtin == TFL_OP_CAST && (in->type == TFL_TYPE_INT16 || out->type == TFL_TYPE_INT16)) {
        *prepare = mica_prepare_cast;
        return MICA_CPU_CAST16;
    }
    return -1;
}

int mica_cpu_int16_find(const tfl_model_t *m, const tfl_op_t *op, mica_cpu_prepare_fn *prepare) {
    const tfl_tensor_t *in = mica_op_tensor(m, op, 0), *out = mica_op_output(m, op, 0);
    if (!in || !out)
        return -1;
    int float_edge = in->type == TFL_TYPE_FLOAT32 || out->type == TFL_TYPE_FLOAT32;
    int move = mica_cpu_int16_move_find(m, op, prepare);
    if (move >= 0)
        return move;
    int odd = int16_odd_operand(m, op, prepare);
    if (odd >= 0)
        return odd;
    if (op->builtin == TFL_OP_QUANTIZE && has_int16_operand(m, op)) {
        *prepare = float_edge ? prepare_affine16 : prepare_requantize;
        return float_edge ? MICA_CPU_QUANTIZE_FLOAT16 : MICA_CPU_REQUANTIZE;
    }
    for (size_t i = 0; in->type == TFL_TYPE_INT16 && i < sizeof wide_ops / sizeof wide_ops[0]; i++)
        if (op->builtin == wide_ops[i].builtin) {
            *prepare = wide_ops[i].prepare;
            return wide_ops[i].kernel;
        }
    const tfl_tensor_t *x = mica_op_tensor(m, op, 1); /* SELECT's values: TFLite copies them */
    if ((op->builtin == TFL_OP_SELECT || op->builtin == TFL_OP_SELECT_V2) && x &&
        x->type == TFL_TYPE_INT16) {
        *prepare = op->builtin == TFL_OP_SELECT ? mica_prepare_select : mica_prepare_select_v2;
        return MICA_CPU_SELECT16;
    }
    if (op->builtin == TFL_OP_SOFTMAX && in->type == TFL_TYPE_INT16) {
        *prepare = mica_prepare_softmax16;
        return MICA_CPU_SOFTMAX16;
    }
    if ((op->builtin == TFL_OP_LOGISTIC || op->builtin == TFL_OP_TANH) &&
        in->type == TFL_TYPE_INT16) {
        *prepare = mica_prepare_sigmoid16;
        return op->builtin == TFL_OP_TANH ? MICA_CPU_TANH16 : MICA_CPU_LOGISTIC16;
    }
    if (op->builtin == TFL_OP_DEQUANTIZE && in->type == TFL_TYPE_INT16) {
        *prepare = prepare_affine16;
        return MICA_CPU_DEQUANTIZE16;
    }
    return -1;
}

int mica_cpu_int16_unsupported(const tfl_model_t *m, const tfl_op_t *op, int kernel) {
    mica_cpu_prepare_fn move;
    if (!has_int16_operand(m, op) || kernel == mica_cpu_int16_move_find(m, op, &move))
        return 0;
#define MICA_INT16_KERNEL(id, name, fn)                                                            \
    if (kernel == (id))                                                                            \
        return 0;
    MICA_KERNEL_LIST_INT16(MICA_INT16_KERNEL)
    MICA_KERNEL_LIST_LSTM(MICA_INT16_KERNEL) /* its cell state is int16 */
#undef MICA_INT16_KERNEL
    return 1;
}

int mica_binary16_ok(const tfl_op_t *op, const tfl_tensor_t *a, const tfl_tensor_t *b,
                     const tfl_tensor_t *out) {
    if (op->builtin == TFL_OP_PRELU) /* TFLite's int16 PRELU: int8 alpha, any zero points */
        return mica_is_int16_q(a) && mica_is_int16_q(out) && mica_is_int8_q(b) && b->data;
    int raw = op->builtin == TFL_OP_MAXIMUM || op->builtin == TFL_OP_MINIMUM; /* any zero point */
    int kind_ok = raw || op->builtin == TFL_OP_ADD || op->builtin == TFL_OP_SUB ||
                  op->builtin == TFL_OP_MUL || op->builtin == TFL_OP_SQUARED_DIFFERENCE;
    const tfl_tensor_t *t[3] = {a, b, out};
    for (int k = 0; k < 3 && kind_ok; k++)
        kind_ok = mica_is_int16_q(t[k]) && (raw || t[k]->zero_point[0] == 0);
    return kind_ok;
}

/* An int8 constant widened to int16 elements (PRELU16's alpha: the int16 kernel reads both
 * inputs as 16-bit values). */
static int append_const8_as16(mica_buf_t *params, size_t block_start, const tfl_tensor_t *t,
                              uint32_t *off, uint32_t *len) {
    int64_t n = mica_tensor_elements(t);
    if (!t->data || n < 1 || t->data_size < (size_t)n)
        return -1;
    *off = (uint32_t)(params->len - block_start);
    *len = (uint32_t)(2 * n);
    for (int64_t i = 0; i < n; i++) {
        int16_t v = (int8_t)t->data[i];
        if (mica_buf_append(params, &v, 2)) /* little-endian host, as the block's other fields */
            return -1;
    }
    return 0;
}

int mica_append_const16(mica_buf_t *params, size_t block_start, const tfl_tensor_t *t,
                        uint32_t *off, uint32_t *len) {
    if (t->type == TFL_TYPE_INT8)
        return append_const8_as16(params, block_start, t, off, len);
    int64_t n = mica_tensor_elements(t);
    if (!t->data || n < 1 || t->data_size < 2 * (size_t)n)
        return -1;
    *off = (uint32_t)(params->len - block_start);
    *len = (uint32_t)(2 * n);
    return mica_buf_append(params, t->data, 2 * (size_t)n);
}

/* CheckedLog2: a scale within 1e-3 of a power of two in log2 (TFLite's test). */
static int pot_scale(float scale) {
    double l = log2((double)scale);
    return fabs(l - round(l)) < 1e-3;
}

int mica_binary16_pot(const tfl_op_t *op, const tfl_tensor_t *a, const tfl_tensor_t *b,
                      const tfl_tensor_t *out) {
    if (op->builtin != TFL_OP_ADD && op->builtin != TFL_OP_SUB)
        return 0;
    int field = op->builtin == TFL_OP_ADD ? TFL_ADD_POT_SCALE_INT16 : TFL_SUB_POT_SCALE_INT16;
    return tfl_opt_int(op, field, TFL_DFLT_POT_SCALE_INT16) && pot_scale(a->scale[0]) &&
           pot_scale(b->scale[0]) && pot_scale(out->scale[0]);
}

int mica_bias_row32(const tfl_tensor_t *bias, int32_t o, const char *op, int32_t *v, char *err,
                    size_t errlen) {
    if (bias->type == TFL_TYPE_INT32) {
        memcpy(v, bias->data + 4 * (size_t)o, 4);
        return 0;
    }
    int64_t b;
    memcpy(&b, bias->data + 8 * (size_t)o, 8);
    if (b < INT32_MIN || b > INT32_MAX)
        REJECT("%s: bias '%.32s' row %d is %lld; Mica's 16x8 kernels take biases in the int32 "
               "range",
               op, bias->name, o, (long long)b);
    *v = (int32_t)b;
    return 0;
}

const char *mica_cpu_int16_names(void) {
    static char names[1024];
    if (!names[0]) {
        snprintf(names, sizeof names,
                 "QUANTIZE, DEQUANTIZE, SOFTMAX, LOGISTIC, TANH, SELECT, SELECT_V2, "
                 "TRANSPOSE_CONV, CAST");
        mica_cpu_int16_move_names(names, sizeof names);
        for (size_t i = 0; i < sizeof wide_ops / sizeof wide_ops[0]; i++)
            snprintf(names + strlen(names), sizeof names - strlen(names), ", %s",
                     tfl_builtin_name(wide_ops[i].builtin));
        /* the int8 LSTM's prepare takes int16 activations too (lstm.c) */
        snprintf(names + strlen(names), sizeof names - strlen(names), ", %s",
                 tfl_builtin_name(TFL_OP_UNIDIRECTIONAL_SEQUENCE_LSTM));
    }
    return names;
}
