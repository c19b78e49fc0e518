/* MEAN int8 on the CPU. LiteRT's reference int8 MEAN (reduce.h QuantizedMeanOrSum, integer
 * version; measured to be the path taken for every axis set, keep_dims and equal or different
 * quantization) computes
 *   M, shift = QuantizeMultiplier(double(s_in) / double(s_out));
 *   k = min(floor(log2 n), 32, 31 + shift);  M' = (M << k) / n;  shift' = shift - k;
 *   out = clamp(MultiplyByQuantizedMultiplier(sum - z_in * n, M', shift') + z_out).
 * That is a non-decreasing function of the raw input sum, so the kernel gets 255 thresholds.
 * SUM int8 is the same function without the division (compute_sum: M, shift as they are), as
 * TFLite Micro and LiteRT's reference QuantizedMeanOrSum compute it. int16 (MEAN16, SUM16): the
 * same constants, the kernel evaluating the rescale per output (int32 sums: n <= 65535). */
#include <string.h>
#include "cpu_util.h"
#include "int16.h"
#include "quant.h"
#include "mica_fixedpoint.h"

typedef struct {
    int32_t n, in_zp, out_zp, mult, shift;
    int wide; /* int16 operands */
} mean_ctx_t;

static int32_t mean_value(const mean_ctx_t *c, int32_t sum) {
    int32_t y =
        (int32_t)((uint32_t)mica_mul_double_round(sum - c->in_zp * c->n, c->mult, c->shift) +
                  (uint32_t)c->out_zp);
    return mica_clamp32(y, -128, 127);
}

/* Smallest s in [lo, hi] with value(s) >= v, or INT32_MAX. */
static int32_t threshold_for(const mean_ctx_t *c, int32_t v, int32_t lo, int32_t hi) {
    if (mean_value(c, hi) < v)
        return INT32_MAX;
    while (lo < hi) {
        int32_t mid = lo + (hi - lo) / 2;
        if (mean_value(c, mid) >= v)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

static int emit_thresholds(mica_mean_params_t *p, const mean_ctx_t *c, mica_buf_t *params,
                           char *err, size_t errlen) {
    if (c->wide) { /* the int16 block: MEAN's walk, then the constants */
        mica_mean16_params_t q;
        memcpy(&q, p, offsetof(mica_mean16_params_t, n));
        q.n = c->n, q.in_zp = c->in_zp, q.out_zp = c->out_zp, q.mult = c->mult;
        q.shift = c->shift;
        if (mica_buf_append(params, &q, sizeof q))
            REJECT("out of memory");
        return 0;
    }
    for (int k = 0; k < 255; k++)
        p->threshold[k] = threshold_for(c, -127 + k, -128 * c->n, 127 * c->n);
    if (mica_buf_append(params, p, sizeof *p))
        REJECT("out of memory");
    return 0;
}

static int prepare_mean_or_sum(const tfl_model_t *m, const tfl_op_t *op, int compute_sum,
                               mica_buf_t *params, char *err, size_t errlen) {
    const char *name = compute_sum ? "SUM" : "MEAN";
    const tfl_tensor_t *in = mica_op_tensor(m, op, 0), *out = mica_op_output(m, op, 0);
    int width = mica_elem_width(in);
    if (!width || in->type != out->type || !mica_elem_width(out))
        REJECT("%s: input and output must be int8 (or int16) with one scale", name);
    mica_mean_params_t p;
    memset(&p, 0, sizeof p);
    int64_t n;
    mica_reduce_layout_t L;
    if (mica_reduce_layout(m, op, name, &L, &n, err, errlen))
        return -1;
    memcpy(p.out_dims, L.out_dims, sizeof p.out_dims);
    memcpy(p.out_strides, L.out_strides, sizeof p.out_strides);
    memcpy(p.red_dims, L.red_dims, sizeof p.red_dims);
    memcpy(p.red_strides, L.red_strides, sizeof p.red_strides);
    p.out_rank = L.out_rank;
    p.red_rank = L.red_rank;
    if (n < 1 || n > (width == 2 ? 65535 : 1 << 23))
        REJECT("%s: %lld elements per output; 1..%d supported (TFLite sums in int32)", name,
               (long long)n, width == 2 ? 65535 : 1 << 23);
    if (mica_tensor_elements(out) * n != mica_tensor_elements(in))
        REJECT("%s: output size does not match", name);
    mean_ctx_t c;
    memset(&c, 0, sizeof c);
    c.n = (int32_t)n;
    c.wide = width == 2;
    const int64_t top = width == 2 ? 65535 : 255; /* the largest |sum - z_in n| / n */
    c.in_zp = (int32_t)in->zero_point[0];
    c.out_zp = (int32_t)out->zero_point[0];
    int shift, lg = 0;
    if (mica_checked_multiplier((double)in->scale[0] / (double)out->scale[0], name, in, NULL, 0,
                                out, &c.mult, &shift, err, errlen))
        return -1;
    if (compute_sum) { /* the shifted sum, up to 255 n, must not wrap past int32 */
        if (shift > 0 && top * n > (INT32_MAX >> shift))
            REJECT("SUM: %lld elements per output with a scale ratio of %g overflow TFLite's int32 "
                   "rescale (%lld n 2^%d >= 2^31)",
                   (long long)n, (double)in->scale[0] / (double)out->scale[0], (long long)top,
                   shift);
        c.shift = shift;
        return emit_thresholds(&p, &c, params, err, errlen);
    }
    while (lg < 62 && (n >> (lg + 1)) != 0)
        lg++; /* floor(log2 n) */
    if (lg > 32)
        lg = 32;
    if (lg > 31 + shift)
        lg = 31 + shift;
    if (lg < 0 || shift > 30)
        REJECT("MEAN: scale ratio out of range");
    c.mult = (int32_t)(((int64_t)c.mult << lg) / n);
    c.shift = shift - lg;
    if (c.wide && c.shift < -31)
        REJECT("MEAN: %lld int16 elements per output with a scale ratio of %g need a right shift "
               "of %d; up to 31",
               (long long)n, (double)in->scale[0] / (double)out->scale[0], -c.shift);
    if (c.wide && c.shift > 0 && top * n > (INT32_MAX >> c.shift))
        REJECT("MEAN: %lld int16 elements per output with a scale ratio of %g overflow TFLite's "
               "int32 rescale",
               (long long)n, (double)in->scale[0] / (double)out->scale[0]);
    return emit_thresholds(&p, &c, params, err, errlen);
}

int mica_prepare_mean(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err,
                      size_t errlen) {
    return prepare_mean_or_sum(m, op, 0, params, err, errlen);
}

int mica_prepare_sum(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err,
                     size_t errlen) {
    return prepare_mean_or_sum(m, op, 1, params, err, errlen);
}
