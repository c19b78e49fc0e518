/* FULLY_CONNECTED on the CPU: LiteRT's reference kernel requantizes in double precision with
 * scale = double(s_in) * double(s_w[o]) / double(s_out); the kernel gets that double's 53-bit
 * mantissa and exponent. int8, or 16x8 (int16 activations with zero point 0, int8 weights, int64
 * bias: the same arithmetic, measured against LiteRT, with a 64-bit accumulator that Mica's kernel
 * holds in int32, so the compiler proves it fits). */
#include <math.h>
#include <string.h>
#include "cpu_util.h"
#include "int16.h"
#include "quant.h"

/* 1: int8 in and out; 2: int16 in and out, zero points 0 (TFLite's 16x8 FC requires them); 0. */
static int io_width(const tfl_tensor_t *in, const tfl_tensor_t *out) {
    if (mica_is_int8_q(in) && mica_is_int8_q(out))
        return 1;
    if (mica_is_int16_q(in) && mica_is_int16_q(out) && in->zero_point[0] == 0 &&
        out->zero_point[0] == 0)
        return 2;
    return 0;
}

/* 16x8: |acc| <= |bias| + 32768 * sum |w| must stay in int32 (the kernel's accumulator), and so
 * must acc * real (LiteRT converts it to int32). */
static int acc16_fits(double real, int32_t bias, const int8_t *w_row, int32_t n, int row, char *err,
                      size_t errlen) {
    int64_t bound = bias < 0 ? -(int64_t)bias : bias;
    for (int32_t i = 0; i < n; i++)
        bound += 32768 * (int64_t)(w_row[i] < 0 ? -w_row[i] : w_row[i]);
    if (bound <= INT32_MAX && real * (double)bound < 2147483647.0)
        return 0;
    REJECT("FULLY_CONNECTED: row %d's int16 accumulator can reach %lld; Mica's 16x8 kernel "
           "accumulates in int32",
           row, (long long)bound);
}

static void fc_real_scale(double real, mica_fc_quant_t *q) {
    int e = 0;
    double frac = frexp(real, &e); /* real = frac * 2^e, frac in [0.5, 1) */
    uint64_t m53 = (uint64_t)ldexp(frac, 53);
    q->m53_lo = (uint32_t)m53;
    q->m53_hi = (uint32_t)(m53 >> 32);
    q->exp = e;
}

int mica_prepare_fully_connected(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params,
                                 char *err, size_t errlen) {
    const tfl_tensor_t *in = mica_op_tensor(m, op, 0), *w = mica_op_tensor(m, op, 1),
                       *out = mica_op_output(m, op, 0);
    const tfl_tensor_t *bias = op->ninputs > 2 ? mica_op_tensor(m, op, 2) : NULL;
    int width = io_width(in, out);
    if (!width)
        REJECT("FULLY_CONNECTED: input and output must be int8 with one scale, or int16 with zero "
               "point 0 (16x8)");
    if (!w || !w->data || w->type != TFL_TYPE_INT8 || w->rank != 2 || w->is_sparse ||
        w->quant_details_type)
        REJECT("FULLY_CONNECTED: weights must be a constant dense int8 matrix");
    if (tfl_opt_int(op, TFL_FC_WEIGHTS_FORMAT, 0) != 0)
        REJECT("FULLY_CONNECTED: shuffled weights are not supported");
    mica_fc_params_t p;
    memset(&p, 0, sizeof p);
    p.out_n = w->dims[0];
    p.in_n = w->dims[1];
    int64_t nin = mica_tensor_elements(in);
    if (p.in_n < 1 || p.out_n < 1 || nin % p.in_n)
        REJECT("FULLY_CONNECTED: input size is not a multiple of %d", p.in_n);
    p.batches = (int32_t)(nin / p.in_n);
    if (mica_tensor_elements(out) != (int64_t)p.batches * p.out_n)
        REJECT("FULLY_CONNECTED: output size does not match");
    if (w->nquant != 1 && !(w->nquant == p.out_n && w->quant_dim == 0))
        REJECT("FULLY_CONNECTED: weights need per-tensor or per-row scales");
    for (int i = 0; i < w->nquant; i++)
        if (w->zero_point[i] != 0 || !mica_weight_scale_ok(w->scale[i]))
            REJECT("weights '%.32s' row %d have scale %g and zero point %lld (symmetric, finite "
                   "scales >= 0 are "
                   "supported)",
                   w->name, i, (double)w->scale[i], (long long)w->zero_point[i]);
    int bias_type = width == 1 ? TFL_TYPE_INT32 : TFL_TYPE_INT64;
    size_t bias_size = width == 1 ? 4 : 8;
    if (bias && (!bias->data || bias->type != bias_type || mica_tensor_elements(bias) != p.out_n ||
                 bias->data_size < bias_size * (size_t)p.out_n))
        REJECT("FULLY_CONNECTED: bias must be a constant %s vector of %d", tfl_type_name(bias_type),
               p.out_n);
    if (w->data_size < (size_t)p.out_n * (size_t)p.in_n)
        REJECT("FULLY_CONNECTED: weights data is truncated");
    p.in_zp = (int32_t)in->zero_point[0];
    p.out_zp = (int32_t)out->zero_point[0];
    int act = (int)tfl_opt_int(op, TFL_FC_ACTIVATION, 0);
    if (mica_fused_range(act, out, &p.act_min, &p.act_max, err, errlen))
        return -1;
    if (mica_buf_append(params, &p, sizeof p))
        REJECT("out of memory");
    for (int32_t o = 0; o < p.out_n; o++) {
        mica_fc_quant_t q;
        memset(&q, 0, sizeof q);
        if (bias && mica_bias_row32(bias, o, "FULLY_CONNECTED", &q.bias, err, errlen))
            return -1;
        const int8_t *w_row = (const int8_t *)w->data + (size_t)o * (size_t)p.in_n;
        double real =
            (double)in->scale[0] * (double)w->scale[w->nquant == 1 ? 0 : o] / (double)out->scale[0];
        int32_t unused_m;
        int unused_shift; /* TFLite's Prepare derives the integer multiplier too: it must be representable */
        if (mica_checked_multiplier(real, "FULLY_CONNECTED", in, w, o, out, &unused_m,
                                    &unused_shift, err, errlen) ||
            (width == 1 ? mica_fc_real_fits(real, q.bias, w_row, p.in_n, o, out, err, errlen)
                        : acc16_fits(real, q.bias, w_row, p.in_n, o, err, errlen)))
            return -1;
        fc_real_scale(real, &q);
        if (mica_buf_append(params, &q, sizeof q))
            REJECT("out of memory");
    }
    if (mica_buf_append(params, w->data, (size_t)p.out_n * (size_t)p.in_n))
        REJECT("out of memory");
    return 0;
}
