/* AVERAGE_POOL_2D and MAX_POOL_2D on the vector unit, as depthwise layers (lower_gemm.c):
 *   MAX: DWCONV mode MAX with z_in = -128, so a pixel inside the image gives x + 128 >= 0 and a
 *        padded tap gives 0 and never wins (TFLite skips padding); STORE undoes the offset with an
 *        exact identity requantization and z_out = -128.
 *   AVG: DWCONV mode MAC with weights 1 and z_in = 0 sums the raw int8 values (padding adds 0);
 *        STORE divides by the window size n with round mode 2 and a multiplier rounded up, which
 *        is TFLite's (sum +- n/2) / n exactly; each layer's multiplier is checked over every
 *        possible sum before it is used. Where SAME windows cross the border TFLite divides by
 *        the in-image taps: each distinct count gets its own PARAM set and the STOREs are split
 *        into runs of output pixels with the same count. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "compiler.h"
#include "lower_gemm.h"
#include "quant.h"
#include "kernels/mica_fixedpoint.h"
#include "cpu_ops/cpu_util.h"

#define ERR(...) do { snprintf(b->err, sizeof b->err, __VA_ARGS__); return -1; } while (0)

/* TFLite's average: sum / n rounded half away from zero. */
static int32_t tflite_average(int32_t sum, int32_t n) {
    return sum > 0 ? (sum + n / 2) / n : (sum - n / 2) / n;
}

/* m53 * 2^(e-53) = 1/n rounded up; 0 when it does not reproduce tflite_average for every sum of
 * n int8 values. */
static int divide_multiplier(int32_t n, uint64_t *m53, int32_t *e) {
    if (n > (1 << 16)) return -1;   /* 256 x 256 windows at most (partition rule) */
    int k = 0;
    while ((1 << k) < n) k++;                 /* 2^(k-1) < n <= 2^k: 1/n = q * 2^(1-k), q in [1/2, 1) */
    *e = 1 - k;
    unsigned __int128 num = (unsigned __int128)1 << (53 - *e);
    *m53 = (uint64_t)((num + (unsigned __int128)n - 1) / (unsigned __int128)n);   /* q * 2^53, rounded up */
    for (int32_t sum = -128 * n; sum <= 127 * n; sum++)
        if (mica_mul_real(sum, *m53, *e) != tflite_average(sum, n)) return -1;
    return 0;
}

static int pool_shape(const tfl_model_t *m, const tfl_op_t *op, int idx, mica_builder_t *b, mica_gemm_layer_t *L) {
    const tfl_tensor_t *in = mica_op_tensor(m, op, 0), *out = mica_op_output(m, op, 0);
    if (in->rank != 4 || out->rank != 4 || in->dims[0] != 1 || out->dims[0] != 1 || in->dims[3] != out->dims[3])
        ERR("op %d: pooling supports NHWC tensors with batch 1 and equal channels", idx);
    L->in_h = in->dims[1]; L->in_w = in->dims[2]; L->cin = L->cout = in->dims[3];
    L->out_h = out->dims[1]; L->out_w = out->dims[2];
    if (L->in_h < 1 || L->in_w < 1 || L->cout < 1 || L->out_h < 1 || L->out_w < 1) ERR("op %d: pooling over an empty tensor", idx);
    L->kh = (int)tfl_opt_int(op, TFL_POOL_FILTER_H, 1);
    L->kw = (int)tfl_opt_int(op, TFL_POOL_FILTER_W, 1);
    L->stride_h = (int)tfl_opt_int(op, TFL_POOL_STRIDE_H, 1);
    L->stride_w = (int)tfl_opt_int(op, TFL_POOL_STRIDE_W, 1);
    L->dil_h = L->dil_w = 1;
    if (L->out_h == 1) L->stride_h = 1;   /* one output row or column: the stride is never used */
    if (L->out_w == 1) L->stride_w = 1;
    if (L->kh < 1 || L->kw < 1 || L->kh > 256 || L->kw > 256 || L->stride_h < 1 || L->stride_w < 1 || L->stride_h > 15 || L->stride_w > 15)
        ERR("op %d: pool filter %dx%d / stride %dx%d not supported (filter 1..256, stride 1..15)", idx, L->kh, L->kw, L->stride_h, L->stride_w);
    int same = tfl_opt_int(op, TFL_POOL_PADDING, 0) == TFL_PADDING_SAME;
    L->pad_top = same ? mica_conv_pad(L->in_h, L->out_h, L->kh, L->stride_h, 1) : 0;
    L->pad_left = same ? mica_conv_pad(L->in_w, L->out_w, L->kw, L->stride_w, 1) : 0;
    L->depthwise = L->pool = 1;
    int act = (int)tfl_opt_int(op, TFL_POOL_ACTIVATION, 0);
    if (mica_activation_range(act, out->scale[0], (int32_t)out->zero_point[0], &L->act_min, &L->act_max))
        ERR("op %d: fused activation %d is not supported (NONE, RELU, RELU_N1_TO_1, RELU6 are)", idx, act);
    L->in_addr = mica_tensor_at(b, b->tensor_map[op->inputs[0]])->addr;
    L->out_addr = mica_tensor_at(b, b->tensor_map[op->outputs[0]])->addr;
    return 0;
}

/* In-image taps of output pixel (oy, ox): TFLite's divisor. */
static int32_t window_count(const mica_gemm_layer_t *L, int oy, int ox) {
    int y0 = oy * L->stride_h - L->pad_top, x0 = ox * L->stride_w - L->pad_left;
    int y1 = y0 + L->kh < L->in_h ? y0 + L->kh : L->in_h, x1 = x0 + L->kw < L->in_w ? x0 + L->kw : L->in_w;
    return (y1 - (y0 > 0 ? y0 : 0)) * (x1 - (x0 > 0 ? x0 : 0));
}

/* Divisor set of every output pixel (distinct window counts, at most 256): sets[k] = count. */
static int count_sets(const mica_gemm_layer_t *L, uint8_t *pixel_set, int32_t *sets) {
    int nsets = 0;
    for (int oy = 0; oy < L->out_h; oy++)
        for (int ox = 0; ox < L->out_w; ox++) {
            int32_t n = window_count(L, oy, ox), k = 0;
            while (k < nsets && sets[k] != n) k++;
            if (k == nsets && ++nsets > 256) return -1;
            sets[k] = n;
            pixel_set[oy * L->out_w + ox] = (uint8_t)k;
        }
    return nsets;
}

/* Requantization: identity for MAX; for AVG 1/n per divisor set (one set: per channel, as usual). */
static int pool_params(mica_builder_t *b, int idx, int is_max, mica_gemm_layer_t *L, uint8_t *pixel_set,
                       int32_t *mult, int32_t *mult_lo, int32_t *shift) {
    int32_t counts[256];
    int nsets = is_max ? 1 : count_sets(L, pixel_set, counts);
    if (nsets < 0) ERR("op %d: more than 256 distinct window sizes", idx);
    for (int k = 0; k < nsets; k++) {
        uint64_t m53 = 0;
        int32_t e = 0;
        if (!is_max && (counts[k] < 1 || divide_multiplier(counts[k], &m53, &e)))
            ERR("op %d: no exact STORE multiplier for an average over %d values", idx, counts[k]);
        mult[k] = is_max ? 1 << 30 : (int32_t)(uint32_t)(m53 >> 21);   /* MAX: x * 2^30 * 2 / 2^31 = x */
        mult_lo[k] = is_max ? 0 : (int32_t)(m53 & 0x1FFFFFu);
        shift[k] = is_max ? 1 : e;
    }
    for (int c = nsets == 1 ? 1 : L->cout; c < L->cout; c++) { mult[c] = mult[0]; mult_lo[c] = mult_lo[0]; shift[c] = shift[0]; }
    if (nsets > 1) { L->pixel_set = pixel_set; L->nsets = nsets; }
    L->mult = mult; L->mult_lo = mult_lo; L->shift = shift;
    L->round_mode = is_max ? 0 : 2;
    L->vec_max = is_max;
    L->z_in = L->z_out = is_max ? -128 : 0;
    return 0;
}

int mica_lower_pool(const tfl_model_t *m, const tfl_op_t *op, int idx, mica_builder_t *b) {
    int is_max = op->builtin == TFL_OP_MAX_POOL_2D;
    mica_gemm_layer_t L;
    memset(&L, 0, sizeof L);
    char name[MICA_NAME_LEN];
    snprintf(name, sizeof name, "%d_%s", idx, is_max ? "maxpool" : "avgpool");
    L.name = name;
    if (pool_shape(m, op, idx, b, &L)) return -1;
    size_t taps = (size_t)L.kh * L.kw, ch = (size_t)L.cout, sets = ch > 256 ? ch : 256;
    int8_t *ones = malloc(taps * ch);
    uint8_t *pixel_set = malloc((size_t)L.out_h * L.out_w);
    int32_t *mult = malloc(sizeof(int32_t) * sets), *mult_lo = malloc(sizeof(int32_t) * sets), *shift = malloc(sizeof(int32_t) * sets);
    int rc = -1;
    if (!ones || !pixel_set || !mult || !mult_lo || !shift) { snprintf(b->err, sizeof b->err, "out of memory"); goto done; }
    memset(ones, 1, taps * ch);
    L.weights = ones;
    if (pool_params(b, idx, is_max, &L, pixel_set, mult, mult_lo, shift)) goto done;
    rc = mica_emit_gemm_step(b, op, &L, (uint64_t)L.out_h * L.out_w * ch * taps);
done:
    free(ones); free(pixel_set); free(mult); free(mult_lo); free(shift);
    return rc;
}
