/* The int16 paths of the operators that move elements without arithmetic (TFLite Micro runs them
 * on int16 by copying 2-byte elements: reshape_common.cc / squeeze.cc memcpy, expand_dims.cc,
 * concatenation.cc EvalUnquantized<int16_t>, split.cc / split_v.cc / unpack.cc SplitImpl<int16_t>,
 * strided_slice.cc, slice.cc, transpose.cc, broadcast_to.cc (raw bytes), pad.cc,
 * resize_nearest_neighbor.cc). Their int8 prepare functions take the element width from the
 * tensors (mica_elem_width): the byte-copy kernels (RESHAPE, CONCATENATION, SPLIT,
 * RESIZE_NEAREST_NEIGHBOR) get chunks in bytes, the strided gather gets one more
 * dimension walking an element's 2 bytes (mica_gather_widen), PAD its own width (PAD16). */
#include <string.h>
#include "cpu_util.h"
#include "int16.h"
#include "int32.h"

int mica_elem_width(const tfl_tensor_t *t) {
    return mica_is_int8_q(t) ? 1 : mica_is_int16_q(t) ? 2 : 0;
}

int mica_copy_width(const tfl_tensor_t *t) {
    return mica_is_int32(t) ? 4 : mica_elem_width(t);
}

int mica_gather_widen(mica_gather_params_t *p, int width, const char *name, char *err,
                      size_t errlen) {
    if (width == 1)
        return 0;
    if (p->rank >= MICA_MAX_RANK)
        REJECT("%s: int16 tensors of rank %d; the int16 path takes rank up to %d", name, p->rank,
               MICA_MAX_RANK - 1);
    int64_t offset = (int64_t)p->offset * width;
    for (int d = 0; d < p->rank; d++) {
        int64_t s = (int64_t)p->strides[d] * width;
        if (s > INT32_MAX || s < INT32_MIN)
            REJECT("%s: an int16 stride of %lld bytes passes int32", name, (long long)s);
        p->strides[d] = (int32_t)s;
    }
    if (offset > INT32_MAX)
        REJECT("%s: an int16 offset of %lld bytes passes int32", name, (long long)offset);
    p->offset = (int32_t)offset;
    p->dims[p->rank] = width; /* an element's bytes, innermost */
    p->strides[p->rank++] = 1;
    return 0;
}

/* RESHAPE's int16 and int32 paths also check the types: its prepare compares element counts. */
int mica_prepare_reshape_typed(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params,
                               char *err, size_t errlen) {
    const tfl_tensor_t *in = mica_op_tensor(m, op, 0), *out = mica_op_output(m, op, 0);
    if (!in || !out || in->type != out->type)
        REJECT("%s: input and output types differ", tfl_builtin_name(op->builtin));
    return mica_prepare_reshape(m, op, params, err, errlen);
}

/* X(builtin, kernel, prepare): the int8 prepare function handles both widths. */
#define MICA_INT16_MOVE_LIST(X)                                                                    \
    X(TFL_OP_RESHAPE, RESHAPE, mica_prepare_reshape_typed)                                         \
    X(TFL_OP_SQUEEZE, RESHAPE, mica_prepare_reshape_typed)                                         \
    X(TFL_OP_EXPAND_DIMS, RESHAPE, mica_prepare_expand_dims)                                       \
    X(TFL_OP_CONCATENATION, CONCATENATION, mica_prepare_concat)                                    \
    X(TFL_OP_SPLIT, SPLIT, mica_prepare_split)                                                     \
    X(TFL_OP_SPLIT_V, SPLIT, mica_prepare_split)                                                   \
    X(TFL_OP_UNPACK, SPLIT, mica_prepare_split)                                                    \
    X(TFL_OP_STRIDED_SLICE, STRIDED_SLICE, mica_prepare_strided_slice)                             \
    X(TFL_OP_SLICE, SLICE, mica_prepare_slice)                                                     \
    X(TFL_OP_TRANSPOSE, TRANSPOSE, mica_prepare_transpose)                                         \
    X(TFL_OP_BROADCAST_TO, BROADCAST_TO, mica_prepare_broadcast_to)                                \
    X(TFL_OP_RESIZE_NEAREST_NEIGHBOR, RESIZE_NEAREST_NEIGHBOR, mica_prepare_resize_nearest)        \
    X(TFL_OP_PAD, PAD16, mica_prepare_pad)                                                         \
    X(TFL_OP_PADV2, PAD16, mica_prepare_pad)

int mica_cpu_int16_move_find(const tfl_model_t *m, const tfl_op_t *op,
                             mica_cpu_prepare_fn *prepare) {
    const tfl_tensor_t *out = mica_op_output(m, op, 0);
    if (!out || out->type != TFL_TYPE_INT16)
        return -1;
#define MICA_INT16_MOVE_CASE(b, name, fn)                                                          \
    if (op->builtin == (b)) {                                                                      \
        *prepare = (fn);                                                                           \
        return MICA_CPU_##name;                                                                    \
    }
    MICA_INT16_MOVE_LIST(MICA_INT16_MOVE_CASE)
#undef MICA_INT16_MOVE_CASE
    return -1;
}

int mica_cpu_int16_move_kernel(int builtin) {
#define MICA_INT16_MOVE_KERNEL(b, name, fn)                                                        \
    if (builtin == (b))                                                                            \
        return MICA_CPU_##name;
    MICA_INT16_MOVE_LIST(MICA_INT16_MOVE_KERNEL)
#undef MICA_INT16_MOVE_KERNEL
    return -1;
}

void mica_cpu_int16_move_names(char *names, size_t size) {
#define MICA_INT16_MOVE_NAME(b, name, fn)                                                          \
    snprintf(names + strlen(names), size - strlen(names), ", %s", tfl_builtin_name(b));
    MICA_INT16_MOVE_LIST(MICA_INT16_MOVE_NAME)
#undef MICA_INT16_MOVE_NAME
}
