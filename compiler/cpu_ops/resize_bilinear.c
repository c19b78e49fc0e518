/* RESIZE_BILINEAR int8 on the CPU (driver/core/kernels/resize_bilinear.c): TFLite's
 * ResizeBilinearInteger (10 fractional bits, no float). Per output row and column the compiler
 * computes ComputeInterpolationValuesInteger's lower and upper source index and the fraction
 * (scaled value - 1024 * lower); the kernel interpolates. Values are not requantized (TFLite's
 * int8 kernel interpolates the raw values). */
#include <string.h>
#include "cpu_util.h"

enum { BILINEAR_ALIGN_CORNERS = 2, BILINEAR_HALF_PIXEL = 3 }; /* ResizeBilinearOptions fields */

/* TFLite's scale_10: input / output size in 10 fractional bits, rounded. */
static int32_t scale_10(int32_t in, int32_t out, int align) {
    if (align && out > 1)
        return ((1 << 10) * (in - 1) + (out - 1) / 2) / (out - 1);
    return ((1 << 10) * in + out / 2) / out;
}

static int append_axis(mica_buf_t *params, int32_t in, int32_t out, int align, int half) {
    const int32_t s = scale_10(in, out, align);
    for (int32_t i = 0; i < out; i++) {
        int32_t scaled = half ? i * s + s / 2 - (1 << 9) : i * s;
        int32_t lo = scaled / (1 << 10), hi = (scaled + (1 << 10) - 1) / (1 << 10);
        lo = lo > 0 ? lo : 0;
        hi = hi < in - 1 ? hi : in - 1;
        mica_bilinear_tap_t t = {lo, hi, scaled - (1 << 10) * lo};
        if (mica_buf_append(params, &t, sizeof t))
            return -1;
    }
    return 0;
}

int mica_prepare_resize_bilinear(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params,
                                 char *err, size_t errlen) {
    const tfl_tensor_t *in = mica_op_tensor(m, op, 0), *out = mica_op_output(m, op, 0);
    if (!mica_is_int8_q(in) || !mica_is_int8_q(out))
        REJECT("RESIZE_BILINEAR: input and output must be int8 with one scale");
    if (in->rank != 4 || out->rank != 4 || in->dims[0] != out->dims[0] ||
        in->dims[3] != out->dims[3])
        REJECT("RESIZE_BILINEAR: NHWC input and output with equal batch and channels");
    if (op->options_type && op->options_type != TFL_OPTS_RESIZE_BILINEAR)
        REJECT("RESIZE_BILINEAR: options table is %s, not ResizeBilinearOptions",
               tfl_options_name(op->options_type));
    int32_t size[2];
    if (mica_const_ints(mica_op_tensor(m, op, 1), size, 2) != 2 || size[0] != out->dims[1] ||
        size[1] != out->dims[2])
        REJECT("RESIZE_BILINEAR: size must be a constant [height, width] equal to the output's");
    mica_resize_params_t p = {in->dims[0], in->dims[1],  in->dims[2],
                              in->dims[3], out->dims[1], out->dims[2]};
    if (p.out_h < 1 || p.out_w < 1 || p.in_h < 1 || p.in_w < 1 || p.in_h > (1 << 20) ||
        p.in_w > (1 << 20) || p.out_h > (1 << 20) || p.out_w > (1 << 20))
        REJECT("RESIZE_BILINEAR: sizes must be 1..2^20 (input %dx%d, output %dx%d)", p.in_h, p.in_w,
               p.out_h, p.out_w);
    int align = (int)tfl_opt_int(op, BILINEAR_ALIGN_CORNERS, 0),
        half = (int)tfl_opt_int(op, BILINEAR_HALF_PIXEL, 0);
    if (align && half)
        REJECT("RESIZE_BILINEAR: align_corners and half_pixel_centers are both set (TFLite "
               "allows one)");
    if (mica_buf_append(params, &p, sizeof p) ||
        append_axis(params, p.in_h, p.out_h, align, half) ||
        append_axis(params, p.in_w, p.out_w, align, half))
        REJECT("out of memory");
    return 0;
}
