/* On-chip chains (chain.h). The chain's rows alternate between the two halves of ASPAD: a layer
 * that loads its input plans its buffers in the lower half and stores into the upper; a layer
 * whose input is in one half stores into the other. Each layer is its own accelerator program
 * (ending with END, every unit idle), so the consumer's MATMULs find the rows written: the RAW
 * hazard is the step boundary. */
#include <string.h>
#include "chain.h"

static int is_output(const tfl_model_t *m, int32_t t) {
    for (int i = 0; i < m->noutputs; i++)
        if (m->outputs[i] == t)
            return 1;
    return 0;
}

/* Whether op `next` is the only reader of t, through its input 0 only. */
static int only_reader(const tfl_model_t *m, int32_t t, int next) {
    for (int o = 0; o < m->nops; o++)
        for (int k = 0; k < m->ops[o].ninputs; k++)
            if (m->ops[o].inputs[k] == t && (o != next || k != 0))
                return 0;
    return 1;
}

/* t as NHWC with batch 1: its pixels and channels, or 0. */
static int nhwc(const tfl_model_t *m, int32_t t, uint64_t *pixels, uint64_t *channels) {
    const tfl_tensor_t *x = &m->tensors[t];
    if (x->rank != 4 || x->dims[0] != 1 || x->dims[1] < 1 || x->dims[2] < 1 || x->dims[3] < 1)
        return 0;
    *pixels = (uint64_t)x->dims[1] * (uint64_t)x->dims[2];
    *channels = (uint64_t)x->dims[3];
    return 1;
}

/* Op idx's output may stay on chip for op idx + 1: a CONV_2D or DEPTHWISE_CONV_2D on the
 * accelerator (lowered by mica_emit_gemm_step, as one band) that alone reads it; all its folds
 * fit half of ASPAD and the consumer's output pixels half of ACC. */
static int chain_candidate(const tfl_model_t *m, const tfl_op_t *op, int idx,
                           const mica_builder_t *b, const mica_partition_opts_t *po) {
    const mica_hw_config_t *hw = &b->hw;
    if ((mica_hw_absent(hw) & MICA_FEATURE_STORE_ASPAD) || b->graph_role != MICA_GRAPH_SINGLE ||
        idx + 1 >= m->nops || op->noutputs != 1)
        return 0;
    const tfl_op_t *next = &m->ops[idx + 1];
    int32_t t = op->outputs[0];
    uint64_t pix, ch, opix, och;
    if ((next->builtin != TFL_OP_CONV_2D && next->builtin != TFL_OP_DEPTHWISE_CONV_2D) ||
        next->ninputs < 1 || next->noutputs < 1 || next->inputs[0] != t || t < 0 ||
        is_output(m, t) || !only_reader(m, t, idx + 1) || !nhwc(m, t, &pix, &ch) ||
        !nhwc(m, next->outputs[0], &opix, &och))
        return 0;
    uint64_t folds = (ch + hw->rows - 1) / hw->rows;
    if (folds * pix > hw->aspad_depth / 2 || opix > hw->acc_depth / 2)
        return 0;
    char detail[MICA_REASON_LEN];
    return mica_accel_reason(m, next, po, detail, sizeof detail) == NULL;
}

int mica_chain_begin(const tfl_model_t *m, const tfl_op_t *op, int idx, mica_builder_t *b,
                     const mica_partition_opts_t *po) {
    int in = b->chain_tensor1 && op->ninputs > 0 && op->inputs[0] + 1 == b->chain_tensor1;
    b->chain_tensor1 = in ? b->chain_tensor1 : 0;
    b->chain_out = chain_candidate(m, op, idx, b, po);
    return in;
}

void mica_chain_layer(const mica_builder_t *b, const tfl_op_t *op, mica_gemm_layer_t *L) {
    uint32_t half = b->hw.aspad_depth / 2;
    L->in_aspad = b->chain_tensor1 && op->inputs[0] + 1 == b->chain_tensor1;
    L->aspad_base = L->in_aspad ? b->chain_base : 0;
    L->out_aspad = b->chain_out && !L->out_pixel_step;
    L->out_base = L->in_aspad && b->chain_base ? 0 : half;
}

void mica_chain_end(mica_builder_t *b, const tfl_op_t *op, const mica_gemm_layer_t *L) {
    b->chain_tensor1 = L->out_aspad ? op->outputs[0] + 1 : 0;
    b->chain_base = L->out_base;
}
