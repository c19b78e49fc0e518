/* RESHAPE (and the same byte copy for SQUEEZE/EXPAND_DIMS-like ops): sizes must match. */
#include <stdio.h>
#include "cpu_ops.h"

int mica_prepare_reshape(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err,
                         size_t errlen) {
    (void)params;
    const tfl_tensor_t *in = mica_op_tensor(m, op, 0), *out = mica_op_output(m, op, 0);
    if (!in || !out || mica_tensor_elements(in) != mica_tensor_elements(out)) {
        snprintf(err, errlen, "RESHAPE changes the element count");
        return -1;
    }
    return 0;
}
