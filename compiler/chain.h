/* On-chip activations (issue 15): an activation that only accelerator layers able to read ASPAD
 * read (convolutions' input, both ADD inputs) stays in ASPAD from its producer's STOREs (STORE
 * target ASPAD) to its last reader, instead of a round trip through external memory. A plan
 * before lowering places every such tensor's rows; lowering then follows what was stored. */
#ifndef MICA_CHAIN_H
#define MICA_CHAIN_H
#include "builder.h"
#include "lower_gemm.h"
#include "partition.h"
#include "tflite/tflite_reader.h"

/* Plans which activations stay on chip and where (b->res). 0, or -1 with b->err set. */
int mica_chain_plan(const tfl_model_t *m, mica_builder_t *b, const mica_partition_opts_t *po);
/* Before op idx is lowered: sets b->res_work. 1 when one of its inputs is only in ASPAD (no CPU
 * fallback can read it), else 0. */
int mica_chain_begin(const tfl_model_t *m, const tfl_op_t *op, int idx, mica_builder_t *b);
/* The ASPAD rows the op being lowered may use for its own buffers: those below every row held
 * while it runs (all of them without a plan). */
static inline uint32_t mica_chain_depth(const mica_builder_t *b) {
    return b->res ? b->res_work : b->hw.aspad_depth;
}
/* The op being lowered writes its output to memory after all (its readers load it). */
void mica_chain_drop_output(mica_builder_t *b, const tfl_op_t *op);
/* A convolution-shaped layer of op: its on-chip fields (mica_gemm_layer_t) from the plan. */
void mica_chain_layer(const mica_builder_t *b, const tfl_op_t *op, mica_gemm_layer_t *L);
/* After L was emitted: its output is in ASPAD if it stored it there. */
void mica_chain_end(mica_builder_t *b, const tfl_op_t *op, const mica_gemm_layer_t *L);
/* Tensor t (TFLite index): 1 and its first ASPAD row when it is stored there (an input to read
 * there) or, for mica_chain_out, planned there (an output to store there); else 0. */
int mica_chain_in(const mica_builder_t *b, int32_t t, uint32_t *base);
int mica_chain_out(const mica_builder_t *b, int32_t t, uint32_t *base);
/* The producer of t stored it into ASPAD. */
void mica_chain_stored(mica_builder_t *b, int32_t t);

#endif
