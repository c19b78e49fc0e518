/* Graph walk: checks each operator, plans the arena, lowers accelerator layers, records CPU
 * steps. Operators run in the model's order (TFLite stores them topologically sorted). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "compiler.h"
#include "lower_gemm.h"
#include "quant.h"

#define ERR(...) do { snprintf(b->err, sizeof b->err, __VA_ARGS__); return -1; } while (0)

void mica_compile_opts_default(mica_compile_opts_t *o) {
    mica_hw_config_t hw = {MICA_ROWS_DEFAULT, MICA_COLS_DEFAULT, MICA_ASPAD_DEPTH_DEFAULT,
                           MICA_WSPAD_DEPTH_DEFAULT, MICA_ACC_DEPTH_DEFAULT,
                           MICA_PARAM_SETS_DEFAULT, MICA_BUS_BYTES_DEFAULT};
    o->hw = hw;
}

static const tfl_tensor_t *tensor(const tfl_model_t *m, int32_t i) {
    return i >= 0 && i < m->ntensors ? &m->tensors[i] : NULL;
}

static int64_t elements(const tfl_tensor_t *t) {
    int64_t n = 1;
    for (int d = 0; d < t->rank; d++) n *= t->dims[d] > 0 ? t->dims[d] : 0;
    return n;
}

static int is_activation(const tfl_tensor_t *t) { return t && t->data == NULL; }

static int check_int8_activation(mica_builder_t *b, const tfl_tensor_t *t, const char *what, int op) {
    if (!t) ERR("op %d: missing %s tensor", op, what);
    if (t->type != TFL_TYPE_INT8) ERR("op %d: %s tensor '%s' is %s; Mica runs int8 models only", op, what, t->name, tfl_type_name(t->type));
    if (t->nquant != 1) ERR("op %d: %s tensor '%s' needs one scale and zero point (has %d)", op, what, t->name, t->nquant);
    if (!(t->scale[0] > 0) || t->zero_point[0] < -128 || t->zero_point[0] > 127) ERR("op %d: %s tensor '%s' has invalid quantization", op, what, t->name);
    if (t->rank < 1 || t->rank > MICA_MAX_RANK || elements(t) <= 0) ERR("op %d: %s tensor '%s' has an unsupported shape", op, what, t->name);
    return 0;
}

/* Arena: every activation tensor at its own 16-byte aligned address (no reuse yet). */
static int plan_arena(const tfl_model_t *m, mica_builder_t *b) {
    b->tensor_map = malloc(sizeof(int32_t) * (size_t)(m->ntensors ? m->ntensors : 1));
    if (!b->tensor_map) ERR("out of memory");
    uint64_t addr = 0;
    for (int i = 0; i < m->ntensors; i++) {
        const tfl_tensor_t *t = &m->tensors[i];
        b->tensor_map[i] = -1;
        if (!is_activation(t) || t->type != TFL_TYPE_INT8 || t->nquant != 1 || t->rank > MICA_MAX_RANK || elements(t) <= 0) continue;
        mica_prog_tensor_t pt;
        memset(&pt, 0, sizeof pt);
        snprintf(pt.name, sizeof pt.name, "%s", t->name);
        pt.dtype = MICA_DT_INT8;
        pt.rank = (uint32_t)t->rank;
        for (int d = 0; d < t->rank; d++) pt.dims[d] = t->dims[d];
        pt.scale = t->scale[0];
        pt.zero_point = (int32_t)t->zero_point[0];
        pt.addr = (uint32_t)addr;
        pt.bytes = (uint32_t)elements(t);
        addr = (addr + pt.bytes + 15) & ~15ull;
        if (addr > (1u << 29)) ERR("activations need more than 512 MiB");
        b->tensor_map[i] = (int32_t)(b->tensors.len / sizeof pt);
        if (mica_buf_append(&b->tensors, &pt, sizeof pt)) ERR("out of memory");
    }
    b->arena_size = (uint32_t)addr;
    b->image_addr = (uint32_t)((addr + 4095) & ~4095ull);
    return 0;
}

static int step_io(mica_builder_t *b, mica_prog_step_t *s, int32_t in, int32_t out) {
    if (b->tensor_map[in] < 0 || b->tensor_map[out] < 0) ERR("step %s: operand is not an int8 activation", s->name);
    s->ninputs = s->noutputs = 1;
    s->inputs[0] = b->tensor_map[in];
    s->outputs[0] = b->tensor_map[out];
    return 0;
}

static int lower_softmax(const tfl_model_t *m, const tfl_op_t *op, int idx, mica_builder_t *b) {
    const tfl_tensor_t *in = tensor(m, op->inputs[0]), *out = tensor(m, op->outputs[0]);
    if (check_int8_activation(b, in, "input", idx) || check_int8_activation(b, out, "output", idx)) return -1;
    if (out->zero_point[0] != -128 || fabsf(out->scale[0] - 1.0f / 256) > 0.001f / 256) ERR("op %d: SOFTMAX output must have scale 1/256 and zero point -128", idx);
    mica_softmax_params_t p;
    memset(&p, 0, sizeof p);
    mica_softmax_prepare((double)tfl_opt_float(op, TFL_SOFTMAX_BETA, 1.0f), (double)in->scale[0],
                         &p.input_multiplier, &p.input_left_shift, &p.diff_min);
    p.depth = in->dims[in->rank - 1];
    p.rows = (int32_t)(elements(in) / p.depth);
    mica_prog_step_t *s = mica_step_add(b);
    if (!s) ERR("out of memory");
    snprintf(s->name, sizeof s->name, "%d_softmax", idx);
    s->kind = MICA_STEP_CPU;
    s->op = MICA_CPU_SOFTMAX;
    s->params_offset = (uint32_t)b->params.len;
    s->params_size = sizeof p;
    if (mica_buf_append(&b->params, &p, sizeof p)) ERR("out of memory");
    return step_io(b, s, op->inputs[0], op->outputs[0]);
}

static int lower_reshape(const tfl_model_t *m, const tfl_op_t *op, int idx, mica_builder_t *b) {
    const tfl_tensor_t *in = tensor(m, op->inputs[0]), *out = tensor(m, op->outputs[0]);
    if (check_int8_activation(b, in, "input", idx) || check_int8_activation(b, out, "output", idx)) return -1;
    if (elements(in) != elements(out)) ERR("op %d: RESHAPE changes the element count", idx);
    mica_prog_step_t *s = mica_step_add(b);
    if (!s) ERR("out of memory");
    snprintf(s->name, sizeof s->name, "%d_reshape", idx);
    s->kind = MICA_STEP_CPU;
    s->op = MICA_CPU_RESHAPE;
    return step_io(b, s, op->inputs[0], op->outputs[0]);
}

int mica_lower_conv_fc(const tfl_model_t *m, const tfl_op_t *op, int idx, mica_builder_t *b);

static int lower_op(const tfl_model_t *m, const tfl_op_t *op, int idx, mica_builder_t *b) {
    if (op->ninputs < 1 || op->noutputs < 1 || !tensor(m, op->inputs[0]) || !tensor(m, op->outputs[0]))
        ERR("op %d (%s): missing operands", idx, tfl_builtin_name(op->builtin));
    switch (op->builtin) {
    case TFL_OP_CONV_2D:
    case TFL_OP_FULLY_CONNECTED: return mica_lower_conv_fc(m, op, idx, b);
    case TFL_OP_SOFTMAX: return lower_softmax(m, op, idx, b);
    case TFL_OP_RESHAPE: return lower_reshape(m, op, idx, b);
    default:
        ERR("op %d: %s is not supported yet (supported: CONV_2D, FULLY_CONNECTED, RESHAPE, SOFTMAX)",
            idx, op->custom_code ? op->custom_code : tfl_builtin_name(op->builtin));
    }
}

static int record_io(const tfl_model_t *m, mica_builder_t *b) {
    if (m->ninputs < 1 || m->noutputs < 1 || m->ninputs > 16 || m->noutputs > 16) ERR("model must have 1..16 inputs and outputs");
    for (int i = 0; i < m->ninputs; i++) {
        if (check_int8_activation(b, tensor(m, m->inputs[i]), "model input", -1)) return -1;
        b->inputs[b->ninputs++] = (uint32_t)b->tensor_map[m->inputs[i]];
    }
    for (int i = 0; i < m->noutputs; i++) {
        if (check_int8_activation(b, tensor(m, m->outputs[i]), "model output", -1)) return -1;
        b->outputs[b->noutputs++] = (uint32_t)b->tensor_map[m->outputs[i]];
    }
    return 0;
}

int mica_compile(const tfl_model_t *m, const mica_compile_opts_t *o, mica_builder_t *b) {
    b->hw = o->hw;
    if (m->nsubgraphs != 1) ERR("model has %d subgraphs; Mica compiles single-graph models only", m->nsubgraphs);
    if (m->nops == 0) ERR("model has no operators");
    if (plan_arena(m, b) || record_io(m, b)) return -1;
    for (int i = 0; i < m->nops; i++)
        if (lower_op(m, &m->ops[i], i, b)) return -1;
    return 0;
}

void mica_builder_free(mica_builder_t *b) {
    mica_buf_free(&b->consts); mica_buf_free(&b->code); mica_buf_free(&b->tensors);
    mica_buf_free(&b->steps); mica_buf_free(&b->params);
    free(b->tensor_map);
    b->tensor_map = NULL;
}
