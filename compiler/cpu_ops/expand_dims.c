/* EXPAND_DIMS on the RESHAPE kernel (a byte copy): the output is the input with a dimension of 1
 * inserted at the constant axis (negative: counted from the end of the output's rank). */
#include <string.h>
#include "cpu_util.h"
#include "int16.h"

int mica_prepare_expand_dims(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params,
                             char *err, size_t errlen) {
    (void)params;
    const tfl_tensor_t *in = mica_op_tensor(m, op, 0), *out = mica_op_output(m, op, 0);
    int32_t axis;
    if (!mica_copy_width(in) || in->type != out->type || !mica_copy_width(out))
        REJECT("EXPAND_DIMS: input and output must be int8 (or int16, int32) with one scale");
    if (mica_const_ints(mica_op_tensor(m, op, 1), &axis, 1) != 1)
        REJECT("EXPAND_DIMS: axis must be one constant int32 or int64 value");
    int a = axis < 0 ? axis + in->rank + 1 : axis;
    if (a < 0 || a > in->rank || out->rank != in->rank + 1)
        REJECT("EXPAND_DIMS: axis %d is outside -%d..%d (input rank %d, output rank %d)", axis,
               in->rank + 1, in->rank, in->rank, out->rank);
    for (int d = 0, s = 0; d < out->rank; d++)
        if (out->dims[d] != (d == a ? 1 : in->dims[s++]))
            REJECT("EXPAND_DIMS: output dimension %d is %d; the input with a 1 at axis %d gives "
                   "%d",
                   d, out->dims[d], a, d == a ? 1 : in->dims[s - 1]);
    return 0;
}
