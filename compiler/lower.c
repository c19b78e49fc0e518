/* Graph walk: checks each operator, plans the arena, lowers accelerator layers, records CPU
 * steps. Operators run in the model's order (TFLite stores them topologically sorted). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "compiler.h"
#include "mica_escape.h"
#include "lower_gemm.h"
#include "fold.h"
#include "quant.h"
#include "partition.h"
#include "arena.h"
#include "mica_cost.h"
#include "cpu_ops/cpu_ops.h"
#include "cpu_ops/int16.h"
#include "cpu_ops/int32.h"
#include "validate.h"
#include "lower_ctrl.h"
#include "chain.h"

void mica_compile_opts_default(mica_compile_opts_t *o) {
    mica_hw_config_t hw = {MICA_ROWS_DEFAULT,        MICA_COLS_DEFAULT,
                           MICA_ASPAD_DEPTH_DEFAULT, MICA_WSPAD_DEPTH_DEFAULT,
                           MICA_ACC_DEPTH_DEFAULT,   MICA_PARAM_SETS_DEFAULT,
                           MICA_BUS_BYTES_DEFAULT,   MICA_REQ_LANES_DEFAULT,
                           MICA_ABSENT_DEFAULT,      MICA_REQ_MUL_CYCLES_DEFAULT};
    o->hw = hw;
    o->partition.cpu_ops = NULL;
    o->mem_latency = MICA_MEM_LATENCY_DEFAULT;
}

static const tfl_tensor_t *tensor(const tfl_model_t *m, int32_t i) {
    return i >= 0 && i < m->ntensors ? &m->tensors[i] : NULL;
}

static int is_activation(const tfl_tensor_t *t) {
    return t && t->data == NULL;
}

/* The operand of op that holds run-time int32 indices (GATHER's indices, EMBEDDING_LOOKUP's ids),
 * or -1. */
static int index_operand(const tfl_op_t *op) {
    return op->builtin == TFL_OP_GATHER ? 1 : op->builtin == TFL_OP_EMBEDDING_LOOKUP ? 0 : -1;
}

/* A model input or output of another type than int8 at an edge op: float32 read only by a
 * QUANTIZE (as its input) or written by a DEQUANTIZE, int32/int64 written by ARG_MAX/ARG_MIN;
 * float32/int32 (or raw int8/int16) read or written by a CAST; int32 indices read by GATHER /
 * EMBEDDING_LOOKUP. */
static int edge_op(const tfl_tensor_t *t, const tfl_op_t *op, int as_input, int k) {
    if (op->builtin == TFL_OP_CAST && t->type != TFL_TYPE_INT64)
        return !as_input || k == 0;
    if (t->type == TFL_TYPE_INT32 && as_input)
        return k == index_operand(op);
    if (t->type == TFL_TYPE_FLOAT32)
        return as_input ? op->builtin == TFL_OP_QUANTIZE && k == 0
                        : op->builtin == TFL_OP_DEQUANTIZE;
    return !as_input && (op->builtin == TFL_OP_ARG_MAX || op->builtin == TFL_OP_ARG_MIN);
}

static int edge_tensor(const tfl_model_t *m, int32_t t) {
    int ok = 0;
    const tfl_tensor_t *tt = &m->tensors[t];
    for (int o = 0; o < m->nops; o++) {
        const tfl_op_t *op = &m->ops[o];
        for (int k = 0; k < op->ninputs; k++)
            if (op->inputs[k] == t && !(ok = edge_op(tt, op, 1, k)))
                return 0;
        for (int k = 0; k < op->noutputs; k++)
            if (op->outputs[k] == t && !(ok = edge_op(tt, op, 0, k)))
                return 0;
    }
    return ok;
}

/* A type only a model's edges carry; also an int8 / int16 tensor without quantization (the raw
 * integers a converted CAST reads or writes). */
static int edge_type(const tfl_tensor_t *t) {
    int raw = (t->type == TFL_TYPE_INT8 || t->type == TFL_TYPE_INT16) && t->nquant == 0;
    return raw || t->type == TFL_TYPE_FLOAT32 || t->type == TFL_TYPE_INT32 ||
           t->type == TFL_TYPE_INT64;
}

/* A model input or output must be an int8 activation, or an edge tensor (edge_tensor); the
 * message says what to do instead. */
static int check_io_tensor(mica_builder_t *b, const tfl_model_t *m, int32_t index, const char *what,
                           int i) {
    const tfl_tensor_t *t = tensor(m, index);
    char name[96];
    if (!t)
        MICA_ERR("model %s %d is not a tensor", what, i);
    mica_escape_name(t->name, name, sizeof name);
    if (edge_type(t) && edge_tensor(m, index)) {
        if (t->rank < 1 || t->rank > MICA_MAX_RANK || mica_tensor_elements(t) <= 0)
            MICA_ERR("model %s %d '%s' has rank %d; Mica takes ranks 1..%d with no empty dimension",
                     what, i, name, t->rank, MICA_MAX_RANK);
        return 0;
    }
    if (t->type == TFL_TYPE_FLOAT32)
        MICA_ERR(
            "model %s %d '%s' is FLOAT32 but not only %s: Mica takes float32 only at a model's "
            "edges (QUANTIZE in, DEQUANTIZE out)",
            what, i, name, *what == 'i' ? "read by QUANTIZE" : "written by DEQUANTIZE");
    if (t->type != TFL_TYPE_INT8 && t->type != TFL_TYPE_INT16)
        MICA_ERR("model %s %d '%s' is %s: Mica runs int8 and int16 activations only; convert with "
                 "full-integer quantization "
                 "and int8, int16 or float32 inputs/outputs (float32 at QUANTIZE/DEQUANTIZE edges)",
                 what, i, name, tfl_type_name(t->type));
    if (t->nquant != 1)
        MICA_ERR("model %s %d '%s' needs one scale and zero point (has %d)", what, i, name,
                 t->nquant);
    int32_t zp_lim = t->type == TFL_TYPE_INT8 ? 128 : 32768;
    if (!mica_scale_ok(t->scale[0]) || t->zero_point[0] < -zp_lim || t->zero_point[0] >= zp_lim)
        MICA_ERR(
            "model %s %d '%s' has invalid quantization (scale %g, zero point %lld; want a finite "
            "scale > 0, zero point %d..%d)",
            what, i, name, (double)t->scale[0], (long long)t->zero_point[0], -zp_lim, zp_lim - 1);
    if (t->rank < 1 || t->rank > MICA_MAX_RANK || mica_tensor_elements(t) <= 0)
        MICA_ERR("model %s %d '%s' has rank %d; Mica takes ranks 1..%d with no empty dimension",
                 what, i, name, t->rank, MICA_MAX_RANK);
    return 0;
}

/* An int32 tensor an operator produces or reads (a loop counter, an index): passed in the graph. */
static int int32_in_graph(const tfl_model_t *m, int i) {
    if (m->tensors[i].type != TFL_TYPE_INT32)
        return 0;
    for (int o = 0; o < m->nops; o++) {
        for (int k = 0; k < m->ops[o].ninputs; k++)
            if (m->ops[o].inputs[k] == i)
                return 1;
        for (int k = 0; k < m->ops[o].noutputs; k++)
            if (m->ops[o].outputs[k] == i)
                return 1;
    }
    return 0;
}

/* An int8 activation, a bool activation between operators (comparisons, logical ops, SELECT's
 * condition: one byte each, 0 or 1, never a model input or output), or a float32 model input or
 * output (its edge is checked by record_io). */
static int arena_candidate(const tfl_model_t *m, int i, const mica_builder_t *b) {
    const tfl_tensor_t *t = &m->tensors[i];
    if (b->graph_role != MICA_GRAPH_SINGLE && is_activation(t) && mica_ctrl_tensor_ok(m, i))
        return 1;
    int io = 0;
    for (int k = 0; k < m->ninputs; k++)
        io |= m->inputs[k] == i;
    for (int k = 0; k < m->noutputs; k++)
        io |= m->outputs[k] == i;
    int type_ok = ((t->type == TFL_TYPE_INT8 || t->type == TFL_TYPE_INT16) && t->nquant == 1) ||
                  (edge_type(t) && io) || (t->type == TFL_TYPE_BOOL && !io) || int32_in_graph(m, i);
    return is_activation(t) && type_ok && t->rank <= MICA_MAX_RANK && mica_tensor_elements(t) > 0;
}

static int element_bytes(const tfl_tensor_t *t) {
    return t->type == TFL_TYPE_INT8 || t->type == TFL_TYPE_BOOL ? 1
           : t->type == TFL_TYPE_INT16                          ? 2
           : t->type == TFL_TYPE_INT64                          ? 8
                                                                : 4;
}

/* Lifetime of every tensor in op indices: [producer, last reader]. */
static void lifetimes(const tfl_model_t *m, int64_t *first, int64_t *last) {
    for (int i = 0; i < m->ntensors; i++) {
        first[i] = m->nops;
        last[i] = -1;
    }
    for (int i = 0; i < m->ninputs; i++)
        if (m->inputs[i] >= 0 && m->inputs[i] < m->ntensors)
            first[m->inputs[i]] = -1;
    for (int o = 0; o < m->nops; o++) {
        const tfl_op_t *op = &m->ops[o];
        for (int k = 0; k < op->ninputs; k++)
            if (op->inputs[k] >= 0 && op->inputs[k] < m->ntensors && last[op->inputs[k]] < o)
                last[op->inputs[k]] = o;
        for (int k = 0; k < op->noutputs; k++)
            if (op->outputs[k] >= 0 && op->outputs[k] < m->ntensors && first[op->outputs[k]] > o)
                first[op->outputs[k]] = o;
    }
    for (int i = 0; i < m->noutputs; i++)
        if (m->outputs[i] >= 0 && m->outputs[i] < m->ntensors)
            last[m->outputs[i]] = m->nops;
    for (int i = 0; i < m->ntensors; i++) {
        if (m->tensors[i].is_variable) { /* lives across invokes: shares memory with nothing */
            first[i] = -1;
            last[i] = m->nops;
        }
        if (last[i] < first[i])
            last[i] = first[i];
    }
}

static void describe(const tfl_tensor_t *t, mica_prog_tensor_t *pt) {
    memset(pt, 0, sizeof *pt);
    snprintf(pt->name, sizeof pt->name, "%s", t->name);
    pt->dtype = t->type == TFL_TYPE_FLOAT32 ? MICA_DT_FLOAT32
                : t->type == TFL_TYPE_INT32 ? MICA_DT_INT32
                : t->type == TFL_TYPE_INT64 ? MICA_DT_INT64
                : t->type == TFL_TYPE_INT16 ? MICA_DT_INT16
                                            : MICA_DT_INT8;
    if (t->is_variable)
        pt->dtype |= MICA_DT_STATE; /* zeroed at load, kept between invokes */
    pt->rank = (uint32_t)t->rank;
    for (int d = 0; d < t->rank; d++)
        pt->dims[d] = t->dims[d];
    pt->scale = t->nquant ? t->scale[0] : 0.0f; /* float32: the int8 side's, set by record_io */
    pt->zero_point = t->nquant ? (int32_t)t->zero_point[0] : 0;
    pt->bytes = (uint32_t)mica_tensor_elements(t) * (uint32_t)element_bytes(t);
}

/* An int32 model input that only indexes (edge_op): the number of valid index values, the smallest
 * indexed dimension over its readers (GATHER: params along its axis; EMBEDDING_LOOKUP: the
 * table's rows), so tools that make inputs stay inside (TFLite fails the invoke outside); else 0. */
static int32_t index_bound(const tfl_model_t *m, int32_t t) {
    int32_t bound = 0;
    int io = 0;
    for (int k = 0; k < m->ninputs; k++)
        io |= m->inputs[k] == t;
    if (!io || m->tensors[t].type != TFL_TYPE_INT32)
        return 0;
    for (int o = 0; o < m->nops; o++) {
        const tfl_op_t *op = &m->ops[o];
        int k = index_operand(op);
        if (k < 0 || k >= op->ninputs || op->inputs[k] != t)
            continue;
        const tfl_tensor_t *table = tensor(m, op->inputs[1 - k]);
        if (!table)
            return 0;
        int axis = op->builtin == TFL_OP_GATHER ? (int)tfl_opt_int(op, 0, 0) : 0;
        axis = axis < 0 ? axis + table->rank : axis;
        if (axis < 0 || axis >= table->rank)
            return 0; /* the operator's prepare names it */
        if (!bound || table->dims[axis] < bound)
            bound = table->dims[axis];
    }
    return bound;
}

/* Arena: activation tensors share memory by lifetime (arena.c). */
int mica_plan_graph_arena(const tfl_model_t *m, mica_builder_t *b) {
    size_t n = (size_t)(m->ntensors ? m->ntensors : 1);
    int64_t *first = malloc(n * sizeof *first), *last = malloc(n * sizeof *last);
    mica_arena_item_t *items = calloc(n, sizeof *items);
    uint64_t *offsets = malloc(n * sizeof *offsets);
    int *index = malloc(n * sizeof *index), count = 0, rc = -1;
    b->tensor_map = malloc(n * sizeof(int32_t));
    if (!first || !last || !items || !offsets || !index || !b->tensor_map) {
        snprintf(b->err, sizeof b->err, "out of memory");
        goto done;
    }
    lifetimes(m, first, last);
    for (int i = 0; i < m->ntensors; i++) {
        b->tensor_map[i] = -1;
        if (!arena_candidate(m, i, b))
            continue;
        items[count] = (mica_arena_item_t){first[i], last[i],
                                           (uint64_t)mica_tensor_elements(&m->tensors[i]) *
                                               (uint64_t)element_bytes(&m->tensors[i])};
        index[count++] = i;
    }
    uint64_t size = mica_plan_arena(items, count, offsets);
    if (size > (1u << 29)) {
        snprintf(b->err, sizeof b->err, "activations need more than 512 MiB");
        goto done;
    }
    int32_t first_index = (int32_t)(b->tensors.len / sizeof(mica_prog_tensor_t));
    for (int k = 0; k < count; k++) {
        mica_prog_tensor_t pt;
        describe(&m->tensors[index[k]], &pt);
        int32_t bound = index_bound(m, index[k]);
        if (bound > 0) { /* for an index, zero_point holds the count of valid values */
            pt.dtype |= MICA_DT_INDEX;
            pt.zero_point = bound;
        }
        pt.addr = b->arena_base + (uint32_t)offsets[k];
        b->tensor_map[index[k]] = first_index + k;
        if (mica_buf_append(&b->tensors, &pt, sizeof pt)) {
            snprintf(b->err, sizeof b->err, "out of memory");
            goto done;
        }
    }
    b->arena_size = b->arena_base + (uint32_t)size;
    b->image_addr = (uint32_t)(((uint64_t)b->arena_size + 4095) & ~4095ull);
    rc = 0;
done:
    free(first);
    free(last);
    free(items);
    free(offsets);
    free(index);
    return rc;
}

/* A CPU step: operands are the op's int8 activation inputs (constants live in the parameter
 * block) and its outputs. */
static int lower_cpu(const tfl_model_t *m, const tfl_op_t *op, int idx, mica_builder_t *b,
                     int kernel, mica_cpu_prepare_fn prepare) {
    mica_prog_step_t s;
    memset(&s, 0, sizeof s);
    const char *kname = "op";
    mica_kernel_find((uint32_t)kernel, &kname);
    snprintf(s.name, sizeof s.name, "%d_%s", idx, kname);
    s.kind = MICA_STEP_CPU;
    s.op = (uint32_t)kernel;
    for (int i = 0; i < op->ninputs; i++) {
        const tfl_tensor_t *t = mica_op_tensor(m, op, i);
        if (!t || t->data)
            continue;
        char name[96];
        if (b->tensor_map[op->inputs[i]] < 0)
            MICA_ERR("op %d (%s): input '%s' is %s, not an int8 activation", idx, kname,
                     mica_escape_name(t->name, name, sizeof name), tfl_type_name(t->type));
        if (s.ninputs == MICA_STEP_MAX_IO)
            MICA_ERR("op %d (%s): too many inputs", idx, kname);
        s.inputs[s.ninputs++] = b->tensor_map[op->inputs[i]];
    }
    for (int i = 0; i < op->noutputs; i++) {
        if (!mica_op_output(m, op, i) || b->tensor_map[op->outputs[i]] < 0)
            MICA_ERR("op %d (%s): output %d is not an int8 activation", idx, kname, i);
        if (s.noutputs == MICA_STEP_MAX_IO)
            MICA_ERR("op %d (%s): too many outputs", idx, kname);
        s.outputs[s.noutputs++] = b->tensor_map[op->outputs[i]];
    }
    for (int i = 0; i < op->ninputs; i++) { /* a variable input is updated: written back too */
        const tfl_tensor_t *t = mica_op_tensor(m, op, i);
        if (!t || t->data || !t->is_variable)
            continue;
        if (s.noutputs == MICA_STEP_MAX_IO)
            MICA_ERR("op %d (%s): too many outputs", idx, kname);
        s.outputs[s.noutputs++] = b->tensor_map[op->inputs[i]];
    }
    if (s.ninputs == 0)
        MICA_ERR("op %d (%s): has no activation input", idx, kname);
    s.params_offset = (uint32_t)b->params.len;
    char why[200];
    if (prepare(m, op, &b->params, why, sizeof why))
        MICA_ERR("op %d (%s): %s", idx, kname, why);
    s.params_size = (uint32_t)b->params.len - s.params_offset;
    if (mica_buf_align(&b->params, 8))
        MICA_ERR("out of memory");
    mica_prog_step_t *dst = mica_step_add(b);
    if (!dst)
        MICA_ERR("out of memory");
    *dst = s;
    return 0;
}

/* Per-step cost (cycles, traffic, memory use) from the emitted instructions; zero for CPU steps. */
static int note_cost(mica_builder_t *b) {
    mica_prog_step_t *st = (mica_prog_step_t *)(b->steps.data + b->steps.len) - 1;
    mica_cost_t c;
    memset(&c, 0, sizeof c);
    if (st->kind == MICA_STEP_ACCEL) {
        mica_cost_instrs(&b->hw, b->mem_latency ? b->mem_latency : MICA_MEM_LATENCY_DEFAULT,
                         (const mica_instr_t *)b->code.data + st->instr_first, st->instr_count, &c);
        st->est_cycles = c.cycles;
    }
    return mica_buf_append(&b->costs, &c, sizeof c);
}

/* Why the step runs where it does: the rule's text (the report's reason, "" on the accelerator)
 * and the detail naming the offending value (--dump=plan, error lines). */
int mica_note_reason(mica_builder_t *b, const char *why, const char *detail) {
    if (note_cost(b))
        return -1;
    char r[MICA_REASON_LEN], d[MICA_REASON_LEN];
    snprintf(r, sizeof r, "%.*s", (int)sizeof r - 1, why);
    snprintf(d, sizeof d, "%.*s", (int)sizeof d - 1, detail);
    int rc = mica_buf_append(&b->reasons, r, sizeof r) ||
             mica_buf_append(&b->details, d, sizeof d) ||
             mica_buf_append(&b->plans, b->plan_note, sizeof b->plan_note);
    b->plan_note[0] = 0;
    return rc ? -1 : 0;
}

/* Accelerator when every rule allows it and it fits; otherwise a CPU kernel, with the reason. */
static mica_partition_opts_t partition_opts(const mica_compile_opts_t *o) {
    mica_partition_opts_t po = o->partition;
    po.absent = o->hw.absent; /* the configuration decides which units exist */
    return po;
}

int mica_lower_op(const tfl_model_t *m, const tfl_op_t *op, int idx, mica_builder_t *b,
                  const mica_compile_opts_t *o) {
    if (op->ninputs < 1 || op->noutputs < 1 || !mica_op_tensor(m, op, 0) ||
        !mica_op_output(m, op, 0))
        MICA_ERR("op %d (%s): missing operands", idx, tfl_builtin_name(op->builtin));
    char detail[MICA_REASON_LEN];
    mica_partition_opts_t po = partition_opts(o);
    const char *why = mica_accel_reason(m, op, &po, detail, sizeof detail);
    char lower_err[sizeof b->err];
    int chained = mica_chain_begin(m, op, idx, b);
    if (!why) {
        size_t code = b->code.len, consts = b->consts.len, steps = b->steps.len;
        int pool = op->builtin == TFL_OP_AVERAGE_POOL_2D || op->builtin == TFL_OP_MAX_POOL_2D;
        int rc = pool                                   ? mica_lower_pool(m, op, idx, b)
                 : op->builtin == TFL_OP_ADD            ? mica_lower_add(m, op, idx, b)
                 : op->builtin == TFL_OP_TRANSPOSE_CONV ? mica_lower_tconv(m, op, idx, b)
                 : op->builtin == TFL_OP_BATCH_MATMUL   ? mica_lower_bmm(m, op, idx, b)
                                                        : mica_lower_conv_fc(m, op, idx, b);
        if (rc == 0)
            return mica_note_reason(b, "", "");
        if (chained) /* its input is only in ASPAD: no CPU fallback can read it */
            return -1;
        snprintf(lower_err, sizeof lower_err, "%s", b->err); /* does not fit: undo, try the CPU */
        b->code.len = code;
        b->consts.len = consts;
        b->steps.len = steps;
        b->plan_note[0] = 0;
        why = lower_err;
        detail[0] = 0;
    }
    mica_cpu_prepare_fn prepare;
    int kernel = mica_cpu_op_find(m, op, &prepare);
    const char *name = op->custom_code ? op->custom_code : tfl_builtin_name(op->builtin);
    char shown[96];
    if (kernel < 0)
        MICA_ERR(
            "op %d (%s): cannot run: not on the accelerator (%s%s%s) and no CPU kernel for it (see "
            "mica ops)",
            idx, mica_escape_name(name, shown, sizeof shown), why, detail[0] ? ": " : "", detail);
    if (kernel >= 0 && mica_cpu_int16_unsupported(m, op, kernel))
        MICA_ERR(
            "op %d (%s): has an int16 operand; Mica's int16 kernels are listed by mica ops (this "
            "operator's CPU kernel is int8 only)",
            idx, mica_escape_name(name, shown, sizeof shown));
    const tfl_tensor_t *target = op->builtin == TFL_OP_BROADCAST_TO ? mica_op_tensor(m, op, 1) : 0;
    if (target && !target->data) /* else an int32 tensor inside the graph, below */
        MICA_ERR("op %d (BROADCAST_TO): the target shape is computed at run time; Mica needs it "
                 "constant (it sets the output's shape when compiling)",
                 idx);
    if (mica_cpu_int32_unsupported(m, op, kernel))
        MICA_ERR(
            "op %d (%s): has an int32 tensor inside the graph; Mica's int32 paths are ADD, SUB, "
            "MUL, MAXIMUM, MINIMUM, comparisons, SELECT, GATHER indices, ARG_MAX/ARG_MIN, CAST, "
            "RESHAPE, "
            "CONCATENATION",
            idx, mica_escape_name(name, shown, sizeof shown));
    if (lower_cpu(m, op, idx, b, kernel, prepare))
        return -1;
    return mica_note_reason(b, why, detail);
}

/* A float32 edge tensor carries its quantized side's scale and zero point (QUANTIZE's output,
 * DEQUANTIZE's input), so a tool can generate inputs in the range the model quantizes; an int16
 * side's scale is stored times 256, so steps of an int8's range span the int16 range. */
static void note_edge_quant(const tfl_model_t *m, mica_builder_t *b) {
    for (int o = 0; o < m->nops; o++) {
        const tfl_op_t *op = &m->ops[o];
        const tfl_tensor_t *in = mica_op_tensor(m, op, 0), *out = mica_op_output(m, op, 0);
        if (op->builtin == TFL_OP_CAST && in && in->type == TFL_TYPE_FLOAT32 &&
            b->tensor_map[op->inputs[0]] >= 0) /* raw values: inputs over the target's range */
            mica_tensor_at(b, b->tensor_map[op->inputs[0]])->scale =
                out && out->type == TFL_TYPE_INT16 ? 256.0f : 1.0f;
        if (!in || !out || (op->builtin != TFL_OP_QUANTIZE && op->builtin != TFL_OP_DEQUANTIZE))
            continue;
        int32_t flt = op->builtin == TFL_OP_QUANTIZE ? op->inputs[0] : op->outputs[0];
        const tfl_tensor_t *q = op->builtin == TFL_OP_QUANTIZE ? out : in;
        if (m->tensors[flt].type != TFL_TYPE_FLOAT32 || b->tensor_map[flt] < 0 || q->nquant != 1)
            continue;
        mica_prog_tensor_t *pt = mica_tensor_at(b, b->tensor_map[flt]);
        int wide = q->type == TFL_TYPE_INT16;
        pt->scale = wide ? q->scale[0] * 256.0f : q->scale[0];
        pt->zero_point = wide ? (int32_t)(q->zero_point[0] / 256) : (int32_t)q->zero_point[0];
    }
}

int mica_record_io(const tfl_model_t *m, mica_builder_t *b) {
    if (m->ninputs < 1 || m->noutputs < 1 || m->ninputs > 16 || m->noutputs > 16)
        MICA_ERR("model must have 1..16 inputs and outputs");
    for (int i = 0; i < m->ninputs; i++) {
        if (check_io_tensor(b, m, m->inputs[i], "input", i))
            return -1;
        b->inputs[b->ninputs++] = (uint32_t)b->tensor_map[m->inputs[i]];
    }
    for (int i = 0; i < m->noutputs; i++) {
        if (check_io_tensor(b, m, m->outputs[i], "output", i))
            return -1;
        b->outputs[b->noutputs++] = (uint32_t)b->tensor_map[m->outputs[i]];
    }
    note_edge_quant(m, b);
    return 0;
}

int mica_compile(const tfl_model_t *model, const mica_compile_opts_t *o, mica_builder_t *b) {
    b->hw = o->hw;
    b->mem_latency = o->mem_latency;
    const tfl_model_t *m;
    mica_folded_t *folded;
    if (mica_fold(model, &m, &folded, b->err, sizeof b->err))
        return -1;
    b->folded = folded;
    if (m->nops == 0)
        MICA_ERR("model has no operators");
    if (m->nsubgraphs != 1)
        return mica_compile_graphs(model, m, o, b);
    if (mica_validate_model(m, b->err, sizeof b->err))
        return -1;
    mica_partition_opts_t po = partition_opts(o);
    if (mica_plan_graph_arena(m, b) || mica_record_io(m, b) || mica_chain_plan(m, b, &po))
        return -1;
    for (int i = 0; i < m->nops; i++)
        if (mica_lower_op(m, &m->ops[i], i, b, o))
            return -1;
    return 0;
}

void mica_builder_free(mica_builder_t *b) {
    mica_buf_free(&b->consts);
    mica_buf_free(&b->code);
    mica_buf_free(&b->tensors);
    mica_buf_free(&b->steps);
    mica_buf_free(&b->params);
    mica_buf_free(&b->reasons);
    mica_buf_free(&b->costs);
    mica_buf_free(&b->details);
    mica_buf_free(&b->plans);
    free(b->tensor_map);
    b->tensor_map = NULL;
    free(b->res);
    b->res = NULL;
    mica_fold_free(b->folded);
    b->folded = NULL;
}
