/* CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED: TFLite operator -> mica_gemm_layer_t (shapes,
 * padding, requantization parameters computed as TFLite's Prepare does). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "compiler.h"
#include "lower_gemm.h"
#include "chain.h"
#include "quant.h"
#include "cpu_ops/cpu_ops.h"
#include "cpu_ops/cpu_util.h"

/* Requantization per op as LiteRT's reference kernels do it (measured, see models/ORACLE.md):
 * CONV_2D (and TRANSPOSE_CONV, BATCH_MATMUL: tests/kernels/check_accel_ops.py) uses TFLite's
 * integer double rounding; FULLY_CONNECTED multiplies in double precision and rounds half away
 * from zero, which STORE round mode REAL reproduces exactly. */
static uint32_t round_mode_for(int builtin) {
    return builtin == TFL_OP_FULLY_CONNECTED ? MICA_STORE_ROUND_REAL : MICA_STORE_ROUND_DOUBLE;
}

/* Round mode REAL multiplier: the double's 53-bit mantissa split over two PARAM rows, and its exponent.
 * STORE keeps the exponent's low 8 bits; below 2^-40 every |acc| < 2^32 rounds to 0, so such a
 * multiplier becomes 0 (exact, and inside the field). */
static void real_multiplier(double real, int32_t *mult_hi, int32_t *mult_lo, int32_t *exponent) {
    int e = 0;
    double q = frexp(real, &e);
    if (e < -40)
        q = 0, e = 0;
    uint64_t m53 = (uint64_t)ldexp(q, 53);
    *mult_hi = (int32_t)(uint32_t)(m53 >> 21);
    *mult_lo = (int32_t)(m53 & 0x1FFFFFu);
    *exponent = e;
}

/* Filter [cout][kh][kw][cin]: constant dense symmetric int8 (partition rules); here per-tensor or
 * per-output-channel scales, each usable. */
int mica_check_filter(mica_builder_t *b, const tfl_tensor_t *w, int idx, int rank, int cout,
                      int qdim) {
    if (w->rank != rank)
        MICA_ERR("op %d: weights '%s' have rank %d, expected %d", idx, w->name, w->rank, rank);
    if (w->nquant != 1 && !(w->nquant == cout && w->quant_dim == qdim))
        MICA_ERR("op %d: weights '%s' need per-tensor or per-output-channel scales", idx, w->name);
    for (int i = 0; i < w->nquant; i++)
        if (!mica_weight_scale_ok(w->scale[i]))
            MICA_ERR("op %d: weights '%.32s' channel %d have scale %g (finite scales >= 0 are "
                     "supported)",
                     idx, w->name, i, (double)w->scale[i]);
    return 0;
}

int mica_check_bias(mica_builder_t *b, const tfl_tensor_t *bias, int idx, int cout) {
    if (!bias)
        return 0;
    if (!bias->data || bias->type != TFL_TYPE_INT32 || bias->rank != 1 || bias->dims[0] != cout)
        MICA_ERR("op %d: bias '%s' must be a constant int32 vector of %d", idx, bias->name, cout);
    return 0;
}

int mica_gemm_requant(mica_builder_t *b, int idx, int builtin, int act, const tfl_tensor_t *in,
                      const tfl_tensor_t *w, const tfl_tensor_t *out, mica_gemm_layer_t *L,
                      int32_t *mult, int32_t *mult_lo, int32_t *shift) {
    const char *opname = tfl_builtin_name(builtin);
    char why[200];
    L->round_mode = round_mode_for(builtin);
    for (int c = 0; c < L->cout; c++) {
        double ws = (double)w->scale[w->nquant == 1 ? 0 : c];
        double real = (double)in->scale[0] * ws / (double)out->scale[0];
        int s; /* TFLite's Prepare derives this multiplier for every op: it must be representable */
        if (mica_checked_multiplier(real, opname, in, w, c, out, &mult[c], &s, why, sizeof why))
            MICA_ERR("op %d (%s): %s", idx, opname, why);
        mult_lo[c] = 0;
        shift[c] = s;
        if (L->round_mode != MICA_STORE_ROUND_REAL)
            continue;
        if (mica_fc_real_fits(real, L->bias ? L->bias[c] : 0,
                              L->weights + (size_t)c * (size_t)L->cin, L->cin, c, out, why,
                              sizeof why))
            MICA_ERR("op %d (%s): %s", idx, opname, why);
        real_multiplier(real, &mult[c], &mult_lo[c], &shift[c]);
    }
    if (mica_fused_range(act, out, &L->act_min, &L->act_max, why, sizeof why))
        MICA_ERR("op %d (%s): %s", idx, opname, why);
    L->z_in = (int32_t)in->zero_point[0];
    L->z_out = (int32_t)out->zero_point[0];
    L->mult = mult;
    L->mult_lo = mult_lo;
    L->shift = shift;
    return 0;
}

/* Fills multipliers, clamps, the activation tensors' quantization and addresses. */
static int fill_quant(const tfl_model_t *m, const tfl_op_t *op, int idx, mica_builder_t *b,
                      mica_gemm_layer_t *L, int32_t *mult, int32_t *mult_lo, int32_t *shift) {
    int act = (int)tfl_opt_int(op,
                               op->builtin == TFL_OP_CONV_2D             ? TFL_CONV2D_ACTIVATION
                               : op->builtin == TFL_OP_DEPTHWISE_CONV_2D ? TFL_DWCONV_ACTIVATION
                                                                         : TFL_FC_ACTIVATION,
                               0);
    if (mica_gemm_requant(b, idx, op->builtin, act, mica_op_tensor(m, op, 0),
                          mica_op_tensor(m, op, 1), &m->tensors[op->outputs[0]], L, mult, mult_lo,
                          shift))
        return -1;
    L->in_addr = mica_tensor_at(b, b->tensor_map[op->inputs[0]])->addr;
    L->out_addr = mica_tensor_at(b, b->tensor_map[op->outputs[0]])->addr;
    return 0;
}

/* Shapes, strides, dilations and TF padding of CONV_2D or DEPTHWISE_CONV_2D (their options differ
 * only in where the fields sit). */
int mica_conv_window(const tfl_op_t *op, const tfl_tensor_t *in, const tfl_tensor_t *w,
                     const tfl_tensor_t *out, mica_gemm_layer_t *L) {
    int dw = op->builtin == TFL_OP_DEPTHWISE_CONV_2D;
    L->in_h = in->dims[1];
    L->in_w = in->dims[2];
    L->cin = in->dims[3];
    L->out_h = out->dims[1];
    L->out_w = out->dims[2];
    L->cout = out->dims[3];
    L->kh = w->dims[1];
    L->kw = w->dims[2];
    L->stride_w = (int)tfl_opt_int(op, dw ? TFL_DWCONV_STRIDE_W : TFL_CONV2D_STRIDE_W, 1);
    L->stride_h = (int)tfl_opt_int(op, dw ? TFL_DWCONV_STRIDE_H : TFL_CONV2D_STRIDE_H, 1);
    L->dil_w = (int)tfl_opt_int(op, dw ? TFL_DWCONV_DILATION_W : TFL_CONV2D_DILATION_W, 1);
    L->dil_h = (int)tfl_opt_int(op, dw ? TFL_DWCONV_DILATION_H : TFL_CONV2D_DILATION_H, 1);
    int same = tfl_opt_int(op, dw ? TFL_DWCONV_PADDING : TFL_CONV2D_PADDING, 0) == TFL_PADDING_SAME;
    L->pad_top = same ? mica_conv_pad(L->in_h, L->out_h, L->kh, L->stride_h, L->dil_h) : 0;
    L->pad_left = same ? mica_conv_pad(L->in_w, L->out_w, L->kw, L->stride_w, L->dil_w) : 0;
    return 0;
}

static int conv_shape(const tfl_model_t *m, const tfl_op_t *op, int idx, mica_builder_t *b,
                      mica_gemm_layer_t *L) {
    const tfl_tensor_t *in = mica_op_tensor(m, op, 0), *w = mica_op_tensor(m, op, 1),
                       *out = &m->tensors[op->outputs[0]];
    if (mica_check_filter(b, w, idx, 4, out->dims[3], 0))
        return -1; /* batch 1, ungrouped: partition rules */
    if (mica_conv_window(op, in, w, out, L))
        return -1;
    if (w->dims[0] != L->cout)
        MICA_ERR("op %d: filter has %d outputs, output tensor %d channels", idx, w->dims[0],
                 L->cout);
    return 0;
}

/* Depth multiplier 1: output channel c reads input channel c only (weights [1][kh][kw][c]), on the
 * vector unit. A larger multiplier M (output o reads input o / M) runs on the array as a dense
 * CONV_2D whose weights are zero off the diagonal blocks: exact, and as fast as the vector unit
 * when the input fits one fold (each array column does one useful multiply per pixel). */
static int dw_shape(const tfl_model_t *m, const tfl_op_t *op, int idx, mica_builder_t *b,
                    mica_gemm_layer_t *L) {
    const tfl_tensor_t *in = mica_op_tensor(m, op, 0), *w = mica_op_tensor(m, op, 1),
                       *out = &m->tensors[op->outputs[0]];
    if (mica_check_filter(b, w, idx, 4, out->dims[3], 3))
        return -1; /* batch 1, filter [1, kh, kw, cin x M]: rules */
    L->depthwise = out->dims[3] == in->dims[3];
    return mica_conv_window(op, in, w, out, L);
}

/* Multiplier M > 1: [1][kh][kw][cout] -> dense [cout][kh][kw][cin], zero where o / M != c. */
static int8_t *dw_as_dense(const mica_gemm_layer_t *L, const int8_t *w) {
    int taps = L->kh * L->kw, mult = L->cout / L->cin;
    int8_t *d = calloc((size_t)L->cout * taps * L->cin, 1);
    if (!d)
        return NULL;
    for (int o = 0; o < L->cout; o++)
        for (int t = 0; t < taps; t++)
            d[((size_t)o * taps + t) * L->cin + o / mult] = w[(size_t)t * L->cout + o];
    return d;
}

static int fc_shape(const tfl_model_t *m, const tfl_op_t *op, int idx, mica_builder_t *b,
                    mica_gemm_layer_t *L) {
    const tfl_tensor_t *in = mica_op_tensor(m, op, 0), *w = mica_op_tensor(m, op, 1),
                       *out = &m->tensors[op->outputs[0]];
    if (tfl_opt_int(op, TFL_FC_WEIGHTS_FORMAT, 0) != 0)
        MICA_ERR("op %d: shuffled FULLY_CONNECTED weights are not supported", idx);
    if (!w || w->rank != 2)
        MICA_ERR("op %d: FULLY_CONNECTED weights must be 2-D", idx);
    int k = w->dims[1], n = w->dims[0];
    int64_t total = 1;
    for (int d = 0; d < in->rank; d++)
        total *= in->dims[d];
    if (k <= 0 || total % k)
        MICA_ERR("op %d: FULLY_CONNECTED input size %lld is not a multiple of %d", idx,
                 (long long)total, k);
    if (mica_check_filter(b, w, idx, 2, n, 0))
        return -1;
    int64_t outs = 1;
    for (int d = 0; d < out->rank; d++)
        outs *= out->dims[d];
    if (outs != total / k * n)
        MICA_ERR("op %d: FULLY_CONNECTED output shape does not match", idx);
    L->in_h = 1;
    L->in_w = (int)(total / k);
    L->cin = k;
    L->out_h = 1;
    L->out_w = L->in_w;
    L->cout = n;
    L->kh = L->kw = L->stride_h = L->stride_w = L->dil_h = L->dil_w = 1;
    return 0;
}

/* Useful multiply-accumulates (a depthwise layer's, even when it runs as a dense CONV_2D). */
static uint64_t macs_of(const mica_gemm_layer_t *L, int dw) {
    return (uint64_t)L->out_h * L->out_w * L->cout * L->kh * L->kw * (dw ? 1 : L->cin);
}

int mica_accel_step(mica_builder_t *b, const tfl_op_t *op, const char *name, uint32_t first,
                    int ninputs, uint64_t macs) {
    mica_prog_step_t *s = mica_step_add(b);
    if (!s)
        MICA_ERR("out of memory");
    snprintf(s->name, sizeof s->name, "%s", name);
    s->kind = MICA_STEP_ACCEL;
    s->op = (uint32_t)op->builtin;
    s->instr_first = first;
    s->instr_count = mica_code_count(b) - first;
    s->ninputs = (uint32_t)ninputs;
    s->noutputs = 1;
    for (int i = 0; i < ninputs; i++)
        s->inputs[i] = b->tensor_map[op->inputs[i]];
    s->outputs[0] = b->tensor_map[op->outputs[0]];
    s->macs = macs;
    s->est_cycles = 0; /* filled from the instruction stream (cost.c) */
    return 0;
}

int mica_emit_gemm_step(mica_builder_t *b, const tfl_op_t *op, const mica_gemm_layer_t *L,
                        uint64_t macs) {
    uint32_t first = mica_code_count(b);
    size_t code = b->code.len, consts = b->consts.len;
    uint64_t est = 0;
    mica_gemm_layer_t C = *L;
    mica_chain_layer(b, op, &C);
    int rc = mica_lower_gemm(b, &C, &est);
    if (rc && C.out_aspad) { /* the output in memory, as without a chain */
        b->code.len = code, b->consts.len = consts;
        C.out_aspad = 0;
        mica_chain_drop_output(b, op);
        rc = mica_lower_gemm(b, &C, &est);
    }
    if (rc)
        return -1;
    mica_chain_end(b, op, &C);
    return mica_accel_step(b, op, L->name, first, 1, macs);
}

int mica_lower_conv_fc(const tfl_model_t *m, const tfl_op_t *op, int idx, mica_builder_t *b) {
    const int conv = op->builtin == TFL_OP_CONV_2D, dw = op->builtin == TFL_OP_DEPTHWISE_CONV_2D;
    if (op->ninputs < 2)
        MICA_ERR("op %d: missing weights", idx);
    if (b->tensor_map[op->inputs[0]] < 0 || b->tensor_map[op->outputs[0]] < 0)
        MICA_ERR("op %d (%s): input and output must be int8 activations with one scale", idx,
                 tfl_builtin_name(op->builtin));
    mica_gemm_layer_t L;
    memset(&L, 0, sizeof L);
    char name[MICA_NAME_LEN];
    snprintf(name, sizeof name, "%d_%s", idx, conv ? "conv" : dw ? "dw" : "fc");
    L.name = name;
    if (conv ? conv_shape(m, op, idx, b, &L)
        : dw ? dw_shape(m, op, idx, b, &L)
             : fc_shape(m, op, idx, b, &L))
        return -1;
    const tfl_tensor_t *bias = op->ninputs > 2 ? mica_op_tensor(m, op, 2) : NULL;
    if (mica_check_bias(b, bias, idx, L.cout))
        return -1;
    int32_t *mult = malloc(sizeof(int32_t) * (size_t)L.cout),
            *shift = malloc(sizeof(int32_t) * (size_t)L.cout);
    int32_t *mult_lo = malloc(sizeof(int32_t) * (size_t)L.cout);
    int32_t *bias_v = bias ? malloc(sizeof(int32_t) * (size_t)L.cout) : NULL;
    int8_t *dense = NULL;
    int rc = -1;
    if (!mult || !shift || !mult_lo || (bias && !bias_v)) {
        snprintf(b->err, sizeof b->err, "out of memory");
        goto done;
    }
    if (bias)
        memcpy(bias_v, bias->data, sizeof(int32_t) * (size_t)L.cout); /* data may be unaligned */
    L.bias = bias_v;
    L.weights = (const int8_t *)mica_op_tensor(m, op, 1)->data;
    if (dw && !L.depthwise && !(dense = dw_as_dense(&L, L.weights))) {
        snprintf(b->err, sizeof b->err, "out of memory");
        goto done;
    }
    if (dense)
        L.weights = dense;
    if (fill_quant(m, op, idx, b, &L, mult, mult_lo, shift))
        goto done;
    rc = mica_emit_gemm_step(b, op, &L, macs_of(&L, dw));
done:
    free(mult);
    free(mult_lo);
    free(shift);
    free(bias_v);
    free(dense);
    return rc;
}
