/* TRANSPOSE_CONV on the array, by output phase. Output pixel (oy, ox) sums input (iy, ix) times
 * tap (ky, kx) wherever oy = iy * stride_h + ky - pad_top (and so for x). The output rows with
 * the same (oy + pad_top) mod stride_h (a phase) see the same taps, ky = r, r + stride_h, ...,
 * reading input rows one apart: each phase is an ordinary stride-1 convolution of the input with
 * that sub-kernel (flipped, so its tap j reads row j - pad of the phase), run by the CONV_2D
 * lowering (MATMUL per tap accumulating in ACC), whose STOREs write the phase's pixels to every
 * stride-th output pixel (mica_gemm_layer_t.out_pixel_step / out_row_step). Phases follow one
 * another in one step, each ending with a SYNC that drains every unit. Padding (SAME / VALID),
 * bias and requantization as the CPU kernel computes them (cpu_ops/transpose_conv.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "compiler.h"
#include "lower_gemm.h"
#include "cpu_ops/cpu_ops.h"
#include "mica_ops.h"

_Static_assert((int)MICA_ACCEL_TRANSPOSE_CONV == (int)TFL_OP_TRANSPOSE_CONV,
               "step op code is the TFLite builtin");

/* One axis of a phase: the outputs o0, o0 + stride, ... below `out`, the kernel indices
 * r + (taps - 1 - j) * stride of its taps j, and the stride-1 padding that reads them. */
typedef struct {
    int outs, taps, r, pad;
} phase_axis_t;

static phase_axis_t phase_axis(int o0, int out, int k, int stride, int pad) {
    phase_axis_t a;
    a.r = (o0 + pad) % stride;
    a.outs = o0 < out ? (out - o0 + stride - 1) / stride : 0;
    a.taps = a.r < k ? (k - a.r + stride - 1) / stride : 0;
    /* tap j reads input (o0 + pad - ky) / stride + n for the phase's output n */
    a.pad = a.taps - 1 - (o0 + pad) / stride;
    if (a.taps == 0) /* no tap lands here: one zero tap, the output is bias alone */
        a.taps = 1, a.pad = 0, a.r = -1;
    return a;
}

/* The phase's sub-kernel [cout][ty][tx][cin] (zeros for an axis without taps). */
static void phase_weights(const mica_conv_params_t *p, const int8_t *w, phase_axis_t y,
                          phase_axis_t x, int8_t *dst) {
    size_t cin = (size_t)p->in_c;
    memset(dst, 0, (size_t)p->out_c * y.taps * x.taps * cin);
    if (y.r < 0 || x.r < 0)
        return;
    for (int o = 0; o < p->out_c; o++)
        for (int j = 0; j < y.taps; j++)
            for (int i = 0; i < x.taps; i++) {
                int ky = y.r + (y.taps - 1 - j) * p->stride_h,
                    kx = x.r + (x.taps - 1 - i) * p->stride_w;
                memcpy(dst + (((size_t)o * y.taps + j) * x.taps + i) * cin,
                       w + (((size_t)o * p->k_h + ky) * p->k_w + kx) * cin, cin);
            }
}

/* Every phase as a part of the step; L holds what all phases share. */
static int emit_phases(mica_builder_t *b, const mica_conv_params_t *p, const int8_t *w,
                       mica_gemm_layer_t *L, int8_t *sub) {
    uint32_t out0 = L->out_addr, pixel = (uint32_t)p->out_c;
    int last_y = p->stride_h < p->out_h ? p->stride_h - 1 : p->out_h - 1;
    int last_x = p->stride_w < p->out_w ? p->stride_w - 1 : p->out_w - 1;
    int scatter = p->stride_h > 1 || p->stride_w > 1;
    for (int py = 0; py <= last_y; py++)
        for (int px = 0; px <= last_x; px++) {
            phase_axis_t y = phase_axis(py, p->out_h, p->k_h, p->stride_h, p->pad_top);
            phase_axis_t x = phase_axis(px, p->out_w, p->k_w, p->stride_w, p->pad_left);
            phase_weights(p, w, y, x, sub);
            L->weights = sub;
            L->out_h = y.outs, L->out_w = x.outs;
            L->kh = y.taps, L->kw = x.taps;
            L->pad_top = y.pad, L->pad_left = x.pad;
            L->out_addr = out0 + ((uint32_t)py * (uint32_t)p->out_w + (uint32_t)px) * pixel;
            L->out_pixel_step = scatter ? (uint32_t)p->stride_w * pixel : 0;
            L->out_row_step = scatter ? (uint32_t)(p->stride_h * p->out_w) * pixel : 0;
            size_t used = strlen(b->plan_note);
            if (scatter && used + 1 < sizeof b->plan_note)
                snprintf(b->plan_note + used, sizeof b->plan_note - used,
                         "  phase (%d, %d): %dx%d outputs, %dx%d taps\n", py, px, y.outs, x.outs,
                         y.taps, x.taps);
            used = strlen(b->plan_note);
            if (mica_lower_gemm_part(b, L, py == last_y && px == last_x))
                return -1;
            if (py + px > 0)
                b->plan_note[used] = 0; /* the first phase's tiling stands for all */
        }
    return 0;
}

int mica_lower_tconv(const tfl_model_t *m, const tfl_op_t *op, int idx, mica_builder_t *b) {
    const tfl_tensor_t *w = mica_op_tensor(m, op, 1), *in = mica_op_tensor(m, op, 2),
                       *out = mica_op_output(m, op, 0);
    const tfl_tensor_t *bias = op->ninputs > 3 ? mica_op_tensor(m, op, 3) : NULL;
    if (!w || !in || !out || b->tensor_map[op->inputs[2]] < 0 ||
        b->tensor_map[op->outputs[0]] < 0 || out->rank != 4)
        MICA_ERR("op %d (TRANSPOSE_CONV): weights, and an int8 NHWC input and output, needed", idx);
    if (mica_check_filter(b, w, idx, 4, out->dims[3], 0)) /* rank 4 before shapes read it */
        return -1;
    mica_conv_params_t p;
    char why[200];
    if (mica_tconv_shape(m, op, &p, why, sizeof why))
        MICA_ERR("op %d (TRANSPOSE_CONV): %s", idx, why);
    if (mica_check_bias(b, bias, idx, p.out_c))
        return -1;
    mica_gemm_layer_t L;
    memset(&L, 0, sizeof L);
    char name[MICA_NAME_LEN];
    snprintf(name, sizeof name, "%d_tconv", idx);
    L.name = name;
    L.in_h = p.in_h, L.in_w = p.in_w, L.cin = p.in_c, L.cout = p.out_c;
    L.stride_h = L.stride_w = L.dil_h = L.dil_w = 1;
    size_t n = (size_t)p.out_c, taps_y = (size_t)(p.k_h + p.stride_h - 1) / p.stride_h,
           taps_x = (size_t)(p.k_w + p.stride_w - 1) / p.stride_w;
    int32_t *q = malloc(sizeof(int32_t) * n * 4);
    int8_t *sub = malloc(n * taps_y * taps_x * (size_t)p.in_c + 1);
    int rc = -1;
    if (!q || !sub) {
        mica_fail(b, "op %d (TRANSPOSE_CONV): out of memory", idx);
        goto done;
    }
    if (bias)
        memcpy(q + 3 * n, bias->data, sizeof(int32_t) * n); /* data may be unaligned */
    L.bias = bias ? q + 3 * n : NULL;
    if (mica_gemm_requant(b, idx, op->builtin, (int)tfl_opt_int(op, TFL_TCONV_ACTIVATION, 0), in, w,
                          out, &L, q, q + n, q + 2 * n))
        goto done;
    L.in_addr = mica_tensor_at(b, b->tensor_map[op->inputs[2]])->addr;
    L.out_addr = mica_tensor_at(b, b->tensor_map[op->outputs[0]])->addr;
    uint32_t first = mica_code_count(b);
    if (emit_phases(b, &p, (const int8_t *)w->data, &L, sub))
        goto done;
    uint64_t macs = (uint64_t)p.in_h * p.in_w * p.k_h * p.k_w * p.in_c * p.out_c;
    if (mica_accel_step(b, op, name, first, 1, macs))
        goto done;
    mica_prog_step_t *s = (mica_prog_step_t *)(void *)(b->steps.data + b->steps.len) - 1;
    s->inputs[0] = b->tensor_map[op->inputs[2]]; /* the activation, not output_shape */
    rc = 0;
done:
    free(q);
    free(sub);
    return rc;
}
