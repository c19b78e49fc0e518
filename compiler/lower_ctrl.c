/* Models with IF, WHILE and CALL_ONCE: every subgraph the main graph reaches is compiled like a
 * model of its own (its accelerable operators go to the accelerator as usual) into one program:
 * the main graph's steps, then each called subgraph's steps as a region, in an order where
 * callers come before callees; a control step (include/mica_control.h) runs the regions and
 * copies the tensors it passes. Each subgraph has its own part of the arena (a region runs while
 * its caller's tensors are live); resource variables and CALL_ONCE flags are state tensors in
 * front. Recursion (a subgraph reaching itself) is refused, as is nesting past
 * MICA_CTRL_MAX_DEPTH. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lower_ctrl.h"
#include "mica_control.h"
#include "mica_escape.h"
#include "fold.h"
#include "validate.h"
#include "cpu_ops/cpu_ops.h"

typedef struct {
    int n;                                    /* subgraphs in the file */
    const tfl_model_t *g[MICA_MAX_SUBGRAPHS]; /* folded views of the reached ones */
    tfl_model_t *owned[MICA_MAX_SUBGRAPHS];
    mica_folded_t *folded[MICA_MAX_SUBGRAPHS];
    int32_t *map[MICA_MAX_SUBGRAPHS]; /* tensor maps */
    int state[MICA_MAX_SUBGRAPHS];    /* 0 unseen, 1 on the DFS stack, 2 done */
    int used[MICA_MAX_SUBGRAPHS];
    int order[MICA_MAX_SUBGRAPHS], norder; /* postorder; reversed = callers first */
    uint32_t first[MICA_MAX_SUBGRAPHS], count[MICA_MAX_SUBGRAPHS];
    uint32_t while_limit; /* each WHILE step's max_iterations (--while-limit) */
    struct {
        uint32_t word; /* params byte offset of the region's first */
        int callee;
    } fix[2 * MICA_MAX_SUBGRAPHS * 8];
    int nfix;
    int32_t flag0, nflags, next_flag; /* CALL_ONCE done flags: consecutive tensors */
    mica_vars_t vars;
} graphs_t;

static int is_ctrl(int builtin) {
    return builtin == TFL_OP_IF || builtin == TFL_OP_WHILE || builtin == TFL_OP_CALL_ONCE;
}

/* Subgraph indices an IF / WHILE / CALL_ONCE names, and what they are called in messages. */
static int callees(const tfl_op_t *op, int out[2], const char *what[2]) {
    if (op->builtin == TFL_OP_CALL_ONCE) {
        out[0] = out[1] = (int)tfl_opt_int(op, 0, -1);
        what[0] = what[1] = "init_subgraph_index";
        return 1;
    }
    int w = op->builtin == TFL_OP_WHILE;
    out[0] = (int)tfl_opt_int(op, 0, -1);
    out[1] = (int)tfl_opt_int(op, 1, -1);
    what[0] = w ? "cond_subgraph_index" : "then_subgraph_index";
    what[1] = w ? "body_subgraph_index" : "else_subgraph_index";
    return 2;
}

static int load_graph(graphs_t *G, const tfl_model_t *model, int k, mica_builder_t *b) {
    char err[400];
    if (k == 0)
        return 0;
    if (!model->source ||
        tfl_model_read_subgraph(model->source, model->source_size, k, &G->owned[k], err,
                                sizeof err) ||
        mica_fold(G->owned[k], &G->g[k], &G->folded[k], err, sizeof err))
        MICA_ERR("subgraph %d: %s", k, model->source ? err : "model bytes unavailable");
    return 0;
}

/* Depth-first over the call graph from subgraph k: loads each subgraph reached, refuses bad
 * indices, recursion and deep nesting. */
static int visit(graphs_t *G, const tfl_model_t *model, int k, int depth, mica_builder_t *b) {
    if (depth > MICA_CTRL_MAX_DEPTH)
        MICA_ERR("subgraph %d: subgraphs nest deeper than %d (Mica's limit)", k,
                 MICA_CTRL_MAX_DEPTH);
    if (load_graph(G, model, k, b))
        return -1;
    G->state[k] = 1;
    G->used[k] = 1;
    const tfl_model_t *m = G->g[k];
    for (int o = 0; o < m->nops; o++) {
        const tfl_op_t *op = &m->ops[o];
        int c[2];
        const char *what[2];
        int n = is_ctrl(op->builtin) ? callees(op, c, what) : 0;
        for (int r = 0; r < n; r++) {
            if (c[r] < 1 || c[r] >= G->n)
                MICA_ERR("op %d (%s) in subgraph %d: %s %d is not a subgraph Mica can call (1..%d)",
                         o, tfl_builtin_name(op->builtin), k, what[r], c[r], G->n - 1);
            if (G->state[c[r]] == 1)
                MICA_ERR("op %d (%s) in subgraph %d: %s %d calls back into a running subgraph "
                         "(recursion; Mica runs each subgraph once at a time)",
                         o, tfl_builtin_name(op->builtin), k, what[r], c[r]);
            if (G->state[c[r]] == 0 && visit(G, model, c[r], depth + 1, b))
                return -1;
        }
    }
    G->state[k] = 2;
    G->order[G->norder++] = k;
    return 0;
}

/* Pass 1 per subgraph, callers first: validated, arena planned at its own base. */
static int plan_graphs(graphs_t *G, mica_builder_t *b) {
    for (int i = G->norder - 1; i >= 0; i--) {
        int k = G->order[i];
        b->graph_role = k ? MICA_GRAPH_SUB : MICA_GRAPH_MAIN;
        if (mica_validate_model(G->g[k], b->err, sizeof b->err)) {
            char inner[sizeof b->err];
            snprintf(inner, sizeof inner, "%s", b->err);
            MICA_ERR("subgraph %d: %s", k, inner);
        }
        if (mica_plan_graph_arena(G->g[k], b))
            return -1;
        G->map[k] = b->tensor_map;
        b->tensor_map = NULL;
        b->arena_base = (b->arena_size + 15u) & ~15u;
    }
    return 0;
}

static int put(mica_builder_t *b, uint32_t w) {
    return mica_buf_append(&b->params, &w, 4);
}

/* Tensors a control step passes, as program tensors (`what` names them in messages); with
 * constants_ok a constant (a caller's input) is listed as MICA_CTRL_NO_TENSOR. */
static int put_list(mica_builder_t *b, const int32_t *map, const tfl_model_t *m, const int32_t *idx,
                    int n, const char *what, int op_i, int constants_ok) {
    for (int j = 0; j < n; j++) {
        int32_t t = idx[j];
        if (constants_ok && t >= 0 && t < m->ntensors && m->tensors[t].data) {
            if (put(b, MICA_CTRL_NO_TENSOR)) /* written by pass_constants */
                MICA_ERR("out of memory");
            continue;
        }
        if (t < 0 || t >= m->ntensors || map[t] < 0)
            MICA_ERR(
                "op %d: %s %d (tensor %d, %s) is a constant or a type Mica does not pass between "
                "subgraphs",
                op_i, what, j, t,
                t >= 0 && t < m->ntensors ? tfl_type_name(m->tensors[t].type) : "none");
        if (put(b, (uint32_t)map[t]))
            MICA_ERR("out of memory");
    }
    return 0;
}

/* Operand counts TFLite requires between the op and its subgraphs. */
static int arity(const graphs_t *G, int k, const tfl_op_t *op, int o, const int c[2],
                 mica_builder_t *b) {
    const tfl_model_t *x = G->g[c[0]], *y = op->builtin == TFL_OP_CALL_ONCE ? x : G->g[c[1]];
    const char *name = tfl_builtin_name(op->builtin);
    int ok = op->builtin == TFL_OP_CALL_ONCE
                 ? op->ninputs == 0 && op->noutputs == 0 && x->ninputs == 0 && x->noutputs == 0
             : op->builtin == TFL_OP_IF
                 ? op->ninputs >= 1 && x->ninputs == op->ninputs - 1 &&
                       y->ninputs == op->ninputs - 1 && x->noutputs == op->noutputs &&
                       y->noutputs == op->noutputs
                 : op->ninputs == op->noutputs && x->ninputs == op->ninputs && x->noutputs == 1 &&
                       y->ninputs == op->ninputs && y->noutputs == op->ninputs;
    if (!ok)
        MICA_ERR("op %d (%s) in subgraph %d: %d inputs and %d outputs do not match its subgraphs "
                 "(%d: %d in, %d out; %d: %d in, %d out)",
                 o, name, k, op->ninputs, op->noutputs, c[0], x->ninputs, x->noutputs, c[1],
                 y->ninputs, y->noutputs);
    return 0;
}

/* The region descriptors; their first/count are patched once every subgraph is lowered. */
static int put_regions(graphs_t *G, const tfl_op_t *op, int o, const int c[2], int nreg,
                       mica_builder_t *b) {
    for (int r = 0; r < nreg; r++) {
        const tfl_model_t *x = G->g[c[r]];
        if (G->nfix == (int)(sizeof G->fix / sizeof G->fix[0]))
            MICA_ERR("op %d (%s): too many control steps", o, tfl_builtin_name(op->builtin));
        G->fix[G->nfix].word = (uint32_t)b->params.len;
        G->fix[G->nfix++].callee = c[r];
        if (put(b, 0) || put(b, 0) || put(b, (uint32_t)x->ninputs) ||
            put(b, (uint32_t)x->noutputs) ||
            put_list(b, G->map[c[r]], x, x->inputs, x->ninputs, "subgraph input", o, 0) ||
            put_list(b, G->map[c[r]], x, x->outputs, x->noutputs, "subgraph output", o, 0))
            return -1;
    }
    return 0;
}

/* A CONSTANT step writing constant tensor t (the op's input j) into program tensor `to`. */
static int constant_step(const tfl_tensor_t *t, int32_t to, int o, int j, mica_builder_t *b) {
    mica_prog_step_t s;
    memset(&s, 0, sizeof s);
    snprintf(s.name, sizeof s.name, "%d_CONSTANT_%d", o, j);
    s.kind = MICA_STEP_CPU;
    s.op = MICA_CPU_CONSTANT;
    s.noutputs = 1;
    s.outputs[0] = to;
    s.params_offset = (uint32_t)b->params.len;
    s.params_size = (uint32_t)t->data_size;
    if (t->data_size != mica_tensor_at(b, to)->bytes)
        MICA_ERR("op %d: constant input %d has %zu bytes, the tensor it is passed to %u", o, j,
                 t->data_size, mica_tensor_at(b, to)->bytes);
    mica_prog_step_t *dst = mica_step_add(b);
    if (!dst || mica_buf_append(&b->params, t->data, t->data_size) || mica_buf_align(&b->params, 8))
        MICA_ERR("out of memory");
    *dst = s;
    return mica_note_reason(b, "a constant passed to a subgraph", "");
}

/* Constants an IF or WHILE passes (the converter hands captured weights to the branches) are
 * written where the region reads them (IF) or where the loop keeps them (WHILE) before the step;
 * its block lists MICA_CTRL_NO_TENSOR for them. */
static int pass_constants(const graphs_t *G, int k, const tfl_op_t *op, int o, const int c[2],
                          mica_builder_t *b) {
    const tfl_model_t *m = G->g[k];
    int skip = op->builtin == TFL_OP_IF;
    for (int j = skip; op->builtin != TFL_OP_CALL_ONCE && j < op->ninputs; j++) {
        const tfl_tensor_t *t = mica_op_tensor(m, op, j);
        if (!t || !t->data)
            continue;
        for (int r = 0; r < (skip ? 2 : 1); r++) {
            const tfl_model_t *x = G->g[c[r]];
            int32_t at = skip ? x->inputs[j - 1] : op->outputs[j];
            int32_t to =
                at >= 0 && at < (skip ? x : m)->ntensors ? G->map[skip ? c[r] : k][at] : -1;
            if (to < 0)
                MICA_ERR("op %d (%s) in subgraph %d: constant input %d goes to a %s tensor, a type "
                         "Mica does not pass",
                         o, tfl_builtin_name(op->builtin), k, j, tfl_type_name(t->type));
            if (constant_step(t, to, o, j, b))
                return -1;
        }
    }
    return 0;
}

static int lower_ctrl_op(graphs_t *G, int k, const tfl_op_t *op, int o, mica_builder_t *b) {
    const tfl_model_t *m = G->g[k];
    int c[2];
    const char *what[2];
    int nreg = callees(op, c, what), is_if = op->builtin == TFL_OP_IF;
    if (arity(G, k, op, o, c, b))
        return -1;
    if (op->ninputs > MICA_CTRL_MAX_IO || G->g[c[0]]->ninputs > MICA_CTRL_MAX_IO ||
        op->noutputs > MICA_CTRL_MAX_IO || G->g[c[nreg - 1]]->noutputs > MICA_CTRL_MAX_IO)
        MICA_ERR("op %d (%s) in subgraph %d: more than %d operands", o,
                 tfl_builtin_name(op->builtin), k, MICA_CTRL_MAX_IO);
    int32_t tensor = 0;
    if (op->builtin == TFL_OP_CALL_ONCE)
        tensor = G->flag0 + G->next_flag++;
    if (is_if) {
        const tfl_tensor_t *cond = mica_op_tensor(m, op, 0);
        if (!cond || cond->type != TFL_TYPE_BOOL || mica_tensor_elements(cond) != 1 ||
            G->map[k][op->inputs[0]] < 0)
            MICA_ERR(
                "op %d (IF) in subgraph %d: the condition must be one bool computed by the graph",
                o, k);
        tensor = G->map[k][op->inputs[0]];
    }
    if (pass_constants(G, k, op, o, c, b))
        return -1;
    mica_prog_step_t *s = mica_step_add(b);
    if (!s)
        MICA_ERR("out of memory");
    snprintf(s->name, sizeof s->name, "%d_%s", o, tfl_builtin_name(op->builtin));
    s->kind = MICA_STEP_CTRL;
    s->op = op->builtin == TFL_OP_CALL_ONCE ? MICA_CTRL_CALL_ONCE
            : is_if                         ? MICA_CTRL_IF
                                            : MICA_CTRL_WHILE;
    s->params_offset = (uint32_t)b->params.len;
    int skip = is_if; /* IF's condition is not passed */
    if (put(b, (uint32_t)tensor) || put(b, op->builtin == TFL_OP_WHILE ? G->while_limit : 0) ||
        put(b, (uint32_t)(op->ninputs - skip)) || put(b, (uint32_t)op->noutputs) ||
        put(b, (uint32_t)nreg) ||
        put_list(b, G->map[k], m, op->inputs + skip, op->ninputs - skip, "input", o, 1) ||
        put_list(b, G->map[k], m, op->outputs, op->noutputs, "output", o, 0) ||
        put_regions(G, op, o, c, nreg, b))
        return -1;
    s = (mica_prog_step_t *)(b->steps.data + b->steps.len) - 1;
    s->params_size = (uint32_t)b->params.len - s->params_offset;
    if (mica_buf_align(&b->params, 8))
        MICA_ERR("out of memory");
    return mica_note_reason(b, "control flow: runs its subgraphs from the CPU", "");
}

static int lower_graph(graphs_t *G, int k, const mica_compile_opts_t *o, mica_builder_t *b) {
    G->while_limit = o->while_limit ? o->while_limit : MICA_WHILE_MAX_ITERATIONS_DEFAULT;
    const tfl_model_t *m = G->g[k];
    b->tensor_map = G->map[k];
    b->graph_role = k ? MICA_GRAPH_SUB : MICA_GRAPH_MAIN;
    G->first[k] = (uint32_t)(b->steps.len / sizeof(mica_prog_step_t));
    if (k == 0 && mica_record_io(m, b))
        return -1;
    for (int i = 0; i < m->nops; i++) {
        const tfl_op_t *op = &m->ops[i];
        int rc = is_ctrl(op->builtin)               ? lower_ctrl_op(G, k, op, i, b)
                 : op->builtin == TFL_OP_VAR_HANDLE ? 0
                 : op->builtin == TFL_OP_READ_VARIABLE || op->builtin == TFL_OP_ASSIGN_VARIABLE
                     ? mica_lower_var_op(&G->vars, k, m, op, i, b)
                     : mica_lower_op(m, op, i, b, o);
        if (rc) {
            if (k) { /* say which subgraph */
                char inner[sizeof b->err];
                snprintf(inner, sizeof inner, "%s", b->err);
                MICA_ERR("subgraph %d: %s", k, inner);
            }
            return -1;
        }
    }
    G->count[k] = (uint32_t)(b->steps.len / sizeof(mica_prog_step_t)) - G->first[k];
    mica_prog_step_t *st = (mica_prog_step_t *)b->steps.data;
    for (uint32_t s = G->first[k]; k && s < G->first[k] + G->count[k]; s++) {
        char name[MICA_NAME_LEN];
        snprintf(name, sizeof name, "g%d/%.40s", k, st[s].name);
        memcpy(st[s].name, name, sizeof name);
    }
    b->tensor_map = NULL;
    return 0;
}

static void free_graphs(graphs_t *G, mica_builder_t *b) {
    int planned = 0; /* a map left by a plan that failed belongs to no graph yet */
    for (int k = 0; k < MICA_MAX_SUBGRAPHS; k++)
        planned |= b->tensor_map && b->tensor_map == G->map[k];
    if (!planned)
        free(b->tensor_map);
    b->tensor_map = G->map[0]; /* the builder frees it */
    for (int k = 0; k < MICA_MAX_SUBGRAPHS; k++) {
        if (k)
            free(G->map[k]);
        mica_fold_free(G->folded[k]);
        tfl_model_free(G->owned[k]);
    }
    mica_vars_free(&G->vars);
    free(G);
}

/* One flag per CALL_ONCE, in the order lower_graph meets them, before the arenas are planned. */
static int place_flags(graphs_t *G, mica_builder_t *b) {
    for (int i = G->norder - 1; i >= 0; i--) {
        const tfl_model_t *m = G->g[G->order[i]];
        for (int o = 0; o < m->nops; o++) {
            if (m->ops[o].builtin != TFL_OP_CALL_ONCE)
                continue;
            int32_t t = mica_state_flag_add(b, "call_once_done");
            if (t < 0)
                MICA_ERR("out of memory");
            if (G->nflags++ == 0)
                G->flag0 = t;
        }
    }
    return 0;
}

static int compile_graphs(graphs_t *G, const tfl_model_t *model, const mica_compile_opts_t *o,
                          mica_builder_t *b) {
    if (G->n > MICA_MAX_SUBGRAPHS)
        MICA_ERR("model has %d subgraphs; Mica compiles up to %d", G->n, MICA_MAX_SUBGRAPHS);
    if (visit(G, model, 0, 0, b) || mica_vars_scan(&G->vars, G->g, G->used, G->n, b) ||
        mica_vars_place(&G->vars, b) || place_flags(G, b) || plan_graphs(G, b))
        return -1;
    for (int i = G->norder - 1; i >= 0; i--)
        if (lower_graph(G, G->order[i], o, b))
            return -1;
    for (int f = 0; f < G->nfix; f++) {
        uint32_t at[2] = {G->first[G->fix[f].callee], G->count[G->fix[f].callee]};
        memcpy(b->params.data + G->fix[f].word, at, sizeof at);
    }
    return 0;
}

int mica_compile_graphs(const tfl_model_t *model, const tfl_model_t *m,
                        const mica_compile_opts_t *o, mica_builder_t *b) {
    graphs_t *G = calloc(1, sizeof *G);
    if (!G)
        MICA_ERR("out of memory");
    G->n = model->nsubgraphs;
    G->g[0] = m;
    b->arena_base = 0;
    int rc = compile_graphs(G, model, o, b);
    free_graphs(G, b);
    return rc;
}

/* float32 is passed around only where bytes are copied or converted: QUANTIZE's input,
 * DEQUANTIZE's output, IF/WHILE operands, variables read and assigned. */
static int float_use_ok(const tfl_op_t *op, int as_input, int k) {
    switch (op->builtin) {
    case TFL_OP_QUANTIZE:
        return as_input && k == 0;
    case TFL_OP_DEQUANTIZE:
    case TFL_OP_READ_VARIABLE:
        return !as_input;
    case TFL_OP_IF:
        return !as_input || k > 0;
    case TFL_OP_WHILE:
        return 1;
    case TFL_OP_ASSIGN_VARIABLE:
        return as_input && k == 1;
    default:
        return 0;
    }
}

int mica_ctrl_tensor_ok(const tfl_model_t *m, int i) {
    const tfl_tensor_t *t = &m->tensors[i];
    if (t->rank > MICA_MAX_RANK || mica_tensor_elements(t) <= 0)
        return 0;
    if (((t->type == TFL_TYPE_INT8 || t->type == TFL_TYPE_INT16) && t->nquant == 1) ||
        t->type == TFL_TYPE_BOOL || t->type == TFL_TYPE_INT32) /* int32: counters, indices */
        return 1;
    if (t->type != TFL_TYPE_FLOAT32)
        return 0;
    for (int o = 0; o < m->nops; o++) {
        const tfl_op_t *op = &m->ops[o];
        for (int k = 0; k < op->ninputs; k++)
            if (op->inputs[k] == i && !float_use_ok(op, 1, k))
                return 0;
        for (int k = 0; k < op->noutputs; k++)
            if (op->outputs[k] == i && !float_use_ok(op, 0, k))
                return 0;
    }
    return 1;
}
