/* GATHER_ND on the CPU with constant indices, on the GATHER kernel (driver/core/kernels/take.c):
 * indices [..., k] address the first k dimensions of params, so each index tuple is one row of
 * the params flattened to [d0 * ... * d(k-1), rest]; bytes are copied (TFLite's gather_nd does
 * not requantize). An index outside params is refused here (LiteRT fails the invoke). */
#include <string.h>
#include "cpu_util.h"

#define GATHER_ND_MAX_TUPLES 65536

static int64_t const_index(const tfl_tensor_t *ix, int64_t i) {
    if (ix->type == TFL_TYPE_INT32) {
        int32_t v;
        memcpy(&v, ix->data + 4 * i, 4);
        return v;
    }
    int64_t v;
    memcpy(&v, ix->data + 8 * i, 8);
    return v;
}

int mica_prepare_gather_nd(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err,
                           size_t errlen) {
    const tfl_tensor_t *in = mica_op_tensor(m, op, 0), *ix = mica_op_tensor(m, op, 1),
                       *out = mica_op_output(m, op, 0);
    if (!mica_is_int8_q(in) || !mica_is_int8_q(out))
        REJECT("GATHER_ND: params and output must be int8 with one scale");
    if (!ix || !ix->data || (ix->type != TFL_TYPE_INT32 && ix->type != TFL_TYPE_INT64) ||
        ix->rank < 1)
        REJECT("GATHER_ND: indices must be a constant int32 or int64 tensor of rank >= 1 "
               "(run-time indices are not supported)");
    int k = ix->dims[ix->rank - 1];
    int64_t size = ix->type == TFL_TYPE_INT32 ? 4 : 8, n = mica_tensor_elements(ix);
    if (k < 1 || k > in->rank)
        REJECT("GATHER_ND: index depth %d is outside 1..%d (the params' rank)", k, in->rank);
    int64_t tuples = n / k;
    if (tuples < 1 || tuples > GATHER_ND_MAX_TUPLES || ix->data_size != (size_t)(n * size))
        REJECT("GATHER_ND: %lld index tuples; 1..%d supported", (long long)tuples,
               GATHER_ND_MAX_TUPLES);
    int64_t rows = 1, inner = 1;
    for (int d = 0; d < in->rank; d++)
        *(d < k ? &rows : &inner) *= in->dims[d];
    if (rows > INT32_MAX || inner > INT32_MAX || tuples * inner != mica_tensor_elements(out))
        REJECT("GATHER_ND: output size %lld differs from %lld tuples x %lld elements",
               (long long)mica_tensor_elements(out), (long long)tuples, (long long)inner);
    mica_take_params_t p = {1, (int32_t)rows, (int32_t)inner, (int32_t)tuples};
    if (mica_buf_append(params, &p, sizeof p))
        REJECT("out of memory");
    for (int64_t t = 0; t < tuples; t++) {
        int64_t row = 0;
        for (int j = 0; j < k; j++) {
            int64_t v = const_index(ix, t * k + j);
            if (v < 0 || v >= in->dims[j])
                REJECT("GATHER_ND: index %lld of tuple %lld is outside 0..%d", (long long)v,
                       (long long)t, in->dims[j] - 1);
            row = row * in->dims[j] + v;
        }
        int32_t r = (int32_t)row;
        if (mica_buf_append(params, &r, 4))
            REJECT("out of memory");
    }
    return 0;
}
