/* RESIZE_NEAREST_NEIGHBOR on the CPU: TFLite's GetNearestNeighbor (float) per output row/column. */
#include <math.h>
#include <string.h>
#include "cpu_util.h"
#include "int16.h"

static int32_t nearest(int32_t i, int32_t in_size, int32_t out_size, int align, int half) {
    float scale = (align && out_size > 1) ? (float)(in_size - 1) / (float)(out_size - 1)
                                          : (float)in_size / (float)out_size;
    float offset = half ? 0.5f : 0.0f;
    float pos = ((float)i + offset) * scale;
    int32_t v = align ? (int32_t)roundf(pos) : (int32_t)floorf(pos);
    if (v > in_size - 1)
        v = in_size - 1;
    if (half && v < 0)
        v = 0;
    return v;
}

int mica_prepare_resize_nearest(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params,
                                char *err, size_t errlen) {
    const tfl_tensor_t *in = mica_op_tensor(m, op, 0), *out = mica_op_output(m, op, 0);
    int width = mica_elem_width(in); /* the kernel copies a pixel's ch bytes */
    if (!width || in->type != out->type || !mica_elem_width(out))
        REJECT("RESIZE_NEAREST_NEIGHBOR: input and output must be int8 (or int16) with one scale");
    if (in->rank != 4 || out->rank != 4 || in->dims[0] != out->dims[0] ||
        in->dims[3] != out->dims[3])
        REJECT("RESIZE_NEAREST_NEIGHBOR: NHWC input and output with equal batch and channels");
    mica_resize_params_t p;
    memset(&p, 0, sizeof p);
    p.batches = in->dims[0];
    p.in_h = in->dims[1];
    p.in_w = in->dims[2];
    p.ch = in->dims[3] * width;
    p.out_h = out->dims[1];
    p.out_w = out->dims[2];
    if (p.out_h < 1 || p.out_w < 1 || p.in_h < 1 || p.in_w < 1)
        REJECT("RESIZE_NEAREST_NEIGHBOR: empty tensor");
    int align = (int)tfl_opt_int(op, TFL_RESIZE_NN_ALIGN_CORNERS, 0),
        half = (int)tfl_opt_int(op, TFL_RESIZE_NN_HALF_PIXEL_CENTERS, 0);
    if (mica_buf_append(params, &p, sizeof p))
        REJECT("out of memory");
    for (int s = 0; s < 2; s++)
        for (int32_t i = 0; i < (s ? p.out_w : p.out_h); i++) {
            int32_t v = s ? nearest(i, p.in_w, p.out_w, align, half)
                          : nearest(i, p.in_h, p.out_h, align, half);
            if (mica_buf_append(params, &v, sizeof v))
                REJECT("out of memory");
        }
    return 0;
}
