/* The Mica compiler: TFLite model -> .mica program. */
#ifndef MICA_COMPILER_H
#define MICA_COMPILER_H
#include <stddef.h>
#include "builder.h"
#include "tflite/tflite_reader.h"

#include "partition.h"
#include "mica_energy.h"

typedef struct {
    mica_hw_config_t hw;             /* target array and memories */
    mica_partition_opts_t partition; /* --cpu */
    uint32_t mem_latency; /* external memory latency the estimate assumes; 0 = the default */
    uint32_t
        while_limit; /* --while-limit: runs of a WHILE body before the step fails; 0 = default */
} mica_compile_opts_t;

/* Accelerator lowerings, one per operator family: 0, or -1 with b->err set. */
int mica_lower_conv_fc(const tfl_model_t *m, const tfl_op_t *op, int idx, mica_builder_t *b);
int mica_lower_pool(const tfl_model_t *m, const tfl_op_t *op, int idx, mica_builder_t *b);
int mica_lower_add(const tfl_model_t *m, const tfl_op_t *op, int idx, mica_builder_t *b);
int mica_lower_tconv(const tfl_model_t *m, const tfl_op_t *op, int idx, mica_builder_t *b);
int mica_lower_bmm(const tfl_model_t *m, const tfl_op_t *op, int idx, mica_builder_t *b);

void mica_compile_opts_default(mica_compile_opts_t *o);
/* Compiles model into b (caller zero-initializes b). 0, or -1 with b->err set. */
int mica_compile(const tfl_model_t *model, const mica_compile_opts_t *o, mica_builder_t *b);
/* Serializes b as a .mica file. */
int mica_write_program(mica_builder_t *b, const char *path);
void mica_builder_free(mica_builder_t *b);
/* --dump: per layer, what the passes decided (placement and reason, tiling, buffers, instruction
 * count, estimated cycles) and/or every emitted instruction with named fields; to a FILE *. */
enum { MICA_DUMP_PLAN = 1, MICA_DUMP_INSTRS = 2 };
void mica_write_dump(const mica_builder_t *b, unsigned what, void *file);
/* Writes the pre-deployment report (per layer and totals, energy with tech's table) as JSON. */
int mica_write_report(const mica_builder_t *b, const mica_energy_tech_t *tech, const char *model,
                      const char *path);

#endif
