/* Resource variables (VAR_HANDLE, READ_VARIABLE, ASSIGN_VARIABLE): what TensorFlow's converter
 * emits for a tf.Variable in a stateful model. Each variable (container + shared_name, as TFLite
 * keys them) becomes one MICA_DT_STATE tensor that keeps its value between invokes and is zeroed
 * by mica_reset_state; READ_VARIABLE and ASSIGN_VARIABLE become byte copies (TFLite copies the
 * bytes too), ASSIGN_VARIABLE of a constant a CONSTANT step. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lower_ctrl.h"
#include "mica_escape.h"
#include "cpu_ops/cpu_ops.h"

static const char *str(const char *s) {
    return s ? s : "";
}

static int var_find(mica_vars_t *v, const tfl_op_t *op) {
    for (int i = 0; i < v->n; i++)
        if (!strcmp(v->container[i], str(op->var_container)) &&
            !strcmp(v->shared_name[i], str(op->var_shared_name)))
            return i;
    if (v->n == MICA_MAX_VARIABLES)
        return -1;
    v->container[v->n] = str(op->var_container);
    v->shared_name[v->n] = str(op->var_shared_name);
    v->tensor[v->n] = -1;
    return v->n++;
}

/* The variable a READ_VARIABLE / ASSIGN_VARIABLE of graph k names: its resource input must come
 * from a VAR_HANDLE of the same graph. */
static int var_of(const mica_vars_t *v, int k, const tfl_model_t *m, const tfl_op_t *op) {
    int32_t r = op->ninputs > 0 ? op->inputs[0] : -1;
    return r >= 0 && r < m->ntensors ? v->resource[k][r] : -1;
}

static int64_t tensor_bytes(const tfl_tensor_t *t) {
    int size = t->type == TFL_TYPE_BOOL ? 1 : tfl_type_size(t->type);
    return mica_tensor_elements(t) * (size > 0 ? size : 0);
}

/* Every read and assignment of a variable must agree on its type and size. */
static int var_use(mica_vars_t *v, int k, const tfl_model_t *m, const tfl_op_t *op, int idx,
                   mica_builder_t *b) {
    const char *what = tfl_builtin_name(op->builtin);
    int var = var_of(v, k, m, op);
    const tfl_tensor_t *t =
        op->builtin == TFL_OP_READ_VARIABLE ? mica_op_output(m, op, 0) : mica_op_tensor(m, op, 1);
    char name[96];
    if (var < 0)
        MICA_ERR("op %d (%s) in subgraph %d: its resource input is not made by a VAR_HANDLE of the "
                 "same subgraph (Mica resolves variables at compile time)",
                 idx, what, k);
    int read = op->builtin == TFL_OP_READ_VARIABLE;
    if (!t || op->ninputs != (read ? 1 : 2) || op->noutputs != (read ? 1 : 0))
        MICA_ERR("op %d (%s) in subgraph %d: wrong operand count", idx, what, k);
    mica_escape_name(v->shared_name[var], name, sizeof name);
    if (!v->shape[var]) {
        v->shape[var] = t;
        return 0;
    }
    const tfl_tensor_t *s = v->shape[var];
    if (s->type != t->type || tensor_bytes(s) != tensor_bytes(t) || tensor_bytes(t) <= 0)
        MICA_ERR("op %d (%s) in subgraph %d: variable '%s' is %s of %lld bytes here but %s of %lld "
                 "bytes elsewhere (Mica keeps one type and size per variable)",
                 idx, what, k, name, tfl_type_name(t->type), (long long)tensor_bytes(t),
                 tfl_type_name(s->type), (long long)tensor_bytes(s));
    return 0;
}

static int scan_graph(mica_vars_t *v, int k, const tfl_model_t *m, mica_builder_t *b) {
    v->resource[k] = malloc((size_t)(m->ntensors ? m->ntensors : 1) * sizeof(int32_t));
    if (!v->resource[k])
        MICA_ERR("out of memory");
    for (int i = 0; i < m->ntensors; i++)
        v->resource[k][i] = -1;
    for (int o = 0; o < m->nops; o++) {
        const tfl_op_t *op = &m->ops[o];
        if (op->builtin != TFL_OP_VAR_HANDLE)
            continue;
        int var = var_find(v, op);
        if (var < 0)
            MICA_ERR("subgraph %d: more than %d resource variables", k, MICA_MAX_VARIABLES);
        if (op->noutputs != 1 || !mica_op_output(m, op, 0))
            MICA_ERR("op %d (VAR_HANDLE) in subgraph %d: needs one output", o, k);
        v->resource[k][op->outputs[0]] = var;
    }
    for (int o = 0; o < m->nops; o++) {
        const tfl_op_t *op = &m->ops[o];
        if ((op->builtin == TFL_OP_READ_VARIABLE || op->builtin == TFL_OP_ASSIGN_VARIABLE) &&
            var_use(v, k, m, op, o, b))
            return -1;
    }
    return 0;
}

int mica_vars_scan(mica_vars_t *v, const tfl_model_t *const *g, const int *used, int n,
                   mica_builder_t *b) {
    for (int k = 0; k < n; k++)
        if (used[k] && scan_graph(v, k, g[k], b))
            return -1;
    return 0;
}

static int32_t state_tensor(mica_builder_t *b, const char *name, const tfl_tensor_t *like) {
    mica_prog_tensor_t pt;
    memset(&pt, 0, sizeof pt);
    snprintf(pt.name, sizeof pt.name, "%s", name);
    pt.dtype = MICA_DT_INT8 | MICA_DT_STATE;
    pt.rank = 1;
    pt.dims[0] = 1;
    pt.bytes = 1;
    if (like) {
        pt.dtype = (like->type == TFL_TYPE_FLOAT32 ? MICA_DT_FLOAT32
                    : like->type == TFL_TYPE_INT16 ? MICA_DT_INT16
                    : like->type == TFL_TYPE_INT32 ? MICA_DT_INT32
                    : like->type == TFL_TYPE_INT64 ? MICA_DT_INT64
                                                   : MICA_DT_INT8) |
                   MICA_DT_STATE;
        pt.rank = (uint32_t)(like->rank > 0 ? like->rank : 1);
        for (int d = 0; d < like->rank && d < MICA_MAX_RANK; d++)
            pt.dims[d] = like->dims[d];
        pt.scale = like->nquant ? like->scale[0] : 0.0f;
        pt.zero_point = like->nquant ? (int32_t)like->zero_point[0] : 0;
        pt.bytes = (uint32_t)tensor_bytes(like);
    }
    pt.addr = b->arena_base;
    b->arena_base += (pt.bytes + 15u) & ~15u;
    int32_t index = (int32_t)(b->tensors.len / sizeof pt);
    return mica_buf_append(&b->tensors, &pt, sizeof pt) ? -1 : index;
}

int mica_vars_place(mica_vars_t *v, mica_builder_t *b) {
    for (int i = 0; i < v->n; i++) {
        const tfl_tensor_t *t = v->shape[i];
        char name[96];
        if (!t)
            continue;
        if (t->rank > MICA_MAX_RANK || tensor_bytes(t) <= 0 || tensor_bytes(t) > (1 << 28))
            MICA_ERR("variable '%s': %s of rank %d and %lld bytes; Mica keeps variables of rank "
                     "0..%d and a known size",
                     mica_escape_name(v->shared_name[i], name, sizeof name), tfl_type_name(t->type),
                     t->rank, (long long)tensor_bytes(t), MICA_MAX_RANK);
        if ((v->tensor[i] =
                 state_tensor(b, v->shared_name[i][0] ? v->shared_name[i] : "variable", t)) < 0)
            MICA_ERR("out of memory");
    }
    return 0;
}

int32_t mica_state_flag_add(mica_builder_t *b, const char *name) {
    return state_tensor(b, name, NULL);
}

/* One copy step: READ_VARIABLE (variable -> output), ASSIGN_VARIABLE (value -> variable, or the
 * constant's bytes -> variable). */
int mica_lower_var_op(const mica_vars_t *v, int k, const tfl_model_t *m, const tfl_op_t *op,
                      int idx, mica_builder_t *b) {
    int var = var_of(v, k, m, op), read = op->builtin == TFL_OP_READ_VARIABLE;
    int32_t other = read ? op->outputs[0] : op->inputs[1], state = v->tensor[var];
    const tfl_tensor_t *t = &m->tensors[other];
    mica_prog_step_t s;
    memset(&s, 0, sizeof s);
    snprintf(s.name, sizeof s.name, "%d_%s", idx, read ? "READ_VARIABLE" : "ASSIGN_VARIABLE");
    s.kind = MICA_STEP_CPU;
    s.op = t->data ? MICA_CPU_CONSTANT : MICA_CPU_RESHAPE;
    s.params_offset = (uint32_t)b->params.len;
    if (t->data) {
        if ((int64_t)t->data_size != tensor_bytes(t) ||
            mica_buf_append(&b->params, t->data, t->data_size) || mica_buf_align(&b->params, 8))
            MICA_ERR("op %d (ASSIGN_VARIABLE) in subgraph %d: constant value of %zu bytes for a "
                     "tensor of %lld",
                     idx, k, t->data_size, (long long)tensor_bytes(t));
        s.params_size = (uint32_t)t->data_size;
    } else {
        if (b->tensor_map[other] < 0)
            MICA_ERR("op %d (%s) in subgraph %d: tensor %d is %s, not one Mica places", idx,
                     tfl_builtin_name(op->builtin), k, other, tfl_type_name(t->type));
        s.ninputs = 1;
        s.inputs[0] = read ? state : b->tensor_map[other];
    }
    s.noutputs = 1;
    s.outputs[0] = read ? b->tensor_map[other] : state;
    mica_prog_step_t *dst = mica_step_add(b);
    if (!dst)
        MICA_ERR("out of memory");
    *dst = s;
    return mica_note_reason(b, "resource variable: a copy on the CPU", "");
}

void mica_vars_free(mica_vars_t *v) {
    for (int k = 0; k < MICA_MAX_SUBGRAPHS; k++) {
        free(v->resource[k]);
        v->resource[k] = NULL;
    }
}
