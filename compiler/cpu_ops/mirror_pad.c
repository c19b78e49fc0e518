/* MIRROR_PAD on the CPU (driver/core/kernels/remap.c): each output coordinate's input coordinate,
 * reflected at the edges. REFLECT leaves the edge out ([1 2 3] padded by 2: 3 2 1 2 3 2 1),
 * SYMMETRIC repeats it (2 1 1 2 3 3 2); TFLite copies int8 bytes with the input's quantization. */
#include <string.h>
#include "cpu_util.h"

static int32_t mirror(int32_t i, int32_t n, int symmetric) {
    if (i < 0)
        return symmetric ? -i - 1 : -i;
    if (i >= n)
        return symmetric ? 2 * n - 1 - i : 2 * (n - 1) - i;
    return i;
}

int mica_prepare_mirror_pad(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err,
                            size_t errlen) {
    const tfl_tensor_t *in = mica_op_tensor(m, op, 0), *out = mica_op_output(m, op, 0);
    if (!mica_is_int8_q(in) || !mica_is_int8_q(out) || in->rank < 1 || in->rank > MICA_MAX_RANK)
        REJECT("MIRROR_PAD: input and output must be int8 with one scale, rank 1..%d",
               MICA_MAX_RANK);
    int32_t pads[2 * MICA_MAX_RANK];
    if (mica_const_ints(mica_op_tensor(m, op, 1), pads, 2 * MICA_MAX_RANK) != 2 * in->rank)
        REJECT("MIRROR_PAD: paddings must be a constant [rank, 2]");
    int symmetric = tfl_opt_int(op, 0, 0) == 1; /* MirrorPadMode: REFLECT 0, SYMMETRIC 1 */
    mica_remap_params_t p;
    memset(&p, 0, sizeof p);
    p.rank = in->rank;
    int64_t stride = 1, count = 1;
    for (int d = in->rank - 1; d >= 0; d--) {
        int32_t n = in->dims[d], lo = pads[2 * d], hi = pads[2 * d + 1];
        if (lo < 0 || hi < 0 || lo > n - !symmetric || hi > n - !symmetric)
            REJECT("MIRROR_PAD: padding %d/%d of dimension %d (size %d) is too large for %s mode",
                   lo, hi, d, n, symmetric ? "SYMMETRIC" : "REFLECT");
        p.dims[d] = n + lo + hi;
        p.in_dims[d] = n;
        p.strides[d] = (int32_t)stride;
        stride *= n;
        count *= p.dims[d];
    }
    if (count != mica_tensor_elements(out))
        REJECT("MIRROR_PAD: output size does not match");
    if (mica_buf_append(params, &p, sizeof p))
        REJECT("out of memory");
    for (int d = 0; d < in->rank; d++)
        for (int32_t i = 0; i < p.dims[d]; i++) {
            int32_t v = mirror(i - pads[2 * d], in->dims[d], symmetric);
            if (mica_buf_append(params, &v, 4))
                REJECT("out of memory");
        }
    return 0;
}
