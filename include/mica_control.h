/* Control steps (MICA_STEP_CTRL): the subgraphs of a model with IF, WHILE or CALL_ONCE.
 *
 * A program with control steps is written as format MICA_PROG_FORMAT_CTRL (programs without them
 * keep format 2 and their bytes). Its step table holds the main graph's steps first, then each
 * called subgraph's steps as a contiguous region; the walk runs steps [0, main end), where the
 * main end is the first step of the earliest region, and a control step runs regions that start
 * after it (so a subgraph never calls itself, and nesting ends). Tensors move between the caller
 * and a region by copies in device memory.
 *
 * The step's op is a mica_ctrl_op_t; its parameter block (in the params blob, little-endian
 * uint32 words) is
 *   tensor, max_iterations, nin, nout, nregions, in[nin], out[nout],
 *   then per region: first, count, rin, rout, in[rin], out[rout]
 * CALL_ONCE: tensor = its done flag (a 1-byte MICA_DT_STATE tensor: mica_reset_state re-arms it);
 *            one region without inputs or outputs.
 * IF:        tensor = the condition (bool, 1 byte); regions then, else; in = IF's inputs after the
 *            condition (copied to the region's inputs), out = IF's outputs.
 * WHILE:     regions cond (inputs = the loop variables, one bool output) and body (inputs and
 *            outputs = the loop variables); in = initial values, out = results; at most
 *            max_iterations runs of the body, then the step fails with one line. */
#ifndef MICA_CONTROL_H
#define MICA_CONTROL_H
#include <stddef.h>
#include <stdint.h>
#include "mica_program.h"

#define MICA_PROG_FORMAT_CTRL 3u /* format of a program with control steps */
#define MICA_CTRL_MAX_IO 16      /* tensors a control step or region passes */
#define MICA_CTRL_MAX_DEPTH 8    /* nesting of control steps */
#define MICA_WHILE_MAX_ITERATIONS_DEFAULT 100000u
#define MICA_WHILE_LIMIT_MAX 1000000000u /* --while-limit accepts 1..this */
/* In IF's and WHILE's input list: a constant, written by CONSTANT steps before the control step
 * into the region inputs (IF) or the loop variable (WHILE), so nothing is copied. */
#define MICA_CTRL_NO_TENSOR 0xFFFFFFFFu

typedef enum { MICA_CTRL_CALL_ONCE = 1, MICA_CTRL_IF = 2, MICA_CTRL_WHILE = 3 } mica_ctrl_op_t;

typedef struct {
    uint32_t first, count, nin, nout;
    uint32_t in[MICA_CTRL_MAX_IO], out[MICA_CTRL_MAX_IO];
} mica_region_t;

typedef struct {
    uint32_t op, tensor, max_iterations, nin, nout, nregions;
    uint32_t in[MICA_CTRL_MAX_IO], out[MICA_CTRL_MAX_IO];
    mica_region_t region[2];
} mica_ctrl_t;

/* Word offset of region r's `first` inside a block with these counts (the compiler patches it). */
static inline uint32_t mica_ctrl_region_word(uint32_t nin, uint32_t nout, const uint32_t *rin,
                                             const uint32_t *rout, uint32_t r) {
    uint32_t w = 5 + nin + nout;
    for (uint32_t k = 0; k < r; k++)
        w += 4 + rin[k] + rout[k];
    return w;
}

/* Decodes and checks step s's block against the program (op, counts, tensor indices, regions
 * after s and inside the step table, arity and byte sizes of every copy). 0, or -1 with one
 * line in err. */
int mica_ctrl_parse(const mica_program_t *p, uint32_t s, mica_ctrl_t *out, char *err,
                    size_t errlen);
/* Steps of the main graph: [0, this). nsteps when the program has no control step. */
uint32_t mica_ctrl_main_end(const mica_program_t *p);
const char *mica_ctrl_op_name(uint32_t op);

#endif
