/* Comparisons, LOGICAL_AND / OR / NOT and SELECT / SELECT_V2 on the CPU
 * (driver/core/kernels/logic.c). Comparisons of int8 follow LiteRT's ComparisonWithScaling:
 * each input becomes MultiplyByQuantizedMultiplierSmallerThanOneExp((q - z) * 2^8, its scale as
 * a multiplier), then the two are compared; the compiler tabulates that per raw byte. Bool
 * tensors only pass between operators (a bool model input or output is refused by the
 * lowering). SELECT takes a condition of the output's shape, a scalar, or a vector over the first
 * dimension; SELECT_V2 broadcasts all three. DIV of int8: LiteRT's div.cc multiplier
 * s1 / (s2 * s_out), computed in float as there, and its fused activation. Comparisons and
 * SELECT of int32 values (int32.c) take the same block, compared / copied as plain int32; SELECT of
 * int16 values (int16.c) copies 2-byte elements. */
#include <string.h>
#include "cpu_util.h"
#include "quant.h"
#include "mica_fixedpoint.h"
#include "int32.h"
#include "int16.h"

#define COMPARE_LEFT_SHIFT 8

static int is_bool(const tfl_tensor_t *t) {
    return t && t->type == TFL_TYPE_BOOL;
}

/* Input k's rescale table: scaled[v] for the raw byte v. */
static int compare_table(const tfl_tensor_t *t, int32_t *scaled, char *err, size_t errlen) {
    int32_t m;
    int shift;
    if (!(t->scale[0] < 1.0f) || mica_quantize_multiplier((double)t->scale[0], &m, &shift) ||
        shift > 0)
        REJECT("comparison input '%.32s' has scale %g; TFLite's int8 comparison needs a scale "
               "below 1",
               t->name, (double)t->scale[0]);
    for (int32_t v = -128; v < 128; v++) {
        int32_t shifted = (v - (int32_t)t->zero_point[0]) * (1 << COMPARE_LEFT_SHIFT);
        scaled[(uint8_t)v] = mica_mul_double_round(shifted, m, shift);
    }
    return 0;
}

/* Strides of input k: numpy broadcasting, or (SELECT's condition vector) along dimension 0. */
static int input_strides(const tfl_tensor_t *t, const tfl_tensor_t *out, int rows_condition,
                         int32_t *strides) {
    if (rows_condition) {
        memset(strides, 0, sizeof(int32_t) * MICA_MAX_RANK);
        strides[0] = 1;
        return 0;
    }
    return mica_broadcast_strides(t, out, strides);
}

static int check_types(const tfl_tensor_t *const *in, int nin, int kind, const tfl_tensor_t *out,
                       char *err, size_t errlen) {
    const char *name = kind <= MICA_LOGIC_GE       ? "comparison"
                       : kind == MICA_LOGIC_SELECT ? "SELECT"
                                                   : "logical";
    for (int k = 0; k < nin; k++)
        if (!in[k])
            REJECT("%s: input %d is missing", name, k);
    if (kind <= MICA_LOGIC_GE && mica_is_int32(in[0])) {
        if (!mica_is_int32(in[1]) || !is_bool(out))
            REJECT("comparison: int32 input 0 needs input 1 int32 and the output bool");
    } else if (kind == MICA_LOGIC_SELECT && in[1]->type == TFL_TYPE_INT16) {
        if (!is_bool(in[0]) || !in[2] || in[2]->type != TFL_TYPE_INT16 ||
            out->type != TFL_TYPE_INT16)
            REJECT("SELECT: int16 values need a bool condition, both values and the output int16");
    } else if (kind == MICA_LOGIC_SELECT && mica_is_int32(in[1])) {
        if (!is_bool(in[0]) || !mica_is_int32(in[2]) || !mica_is_int32(out))
            REJECT("SELECT: int32 values need a bool condition, both values and the output int32");
    } else if (kind <= MICA_LOGIC_GE && in[0]->type == TFL_TYPE_INT16) {
        if (!mica_is_int16_q(in[0]) || !mica_is_int16_q(in[1]) || !is_bool(out))
            REJECT("comparison: int16 input 0 needs input 1 int16 (one scale) and the output bool");
        /* LiteRT BUILTIN_REF compares the raw int16 values (TFLite Micro rescales first) */
    } else if (kind <= MICA_LOGIC_GE) {
        if (!mica_is_int8_q(in[0]) || !mica_is_int8_q(in[1]) || !is_bool(out))
            REJECT("comparison: inputs must be int8 with one scale and the output bool");
    } else if (kind == MICA_LOGIC_DIV) {
        if (!mica_is_int8_q(in[0]) || !mica_is_int8_q(in[1]) || !mica_is_int8_q(out))
            REJECT("DIV: inputs and output must be int8 with one scale");
    } else if (kind == MICA_LOGIC_SELECT) {
        if (!is_bool(in[0]) || !mica_is_int8_q(in[1]) || !mica_is_int8_q(in[2]) ||
            !mica_is_int8_q(out))
            REJECT("SELECT: the condition must be bool, the values and output int8 with one scale");
    } else {
        for (int k = 0; k < nin; k++)
            if (!is_bool(in[k]))
                REJECT("logical: input %d '%.32s' is %s; bool expected", k, in[k]->name,
                       tfl_type_name(in[k]->type));
        if (!is_bool(out))
            REJECT("logical: the output must be bool");
    }
    if (out->rank > MICA_MAX_RANK)
        REJECT("%s: rank %d is above %d", name, out->rank, MICA_MAX_RANK);
    return 0;
}

/* DivElementwise's constants. The final right shift headroom + recip_shift - out_shift must stay
 * in 0..31 for every int8 pair (TFLite's RoundingDivideByPOT is undefined outside, and LiteRT on
 * x86 and TFLite Micro on Arm then differ): out_shift 7..23, a multiplier in [2^6, 2^23). */
static int div_quant(const tfl_op_t *op, const tfl_tensor_t *a, const tfl_tensor_t *b,
                     const tfl_tensor_t *out, mica_logic_params_t *p, char *err, size_t errlen) {
    float real = a->scale[0] / (b->scale[0] * out->scale[0]); /* float, as div.cc */
    int shift;
    if (mica_quantize_multiplier((double)real, &p->out_mult, &shift) || shift < 7 || shift > 23)
        REJECT("DIV: scales %g / (%g x output '%.32s' %g) give a multiplier %g; Mica's int8 DIV "
               "takes 2^6 .. 2^23 (outside, TFLite's shifts leave 0..31)",
               (double)a->scale[0], (double)b->scale[0], out->name, (double)out->scale[0],
               (double)real);
    p->out_shift = shift;
    p->in_zp[0] = (int32_t)a->zero_point[0];
    p->in_zp[1] = (int32_t)b->zero_point[0];
    p->out_zp = (int32_t)out->zero_point[0];
    return mica_fused_range((int)tfl_opt_int(op, 0, 0), out, &p->act_min, &p->act_max, err, errlen);
}

static int prepare_logic(const tfl_model_t *m, const tfl_op_t *op, int kind, int select_v1,
                         mica_buf_t *params, char *err, size_t errlen) {
    const int nin = kind == MICA_LOGIC_NOT ? 1 : kind == MICA_LOGIC_SELECT ? 3 : 2;
    const tfl_tensor_t *in[3] = {mica_op_tensor(m, op, 0), mica_op_tensor(m, op, 1),
                                 mica_op_tensor(m, op, 2)},
                       *out = mica_op_output(m, op, 0);
    if (op->ninputs != nin || op->noutputs != 1 || !out)
        REJECT("%d inputs and %d outputs; %d and 1 expected", op->ninputs, op->noutputs, nin);
    if (check_types(in, nin, kind, out, err, errlen))
        return -1;
    mica_logic_params_t p;
    memset(&p, 0, sizeof p);
    p.op = kind;
    p.ninputs = nin;
    p.rank = out->rank;
    for (int d = 0; d < out->rank; d++)
        p.dims[d] = out->dims[d];
    for (int k = 0; k < nin; k++) {
        int rows = select_v1 && k == 0 && in[0]->rank == 1 && out->rank > 1 &&
                   in[0]->dims[0] == out->dims[0];
        if (input_strides(in[k], out, rows, p.strides[k]))
            REJECT("input %d '%.32s' does not broadcast to the output shape", k, in[k]->name);
    }
    if (p.rank == 0) { /* scalars: one element */
        p.rank = 1;
        p.dims[0] = 1;
    }
    const int int32 = mica_is_int32(in[kind == MICA_LOGIC_SELECT ? 1 : 0]);
    const int value_width = int32                                                           ? 4
                            : in[kind == MICA_LOGIC_SELECT ? 1 : 0]->type == TFL_TYPE_INT16 ? 2
                                                                                            : 1;
    if (kind <= MICA_LOGIC_GE && value_width == 1 && /* int16 and int32 compare raw values */
        (compare_table(in[0], p.scaled[0], err, errlen) ||
         compare_table(in[1], p.scaled[1], err, errlen)))
        return -1;
    if (kind == MICA_LOGIC_DIV && div_quant(op, in[0], in[1], out, &p, err, errlen))
        return -1;
    size_t start = params->len;
    if (mica_buf_append(params, &p, sizeof p))
        REJECT("out of memory");
    for (int k = 0; k < nin; k++)
        if (in[k]->data &&
            mica_append_const_width(params, start, in[k], is_bool(in[k]) ? 1 : value_width,
                                    &p.const_off[k], &p.const_len[k]))
            REJECT("constant input %d is empty or truncated", k);
    memcpy(params->data + start, &p, sizeof p); /* now with the constants' places */
    return 0;
}

#define LOGIC_PREPARE(fn, kind, v1)                                                                \
    int fn(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err,                \
           size_t errlen) {                                                                        \
        return prepare_logic(m, op, kind, v1, params, err, errlen);                                \
    }
LOGIC_PREPARE(mica_prepare_equal, MICA_LOGIC_EQ, 0)
LOGIC_PREPARE(mica_prepare_not_equal, MICA_LOGIC_NE, 0)
LOGIC_PREPARE(mica_prepare_less, MICA_LOGIC_LT, 0)
LOGIC_PREPARE(mica_prepare_less_equal, MICA_LOGIC_LE, 0)
LOGIC_PREPARE(mica_prepare_greater, MICA_LOGIC_GT, 0)
LOGIC_PREPARE(mica_prepare_greater_equal, MICA_LOGIC_GE, 0)
LOGIC_PREPARE(mica_prepare_logical_and, MICA_LOGIC_AND, 0)
LOGIC_PREPARE(mica_prepare_logical_or, MICA_LOGIC_OR, 0)
LOGIC_PREPARE(mica_prepare_logical_not, MICA_LOGIC_NOT, 0)
LOGIC_PREPARE(mica_prepare_select, MICA_LOGIC_SELECT, 1)
LOGIC_PREPARE(mica_prepare_select_v2, MICA_LOGIC_SELECT, 0)
LOGIC_PREPARE(mica_prepare_div, MICA_LOGIC_DIV, 0)
