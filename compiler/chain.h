/* On-chip chains (issue 15): a layer whose output only the next accelerator layer reads, and which
 * fits, STOREs it into ASPAD (STORE target ASPAD) where the next layer's MATMULs or DWCONVs read it,
 * instead of a round trip through external memory. */
#ifndef MICA_CHAIN_H
#define MICA_CHAIN_H
#include "builder.h"
#include "lower_gemm.h"
#include "partition.h"
#include "tflite/tflite_reader.h"

/* Before op idx is lowered: whether its input is in ASPAD (b->chain_tensor1) and whether its output
 * may go there for op idx + 1 (b->chain_out). 1 when the input is in ASPAD. */
int mica_chain_begin(const tfl_model_t *m, const tfl_op_t *op, int idx, mica_builder_t *b,
                     const mica_partition_opts_t *po);
/* A convolution-shaped layer of op: its chain fields from the builder's state. */
void mica_chain_layer(const mica_builder_t *b, const tfl_op_t *op, mica_gemm_layer_t *L);
/* After L was emitted: what it left in ASPAD for the next op. */
void mica_chain_end(mica_builder_t *b, const tfl_op_t *op, const mica_gemm_layer_t *L);

#endif
