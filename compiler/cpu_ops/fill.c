/* FILL int8 on the CPU: constant dims, a run-time int8 scalar value, copied raw into every output
 * element (TFLite's fill.cc) by the gather kernel with all strides 0. A constant value makes the
 * output static: the converter folds such a FILL away, so it is refused here. */
#include <string.h>
#include "cpu_util.h"

int mica_prepare_fill(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err,
                      size_t errlen) {
    const tfl_tensor_t *value = mica_op_tensor(m, op, 1), *out = mica_op_output(m, op, 0);
    int32_t dims[MICA_MAX_RANK];
    if (!value || value->type != TFL_TYPE_INT8 || mica_tensor_elements(value) != 1 ||
        !mica_is_int8_q(out))
        REJECT("FILL: the value must be an int8 scalar and the output int8 with one scale");
    if (value->data)
        REJECT("FILL: a constant value (a static output) is not supported; convert with "
               "constant folding");
    int rank = mica_const_ints(mica_op_tensor(m, op, 0), dims, MICA_MAX_RANK);
    if (rank < 0 || rank != out->rank)
        REJECT("FILL: dims must be a constant int32/int64 vector of the output's rank (1..%d)",
               MICA_MAX_RANK);
    mica_gather_params_t p;
    memset(&p, 0, sizeof p);
    p.rank = rank ? rank : 1;
    p.dims[0] = 1;
    int64_t n = 1;
    for (int d = 0; d < rank; d++) {
        if (dims[d] != out->dims[d])
            REJECT("FILL: dims[%d] is %d but the output has %d", d, dims[d], out->dims[d]);
        p.dims[d] = dims[d];
        n *= dims[d];
    }
    if (n < 1 || n != mica_tensor_elements(out))
        REJECT("FILL: empty outputs are not supported");
    if (mica_buf_append(params, &p, sizeof p))
        REJECT("out of memory");
    return 0;
}
