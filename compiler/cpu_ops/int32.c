/* int32 tensors inside the graph: ADD, SUB, MUL, MAXIMUM, MINIMUM, the comparisons and
 * SELECT / SELECT_V2 on int32 take the int8 prepare functions (binary.c, logic.c: same shapes and
 * broadcasting, element width 4), RESHAPE / SQUEEZE / EXPAND_DIMS / CONCATENATION the byte-copy
 * kernels (4-byte elements), GATHER with run-time int32 indices and EMBEDDING_LOOKUP (int32
 * ids into a constant int8 table) their own block (mica_take_indexed_params_t). TFLite's int32 ADD / SUB / MUL clamp to the fused activation's
 * int32 range; MAXIMUM / MINIMUM and comparisons are plain. */
#include <stdio.h>
#include <string.h>
#include "cpu_util.h"
#include "int32.h"
#include "int16.h"

int mica_is_int32(const tfl_tensor_t *t) {
    return t && t->type == TFL_TYPE_INT32 && !t->is_sparse;
}

int mica_int32_range(int act, int32_t *lo, int32_t *hi, char *err, size_t errlen) {
    switch (act) {
    case 0: /* NONE */
        *lo = INT32_MIN, *hi = INT32_MAX;
        return 0;
    case 1: /* RELU */
        *lo = 0, *hi = INT32_MAX;
        return 0;
    case 2: /* RELU_N1_TO_1 */
        *lo = -1, *hi = 1;
        return 0;
    case 3: /* RELU6 */
        *lo = 0, *hi = 6;
        return 0;
    default:
        REJECT("fused activation %d on int32; NONE, RELU, RELU_N1_TO_1 or RELU6 expected", act);
    }
}

int mica_append_const_width(mica_buf_t *params, size_t block_start, const tfl_tensor_t *t,
                            int width, uint32_t *off, uint32_t *len) {
    int64_t n = mica_tensor_elements(t);
    if (!t->data || n < 1 || n > (1 << 26) || t->data_size < (size_t)n * (size_t)width)
        return -1;
    *off = (uint32_t)(params->len - block_start);
    *len = (uint32_t)(n * width);
    return mica_buf_append(params, t->data, (size_t)n * (size_t)width);
}

/* The run-time-index block (mica_k_take_indexed) for rows of table along axis picked by the
 * int32 operand ix: shared by GATHER and EMBEDDING_LOOKUP (what names the operator in errors). */
static int emit_take_indexed(const char *what, const tfl_tensor_t *table, const tfl_tensor_t *ix,
                             const tfl_tensor_t *out, int axis, int width, mica_buf_t *params,
                             char *err, size_t errlen) {
    int64_t count = mica_tensor_elements(ix);
    if (count < 1 || count > 65536)
        REJECT("%s: %lld indices; 1..65536 supported", what, (long long)count);
    mica_take_indexed_params_t p = {1, table->dims[axis], width, (int32_t)count, 0, 0};
    for (int d = 0; d < axis; d++)
        p.outer *= table->dims[d];
    for (int d = axis + 1; d < table->rank; d++)
        p.inner_bytes *= table->dims[d];
    if ((int64_t)p.outer * count * p.inner_bytes != mica_tensor_elements(out) * width)
        REJECT("%s: output '%.32s' size does not match the table and indices", what, out->name);
    size_t start = params->len;
    if (mica_buf_append(params, &p, sizeof p))
        REJECT("out of memory");
    if (table->data &&
        mica_append_const_width(params, start, table, width, &p.table_off, &p.table_len))
        REJECT("%s: constant table '%.32s' is empty or truncated", what, table->name);
    memcpy(params->data + start, &p, sizeof p); /* now with the table's place */
    return 0;
}

/* GATHER of int8 or int32 params with run-time int32 indices, batch_dims 0. */
static int prepare_gather_indexed(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params,
                                  char *err, size_t errlen) {
    const tfl_tensor_t *in = mica_op_tensor(m, op, 0), *ix = mica_op_tensor(m, op, 1),
                       *out = mica_op_output(m, op, 0);
    if (!in || !out || !ix || op->ninputs != 2)
        REJECT("GATHER: params and indices expected");
    int width = mica_is_int8_q(in) ? 1 : mica_is_int32(in) ? 4 : 0;
    if (!width || out->type != in->type)
        REJECT("GATHER: params '%.32s' is %s; int8 (one scale) or int32, the output alike, with "
               "run-time indices",
               in->name, tfl_type_name(in->type));
    if (tfl_opt_int(op, 1, 0) != 0) /* GatherOptions.batch_dims */
        REJECT("GATHER: batch_dims must be 0");
    int axis = (int)tfl_opt_int(op, 0, 0);
    axis = axis < 0 ? axis + in->rank : axis;
    if (axis < 0 || axis >= in->rank)
        REJECT("GATHER: axis %d is outside the params' rank %d", axis, in->rank);
    return emit_take_indexed("GATHER", in, ix, out, axis, width, params, err, errlen);
}

/* EMBEDDING_LOOKUP: rows of a constant int8 table (value, rank >= 2) picked by run-time int32
 * ids (lookup, rank 1), bytes copied as TFLite's EvalSimple (no requantization); an id outside
 * the table fails the step as TFLite fails the invoke. The table must be a constant because the
 * kernel's operands are the ids alone then (its run-time table comes before the indices). The
 * hybrid path (int8 table, float32 output scaled per row) is not Mica's: the output stays int8. */
static int prepare_embedding_lookup(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params,
                                    char *err, size_t errlen) {
    const tfl_tensor_t *ids = mica_op_tensor(m, op, 0), *value = mica_op_tensor(m, op, 1),
                       *out = mica_op_output(m, op, 0);
    if (!ids || !value || !out || op->ninputs != 2)
        REJECT("EMBEDDING_LOOKUP: ids and a value table expected");
    if (!mica_is_int32(ids) || ids->rank != 1 || ids->data)
        REJECT("EMBEDDING_LOOKUP: ids '%.32s' are %s of rank %d%s; run-time int32 ids of rank 1 "
               "expected",
               ids->name, tfl_type_name(ids->type), ids->rank, ids->data ? ", constant" : "");
    if (!mica_is_int8_q(value) || !value->data || value->rank < 2)
        REJECT("EMBEDDING_LOOKUP: value '%.32s' is %s of rank %d%s; a constant int8 table (one "
               "scale) of rank >= 2 expected",
               value->name, tfl_type_name(value->type), value->rank,
               value->data ? "" : ", not constant");
    if (out->type != TFL_TYPE_INT8)
        REJECT("EMBEDDING_LOOKUP: output '%.32s' is %s; int8 expected (the int8 -> float32 "
               "hybrid lookup is not supported)",
               out->name, tfl_type_name(out->type));
    return emit_take_indexed("EMBEDDING_LOOKUP", value, ids, out, 0, 1, params, err, errlen);
}

/* X(builtin, input whose type decides, kernel, prepare) */
#define MICA_CPU_INT32_LIST(X)                                                                     \
    X(TFL_OP_ADD, 0, ADD_I32, mica_prepare_add)                                                    \
    X(TFL_OP_SUB, 0, SUB_I32, mica_prepare_sub)                                                    \
    X(TFL_OP_MUL, 0, MUL_I32, mica_prepare_mul)                                                    \
    X(TFL_OP_MAXIMUM, 0, MAXIMUM_I32, mica_prepare_maximum)                                        \
    X(TFL_OP_MINIMUM, 0, MINIMUM_I32, mica_prepare_minimum)                                        \
    X(TFL_OP_EQUAL, 0, EQUAL_I32, mica_prepare_equal)                                              \
    X(TFL_OP_NOT_EQUAL, 0, NOT_EQUAL_I32, mica_prepare_not_equal)                                  \
    X(TFL_OP_LESS, 0, LESS_I32, mica_prepare_less)                                                 \
    X(TFL_OP_LESS_EQUAL, 0, LESS_EQUAL_I32, mica_prepare_less_equal)                               \
    X(TFL_OP_GREATER, 0, GREATER_I32, mica_prepare_greater)                                        \
    X(TFL_OP_GREATER_EQUAL, 0, GREATER_EQUAL_I32, mica_prepare_greater_equal)                      \
    X(TFL_OP_SELECT, 1, SELECT_I32, mica_prepare_select)                                           \
    X(TFL_OP_SELECT_V2, 1, SELECT_I32, mica_prepare_select_v2)

/* RESHAPE, SQUEEZE, EXPAND_DIMS and CONCATENATION of int32 tensors copy 4-byte elements on their
 * int8 kernels (byte copies); 0 when op is none of them. */
static int int32_copy_kernel(const tfl_model_t *m, const tfl_op_t *op,
                             mica_cpu_prepare_fn *prepare) {
    if (!mica_is_int32(mica_op_output(m, op, 0)))
        return 0;
    switch (op->builtin) {
    case TFL_OP_RESHAPE:
    case TFL_OP_SQUEEZE:
        *prepare = mica_prepare_reshape_typed;
        return MICA_CPU_RESHAPE;
    case TFL_OP_EXPAND_DIMS:
        *prepare = mica_prepare_expand_dims;
        return MICA_CPU_RESHAPE;
    case TFL_OP_CONCATENATION:
        *prepare = mica_prepare_concat;
        return MICA_CPU_CONCATENATION;
    default:
        return 0;
    }
}

int mica_cpu_int32_find(const tfl_model_t *m, const tfl_op_t *op, mica_cpu_prepare_fn *prepare) {
    int copy = int32_copy_kernel(m, op, prepare);
    if (copy)
        return copy;
    if (op->builtin == TFL_OP_EMBEDDING_LOOKUP) { /* its prepare names what it refuses */
        *prepare = prepare_embedding_lookup;
        return MICA_CPU_GATHER_INDEXED;
    }
    if (op->builtin == TFL_OP_GATHER) { /* constant indices: the int8 GATHER (take.c) */
        const tfl_tensor_t *ix = mica_op_tensor(m, op, 1);
        if (!ix || ix->data || ix->type != TFL_TYPE_INT32)
            return -1;
        *prepare = prepare_gather_indexed;
        return MICA_CPU_GATHER_INDEXED;
    }
#define MICA_CPU_INT32_CASE(b, k, name, fn)                                                        \
    if (op->builtin == (b) && mica_is_int32(mica_op_tensor(m, op, k))) {                           \
        *prepare = fn;                                                                             \
        return MICA_CPU_##name;                                                                    \
    }
    MICA_CPU_INT32_LIST(MICA_CPU_INT32_CASE)
#undef MICA_CPU_INT32_CASE
    return -1;
}

/* An int32 activation inside the graph (not a model input or output: those are CAST's). */
static int inner_int32(const tfl_model_t *m, int32_t t) {
    if (t < 0 || t >= m->ntensors || m->tensors[t].type != TFL_TYPE_INT32 || m->tensors[t].data)
        return 0;
    for (int k = 0; k < m->ninputs; k++)
        if (m->inputs[k] == t)
            return 0;
    for (int k = 0; k < m->noutputs; k++)
        if (m->outputs[k] == t)
            return 0;
    return 1;
}

int mica_cpu_int32_unsupported(const tfl_model_t *m, const tfl_op_t *op, int kernel) {
    int has = 0;
    for (int k = 0; k < op->ninputs; k++)
        has |= inner_int32(m, op->inputs[k]);
    for (int k = 0; k < op->noutputs; k++)
        has |= inner_int32(m, op->outputs[k]);
    mica_cpu_prepare_fn copy;
    if (!has || kernel == MICA_CPU_ARG_MAX || kernel == MICA_CPU_ARG_MIN ||
        kernel == MICA_CPU_CAST || kernel == MICA_CPU_CAST16 ||
        kernel == int32_copy_kernel(m, op, &copy))
        return 0;
#define MICA_INT32_KERNEL(id, name, fn)                                                            \
    if (kernel == (id))                                                                            \
        return 0;
    MICA_KERNEL_LIST_INT32(MICA_INT32_KERNEL)
#undef MICA_INT32_KERNEL
    return 1;
}

const char *mica_cpu_int32_names(void) {
    static char names[512];
    if (!names[0]) {
#define MICA_CPU_INT32_NAME(b, k, name, fn)                                                        \
    snprintf(names + strlen(names), sizeof names - strlen(names), "%s, ", tfl_builtin_name(b));
        MICA_CPU_INT32_LIST(MICA_CPU_INT32_NAME)
#undef MICA_CPU_INT32_NAME
        snprintf(names + strlen(names), sizeof names - strlen(names),
                 "%s, %s, RESHAPE, SQUEEZE, EXPAND_DIMS, CONCATENATION",
                 tfl_builtin_name(TFL_OP_GATHER), tfl_builtin_name(TFL_OP_EMBEDDING_LOOKUP));
    }
    return names;
}
