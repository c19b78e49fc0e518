/* AVERAGE_POOL_2D and MAX_POOL_2D on the vector unit, as depthwise layers (lower_gemm.c):
 *   MAX: DWCONV mode MAX with z_in = -128, so a pixel inside the image gives x + 128 >= 0 and a
 *        padded tap gives 0 and never wins (TFLite skips padding); STORE undoes the offset with an
 *        exact identity requantization and z_out = -128.
 *   AVG: DWCONV mode MAC with weights 1 and z_in = 0 sums the raw int8 values (padding adds 0);
 *        STORE divides by the window size n with round mode 2 and a multiplier rounded up, which
 *        is TFLite's (sum +- n/2) / n exactly; each layer's multiplier is checked over every
 *        possible sum before it is used. The divisor is per layer, so every window must lie
 *        inside the input (partition rule). */
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

/* Requantization of every channel: identity for MAX, 1/n for AVG. */
static int pool_params(mica_builder_t *b, int idx, int is_max, mica_gemm_layer_t *L, int32_t *mult, int32_t *mult_lo, int32_t *shift) {
    uint64_t m53 = 0;
    int32_t e = 0, n = L->kh * L->kw;
    if (!is_max && divide_multiplier(n, &m53, &e))
        ERR("op %d: no exact STORE multiplier for an average over %d values", idx, n);
    for (int c = 0; c < L->cout; c++) {
        mult[c] = is_max ? 1 << 30 : (int32_t)(uint32_t)(m53 >> 21);   /* MAX: x * 2^30 * 2 / 2^31 = x */
        mult_lo[c] = is_max ? 0 : (int32_t)(m53 & 0x1FFFFFu);
        shift[c] = is_max ? 1 : e;
    }
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
    size_t taps = (size_t)L.kh * L.kw, ch = (size_t)L.cout;
    int8_t *ones = malloc(taps * ch);
    int32_t *mult = malloc(sizeof(int32_t) * ch), *mult_lo = malloc(sizeof(int32_t) * ch), *shift = malloc(sizeof(int32_t) * ch);
    int rc = -1;
    if (!ones || !mult || !mult_lo || !shift) { snprintf(b->err, sizeof b->err, "out of memory"); goto done; }
    memset(ones, 1, taps * ch);
    L.weights = ones;
    if (pool_params(b, idx, is_max, &L, mult, mult_lo, shift)) goto done;
    rc = mica_emit_gemm_step(b, op, &L, (uint64_t)L.out_h * L.out_w * ch * taps);
done:
    free(ones); free(mult); free(mult_lo); free(shift);
    return rc;
}
