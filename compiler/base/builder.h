/* The program under construction: arena tensors, constant image, instruction stream, steps.
 * The compiler's passes append to it; writer.c serializes it as a .mica file. */
#ifndef MICA_BUILDER_H
#define MICA_BUILDER_H
#include <stddef.h>
#include <stdint.h>
#include "mica_program.h"
#include "mica_hw.h"
#include "mica_isa.h"

typedef struct {
    uint8_t *data;
    size_t len, cap;
} mica_buf_t;

#define MICA_REASON_LEN 256
#define MICA_PLAN_LEN 1024

/* An activation kept in ASPAD between accelerator steps (chain.c): rows base.. from its producer
 * op prod to its last reader op last; state MICA_RES_*. */
typedef struct {
    uint32_t base, rows;
    int prod, last;
    uint8_t state;
} mica_res_t;

typedef struct {
    mica_hw_config_t hw;
    /* cycles the cost estimate assumes per memory request (0: MICA_MEM_LATENCY_DEFAULT) */
    uint32_t mem_latency;
    mica_buf_t consts;  /* image part 1: constants, addresses known as they are appended */
    mica_buf_t code;    /* image part 2: instructions (mica_instr_t) */
    mica_buf_t tensors; /* mica_prog_tensor_t[] */
    mica_buf_t steps;   /* mica_prog_step_t[] */
    mica_buf_t params;  /* CPU kernel parameter blob */
    mica_buf_t reasons; /* per step: char[MICA_REASON_LEN], why it is on the CPU ("" = ACCEL) */
    mica_buf_t costs;   /* per step: mica_cost_t (cost.h) */
    mica_buf_t details; /* per step: char[MICA_REASON_LEN], the offending value ("" = none) */
    mica_buf_t plans;   /* per step: char[MICA_PLAN_LEN], what the passes decided (--dump=plan) */
    char
        plan_note[MICA_PLAN_LEN]; /* the plan of the layer being lowered, moved to plans per step */
    uint32_t inputs[16], outputs[16], ninputs, noutputs;
    uint32_t arena_size; /* arena at address 0 */
    uint32_t image_addr; /* fixed once the arena is planned */
    int32_t *tensor_map; /* TFLite tensor index -> program tensor index (-1 = none) */
    void *folded;        /* the folded model view (fold.c), owned */
    /* Models with IF / WHILE / CALL_ONCE (lower_ctrl.c): each subgraph is planned at its own
     * arena_base; graph_role says what the graph being lowered is (MICA_GRAPH_*). */
    uint32_t arena_base;
    int graph_role;
    /* On-chip activations (chain.c): res per TFLite tensor (res_n), or NULL: none kept on chip.
     * The op being lowered (res_idx, loading an input from memory: res_loads) plans its own
     * buffers in ASPAD rows [0, res_work), below every row held while it runs. */
    mica_res_t *res;
    int res_n, res_idx, res_loads;
    uint32_t res_work;
    char err[512];
} mica_builder_t;

enum { MICA_GRAPH_SINGLE = 0, MICA_GRAPH_MAIN = 1, MICA_GRAPH_SUB = 2 };
/* res_state: not on chip; planned (its producer may STORE it into ASPAD); stored there (its
 * readers read ASPAD: memory holds nothing). */
enum { MICA_RES_NONE = 0, MICA_RES_PLANNED = 1, MICA_RES_STORED = 2 };
int mica_buf_append(mica_buf_t *b, const void *src, size_t n);
int mica_buf_align(mica_buf_t *b, size_t align);
void mica_buf_free(mica_buf_t *b);

/* Appends constant bytes (16-byte aligned) and returns their external address, or 0 on error. */
uint32_t mica_const_add(mica_builder_t *b, const void *src, size_t n);
/* In a lowering function whose builder is `b`: mica_fail(b, ...) and return -1 from the function. */
#define MICA_ERR(...)                                                                              \
    do {                                                                                           \
        mica_fail(b, __VA_ARGS__);                                                                 \
        return -1;                                                                                 \
    } while (0)

/* Sets b->err (one line; a message too long for it ends in "...", never mid-word silently); -1. */
int mica_fail(mica_builder_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A value that does not fit an instruction field: records "layer L: value V does not fit
 * instruction field F" in b->err and returns 1. */
int mica_field_error(mica_builder_t *b, const char *layer, const char *field, int64_t v);
/* The result of a typed encoder (mica_<op>_encode in mica_isa.h) for an instruction of `layer`:
 * 0, or -1 after mica_field_error names the field and its value (read from `fields`, the typed
 * struct: wait, then the descriptor's fields in order, 32 bits each). */
int mica_encoded(mica_builder_t *b, const char *layer, unsigned opcode, int rc,
                 const char *bad_field, const void *fields);
/* Encodes a typed instruction: MICA_ENCODE(b, "3_conv", matmul, &fields, &instr) -> 0 or -1. */
#define MICA_ENCODE(b, layer, op, fields, out)                                                     \
    __extension__({                                                                                \
        const char *bad_ = NULL;                                                                   \
        int rc_ = mica_##op##_encode((fields), (out), &bad_);                                      \
        mica_encoded((b), (layer), mica_instr_opcode(out), rc_, bad_, (fields));                   \
    })
/* Appends a line to the plan note of the layer being lowered (--dump=plan). */
void mica_plan_note(mica_builder_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends one instruction; returns -1 (with b->err set) when a field does not fit. */
int mica_emit(mica_builder_t *b, const mica_instr_t *in);
uint32_t mica_code_count(const mica_builder_t *b);
mica_prog_tensor_t *mica_tensor_at(mica_builder_t *b, int32_t program_index);
mica_prog_step_t *mica_step_add(mica_builder_t *b);

#endif
