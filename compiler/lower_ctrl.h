/* Models with more than one subgraph (IF, WHILE, CALL_ONCE) and resource variables
 * (VAR_HANDLE, READ_VARIABLE, ASSIGN_VARIABLE): lower_ctrl.c, lower_var.c. */
#ifndef MICA_LOWER_CTRL_H
#define MICA_LOWER_CTRL_H
#include "compiler.h"

#define MICA_MAX_SUBGRAPHS 64
#define MICA_MAX_VARIABLES 64

/* Resource variables and CALL_ONCE flags: state tensors at the start of the arena. */
typedef struct {
    int n;
    const char *container[MICA_MAX_VARIABLES], *shared_name[MICA_MAX_VARIABLES];
    const tfl_tensor_t *shape[MICA_MAX_VARIABLES]; /* the first value read or assigned */
    int32_t tensor[MICA_MAX_VARIABLES];            /* program tensor (-1: never used) */
    int32_t *resource[MICA_MAX_SUBGRAPHS];         /* per subgraph: tensor -> variable (-1) */
} mica_vars_t;

/* Compiles a model whose main graph (m, the folded view of `model`) calls other subgraphs. */
int mica_compile_graphs(const tfl_model_t *model, const tfl_model_t *m,
                        const mica_compile_opts_t *o, mica_builder_t *b);
/* In a multi-graph model, whether tensor i of m lives in the arena: int8/int16 activations, bool,
 * and float32 tensors that only pass between QUANTIZE, DEQUANTIZE, subgraphs and variables. */
int mica_ctrl_tensor_ok(const tfl_model_t *m, int i);

/* lower_var.c: finds the variables of graphs g[0..n) (those in `used`), refusing conflicting
 * uses; then places their state tensors at b->arena_base (advanced past them). */
int mica_vars_scan(mica_vars_t *v, const tfl_model_t *const *g, const int *used, int n,
                   mica_builder_t *b);
int mica_vars_place(mica_vars_t *v, mica_builder_t *b);
/* A 1-byte state tensor at b->arena_base (advanced): a CALL_ONCE's done flag. */
int32_t mica_state_flag_add(mica_builder_t *b, const char *name);
/* READ_VARIABLE / ASSIGN_VARIABLE op idx of subgraph k as a copy step. */
int mica_lower_var_op(const mica_vars_t *v, int k, const tfl_model_t *m, const tfl_op_t *op,
                      int idx, mica_builder_t *b);
void mica_vars_free(mica_vars_t *v);

/* lower.c's walk, shared with the multi-graph compile. */
int mica_plan_graph_arena(const tfl_model_t *m, mica_builder_t *b);
int mica_record_io(const tfl_model_t *m, mica_builder_t *b);
int mica_lower_op(const tfl_model_t *m, const tfl_op_t *op, int idx, mica_builder_t *b,
                  const mica_compile_opts_t *o);
int mica_note_reason(mica_builder_t *b, const char *why, const char *detail);

#endif
